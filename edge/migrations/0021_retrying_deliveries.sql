-- Deliveries being retried, for the every-minute sweep (edge/src/handoff/mod.rs,
-- `enqueue_stale`) to find one whose queue message was lost without reading
-- every delivery ever made: a delivery leaves this index once delivered or dead.
CREATE INDEX deliveries_retrying ON deliveries (updated_at) WHERE status = 'retrying';
