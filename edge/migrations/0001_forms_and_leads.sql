-- The forms a site publishes, and the leads captured through them.

CREATE TABLE forms (
    id         TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE leads (
    id         INTEGER PRIMARY KEY,
    form_id    TEXT NOT NULL REFERENCES forms (id),
    email      TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name       TEXT CHECK (name IS NULL OR length(name) <= 100),
    consent    INTEGER NOT NULL CHECK (consent IN (0, 1)),
    locale     TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX leads_by_form ON leads (form_id, id);
