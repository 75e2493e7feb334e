//! The consent ledger: consents as append-only events, hash-chained per site
//! so any later edit or deletion is detectable, with a receipt for the
//! visitor and a verification of a whole chain.
//!
//! An event is written with its submission, carrying the hash of its own
//! fields; [`seal`] links unsealed events into the site's chain afterwards,
//! in id order, so concurrent submissions never wait on each other. Sealing
//! runs every minute (the cron trigger) and before every verification.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use worker::{query, D1Database, D1PreparedStatement, Env, Request, Response};

use crate::access::{self, Need};
use crate::batch;
use crate::digest::hex;
use crate::error::Result;
use crate::DB_BINDING;

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
    /// The hash of the event's own fields (its receipt): SHA-256 over every
    /// field, each length-prefixed so no two events can be spelled alike,
    /// with the page and the IP hash in as their [`Event::detail_hash`] so
    /// erasing them later leaves the hash provable (scheme 3).
    pub fn hash(&self) -> String {
        self.hash_with_detail(&self.detail_hash())
    }

    /// The hash of the personal details (page and IP hash) the event's hash
    /// covers; stored beside them, and kept when they are erased.
    pub fn detail_hash(&self) -> String {
        length_prefixed(&[
            self.page.as_deref().unwrap_or(""),
            self.ip_hash.as_deref().unwrap_or(""),
        ])
    }

    /// The event's hash given its details' hash (all an erased event keeps).
    pub fn hash_with_detail(&self, detail_hash: &str) -> String {
        let [site, submission, consent, purpose, version, granted, _, _, at] = self.fields();
        length_prefixed(&[
            site,
            submission,
            consent,
            purpose,
            version,
            granted,
            detail_hash,
            at,
        ])
    }

    /// How events written before erasure existed (`scheme` 2) were hashed:
    /// page and IP hash in the clear.
    pub fn v2_hash(&self) -> String {
        length_prefixed(&self.fields())
    }

    /// How events written before sealing existed (`scheme` 1) were hashed:
    /// the previous hash first, then the fields.
    pub fn legacy_hash(&self, prev: &str) -> String {
        let fields = self.fields();
        let with_prev: Vec<&str> = std::iter::once(prev).chain(fields).collect();
        length_prefixed(&with_prev)
    }

    /// The fields in hashing order.
    fn fields(&self) -> [&str; 9] {
        [
            &self.site_id,
            &self.submission_id,
            &self.consent_id,
            &self.purpose,
            &self.version,
            if self.granted == 1 { "1" } else { "0" },
            self.page.as_deref().unwrap_or(""),
            self.ip_hash.as_deref().unwrap_or(""),
            &self.at,
        ]
    }
}

/// A link of the chain: SHA-256 over the previous link and the event's hash.
pub fn link(prev: &str, event_hash: &str) -> String {
    length_prefixed(&[prev, event_hash])
}

fn length_prefixed(fields: &[&str]) -> String {
    let mut digest = Sha256::new();
    for field in fields {
        digest.update((field.len() as u64).to_be_bytes());
        digest.update(field.as_bytes());
    }
    hex(&digest.finalize())
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
    /// The hash of the event as recorded; the site's chain links it.
    pub event: String,
}

