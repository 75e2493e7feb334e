//! Leads in D1: storing a validated submission and listing what was stored.

use embudo_shared::ValidSubmission;
use serde::{Deserialize, Serialize};
use worker::{query, D1Database, Env, Request, Response};

use crate::error::{Error, Result};
use crate::{auth, DB_BINDING};

/// How many leads one page of the list holds unless the client asks otherwise.
pub const DEFAULT_PAGE: u32 = 50;
/// The most leads one page may hold.
pub const MAX_PAGE: u32 = 200;

/// A stored lead as the API shows it.
#[derive(Debug, Serialize)]
pub struct Lead {
    /// The lead's id.
    pub id: i64,
    /// The form it came through.
    pub form_id: String,
    /// The e-mail address in normal form.
    pub email: String,
    /// The name, when given.
    pub name: Option<String>,
    /// Whether consent to receive the offer was given (always, for now).
    pub consent: bool,
    /// The visitor's language.
    pub locale: String,
    /// When it was stored (UTC, ISO 8601).
    pub created_at: String,
}

/// A row of `leads` as D1 hands it over (SQLite has no boolean).
#[derive(Deserialize)]
struct Row {
    id: i64,
    form_id: String,
    email: String,
    name: Option<String>,
    consent: i64,
    locale: String,
    created_at: String,
}

impl From<Row> for Lead {
    fn from(row: Row) -> Self {
        Self {
            id: row.id,
            form_id: row.form_id,
            email: row.email,
            name: row.name,
            consent: row.consent != 0,
            locale: row.locale,
            created_at: row.created_at,
        }
    }
}

/// Stores `submission` for `form` and returns the new lead's id.
pub async fn insert(db: &D1Database, form: &str, submission: &ValidSubmission) -> Result<i64> {
    let id: Option<i64> = query!(
        db,
        "INSERT INTO leads (form_id, email, name, consent, locale) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        form,
        submission.email.as_str(),
        submission.name,
        i32::from(submission.consent),
        submission.locale.tag(),
    )?
    .first(Some("id"))
    .await?;
    id.ok_or_else(|| Error::Storage {
        reason: "INSERT returned no id".into(),
    })
}

/// The newest leads first, at most `limit` of them.
pub async fn newest(db: &D1Database, limit: u32) -> Result<Vec<Lead>> {
    let result = query!(
        db,
        "SELECT id, form_id, email, name, consent, locale, created_at
           FROM leads ORDER BY id DESC LIMIT ?1",
        limit,
    )?
    .all()
    .await?;
    let rows: Vec<Row> = result.results()?;
    Ok(rows.into_iter().map(Lead::from).collect())
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
