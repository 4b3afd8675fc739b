-- Statistics rows without the two things every row paid for and nothing needed. `source` was
-- the publisher's name repeated in each of a data set's quarter of a million rows; the row's
-- import (import_id) names the publisher once, and that is where every reader takes it from.
-- The check that `figures` is valid JSON parsed each row's figures again as it was written, a
-- quarter of SQLite's time on a national data set: the text is made by Stride's writer alone,
-- and read by json_each, which refuses malformed JSON with an error rather than a wrong figure.

CREATE TABLE statistics_rows_leaner (
    data_set TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_code TEXT NOT NULL,
    time_period TEXT NOT NULL,
    time_identifier TEXT NOT NULL,
    academic_year INTEGER,
    filters TEXT NOT NULL,
    release TEXT NOT NULL,
    -- Every indicator's figure in one JSON object: the value as a number, or the missing
    -- reason's code as text.
    figures TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id),
    PRIMARY KEY (data_set, subject_kind, subject_code, time_period, time_identifier, filters, release)
) WITHOUT ROWID;

INSERT INTO statistics_rows_leaner
SELECT data_set, subject_kind, subject_code, time_period, time_identifier, academic_year, filters, release, figures,
       import_id
FROM statistics_rows;
DROP TABLE statistics_rows;
ALTER TABLE statistics_rows_leaner RENAME TO statistics_rows;