/// The statement recording `events` for the lead found by `lead_of` (SQL
/// with `?1` = site and `?2` = e-mail key bound to `site`/`key`), if there
/// are any, and the receipts. One statement for all of them, the events
/// passed as a JSON array. Nothing is read first: [`seal`] chains them later.
pub fn append(
    db: &D1Database,
    lead_of: &str,
    site: &str,
    key: &str,
    events: &[Event],
) -> Result<(Option<D1PreparedStatement>, Vec<Receipt>)> {
    /// An event as the statement reads it: its fields and its hash.
    #[derive(Serialize)]
    struct Row<'a> {
        #[serde(flatten)]
        event: &'a Event,
        detail_hash: String,
        event_hash: &'a str,
    }
    // Each event's details are hashed once: the row keeps the digest, the
    // receipt the hash over it.
    let details: Vec<String> = events.iter().map(Event::detail_hash).collect();
    let receipts: Vec<Receipt> = events
        .iter()
        .zip(&details)
        .map(|(event, detail)| Receipt {
            consent: event.consent_id.clone(),
            purpose: event.purpose.clone(),
            version: event.version.clone(),
            event: event.hash_with_detail(detail),
        })
        .collect();
    if events.is_empty() {
        return Ok((None, receipts));
    }
    let rows: Vec<Row> = events
        .iter()
        .zip(details)
        .zip(&receipts)
        .map(|((event, detail_hash), receipt)| Row {
            event,
            detail_hash,
            event_hash: &receipt.event,
        })
        .collect();
    let rows = crate::capture::json(&rows)?;
    let statement = query!(
        db,
        &format!(
            "INSERT INTO consent_events (site_id, lead_id, submission_id, consent_id, purpose,
               version, granted, page, ip_hash, at, detail_hash, event_hash)
             SELECT ?1, {lead_of}, e.value ->> 'submission_id', e.value ->> 'consent_id',
                    e.value ->> 'purpose', e.value ->> 'version', e.value ->> 'granted',
                    e.value ->> 'page', e.value ->> 'ip_hash', e.value ->> 'at',
                    e.value ->> 'detail_hash', e.value ->> 'event_hash'
               FROM json_each(?3) AS e
              ORDER BY e.key"
        ),
        site,
        key,
        &rows,
    )?;
    Ok((Some(statement), receipts))
}

/// How many events one sealing round links.
const SEAL_PAGE: u32 = 200;

/// Links `site`'s unsealed events into its chain, oldest first, and says
/// how many it linked. Sealers may run at once: each computes the same links
/// from the same events, and a link is written only where none is.
pub async fn seal(db: &D1Database, site: &str) -> Result<u64> {
    #[derive(Deserialize)]
    struct Tail {
        hash: String,
    }
    #[derive(Deserialize)]
    struct Unsealed {
        id: i64,
        event_hash: String,
    }
    let mut sealed = 0;
    loop {
        // One transaction, so the tail and the events after it agree.
        let read = db
            .batch(vec![
                query!(
                    db,
                    "SELECT hash FROM consent_events WHERE site_id = ?1 AND hash IS NOT NULL
                      ORDER BY id DESC LIMIT 1",
                    site
                )?,
                query!(
                    db,
                    "SELECT id, event_hash FROM consent_events WHERE site_id = ?1 AND hash IS NULL
                      ORDER BY id LIMIT ?2",
                    site,
                    SEAL_PAGE
                )?,
            ])
            .await?;
        let tail: Vec<Tail> = batch::rows(read.first())?;
        let unsealed: Vec<Unsealed> = batch::rows(read.get(1))?;
        if unsealed.is_empty() {
            return Ok(sealed);
        }
        let mut prev = tail
            .first()
            .map_or_else(|| GENESIS.to_owned(), |t| t.hash.clone());
        let mut links = Vec::with_capacity(unsealed.len());
        for event in &unsealed {
            let hash = link(&prev, &event.event_hash);
            links.push(query!(
                db,
                "UPDATE consent_events SET prev_hash = ?2, hash = ?3 WHERE id = ?1 AND hash IS NULL",
                event.id,
                &prev,
                &hash
            )?);
            prev = hash;
        }
        db.batch(links).await?;
        sealed += unsealed.len() as u64;
    }
}

