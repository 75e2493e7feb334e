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

/// Gives a search text to up to 1,000 leads that have none: those written
/// before migration 0023, or by a Worker older than it. The every-minute
/// cron runs it; a text a submission wrote meanwhile stands. Gives how
/// many leads it wrote.
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
    let leads: Vec<Lead> = query!(
        db,
        "SELECT id, email, fields FROM leads
          WHERE search IS NULL AND erased_at IS NULL LIMIT 1000"
    )
    .all()
    .await?
    .results()?;
    let searched: Vec<Searched> = leads
        .iter()
        .map(|lead| {
            // Fields that do not read leave the e-mail to find it by.
            let fields = serde_json::from_str(&lead.fields).unwrap_or_default();
            Searched {
                id: lead.id,
                search: text_of(&lead.email, &fields),
            }
        })
        .collect();
    if searched.is_empty() {
        return Ok(0);
    }
    let searched_json = crate::capture::json(&searched)?;
    query!(
        db,
        "UPDATE leads SET search = s.value ->> 'search'
           FROM json_each(?1) s
          WHERE leads.id = s.value ->> 'id' AND leads.search IS NULL AND leads.erased_at IS NULL",
        &searched_json
    )?
    .run()
    .await?;
    Ok(searched.len())
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
