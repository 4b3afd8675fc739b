-- Wrong passwords (issue 8), for slowing the guessing of them: each by the SHA-256 of the
-- username tried (never the username, which may be a mistyped name, nor the password) and when.
CREATE TABLE sign_in_failures (
    username_hash TEXT NOT NULL CHECK (length(username_hash) = 64),
    at TEXT NOT NULL
);

CREATE INDEX sign_in_failures_by_username ON sign_in_failures (username_hash, at);
