-- What sales and marketing write about a lead, and the note a person may
-- leave with a stage move (the reason stays the why; the note is context).
CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    lead_id    INTEGER NOT NULL REFERENCES leads (id),
    author     TEXT NOT NULL,
    text       TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 5000),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX notes_by_lead ON notes (lead_id, id);

ALTER TABLE stage_changes ADD COLUMN note TEXT;

-- The leads list sorted by score within a site.
CREATE INDEX leads_by_score ON leads (site_id, score, id);
