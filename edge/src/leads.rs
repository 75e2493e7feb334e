//! Leads in D1: storing a qualified submission and listing what was stored.

use embudo_shared::qualify::{Fired, GroupTotal};
use embudo_shared::submission::ConsentChoice;
use embudo_shared::{Outcome, Stage, ValidSubmission, Value};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use worker::{query, D1Database, Env, Request, Response};

use crate::error::{Error, Result};
use crate::{auth, DB_BINDING};

/// How many leads one page of the list holds unless the client asks otherwise.
pub const DEFAULT_PAGE: u32 = 50;
/// The most leads one page may hold.
pub const MAX_PAGE: u32 = 200;

/// Why a lead is at its stage: the rules that fired and the group totals.
#[derive(Debug, Serialize, Deserialize)]
pub struct Explanation {
    /// Every rule that fired, with its points.
    pub fired: Vec<Fired>,
    /// Each group's points before and after its cap.
    pub groups: Vec<GroupTotal>,
}

/// A stored lead as the API shows it.
#[derive(Debug, Serialize)]
pub struct Lead {
    /// The lead's id.
    pub id: i64,
    /// The form it came through.
    pub form_id: String,
    /// The e-mail address in normal form.
    pub email: String,
    /// Every other answered field, in normal form.
    pub fields: BTreeMap<String, Value>,
    /// The consents given, with the text versions the visitor read.
    pub consents: Vec<ConsentChoice>,
    /// The visitor's language.
    pub locale: String,
    /// The qualification score.
    pub score: i64,
    /// The funnel stage.
    pub stage: Stage,
    /// Why: the rules that fired.
    pub explanation: Explanation,
    /// When it was stored (UTC, ISO 8601).
    pub created_at: String,
}

/// A row of `leads` as D1 hands it over (JSON columns still as text).
#[derive(Deserialize)]
struct Row {
    id: i64,
    form_id: String,
    email: String,
    fields: String,
    consents: String,
    locale: String,
    score: i64,
    stage: Stage,
    explanation: String,
    created_at: String,
}

impl TryFrom<Row> for Lead {
    type Error = Error;

    fn try_from(row: Row) -> Result<Self> {
        let json = |what: &str, error: serde_json::Error| Error::Storage {
            reason: format!("lead {} has unreadable {what}: {error}", row.id),
        };
        Ok(Self {
            fields: serde_json::from_str(&row.fields).map_err(|e| json("fields", e))?,
            consents: serde_json::from_str(&row.consents).map_err(|e| json("consents", e))?,
            explanation: serde_json::from_str(&row.explanation)
                .map_err(|e| json("explanation", e))?,
            id: row.id,
            form_id: row.form_id,
            email: row.email,
            locale: row.locale,
            score: row.score,
            stage: row.stage,
            created_at: row.created_at,
        })
    }
}

/// Stores a validated, qualified submission and returns the new lead's id.
pub async fn insert(
    db: &D1Database,
    submission: &ValidSubmission,
    outcome: &Outcome,
    stage: Stage,
) -> Result<i64> {
    let explanation = Explanation {
        fired: outcome.fired.clone(),
        groups: outcome.groups.clone(),
    };
    let fields = json(&submission.fields)?;
    let consents = json(&submission.consents)?;
    let explanation = json(&explanation)?;
    let id: Option<i64> = query!(
        db,
        "INSERT INTO leads (form_id, email, email_key, fields, consents, locale, score, stage, explanation)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        submission.form,
        submission.email.as_str(),
        submission.email.dedupe_key(),
        fields,
        consents,
        submission.locale.tag(),
        outcome.score,
        stage.name(),
        explanation,
    )?
    .first(Some("id"))
    .await?;
    id.ok_or_else(|| Error::Storage {
        reason: "INSERT returned no id".into(),
    })
}

/// A value as the text of a JSON column.
fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|error| Error::Storage {
        reason: error.to_string(),
    })
}

/// The newest leads first, at most `limit` of them.
pub async fn newest(db: &D1Database, limit: u32) -> Result<Vec<Lead>> {
    let result = query!(
        db,
        "SELECT id, form_id, email, fields, consents, locale, score, stage, explanation, created_at
           FROM leads ORDER BY id DESC LIMIT ?1",
        limit,
    )?
    .all()
    .await?;
    let rows: Vec<Row> = result.results()?;
    rows.into_iter().map(Lead::try_from).collect()
}

/// `GET /v1/leads?limit=N`: the newest leads, for whoever holds the API token.
pub async fn list(req: &Request, env: &Env) -> Result<Response> {
    auth::require_token(req, env)?;
    let url = req.url()?;
    let limit = url
        .query_pairs()
        .find(|(key, _)| key == "limit")
        .map(|(_, value)| value.into_owned());
    let limit = page_size(limit.as_deref())?;
    let db = env.d1(DB_BINDING)?;
    let leads = newest(&db, limit).await?;
    Ok(Response::from_json(&Listed { leads })?)
}

/// The body of the list answer.
#[derive(Serialize)]
struct Listed {
    leads: Vec<Lead>,
}

/// Reads the `limit` query parameter: a whole number from 1 to [`MAX_PAGE`].
pub fn page_size(raw: Option<&str>) -> Result<u32> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_PAGE);
    };
    match raw.parse::<u32>() {
        Ok(limit @ 1..=MAX_PAGE) => Ok(limit),
        _ => Err(Error::BadQuery {
            name: "limit",
            reason: format!("expected a whole number from 1 to {MAX_PAGE}, got {raw:?}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_defaults_and_stays_in_range() {
        assert_eq!(page_size(None).ok(), Some(DEFAULT_PAGE));
        assert_eq!(page_size(Some("10")).ok(), Some(10));
        for bad in ["0", "201", "-1", "ten", ""] {
            assert!(page_size(Some(bad)).is_err(), "{bad}");
        }
    }
}
