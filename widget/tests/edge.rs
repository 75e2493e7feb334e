//! The edge's answers as the widget reads them, in a real browser: the
//! 201's extras and a 422's field errors.

#![allow(missing_docs)]

use embudo_shared::FieldErrorCode;
use embudo_widget::edge::{self, Verdict};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn parsed(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("JSON")
}

#[wasm_bindgen_test]
fn a_stored_answer_gives_the_offer_link_token_and_consent_page() {
    // The shape of the edge's 201 (`SubmissionAnswer` in its OpenAPI).
    let answer = parsed(
        r#"{"submission_id":"s1",
            "consents":[{"consent":"content","purpose":"content_delivery"}],
            "offer":{"url":"/v1/offers/demo-ebook?sig=abc","expires":1765670400},
            "visitor":"v.token","consent_page":"/v1/consents/s1?sig=def"}"#,
    );
    assert_eq!(
        edge::stored(answer),
        Verdict::Stored {
            offer: Some("/v1/offers/demo-ebook?sig=abc".into()),
            visitor: Some("v.token".into()),
            consent_page: Some("/v1/consents/s1?sig=def".into()),
        }
    );
}

#[wasm_bindgen_test]
fn a_stored_answer_without_extras_or_unreadable_is_still_stored() {
    let nothing = Verdict::Stored {
        offer: None,
        visitor: None,
        consent_page: None,
    };
    assert_eq!(edge::stored(parsed(r#"{"submission_id":"s1"}"#)), nothing);
    assert_eq!(edge::stored(parsed(r#"{"offer":{"href":1}}"#)), nothing);
    assert_eq!(edge::stored(JsValue::UNDEFINED), nothing);
}

#[wasm_bindgen_test]
fn a_refusal_names_each_field_and_its_code() {
    let problem = parsed(
        r#"{"type":"about:blank","title":"Unprocessable","status":422,
            "errors":[{"field":"email","code":"invalid_email","message":"Revisa el correo."},
                      {"field":"content","code":"consent_required","message":"Hace falta."}]}"#,
    );
    let Ok(Verdict::Refused(errors)) = edge::refused(problem) else {
        panic!("a refusal");
    };
    let read: Vec<(&str, FieldErrorCode)> =
        errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
    assert_eq!(
        read,
        [
            ("email", FieldErrorCode::InvalidEmail),
            ("content", FieldErrorCode::ConsentRequired)
        ]
    );
    assert!(edge::refused(parsed(r#"{"status":422}"#)).is_err());
}
