//! `GET /v1/exports/leads?format=csv|json&…`: every lead the list's filters
//! pick, streamed page by page so a large export never sits in memory.
//!
//! CSV follows RFC 4180 and neutralises formula cells; how each cell and
//! record is written is `embudo_shared::export`, pure and fuzzed there.

use embudo_shared::Text;
use std::collections::BTreeMap;

use embudo_shared::export::record;
use embudo_shared::Value;
use futures_util::stream;
use serde::Deserialize;
use worker::{query, Env, Request, Response};

use super::{find, Cursor, Filter, Lead};
use crate::access::{self, Need};
use crate::error::{Error, Result};
use crate::{audit, DB_BINDING};

/// Leads read per page of the stream.
const PAGE: u32 = 500;

/// The columns every CSV export begins with; the leads' fields follow.
const FIXED: [&str; 8] = [
    "id",
    "site",
    "email",
    "stage",
    "score",
    "submissions",
    "created_at",
    "updated_at",
];

/// The export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV, formula cells neutralised.
    Csv,
    /// A JSON array of leads, as the list shows them.
    Json,
}

/// A field's value as one cell: a list joined with `; `.
fn field_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::Text(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::List(items)) => items.join("; "),
        None => String::new(),
    }
}

/// A lead as one CSV record under `fields`.
fn lead_record(lead: &Lead, fields: &[String]) -> String {
    let fixed = [
        lead.id.to_string(),
        lead.site_id.clone(),
        lead.email.clone(),
        lead.stage.name().to_owned(),
        lead.score.to_string(),
        lead.submissions.to_string(),
        lead.created_at.clone(),
        lead.updated_at.clone(),
    ];
    let values: &BTreeMap<String, Value> = &lead.fields;
    record(
        fixed
            .into_iter()
            .chain(fields.iter().map(|id| field_text(values.get(id)))),
    )
}

/// Where the stream is.
struct Paging {
    env: Env,
    sites: Option<Vec<String>>,
    filter: Filter,
    format: Format,
    fields: Vec<String>,
    /// Nothing sent yet (the header, or `[`, comes first).
    started: bool,
    /// The last page was read.
    done: bool,
}

impl Paging {
    /// The next chunk of the body, or `None` at the end.
    async fn next(mut self) -> Result<Option<(Vec<u8>, Self)>> {
        if self.done {
            return Ok(None);
        }
        let mut chunk = String::new();
        if !self.started {
            self.started = true;
            chunk.push_str(&match self.format {
                Format::Csv => record(
                    FIXED
                        .iter()
                        .copied()
                        .chain(self.fields.iter().map(String::as_str)),
                ),
                Format::Json => "[".to_owned(),
            });
        }
        let db = self.env.d1(DB_BINDING)?;
        let (leads, next) = find(&db, self.sites.as_deref(), &self.filter).await?;
        for (i, lead) in leads.iter().enumerate() {
            match self.format {
                Format::Csv => chunk.push_str(&lead_record(lead, &self.fields)),
                Format::Json => {
                    let first = self.filter.cursor.is_none() && i == 0;
                    if !first {
                        chunk.push(',');
                    }
                    chunk.push_str(&crate::capture::json(lead)?);
                }
            }
        }
        match next.as_deref().and_then(Cursor::decode) {
            Some(cursor) => self.filter.cursor = Some(cursor),
            None => {
                self.done = true;
                if self.format == Format::Json {
                    chunk.push(']');
                }
            }
        }
        Ok(Some((chunk.into_bytes(), self)))
    }
}

