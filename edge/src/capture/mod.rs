//! The write side of a submission: qualifying the person's lead with its
//! whole history (read first, in `read`) and storing everything in one D1 batch.

use std::collections::BTreeMap;

use embudo_shared::qualify::{Fired, GroupTotal, Profile, RuleSet};
use embudo_shared::{
    qualify, FieldError, FieldErrorCode, FormSpec, History, Outcome, Stage, ValidSubmission, Value,
};
use serde::{Deserialize, Serialize};
use worker::wasm_bindgen::JsValue;
use worker::{query, D1Database, D1PreparedStatement};

use crate::error::{Error, Result};
use crate::faults::Faults;
use crate::handoff::{self, Mover};
use crate::leads::search;
use crate::ledger::{self, Event};

mod history;
mod read;

pub(crate) use history::{latest_events_sql, read as read_history, withdrawn_sql};
use read::{lead_written, person, tally};
pub use read::{seen, Answer, Post, Seen};

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

/// What storing a submission gave: the visitor's answer, and the handoff
/// deliveries (by id) recorded with it, to be queued.
pub struct Stored {
    /// The answer.
    pub answer: Answer,
    /// Deliveries to sales written in the same batch, pending.
    pub deliveries: Vec<String>,
    /// Whether the id was stored before with the same body: the answer is
    /// the first one's, and nothing new was written.
    pub replayed: bool,
}

impl Stored {
    fn replay(answer: Answer) -> Self {
        Self {
            answer,
            deliveries: Vec::new(),
            replayed: true,
        }
    }
}

/// How many times a store is tried when D1 reports a passing failure, and
/// the first wait between tries (doubling each time).
const TRANSIENT_TRIES: u32 = 4;
const TRANSIENT_FIRST_WAIT_MS: u64 = 100;

/// A checked submission on its way into D1, with what storing it needs.
pub struct Intake<'a> {
    /// The site the form belongs to.
    pub site: &'a str,
    /// The form's spec (its rules qualify the lead).
    pub spec: &'a FormSpec,
    /// The submission's id.
    pub id: &'a str,
    /// The SHA-256 of the body as sent, to tell replays from reuses.
    pub body_hash: &'a str,
    /// The keyed hash of the visitor's address, for the consent ledger.
    pub ip_hash: Option<String>,
    /// The validated submission.
    pub submission: ValidSubmission,
    /// Test-build faults (none in a deployed build).
    pub faults: Faults,
}

