-- Tokens for the JSON API (issue 8): a service account (a reporting tool, a data warehouse)
-- reads the API with a token an administrator issued from the command line. Only the token's
-- hash is kept; the token itself is shown once, when it is made.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX api_tokens_by_account ON api_tokens (account_id);
