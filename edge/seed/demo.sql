-- The demo company's e-book form, so `make dev` has something to capture.
-- Idempotent: running it again changes nothing.
INSERT OR IGNORE INTO forms (id, name) VALUES ('demo-ebook', 'Guía práctica de inbound marketing (e-book)');
