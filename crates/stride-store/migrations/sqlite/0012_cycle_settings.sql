-- What an administrator sets for the Schools Causing Concern cycle: the clock rules in force,
-- each version kept as written (appended, never changed, so that what was due can be explained
-- later), and the LA's terms, entered once a year.

CREATE TABLE kept_clock_rules (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL UNIQUE,
    rule_text TEXT NOT NULL,
    kept_by TEXT NOT NULL,
    kept_at TEXT NOT NULL
);

CREATE TRIGGER kept_clock_rules_are_not_changed BEFORE UPDATE ON kept_clock_rules
BEGIN
    SELECT RAISE(ABORT, 'kept clock rules are not changed: keep a new version');
END;

CREATE TRIGGER kept_clock_rules_are_not_deleted BEFORE DELETE ON kept_clock_rules
BEGIN
    SELECT RAISE(ABORT, 'kept clock rules are not deleted');
END;

CREATE TABLE school_terms (
    academic_year INTEGER NOT NULL,
    term TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL CHECK (last_day >= first_day),
    half_term_first_day TEXT NOT NULL,
    half_term_last_day TEXT NOT NULL CHECK (half_term_last_day >= half_term_first_day),
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    PRIMARY KEY (academic_year, term)
);
