//! Re-scoring after a rules change. A lead is scored with the rules of the
//! form it last came through, on its whole history; when those rules
//! change, `POST /v1/sites/{site}/forms/{form}/rescore` starts a job that
//! scores those leads again, a page at a time from the queue, exactly as a
//! new submission would: stages only move forward, a move is recorded with
//! the rules as actor, and a lead that becomes MQL or SQL is handed to
//! sales. `GET /v1/sites/{site}/rescores/{rescore}` reports its progress.

use std::collections::BTreeMap;

use embudo_shared::{FormSpec, History, Stage, ValidSubmission};
use serde::{Deserialize, Serialize};
use worker::{query, D1Database, D1PreparedStatement, Env, Request, Response};

use crate::access::{self, secret, Need};
use crate::capture::{self, judge, record_move};
use crate::error::{Error, Result};
use crate::faults::Faults;
use crate::handoff::{self, Mover};
use crate::{audit, batch, DB_BINDING};

/// The queue binding in `wrangler.toml` that carries re-scoring work.
pub const QUEUE_BINDING: &str = "RESCORE";

/// How many leads one queue message re-scores (one D1 batch), unless the
/// variable `RESCORE_PAGE` says otherwise.
const DEFAULT_PAGE: u32 = 50;

/// The leads a form's rules score: those whose latest submission came
/// through it (`?1` site, `?2` form), not erased.
const SCORED_BY: &str = "l.site_id = ?1 AND l.erased_at IS NULL
     AND (SELECT s.form_id FROM submissions s WHERE s.lead_id = l.id
           ORDER BY s.created_at DESC, s.rowid DESC LIMIT 1) = ?2";

/// A job as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Rescore {
    id: String,
    site_id: String,
    form_id: String,
    revision: i64,
    status: String,
    total: i64,
    done: i64,
    changed: i64,
    after_lead: i64,
    error: Option<String>,
    started_by: String,
    created_at: String,
    updated_at: String,
}

/// The whole history of each of the leads `ids`, oldest first.
pub async fn histories(
    db: &D1Database,
    ids: &[i64],
) -> Result<BTreeMap<i64, Vec<ValidSubmission>>> {
    #[derive(Deserialize)]
    struct Row {
        lead_id: i64,
        data: String,
        withdrawn: Option<String>,
    }
    let ids = crate::capture::json(&ids)?;
    let sql = format!(
        "SELECT lead_id, data, {} AS withdrawn FROM submissions
          WHERE lead_id IN (SELECT value FROM json_each(?1))
          ORDER BY lead_id, created_at, rowid",
        capture::withdrawn_sql("submissions.lead_id")
    );
    let rows: Vec<Row> = query!(db, &sql, &ids)?.all().await?.results()?;
    let mut histories = BTreeMap::new();
    for rows in rows.chunk_by(|a, b| a.lead_id == b.lead_id) {
        let Some(first) = rows.first() else { continue };
        let data = rows.iter().map(|row| row.data.as_str());
        let history = capture::read_history(first.lead_id, data, first.withdrawn.as_deref())?;
        histories.insert(first.lead_id, history);
    }
    Ok(histories)
}

/// `POST /v1/sites/{site}/forms/{form}/rescore`: marketing and admins; 202
/// with the job, whose `Location` reports its progress.
pub async fn start(req: &Request, env: &Env, site: &str, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(req, env, &db).await?;
    caller.require(site, Need::Manage)?;
    let stored = super::read(&db, form).await?;
    if stored.site != site {
        return Err(Error::UnknownForm {
            form: form.to_owned(),
        });
    }
    let id = format!("rsc_{}", crate::digest::hex(&secret::random::<12>()?));
    let actor = caller.actor();
    let results = db
        .batch(vec![
            query!(
                &db,
                &format!(
                    "INSERT INTO rescores (id, site_id, form_id, revision, total, started_by, status)
                     SELECT ?3, ?1, ?2, ?4, count(*), ?5,
                            CASE count(*) WHEN 0 THEN 'done' ELSE 'running' END
                       FROM leads l WHERE {SCORED_BY}
                     RETURNING *"
                ),
                site,
                form,
                &id,
                stored.spec.revision,
                &actor
            )?,
            audit::entry(&db, &actor, "rescore-started", Some(site), Some(form), None)?,
        ])
        .await?;
    let job: Rescore = batch::first(results.first())?.ok_or_else(|| Error::Storage {
        reason: "the re-scoring job just written is gone".into(),
    })?;
    if job.status == "running" {
        enqueue(env, &job.id, Faults::plan(req)).await?;
    }
    let mut response = Response::from_json(&job)?.with_status(202);
    response
        .headers_mut()
        .set("Location", &format!("/v1/sites/{site}/rescores/{id}"))?;
    Ok(response)
}

/// `GET /v1/sites/{site}/rescores/{rescore}`: anyone who may read the site.
pub async fn progress(req: &Request, env: &Env, site: &str, id: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    access::caller(req, env, &db)
        .await?
        .require(site, Need::Read)?;
    let job: Option<Rescore> = query!(
        &db,
        "SELECT * FROM rescores WHERE id = ?1 AND site_id = ?2",
        id,
        site
    )?
    .first(None)
    .await?;
    let job = job.ok_or_else(|| Error::NotFound {
        path: format!("/v1/sites/{site}/rescores/{id}"),
    })?;
    Ok(Response::from_json(&job)?)
}

/// What the queue carries for a job: its id.
#[derive(Debug, Serialize, Deserialize)]
pub struct Job {
    /// The job's id.
    pub rescore: String,
    /// The test faults planned for its first page ([`Faults::plan`]; never
    /// in a deployed build).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faults: Option<String>,
}