/// Stores the intake's submission: merges it into the person's lead (one
/// per site and normalised e-mail), re-qualifies the lead with its whole
/// history, records a stage change and the handoff to sales, and appends its
/// consents to the site's ledger, all in one batch.
///
/// Most submissions come from someone the site has not seen, whose history
/// is the submission itself: those are written first, without reading, in
/// one round trip. When the batch finds the person's lead already there it
/// changes nothing, and the submission takes the read-first way. A
/// submission leaving out required fields (progressive profiling) relies on
/// what the person gave before, so it reads first from the start.
///
/// Passing D1 failures are retried with backoff. Trying again is safe: a
/// batch that did commit makes the next try find its own submission id and
/// answer as a replay.
pub async fn store(db: &D1Database, intake: &Intake<'_>) -> Result<Stored> {
    let mut way = if intake.submission.left_out(intake.spec).is_empty() {
        Way::FirstSight
    } else {
        Way::ReadFirst
    };
    let mut wait_ms = TRANSIENT_FIRST_WAIT_MS;
    let mut tries = 1;
    loop {
        match store_once(db, intake, way).await {
            Ok(Attempt::Stored(stored)) => return Ok(stored),
            Ok(Attempt::Known) => way = Way::ReadFirst,
            Err(error) if error.is_transient() && tries < TRANSIENT_TRIES => {
                let id = intake.id;
                worker::console_warn!("store {id}: {error}; trying again in {wait_ms} ms");
                worker::Delay::from(std::time::Duration::from_millis(wait_ms)).await;
                wait_ms *= 2;
                tries += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

/// How a try learns about the person before writing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    /// Assume a new person: write at once; the lead's insert fails, and the
    /// whole batch with it, if they are known.
    FirstSight,
    /// Read the person's lead and history, then write.
    ReadFirst,
}

/// What one try did.
enum Attempt {
    /// Stored (or found stored before).
    Stored(Stored),
    /// Nothing written: the person has a lead, so read it first.
    Known,
}

/// The SQL naming the person's lead, with `?1` = site and `?2` = e-mail key.
pub(crate) const LEAD_OF: &str = "(SELECT id FROM leads WHERE site_id = ?1 AND email_key = ?2)";

/// What the rules make of a history, ready to write.
pub(crate) struct Judgement {
    /// The rules' verdict.
    pub(crate) outcome: Outcome,
    /// The stage the lead moves to (only ever forward).
    pub(crate) to: Stage,
    /// The lead's latest fields, as JSON text.
    pub(crate) fields: String,
    /// The same fields, for the search text written with them.
    pub(crate) latest: BTreeMap<String, Value>,
    /// The [`Explanation`], as JSON text.
    pub(crate) explanation: String,
}

/// Qualifies `history` with `rules` for a lead now at `current` (`None`: a
/// new lead), moving it only forward.
pub(crate) fn judge(
    rules: &RuleSet,
    history: &History,
    current: Option<Stage>,
) -> Result<Judgement> {
    let outcome = qualify(rules, history);
    let profile = Profile::from_history(history);
    Ok(Judgement {
        to: current.unwrap_or(Stage::Lead).advance(outcome.stage),
        fields: json(&profile.fields)?,
        latest: profile.fields,
        explanation: json(&Explanation::from(&outcome))?,
        outcome,
    })
}

/// Inserts a lead; on its own it fails if the person has one already.
const INSERT_LEAD: &str =
    "INSERT INTO leads (site_id, email, email_key, fields, score, stage, explanation, search)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// What the batch's error says when the person already has a lead.
const LEAD_TAKEN: &str = "UNIQUE constraint failed: leads.";

/// The lead's row written from a judgement: inserted, or (`Way::ReadFirst`)
/// updated in place when the person has one, with the text the dashboard's
/// search finds it by ([`search`]); it returns the lead's id.
/// Read first, the lead's stage is `read` (`None`: no lead then), and the
/// update moves it only if it is still there: a person's move, a re-score's
/// or another post's made since stands, and the caller qualifies again
/// from it ([`read::Tally::moved_meanwhile`]).
fn upsert_lead(
    db: &D1Database,
    way: Way,
    read: Option<Stage>,
    site: &str,
    key: &str,
    email: &str,
    judged: &Judgement,
) -> Result<D1PreparedStatement> {
    let mut values: Vec<JsValue> = vec![
        site.into(),
        email.into(),
        key.into(),
        judged.fields.as_str().into(),
        judged.outcome.score.into(),
        judged.to.name().into(),
        judged.explanation.as_str().into(),
        search::text_of(email, &judged.latest).into(),
    ];
    let sql = match way {
        Way::FirstSight => format!("{INSERT_LEAD} RETURNING id"),
        Way::ReadFirst => {
            values.push(read.map_or(JsValue::NULL, |stage| stage.name().into()));
            format!(
                "{INSERT_LEAD} ON CONFLICT (site_id, email_key) DO UPDATE SET
                   email = excluded.email, fields = excluded.fields, score = excluded.score,
                   stage = CASE WHEN leads.stage IS ?9 THEN excluded.stage ELSE leads.stage END,
                   explanation = excluded.explanation, search = excluded.search,
                   updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 RETURNING id"
            )
        }
    };
    Ok(db.prepare(&sql).bind(&values)?)
}

/// The statements recording a move the rules made, if they made one.
pub(crate) struct Moved {
    /// The stage change, then the handoff to sales when the lead became MQL
    /// or SQL.
    statements: Vec<D1PreparedStatement>,
    /// Where among them the handoff is: its result names the deliveries.
    handoff_at: Option<usize>,
}

impl Moved {
    /// Adds the statements to `batch`; gives where the handoff's result
    /// will be among the batch's results.
    pub(crate) fn into_batch(self, batch: &mut Vec<D1PreparedStatement>) -> Option<usize> {
        let at = self.handoff_at.map(|at| at + batch.len());
        batch.extend(self.statements);
        at
    }
}

/// The stage change and handoff recording the move the rules made, if they
/// made one. A new lead's first stage is recorded by the schema (migration
/// 0009) with the lead's insert; a later move is recorded against the latest
/// stage the history holds, so posts racing for one person never record a
/// move twice or from a stage the lead was not at.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_move(
    db: &D1Database,
    site: &str,
    key: &str,
    submission_id: &str,
    by: handoff::Mover<'_>,
    email: &str,
    from: Option<Stage>,
    judged: &Judgement,
    at: &str,
) -> Result<Moved> {
    let to = judged.to;
    let mut statements = Vec::new();
    match from {
        Some(from) if from == to => {
            return Ok(Moved {
                statements,
                handoff_at: None,
            })
        }
        Some(_) => statements.push(query!(
            db,
            "INSERT INTO stage_changes (lead_id, from_stage, to_stage, actor, reason)
             SELECT id, latest, stage, 'rule',
                    'rules moved the lead from ' || coalesce(latest, 'no stage') || ' to ' || stage
                      || ' (score ' || score || ')'
               FROM (SELECT l.id, l.stage, l.score,
                            (SELECT c.to_stage FROM stage_changes c
                              WHERE c.lead_id = l.id ORDER BY c.id DESC LIMIT 1) AS latest
                       FROM leads l WHERE l.site_id = ?1 AND l.email_key = ?2)
              WHERE stage IS NOT latest",
            site,
            key,
        )?),
        None => {}
    }
    let event = handoff::event(&handoff::Move {
        site,
        submission_id,
        by,
        email,
        from,
        to,
        score: i64::from(judged.outcome.score),
        fields: &judged.fields,
        explanation: &judged.explanation,
        at,
    })?;
    let mut handoff_at = None;
    if let Some(event) = &event {
        handoff_at = Some(statements.len());
        statements.push(handoff::record(db, site, key, event)?);
    }
    Ok(Moved {
        statements,
        handoff_at,
    })
}

/// Refuses `submission` if it leaves out a required field the person never
/// gave before (progressive profiling only skips what is known).
fn complete(
    spec: &FormSpec,
    submission: &ValidSubmission,
    earlier: &[ValidSubmission],
) -> Result<()> {
    let missing: Vec<FieldError> = submission
        .left_out(spec)
        .into_iter()
        .filter(|id| !earlier.iter().any(|given| given.fields.contains_key(id)))
        .map(|id| FieldError::new(&id, FieldErrorCode::Required, submission.locale))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid { fields: missing })
    }
}

