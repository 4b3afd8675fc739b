-- The second factor (issue 8): an account's authenticator key once its owner has shown a code
-- from it, and the step of the last code taken, so that no code is taken twice.
ALTER TABLE accounts ADD COLUMN second_factor_secret TEXT;
ALTER TABLE accounts ADD COLUMN second_factor_last_step INTEGER;

-- A session between a right password and its code belongs to nobody yet, but waits for one
-- account's code; a session setting up a key holds the key offered until a code confirms it.
ALTER TABLE sessions ADD COLUMN awaiting_account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE sessions ADD COLUMN offered_secret TEXT;
CREATE INDEX sessions_by_account ON sessions (account_id);
