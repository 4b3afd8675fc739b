-- Termly attendance totals (issue 6): a pupil's sessions in a term at a school, for the years a
-- school returns only the totals the census's attendance module holds rather than every mark.
-- Attended sessions are what the absences leave of the possible ones.

CREATE TABLE attendance_summaries (
    pupil_id INTEGER NOT NULL REFERENCES pupils (id),
    urn INTEGER NOT NULL,
    academic_year INTEGER NOT NULL,
    -- 1 autumn, 2 spring, 3 summer.
    term INTEGER NOT NULL CHECK (term BETWEEN 1 AND 3),
    possible INTEGER NOT NULL CHECK (possible >= 0),
    authorised INTEGER NOT NULL CHECK (authorised >= 0),
    unauthorised INTEGER NOT NULL CHECK (unauthorised >= 0),
    import_id INTEGER,
    CHECK (authorised + unauthorised <= possible),
    PRIMARY KEY (pupil_id, urn, academic_year, term)
) WITHOUT ROWID;

CREATE INDEX attendance_summaries_by_school ON attendance_summaries (urn, academic_year);
