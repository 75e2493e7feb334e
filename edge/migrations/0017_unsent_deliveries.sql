-- Deliveries recorded but never tried, found by the every-minute sweep
-- (edge/src/handoff/mod.rs, `enqueue_stale`) without reading every delivery
-- ever made: a delivery leaves this index at its first attempt.
CREATE INDEX deliveries_unsent ON deliveries (updated_at) WHERE status = 'pending' AND attempts = 0;
