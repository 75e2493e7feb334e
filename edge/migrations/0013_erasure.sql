-- Erasing a person (their right to be forgotten, and retention's purge).
--
-- A lead is not deleted: it becomes an anonymous tombstone (its id, site,
-- stage and score stay, so the funnel's counts and the ledger's references
-- hold) marked by `erased_at`.
--
-- A consent event keeps its proof and loses its personal data. Until now an
-- event's hash covered the page and the keyed IP hash directly, so blanking
-- them would break the chain. Scheme 3 hashes them first into `detail_hash`
-- and the event's hash covers that digest: erasure blanks `page` and
-- `ip_hash`, keeps `detail_hash`, and every event still hashes to its
-- recorded hash. Events written before (schemes 1 and 2) that are erased
-- keep their links, which verification still checks. SQLite cannot change
-- a table's constraints in place, so the table is rebuilt as 0010 did.

ALTER TABLE leads ADD COLUMN erased_at TEXT;

DROP TRIGGER consent_events_no_delete;
DROP TRIGGER consent_events_seal_only;

CREATE TABLE consent_events_erasable (
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
    scheme        INTEGER NOT NULL DEFAULT 3 CHECK (scheme IN (1, 2, 3)),
    -- Scheme 3: the hash of the page and the IP hash, which the event's
    -- hash covers in their place.
    detail_hash   TEXT CHECK ((scheme = 3) = (detail_hash IS NOT NULL)),
    event_hash    TEXT NOT NULL UNIQUE,
    -- Set together when the event is sealed into the chain.
    prev_hash     TEXT,
    hash          TEXT,
    -- Set when the person was erased: page and ip_hash are blank from then.
    erased_at     TEXT,
    CHECK ((prev_hash IS NULL) = (hash IS NULL)),
    CHECK (erased_at IS NULL OR (page IS NULL AND ip_hash IS NULL))
) STRICT;

INSERT INTO consent_events_erasable (id, site_id, lead_id, submission_id, consent_id, purpose,
    version, granted, page, ip_hash, at, scheme, event_hash, prev_hash, hash)
SELECT id, site_id, lead_id, submission_id, consent_id, purpose, version, granted, page,
       ip_hash, at, scheme, event_hash, prev_hash, hash
  FROM consent_events;

DROP TABLE consent_events;
ALTER TABLE consent_events_erasable RENAME TO consent_events;

CREATE INDEX consent_events_by_lead ON consent_events (lead_id, id);
CREATE INDEX consent_events_unsealed ON consent_events (site_id, id) WHERE hash IS NULL;
CREATE UNIQUE INDEX consent_events_link ON consent_events (hash) WHERE hash IS NOT NULL;
CREATE UNIQUE INDEX consent_events_successor ON consent_events (site_id, prev_hash)
    WHERE prev_hash IS NOT NULL;

CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;

-- Two updates are allowed: sealing (an unsealed event gets its link) and
-- erasure (page and ip_hash blanked, once). Nothing else ever changes.
CREATE TRIGGER consent_events_seal_or_erase_only BEFORE UPDATE ON consent_events
WHEN NEW.id IS NOT OLD.id OR NEW.site_id IS NOT OLD.site_id OR NEW.lead_id IS NOT OLD.lead_id
  OR NEW.submission_id IS NOT OLD.submission_id OR NEW.consent_id IS NOT OLD.consent_id
  OR NEW.purpose IS NOT OLD.purpose OR NEW.version IS NOT OLD.version
  OR NEW.granted IS NOT OLD.granted OR NEW.at IS NOT OLD.at
  OR NEW.scheme IS NOT OLD.scheme OR NEW.detail_hash IS NOT OLD.detail_hash
  OR NEW.event_hash IS NOT OLD.event_hash
  OR (OLD.hash IS NOT NULL AND (NEW.hash IS NOT OLD.hash OR NEW.prev_hash IS NOT OLD.prev_hash))
  OR (NEW.erased_at IS OLD.erased_at AND (NEW.page IS NOT OLD.page OR NEW.ip_hash IS NOT OLD.ip_hash))
  OR (NEW.erased_at IS NOT OLD.erased_at AND OLD.erased_at IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
