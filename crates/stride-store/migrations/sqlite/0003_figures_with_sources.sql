-- Figures with their source: each figure names the import that brought it, areas are held by
-- their own codes (every LA, region and England, not only this deployment's comparators), a
-- value replaced within a release is kept in superseded_figures, and figures for schools not
-- (yet) held as establishments are kept, not refused.

ALTER TABLE imports ADD COLUMN academic_year INTEGER;
ALTER TABLE imports ADD COLUMN release TEXT;

CREATE TABLE school_figures_with_sources (
    -- No foreign key: a national file names schools Stride has not met in any establishment file.
    urn INTEGER NOT NULL CHECK (urn BETWEEN 1 AND 999999),
    measure TEXT NOT NULL,
    academic_year INTEGER NOT NULL,
    pupil_group TEXT NOT NULL,
    release TEXT NOT NULL,
    value REAL,
    missing_reason TEXT,
    cohort INTEGER CHECK (cohort >= 0),
    source TEXT NOT NULL,
    -- None for generated figures.
    import_id INTEGER REFERENCES imports (id),
    CHECK ((value IS NULL) <> (missing_reason IS NULL)),
    PRIMARY KEY (urn, measure, academic_year, pupil_group, release)
);

INSERT INTO school_figures_with_sources
    (urn, measure, academic_year, pupil_group, release, value, missing_reason, cohort, source)
SELECT urn, measure, academic_year, pupil_group, release, value, missing_reason, cohort, source FROM school_figures;
DROP TABLE school_figures;
ALTER TABLE school_figures_with_sources RENAME TO school_figures;
CREATE INDEX school_figures_by_measure ON school_figures (measure, pupil_group, academic_year);

-- Every local authority Stride knows of, with its region, so that a school of any LA is read
-- against its own LA and region.
CREATE TABLE local_authorities (
    la_code INTEGER PRIMARY KEY CHECK (la_code BETWEEN 201 AND 999),
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id)
);

INSERT INTO local_authorities (la_code, name, region) SELECT la_code, name, region FROM local_authority;

CREATE TABLE area_figures (
    -- la, region, england, england-all-schools or statistical-neighbours (stride-core's Area).
    area_kind TEXT NOT NULL,
    -- An LA code, a region's name, or E92000001 for England.
    area_code TEXT NOT NULL,
    phase_group TEXT NOT NULL,
    measure TEXT NOT NULL,
    academic_year INTEGER NOT NULL,
    pupil_group TEXT NOT NULL,
    release TEXT NOT NULL,
    value REAL,
    missing_reason TEXT,
    cohort INTEGER CHECK (cohort >= 0),
    source TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id),
    CHECK ((value IS NULL) <> (missing_reason IS NULL)),
    PRIMARY KEY (area_kind, area_code, phase_group, measure, academic_year, pupil_group, release)
);

-- The comparators held so far were this deployment's own LA's.
INSERT INTO area_figures
    (area_kind, area_code, phase_group, measure, academic_year, pupil_group, release, value, missing_reason, source)
-- The comparators' codes are the kinds of area they are.
SELECT comparator,
       CASE comparator
           WHEN 'england' THEN 'E92000001'
           WHEN 'region' THEN (SELECT region FROM local_authority WHERE id = 1)
           ELSE (SELECT CAST(la_code AS TEXT) FROM local_authority WHERE id = 1)
       END,
       phase_group, measure, academic_year, pupil_group, release, value, missing_reason, source
FROM comparator_figures
WHERE EXISTS (SELECT 1 FROM local_authority WHERE id = 1);
DROP TABLE comparator_figures;

CREATE INDEX area_figures_by_measure ON area_figures (measure, pupil_group, academic_year);

-- A figure's earlier value, when a later file of the same release stated another. (A later
-- release is a row of its own beside the earlier, so the history of releases is the figure
-- tables themselves.) A measure's figure names its measure, year and group; a LAIT indicator's
-- names the indicator and LAIT's period.
CREATE TABLE superseded_figures (
    -- 'school' with the URN, or an area's kind and code.
    subject_kind TEXT NOT NULL,
    subject_code TEXT NOT NULL,
    phase_group TEXT NOT NULL,
    measure TEXT,
    academic_year INTEGER,
    pupil_group TEXT,
    indicator TEXT,
    period TEXT,
    release TEXT NOT NULL,
    value REAL,
    missing_reason TEXT,
    cohort INTEGER,
    source TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id),
    superseded_by_import_id INTEGER NOT NULL REFERENCES imports (id),
    CHECK ((measure IS NULL) <> (indicator IS NULL))
);

-- LAIT's indicators, as each data dictionary imported defines them (a short code can be
-- defined twice, so a dictionary is held row by row, as published).
CREATE TABLE indicators (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    position INTEGER NOT NULL,
    number TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    topic TEXT NOT NULL,
    polarity TEXT NOT NULL,
    year_type TEXT NOT NULL,
    PRIMARY KEY (import_id, position)
);

CREATE INDEX indicators_by_code ON indicators (code);

-- Every figure of LAIT's long data set, by area, indicator and period as LAIT names them.
CREATE TABLE indicator_figures (
    area_kind TEXT NOT NULL,
    area_code TEXT NOT NULL,
    indicator TEXT NOT NULL,
    period TEXT NOT NULL,
    -- Where the indicator is one of Stride's measures, counted in academic years.
    academic_year INTEGER,
    release TEXT NOT NULL,
    value REAL,
    missing_reason TEXT,
    cohort INTEGER,
    source TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id),
    CHECK ((value IS NULL) <> (missing_reason IS NULL)),
    PRIMARY KEY (area_kind, area_code, indicator, period, release)
);

-- Each LA's ten statistical neighbours, closest first; their mean is a school's fourth comparator.
CREATE TABLE statistical_neighbours (
    -- The month the DfE published the table; readers take each LA's latest.
    edition TEXT NOT NULL,
    la_code INTEGER NOT NULL,
    neighbour_set TEXT NOT NULL,
    rank INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 10),
    neighbour_la_code INTEGER NOT NULL,
    closeness TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id),
    PRIMARY KEY (edition, la_code, neighbour_set, rank)
);

-- What each column of a published download means, as its column dictionary says.
CREATE TABLE column_descriptions (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    position INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (import_id, position)
);
