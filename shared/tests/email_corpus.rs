//! The e-mail check against a corpus of public examples (corpus/emails.txt)
//! and property tests: it never panics and its normal form is stable.

#![allow(missing_docs)]

mod corpus;

use embudo_shared::email::EmailAddress;
use embudo_shared::unicode::Tables;
use proptest::prelude::*;

#[test]
fn agrees_with_the_corpus() {
    let (wrong, checked) = corpus::disagreements(&Tables);
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

#[test]
fn an_address_refused_now_is_still_found_as_stored() {
    assert!(EmailAddress::parse("Ana@Ñandú.123", &Tables).is_err());
    let stored = EmailAddress::as_stored(" Ana@Ñandú.123 ", &Tables).expect("it has an @");
    assert_eq!(stored.as_str(), "Ana@xn--and-6ma2c.123");
    assert_eq!(stored.dedupe_key(), "ana@xn--and-6ma2c.123");
    let valid = EmailAddress::parse("Ana@Ñandú.es", &Tables).expect("valid");
    assert_eq!(
        EmailAddress::as_stored("Ana@Ñandú.es", &Tables),
        Some(valid)
    );
    assert_eq!(EmailAddress::as_stored("no address", &Tables), None);
}
