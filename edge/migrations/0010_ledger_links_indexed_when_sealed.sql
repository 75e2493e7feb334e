-- A consent event is written unsealed (no prev_hash, no hash) in its
-- submission's batch; the sealer links it later. The two uniqueness rules on
-- the links (no hash twice, one successor per event) only concern sealed
-- events, so they become partial indexes: the submission's batch no longer
-- writes two index entries of NULLs per event, and sealing, off the
-- visitor's path, writes them instead. SQLite cannot change a table's
-- constraints in place, so the table is rebuilt as 0008 did.

DROP TRIGGER consent_events_no_delete;
DROP TRIGGER consent_events_seal_only;

CREATE TABLE consent_events_linked (
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
    scheme        INTEGER NOT NULL DEFAULT 2 CHECK (scheme IN (1, 2)),
    event_hash    TEXT NOT NULL UNIQUE,
    -- Set together when the event is sealed into the chain.
    prev_hash     TEXT,
    hash          TEXT,
    CHECK ((prev_hash IS NULL) = (hash IS NULL))
) STRICT;

INSERT INTO consent_events_linked (id, site_id, lead_id, submission_id, consent_id, purpose,
    version, granted, page, ip_hash, at, scheme, event_hash, prev_hash, hash)
SELECT id, site_id, lead_id, submission_id, consent_id, purpose, version, granted, page,
       ip_hash, at, scheme, event_hash, prev_hash, hash
  FROM consent_events;

DROP TABLE consent_events;
ALTER TABLE consent_events_linked RENAME TO consent_events;

CREATE INDEX consent_events_by_lead ON consent_events (lead_id, id);
CREATE INDEX consent_events_unsealed ON consent_events (site_id, id) WHERE hash IS NULL;
CREATE UNIQUE INDEX consent_events_link ON consent_events (hash) WHERE hash IS NOT NULL;
-- One successor per event: the chain cannot fork.
CREATE UNIQUE INDEX consent_events_successor ON consent_events (site_id, prev_hash)
    WHERE prev_hash IS NOT NULL;

-- Append-only: no deletion, and no change but sealing an unsealed event.
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
CREATE TRIGGER consent_events_seal_only BEFORE UPDATE ON consent_events
WHEN OLD.hash IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.site_id IS NOT OLD.site_id OR NEW.lead_id IS NOT OLD.lead_id
  OR NEW.submission_id IS NOT OLD.submission_id OR NEW.consent_id IS NOT OLD.consent_id
  OR NEW.purpose IS NOT OLD.purpose OR NEW.version IS NOT OLD.version
  OR NEW.granted IS NOT OLD.granted OR NEW.page IS NOT OLD.page
  OR NEW.ip_hash IS NOT OLD.ip_hash OR NEW.at IS NOT OLD.at
  OR NEW.scheme IS NOT OLD.scheme OR NEW.event_hash IS NOT OLD.event_hash
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
