-- LAIT's long data set held as Explore Education Statistics data sets are: one row per area,
-- period and release, with every indicator's figure in one JSON object. Its 641,070 figures were
-- as many rows here, each with a text key of five columns; they are now 11,050 rows. LAIT states
-- no time identifier and no filters; a period stays as LAIT writes it ("2014-16", "2018 (Rev)").

INSERT INTO statistics_rows
    (data_set, subject_kind, subject_code, time_period, time_identifier, academic_year, filters, release, figures,
     source, import_id)
SELECT 'LAIT', area_kind, area_code, period, '', NULL, '', release,
       json_group_object(indicator, COALESCE(value, missing_reason)),
       'Department for Education: Local Authority Interactive Tool (LAIT)', MAX(import_id)
FROM (SELECT * FROM indicator_figures ORDER BY area_kind, area_code, period, release, indicator)
GROUP BY area_kind, area_code, period, release;

-- An indicator's replaced value becomes a replaced row holding the figures that were replaced.
INSERT INTO superseded_statistics_rows
    (data_set, subject_kind, subject_code, time_period, time_identifier, filters, release, figures, import_id,
     superseded_by_import_id)
SELECT 'LAIT', subject_kind, subject_code, period, '', '', release,
       json_group_object(indicator, COALESCE(value, missing_reason)), import_id, superseded_by_import_id
FROM (SELECT * FROM superseded_figures WHERE indicator IS NOT NULL
      ORDER BY subject_kind, subject_code, period, release, indicator)
GROUP BY subject_kind, subject_code, period, release, import_id, superseded_by_import_id;

DROP TABLE indicator_figures;

-- superseded_figures now holds only measures' figures.
CREATE TABLE superseded_measure_figures (
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

INSERT INTO superseded_measure_figures
SELECT subject_kind, subject_code, phase_group, measure, academic_year, pupil_group, release, value, missing_reason,
       cohort, source, import_id, superseded_by_import_id
FROM superseded_figures WHERE measure IS NOT NULL;

DROP TABLE superseded_figures;
ALTER TABLE superseded_measure_figures RENAME TO superseded_figures;
