//! Delivering to sales (run by the queue consumer, `crate::queue`): posts each delivery to its endpoint, signed, and
//! records the attempt. A failed attempt goes back on the queue after an
//! exponential backoff; after the last one the delivery is dead-lettered
//! (status `dead`, kept with its last error for people to see and retry).
//!
//! The queue's own dead-letter queue is a backstop for when this consumer
//! itself keeps failing (D1 down): its messages mark their deliveries dead.

use serde::Deserialize;
use worker::{query, D1Database, Env};

use super::signature;
use crate::error::Result;
use crate::outbound;

/// Attempts before a delivery is dead, unless `HANDOFF_ATTEMPTS` says.
pub const DEFAULT_ATTEMPTS: u32 = 6;
/// The first retry's delay in seconds, unless `HANDOFF_BACKOFF_SECONDS` says.
pub const DEFAULT_BACKOFF_SECONDS: u32 = 30;
/// The longest wait between attempts.
pub const MAX_BACKOFF_SECONDS: u32 = 3_600;
/// How long an endpoint may take to answer.
const TIMEOUT_MS: u32 = 10_000;
/// How much of an endpoint's error answer is kept.
const MAX_ERROR_TEXT: usize = 500;

/// The wait before attempt `attempts + 1`: doubling from `base`, capped.
pub fn backoff(base: u32, attempts: u32) -> u32 {
    let doublings = attempts.saturating_sub(1).min(16);
    base.saturating_mul(1 << doublings).min(MAX_BACKOFF_SECONDS)
}

/// What became of one attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Done with: delivered, dead, or no longer there.
    Settled,
    /// Try again after this many seconds.
    Retry(u32),
}

fn setting(env: &Env, name: &str, default: u32) -> u32 {
    env.var(name)
        .ok()
        .and_then(|value| value.to_string().parse().ok())
        .unwrap_or(default)
}

/// Posts delivery `id` once and records how it went.
/// Attempts delivery `id` once (the queue consumer's work, `crate::queue`).
pub async fn attempt(env: &Env, db: &D1Database, id: &str) -> Result<Attempt> {
    #[derive(Deserialize)]
    struct Row {
        payload: String,
        event: String,
        attempts: u32,
        status: String,
        url: String,
        webhook_id: String,
        #[serde(flatten)]
        generation: signature::Generation,
    }
    let row: Option<Row> = query!(
        db,
        &format!(
            "SELECT d.payload, d.event, d.attempts, d.status, w.url, w.id AS webhook_id,
                    {}
               FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?1",
            signature::COLUMNS
        ),
        id
    )?
    .first(None)
    .await?;
    let Some(row) = row else {
        return Ok(Attempt::Settled);
    };
    if row.status == "delivered" || row.status == "dead" {
        return Ok(Attempt::Settled);
    }
    let endpoint = Endpoint {
        id: &row.webhook_id,
        url: &row.url,
        generation: row.generation,
    };
    let sent = post(env, &endpoint, &row.event, id, &row.payload).await;
    let attempts = row.attempts + 1;
    let (status, last_status, last_error) = match sent {
        Ok(reply) if (200..300).contains(&reply.status) => ("delivered", Some(reply.status), None),
        Ok(reply) => {
            let text: String = reply.body.chars().take(MAX_ERROR_TEXT).collect();
            (
                "retrying",
                Some(reply.status),
                Some(format!("answered {}: {text}", reply.status)),
            )
        }
        Err(reason) => ("retrying", None, Some(reason)),
    };
    let last_try = attempts >= setting(env, "HANDOFF_ATTEMPTS", DEFAULT_ATTEMPTS);
    let status = if status == "retrying" && last_try {
        "dead"
    } else {
        status
    };
    // Only while still open: a delivery settled meanwhile (its person
    // erased) keeps what the erasure left, not this reply's text.
    let updated: Vec<crate::batch::Id<String>> = query!(
        db,
        "UPDATE deliveries SET status = ?2, attempts = ?3, last_status = ?4, last_error = ?5,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE id = ?1 AND status IN ('pending', 'retrying') RETURNING id",
        id,
        status,
        attempts,
        last_status,
        last_error,
    )?
    .all()
    .await?
    .results()?;
    if updated.is_empty() {
        return Ok(Attempt::Settled);
    }
    Ok(match status {
        "retrying" => Attempt::Retry(backoff(
            setting(env, "HANDOFF_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS),
            attempts,
        )),
        _ => Attempt::Settled,
    })
}

/// Where an event goes: an endpoint, its URL and which of its secrets sign.
pub struct Endpoint<'a> {
    /// The endpoint's id.
    pub id: &'a str,
    /// Its URL.
    pub url: &'a str,
    /// Its secret's generation.
    pub generation: signature::Generation,
}

/// Posts `payload` (event `event`, delivery `delivery`) to `endpoint`,
/// signed with its secrets. The error is a reason to record: unreachable,
/// timed out, or no signing key.
pub async fn post(
    env: &Env,
    endpoint: &Endpoint<'_>,
    event: &str,
    delivery: &str,
    payload: &str,
) -> std::result::Result<outbound::Reply, String> {
    let secrets = signature::secrets(env, endpoint.id, endpoint.generation)
        .map_err(|error| error.to_string())?;
    let now = (worker::js_sys::Date::now() / 1000.0) as u64;
    let signed = signature::header(&secrets, now, payload);
    let headers = [
        (signature::HEADER, signed.as_str()),
        ("Embudo-Event", event),
        ("Embudo-Delivery", delivery),
        ("User-Agent", "Embudo-Webhooks/1"),
    ];
    outbound::post_json(endpoint.url, &headers, payload, TIMEOUT_MS).await
}

/// Marks delivery `id` dead unless it was delivered: the queue gave up on it.
pub async fn give_up(db: &D1Database, id: &str) -> Result<()> {
    query!(
        db,
        "UPDATE deliveries SET status = 'dead',
                last_error = coalesce(last_error, 'the queue gave up on this delivery'),
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE id = ?1 AND status <> 'delivered'",
        id
    )?
    .run()
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_an_hour() {
        let waits: Vec<u32> = (1..=8).map(|attempts| backoff(30, attempts)).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600]);
        assert_eq!(backoff(1, 1), 1);
        assert_eq!(backoff(30, u32::MAX), MAX_BACKOFF_SECONDS);
    }
}
