-- Bots caught by the honeypot or the minimum fill time get a success-looking
-- answer and store nothing; they are only counted, per site, day and reason.
CREATE TABLE spam_counts (
    site_id TEXT NOT NULL REFERENCES sites (id),
    day     TEXT NOT NULL,
    reason  TEXT NOT NULL CHECK (reason IN ('honeypot', 'too_fast')),
    n       INTEGER NOT NULL,
    PRIMARY KEY (site_id, day, reason)
) STRICT;
