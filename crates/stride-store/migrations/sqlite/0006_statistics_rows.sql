-- Explore Education Statistics figures held by the row they were published in: a data set's row
-- (subject, period, filters, release) with every indicator's figure in one JSON object, the
-- value as a number or the missing reason's code as text. A national data set of a quarter of a
-- million rows is then a quarter of a million rows here, not two million.

CREATE TABLE statistics_rows (
    data_set TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_code TEXT NOT NULL,
    time_period TEXT NOT NULL,
    time_identifier TEXT NOT NULL,
    academic_year INTEGER,
    filters TEXT NOT NULL,
    release TEXT NOT NULL,
    figures TEXT NOT NULL CHECK (json_valid(figures)),
    source TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id),
    PRIMARY KEY (data_set, subject_kind, subject_code, time_period, time_identifier, filters, release)
) WITHOUT ROWID;

INSERT INTO statistics_rows
    (data_set, subject_kind, subject_code, time_period, time_identifier, academic_year, filters, release, figures,
     source, import_id)
SELECT data_set, subject_kind, subject_code, time_period, time_identifier, MAX(academic_year), filters, release,
       json_group_object(indicator, COALESCE(value, missing_reason)), MAX(source), MAX(import_id)
FROM statistics_figures
GROUP BY data_set, subject_kind, subject_code, time_period, time_identifier, filters, release;

DROP TABLE statistics_figures;

-- A row a later file of the same release replaced, kept as it was.
CREATE TABLE superseded_statistics_rows (
    data_set TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_code TEXT NOT NULL,
    time_period TEXT NOT NULL,
    time_identifier TEXT NOT NULL,
    filters TEXT NOT NULL,
    release TEXT NOT NULL,
    figures TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id),
    superseded_by_import_id INTEGER NOT NULL REFERENCES imports (id)
);
