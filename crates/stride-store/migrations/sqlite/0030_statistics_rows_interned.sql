-- Statistics rows without the texts every row repeated. A national data set's quarter of a
-- million rows each held the data set's name, its filters as text (80 characters for the
-- exclusions data set) and every indicator's name in its JSON: two thirds of what SQLite wrote
-- and compared. Each is now held once and named by number: the data set, the filters, and the
-- list of indicators a row's figures are given in, the figures a JSON array in that list's order.
-- History (`superseded_statistics_rows`) keeps its rows as published, names and all: it is
-- written rarely and read as it stands.

CREATE TABLE statistics_data_sets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE statistics_filters (
    id INTEGER PRIMARY KEY,
    -- As the reader writes them: `filter: value` pairs joined by `; `.
    filters TEXT NOT NULL UNIQUE
);

CREATE TABLE statistics_indicator_lists (
    id INTEGER PRIMARY KEY,
    -- The indicators' names as a JSON array; a row's figures stand in the same order.
    names TEXT NOT NULL UNIQUE
);

INSERT INTO statistics_data_sets (name) SELECT DISTINCT data_set FROM statistics_rows ORDER BY data_set;
INSERT INTO statistics_filters (filters) SELECT DISTINCT filters FROM statistics_rows ORDER BY filters;
INSERT OR IGNORE INTO statistics_indicator_lists (names)
SELECT (SELECT json_group_array(key) FROM json_each(figures)) FROM statistics_rows;

CREATE TABLE statistics_rows_interned (
    data_set INTEGER NOT NULL REFERENCES statistics_data_sets (id),
    subject_kind TEXT NOT NULL,
    subject_code TEXT NOT NULL,
    time_period TEXT NOT NULL,
    time_identifier TEXT NOT NULL,
    academic_year INTEGER,
    filters INTEGER NOT NULL REFERENCES statistics_filters (id),
    release TEXT NOT NULL,
    -- Every indicator's figure, in the order of the row's list: the value as a number, or the
    -- missing reason's code as text.
    figures TEXT NOT NULL,
    indicators INTEGER NOT NULL REFERENCES statistics_indicator_lists (id),
    import_id INTEGER REFERENCES imports (id),
    PRIMARY KEY (data_set, subject_kind, subject_code, time_period, time_identifier, filters, release)
) WITHOUT ROWID;

INSERT INTO statistics_rows_interned
SELECT data_set.id, row.subject_kind, row.subject_code, row.time_period, row.time_identifier, row.academic_year,
       filters.id, row.release, (SELECT json_group_array(value) FROM json_each(row.figures)), list.id, row.import_id
FROM statistics_rows row
JOIN statistics_data_sets data_set ON data_set.name = row.data_set
JOIN statistics_filters filters ON filters.filters = row.filters
JOIN statistics_indicator_lists list ON list.names = (SELECT json_group_array(key) FROM json_each(row.figures))
ORDER BY data_set.id, row.subject_kind, row.subject_code, row.time_period, row.time_identifier, filters.id,
         row.release;

DROP TABLE statistics_rows;
ALTER TABLE statistics_rows_interned RENAME TO statistics_rows;
