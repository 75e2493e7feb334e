//! What the dashboard's search finds a lead by: its e-mail, names and
//! company, folded to lower case without accents, so "alvaro", "álvaro" and
//! "ÁLVARO" all find "Álvaro". SQLite's `lower()` folds ASCII only, so the
//! edge folds both the lead's text (written beside its fields, migration
//! 0023) and what is searched for.

use std::collections::BTreeMap;

use embudo_shared::Value;
use serde::{Deserialize, Serialize};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use worker::{query, D1Database};

use crate::error::Result;

/// The fields besides the e-mail a search looks in.
const SEARCHED: [&str; 3] = ["first_name", "last_name", "company"];

/// Lower-case letters with no decomposition, as the letter people type
/// for them; and the final sigma, so a word typed in capitals matches it
/// mid-word too.
const PLAIN: [(char, &str); 8] = [
    ('ł', "l"),
    ('ø', "o"),
    ('đ', "d"),
    ('ı', "i"),
    ('ß', "ss"),
    ('æ', "ae"),
    ('œ', "oe"),
    ('ς', "σ"),
];

/// `text` as searches compare it: decomposed (NFD), without its combining
/// marks (accents, the tilde of ñ), in lower case, with [`PLAIN`] letters.
/// A change here leaves the stored texts folded the old way: ship it with a
/// migration setting `leads.search` to NULL, and the cron folds them anew.
pub fn fold(text: &str) -> String {
    let bare: String = text.nfd().filter(|c| !is_combining_mark(*c)).collect();
    let mut folded = String::with_capacity(bare.len());
    for c in bare.to_lowercase().chars() {
        match PLAIN.iter().find(|(letter, _)| *letter == c) {
            Some((_, plain)) => folded.push_str(plain),
            None => folded.push(c),
        }
    }
    folded
}

/// The search text of a lead with this e-mail and these latest fields.
pub fn text_of(email: &str, fields: &BTreeMap<String, Value>) -> String {
    let mut text = fold(email);
    for id in SEARCHED {
        if let Some(Value::Text(value)) = fields.get(id) {
            text.push(' ');
            text.push_str(&fold(value));
        }
    }
    text
}

/// How many leads [`fill`] reads at a time, how many bytes of search text
/// it sends D1 in one statement at most (D1 refuses a bound string over
/// 2 MB; a lead's text is at most a 16 KB submission's), and how long one
/// run may take.
const FILL_PAGE: usize = 200;
const FILL_BYTES: usize = 1_000_000;
const FILL_BUDGET_MS: f64 = 5_000.0;

/// Gives a search text to leads that have none: those written before
/// migration 0023, or by a Worker older than it. The every-minute cron runs
/// it, page after page for up to [`FILL_BUDGET_MS`], so a large site's
/// older leads are found again within minutes of the deploy. A text a
/// submission wrote meanwhile stands. Gives how many leads it wrote.
pub async fn fill(db: &D1Database) -> Result<usize> {
    #[derive(Deserialize)]
    struct Lead {
        id: i64,
        email: String,
        fields: String,
    }
    #[derive(Serialize)]
    struct Searched {
        id: i64,
        search: String,
    }
    let started = worker::js_sys::Date::now();
    let mut written = 0;
    loop {
        let leads: Vec<Lead> = query!(
            db,
            &format!(
                "SELECT id, email, fields FROM leads
                  WHERE search IS NULL AND erased_at IS NULL LIMIT {FILL_PAGE}"
            )
        )
        .all()
        .await?
        .results()?;
        let mut searched = Vec::new();
        let mut bytes = 0;
        for lead in &leads {
            let search = text_of(&lead.email, &named(&lead.fields));
            bytes += search.len();
            if bytes > FILL_BYTES && !searched.is_empty() {
                break;
            }
            searched.push(Searched {
                id: lead.id,
                search,
            });
        }
        if searched.is_empty() {
            break;
        }
        let searched_json = crate::capture::json(&searched)?;
        let result = query!(
            db,
            "UPDATE leads SET search = s.value ->> 'search'
               FROM json_each(?1) s
              WHERE leads.id = s.value ->> 'id' AND leads.search IS NULL
                AND leads.erased_at IS NULL",
            &searched_json
        )?
        .run()
        .await?;
        written += result.meta()?.and_then(|meta| meta.changes).unwrap_or(0);
        let done = leads.len() < FILL_PAGE;
        if done || worker::js_sys::Date::now() - started > FILL_BUDGET_MS {
            break;
        }
    }
    Ok(written)
}

/// The text fields of a lead's stored fields; none when they do not read
/// (the e-mail is still there to find it by).
fn named(fields: &str) -> BTreeMap<String, Value> {
    let read: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(fields).unwrap_or_default();
    read.into_iter()
        .filter_map(|(id, value)| match value {
            serde_json::Value::String(text) => Some((id, Value::Text(text))),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_accents_fold_away_in_any_script_that_has_them() {
        for (typed, folded) in [
            ("Álvaro", "alvaro"),
            ("ÁLVARO", "alvaro"),
            ("Núñez", "nunez"),
            ("Ñandú", "nandu"),
            ("François Ølsen", "francois olsen"),
            ("Çelik ÇAĞRI", "celik cagri"),
            ("Ωμέγα", "ωμεγα"),
            ("Łódź Straße", "lodz strasse"),
            ("Dvořák", "dvorak"),
            ("ΚΩΣ", "κωσ"),
            ("Κώστας", "κωστασ"),
        ] {
            assert_eq!(fold(typed), folded, "{typed}");
        }
        // Already composed or decomposed, the same.
        assert_eq!(fold("A\u{301}lvaro"), fold("\u{C1}lvaro"));
    }

    #[test]
    fn a_lead_is_found_by_its_email_names_and_company_only() {
        let fields = BTreeMap::from([
            ("first_name".to_owned(), Value::Text("Íñigo".into())),
            ("last_name".to_owned(), Value::Text("Muñoz".into())),
            ("company".to_owned(), Value::Text("Óptica Sur".into())),
            ("job_role".to_owned(), Value::Text("Director".into())),
            ("employees".to_owned(), Value::Number(12)),
        ]);
        assert_eq!(
            text_of("Inigo@Optica.example", &fields),
            "inigo@optica.example inigo munoz optica sur"
        );
    }
}
