//! Erasing a person: their right to be forgotten, and what retention does
//! to leads past their time. Personal data goes from everywhere it was
//! written (the lead, every submission, the consent events, stage notes,
//! notes, webhook payloads and errors); what stays is an anonymous
//! tombstone: the lead's id, site, stage and score, so the funnel's counts
//! and the consent ledger's references still hold, and the ledger still
//! verifies (see `ledger::Event::detail_hash`).
//!
//! `POST /v1/sites/{site}/people/erase` takes the e-mail in the body, like
//! the person's export, so it never lands in a URL that logs keep.

use serde::Serialize;
use worker::{query, D1Database, D1PreparedStatement, Env, Request, Response};

use super::person::{asked, Asked};
use crate::batch;
use crate::error::Result;

/// The statements erasing the leads `ids` (a JSON array of lead ids) at
/// `at`, each recorded in the audit log as `action` by `actor` with
/// `detail`. Run them in one batch; the first returns the ids it erased
/// (none for a lead erased before).
pub fn statements(
    db: &D1Database,
    ids: &str,
    at: &str,
    actor: &str,
    action: &str,
    detail: Option<&str>,
) -> Result<Vec<D1PreparedStatement>> {
    const CHOSEN: &str = "SELECT value FROM json_each(?1)";
    Ok(vec![
        // Recorded first, while the leads still say they are not erased.
        query!(
            db,
            &format!(
                "INSERT INTO audit_log (at, actor, action, site_id, subject, detail)
                 SELECT ?2, ?3, ?4, site_id, 'lead:' || id, ?5 FROM leads
                  WHERE id IN ({CHOSEN}) AND erased_at IS NULL"
            ),
            ids,
            at,
            actor,
            action,
            detail
        )?,
        query!(
            db,
            &format!(
                "UPDATE leads SET email = 'erased', email_key = 'erased:' || id, fields = '{{}}',
                        explanation = '{{}}', search = NULL, erased_at = ?2, updated_at = ?2
                  WHERE id IN ({CHOSEN}) AND erased_at IS NULL RETURNING id"
            ),
            ids,
            at
        )?,
        // The body hash stays, so a replay of an erased submission is
        // still answered as one and does not bring the person back.
        query!(
            db,
            &format!("UPDATE submissions SET data = '{{}}' WHERE lead_id IN ({CHOSEN})"),
            ids
        )?,
        query!(
            db,
            &format!(
                "UPDATE consent_events SET page = NULL, ip_hash = NULL, erased_at = ?2
                  WHERE lead_id IN ({CHOSEN}) AND erased_at IS NULL"
            ),
            ids,
            at
        )?,
        query!(
            db,
            &format!(
                "UPDATE stage_changes
                    SET note = NULL, reason = CASE actor WHEN 'rule' THEN reason ELSE 'erased' END
                  WHERE lead_id IN ({CHOSEN})"
            ),
            ids
        )?,
        query!(
            db,
            &format!("DELETE FROM notes WHERE lead_id IN ({CHOSEN})"),
            ids
        )?,
        // A delivery not yet made is not made: its payload is gone.
        query!(
            db,
            &format!(
                "UPDATE deliveries
                    SET payload = '{{}}', updated_at = ?2,
                        last_error = CASE WHEN status IN ('pending', 'retrying')
                                          THEN 'not sent: the person was erased'
                                          WHEN last_error IS NULL THEN NULL
                                          ELSE 'erased with the person' END,
                        status = CASE WHEN status IN ('pending', 'retrying') THEN 'dead'
                                      ELSE status END
                  WHERE lead_id IN ({CHOSEN})"
            ),
            ids,
            at
        )?,
    ])
}

/// Erases the leads `ids` in one batch; returns the ones erased now.
pub async fn erase(
    db: &D1Database,
    ids: &[i64],
    actor: &str,
    action: &str,
    detail: Option<&str>,
) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let at = String::from(worker::js_sys::Date::new_0().to_iso_string());
    let ids = crate::capture::json(&ids)?;
    let results = db
        .batch(statements(db, &ids, &at, actor, action, detail)?)
        .await?;
    batch::ids(results.get(1))
}

/// The answer: the leads erased (none when the site held nothing about the
/// person, or had erased them before).
#[derive(Serialize)]
struct Erased {
    site: String,
    erased: Vec<i64>,
}

/// `POST /v1/sites/{site}/people/erase`: for marketing and admins of the
/// site; recorded in the audit log by lead, never by e-mail.
pub async fn person(mut req: Request, env: &Env, site: &str) -> Result<Response> {
    let Asked {
        db,
        caller,
        address,
    } = asked(&mut req, env, site).await?;
    let found: Vec<batch::Id<i64>> = query!(
        &db,
        "SELECT id FROM leads WHERE site_id = ?1 AND email_key = ?2 AND erased_at IS NULL",
        site,
        address.dedupe_key()
    )?
    .all()
    .await?
    .results()?;
    let ids: Vec<i64> = found.into_iter().map(|row| row.id).collect();
    let erased = erase(&db, &ids, &caller.actor(), "person-erased", None).await?;
    Ok(Response::from_json(&Erased {
        site: site.to_owned(),
        erased,
    })?)
}