async fn enqueue(env: &Env, id: &str, faults: Option<String>) -> Result<()> {
    let queue = env.queue(QUEUE_BINDING).map_err(|_| Error::NotConfigured {
        what: QUEUE_BINDING,
    })?;
    queue
        .send(Job {
            rescore: id.to_owned(),
            faults,
        })
        .await?;
    Ok(())
}

/// Marks job `id` failed: the queue gave up on it.
pub async fn give_up(db: &D1Database, id: &str) -> Result<()> {
    query!(
        db,
        "UPDATE rescores SET status = 'failed',
                error = 'a page kept failing; start the re-scoring again',
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE id = ?1 AND status = 'running'",
        id
    )?
    .run()
    .await?;
    Ok(())
}

/// A lead as re-scoring reads it.
#[derive(Deserialize)]
struct Scored {
    id: i64,
    email: String,
    email_key: String,
    stage: Stage,
    score: i64,
    explanation: String,
    /// Its latest submission (the handoff names it).
    latest: String,
    /// How many stage changes it has had (a re-score's handoff tells its
    /// move from earlier ones by it).
    changes: i64,
    /// When its row was last written: a re-score writes only if nothing
    /// else has since (a submission, a withdrawal, a person's move), as
    /// its score would come from a history older than the lead's.
    updated_at: String,
}

/// Re-scores the next page of job `id`, records the progress in the same
/// batch, and queues the page after it; a job no longer running is left.
/// `faults` may pause it between reading the leads and writing (tests of
/// the race with a submission).
pub async fn work(env: &Env, db: &D1Database, id: &str, faults: &Faults) -> Result<()> {
    let job: Option<Rescore> = query!(db, "SELECT * FROM rescores WHERE id = ?1", id)?
        .first(None)
        .await?;
    let Some(job) = job.filter(|job| job.status == "running") else {
        return Ok(());
    };
    let form = super::read(db, &job.form_id).await?;
    let page = env
        .var("RESCORE_PAGE")
        .ok()
        .and_then(|value| value.to_string().parse::<u32>().ok())
        .filter(|page| *page > 0)
        .unwrap_or(DEFAULT_PAGE);
    let leads: Vec<Scored> = query!(
        db,
        &format!(
            "SELECT l.id, l.email, l.email_key, l.stage, l.score, l.explanation, l.updated_at,
                    (SELECT s.id FROM submissions s WHERE s.lead_id = l.id
                      ORDER BY s.created_at DESC, s.rowid DESC LIMIT 1) AS latest,
                    (SELECT count(*) FROM stage_changes c WHERE c.lead_id = l.id) AS changes
               FROM leads l WHERE {SCORED_BY} AND l.id > ?3 ORDER BY l.id LIMIT ?4"
        ),
        &job.site_id,
        &job.form_id,
        job.after_lead,
        page
    )?
    .all()
    .await?
    .results()?;
    let ids: Vec<i64> = leads.iter().map(|lead| lead.id).collect();
    let histories = histories(db, &ids).await?;
    faults.pause().await;
    let at = String::from(worker::js_sys::Date::new_0().to_iso_string());
    let mut statements = Vec::new();
    let mut handoffs = Vec::new();
    let mut changed = 0;
    for lead in &leads {
        let Some(history) = histories.get(&lead.id) else {
            continue;
        };
        let (moved, handoff_at) = rescore(
            db,
            &form.spec,
            &job.site_id,
            lead,
            history,
            &at,
            &mut statements,
        )?;
        changed += i64::from(moved);
        handoffs.extend(handoff_at);
    }
    let last = ids.last().copied().unwrap_or(job.after_lead);
    let finished = leads.len() < page as usize;
    statements.push(query!(
        db,
        "UPDATE rescores SET done = done + ?2, changed = changed + ?3, after_lead = ?4,
                status = ?5, revision = ?6, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE id = ?1 AND status = 'running'",
        id,
        leads.len() as i64,
        changed,
        last,
        if finished { "done" } else { "running" },
        form.spec.revision
    )?);
    let results = db.batch(statements).await?;
    let mut deliveries = Vec::new();
    for at in handoffs {
        deliveries.extend(handoff::recorded(results.get(at))?);
    }
    handoff::enqueue(env, deliveries).await?;
    if !finished {
        enqueue(env, id, None).await?;
    }
    Ok(())
}

/// Adds to `batch` the statements moving one lead to what `spec`'s rules
/// make of its history; says whether anything changed, and where in the
/// batch the handoff to sales is, if there is one.
fn rescore(
    db: &D1Database,
    spec: &FormSpec,
    site: &str,
    lead: &Scored,
    history: &[ValidSubmission],
    at: &str,
    batch: &mut Vec<D1PreparedStatement>,
) -> Result<(bool, Option<usize>)> {
    let history = History::from(history.to_vec());
    let judged = judge(&spec.qualification, &history, Some(lead.stage))?;
    if judged.to == lead.stage
        && i64::from(judged.outcome.score) == lead.score
        && judged.explanation == lead.explanation
    {
        return Ok((false, None));
    }
    batch.push(query!(
        db,
        "UPDATE leads SET score = ?2, stage = ?3, explanation = ?4,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE id = ?1 AND stage = ?5 AND updated_at = ?6 AND erased_at IS NULL",
        lead.id,
        judged.outcome.score,
        judged.to.name(),
        &judged.explanation,
        lead.stage.name(),
        &lead.updated_at
    )?);
    let moved = record_move(
        db,
        site,
        &lead.email_key,
        &lead.latest,
        Mover::Rescore {
            after: lead.changes,
        },
        &lead.email,
        Some(lead.stage),
        &judged,
        at,
    )?;
    Ok((true, moved.into_batch(batch)))
}
