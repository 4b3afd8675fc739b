-- The School Intervention Record: each school's cases, every step on the escalation ladder as
-- decided, what was done (visits with their notes, meetings, statements, reviews), and the
-- record's history. Steps, activities and history are appended and never changed; a case's
-- revision counts its changes, so that a second person saving over the first is told.

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    urn INTEGER NOT NULL REFERENCES establishments (urn),
    opened_on TEXT NOT NULL,
    plan_agreed_on TEXT,
    revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1)
);

CREATE INDEX cases_by_school ON cases (urn, id);

CREATE TABLE case_steps (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    stage TEXT NOT NULL,
    taken_on TEXT NOT NULL,
    solution TEXT,
    compliance_ends TEXT,
    evidence TEXT NOT NULL CHECK (length(trim(evidence)) > 0),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);

CREATE INDEX case_steps_by_case ON case_steps (case_id, id);

-- A school's, or the LA's as a whole (no URN), such as a School Review Group meeting.
CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    urn INTEGER REFERENCES establishments (urn),
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    attendees TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    -- A visit's note, on its template, as JSON.
    note TEXT CHECK (note IS NULL OR json_valid(note))
);

CREATE INDEX activities_by_school ON activities (urn, held_on);

CREATE TABLE case_history (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    -- The case's revision this change made.
    revision INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    change TEXT NOT NULL,
    UNIQUE (case_id, revision)
);

CREATE TRIGGER case_steps_are_kept BEFORE UPDATE ON case_steps
BEGIN
    SELECT RAISE(ABORT, 'a step on the ladder is kept as decided: take another step');
END;

CREATE TRIGGER case_steps_are_not_deleted BEFORE DELETE ON case_steps
BEGIN
    SELECT RAISE(ABORT, 'a step on the ladder is kept as decided');
END;

CREATE TRIGGER case_history_is_kept BEFORE UPDATE ON case_history
BEGIN
    SELECT RAISE(ABORT, 'the record''s history is not changed');
END;

CREATE TRIGGER case_history_is_not_deleted BEFORE DELETE ON case_history
BEGIN
    SELECT RAISE(ABORT, 'the record''s history is not deleted');
END;
