//! The write side of a submission: finding the person's lead, qualifying it
//! with its whole history, and storing everything in one D1 batch.

use embudo_shared::qualify::{Fired, GroupTotal, Profile, RuleSet};
use embudo_shared::{qualify, History, Outcome, Stage, ValidSubmission};
use serde::{Deserialize, Serialize};
use worker::{query, D1Database, D1PreparedStatement};

use crate::error::{Error, Result};
use crate::ledger::{self, Event, Receipt};

/// Why a lead is at its stage: the rules that fired and the group totals.
#[derive(Debug, Serialize, Deserialize)]
pub struct Explanation {
    /// Every rule that fired, with its points.
    pub fired: Vec<Fired>,
    /// Each group's points before and after its cap.
    pub groups: Vec<GroupTotal>,
}

impl From<&Outcome> for Explanation {
    fn from(outcome: &Outcome) -> Self {
        Self {
            fired: outcome.fired.clone(),
            groups: outcome.groups.clone(),
        }
    }
}

/// What the first post of a submission id was told, replayed to repeats.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Answer {
    /// The submission's id.
    pub submission_id: String,
    /// The consent receipts: what was agreed to, and where in the ledger.
    pub consents: Vec<Receipt>,
}

/// How many times a store is retried when another submission extended the
/// site's consent chain first.
const LEDGER_RETRIES: usize = 8;

/// A submission id seen before: the same body gets the first answer again.
pub enum Seen {
    /// Never seen.
    New,
    /// Seen with the same body: this was its answer.
    Replay(Answer),
    /// Seen with another body.
    Conflict,
}

/// Looks `id` up among stored submissions.
pub async fn seen(db: &D1Database, id: &str, body_hash: &str) -> Result<Seen> {
    #[derive(Deserialize)]
    struct Row {
        body_hash: String,
        answer: String,
    }
    let row: Option<Row> = query!(
        db,
        "SELECT body_hash, answer FROM submissions WHERE id = ?1",
        id
    )?
    .first(None)
    .await?;
    Ok(match row {
        None => Seen::New,
        Some(row) if row.body_hash == body_hash => Seen::Replay(
            serde_json::from_str(&row.answer).map_err(|error| Error::Storage {
                reason: format!("submission {id} has an unreadable answer: {error}"),
            })?,
        ),
        Some(_) => Seen::Conflict,
    })
}

/// The person's lead on this site so far.
struct Known {
    stage: Stage,
    history: Vec<ValidSubmission>,
}

async fn known(db: &D1Database, site: &str, email_key: &str) -> Result<Option<Known>> {
    #[derive(Deserialize)]
    struct LeadRow {
        id: i64,
        stage: Stage,
    }
    #[derive(Deserialize)]
    struct DataRow {
        data: String,
    }
    let lead: Option<LeadRow> = query!(
        db,
        "SELECT id, stage FROM leads WHERE site_id = ?1 AND email_key = ?2",
        site,
        email_key
    )?
    .first(None)
    .await?;
    let Some(lead) = lead else { return Ok(None) };
    let rows: Vec<DataRow> = query!(
        db,
        "SELECT data FROM submissions WHERE lead_id = ?1 ORDER BY created_at, rowid",
        lead.id
    )?
    .all()
    .await?
    .results()?;
    let history = rows
        .iter()
        .map(|row| serde_json::from_str(&row.data))
        .collect::<Result<_, _>>()
        .map_err(|error| Error::Storage {
            reason: format!("lead {} has an unreadable submission: {error}", lead.id),
        })?;
    Ok(Some(Known {
        stage: lead.stage,
        history,
    }))
}

/// Stores `submission` under id `id` for `site`: merges it into the
/// person's lead (one per site and normalised e-mail), re-qualifies the lead
/// with its whole history, records a stage change and appends its consents to
/// the site's ledger, all in one batch.
pub async fn store(
    db: &D1Database,
    site: &str,
    rules: &RuleSet,
    id: &str,
    body_hash: &str,
    ip_hash: Option<String>,
    submission: ValidSubmission,
) -> Result<Answer> {
    for _ in 0..LEDGER_RETRIES {
        if let Some(answer) =
            store_once(db, site, rules, id, body_hash, &ip_hash, &submission).await?
        {
            return Ok(answer);
        }
    }
    Err(Error::Storage {
        reason: format!(
            "the consent chain of {site} kept moving; gave up after {LEDGER_RETRIES} tries"
        ),
    })
}

/// The SQL naming the person's lead, with `?1` = site and `?2` = e-mail key.
const LEAD_OF: &str = "(SELECT id FROM leads WHERE site_id = ?1 AND email_key = ?2)";

/// What the rules make of a history, ready to write.
struct Judgement {
    outcome: Outcome,
    to: Stage,
    fields: String,
    explanation: String,
}

/// Qualifies `history` with `rules` for a lead now at `current` (`None`: a
/// new lead), moving it only forward.
fn judge(rules: &RuleSet, history: &History, current: Option<Stage>) -> Result<Judgement> {
    let outcome = qualify(rules, history);
    Ok(Judgement {
        to: current.unwrap_or(Stage::Lead).advance(outcome.stage),
        fields: json(&Profile::from_history(history).fields)?,
        explanation: json(&Explanation::from(&outcome))?,
        outcome,
    })
}