/// Seals every site that has unsealed events (the cron trigger's job).
pub async fn seal_all(db: &D1Database) -> Result<u64> {
    #[derive(Deserialize)]
    struct Site {
        site_id: String,
    }
    let sites: Vec<Site> = query!(
        db,
        "SELECT DISTINCT site_id FROM consent_events WHERE hash IS NULL"
    )
    .all()
    .await?
    .results()?;
    let mut sealed = 0;
    for site in sites {
        sealed += seal(db, &site.site_id).await?;
    }
    Ok(sealed)
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

/// Walks `site`'s chain from the start, in pages: every sealed event must
/// hash to its recorded hash and link to the one before; unsealed events
/// (written since the last sealing) must hash to their recorded hash and
/// come after every sealed one.
pub async fn verify(db: &D1Database, site: &str) -> Result<Verification> {
    let mut prev = GENESIS.to_owned();
    let mut after = 0i64;
    let mut events = 0u64;
    let mut unsealed_seen = false;
    loop {
        let rows: Vec<Recorded> = query!(
            db,
            "SELECT id, site_id, submission_id, consent_id, purpose, version, granted, page,
                    ip_hash, at, scheme, detail_hash, event_hash, prev_hash, hash, erased_at
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
            let erased = row.erased_at.is_some();
            let fits = match (&row.prev_hash, &row.hash) {
                (Some(prev_hash), Some(hash)) if row.scheme == 1 => {
                    !unsealed_seen
                        && *prev_hash == prev
                        && row.event_hash == *hash
                        && (erased || row.event.legacy_hash(&prev) == *hash)
                }
                (Some(prev_hash), Some(hash)) => {
                    !unsealed_seen
                        && *prev_hash == prev
                        && row.hashes_to_its_hash()
                        && link(&prev, &row.event_hash) == *hash
                }
                _ => {
                    unsealed_seen = true;
                    row.hashes_to_its_hash()
                }
            };
            if !fits {
                return Ok(Verification {
                    site: site.to_owned(),
                    intact: false,
                    events,
                    broken_at: Some(row.id),
                });
            }
            if let Some(hash) = &row.hash {
                prev = hash.clone();
            }
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

/// An event as the ledger holds it.
#[derive(Deserialize)]
struct Recorded {
    id: i64,
    scheme: i64,
    detail_hash: Option<String>,
    event_hash: String,
    prev_hash: Option<String>,
    hash: Option<String>,
    erased_at: Option<String>,
    #[serde(flatten)]
    event: Event,
}

impl Recorded {
    /// Whether the event's fields hash to its recorded hash (schemes 2 and
    /// 3). An erased event of scheme 3 is checked through the details' hash
    /// it kept; one of scheme 2 lost fields its hash covered, so only its
    /// link can be checked.
    fn hashes_to_its_hash(&self) -> bool {
        match (self.scheme, &self.detail_hash, &self.erased_at) {
            (3, Some(detail), erased) => {
                (erased.is_some() || self.event.detail_hash() == *detail)
                    && self.event.hash_with_detail(detail) == self.event_hash
            }
            (2, None, Some(_)) => true,
            (2, None, None) => self.event.v2_hash() == self.event_hash,
            _ => false,
        }
    }
}

/// `GET /v1/sites/{site}/consents/verify`: the chain's verdict, for anyone
/// who may read the site's leads.
pub async fn verify_route(req: &Request, env: &Env, site: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    access::caller(req, env, &db)
        .await?
        .require(site, Need::Read)?;
    seal(&db, site).await?;
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
    fn any_change_to_an_event_changes_its_hash_and_its_link() {
        let base = event().hash();
        assert_eq!(base.len(), 64);
        let mut withdrawn = event();
        withdrawn.granted = 0;
        assert_ne!(withdrawn.hash(), base);
        let mut other_text = event();
        other_text.version = "sha256:ac".into();
        assert_ne!(other_text.hash(), base);
        assert_ne!(
            link(GENESIS, &base),
            link("1", &base),
            "a link covers the one before"
        );
        assert_ne!(link(GENESIS, &base), link(GENESIS, &withdrawn.hash()));
        assert_ne!(event().legacy_hash(GENESIS), base, "the schemes differ");
        assert_ne!(event().v2_hash(), base, "the schemes differ");
    }

    #[test]
    fn fields_cannot_be_shifted_into_each_other() {
        let mut a = event();
        a.consent_id = "news".into();
        a.purpose = "lettermarketing_emails".into();
        assert_ne!(a.hash(), event().hash());
    }

    #[test]
    fn an_erased_event_still_proves_what_was_agreed() {
        let given = event();
        let (detail, hash) = (given.detail_hash(), given.hash());
        let mut erased = given.clone();
        erased.page = None;
        erased.ip_hash = None;
        assert_eq!(erased.hash_with_detail(&detail), hash);
        assert_ne!(erased.hash(), hash, "the blank details are not the details");
        let mut forged = erased.clone();
        forged.granted = 0;
        assert_ne!(forged.hash_with_detail(&detail), hash);
        let mut moved = given;
        moved.page = Some("https://acme.example/other".into());
        assert_ne!(moved.detail_hash(), detail);
    }
}
