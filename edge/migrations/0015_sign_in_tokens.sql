-- One-time sign-in tokens: an admin hands one to a person (a first sign-in,
-- a forgotten password); it signs them in once, within its lifetime. Only
-- its SHA-256 is kept.

CREATE TABLE sign_in_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;

CREATE INDEX sign_in_tokens_by_account ON sign_in_tokens (account_id);
