//! Retention: a form may keep its leads for a number of days after their
//! last submission through it (`retention_days` in its spec). Once a day
//! the cron trigger erases every lead no form keeps any more, the way a
//! person's erasure does, and the audit log records each one.
//!
//! A lead is kept while any of its submissions is still within its form's
//! retention, or came through a form that sets none.

use serde::Deserialize;
use worker::{query, D1Database};

use super::erase;
use crate::error::Result;

/// The cron expression (`wrangler.toml`) that runs [`purge`].
pub const PURGE_CRON: &str = "0 3 * * *";

/// How many leads one round erases.
const PAGE: u32 = 100;

/// What the audit log says of each purged lead.
const DETAIL: &str = r#"{"reason":"past the retention of every form it came through"}"#;

/// Erases every lead past retention; returns how many.
pub async fn purge(db: &D1Database) -> Result<u64> {
    #[derive(Deserialize)]
    struct Expired {
        id: i64,
    }
    let mut purged = 0;
    loop {
        let expired: Vec<Expired> = query!(
            db,
            "SELECT DISTINCT s.lead_id AS id
               FROM submissions s JOIN forms f ON f.id = s.form_id
                                  JOIN leads l ON l.id = s.lead_id
              WHERE l.erased_at IS NULL
                AND NOT EXISTS (
                      SELECT 1 FROM submissions k JOIN forms g ON g.id = k.form_id
                       WHERE k.lead_id = s.lead_id
                         AND (g.spec ->> 'retention_days' IS NULL
                              OR k.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now',
                                   '-' || (g.spec ->> 'retention_days') || ' days')))
              LIMIT ?1",
            PAGE
        )?
        .all()
        .await?
        .results()?;
        let ids: Vec<i64> = expired.into_iter().map(|row| row.id).collect();
        let erased = erase::erase(db, &ids, "retention", "lead-purged", Some(DETAIL)).await?;
        if erased.is_empty() {
            return Ok(purged);
        }
        purged += erased.len() as u64;
    }
}
