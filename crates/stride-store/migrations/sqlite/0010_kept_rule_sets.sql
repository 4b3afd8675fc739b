-- The LA's own rule sets, kept in Stride beside the shipped ones: every version as written, by
-- whom and when. A version names one text for good, since runs kept under it name it, so rows
-- are appended and never changed.

CREATE TABLE kept_rule_sets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    rule_text TEXT NOT NULL,
    kept_by TEXT NOT NULL,
    kept_at TEXT NOT NULL,
    UNIQUE (name, version)
);

CREATE TRIGGER kept_rule_sets_are_not_changed BEFORE UPDATE ON kept_rule_sets
BEGIN
    SELECT RAISE(ABORT, 'a kept rule set is not changed: keep a new version');
END;

CREATE TRIGGER kept_rule_sets_are_not_deleted BEFORE DELETE ON kept_rule_sets
BEGIN
    SELECT RAISE(ABORT, 'a kept rule set is not deleted: runs kept under it name it');
END;