/// `GET /v1/exports/leads`: for marketing and admins of the sites exported.
pub async fn leads(req: &Request, env: &Env) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(req, env, &db).await?;
    let url = req.url()?;
    let mut format = Format::Csv;
    let mut rest = Vec::new();
    for (key, value) in url.query_pairs() {
        match (key.as_ref(), value.as_ref()) {
            ("format", "csv") => format = Format::Csv,
            ("format", "json") => format = Format::Json,
            ("format", other) => {
                return Err(Error::BadQuery {
                    name: "format",
                    reason: Text::said(
                        format!("expected csv or json, got {other:?}"),
                        format!("se esperaba csv o json, no {other:?}"),
                    ),
                })
            }
            ("cursor" | "limit", _) => return Err(Error::BadQuery {
                name: "cursor",
                reason: Text::said(
                    "an export has every matching lead; it takes no cursor or limit",
                    "una exportación trae todos los leads que encajan; no lleva cursor ni limit",
                ),
            }),
            _ => rest.push((key.into_owned(), value.into_owned())),
        }
    }
    let mut filter = Filter::from_query(rest)?;
    filter.limit = PAGE;
    let sites = match &filter.site {
        Some(site) => {
            caller.require(site, Need::Manage)?;
            Some(vec![site.clone()])
        }
        None => match caller.sites(Need::Manage) {
            Some(sites) if sites.is_empty() => {
                return Err(Error::Forbidden {
                    need: Need::Manage.words(),
                    site: Text::said("any site", "ningún sitio"),
                })
            }
            sites => sites,
        },
    };
    let fields = field_ids(&db, sites.as_deref()).await?;
    // What was asked, but not the words searched for: they may be a
    // person's name or e-mail, which the log must not outlive.
    let asked: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, value)| {
            let value = if key == "q" {
                "(text)".into()
            } else {
                value.into_owned()
            };
            (key.into_owned(), value)
        })
        .collect();
    let detail = crate::capture::json(&asked)?;
    audit::entry(
        &db,
        &caller.actor(),
        "leads-exported",
        filter.site.as_deref(),
        None,
        Some(&detail),
    )?
    .run()
    .await?;
    let paging = Paging {
        env: env.clone(),
        sites,
        filter,
        format,
        fields,
        started: false,
        done: false,
    };
    let body = stream::try_unfold(paging, |paging| async move {
        paging
            .next()
            .await
            .map_err(|error| worker::Error::RustError(error.to_string()))
    });
    let (kind, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "leads.csv"),
        Format::Json => ("application/json", "leads.json"),
    };
    let mut response = Response::from_stream(body)?;
    let headers = response.headers_mut();
    headers.set("Content-Type", kind)?;
    headers.set(
        "Content-Disposition",
        &format!("attachment; filename=\"{name}\""),
    )?;
    headers.set("Cache-Control", "no-store")?;
    Ok(response)
}

/// Every field id the leads of `sites` (`None`: every site) have, sorted.
async fn field_ids(db: &worker::D1Database, sites: Option<&[String]>) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        key: String,
    }
    let sites = crate::capture::json(&sites)?;
    let rows: Vec<Row> = query!(
        db,
        "SELECT DISTINCT f.key FROM leads, json_each(leads.fields) AS f
          WHERE ?1 = 'null' OR leads.site_id IN (SELECT value FROM json_each(?1))
          ORDER BY f.key",
        &sites
    )?
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(|row| row.key).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Explanation;
    use embudo_shared::Stage;

    #[test]
    fn a_lead_record_neutralises_and_quotes_its_cells() {
        let lead = Lead {
            id: 7,
            site_id: "acme".into(),
            email: "-ana@acme.example".into(),
            fields: BTreeMap::from([
                ("phone".to_owned(), Value::Text("+34 600 000 000".into())),
                (
                    "topics".to_owned(),
                    Value::List(vec!["crm".into(), "ads, seo".into()]),
                ),
                ("employees".to_owned(), Value::Number(-1)),
            ]),
            score: 55,
            stage: Stage::Mql,
            explanation: Explanation {
                fired: Vec::new(),
                groups: Vec::new(),
            },
            submissions: 2,
            created_at: "2025-01-02T03:04:05Z".into(),
            updated_at: "=NOW()".into(),
        };
        let fields = ["phone", "topics", "employees", "company"].map(String::from);
        assert_eq!(
            lead_record(&lead, &fields),
            "7,acme,'-ana@acme.example,mql,55,2,2025-01-02T03:04:05Z,'=NOW(),\
             '+34 600 000 000,\"crm; ads, seo\",'-1,\r\n"
        );
    }
}
