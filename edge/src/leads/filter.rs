//! What the leads list is asked for: its filters, order and page, read
//! from the query string with a clear 400 for every value it cannot use.

use embudo_shared::spec::consent::Purpose;
use embudo_shared::{Stage, Text};

use crate::error::{Error, Result};

/// How many leads one page holds unless the client asks otherwise.
pub const DEFAULT_PAGE: u32 = 50;
/// The most leads one page may hold.
pub const MAX_PAGE: u32 = 200;
/// The longest free-text search.
pub const MAX_SEARCH: usize = 100;

/// The order of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Newest first (the default).
    Newest,
    /// Oldest first.
    Oldest,
    /// Highest score first, newest first among equals.
    Score,
}

/// Where the previous page ended: the last lead's score and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Its score (only the score order reads it).
    pub score: i64,
    /// Its id.
    pub id: i64,
}

impl Cursor {
    /// The cursor as the answer's `next` gives it: `<score>.<id>`.
    pub fn encode(self) -> String {
        format!("{}.{}", self.score, self.id)
    }

    /// The cursor `encode` wrote, if `text` is one.
    pub fn decode(text: &str) -> Option<Self> {
        let (score, id) = text.split_once('.')?;
        Some(Self {
            score: score.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

/// Everything the list may be asked for; `None` means no filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// One site (among those the caller may read).
    pub site: Option<String>,
    /// One stage.
    pub stage: Option<Stage>,
    /// Leads that submitted this form.
    pub form: Option<String>,
    /// Created on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Created before this day.
    pub to: Option<String>,
    /// The lowest score.
    pub min_score: Option<i64>,
    /// The highest score.
    pub max_score: Option<i64>,
    /// Leads whose latest choice for this purpose is a consent.
    pub consent: Option<Purpose>,
    /// Text in the e-mail, name or company, folded ([`super::search::fold`]:
    /// neither case nor accents count).
    pub search: Option<String>,
    /// The order.
    pub sort: Sort,
    /// Where to go on from.
    pub cursor: Option<Cursor>,
    /// How many per page.
    pub limit: u32,
}

fn bad(name: &'static str, reason: Text) -> Error {
    Error::BadQuery { name, reason }
}

/// A day as `YYYY-MM-DD`, checked by shape and range.
fn day(name: &'static str, raw: &str) -> Result<String> {
    let parts: Vec<&str> = raw.split('-').collect();
    let fits = matches!(parts.as_slice(), [y, m, d]
        if y.len() == 4 && m.len() == 2 && d.len() == 2
            && [y, m, d].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
            && (1..=12).contains(&m.parse::<u8>().unwrap_or(0))
            && (1..=31).contains(&d.parse::<u8>().unwrap_or(0)));
    if fits {
        Ok(raw.to_owned())
    } else {
        Err(bad(
            name,
            Text::said(
                format!("expected a day as YYYY-MM-DD, got {raw:?}"),
                format!("se esperaba un día como AAAA-MM-DD, no {raw:?}"),
            ),
        ))
    }
}

fn number(name: &'static str, raw: &str) -> Result<i64> {
    raw.parse().map_err(|_| {
        bad(
            name,
            Text::said(
                format!("expected a whole number, got {raw:?}"),
                format!("se esperaba un número entero, no {raw:?}"),
            ),
        )
    })
}

impl Filter {
    /// Reads the query string's pairs; an unknown parameter is refused so a
    /// typo never silently lists everything.
    pub fn from_query<I, K, V>(pairs: I) -> Result<Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut filter = Self {
            site: None,
            stage: None,
            form: None,
            from: None,
            to: None,
            min_score: None,
            max_score: None,
            consent: None,
            search: None,
            sort: Sort::Newest,
            cursor: None,
            limit: DEFAULT_PAGE,
        };
        for (key, value) in pairs {
            let raw = value.as_ref();
            match key.as_ref() {
                "site" => filter.site = Some(raw.to_owned()),
                "stage" => {
                    let stage = Stage::ALL.into_iter().find(|s| s.name() == raw);
                    filter.stage = Some(stage.ok_or_else(|| {
                        bad(
                            "stage",
                            Text::said(
                                format!("no stage is called {raw:?}"),
                                format!("ninguna etapa se llama {raw:?}"),
                            ),
                        )
                    })?);
                }
                "form" => filter.form = Some(raw.to_owned()),
                "from" => filter.from = Some(day("from", raw)?),
                "to" => filter.to = Some(day("to", raw)?),
                "min_score" => filter.min_score = Some(number("min_score", raw)?),
                "max_score" => filter.max_score = Some(number("max_score", raw)?),
                "consent" => {
                    let purposes = [
                        Purpose::ContentDelivery,
                        Purpose::MarketingEmails,
                        Purpose::SalesContact,
                    ];
                    let purpose = purposes.into_iter().find(|p| p.name() == raw);
                    filter.consent = Some(purpose.ok_or_else(|| {
                        bad(
                            "consent",
                            Text::said(
                                format!("no consent purpose is called {raw:?}"),
                                format!("ningún fin de consentimiento se llama {raw:?}"),
                            ),
                        )
                    })?);
                }
                "q" => {
                    let text = raw.trim();
                    if text.chars().count() > MAX_SEARCH {
                        return Err(bad(
                            "q",
                            Text::said(
                                format!("at most {MAX_SEARCH} characters"),
                                format!("como mucho {MAX_SEARCH} caracteres"),
                            ),
                        ));
                    }
                    filter.search = (!text.is_empty()).then(|| super::search::fold(text));
                }
                "sort" => {
                    filter.sort = match raw {
                        "newest" => Sort::Newest,
                        "oldest" => Sort::Oldest,
                        "score" => Sort::Score,
                        _ => {
                            return Err(bad(
                                "sort",
                                Text::said(
                                    format!("expected newest, oldest or score, got {raw:?}"),
                                    format!("se esperaba newest, oldest o score, no {raw:?}"),
                                ),
                            ))
                        }
                    }
                }
                "cursor" => {
                    filter.cursor = Some(Cursor::decode(raw).ok_or_else(|| {
                        bad(
                            "cursor",
                            Text::said(
                                "use the `next` of the previous page",
                                "usa el `next` de la página anterior",
                            ),
                        )
                    })?);
                }
                "limit" => {
                    filter.limit = match raw.parse::<u32>() {
                        Ok(limit @ 1..=MAX_PAGE) => limit,
                        _ => {
                            return Err(bad(
                                "limit",
                                Text::said(
                                    format!(
                                        "expected a whole number from 1 to {MAX_PAGE}, got {raw:?}"
                                    ),
                                    format!(
                                        "se esperaba un número entero de 1 a {MAX_PAGE}, no {raw:?}"
                                    ),
                                ),
                            ))
                        }
                    }
                }
                _ => {
                    return Err(Error::BadQuery {
                        name: "(unknown)",
                        reason: Text::said(
                            format!("the leads list has no parameter {:?}", key.as_ref()),
                            format!("la lista de leads no tiene el parámetro {:?}", key.as_ref()),
                        ),
                    })
                }
            }
        }
        Ok(filter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &[(&str, &str)]) -> Result<Filter> {
        Filter::from_query(query.iter().copied())
    }

    #[test]
    fn nothing_asked_is_the_newest_fifty() {
        let filter = read(&[]).expect("reads");
        assert_eq!(
            (filter.sort, filter.limit, filter.cursor),
            (Sort::Newest, 50, None)
        );
    }

    #[test]
    fn every_filter_reads() {
        let filter = read(&[
            ("site", "acme"),
            ("stage", "mql"),
            ("form", "demo-ebook"),
            ("from", "2026-11-01"),
            ("to", "2026-12-01"),
            ("min_score", "10"),
            ("max_score", "90"),
            ("consent", "sales_contact"),
            ("q", "  García "),
            ("sort", "score"),
            ("cursor", "70.12"),
            ("limit", "10"),
        ])
        .expect("reads");
        assert_eq!(filter.stage, Some(Stage::Mql));
        assert_eq!(filter.consent, Some(Purpose::SalesContact));
        assert_eq!(filter.search.as_deref(), Some("garcia"));
        assert_eq!(filter.cursor, Some(Cursor { score: 70, id: 12 }));
        assert_eq!(Cursor { score: 70, id: 12 }.encode(), "70.12");
    }

    #[test]
    fn every_bad_value_is_named() {
        for (key, value) in [
            ("stage", "hot"),
            ("from", "2026-13-01"),
            ("to", "yesterday"),
            ("min_score", "ten"),
            ("consent", "everything"),
            ("sort", "name"),
            ("cursor", "12"),
            ("limit", "0"),
            ("limit", "201"),
            ("q", &"x".repeat(101)),
            ("stagee", "mql"),
        ] {
            assert!(read(&[(key, value)]).is_err(), "{key}={value}");
        }
    }
}
