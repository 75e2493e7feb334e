-- Forms carry their full spec (JSON, checked by embudo-shared before it is
-- loaded), and leads carry every field, their consents and their
-- qualification. Leads from the skeleton schema held only test data.

ALTER TABLE forms ADD COLUMN spec TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(spec));
ALTER TABLE forms ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

DROP INDEX leads_by_form;
DROP TABLE leads;

CREATE TABLE leads (
    id          INTEGER PRIMARY KEY,
    form_id     TEXT NOT NULL REFERENCES forms (id),
    email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    email_key   TEXT NOT NULL,
    fields      TEXT NOT NULL CHECK (json_valid(fields)),
    consents    TEXT NOT NULL CHECK (json_valid(consents)),
    locale      TEXT NOT NULL CHECK (locale IN ('es', 'en')),
    score       INTEGER NOT NULL,
    stage       TEXT NOT NULL CHECK (stage IN ('lead', 'iql', 'mql', 'sql', 'opportunity', 'customer', 'disqualified')),
    explanation TEXT NOT NULL CHECK (json_valid(explanation)),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX leads_by_form ON leads (form_id, id);
CREATE INDEX leads_by_stage ON leads (stage, id);
