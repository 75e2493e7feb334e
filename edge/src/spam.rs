//! Cheap bot traps: a honeypot field and a minimum time to fill the form.
//! A bot that falls in gets an answer that looks like success, so it learns
//! nothing, while nothing of it reaches the pipeline; it is only counted.

use embudo_shared::submission::Context;
use worker::{query, D1Database, Response};

use crate::capture::Answer;
use crate::error::Result;

/// Below this, no person has read and filled a form (milliseconds).
pub const MIN_FILL_MS: u64 = 2_000;

/// Why a submission was taken for a bot's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The hidden field was filled.
    Honeypot,
    /// Sent faster than a person could.
    TooFast,
}

impl Reason {
    fn name(self) -> &'static str {
        match self {
            Self::Honeypot => "honeypot",
            Self::TooFast => "too_fast",
        }
    }
}

/// Whether the context gives a bot away. Clients that send no timing (API
/// integrations) are judged by the other defences.
pub fn verdict(context: &Context) -> Option<Reason> {
    if context
        .trap
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty())
    {
        return Some(Reason::Honeypot);
    }
    match context.elapsed_ms {
        Some(ms) if ms < MIN_FILL_MS => Some(Reason::TooFast),
        _ => None,
    }
}

/// Adds one to the site's count for today and `reason`.
pub async fn count(db: &D1Database, site: &str, reason: Reason) -> Result<()> {
    query!(
        db,
        "INSERT INTO spam_counts (site_id, day, reason, n) VALUES (?1, date('now'), ?2, 1)
         ON CONFLICT (site_id, day, reason) DO UPDATE SET n = n + 1",
        site,
        reason.name()
    )?
    .run()
    .await?;
    Ok(())
}

/// The answer a bot gets: a stored submission's answer, with nothing behind it.
pub fn decoy(submission_id: &str) -> Result<Response> {
    let answer = Answer {
        submission_id: submission_id.to_owned(),
        consents: Vec::new(),
        lead: None,
    };
    Ok(Response::from_json(&answer)?.with_status(201))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(trap: Option<&str>, elapsed_ms: Option<u64>) -> Context {
        Context {
            trap: trap.map(Into::into),
            elapsed_ms,
            ..Context::default()
        }
    }

    #[test]
    fn a_filled_honeypot_or_a_superhuman_speed_is_a_bot() {
        assert_eq!(
            verdict(&context(Some("http://spam"), Some(9_000))),
            Some(Reason::Honeypot)
        );
        assert_eq!(verdict(&context(None, Some(400))), Some(Reason::TooFast));
        assert_eq!(verdict(&context(Some(" "), Some(MIN_FILL_MS))), None);
        assert_eq!(verdict(&context(None, None)), None);
    }
}
