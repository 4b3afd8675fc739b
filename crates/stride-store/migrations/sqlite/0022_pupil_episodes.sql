-- A child's episodes out of school or at risk of it (stride-core's EpisodeKind): suspensions and
-- permanent exclusions, children missing education, home education, reduced timetables,
-- alternative provision, and for children in care their personal education plan and school place.
-- Each change is a new version, appended: what an episode stood at on any day is kept.

CREATE TABLE pupil_episodes (
    id INTEGER PRIMARY KEY,
    pupil_id INTEGER NOT NULL REFERENCES pupils (id),
    kind TEXT NOT NULL
);

CREATE INDEX pupil_episodes_by_pupil ON pupil_episodes (pupil_id);

CREATE TABLE pupil_episode_versions (
    episode_id INTEGER NOT NULL REFERENCES pupil_episodes (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    -- The episode as JSON, tagged with its kind.
    detail TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (episode_id, version)
) WITHOUT ROWID;

CREATE TRIGGER pupil_episode_versions_kept_on_update BEFORE UPDATE ON pupil_episode_versions
BEGIN
    SELECT RAISE(ABORT, 'an episode''s versions are kept as recorded');
END;

CREATE TRIGGER pupil_episode_versions_kept_on_delete BEFORE DELETE ON pupil_episode_versions
BEGIN
    SELECT RAISE(ABORT, 'an episode''s versions are kept as recorded');
END;
