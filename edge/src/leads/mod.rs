//! Reading leads: the newest first, each with its fields, stage, score and
//! the rules that put it there.

use std::collections::BTreeMap;

use embudo_shared::{Stage, Value};
use query::Bound;
use serde::{Deserialize, Serialize};
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Env, Request, Response};

use crate::access::{self, Need};
use crate::capture::Explanation;
use crate::error::{Error, Result};
use crate::DB_BINDING;

pub mod detail;
pub mod erase;
pub mod export;
pub mod filter;
pub mod funnel;
pub mod person;
pub mod query;
pub mod retention;
pub mod search;
pub mod withdraw;
pub mod work;

pub use filter::{Cursor, Filter, Sort};

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

/// The columns a [`Row`] reads, from `leads`.
const LEAD_COLUMNS: &str =
    "id, site_id, email, fields, score, stage, explanation, created_at, updated_at,
     (SELECT count(*) FROM submissions s WHERE s.lead_id = leads.id) AS submissions";

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

/// The leads of `sites` (`None`: every site) that `filter` asks for, one
/// page of them, and the cursor of the next page if there is one.
pub async fn find(
    db: &D1Database,
    sites: Option<&[String]>,
    filter: &Filter,
) -> Result<(Vec<Lead>, Option<String>)> {
    let page = query::page(LEAD_COLUMNS, sites, filter);
    let values: Vec<JsValue> = page
        .values
        .iter()
        .map(|value| match value {
            Bound::Text(text) => JsValue::from_str(text),
            Bound::Number(number) => JsValue::from_f64(*number as f64),
        })
        .collect();
    let result = db.prepare(&page.sql).bind(&values)?.all().await?;
    let mut rows: Vec<Row> = result.results()?;
    let more = rows.len() > filter.limit as usize;
    rows.truncate(filter.limit as usize);
    let next = match rows.last() {
        Some(last) if more => Some(
            Cursor {
                score: last.score,
                id: last.id,
            }
            .encode(),
        ),
        _ => None,
    };
    let leads = rows
        .into_iter()
        .map(Lead::try_from)
        .collect::<Result<_>>()?;
    Ok((leads, next))
}

/// `GET /v1/leads`: one page of the leads of the sites the caller may read,
/// filtered, sorted and paged as asked (see [`filter`]).
pub async fn list(req: &Request, env: &Env) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let sites = access::caller(req, env, &db).await?.sites(Need::Read);
    let filter = Filter::from_query(req.url()?.query_pairs())?;
    let (leads, next) = find(&db, sites.as_deref(), &filter).await?;
    Ok(Response::from_json(&Listed { leads, next })?)
}

/// The body of the list answer.
#[derive(Serialize)]
struct Listed {
    leads: Vec<Lead>,
    /// The `cursor` of the next page; `null` on the last.
    next: Option<String>,
}