/// One try of [`store`], the `way` given.
async fn store_once(db: &D1Database, intake: &Intake<'_>, way: Way) -> Result<Attempt> {
    let Intake {
        site,
        spec,
        id,
        body_hash,
        ip_hash,
        submission,
        faults,
    } = intake;
    let (site, id, body_hash) = (*site, *id, *body_hash);
    let post = Post {
        id,
        form: &submission.form,
        body_hash,
    };
    let key = submission.email.dedupe_key();
    let (earlier, known) = match way {
        Way::FirstSight => (Seen::New, None),
        Way::ReadFirst => person(db, site, &key, post).await?,
    };
    match earlier {
        Seen::New => {}
        Seen::Replay(answer) => return Ok(Attempt::Stored(Stored::replay(answer))),
        Seen::Conflict => return Err(Error::IdConflict { id: id.to_owned() }),
    }
    let (from, mut history) = match known {
        Some(known) => (Some(known.stage), known.history),
        None => (None, Vec::new()),
    };
    complete(spec, submission, &history)?;
    let rules = &spec.qualification;
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
    let (ledger_statements, receipts) = ledger::append(db, LEAD_OF, site, &key, &events)?;

    let (data, receipts_json) = (json(submission)?, json(&receipts)?);
    let mut batch = vec![
        upsert_lead(
            db,
            way,
            from,
            site,
            &key,
            submission.email.as_str(),
            &judged,
        )?,
        query!(
            db,
            &format!(
                "INSERT INTO submissions (id, lead_id, form_id, body_hash, data, answer)
                 VALUES (?3, {LEAD_OF}, ?4, ?5, ?6,
                         json_object('submission_id', ?3, 'consents', json(?7), 'lead', {LEAD_OF}))"
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
    let email = submission.email.as_str();
    let handoff_at = record_move(db, site, &key, id, Mover::Rules, email, from, &judged, &at)?
        .into_batch(&mut batch);
    batch.extend(ledger_statements);
    if way == Way::ReadFirst {
        // Last, inside the same transaction: how many submissions the lead
        // has now, to notice a concurrent post for the same person (a lead
        // first seen was inserted by this batch: it has this one only), and
        // its stage, to notice a move made since the read.
        batch.push(query!(
            db,
            &format!(
                "SELECT count(*) AS n, (SELECT stage FROM leads WHERE site_id = ?1 AND email_key = ?2) AS stage
                   FROM submissions WHERE lead_id = {LEAD_OF}"
            ),
            site,
            &key
        )?);
    }
    faults.pause().await;
    faults.before_write()?;
    let results = match db.batch(batch).await {
        Ok(results) => results,
        Err(error) => {
            let text = error.to_string();
            if way == Way::FirstSight && text.contains(LEAD_TAKEN) {
                return Ok(Attempt::Known);
            }
            // Another post with this id won the race (or an earlier try of this
            // one did commit): answer as a replay would.
            if text.contains("UNIQUE constraint failed: submissions.id") {
                return match seen(db, post).await? {
                    Seen::Replay(answer) => Ok(Attempt::Stored(Stored::replay(answer))),
                    _ => Err(Error::IdConflict { id: id.to_owned() }),
                };
            }
            return Err(error.into());
        }
    };
    faults.after_write()?;
    let mut deliveries = handoff::recorded(handoff_at.and_then(|at| results.get(at)))?;
    let lead_id = lead_written(results.first())?;
    if way == Way::ReadFirst {
        let tally = tally(results.last())?;
        // Concurrent posts for the same person each qualified a history
        // without the other; a move made meanwhile kept the lead where it
        // was put. Either way, qualify the whole history once more.
        if tally.n != history.submissions.len() || tally.moved_meanwhile(judged.to) {
            deliveries.extend(requalify(db, site, &key, id, rules, &at).await?);
        }
    }
    Ok(Attempt::Stored(Stored {
        answer: Answer {
            submission_id: id.to_owned(),
            consents: receipts,
            lead: lead_id,
        },
        deliveries,
        replayed: false,
    }))
}

/// Qualifies the lead again on its whole stored history; gives the handoff
/// deliveries it recorded, if any.
async fn requalify(
    db: &D1Database,
    site: &str,
    key: &str,
    submission_id: &str,
    rules: &RuleSet,
    at: &str,
) -> Result<Vec<String>> {
    let nothing = Post {
        id: "",
        form: "",
        body_hash: "",
    };
    let (_, known) = person(db, site, key, nothing).await?;
    let lead = known.ok_or_else(|| Error::Storage {
        reason: "the lead just written is gone".into(),
    })?;
    let email = match lead.history.last() {
        Some(latest) => latest.email.as_str().to_owned(),
        None => return Ok(Vec::new()),
    };
    let judged = judge(rules, &History::from(lead.history), Some(lead.stage))?;
    let mut batch = vec![upsert_lead(
        db,
        Way::ReadFirst,
        Some(lead.stage),
        site,
        key,
        &email,
        &judged,
    )?];
    let handoff_at = record_move(
        db,
        site,
        key,
        submission_id,
        Mover::Rules,
        &email,
        Some(lead.stage),
        &judged,
        at,
    )?
    .into_batch(&mut batch);
    let results = db.batch(batch).await?;
    handoff::recorded(handoff_at.and_then(|at| results.get(at)))
}

/// A value as the text of a JSON column.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|error| Error::Storage {
        reason: error.to_string(),
    })
}
