-- What the dashboard's search finds a lead by: its e-mail, names and company
-- folded to lower case without accents, so "alvaro" and "ÁLVARO" find
-- "Álvaro". SQLite's lower() folds ASCII only, so the edge folds the text
-- (edge/src/leads/search.rs) and writes it with the lead's fields; an
-- erasure clears it with them.
ALTER TABLE leads ADD COLUMN search TEXT;

-- Leads written before this (or by a Worker older than it) have none: the
-- every-minute cron gives it to them (`search::fill`), found through this.
CREATE INDEX leads_unsearched ON leads (id) WHERE search IS NULL AND erased_at IS NULL;
