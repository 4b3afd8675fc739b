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
-- tables themselves.)
CREATE TABLE superseded_figures (
    -- 'school' with the URN, or an area's kind and code.
    subject_kind TEXT NOT NULL,
    subject_code TEXT NOT NULL,
    phase_group TEXT NOT NULL,
    measure TEXT NOT NULL,
    academic_year INTEGER NOT NULL,
    pupil_group TEXT NOT NULL,
    release TEXT NOT NULL,
    value REAL,
    missing_reason TEXT,
    cohort INTEGER,
    source TEXT NOT NULL,
    import_id INTEGER REFERENCES imports (id),
    superseded_by_import_id INTEGER NOT NULL REFERENCES imports (id)
);

-- What each column of a published download means, as its column dictionary says.
CREATE TABLE column_descriptions (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    position INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (import_id, position)
);
