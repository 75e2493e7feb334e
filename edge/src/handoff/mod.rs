//! Handing qualified leads to sales: when the rules or a person move a lead
//! to MQL or SQL, one event is written per subscribed webhook endpoint in the
//! same batch as the move (so an accepted lead's event is never lost), then
//! queued on a Workers Queue whose consumer ([`deliver`]) posts it, signed,
//! retrying with backoff until it is delivered or dead-lettered.
//!
//! When the person later withdraws a consent, every endpoint the lead was
//! handed to hears of it the same way ([`withdrawal`]): sales must stop
//! using what the consent allowed.

pub mod deliver;
pub mod endpoints;
pub mod routes;
pub mod signature;

use embudo_shared::Stage;
use serde::{Deserialize, Serialize};
use worker::{query, D1Database, D1PreparedStatement, D1Result, Env};

use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::ledger::Receipt;

/// The queue binding in `wrangler.toml` that carries deliveries.
pub const QUEUE_BINDING: &str = "HANDOFF";

/// Who moved a lead, as the handoff tells sales.
#[derive(Debug, Clone, Copy)]
pub enum Mover<'a> {
    /// The qualification rules, on a submission.
    Rules,
    /// The qualification rules, when a form's leads are scored again.
    Rescore {
        /// How many stage changes the lead had before this one: a lead
        /// moved back by hand and raised again by a re-score is announced
        /// again, not taken for the event its submission raised before.
        after: i64,
    },
    /// A person in the dashboard or the API.
    Person {
        /// Who (`account:<id>`, `token:<id>`, `operator`).
        actor: &'a str,
        /// How many stage changes the lead had before this one: it tells
        /// one move by hand from the next, while two people making the
        /// same move at once raise one event.
        after: i64,
    },
}

/// A stage change, as the handoff needs to describe it.
pub struct Move<'a> {
    /// The lead's site.
    pub site: &'a str,
    /// The submission that caused the move (for a move by hand, the lead's
    /// latest).
    pub submission_id: &'a str,
    /// Who made it.
    pub by: Mover<'a>,
    /// The lead's e-mail address.
    pub email: &'a str,
    /// Where the lead was (`None`: a new lead).
    pub from: Option<Stage>,
    /// Where it is now.
    pub to: Stage,
    /// Its score.
    pub score: i64,
    /// Its current fields, as JSON text.
    pub fields: &'a str,
    /// The rules that fired, as JSON text.
    pub explanation: &'a str,
    /// When (UTC, ISO 8601).
    pub at: &'a str,
}

/// An event ready to be recorded for each subscribed endpoint.
pub struct Event {
    /// Its id, the same for every endpoint so receivers can deduplicate.
    pub id: String,
    /// Its type: `lead.mql` or `lead.sql`.
    pub kind: String,
    /// The stage it announces.
    pub stage: Stage,
    /// The JSON body receivers get (the lead's id is added when recorded).
    pub payload: String,
}

/// Whether sales hears about a lead reaching `stage`.
pub fn announces(stage: Stage) -> bool {
    matches!(stage, Stage::Mql | Stage::Sql)
}

#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    created: &'a str,
    site: &'a str,
    submission_id: &'a str,
    /// `rule`, or the person who moved the lead.
    moved_by: &'a str,
    lead: Lead<'a>,
}

#[derive(Serialize)]
struct Lead<'a> {
    email: &'a str,
    stage: Stage,
    previous_stage: Option<Stage>,
    score: i64,
    fields: serde_json::Value,
    explanation: serde_json::Value,
}

