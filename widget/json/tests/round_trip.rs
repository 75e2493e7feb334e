//! In a real browser: every type this crate reads or writes agrees with
//! shared's serde derives, which the edge uses. Each test writes with one
//! and reads with the other.

#![allow(missing_docs)]

use embudo_shared::spec::consent::{Consent, Purpose};
use embudo_shared::spec::field::{Choice, Field, FieldKind};
use embudo_shared::spec::{Delivery, Turnstile};
use embudo_shared::submission::Context;
use embudo_shared::{
    Answer, ById, FieldError, FieldErrorCode, FormSpec, Locale, Named, Submission, Text,
};
use embudo_widget_json::{from_json, to_json, Error};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The demo form's public spec with every optional key given a value no
/// default has, one field of every kind and one consent of every purpose
/// (shared's tests hold `Named::ALL` to every variant serde knows).
fn every_key() -> FormSpec {
    let mut spec = FormSpec::from_toml(include_str!("../../../edge/forms/demo-ebook.toml"))
        .expect("the demo spec reads")
        .public();
    spec.revision = 7;
    spec.turnstile = Some(Turnstile {
        site_key: "0x4AAAA-test".into(),
    });
    spec.retention_days = Some(365);
    spec.fields
        .extend(FieldKind::ALL.iter().enumerate().map(|(n, kind)| Field {
            id: format!("extra_{n}"),
            kind: *kind,
            label: Text::from([
                (Locale::Es, "Etiqueta «ñ»"),
                (Locale::En, "Label \"quoted\""),
            ]),
            hint: Some(Text::from([(Locale::En, "only in English")])),
            required: n % 2 == 0,
            min_length: Some(n),
            max_length: Some(100 + n),
            min: Some(-5 - n as i64),
            max: Some(9_000_000_000),
            options: vec![Choice {
                value: format!("v{n}"),
                label: Text::from([(Locale::Es, "Sí")]),
            }],
            priority: n as u32,
        }));
    spec.consents
        .extend(Purpose::ALL.iter().map(|&purpose| Consent {
            id: format!("{purpose:?}"),
            purpose,
            text: Text::from([(Locale::Es, "Acepto."), (Locale::En, "I agree.")]),
            required: purpose == Purpose::SalesContact,
            versions: None,
        }));
    // As the edge serves them: with each text's versions.
    for consent in &mut spec.consents {
        consent.versions = Some(consent.versions());
    }
    spec
}

fn serde_written(spec: &FormSpec) -> String {
    serde_json::to_string(spec).expect("a spec writes")
}

#[wasm_bindgen_test]
fn a_spec_written_by_serde_reads_back_whole() {
    let spec = every_key();
    assert_eq!(from_json::<FormSpec>(&serde_written(&spec)), Ok(spec));
}

#[wasm_bindgen_test]
fn every_delivery_reads_back() {
    for delivery in [
        Delivery::Download {
            url: "/guide.pdf".into(),
        },
        Delivery::Email,
        Delivery::Redirect {
            url: "https://example.com/webinar".into(),
        },
    ] {
        let mut spec = every_key();
        spec.offer.delivery = delivery;
        assert_eq!(from_json::<FormSpec>(&serde_written(&spec)), Ok(spec));
    }
}

#[wasm_bindgen_test]
fn keys_serde_may_leave_out_take_its_defaults() {
    let spec = every_key();
    let mut value: serde_json::Value = serde_json::from_str(&serde_written(&spec)).expect("JSON");
    let object = value.as_object_mut().expect("an object");
    for key in ["revision", "consents", "turnstile", "retention_days"] {
        object.remove(key);
    }
    // A key the widget does not know yet is not a reason to refuse a form.
    object.insert("added_later".into(), serde_json::json!({"any": ["thing"]}));
    let read: FormSpec = from_json(&value.to_string()).expect("reads");
    assert_eq!(read.revision, 1);
    assert!(read.consents.is_empty());
    assert_eq!(read.turnstile, None);
    assert_eq!(read.retention_days, None);
    assert_eq!(read.fields, spec.fields);
}

#[wasm_bindgen_test]
fn a_wrong_value_is_named_by_its_key() {
    let spec = every_key();
    let written = serde_written(&spec);
    let wrong = |from: &str, to: &str| {
        assert!(written.contains(from), "{from} is in the spec");
        from_json::<FormSpec>(&written.replacen(from, to, 1))
    };
    assert_eq!(
        wrong("\"format\":1", "\"format\":\"1\""),
        Err(Error::Shape { key: "format" })
    );
    assert_eq!(
        wrong("\"type\":\"email\"", "\"type\":\"fancy\""),
        Err(Error::Shape { key: "type" })
    );
    assert_eq!(
        wrong("\"priority\":0", "\"priority\":0.5"),
        Err(Error::Shape { key: "priority" })
    );
    assert_eq!(
        wrong("\"locales\":[", "\"locales\":[\"fr\","),
        Err(Error::Shape { key: "locales" })
    );
    assert_eq!(
        wrong("\"site\":", "\"sitio\":"),
        Err(Error::Shape { key: "site" })
    );
    assert_eq!(from_json::<FormSpec>("{not json"), Err(Error::Text));
    assert_eq!(from_json::<FormSpec>("[]"), Err(Error::Shape { key: "" }));
}

