-- Stride's foundation: establishments, their figures and comparators, inspections under each
-- framework, intelligence, accounts and sessions. Codes are those of stride-core's enumerations.

CREATE TABLE local_authority (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    la_code INTEGER NOT NULL CHECK (la_code BETWEEN 201 AND 999),
    name TEXT NOT NULL,
    region TEXT NOT NULL
);

CREATE TABLE localities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE trusts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE establishments (
    urn INTEGER PRIMARY KEY CHECK (urn BETWEEN 1 AND 999999),
    la_code INTEGER NOT NULL,
    -- Children's centres and some other establishments have no establishment number.
    establishment_number INTEGER CHECK (establishment_number BETWEEN 1000 AND 9999),
    name TEXT NOT NULL,
    establishment_type TEXT NOT NULL,
    phase TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_on TEXT,
    closed_on TEXT,
    statutory_low_age INTEGER,
    statutory_high_age INTEGER,
    -- An LA's own area; none for establishments of other LAs, held as reference data.
    locality_id INTEGER REFERENCES localities (id),
    is_academy INTEGER NOT NULL CHECK (is_academy IN (0, 1)),
    trust_id INTEGER REFERENCES trusts (id),
    diocese TEXT
);

-- Not unique: a closed school and the academy that succeeded it can share a DfE number.
CREATE INDEX establishments_by_dfe_number ON establishments (la_code, establishment_number);

CREATE TABLE leaders (
    urn INTEGER NOT NULL REFERENCES establishments (urn),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (urn, role, since)
);

-- One row per release: a revised or final figure supersedes a provisional one, and both stay.
CREATE TABLE school_figures (
    urn INTEGER NOT NULL REFERENCES establishments (urn),
    measure TEXT NOT NULL,
    academic_year INTEGER NOT NULL,
    pupil_group TEXT NOT NULL,
    release TEXT NOT NULL,
    value REAL,
    missing_reason TEXT,
    cohort INTEGER CHECK (cohort >= 0),
    source TEXT NOT NULL,
    CHECK ((value IS NULL) <> (missing_reason IS NULL)),
    PRIMARY KEY (urn, measure, academic_year, pupil_group, release)
);

CREATE INDEX school_figures_by_measure ON school_figures (measure, pupil_group, academic_year);

CREATE TABLE comparator_figures (
    comparator TEXT NOT NULL,
    phase_group TEXT NOT NULL,
    measure TEXT NOT NULL,
    academic_year INTEGER NOT NULL,
    pupil_group TEXT NOT NULL,
    release TEXT NOT NULL,
    value REAL,
    missing_reason TEXT,
    source TEXT NOT NULL,
    CHECK ((value IS NULL) <> (missing_reason IS NULL)),
    PRIMARY KEY (comparator, phase_group, measure, academic_year, pupil_group, release)
);

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    urn INTEGER NOT NULL REFERENCES establishments (urn),
    framework TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_on TEXT NOT NULL,
    published_on TEXT NOT NULL,
    ungraded_outcome TEXT,
    category_of_concern TEXT,
    UNIQUE (urn, started_on, kind)
);

-- The latest graded inspection of each school is looked up for every list of schools.
CREATE INDEX inspections_by_school ON inspections (urn, kind, started_on);

CREATE TABLE judgements (
    inspection_id INTEGER NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    area TEXT NOT NULL,
    grade TEXT NOT NULL,
    PRIMARY KEY (inspection_id, area)
);

CREATE TABLE intelligence (
    id INTEGER PRIMARY KEY,
    urn INTEGER NOT NULL REFERENCES establishments (urn),
    kind TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- An adviser's assigned schools, or a headteacher's own school.
CREATE TABLE account_schools (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    urn INTEGER NOT NULL REFERENCES establishments (urn),
    PRIMARY KEY (account_id, urn)
);

-- A session is held by the SHA-256 of its cookie token, so a copy of the database does not
-- give anyone a signed-in session. A session without an account exists only to carry the
-- sign-in form's CSRF token.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