/// The event for `moved`, if it is a move sales hears about.
pub fn event(moved: &Move<'_>) -> Result<Option<Event>> {
    if !announces(moved.to) || moved.from == Some(moved.to) {
        return Ok(None);
    }
    let kind = kind(moved.to);
    let (id, moved_by) = match moved.by {
        Mover::Rules => (event_id(moved.site, moved.submission_id, &kind), "rule"),
        Mover::Rescore { after } => {
            let cause = format!("{}:rescore:{after}", moved.submission_id);
            (event_id(moved.site, &cause, &kind), "rule")
        }
        Mover::Person { actor, after } => {
            let cause = format!("{}:by-hand:{after}", moved.submission_id);
            (event_id(moved.site, &cause, &kind), actor)
        }
    };
    let unreadable = |error: serde_json::Error| Error::Storage {
        reason: format!("a lead's JSON does not read back: {error}"),
    };
    let payload = Payload {
        id: &id,
        kind: &kind,
        created: moved.at,
        site: moved.site,
        submission_id: moved.submission_id,
        moved_by,
        lead: Lead {
            email: moved.email,
            stage: moved.to,
            previous_stage: moved.from,
            score: moved.score,
            fields: serde_json::from_str(moved.fields).map_err(unreadable)?,
            explanation: serde_json::from_str(moved.explanation).map_err(unreadable)?,
        },
    };
    Ok(Some(Event {
        payload: crate::capture::json(&payload)?,
        id,
        kind,
        stage: moved.to,
    }))
}

/// The event type telling sales that the person withdrew a consent.
pub const CONSENT_WITHDRAWN: &str = "lead.consent_withdrawn";

/// A consent the person withdrew, as sales hears of it.
pub struct Withdrawn<'a> {
    /// The lead's site.
    pub site: &'a str,
    /// The lead's id.
    pub lead: i64,
    /// The lead's e-mail address, for sales to find the person.
    pub email: &'a str,
    /// Who recorded it: `visitor` (the person, on their consent page) or
    /// the person who recorded it for them.
    pub by: &'a str,
    /// The ledger's receipt of the withdrawal.
    pub receipt: &'a Receipt,
    /// When (UTC, ISO 8601).
    pub at: &'a str,
}

#[derive(Serialize)]
struct WithdrawalPayload<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    created: &'a str,
    site: &'a str,
    withdrawn_by: &'a str,
    lead: WithdrawalLead<'a>,
    consent: &'a Receipt,
}

#[derive(Serialize)]
struct WithdrawalLead<'a> {
    id: i64,
    email: &'a str,
}

/// One delivery of `withdrawn` per active endpoint the lead was handed to
/// (any delivery of a move written for it, whatever became of that), for
/// the withdrawal's batch. Its event id comes from the ledger event, so it
/// is one per withdrawal.
pub fn withdrawal(db: &D1Database, withdrawn: &Withdrawn<'_>) -> Result<D1PreparedStatement> {
    let id = event_id(withdrawn.site, &withdrawn.receipt.event, CONSENT_WITHDRAWN);
    let payload = crate::capture::json(&WithdrawalPayload {
        id: &id,
        kind: CONSENT_WITHDRAWN,
        created: withdrawn.at,
        site: withdrawn.site,
        withdrawn_by: withdrawn.by,
        lead: WithdrawalLead {
            id: withdrawn.lead,
            email: withdrawn.email,
        },
        consent: withdrawn.receipt,
    })?;
    Ok(query!(
        db,
        "INSERT INTO deliveries (id, event_id, webhook_id, site_id, lead_id, event, payload)
         SELECT ?3 || ':' || w.id, ?3, w.id, ?1, ?2, ?4, ?5
           FROM webhooks w
          WHERE w.site_id = ?1 AND w.active = 1
            AND EXISTS (SELECT 1 FROM deliveries d
                         WHERE d.lead_id = ?2 AND d.webhook_id = w.id AND d.event <> ?4)
         ON CONFLICT (id) DO NOTHING
         RETURNING id",
        withdrawn.site,
        withdrawn.lead,
        &id,
        CONSENT_WITHDRAWN,
        &payload,
    )?)
}

/// The event type announcing a lead's arrival at `stage`.
fn kind(stage: Stage) -> String {
    format!("lead.{}", stage.name())
}

