-- Single sign-on with OpenID Connect (issue 8). An account made by its first sign-in through the
-- LA's identity provider is known by the provider's issuer and subject, never by its username
-- or email, which another tenant's user could share.
ALTER TABLE accounts ADD COLUMN single_sign_on_subject TEXT;
CREATE UNIQUE INDEX accounts_by_single_sign_on ON accounts (single_sign_on_subject)
    WHERE single_sign_on_subject IS NOT NULL;

-- A sign-in sent to the provider and not back yet: the state, nonce and PKCE verifier it must
-- come back with, held by the hash of the token in its cookie, each taken once.
CREATE TABLE sign_in_flows (
    token_hash TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    created_at TEXT NOT NULL
);