/// The lead's row written from a judgement: inserted, or updated in place.
fn upsert_lead(
    db: &D1Database,
    site: &str,
    key: &str,
    email: &str,
    judged: &Judgement,
) -> Result<D1PreparedStatement> {
    Ok(query!(
        db,
        "INSERT INTO leads (site_id, email, email_key, fields, score, stage, explanation)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (site_id, email_key) DO UPDATE SET
           email = excluded.email, fields = excluded.fields, score = excluded.score,
           stage = excluded.stage, explanation = excluded.explanation,
           updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        site,
        email,
        key,
        &judged.fields,
        judged.outcome.score,
        judged.to.name(),
        &judged.explanation,
    )?)
}

/// The record of a move the rules made, if they made one.
fn stage_change(
    db: &D1Database,
    site: &str,
    key: &str,
    from: Option<Stage>,
    judged: &Judgement,
) -> Result<Option<D1PreparedStatement>> {
    let to = judged.to;
    let reason = match from {
        Some(from) if from == to => return Ok(None),
        Some(from) => format!(
            "rules moved the lead from {from} to {to} (score {})",
            judged.outcome.score
        ),
        None => "new lead".to_owned(),
    };
    Ok(Some(query!(
        db,
        &format!(
            "INSERT INTO stage_changes (lead_id, from_stage, to_stage, actor, reason)
             VALUES ({LEAD_OF}, ?3, ?4, 'rule', ?5)"
        ),
        site,
        key,
        from.map(Stage::name),
        to.name(),
        &reason,
    )?))
}

/// How many submissions the person's lead holds.
async fn submission_count(db: &D1Database, site: &str, key: &str) -> Result<usize> {
    let n: Option<i64> = query!(
        db,
        &format!("SELECT count(*) AS n FROM submissions WHERE lead_id = {LEAD_OF}"),
        site,
        key
    )?
    .first(Some("n"))
    .await?;
    Ok(usize::try_from(n.unwrap_or(0)).unwrap_or(0))
}

/// One try of [`store`]; `None` when the consent chain moved under it.
async fn store_once(
    db: &D1Database,
    site: &str,
    rules: &RuleSet,
    id: &str,
    body_hash: &str,
    ip_hash: &Option<String>,
    submission: &ValidSubmission,
) -> Result<Option<Answer>> {
    let key = submission.email.dedupe_key();
    let (from, mut history) = match known(db, site, &key).await? {
        Some(known) => (Some(known.stage), known.history),
        None => (None, Vec::new()),
    };
    history.push(submission.clone());
    let history = History::from(history);
    let judged = judge(rules, &history, from)?;

    let at = String::from(worker::js_sys::Date::new_0().to_iso_string());
    let events: Vec<Event> = submission
        .consents
        .iter()
        .map(|consent| Event {
            site_id: site.to_owned(),
            submission_id: id.to_owned(),
            consent_id: consent.id.clone(),
            purpose: consent.purpose.name().to_owned(),
            version: consent.version.clone(),
            granted: i64::from(consent.granted),
            page: submission.context.page.clone(),
            ip_hash: ip_hash.clone(),
            at: at.clone(),
        })
        .collect();
    let prev = ledger::tail(db, site).await?;
    let (ledger_statements, receipts) = ledger::append(db, LEAD_OF, site, &key, &prev, &events)?;

    let (data, receipts_json) = (json(submission)?, json(&receipts)?);
    let mut batch = vec![
        upsert_lead(db, site, &key, submission.email.as_str(), &judged)?,
        query!(
            db,
            &format!(
                "INSERT INTO submissions (id, lead_id, form_id, body_hash, data, answer)
                 VALUES (?3, {LEAD_OF}, ?4, ?5, ?6,
                         json_object('submission_id', ?3, 'consents', json(?7)))"
            ),
            site,
            &key,
            id,
            &submission.form,
            body_hash,
            &data,
            &receipts_json,
        )?,
    ];
    batch.extend(stage_change(db, site, &key, from, &judged)?);
    batch.extend(ledger_statements);
    if let Err(error) = db.batch(batch).await {
        let text = error.to_string();
        // Another post with this id won the race: answer as a replay would.
        if text.contains("UNIQUE constraint failed: submissions.id") {
            return match seen(db, id, body_hash).await? {
                Seen::Replay(answer) => Ok(Some(answer)),
                _ => Err(Error::IdConflict { id: id.to_owned() }),
            };
        }
        // Another submission extended the consent chain first: try again.
        if text.contains("UNIQUE constraint failed: consent_events") {
            return Ok(None);
        }
        return Err(error.into());
    }
    if submission_count(db, site, &key).await? != history.submissions.len() {
        // Concurrent posts for the same person: each qualified a history
        // without the other. Qualify the whole history once more.
        requalify(db, site, &key, rules).await?;
    }
    Ok(Some(Answer {
        submission_id: id.to_owned(),
        consents: receipts,
    }))
}

/// Qualifies the lead again on its whole stored history.
async fn requalify(db: &D1Database, site: &str, key: &str, rules: &RuleSet) -> Result<()> {
    let lead = known(db, site, key).await?.ok_or_else(|| Error::Storage {
        reason: "the lead just written is gone".into(),
    })?;
    let email = match lead.history.last() {
        Some(latest) => latest.email.as_str().to_owned(),
        None => return Ok(()),
    };
    let judged = judge(rules, &History::from(lead.history), Some(lead.stage))?;
    let mut batch = vec![upsert_lead(db, site, key, &email, &judged)?];
    batch.extend(stage_change(db, site, key, Some(lead.stage), &judged)?);
    db.batch(batch).await?;
    Ok(())
}

/// A value as the text of a JSON column.
pub fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|error| Error::Storage {
        reason: error.to_string(),
    })
}