/// The id of the `kind` event `cause` raised (a submission's id, or a move
/// by hand): derived, not drawn, so a submission stored twice over raises
/// the same event, and its deliveries can be found again from the
/// submission alone.
fn event_id(site: &str, cause: &str, kind: &str) -> String {
    let seed = format!("{site}:{cause}:{kind}");
    format!("evt_{}", &sha256_hex(seed.as_bytes())[..32])
}

/// Queues the deliveries submission `submission_id` recorded that were never
/// queued or tried. A submission whose batch committed but whose answer was
/// lost (D1 failing after the commit, the Worker stopped) is answered as a
/// replay when it is sent again; its handoff goes out then. A delivery
/// queued twice this way (the answer lost on its way to the visitor, after
/// the queueing) is posted once when the two messages come one after the
/// other: the first settles it. Should two consumers race, the receiver
/// gets it twice, with one event id to deduplicate on.
pub async fn enqueue_unsent(env: &Env, site: &str, submission_id: &str) -> Result<()> {
    let events: Vec<String> = Stage::ALL
        .into_iter()
        .filter(|stage| announces(*stage))
        .map(|stage| event_id(site, submission_id, &kind(stage)))
        .collect();
    let events = crate::capture::json(&events)?;
    let db = env.d1(crate::DB_BINDING)?;
    let unsent = query!(
        &db,
        "SELECT id FROM deliveries
          WHERE site_id = ?1 AND status = 'pending' AND attempts = 0
            AND event_id IN (SELECT value FROM json_each(?2))",
        site,
        &events,
    )?
    .all()
    .await?;
    enqueue(env, crate::batch::ids(Some(&unsent))?).await
}

/// How long a recorded delivery may wait untried before the sweep queues
/// it again: far longer than the queue takes, so only one whose queueing
/// failed (the queue unavailable, the Worker stopped first) is taken.
const STALE_AFTER: &str = "-10 minutes";
/// How long a delivery being retried may go without an attempt before the
/// sweep queues it again: past the longest backoff
/// ([`deliver::MAX_BACKOFF_SECONDS`], an hour) with room to spare, so only
/// one whose message was lost (the consumer kept failing, D1 down, and the
/// dead-letter queue could not mark it dead either) is taken.
const ORPHANED_AFTER: &str = "-2 hours";
/// The most deliveries one sweep queues.
const SWEEP_LIMIT: u32 = 100;

/// Queues again the deliveries left untried for [`STALE_AFTER`], and those
/// being retried that no attempt has reached for [`ORPHANED_AFTER`] (the
/// cron trigger runs it every minute): either would otherwise wait forever.
/// Each is marked as it is taken, so one the queue still refuses is tried
/// again a while later, not at every sweep. Gives how many it queued.
pub async fn enqueue_stale(env: &Env, db: &D1Database) -> Result<usize> {
    let stale = query!(
        db,
        "UPDATE deliveries SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE id IN (SELECT id FROM (
                         SELECT id, updated_at FROM deliveries
                          WHERE status = 'pending' AND attempts = 0
                            AND updated_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1)
                         UNION ALL
                         SELECT id, updated_at FROM deliveries
                          WHERE status = 'retrying'
                            AND updated_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3))
                        ORDER BY updated_at LIMIT ?2)
          RETURNING id",
        STALE_AFTER,
        SWEEP_LIMIT,
        ORPHANED_AFTER,
    )?
    .all()
    .await?;
    let ids: Vec<String> = crate::batch::ids(Some(&stale))?;
    let queued = ids.len();
    enqueue(env, ids).await?;
    Ok(queued)
}

