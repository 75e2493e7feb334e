-- Indexes for the leads API on a large site, measured by `make bench-leads`
-- (bench/leads/README.md) on 100,000 leads. The list names one site as an
-- equality (edge/src/leads/query.rs), so:
--
-- newest (or oldest) first within a site reads the site's leads in id order
-- and stops at a page, instead of sorting every lead of the site;
CREATE INDEX leads_by_site ON leads (site_id, id);

-- a date range within a site, and the funnel's counts (a site, a range of
-- days), read the index instead of every lead's row, fields and all.
CREATE INDEX leads_by_day ON leads (site_id, created_at);
