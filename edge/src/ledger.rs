//! The consent ledger: consents as append-only events, hash-chained per site
//! so any later edit or deletion is detectable, with a receipt for the
//! visitor and a verification of a whole chain.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{query, D1Database, D1PreparedStatement, Env, Request, Response};

use crate::digest::hex;
use crate::error::Result;
use crate::{auth, DB_BINDING};

/// The `prev_hash` of a site's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One consent event, as hashed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    /// The site whose chain it belongs to.
    pub site_id: String,
    /// The submission that carried it.
    pub submission_id: String,
    /// The consent item's id.
    pub consent_id: String,
    /// Its purpose.
    pub purpose: String,
    /// The version (hash) of the text the visitor read.
    pub version: String,
    /// Given (`1`) or withdrawn (`0`).
    pub granted: i64,
    /// The page it was given on.
    pub page: Option<String>,
    /// The keyed hash of the visitor's IP address, if a key is configured.
    pub ip_hash: Option<String>,
    /// When (UTC, ISO 8601).
    pub at: String,
}

impl Event {
    /// The event's hash: SHA-256 over the previous hash and every field, each
    /// length-prefixed so no two events can be spelled alike.
    pub fn hash(&self, prev: &str) -> String {
        let mut digest = Sha256::new();
        let fields = [
            prev,
            &self.site_id,
            &self.submission_id,
            &self.consent_id,
            &self.purpose,
            &self.version,
            if self.granted == 1 { "1" } else { "0" },
            self.page.as_deref().unwrap_or(""),
            self.ip_hash.as_deref().unwrap_or(""),
            &self.at,
        ];
        for field in fields {
            digest.update((field.len() as u64).to_be_bytes());
            digest.update(field.as_bytes());
        }
        hex(&digest.finalize())
    }
}

/// What the visitor keeps to prove what they agreed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The consent item.
    pub consent: String,
    /// Its purpose.
    pub purpose: String,
    /// The version of the text agreed to.
    pub version: String,
    /// The event's hash in the site's chain.
    pub event: String,
}

/// The statements appending `events` after `prev`, the lead found by
/// `lead_of` (SQL with `?1` = site and `?2` = e-mail key bound to
/// `site`/`key`), and the receipts.
pub fn append(
    db: &D1Database,
    lead_of: &str,
    site: &str,
    key: &str,
    prev: &str,
    events: &[Event],
) -> Result<(Vec<D1PreparedStatement>, Vec<Receipt>)> {
    let mut prev = prev.to_owned();
    let mut statements = Vec::with_capacity(events.len());
    let mut receipts = Vec::with_capacity(events.len());
    for event in events {
        let hash = event.hash(&prev);
        statements.push(query!(
            db,
            &format!(
                "INSERT INTO consent_events (site_id, lead_id, submission_id, consent_id, purpose,
                   version, granted, page, ip_hash, at, prev_hash, hash)
                 VALUES (?1, {lead_of}, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ),
            site,
            key,
            &event.submission_id,
            &event.consent_id,
            &event.purpose,
            &event.version,
            event.granted,
            &event.page,
            &event.ip_hash,
            &event.at,
            &prev,
            &hash,
        )?);
        receipts.push(Receipt {
            consent: event.consent_id.clone(),
            purpose: event.purpose.clone(),
            version: event.version.clone(),
            event: hash.clone(),
        });
        prev = hash;
    }
    Ok((statements, receipts))
}

/// The result of walking a chain.
#[derive(Debug, Serialize)]
pub struct Verification {
    /// The site.
    pub site: String,
    /// Whether every event links to the one before and hashes to its hash.
    pub intact: bool,
    /// How many events were checked.
    pub events: u64,
    /// The first event that does not fit, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_at: Option<i64>,
}

/// Walks `site`'s chain from the start, in pages.
pub async fn verify(db: &D1Database, site: &str) -> Result<Verification> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        prev_hash: String,
        hash: String,
        #[serde(flatten)]
        event: Event,
    }
    let mut prev = GENESIS.to_owned();
    let mut after = 0i64;
    let mut events = 0u64;
    loop {
        let rows: Vec<Row> = query!(
            db,
            "SELECT id, site_id, submission_id, consent_id, purpose, version, granted, page,
                    ip_hash, at, prev_hash, hash
               FROM consent_events WHERE site_id = ?1 AND id > ?2 ORDER BY id LIMIT 500",
            site,
            after
        )?
        .all()
        .await?
        .results()?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            if row.prev_hash != prev || row.event.hash(&prev) != row.hash {
                return Ok(Verification {
                    site: site.to_owned(),
                    intact: false,
                    events,
                    broken_at: Some(row.id),
                });
            }
            prev = row.hash.clone();
            events += 1;
        }
    }
    Ok(Verification {
        site: site.to_owned(),
        intact: true,
        events,
        broken_at: None,
    })
}

/// `GET /v1/sites/{site}/consents/verify`: the chain's verdict, for the
/// API token's holder.
pub async fn verify_route(req: &Request, env: &Env, site: &str) -> Result<Response> {
    auth::require_token(req, env)?;
    let db = env.d1(DB_BINDING)?;
    let verification = verify(&db, site).await?;
    Ok(Response::from_json(&verification)?)
}

/// The keyed hash of a visitor's IP address, so the ledger can show two
/// consents came from one address without storing it. `None` without a key.
pub fn ip_hash(env: &Env, ip: Option<&str>) -> Option<String> {
    let key = env.secret("IP_HASH_KEY").ok()?.to_string();
    let ip = ip?;
    let mut digest = Sha256::new();
    digest.update(key.as_bytes());
    digest.update([0]);
    digest.update(ip.as_bytes());
    Some(hex(&digest.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            site_id: "acme".into(),
            submission_id: "6f1c2a9e".into(),
            consent_id: "newsletter".into(),
            purpose: "marketing_emails".into(),
            version: "sha256:ab".into(),
            granted: 1,
            page: Some("https://acme.example/".into()),
            ip_hash: None,
            at: "2026-11-23T10:00:00.000Z".into(),
        }
    }

    #[test]
    fn any_change_to_an_event_or_its_predecessor_changes_its_hash() {
        let base = event().hash(GENESIS);
        assert_eq!(base.len(), 64);
        assert_ne!(event().hash("1"), base);
        let mut withdrawn = event();
        withdrawn.granted = 0;
        assert_ne!(withdrawn.hash(GENESIS), base);
        let mut other_text = event();
        other_text.version = "sha256:ac".into();
        assert_ne!(other_text.hash(GENESIS), base);
    }

    #[test]
    fn fields_cannot_be_shifted_into_each_other() {
        let mut a = event();
        a.consent_id = "news".into();
        a.purpose = "lettermarketing_emails".into();
        assert_ne!(a.hash(GENESIS), event().hash(GENESIS));
    }
}
