-- Explore Education Statistics data sets: every figure as published, by data set, subject (an
-- area, or a school by URN or DfE number), period, filters and indicator; and each data set's
-- columns as its .meta.csv describes them.

CREATE TABLE statistics_figures (
    data_set TEXT NOT NULL,
    -- An area's kind (stride-core's Area), or school, or school-laestab.
    subject_kind TEXT NOT NULL,
    subject_code TEXT NOT NULL,
    time_period TEXT NOT NULL,
    time_identifier TEXT NOT NULL,
    academic_year INTEGER,
    -- Each filter as "name: value", joined by "; ", in the file's order.
    filters TEXT NOT NULL,
    indicator TEXT NOT NULL,
    release TEXT NOT NULL,
    value REAL,
    missing_reason TEXT,
    cohort INTEGER,
    source TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id),
    CHECK ((value IS NULL) <> (missing_reason IS NULL)),
    PRIMARY KEY (data_set, subject_kind, subject_code, time_period, time_identifier, filters, indicator, release)
) WITHOUT ROWID;

CREATE TABLE statistics_columns (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    data_set TEXT NOT NULL,
    position INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    column_type TEXT NOT NULL,
    label TEXT NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (import_id, position)
);
