-- Which withdrawal ended which grant. A grant is ended once: two
-- withdrawals sent at the same moment (a double click on the consent page,
-- staff in two tabs) each read the grant as in force, and the second one's
-- batch now fails here as a whole instead of writing a second withdrawal,
-- its audit entry and its webhooks (edge/src/leads/withdraw.rs).
CREATE TABLE ended_grants (
    grant_id      INTEGER PRIMARY KEY REFERENCES consent_events (id),
    withdrawal_id INTEGER NOT NULL UNIQUE REFERENCES consent_events (id)
) STRICT;

-- The withdrawals recorded before: each ended the latest grant of its
-- consent before it. A grant withdrawn twice by an earlier race keeps its
-- first withdrawal here.
INSERT OR IGNORE INTO ended_grants (grant_id, withdrawal_id)
SELECT grant_id, withdrawal_id
  FROM (SELECT (SELECT g.id FROM consent_events g
                 WHERE g.lead_id = w.lead_id AND g.consent_id = w.consent_id
                   AND g.granted = 1 AND g.id < w.id
                 ORDER BY g.id DESC LIMIT 1) AS grant_id,
               w.id AS withdrawal_id
          FROM consent_events w
         WHERE w.granted = 0
         ORDER BY w.id)
 WHERE grant_id IS NOT NULL;
