//! The handoff as the API shows it, to the site's marketing and admins: a site's
//! webhook endpoints (with the secret each one's receiver checks signatures
//! with) and their deliveries, newest first.

use serde::{Deserialize, Serialize};
use worker::{query, D1Database, Env, Request, Response};

use super::signature;
use crate::access::{self, Need};
use crate::error::Result;
use crate::DB_BINDING;

/// The most deliveries one answer lists.
pub const MAX_DELIVERIES: u32 = 200;

/// A delivery: one event for one endpoint, and how its attempts went.
#[derive(Debug, Serialize, Deserialize)]
pub struct Delivery {
    /// `<event id>:<webhook id>`.
    pub id: String,
    /// The event's id, as receivers see it.
    pub event_id: String,
    /// The endpoint.
    pub webhook_id: String,
    /// The lead it is about.
    pub lead_id: i64,
    /// `lead.mql` or `lead.sql`.
    pub event: String,
    /// `pending`, `retrying`, `delivered` or `dead`.
    pub status: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// The endpoint's last HTTP status, if it answered.
    pub last_status: Option<i64>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When the event was recorded.
    pub created_at: String,
    /// When the delivery last changed.
    pub updated_at: String,
}

#[derive(Serialize)]
struct Deliveries {
    deliveries: Vec<Delivery>,
}

/// `GET /v1/sites/{site}/deliveries`: the latest deliveries of the site.
pub async fn deliveries(req: &Request, env: &Env, site: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    access::caller(req, env, &db)
        .await?
        .require(site, Need::Manage)?;
    let deliveries: Vec<Delivery> = query!(
        &db,
        "SELECT id, event_id, webhook_id, lead_id, event, status, attempts, last_status,
                last_error, created_at, updated_at
           FROM deliveries WHERE site_id = ?1
          ORDER BY created_at DESC, id LIMIT ?2",
        site,
        MAX_DELIVERIES
    )?
    .all()
    .await?
    .results()?;
    Ok(Response::from_json(&Deliveries { deliveries })?)
}

/// A webhook endpoint as its owner configures the receiving side.
#[derive(Debug, Serialize)]
pub struct Webhook {
    /// The endpoint's id.
    pub id: String,
    /// Where events are posted.
    pub url: String,
    /// The stages whose arrival is sent.
    pub stages: Vec<String>,
    /// Whether events are sent to it.
    pub active: bool,
    /// The secret its receiver verifies `Embudo-Signature` with.
    pub signing_secret: String,
    /// Until when the secret the last roll replaced still signs events
    /// too; `None` when it no longer does (or the secret was never rolled).
    pub previous_secret_expires_at: Option<String>,
}

#[derive(Serialize)]
struct Webhooks {
    webhooks: Vec<Webhook>,
}

/// An endpoint as D1 holds it.
#[derive(Deserialize)]
struct Row {
    id: String,
    url: String,
    stages: String,
    active: i64,
    #[serde(flatten)]
    generation: signature::Generation,
    previous_secret_until: Option<String>,
}

impl Row {
    /// The endpoint as its owner sees it, with its signing secret.
    fn shown(self, env: &Env) -> Result<Webhook> {
        let mut secrets = signature::secrets(env, &self.id, self.generation)?.into_iter();
        let signs_too = secrets.len() > 1;
        Ok(Webhook {
            signing_secret: secrets.next().unwrap_or_default(),
            previous_secret_expires_at: self.previous_secret_until.filter(|_| signs_too),
            stages: serde_json::from_str(&self.stages).unwrap_or_default(),
            active: self.active == 1,
            id: self.id,
            url: self.url,
        })
    }
}

/// The site's endpoints, or the one named `id`.
async fn endpoints(
    env: &Env,
    db: &D1Database,
    site: &str,
    id: Option<&str>,
) -> Result<Vec<Webhook>> {
    let rows: Vec<Row> = query!(
        db,
        &format!(
            "SELECT w.id, w.url, w.stages, w.active, w.previous_secret_until, {}
               FROM webhooks w
              WHERE w.site_id = ?1 AND (?2 IS NULL OR w.id = ?2) ORDER BY w.id",
            signature::COLUMNS
        ),
        site,
        id
    )?
    .all()
    .await?
    .results()?;
    rows.into_iter().map(|row| row.shown(env)).collect()
}

/// The answer naming endpoint `id` as it is now.
pub async fn one(env: &Env, db: &D1Database, site: &str, id: &str) -> Result<Response> {
    let webhook = endpoints(env, db, site, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| crate::error::Error::NotFound {
            path: format!("/v1/sites/{site}/webhooks/{id}"),
        })?;
    Ok(Response::from_json(&webhook)?)
}

/// `GET /v1/sites/{site}/webhooks`: the site's endpoints.
pub async fn webhooks(req: &Request, env: &Env, site: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    access::caller(req, env, &db)
        .await?
        .require(site, Need::Administer)?;
    let webhooks = endpoints(env, &db, site, None).await?;
    Ok(Response::from_json(&Webhooks { webhooks })?)
}
