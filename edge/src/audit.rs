//! The audit log: who did what, when, on which site. Entries are written in
//! the same batch as what they record, so one is never without the other.

use worker::{query, D1Database, D1PreparedStatement};

use crate::error::Result;

/// The statement recording that `actor` (see `access::Caller::actor`) did
/// `action` on `site`, to `subject`, with `detail` (JSON text).
pub fn entry(
    db: &D1Database,
    actor: &str,
    action: &str,
    site: Option<&str>,
    subject: Option<&str>,
    detail: Option<&str>,
) -> Result<D1PreparedStatement> {
    Ok(query!(
        db,
        "INSERT INTO audit_log (actor, action, site_id, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        actor,
        action,
        site,
        subject,
        detail
    )?)
}

/// Like [`entry`], written only if the batch's statement just before it
/// changed a row (SQLite's `changes()`): an action that found nothing to do
/// leaves no entry.
pub fn entry_if_changed(
    db: &D1Database,
    actor: &str,
    action: &str,
    site: Option<&str>,
    subject: Option<&str>,
    detail: Option<&str>,
) -> Result<D1PreparedStatement> {
    Ok(query!(
        db,
        "INSERT INTO audit_log (actor, action, site_id, subject, detail)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() > 0",
        actor,
        action,
        site,
        subject,
        detail
    )?)
}