#[wasm_bindgen_test]
fn every_field_error_code_reads_back() {
    for code in FieldErrorCode::ALL {
        let error = FieldError::new("email", code, Locale::Es);
        let written = serde_json::to_string(&error).expect("writes");
        assert_eq!(from_json::<FieldError>(&written), Ok(error));
    }
}

fn full_submission() -> Submission {
    Submission {
        fields: ById::from_iter([
            ("email".into(), Answer::One("ana@example.com".into())),
            (
                "first_name".into(),
                Answer::One("Ana \"la\" Pérez\n".into()),
            ),
            (
                "topics".into(),
                Answer::Many(vec!["seo".into(), "ads".into()]),
            ),
        ]),
        consents: ById::from_iter([("content".into(), true), ("news".into(), false)]),
        versions: ById::from_iter([("content".into(), "sha256:00ff".into())]),
        locale: Locale::En,
        id: Some("01JBX6ZK3Y".into()),
        context: Context {
            page: Some("https://acme.example/ebook?utm_source=x".into()),
            referrer: Some("https://search.example/".into()),
            elapsed_ms: Some(12_345),
            trap: Some(String::new()),
            turnstile: Some("token".into()),
        },
    }
}

#[wasm_bindgen_test]
fn a_submission_is_written_byte_for_byte_as_serde_writes_it() {
    for submission in [full_submission(), Submission::default()] {
        let written = to_json(&submission).expect("writes");
        assert_eq!(written, serde_json::to_string(&submission).expect("writes"));
        // What the edge does with it: shared's strict reader.
        let read: Submission = serde_json::from_str(&written).expect("the edge reads it");
        assert_eq!(read, submission);
        assert_eq!(from_json::<Submission>(&written), Ok(submission));
    }
}

#[wasm_bindgen_test]
fn keys_serde_defaults_may_be_absent_inside_fields_consents_and_submissions() {
    let spec: FormSpec = from_json(
        r#"{"format":1,"site":"acme","id":"guide","locales":["es"],
            "heading":{"es":"Guía"},"submit":{"es":"Enviar"},"success":{"es":"Gracias"},
            "offer":{"id":"guide","title":{"es":"Guía"},"description":{"es":"Diez páginas"},
                     "delivery":{"by":"email"}},
            "fields":[{"id":"utm","type":"hidden"}],
            "consents":[{"id":"news","purpose":"marketing_emails","text":{"es":"Acepto."}}]}"#,
    )
    .expect("reads");
    let field = &spec.fields[0];
    assert_eq!(
        (&field.label, field.required, field.priority, &field.options),
        (&Text::default(), false, 0, &Vec::new())
    );
    assert!(!spec.consents[0].required);
    assert_eq!(from_json::<Submission>("{}"), Ok(Submission::default()));
}

#[wasm_bindgen_test]
fn an_id_named_like_a_javascript_internal_is_an_ordinary_key() {
    let mut submission = full_submission();
    submission
        .fields
        .insert("__proto__".into(), Answer::One("kept".into()));
    submission.consents.insert("__proto__".into(), true);
    let written = to_json(&submission).expect("writes");
    let read: Submission = serde_json::from_str(&written).expect("the edge reads it");
    assert_eq!(read, submission);
    assert_eq!(from_json::<Submission>(&written), Ok(submission));
}

#[wasm_bindgen_test]
fn a_bound_beyond_what_a_browser_holds_exactly_still_reads() {
    let mut spec = every_key();
    spec.fields[0].max = Some(10_000_000_000_000_000);
    spec.fields[0].min = Some(-10_000_000_000_000_000);
    let read: FormSpec = from_json(&serde_written(&spec)).expect("reads");
    assert_eq!(read.fields[0].max, spec.fields[0].max);
    assert_eq!(read.fields[0].min, spec.fields[0].min);
    // Past i64 no number is whole in Rust's terms: the key is named.
    let past = serde_written(&spec).replacen("\"max\":10000000000000000", "\"max\":1e19", 1);
    assert_eq!(
        from_json::<FormSpec>(&past),
        Err(Error::Shape { key: "max" })
    );
}
