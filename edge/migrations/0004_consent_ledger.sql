-- The consent ledger: every consent given or withdrawn, append-only, each
-- event holding the hash of the one before it in its site's chain, so an
-- edit or a deletion anywhere breaks every later hash. Events keep hashes and
-- ids, never the person's data: they outlive an erasure.

CREATE TABLE consent_events (
    id            INTEGER PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id),
    lead_id       INTEGER NOT NULL REFERENCES leads (id),
    submission_id TEXT NOT NULL,
    consent_id    TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    version       TEXT NOT NULL,
    granted       INTEGER NOT NULL CHECK (granted IN (0, 1)),
    page          TEXT,
    ip_hash       TEXT,
    at            TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL UNIQUE,
    -- One successor per event: two writers racing on the same tail cannot
    -- fork the chain; the loser retries on the new tail.
    UNIQUE (site_id, prev_hash)
) STRICT;

CREATE INDEX consent_events_by_lead ON consent_events (lead_id, id);

-- Append-only: the database itself refuses edits and deletions.
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
