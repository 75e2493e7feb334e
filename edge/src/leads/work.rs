//! Working a lead: a person moves its stage (SQL, opportunity, customer,
//! disqualified with a reason, or back), or writes a note. Each move is
//! recorded with who made it, why, the note and when, and goes to the audit
//! log in the same batch.

use embudo_shared::{Stage, Text};
use serde::{Deserialize, Serialize};
use worker::{query, Env, Request, Response};

use super::detail::{lead_id, visible, Note};
use super::Lead;
use crate::access::{self, Need};
use crate::capture::json;
use crate::error::{Error, Result};
use crate::faults::Faults;
use crate::handoff::{self, Mover};
use crate::{audit, batch, body, DB_BINDING};

/// The longest note or reason.
pub const MAX_NOTE: usize = 5000;

/// What a stage move sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Moving {
    to: Stage,
    /// Why; required to disqualify.
    #[serde(default)]
    reason: Option<String>,
    /// Context for whoever reads the history.
    #[serde(default)]
    note: Option<String>,
}

/// The answer to a move.
#[derive(Serialize)]
struct Moved {
    lead: i64,
    from: Stage,
    to: Stage,
}

/// Text of at most [`MAX_NOTE`] characters, trimmed; empty is none.
fn text(name: &str, raw: Option<String>) -> Result<Option<String>> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let trimmed = raw.trim();
    if trimmed.chars().count() > MAX_NOTE {
        return Err(Error::bad_body(
            format!("{name}: at most {MAX_NOTE} characters"),
            format!("{name}: como mucho {MAX_NOTE} caracteres"),
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

/// `POST /v1/leads/{lead}/stage`: moves the lead, for sales, marketing and
/// admins of its site.
pub async fn move_stage(mut req: Request, env: &Env, raw: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(&req, env, &db).await?;
    let id = lead_id(raw)?;
    let faults = Faults::of(&req);
    let Moving { to, reason, note } = body::read(&mut req).await?;
    let lead = visible(&db, &caller, id, Need::Work).await?;
    let (reason, note) = (text("reason", reason)?, text("note", note)?);
    let to = lead.stage.manual_move(to, reason.as_deref())?;
    let actor = caller.actor();
    let why = reason.clone().unwrap_or_else(|| "moved by hand".to_owned());
    let mut statements = vec![
        // Only from the stage read above: a move made meanwhile wins,
        // and this one is refused rather than recorded from a stale stage.
        // A lead erased meanwhile is not moved, nor handed to sales.
        query!(
            &db,
            "UPDATE leads SET stage = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
              WHERE id = ?1 AND stage = ?3 AND erased_at IS NULL RETURNING id",
            id,
            to.name(),
            lead.stage.name()
        )?,
        query!(
            &db,
            "INSERT INTO stage_changes (lead_id, from_stage, to_stage, actor, reason, note)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE changes() > 0",
            id,
            lead.stage.name(),
            to.name(),
            &actor,
            &why,
            &note
        )?,
        audit::entry_if_changed(
            &db,
            &actor,
            "stage-moved",
            Some(&lead.site_id),
            Some(&format!("lead:{id} {} -> {}", lead.stage, to)),
            None,
        )?,
    ];
    let handoff_at = statements.len();
    if let Some(handing) = hand_off(&db, &lead, to, &actor).await? {
        statements.push(handing);
    }
    faults.pause().await;
    let results = db.batch(statements).await?;
    if batch::ids::<i64>(results.first())?.is_empty() {
        // Erased meanwhile: not found, as any read of it is now.
        visible(&db, &caller, id, Need::Work).await?;
        return Err(Error::StageMove {
            reason: Text::said(
                "the lead was moved meanwhile; reload it and try again",
                "alguien movió el lead mientras tanto; vuelve a cargarlo e inténtalo otra vez",
            ),
        });
    }
    // Recorded with the move, so the move stands if queueing fails: the
    // every-minute sweep queues what was left unsent.
    let deliveries = handoff::recorded(results.get(handoff_at))?;
    if let Err(error) = handoff::enqueue(env, deliveries).await {
        worker::console_error!("handoff deliveries not queued: {error}");
    }
    Ok(Response::from_json(&Moved {
        lead: id,
        from: lead.stage,
        to,
    })?)
}

/// The handoff to sales of a lead a person moves to `to`, if sales hears of
/// that stage: the same event the rules would raise, told who moved it.
async fn hand_off(
    db: &worker::D1Database,
    lead: &Lead,
    to: Stage,
    actor: &str,
) -> Result<Option<worker::D1PreparedStatement>> {
    if !handoff::announces(to) {
        return Ok(None);
    }
    #[derive(Deserialize)]
    struct Known {
        email_key: String,
        latest: String,
        changes: i64,
    }
    let known: Option<Known> = query!(
        db,
        "SELECT email_key,
                (SELECT s.id FROM submissions s WHERE s.lead_id = l.id
                  ORDER BY s.created_at DESC, s.rowid DESC LIMIT 1) AS latest,
                (SELECT count(*) FROM stage_changes c WHERE c.lead_id = l.id) AS changes
           FROM leads l WHERE l.id = ?1",
        lead.id
    )?
    .first(None)
    .await?;
    let Some(known) = known else {
        return Ok(None);
    };
    let at = String::from(worker::js_sys::Date::new_0().to_iso_string());
    let event = handoff::event(&handoff::Move {
        site: &lead.site_id,
        submission_id: &known.latest,
        by: Mover::Person {
            actor,
            after: known.changes,
        },
        email: &lead.email,
        from: Some(lead.stage),
        to,
        score: lead.score,
        fields: &json(&lead.fields)?,
        explanation: &json(&lead.explanation)?,
        at: &at,
    })?;
    event
        .map(|event| handoff::record(db, &lead.site_id, &known.email_key, &event))
        .transpose()
}

/// What a note sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Writing {
    text: String,
}

/// `POST /v1/leads/{lead}/notes`: a note on the lead, for whoever may work
/// it.
pub async fn add_note(mut req: Request, env: &Env, raw: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(&req, env, &db).await?;
    let id = lead_id(raw)?;
    let faults = Faults::of(&req);
    let Writing { text: raw_text } = body::read(&mut req).await?;
    visible(&db, &caller, id, Need::Work).await?;
    let Some(text) = text("text", Some(raw_text))? else {
        return Err(Error::bad_body(
            "text: write something",
            "text: escribe algo",
        ));
    };
    faults.pause().await;
    // Nothing is written on a lead erased since it was read.
    let note: Option<Note> = query!(
        &db,
        "INSERT INTO notes (lead_id, author, text)
         SELECT id, ?2, ?3 FROM leads WHERE id = ?1 AND erased_at IS NULL
         RETURNING id, author, text, created_at",
        id,
        caller.actor(),
        &text
    )?
    .first(None)
    .await?;
    let note = note.ok_or_else(|| Error::NotFound {
        path: format!("/v1/leads/{id}"),
    })?;
    Ok(Response::from_json(&note)?.with_status(201))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_trimmed_keeps_its_line_breaks_and_empty_is_none() {
        assert_eq!(
            text("text", Some(" call back\n\ttomorrow ".into()))
                .ok()
                .flatten(),
            Some("call back\n\ttomorrow".to_owned())
        );
        assert_eq!(text("text", Some("  \n ".into())).ok().flatten(), None);
        assert!(text("text", Some("x".repeat(MAX_NOTE + 1))).is_err());
    }
}
