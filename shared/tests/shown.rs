//! The consent text a visitor agreed to when the form changed after they
//! were shown it: the public spec's versions, and the edge's reading of the
//! version the widget sends back.

#![allow(missing_docs)]

mod common;

use common::{demo, submission};
use embudo_shared::spec::consent::{Consent, Purpose};
use embudo_shared::unicode::Tables;
use embudo_shared::{Error, FieldErrorCode, FormSpec, Locale, Text, ValidSubmission};

/// The demo spec with the newsletter's text and purpose changed since.
fn edited() -> FormSpec {
    let mut spec = demo();
    let newsletter = &mut spec.consents[1];
    newsletter.text = Text::from([
        (Locale::Es, "Quiero recibir ofertas de Acme Growth."),
        (Locale::En, "Send me Acme Growth's offers."),
    ]);
    newsletter.purpose = Purpose::SalesContact;
    spec
}

/// A submission to `spec` giving the content and newsletter consents, as
/// the visitor's browser sends it with `shown` as the newsletter's version.
fn given(spec: &FormSpec, shown: Option<String>) -> (ValidSubmission, embudo_shared::ById<String>) {
    let mut sent = submission(
        Locale::Es,
        &[("email", "ana@empresa.example"), ("first_name", "Ana")],
        &["content", "newsletter"],
    );
    sent.versions
        .extend(shown.map(|v| ("newsletter".to_owned(), v)));
    let valid = sent.validate(spec, &Tables).expect("valid");
    (valid, sent.versions)
}

#[test]
fn the_public_spec_carries_each_texts_version_in_every_locale() {
    let public = demo().public();
    for consent in &public.consents {
        let versions = consent.versions.as_ref().expect("versions");
        for locale in Locale::ALL {
            assert_eq!(versions.get(locale), consent.version(locale));
        }
    }
    assert_ne!(
        public.consents[0]
            .versions
            .as_ref()
            .map(|v| v.get(Locale::Es)),
        public.consents[0]
            .versions
            .as_ref()
            .map(|v| v.get(Locale::En)),
    );
}

#[test]
fn a_spec_may_not_write_versions_of_its_own() {
    let mut spec = demo();
    spec.consents[0].versions = Some(Text::from([(Locale::Es, "sha256:00")]));
    let Err(Error::Spec { problems }) = spec.checked() else {
        panic!("refused");
    };
    assert_eq!(problems[0].path, "consents[0].versions");
}

#[test]
fn the_version_shown_before_an_edit_is_recorded_with_its_purpose_then() {
    let before = demo();
    let shown = before.consents[1].version(Locale::Es);
    let (mut valid, versions) = given(&edited(), Some(shown.clone()));
    assert_eq!(valid.shown_earlier(&versions), ["newsletter"]);

    valid
        .as_shown(&versions, &before.consents)
        .expect("known text");
    let newsletter = &valid.consents[1];
    assert_eq!(newsletter.version, shown);
    assert_eq!(newsletter.purpose, Purpose::MarketingEmails);
    assert_eq!(
        valid.consents[0].version,
        before.consents[0].version(Locale::Es),
        "an unchanged text keeps its version"
    );
}

#[test]
fn the_current_text_or_no_version_needs_nothing_earlier() {
    let spec = edited();
    let current = spec.consents[1].version(Locale::Es);
    for shown in [Some(current.clone()), None] {
        let (mut valid, versions) = given(&spec, shown);
        assert!(valid.shown_earlier(&versions).is_empty());
        valid.as_shown(&versions, &[]).expect("nothing to find");
        assert_eq!(valid.consents[1].version, current);
        assert_eq!(valid.consents[1].purpose, Purpose::SalesContact);
    }
}

#[test]
fn a_version_the_item_never_had_is_refused_on_that_consent() {
    let before = demo();
    // The content consent's text, sent as the newsletter's: another item's.
    let elsewhere = before.consents[0].version(Locale::Es);
    for shown in ["sha256:made-up".to_owned(), elsewhere] {
        let (mut valid, versions) = given(&edited(), Some(shown));
        let earlier: Vec<Consent> = before.consents.clone();
        let Err(Error::Invalid { fields }) = valid.as_shown(&versions, &earlier) else {
            panic!("refused");
        };
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].field, "newsletter");
        assert_eq!(fields[0].code, FieldErrorCode::ConsentChanged);
        assert!(
            fields[0].message.contains("recarga"),
            "{}",
            fields[0].message
        );
    }
}
