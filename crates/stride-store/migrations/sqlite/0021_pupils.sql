-- Pupils (issue 6): each child once, by UPN, with every census return that named them; a year of
-- register marks per pupil and school, a byte a session (stride-core's YearOfMarks); the
-- caseloads of inclusion officers; and the audit log of every read or change of pupil data,
-- which no one may edit or delete.

CREATE TABLE pupils (
    id INTEGER PRIMARY KEY,
    upn TEXT NOT NULL UNIQUE CHECK (length(upn) = 13),
    surname TEXT NOT NULL,
    forename TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    gender TEXT NOT NULL
);

CREATE TABLE pupil_census (
    pupil_id INTEGER NOT NULL REFERENCES pupils (id),
    census_date TEXT NOT NULL,
    urn INTEGER NOT NULL,
    year_group INTEGER NOT NULL CHECK (year_group BETWEEN -2 AND 14),
    -- The characteristics' codes, sorted and separated by spaces.
    characteristics TEXT NOT NULL,
    sen_need TEXT,
    import_id INTEGER,
    PRIMARY KEY (pupil_id, census_date)
) WITHOUT ROWID;

CREATE INDEX pupil_census_by_school ON pupil_census (urn, census_date);

CREATE TABLE attendance_marks (
    pupil_id INTEGER NOT NULL REFERENCES pupils (id),
    urn INTEGER NOT NULL,
    academic_year INTEGER NOT NULL,
    marks BLOB NOT NULL,
    import_id INTEGER,
    PRIMARY KEY (pupil_id, urn, academic_year)
) WITHOUT ROWID;

CREATE INDEX attendance_marks_by_school ON attendance_marks (urn, academic_year);

CREATE TABLE caseloads (
    pupil_id INTEGER NOT NULL REFERENCES pupils (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    since TEXT NOT NULL,
    PRIMARY KEY (pupil_id, account_id)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    -- Stride's own number for the pupil, never a UPN or a name.
    pupil_id INTEGER,
    what TEXT NOT NULL
);

CREATE INDEX audit_log_by_pupil ON audit_log (pupil_id, at);

CREATE TRIGGER audit_log_kept_on_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_kept_on_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
