//! Reading leads: the newest first, each with its fields, stage, score and
//! the rules that put it there.

use std::collections::BTreeMap;

use embudo_shared::{Stage, Value};
use serde::{Deserialize, Serialize};
use worker::{query, D1Database, Env, Request, Response};

use crate::access::{self, Need};
use crate::capture::Explanation;
use crate::error::{Error, Result};
use crate::DB_BINDING;

/// How many leads one page of the list holds unless the client asks otherwise.
pub const DEFAULT_PAGE: u32 = 50;
/// The most leads one page may hold.
pub const MAX_PAGE: u32 = 200;

/// A lead as the API shows it: one person on one site.
#[derive(Debug, Serialize)]
pub struct Lead {
    /// The lead's id.
    pub id: i64,
    /// The site it belongs to.
    pub site_id: String,
    /// The e-mail address in normal form (as last given).
    pub email: String,
    /// The latest known value of every field.
    pub fields: BTreeMap<String, Value>,
    /// The qualification score.
    pub score: i64,
    /// The funnel stage.
    pub stage: Stage,
    /// Why: the rules that fired.
    pub explanation: Explanation,
    /// How many submissions the person has made.
    pub submissions: i64,
    /// When the lead was first stored (UTC, ISO 8601).
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// A row of `leads` as D1 hands it over (JSON columns still as text).
#[derive(Deserialize)]
struct Row {
    id: i64,
    site_id: String,
    email: String,
    fields: String,
    score: i64,
    stage: Stage,
    explanation: String,
    submissions: i64,
    created_at: String,
    updated_at: String,
}

impl TryFrom<Row> for Lead {
    type Error = Error;

    fn try_from(row: Row) -> Result<Self> {
        let json = |what: &str, error: serde_json::Error| Error::Storage {
            reason: format!("lead {} has unreadable {what}: {error}", row.id),
        };
        Ok(Self {
            fields: serde_json::from_str(&row.fields).map_err(|e| json("fields", e))?,
            explanation: serde_json::from_str(&row.explanation)
                .map_err(|e| json("explanation", e))?,
            id: row.id,
            site_id: row.site_id,
            email: row.email,
            score: row.score,
            stage: row.stage,
            submissions: row.submissions,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The newest leads first, at most `limit` of them, of `sites` (`None`:
/// every site).
pub async fn newest(db: &D1Database, sites: Option<&[String]>, limit: u32) -> Result<Vec<Lead>> {
    let sites = crate::capture::json(&sites)?;
    let result = query!(
        db,
        "SELECT id, site_id, email, fields, score, stage, explanation, created_at, updated_at,
                (SELECT count(*) FROM submissions s WHERE s.lead_id = leads.id) AS submissions
           FROM leads
          WHERE ?2 = 'null' OR site_id IN (SELECT value FROM json_each(?2))
          ORDER BY id DESC LIMIT ?1",
        limit,
        &sites,
    )?
    .all()
    .await?;
    let rows: Vec<Row> = result.results()?;
    rows.into_iter().map(Lead::try_from).collect()
}

/// `GET /v1/leads?limit=N`: the newest leads of the sites the caller may
/// read.
pub async fn list(req: &Request, env: &Env) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let sites = access::caller(req, env, &db).await?.sites(Need::Read);
    let url = req.url()?;
    let limit = url
        .query_pairs()
        .find(|(key, _)| key == "limit")
        .map(|(_, value)| value.into_owned());
    let limit = page_size(limit.as_deref())?;
    let leads = newest(&db, sites.as_deref(), limit).await?;
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
