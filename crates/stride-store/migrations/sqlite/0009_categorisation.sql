-- Categorisation kept: each saved run with the rule set as it was run, every school's computed
-- level, register flag and findings in it, and the levels set by professional judgement.

CREATE TABLE categorisation_runs (
    id INTEGER PRIMARY KEY,
    rule_set TEXT NOT NULL,
    version TEXT NOT NULL,
    -- The rule set's TOML as run, so that a run can be explained after the rule set changes.
    rule_text TEXT NOT NULL,
    as_of TEXT NOT NULL,
    run_at TEXT NOT NULL,
    run_by TEXT NOT NULL
);

CREATE TABLE categorisations (
    run_id INTEGER NOT NULL REFERENCES categorisation_runs (id),
    urn INTEGER NOT NULL,
    -- As computed, and as the school stood with any level set by judgement.
    computed_level TEXT NOT NULL,
    level TEXT NOT NULL,
    on_register INTEGER NOT NULL,
    adviser_days REAL NOT NULL,
    -- Every indicator's finding: code, verdict and reason, as JSON.
    findings TEXT NOT NULL CHECK (json_valid(findings)),
    PRIMARY KEY (run_id, urn)
) WITHOUT ROWID;

-- Appended, never changed: the latest for a school and rule set is the level it stands at.
CREATE TABLE level_overrides (
    id INTEGER PRIMARY KEY,
    urn INTEGER NOT NULL REFERENCES establishments (urn),
    rule_set TEXT NOT NULL,
    level TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);

CREATE INDEX level_overrides_by_school ON level_overrides (rule_set, urn, decided_at);
