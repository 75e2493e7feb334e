-- The sites make dev and the tests serve. The demo site may embed its forms
-- from any loopback port (local development only: a deployed site lists its
-- real origins). Idempotent.
INSERT INTO sites (id, name, allowed_origins)
VALUES ('acme-growth', 'Acme Growth (demo)', '["http://127.0.0.1:*", "http://localhost:*"]')
ON CONFLICT (id) DO UPDATE SET name = excluded.name, allowed_origins = excluded.allowed_origins;
