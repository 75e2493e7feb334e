-- Site settings, and the handoff of qualified leads to sales tools: each
-- site lists webhook endpoints, and every MQL or SQL a rule makes becomes one
-- delivery per endpoint, kept with its attempts so people can see what
-- reached sales and what did not.

-- Per-site switches, as a JSON object (see edge/src/site.rs for the keys).
ALTER TABLE sites ADD COLUMN settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings));

CREATE TABLE webhooks (
    id         TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
    site_id    TEXT NOT NULL REFERENCES sites (id),
    url        TEXT NOT NULL CHECK (url LIKE 'https://%' OR url LIKE 'http://%'),
    -- The stages whose arrival is sent: a JSON array of stage names.
    stages     TEXT NOT NULL DEFAULT '["mql","sql"]' CHECK (json_valid(stages)),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX webhooks_by_site ON webhooks (site_id);

-- One row per event and endpoint. `id` is the event id and the endpoint id,
-- so an event is never queued twice for one endpoint.
CREATE TABLE deliveries (
    id           TEXT PRIMARY KEY NOT NULL,
    event_id     TEXT NOT NULL,
    webhook_id   TEXT NOT NULL REFERENCES webhooks (id),
    site_id      TEXT NOT NULL REFERENCES sites (id),
    lead_id      INTEGER NOT NULL REFERENCES leads (id),
    event        TEXT NOT NULL,
    payload      TEXT NOT NULL CHECK (json_valid(payload)),
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'retrying', 'delivered', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_status  INTEGER,
    last_error   TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX deliveries_by_site ON deliveries (site_id, created_at);
CREATE INDEX deliveries_by_lead ON deliveries (lead_id);
