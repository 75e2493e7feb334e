//! `POST /v1/sites/{site}/forms/{form}/preview`: what a spec, saved or a
//! draft, makes of a sample submission or of a lead's real history, before
//! anyone relies on it: the same validation and qualification a real
//! submission gets, and nothing stored.

use embudo_shared::qualify::{Fired, GroupTotal};
use embudo_shared::unicode::Tables;
use embudo_shared::{qualify, FieldError, FormSpec, History, Stage, Submission};
use serde::{Deserialize, Serialize};
use worker::{query, Env, Request, Response};

use super::rescore::histories;
use crate::access::{self, Need};
use crate::error::{Error, Result};
use crate::{body, DB_BINDING};

/// What a preview asks: a draft spec (else the saved one), and a sample
/// submission, a lead of the site, or both (the submission then comes
/// after the lead's history).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Asking {
    #[serde(default)]
    spec: Option<serde_json::Value>,
    #[serde(default)]
    submission: Option<Submission>,
    #[serde(default)]
    lead: Option<i64>,
}

/// The verdict.
#[derive(Serialize)]
struct Verdict {
    /// Whether the sample submission passes the form's checks.
    valid: bool,
    /// Its problems, when it does not (nothing is scored then).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
    /// The score the rules give.
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<i32>,
    /// The stage the rules give on their own.
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<Stage>,
    /// The lead's stage now, when a lead was named.
    #[serde(skip_serializing_if = "Option::is_none")]
    lead_stage: Option<Stage>,
    /// Where the lead (or a new one) would be: stages only move forward.
    #[serde(skip_serializing_if = "Option::is_none")]
    would_become: Option<Stage>,
    /// Every rule that fired.
    fired: Vec<Fired>,
    /// Each group's points before and after its cap.
    groups: Vec<GroupTotal>,
}

/// For marketing and admins (a preview shows the rules at work).
pub async fn preview(mut req: Request, env: &Env, site: &str, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    access::caller(&req, env, &db)
        .await?
        .require(site, Need::Manage)?;
    let asking: Asking = body::read(&mut req).await?;
    let spec = match asking.spec {
        Some(draft) => FormSpec::from_json(&draft.to_string())?,
        None => {
            let saved = super::read(&db, form).await?;
            if saved.site != site {
                return Err(Error::UnknownForm {
                    form: form.to_owned(),
                });
            }
            saved.spec
        }
    };
    if asking.submission.is_none() && asking.lead.is_none() {
        return Err(Error::bad_body(
            "send a submission, a lead, or both",
            "indica un envío, un lead o ambos",
        ));
    }
    let mut history = Vec::new();
    let mut lead_stage = None;
    if let Some(lead) = asking.lead {
        let stage: Option<Stage> = query!(
            &db,
            "SELECT stage FROM leads WHERE id = ?1 AND site_id = ?2 AND erased_at IS NULL",
            lead,
            site
        )?
        .first(Some("stage"))
        .await?;
        lead_stage = Some(stage.ok_or_else(|| {
            Error::bad_body(
                format!("lead: no lead {lead} on this site"),
                format!("lead: no hay ningún lead {lead} en este sitio"),
            )
        })?);
        history = histories(&db, &[lead])
            .await?
            .remove(&lead)
            .unwrap_or_default();
    }
    if let Some(submission) = &asking.submission {
        match submission.validate(&spec, &Tables) {
            Ok(valid) => history.push(valid),
            Err(embudo_shared::Error::Invalid { fields }) => {
                return Ok(Response::from_json(&Verdict {
                    valid: false,
                    errors: fields,
                    score: None,
                    stage: None,
                    lead_stage,
                    would_become: None,
                    fired: Vec::new(),
                    groups: Vec::new(),
                })?)
            }
            Err(other) => return Err(other.into()),
        }
    }
    let outcome = qualify(&spec.qualification, &History::from(history));
    Ok(Response::from_json(&Verdict {
        valid: true,
        errors: Vec::new(),
        score: Some(outcome.score),
        stage: Some(outcome.stage),
        would_become: Some(lead_stage.unwrap_or(Stage::Lead).advance(outcome.stage)),
        lead_stage,
        fired: outcome.fired,
        groups: outcome.groups,
    })?)
}
