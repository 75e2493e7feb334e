-- Re-scoring a form's leads after its rules change: a job per request,
-- worked through in pages by the queue consumer, with its progress here so
-- the dashboard can show it.

CREATE TABLE rescores (
    id          TEXT PRIMARY KEY NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites (id),
    form_id     TEXT NOT NULL REFERENCES forms (id),
    -- The form's revision whose rules score the leads.
    revision    INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    -- The leads to re-score (counted when the job starts), those done so
    -- far, and those whose score, stage or explanation changed.
    total       INTEGER NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,
    changed     INTEGER NOT NULL DEFAULT 0,
    -- The last lead id done: the next page starts after it.
    after_lead  INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    started_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX rescores_by_form ON rescores (form_id, created_at);
