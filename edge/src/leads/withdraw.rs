//! A consent the person withdrew, recorded on their behalf by someone who
//! works their lead (they asked by e-mail, on the phone, through the mail
//! tool's unsubscribe), or by the person on their own consent page
//! (`consent_page`): a withdrawal event in the site's consent ledger,
//! hash-chained like the grant it ends, an entry in the audit log naming
//! who recorded it, and the news of it for every sales endpoint the lead
//! was handed to (`handoff::withdrawal`). A grant is ended once
//! (`ended_grants`), however many withdrawals arrive for it at once.

use serde::Deserialize;
use worker::{query, D1Database, Env, Request, Response};

use super::detail::{lead_id, visible};
use crate::access::{self, Need};
use crate::capture::{latest_events_sql, LEAD_OF};
use crate::error::{Error, Result};
use crate::faults::Faults;
use crate::handoff::{self, Withdrawn};
use crate::ledger::{self, Event, Receipt};
use crate::{audit, body, DB_BINDING};

/// What a withdrawal sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Withdrawing {
    /// The consent item's id (`sales`, `marketing`, as the form names it).
    consent: String,
}

/// The consent's latest event for the lead: the grant a withdrawal ends.
#[derive(Deserialize)]
struct Latest {
    id: i64,
    email_key: String,
    email: String,
    submission_id: String,
    purpose: String,
    version: String,
    granted: i64,
}

/// `POST /v1/leads/{lead}/consents/withdrawals`: records that the person
/// withdrew a consent they had given (sales, marketing, admins of the
/// lead's site). Answers with the withdrawal's receipt; 409 when the
/// consent is not given now.
pub async fn consent(mut req: Request, env: &Env, raw: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(&req, env, &db).await?;
    let id = lead_id(raw)?;
    let lead = visible(&db, &caller, id, Need::Work).await?;
    let Withdrawing { consent } = body::read(&mut req).await?;
    let by = Withdrawer {
        actor: &caller.actor(),
        ip_hash: None,
    };
    let faults = Faults::of(&req);
    match record(env, &db, &lead.site_id, id, &consent, &by, &faults).await? {
        Withdrawal::Recorded(receipt) => Ok(Response::from_json(&receipt)?.with_status(201)),
        Withdrawal::AlreadyWithdrawn | Withdrawal::NeverGiven => Err(Error::conflict(
            format!("consent: {consent:?} is not given now; there is nothing to withdraw"),
            format!("consent: {consent:?} no está dado ahora; no hay nada que retirar"),
        )),
    }
}

/// Who records a withdrawal.
pub struct Withdrawer<'a> {
    /// As the audit log names them: the person themselves (`visitor`) or
    /// whoever recorded it for them.
    pub actor: &'a str,
    /// The keyed hash of the address it came from, when the person
    /// withdrew themselves (as a grant keeps it); staff's is not theirs.
    pub ip_hash: Option<String>,
}

/// What the batch's error says when another withdrawal ended the same grant
/// between this one's read and its write: the grant's row in
/// `ended_grants` is taken, or, when the other was recorded in the same
/// millisecond with the same details, its identical event is.
const GRANT_ENDED: [&str; 2] = [
    "UNIQUE constraint failed: ended_grants.",
    "UNIQUE constraint failed: consent_events.event_hash",
];

/// What asking to withdraw a consent did.
pub enum Withdrawal {
    /// The withdrawal is in the ledger: its receipt.
    Recorded(Receipt),
    /// Nothing: the consent's latest event is a withdrawal already.
    AlreadyWithdrawn,
    /// Nothing: the person never gave this consent.
    NeverGiven,
}

