//! What the dashboard's search finds a lead by: its e-mail, names and
//! company, folded to lower case without accents, so "alvaro", "álvaro" and
//! "ÁLVARO" all find "Álvaro". SQLite's `lower()` folds ASCII only, so the
//! edge folds both the lead's text (written beside its fields, migration
//! 0023) and what is searched for.

use std::collections::BTreeMap;

use embudo_shared::Value;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The fields besides the e-mail a search looks in.
const SEARCHED: [&str; 3] = ["first_name", "last_name", "company"];

/// `text` as searches compare it: decomposed (NFD), without its combining
/// marks (accents, the tilde of ñ), in lower case.
pub fn fold(text: &str) -> String {
    let bare: String = text.nfd().filter(|c| !is_combining_mark(*c)).collect();
    bare.to_lowercase()
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
            ("François Ølsen", "francois ølsen"),
            ("Çelik ÇAĞRI", "celik cagri"),
            ("Ωμέγα", "ωμεγα"),
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
