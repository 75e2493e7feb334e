-- The floor's only table: one row per submission, the body kept whole. The
-- text primary key mirrors the edge's submissions.id, so the floor pays for
-- the same kind of unique index the edge's main insert does.
CREATE TABLE submissions (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