/// One delivery row per active endpoint of the site subscribed to the
/// event's stage, for the lead with e-mail key `key`, written only if the
/// lead is at that stage and the statement just before it in the batch
/// changed a row: the stage change it announces (or, for a new lead, its
/// submission). A move the batch did not make announces nothing, so two
/// posts for one person racing to the same stage raise one event, not two
/// that receivers could not tell apart.
pub fn record(
    db: &D1Database,
    site: &str,
    key: &str,
    event: &Event,
) -> Result<D1PreparedStatement> {
    Ok(query!(
        db,
        "INSERT INTO deliveries (id, event_id, webhook_id, site_id, lead_id, event, payload)
         SELECT ?3 || ':' || w.id, ?3, w.id, ?1, l.id, ?4, json_set(?5, '$.lead.id', l.id)
           FROM webhooks w JOIN leads l ON l.site_id = ?1 AND l.email_key = ?2 AND l.stage = ?6
          WHERE w.site_id = ?1 AND w.active = 1 AND changes() > 0
            AND EXISTS (SELECT 1 FROM json_each(w.stages) WHERE json_each.value = ?6)
         ON CONFLICT (id) DO NOTHING
         RETURNING id",
        site,
        key,
        &event.id,
        &event.kind,
        &event.payload,
        event.stage.name(),
    )?)
}

/// What the queue carries: the delivery to attempt.
#[derive(Debug, Serialize, Deserialize)]
pub struct Job {
    /// The delivery's id.
    pub delivery: String,
}

/// The ids of the deliveries a [`record`] statement wrote, from its result
/// in the batch.
pub fn recorded(result: Option<&D1Result>) -> Result<Vec<String>> {
    crate::batch::ids(result)
}

/// Queues the deliveries `ids`, already pending in D1. One that cannot be
/// queued stays pending there and shows in the deliveries API.
pub async fn enqueue(env: &Env, ids: Vec<String>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let queue = env.queue(QUEUE_BINDING).map_err(|_| Error::NotConfigured {
        what: QUEUE_BINDING,
    })?;
    let jobs: Vec<Job> = ids.into_iter().map(|delivery| Job { delivery }).collect();
    queue.send_batch(jobs).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(from: Option<Stage>, to: Stage) -> Move<'static> {
        Move {
            site: "acme",
            submission_id: "6f1c2a9e-4b1d-4c8e-9a53-1d2e3f405060",
            by: Mover::Rules,
            email: "ana@example.com",
            from,
            to,
            score: 60,
            fields: r#"{"company":"Acme"}"#,
            explanation: r#"{"fired":[],"groups":[]}"#,
            at: "2026-11-23T10:00:00.000Z",
        }
    }

    #[test]
    fn only_arrivals_at_mql_or_sql_are_announced() {
        assert!(event(&moved(None, Stage::Lead)).expect("ok").is_none());
        assert!(event(&moved(Some(Stage::Lead), Stage::Iql))
            .expect("ok")
            .is_none());
        assert!(event(&moved(Some(Stage::Mql), Stage::Mql))
            .expect("ok")
            .is_none());
        let mql = event(&moved(Some(Stage::Iql), Stage::Mql))
            .expect("ok")
            .expect("announced");
        assert_eq!(mql.kind, "lead.mql");
        let body: serde_json::Value = serde_json::from_str(&mql.payload).expect("JSON");
        assert_eq!(body["id"], mql.id.as_str());
        assert_eq!(body["lead"]["previous_stage"], "iql");
        assert_eq!(body["lead"]["fields"]["company"], "Acme");
        let sql = event(&moved(None, Stage::Sql))
            .expect("ok")
            .expect("announced");
        assert_ne!(sql.id, mql.id, "each event has its own id");
    }

    #[test]
    fn a_rescore_announces_a_move_its_submission_announced_before() {
        let by = |by| {
            let mut moved = moved(Some(Stage::Iql), Stage::Mql);
            moved.by = by;
            event(&moved).expect("ok").expect("announced").id
        };
        let submitted = by(Mover::Rules);
        let rescored = by(Mover::Rescore { after: 3 });
        assert_ne!(rescored, submitted, "moved back by hand, then raised again");
        assert_ne!(rescored, by(Mover::Rescore { after: 5 }));
        assert_eq!(
            rescored,
            by(Mover::Rescore { after: 3 }),
            "the same re-score, the same event"
        );
    }
}
