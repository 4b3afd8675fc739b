-- Each person's iCalendar feed of their due dates, held by the SHA-256 of its secret token, as
-- sessions are: a copy of the database gives no one a feed. A new link replaces the old.

CREATE TABLE calendar_feeds (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
