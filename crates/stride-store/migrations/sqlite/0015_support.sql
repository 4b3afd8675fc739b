-- Support commissioned for a school's case: the LA's adviser days, brokered providers and
-- leaders of education, with the days allocated and used. Changed only through the case's
-- revision, and so into its history.

CREATE TABLE support (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    provider TEXT NOT NULL CHECK (length(trim(provider)) > 0),
    commissioned_on TEXT NOT NULL,
    days_allocated REAL NOT NULL CHECK (days_allocated >= 0),
    days_used REAL NOT NULL DEFAULT 0 CHECK (days_used >= 0)
);

CREATE INDEX support_by_case ON support (case_id, id);
