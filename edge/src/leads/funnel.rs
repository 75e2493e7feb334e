//! `GET /v1/sites/{site}/funnel`: the site's funnel for the dashboard's
//! chart: how many leads stand at each stage now, how many ever reached it,
//! the conversion from each stage to the next, and new leads and new MQLs
//! per week; for one form and a range of days if asked.

use embudo_shared::{Stage, Text};
use serde::{Deserialize, Serialize};
use worker::{query, Env, Request, Response};

use super::Filter;
use crate::access::{self, Need};
use crate::batch;
use crate::error::{Error, Result};
use crate::DB_BINDING;

/// The funnel's stages in order (disqualified stands outside it).
const FUNNEL: [Stage; 6] = [
    Stage::Lead,
    Stage::Iql,
    Stage::Mql,
    Stage::Sql,
    Stage::Opportunity,
    Stage::Customer,
];

/// One stage's counts.
#[derive(Serialize)]
struct StageCount {
    stage: Stage,
    /// Leads at this stage now.
    current: u64,
    /// Leads whose history reached this stage or a later one.
    reached: u64,
}

/// From one stage to the next.
#[derive(Serialize)]
struct Conversion {
    from: Stage,
    to: Stage,
    /// `reached(to) / reached(from)`; `null` when nobody reached `from`.
    rate: Option<f64>,
}

/// One week's arrivals.
#[derive(Serialize, Deserialize)]
struct Week {
    /// `YYYY-Www`, weeks starting on Monday.
    week: String,
    new_leads: u64,
    new_mqls: u64,
}

#[derive(Serialize)]
struct Funnel {
    site: String,
    stages: Vec<StageCount>,
    disqualified: u64,
    conversions: Vec<Conversion>,
    weeks: Vec<Week>,
}

/// How many leads reached at least each funnel stage, from the count of
/// leads whose furthest stage has each rank.
fn reached(furthest: &[(usize, u64)]) -> [u64; 6] {
    let mut reached = [0; 6];
    for (rank, slot) in reached.iter_mut().enumerate() {
        *slot = furthest
            .iter()
            .filter(|(top, _)| *top >= rank)
            .map(|(_, n)| n)
            .sum();
    }
    reached
}

/// The SQL rank of a stage name in the funnel (`NULL` for disqualified).
const RANK: &str = "CASE c.to_stage WHEN 'lead' THEN 0 WHEN 'iql' THEN 1 WHEN 'mql' THEN 2
                    WHEN 'sql' THEN 3 WHEN 'opportunity' THEN 4 WHEN 'customer' THEN 5 END";

/// The leads the funnel counts: the site's, of the form, created in range.
const COUNTED: &str = "l.site_id = ?1
    AND (?2 IS NULL OR EXISTS (SELECT 1 FROM submissions f WHERE f.lead_id = l.id AND f.form_id = ?2))
    AND (?3 IS NULL OR l.created_at >= ?3) AND (?4 IS NULL OR l.created_at < ?4)";

/// `GET /v1/sites/{site}/funnel?form=&from=&to=`: for anyone who may read
/// the site's leads.
pub async fn show(req: &Request, env: &Env, site: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    access::caller(req, env, &db)
        .await?
        .require(site, Need::Read)?;
    let mut asked = Vec::new();
    for (key, value) in req.url()?.query_pairs() {
        if !matches!(key.as_ref(), "form" | "from" | "to") {
            return Err(Error::BadQuery {
                name: "(unknown)",
                reason: Text::said(
                    format!("the funnel takes form, from and to, not {key:?}"),
                    format!("el embudo admite form, from y to, no {key:?}"),
                ),
            });
        }
        asked.push((key.into_owned(), value.into_owned()));
    }
    let filter = Filter::from_query(asked)?;
    #[derive(Deserialize)]
    struct Current {
        stage: Stage,
        n: u64,
    }
    #[derive(Deserialize)]
    struct Furthest {
        top: usize,
        n: u64,
    }
    // Each statement counts the same leads, bound the same way.
    let counted = |sql: String| -> Result<worker::D1PreparedStatement> {
        Ok(query!(
            &db,
            &sql,
            site,
            &filter.form,
            &filter.from,
            &filter.to
        )?)
    };
    let results = db
        .batch(vec![
            counted(format!(
                "SELECT l.stage, count(*) AS n FROM leads l WHERE {COUNTED} GROUP BY l.stage"
            ))?,
            counted(format!(
                "SELECT top, count(*) AS n FROM (
                   SELECT l.id, coalesce(max({RANK}), 0) AS top
                     FROM leads l LEFT JOIN stage_changes c ON c.lead_id = l.id
                    WHERE {COUNTED} GROUP BY l.id)
                 GROUP BY top"
            ))?,
            counted(format!(
                "SELECT week, sum(lead) AS new_leads, sum(mql) AS new_mqls FROM (
                   SELECT strftime('%Y-W%W', l.created_at) AS week, 1 AS lead, 0 AS mql
                     FROM leads l WHERE {COUNTED}
                   UNION ALL
                   SELECT strftime('%Y-W%W', c.created_at), 0, 1
                     FROM stage_changes c JOIN leads l ON l.id = c.lead_id
                    WHERE c.to_stage = 'mql' AND {COUNTED})
                 GROUP BY week ORDER BY week"
            ))?,
        ])
        .await?;
    let current: Vec<Current> = batch::rows(results.first())?;
    let furthest: Vec<Furthest> = batch::rows(results.get(1))?;
    let reached = reached(&furthest.iter().map(|f| (f.top, f.n)).collect::<Vec<_>>());
    let now = |stage: Stage| {
        current
            .iter()
            .filter(|c| c.stage == stage)
            .map(|c| c.n)
            .sum::<u64>()
    };
    let stages = FUNNEL
        .iter()
        .zip(reached)
        .map(|(&stage, reached)| StageCount {
            stage,
            current: now(stage),
            reached,
        })
        .collect();
    let conversions = FUNNEL
        .windows(2)
        .zip(reached.windows(2))
        .map(|(pair, counts)| Conversion {
            from: pair[0],
            to: pair[1],
            rate: (counts[0] > 0).then(|| counts[1] as f64 / counts[0] as f64),
        })
        .collect();
    Ok(Response::from_json(&Funnel {
        site: site.to_owned(),
        stages,
        disqualified: now(Stage::Disqualified),
        conversions,
        weeks: batch::rows(results.get(2))?,
    })?)
}

#[cfg(test)]
mod tests {
    use super::reached;

    #[test]
    fn a_lead_that_went_further_counts_at_every_stage_before() {
        // 5 stopped at lead, 3 reached IQL, 2 MQL, 1 customer.
        assert_eq!(
            reached(&[(0, 5), (1, 3), (2, 2), (5, 1)]),
            [11, 6, 3, 1, 1, 1]
        );
        assert_eq!(reached(&[]), [0; 6]);
    }
}
