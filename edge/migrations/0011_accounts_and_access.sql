-- The people who work the leads, what they may do on which site, how they
-- prove who they are, and a record of what they did.

-- A person with access to the dashboard and the API. The password is kept
-- only as an argon2id hash (PHC string, src/access/password.rs).
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- What an account may do on a site: one role per site.
CREATE TABLE memberships (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    site_id    TEXT NOT NULL REFERENCES sites (id),
    role       TEXT NOT NULL CHECK (role IN ('admin', 'marketing', 'sales', 'viewer')),
    PRIMARY KEY (account_id, site_id)
) STRICT;

-- A signed-in browser. Only the SHA-256 of the cookie's token is kept, so
-- the table cannot be replayed.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_by_account ON sessions (account_id);

-- A token for scripts, acting as its account. Shown once; kept as SHA-256.
CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revoked_at TEXT
) STRICT;

CREATE INDEX api_tokens_by_account ON api_tokens (account_id);

-- Failed sign-ins, counted to slow guessing (by e-mail and by the keyed hash
-- of the address); old rows are pruned as new ones are written.
CREATE TABLE sign_in_failures (
    id       INTEGER PRIMARY KEY,
    email    TEXT NOT NULL,
    ip_hash  TEXT,
    at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_by_address ON sign_in_failures (ip_hash, at);

-- Who did what: sign-ins, accounts and tokens, stage moves, exports,
-- erasures, rule changes. `actor` is `account:<id>`, `token:<id>` or
-- `operator` (the ADMIN_TOKEN Worker secret).
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    site_id TEXT,
    subject TEXT,
    detail  TEXT
) STRICT;

CREATE INDEX audit_log_by_site ON audit_log (site_id, id);
