//! What a submission meets in D1 before it is written (whether its id was
//! seen, the person's lead and history) and what the batch reads back.

use embudo_shared::{Stage, ValidSubmission};
use serde::{Deserialize, Serialize};
use worker::{query, D1Database, D1Result};

use super::history;
use crate::batch;
use crate::error::{Error, Result};
use crate::ledger::Receipt;

/// What the first post of a submission id was told, replayed to repeats.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Answer {
    /// The submission's id.
    pub submission_id: String,
    /// The consent receipts: what was agreed to, and where in the ledger.
    pub consents: Vec<Receipt>,
    /// The lead it went to (kept in D1 for replays, never shown: the
    /// visitor gets a signed token for it instead).
    #[serde(default, skip_serializing)]
    pub lead: Option<i64>,
}

/// A submission id seen before: the same body, to the same form, gets the
/// first answer again.
pub enum Seen {
    /// Never seen.
    New,
    /// Seen with the same body, to the same form: this was its answer.
    Replay(Answer),
    /// Seen with another body, or sent to another form.
    Conflict,
}

/// The post being looked up: its submission id, the form it was sent to
/// and the hash of its body.
#[derive(Clone, Copy)]
pub struct Post<'a> {
    /// The submission id.
    pub id: &'a str,
    /// The form in the path: the body does not name it, so the same body
    /// sent to another form is another submission.
    pub form: &'a str,
    /// SHA-256 of the body, hex.
    pub body_hash: &'a str,
}

/// A stored submission, as [`judge_seen`] compares it with a post.
#[derive(Deserialize)]
struct Stored {
    body_hash: String,
    form_id: String,
    answer: String,
}

/// Looks the post's id up among stored submissions.
pub async fn seen(db: &D1Database, post: Post<'_>) -> Result<Seen> {
    let stored: Option<Stored> = query!(
        db,
        "SELECT body_hash, form_id, answer FROM submissions WHERE id = ?1",
        post.id
    )?
    .first(None)
    .await?;
    judge_seen(post, stored)
}

/// What the submission stored under the post's id, if any, makes of it.
fn judge_seen(post: Post<'_>, stored: Option<Stored>) -> Result<Seen> {
    let id = post.id;
    Ok(match stored {
        None => Seen::New,
        Some(Stored {
            body_hash,
            form_id,
            answer,
        }) if body_hash == post.body_hash && form_id == post.form => Seen::Replay(
            serde_json::from_str(&answer).map_err(|error| Error::Storage {
                reason: format!("submission {id} has an unreadable answer: {error}"),
            })?,
        ),
        Some(_) => Seen::Conflict,
    })
}

/// The person's lead on this site so far.
pub(super) struct Known {
    pub(super) stage: Stage,
    pub(super) history: Vec<ValidSubmission>,
}

/// What a submission meets in D1: whether its id was seen, and the person's
/// lead with its whole history; one query, one round trip.
pub(super) async fn person(
    db: &D1Database,
    site: &str,
    email_key: &str,
    post: Post<'_>,
) -> Result<(Seen, Option<Known>)> {
    #[derive(Deserialize)]
    struct Row {
        seen_hash: Option<String>,
        seen_form: Option<String>,
        seen_answer: Option<String>,
        lead_id: Option<i64>,
        stage: Option<Stage>,
        data: Option<String>,
        withdrawn: Option<String>,
    }
    let sql = format!(
        "SELECT sub.body_hash AS seen_hash, sub.form_id AS seen_form, sub.answer AS seen_answer,
                l.id AS lead_id, l.stage, s.data, {} AS withdrawn
           FROM (SELECT 1) AS one
           LEFT JOIN submissions sub ON sub.id = ?3
           LEFT JOIN leads l ON l.site_id = ?1 AND l.email_key = ?2
           LEFT JOIN submissions s ON s.lead_id = l.id
          ORDER BY s.created_at, s.rowid",
        history::withdrawn_sql("l.id")
    );
    let rows: Vec<Row> = query!(db, &sql, site, email_key, post.id)?
        .all()
        .await?
        .results()?;
    let first = rows.first();
    let stored = first.and_then(|row| {
        Some(Stored {
            body_hash: row.seen_hash.clone()?,
            form_id: row.seen_form.clone()?,
            answer: row.seen_answer.clone()?,
        })
    });
    let seen = judge_seen(post, stored)?;
    let Some((lead, stage)) = first.and_then(|row| row.lead_id.zip(row.stage)) else {
        return Ok((seen, None));
    };
    let data = rows.iter().filter_map(|row| row.data.as_deref());
    let withdrawn = first.and_then(|row| row.withdrawn.as_deref());
    let history = history::read(lead, data, withdrawn)?;
    Ok((seen, Some(Known { stage, history })))
}

/// What the batch of a submission read first found after its writes.
pub(super) struct Tally {
    /// How many submissions the lead has.
    pub(super) n: usize,
    /// The lead's stage.
    stage: Option<String>,
}

impl Tally {
    /// Whether the lead is not at `written`, the stage the batch wrote: a
    /// move made between the read and the batch kept it where it was put.
    pub(super) fn moved_meanwhile(&self, written: Stage) -> bool {
        self.stage.as_deref() != Some(written.name())
    }
}

/// The batch's last statement's answer: the lead's submissions and stage.
pub(super) fn tally(result: Option<&D1Result>) -> Result<Tally> {
    #[derive(Deserialize)]
    struct Row {
        n: i64,
        stage: Option<String>,
    }
    let row: Option<Row> = batch::first(result)?;
    Ok(Tally {
        n: row
            .as_ref()
            .map_or(0, |row| usize::try_from(row.n).unwrap_or(0)),
        stage: row.and_then(|row| row.stage),
    })
}

/// The id the batch's lead statement returned.
pub(super) fn lead_written(result: Option<&D1Result>) -> Result<Option<i64>> {
    Ok(batch::ids(result)?.into_iter().next())
}