/// Appends to `site`'s ledger the withdrawal of `consent` for lead `id`,
/// the audit entry naming `by` and the deliveries telling sales, in one
/// batch, if the consent is given now; then queues the deliveries.
/// One consent id can hold grants for several purposes (a form whose item
/// changed purpose, two forms sharing an id): each one given now gets its
/// own withdrawal event, and the receipt answered is the latest grant's.
/// `faults` may pause it between reading and writing (tests of the race).
pub async fn record(
    env: &Env,
    db: &D1Database,
    site: &str,
    id: i64,
    consent: &str,
    by: &Withdrawer<'_>,
    faults: &Faults,
) -> Result<Withdrawal> {
    // The latest event of each purpose the consent id was given for, oldest
    // first, so the latest grant's withdrawal is the consent's latest event.
    let latest = latest_events_sql("?1", Some("?2"));
    let purposes: Vec<Latest> = query!(
        db,
        &format!(
            "SELECT e.id, l.email_key, l.email, e.submission_id, e.purpose, e.version, e.granted
               FROM consent_events e JOIN leads l ON l.id = e.lead_id
              WHERE e.id IN ({latest})
              ORDER BY e.id"
        ),
        id,
        consent
    )?
    .all()
    .await?
    .results()?;
    if purposes.is_empty() {
        return Ok(Withdrawal::NeverGiven);
    }
    let given: Vec<Latest> = purposes.into_iter().filter(|p| p.granted == 1).collect();
    let Some(latest) = given.last() else {
        return Ok(Withdrawal::AlreadyWithdrawn);
    };
    let (email_key, email) = (latest.email_key.clone(), latest.email.clone());
    // Each withdrawal names the submission whose grant it ends; no page: it
    // was not given on a form.
    let at = String::from(worker::js_sys::Date::new_0().to_iso_string());
    let events: Vec<Event> = given
        .iter()
        .map(|grant| Event {
            site_id: site.to_owned(),
            submission_id: grant.submission_id.clone(),
            consent_id: consent.to_owned(),
            purpose: grant.purpose.clone(),
            version: grant.version.clone(),
            granted: 0,
            page: None,
            ip_hash: by.ip_hash.clone(),
            at: at.clone(),
        })
        .collect();
    let (statement, receipts) = ledger::append(db, LEAD_OF, site, &email_key, &events)?;
    let mut statements: Vec<_> = statement.into_iter().collect();
    if receipts.len() != given.len() {
        return Err(Error::Storage {
            reason: "a withdrawal gave no receipt".into(),
        });
    }
    // Fails the whole batch if a withdrawal sent at the same moment ended
    // one of these grants first.
    for (grant, receipt) in given.iter().zip(&receipts) {
        statements.push(query!(
            db,
            "INSERT INTO ended_grants (grant_id, withdrawal_id, withdrawn_by)
             VALUES (?1, (SELECT id FROM consent_events WHERE event_hash = ?2), ?3)",
            grant.id,
            &receipt.event,
            by.actor,
        )?);
    }
    // What the rules read of the lead changed: a re-score that read it
    // before must not write over it (forms/rescore.rs).
    statements.push(query!(
        db,
        "UPDATE leads SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        id
    )?);
    statements.push(audit::entry(
        db,
        by.actor,
        "consent-withdrawn",
        Some(site),
        Some(&format!("lead:{id}")),
        Some(consent),
    )?);
    let handoff_at = statements.len();
    for receipt in &receipts {
        statements.push(handoff::withdrawal(
            db,
            &Withdrawn {
                site,
                lead: id,
                email: &email,
                by: by.actor,
                receipt,
                at: &at,
            },
        )?);
    }
    faults.pause().await;
    let results = match db.batch(statements).await {
        Ok(results) => results,
        Err(error) => {
            let text = error.to_string();
            if GRANT_ENDED.iter().any(|ended| text.contains(ended)) {
                return Ok(Withdrawal::AlreadyWithdrawn);
            }
            return Err(error.into());
        }
    };
    // Recorded with the withdrawal, so it stands if queueing fails: the
    // every-minute sweep queues what was left unsent.
    let mut deliveries = Vec::new();
    for at in handoff_at..handoff_at + receipts.len() {
        deliveries.extend(handoff::recorded(results.get(at))?);
    }
    if let Err(error) = handoff::enqueue(env, deliveries).await {
        worker::console_error!("withdrawal deliveries not queued: {error}");
    }
    let latest = receipts.into_iter().last().ok_or_else(|| Error::Storage {
        reason: "a withdrawal gave no receipt".into(),
    })?;
    Ok(Withdrawal::Recorded(latest))
}
