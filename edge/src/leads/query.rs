//! The SQL a [`Filter`] asks for: only the conditions the client gave, each
//! value bound as a parameter. Writing every filter as `(?n IS NULL OR …)`
//! in one fixed statement would let SQLite plan it once for every
//! combination, using no index for any filter; `make bench-leads` showed
//! that walking 100,000 leads for a rare filter.

use super::filter::{Filter, Sort};

/// A value bound to a `?n` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// Text.
    Text(String),
    /// A whole number.
    Number(i64),
}

/// The statement listing one page of leads, with its values in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The SQL, `?1`… for the values.
    pub sql: String,
    /// The values.
    pub values: Vec<Bound>,
}

/// Conditions being gathered, with their values.
#[derive(Default)]
struct Conditions {
    clauses: Vec<String>,
    values: Vec<Bound>,
}

impl Conditions {
    /// Binds `value` and returns its placeholder.
    fn bind(&mut self, value: Bound) -> String {
        self.values.push(value);
        format!("?{}", self.values.len())
    }

    /// Adds `clause`, its `{}` standing for `value`'s placeholder.
    fn add(&mut self, clause: &str, value: Bound) {
        let placeholder = self.bind(value);
        self.clauses.push(clause.replace("{}", &placeholder));
    }
}

/// The statement selecting `columns` of the leads of `sites` (`None`:
/// every site) that `filter` asks for, one page plus one (to tell whether
/// there is a next). One site (asked for, or the only one the caller has)
/// is an equality, which the site's indexes serve in order.
pub fn page(columns: &str, sites: Option<&[String]>, filter: &Filter) -> Page {
    let mut conditions = Conditions::default();
    conditions.clauses.push("erased_at IS NULL".to_owned());
    let text = |value: &str| Bound::Text(value.to_owned());
    match (&filter.site, sites) {
        (Some(site), Some(sites)) if !sites.contains(site) => {
            // Not one of the caller's: nothing to see.
            conditions.clauses.push("0".to_owned());
        }
        (Some(site), _) => conditions.add("site_id = {}", text(site)),
        (None, Some([site])) => conditions.add("site_id = {}", text(site)),
        (None, Some(sites)) => {
            let listed = serde_json::to_string(sites).unwrap_or_else(|_| "[]".to_owned());
            conditions.add(
                "site_id IN (SELECT value FROM json_each({}))",
                Bound::Text(listed),
            );
        }
        (None, None) => {}
    }
    if let Some(stage) = filter.stage {
        conditions.add("stage = {}", text(stage.name()));
    }
    if let Some(form) = &filter.form {
        conditions.add(
            "EXISTS (SELECT 1 FROM submissions f WHERE f.lead_id = leads.id AND f.form_id = {})",
            text(form),
        );
    }
    if let Some(from) = &filter.from {
        conditions.add("created_at >= {}", text(from));
    }
    if let Some(to) = &filter.to {
        conditions.add("created_at < {}", text(to));
    }
    if let Some(min) = filter.min_score {
        conditions.add("score >= {}", Bound::Number(min));
    }
    if let Some(max) = filter.max_score {
        conditions.add("score <= {}", Bound::Number(max));
    }
    if let Some(purpose) = filter.consent {
        conditions.add(
            "(SELECT c.granted FROM consent_events c WHERE c.lead_id = leads.id AND c.purpose = {}
               ORDER BY c.id DESC LIMIT 1) = 1",
            text(purpose.name()),
        );
    }
    if let Some(search) = &filter.search {
        // Both folded by the edge (`search`); an erased lead's is NULL.
        conditions.add("instr(search, {}) > 0", text(search));
    }
    if let Some(cursor) = filter.cursor {
        match filter.sort {
            Sort::Newest => conditions.add("id < {}", Bound::Number(cursor.id)),
            Sort::Oldest => conditions.add("id > {}", Bound::Number(cursor.id)),
            Sort::Score => {
                let score = conditions.bind(Bound::Number(cursor.score));
                let id = conditions.bind(Bound::Number(cursor.id));
                conditions.clauses.push(format!(
                    "(score < {score} OR (score = {score} AND id < {id}))"
                ));
            }
        }
    }
    let order = match filter.sort {
        Sort::Newest => "id DESC",
        Sort::Oldest => "id ASC",
        Sort::Score => "score DESC, id DESC",
    };
    let limit = conditions.bind(Bound::Number(i64::from(filter.limit) + 1));
    Page {
        sql: format!(
            "SELECT {columns} FROM leads WHERE {} ORDER BY {order} LIMIT {limit}",
            conditions.clauses.join(" AND ")
        ),
        values: conditions.values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::filter::Cursor;

    fn filter(query: &str) -> Filter {
        Filter::from_query(
            query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .filter_map(|pair| pair.split_once('=')),
        )
        .expect("a valid filter")
    }

    #[test]
    fn only_the_filters_given_are_in_the_sql_and_every_value_is_bound() {
        let page = page("id", None, &filter(""));
        assert_eq!(
            page.sql,
            "SELECT id FROM leads WHERE erased_at IS NULL ORDER BY id DESC LIMIT ?1"
        );
        assert_eq!(page.values, [Bound::Number(51)]);

        let sites = ["acme".to_owned(), "globex".to_owned()];
        let page = super::page(
            "id",
            Some(&sites),
            &filter("stage=mql&q=o'brien&sort=score&min_score=10"),
        );
        assert!(page.sql.contains("stage = ?2"), "{}", page.sql);
        assert!(page.sql.contains("score >= ?3"), "{}", page.sql);
        assert!(!page.sql.contains("o'brien"), "values are never in the SQL");
        assert!(!page.sql.contains("created_at"), "no date was asked");
        assert!(page.sql.ends_with("ORDER BY score DESC, id DESC LIMIT ?5"));
        assert_eq!(
            page.values,
            [
                Bound::Text(r#"["acme","globex"]"#.into()),
                Bound::Text("mql".into()),
                Bound::Number(10),
                Bound::Text("o'brien".into()),
                Bound::Number(51),
            ]
        );
    }

    #[test]
    fn one_site_is_an_equality_and_a_site_not_the_callers_shows_nothing() {
        let acme = ["acme".to_owned()];
        let one = page("id", Some(&acme), &filter(""));
        assert!(one.sql.contains("site_id = ?1"), "{}", one.sql);
        let asked = page("id", Some(&acme), &filter("site=acme"));
        assert_eq!(asked.sql, one.sql, "the caller's own site, asked for");
        let other = page("id", Some(&acme), &filter("site=globex"));
        assert!(other.sql.contains(" AND 0 "), "{}", other.sql);
        let operator = page("id", None, &filter("site=globex"));
        assert!(operator.sql.contains("site_id = ?1"), "{}", operator.sql);
    }

    #[test]
    fn the_score_cursor_binds_its_score_and_id_once_each() {
        let mut asked = filter("sort=score&limit=10");
        asked.cursor = Some(Cursor { score: 40, id: 7 });
        let page = page("id", None, &asked);
        assert!(page
            .sql
            .contains("(score < ?1 OR (score = ?1 AND id < ?2))"));
        assert_eq!(
            page.values,
            [Bound::Number(40), Bound::Number(7), Bound::Number(11)]
        );
    }
}
