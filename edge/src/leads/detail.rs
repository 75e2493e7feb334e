//! `GET /v1/leads/{lead}`: everything about one lead, for the person working
//! it: current fields and score with each rule's part, every submission, the
//! stage history, the consents with their ledger entries, the handoffs to
//! sales, and the notes. Read in one batch.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use worker::{query, D1Database, Env, Request, Response};

use super::{Lead, Row, LEAD_COLUMNS};
use crate::access::{self, Caller, Need};
use crate::batch;
use crate::error::{Error, Result};
use crate::DB_BINDING;

/// One submission as the lead's timeline shows it.
#[derive(Serialize, Deserialize)]
struct Submission {
    id: String,
    form_id: String,
    created_at: String,
    /// The checked submission: fields, consents, page, referrer, UTM.
    #[serde(skip_deserializing)]
    data: Json,
    #[serde(skip_serializing, rename = "data")]
    raw: String,
}

/// One stage change.
#[derive(Serialize, Deserialize)]
struct StageChange {
    from_stage: Option<String>,
    to_stage: String,
    actor: String,
    reason: String,
    note: Option<String>,
    created_at: String,
}

/// One consent event and where the ledger holds it.
#[derive(Serialize, Deserialize)]
struct Consent {
    consent_id: String,
    purpose: String,
    version: String,
    granted: i64,
    page: Option<String>,
    at: String,
    /// The receipt the visitor got.
    event_hash: String,
    /// Its link in the site's chain, once sealed.
    hash: Option<String>,
    /// For a withdrawal: who recorded it (`visitor`, or staff as the audit
    /// log names them), when known.
    withdrawn_by: Option<String>,
}

/// One handoff to sales.
#[derive(Serialize, Deserialize)]
struct Delivery {
    id: String,
    /// The endpoint it goes to.
    webhook_id: String,
    event: String,
    status: String,
    attempts: i64,
    last_status: Option<i64>,
    /// Why the last attempt failed, if it did.
    last_error: Option<String>,
    created_at: String,
}

/// One note.
#[derive(Serialize, Deserialize)]
pub struct Note {
    /// Its id.
    pub id: i64,
    /// Who wrote it (`account:<id>`).
    pub author: String,
    /// What it says.
    pub text: String,
    /// When.
    pub created_at: String,
}

/// Everything about one lead.
#[derive(Serialize)]
pub struct Detail {
    #[serde(flatten)]
    lead: Lead,
    timeline: Vec<Submission>,
    stage_history: Vec<StageChange>,
    consents: Vec<Consent>,
    deliveries: Vec<Delivery>,
    notes: Vec<Note>,
}

/// The lead `id` if the caller may see it (its site, with `Read`): one the
/// caller may not see is answered as missing, so ids of other sites' leads
/// tell nothing. Then refuses (403) unless the caller's role there allows
/// `need`.
pub async fn visible(db: &D1Database, caller: &Caller, id: i64, need: Need) -> Result<Lead> {
    let row: Option<Row> = query!(
        db,
        &format!("SELECT {LEAD_COLUMNS} FROM leads WHERE id = ?1 AND erased_at IS NULL"),
        id
    )?
    .first(None)
    .await?;
    let lead = match row {
        Some(row) if caller.may(&row.site_id, Need::Read) => Lead::try_from(row)?,
        _ => {
            return Err(Error::NotFound {
                path: format!("/v1/leads/{id}"),
            })
        }
    };
    caller.require(&lead.site_id, need)?;
    Ok(lead)
}

/// A lead id from the path (see [`crate::routes::row_id`]).
pub fn lead_id(raw: &str) -> Result<i64> {
    crate::routes::row_id(raw).ok_or_else(|| Error::NotFound {
        path: format!("/v1/leads/{raw}"),
    })
}

/// `GET /v1/leads/{lead}`.
pub async fn show(req: &Request, env: &Env, raw: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(req, env, &db).await?;
    let id = lead_id(raw)?;
    let lead = visible(&db, &caller, id, Need::Read).await?;
    Ok(Response::from_json(&story(&db, lead).await?)?)
}

/// Everything about `lead`, read in one batch.
pub async fn story(db: &D1Database, lead: Lead) -> Result<Detail> {
    let id = lead.id;
    let results = db
        .batch(vec![
            query!(
                db,
                "SELECT id, form_id, created_at, data FROM submissions WHERE lead_id = ?1
                  ORDER BY created_at, rowid",
                id
            )?,
            query!(
                db,
                "SELECT from_stage, to_stage, actor, reason, note, created_at FROM stage_changes
                  WHERE lead_id = ?1 ORDER BY id",
                id
            )?,
            query!(
                db,
                "SELECT e.consent_id, e.purpose, e.version, e.granted, e.page, e.at,
                        e.event_hash, e.hash, g.withdrawn_by
                   FROM consent_events e LEFT JOIN ended_grants g ON g.withdrawal_id = e.id
                  WHERE e.lead_id = ?1 ORDER BY e.id",
                id
            )?,
            query!(
                db,
                "SELECT id, webhook_id, event, status, attempts, last_status, last_error, created_at
                   FROM deliveries
                  WHERE lead_id = ?1 ORDER BY created_at, id",
                id
            )?,
            query!(
                db,
                "SELECT id, author, text, created_at FROM notes WHERE lead_id = ?1 ORDER BY id",
                id
            )?,
        ])
        .await?;
    let mut timeline: Vec<Submission> = batch::rows(results.first())?;
    for submission in &mut timeline {
        submission.data =
            serde_json::from_str(&submission.raw).map_err(|error| Error::Storage {
                reason: format!("submission {} is unreadable: {error}", submission.id),
            })?;
    }
    Ok(Detail {
        lead,
        timeline,
        stage_history: batch::rows(results.get(1))?,
        consents: batch::rows(results.get(2))?,
        deliveries: batch::rows(results.get(3))?,
        notes: batch::rows(results.get(4))?,
    })
}
