-- Support and its impact: where each establishment is (GIAS's easting and northing), the
-- directory of providers the LA brokers with every change to an entry kept, and support
-- commissioned from a provider for a purpose, with its cost, who pays, the objective of the
-- school's plan it serves, and its evaluation.

ALTER TABLE establishments ADD COLUMN easting INTEGER CHECK (easting IS NULL OR easting BETWEEN 0 AND 800000);
ALTER TABLE establishments ADD COLUMN northing INTEGER CHECK (northing IS NULL OR northing BETWEEN 0 AND 1400000);

CREATE TABLE providers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    -- Codes, comma-separated, in the order given.
    specialisms TEXT NOT NULL CHECK (length(specialisms) > 0),
    phases TEXT NOT NULL DEFAULT '',
    approval TEXT NOT NULL,
    approval_review_on TEXT NOT NULL,
    day_rate_pence INTEGER NOT NULL CHECK (day_rate_pence >= 0),
    easting INTEGER,
    northing INTEGER
);

CREATE TABLE provider_changes (
    id INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL REFERENCES providers (id),
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    change TEXT NOT NULL
);

CREATE TRIGGER provider_changes_kept_on_update BEFORE UPDATE ON provider_changes
BEGIN SELECT RAISE(ABORT, 'a provider''s history is kept as written'); END;
CREATE TRIGGER provider_changes_kept_on_delete BEFORE DELETE ON provider_changes
BEGIN SELECT RAISE(ABORT, 'a provider''s history is kept as written'); END;

ALTER TABLE support ADD COLUMN provider_id INTEGER REFERENCES providers (id);
ALTER TABLE support ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE support ADD COLUMN cost_pence INTEGER CHECK (cost_pence IS NULL OR cost_pence >= 0);
ALTER TABLE support ADD COLUMN funding TEXT;
ALTER TABLE support ADD COLUMN objective_id INTEGER REFERENCES plan_priorities (id);
ALTER TABLE support ADD COLUMN evaluation TEXT;
ALTER TABLE support ADD COLUMN evaluation_evidence TEXT;
ALTER TABLE support ADD COLUMN evaluated_on TEXT;

CREATE INDEX support_by_provider ON support (provider_id);
