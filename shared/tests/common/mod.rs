//! What several test files share: the demo form and submissions to it.

#![allow(dead_code, missing_docs)]

use embudo_shared::submission::Answer;
use embudo_shared::{FormSpec, Locale, Submission};

pub const DEMO_TOML: &str = include_str!("../../../edge/forms/demo-ebook.toml");

pub fn demo() -> FormSpec {
    FormSpec::from_toml(DEMO_TOML).expect("the demo spec is sound")
}

/// A submission with these answers and these consents ticked.
pub fn submission(locale: Locale, fields: &[(&str, &str)], consents: &[&str]) -> Submission {
    Submission {
        fields: fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Answer::One((*v).to_owned())))
            .collect(),
        consents: consents.iter().map(|c| ((*c).to_owned(), true)).collect(),
        locale,
        ..Submission::default()
    }
}
