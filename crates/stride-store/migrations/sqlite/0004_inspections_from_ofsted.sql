-- Inspections from Ofsted's management information: a national or another LA's file names
-- schools Stride has not met in any establishment file, so an inspection no longer needs one,
-- and each names the import that brought it. SQLite cannot drop a foreign key, so both tables
-- are rebuilt; judgements go first so that dropping inspections cascades to nothing.

CREATE TABLE inspections_from_sources (
    id INTEGER PRIMARY KEY,
    urn INTEGER NOT NULL CHECK (urn BETWEEN 1 AND 999999),
    framework TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_on TEXT NOT NULL,
    published_on TEXT NOT NULL,
    ungraded_outcome TEXT,
    category_of_concern TEXT,
    -- None for generated inspections.
    import_id INTEGER REFERENCES imports (id),
    UNIQUE (urn, started_on, kind)
);

CREATE TABLE judgements_from_sources (
    inspection_id INTEGER NOT NULL REFERENCES inspections_from_sources (id) ON DELETE CASCADE,
    area TEXT NOT NULL,
    grade TEXT NOT NULL,
    PRIMARY KEY (inspection_id, area)
);

INSERT INTO inspections_from_sources
    (id, urn, framework, kind, started_on, published_on, ungraded_outcome, category_of_concern)
SELECT id, urn, framework, kind, started_on, published_on, ungraded_outcome, category_of_concern FROM inspections;
INSERT INTO judgements_from_sources (inspection_id, area, grade) SELECT inspection_id, area, grade FROM judgements;

DROP TABLE judgements;
DROP TABLE inspections;
ALTER TABLE inspections_from_sources RENAME TO inspections;
ALTER TABLE judgements_from_sources RENAME TO judgements;

CREATE INDEX inspections_by_school ON inspections (urn, kind, started_on);
