//! The e-mail check against a corpus of public examples (corpus/emails.txt)
//! and property tests: it never panics and its normal form is stable.

#![allow(missing_docs)]

use embudo_shared::email::EmailAddress;
use embudo_shared::unicode::Tables;
use proptest::prelude::*;

#[test]
fn agrees_with_the_corpus() {
    let corpus = include_str!("corpus/emails.txt");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (verdict, address) = line.split_once('\t').expect("verdict<TAB>address");
        let accepted = EmailAddress::parse(address, &Tables).is_ok();
        if accepted != (verdict == "valid") {
            wrong.push(format!("{address:?} should be {verdict}"));
        }
        checked += 1;
    }
    assert!(checked >= 40, "the corpus has {checked} cases");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

proptest! {
    #[test]
    fn never_panics_on_any_text(text in any::<String>()) {
        let _ = EmailAddress::parse(&text, &Tables);
    }

    #[test]
    fn the_normal_form_is_a_fixed_point(
        local in "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]{1,20}",
        labels in proptest::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", 1..3),
        top in "[a-zA-Z][a-zA-Z0-9]{1,9}",
        padding in "[ \t\n]{0,3}",
    ) {
        let raw = format!("{padding}{local}@{}.{top}{padding}", labels.join("."));
        let once = EmailAddress::parse(&raw, &Tables).expect("generated addresses are valid");
        let twice = EmailAddress::parse(once.as_str(), &Tables).expect("the normal form stays valid");
        prop_assert_eq!(&once, &twice);
        prop_assert_eq!(once.dedupe_key(), twice.dedupe_key());
    }

    #[test]
    fn international_domains_normalise_once(name in "[a-zñáéíóúü]{1,12}") {
        let raw = format!("ana@{name}.example");
        if let Ok(once) = EmailAddress::parse(&raw, &Tables) {
            prop_assert!(once.as_str().is_ascii());
            let twice = EmailAddress::parse(once.as_str(), &Tables).expect("punycode stays valid");
            prop_assert_eq!(once, twice);
        }
    }
}
