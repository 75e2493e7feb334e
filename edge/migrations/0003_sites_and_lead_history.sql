-- Sites own forms and leads; a lead is one person per site (by normalised
-- e-mail), with every submission kept as its history and every stage change
-- recorded. The tables of 0002 held only development data.

DROP TABLE leads;
DROP TABLE forms;

CREATE TABLE sites (
    id              TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    name            TEXT NOT NULL,
    -- JSON array of origins allowed to embed the site's forms; a port of
    -- "*" matches any port (for local development).
    allowed_origins TEXT NOT NULL CHECK (json_valid(allowed_origins)),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE forms (
    id         TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    site_id    TEXT NOT NULL REFERENCES sites (id),
    name       TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    spec       TEXT NOT NULL CHECK (json_valid(spec)),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE leads (
    id          INTEGER PRIMARY KEY,
    site_id     TEXT NOT NULL REFERENCES sites (id),
    email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    email_key   TEXT NOT NULL,
    fields      TEXT NOT NULL CHECK (json_valid(fields)),
    score       INTEGER NOT NULL,
    stage       TEXT NOT NULL CHECK (stage IN ('lead', 'iql', 'mql', 'sql', 'opportunity', 'customer', 'disqualified')),
    explanation TEXT NOT NULL CHECK (json_valid(explanation)),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (site_id, email_key)
) STRICT;

CREATE INDEX leads_by_stage ON leads (site_id, stage, id);

-- One row per accepted submission. `id` is the widget's submission id, so a
-- replay cannot store twice; `body_hash` tells a replay from a different
-- post reusing the id; `answer` is what the first post was told.
CREATE TABLE submissions (
    id         TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 8 AND 64),
    lead_id    INTEGER NOT NULL REFERENCES leads (id),
    form_id    TEXT NOT NULL REFERENCES forms (id),
    body_hash  TEXT NOT NULL,
    data       TEXT NOT NULL CHECK (json_valid(data)),
    answer     TEXT NOT NULL CHECK (json_valid(answer)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX submissions_by_lead ON submissions (lead_id, created_at);

CREATE TABLE stage_changes (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER NOT NULL REFERENCES leads (id),
    from_stage TEXT,
    to_stage   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX stage_changes_by_lead ON stage_changes (lead_id, id);
