//! The widget's form in a real browser (headless Chromium through
//! wasm-bindgen-test): what a visitor sees and what happens when they submit.

#![allow(missing_docs)]

use embudo_widget::mount;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlFormElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// Mounts a form with an API address nothing listens on: these tests must
/// never reach a server.
fn mounted(locale: &str) -> ShadowRoot {
    let host = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    mount(
        host.clone(),
        "demo-ebook".into(),
        "http://127.0.0.1:9".into(),
        locale.into(),
    )
    .expect("mounts");
    host.shadow_root().expect("an open shadow root")
}

fn find(root: &ShadowRoot, selector: &str) -> Element {
    root.query_selector(selector)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("{selector} is rendered"))
}

fn input(root: &ShadowRoot, selector: &str) -> HtmlInputElement {
    find(root, selector).unchecked_into()
}

fn label_of(root: &ShadowRoot, id: &str) -> String {
    find(root, &format!("label[for={id}]"))
        .text_content()
        .unwrap_or_default()
}

/// Submits the form the way a click on the button does, then lets the
/// widget's async handler run.
async fn submit(root: &ShadowRoot) {
    let form: HtmlFormElement = find(root, "form").unchecked_into();
    form.request_submit().expect("submit");
    for _ in 0..3 {
        JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL))
            .await
            .expect("tick");
    }
}

#[wasm_bindgen_test]
fn renders_labelled_fields_and_an_unticked_consent_in_spanish() {
    let root = mounted("es-ES");
    assert_eq!(label_of(&root, "embudo-name"), "Nombre");
    assert_eq!(label_of(&root, "embudo-email"), "Correo electrónico");
    assert!(label_of(&root, "embudo-consent").starts_with("Acepto"));
    let email = input(&root, "#embudo-email");
    assert_eq!(email.type_(), "email");
    assert_eq!(
        email.get_attribute("autocomplete").as_deref(),
        Some("email")
    );
    assert!(
        !input(&root, "#embudo-consent").checked(),
        "consent is never pre-ticked"
    );
}

#[wasm_bindgen_test]
fn speaks_english_when_the_page_does() {
    let root = mounted("en-GB");
    assert_eq!(label_of(&root, "embudo-email"), "E-mail");
    assert_eq!(
        find(&root, "form").get_attribute("lang").as_deref(),
        Some("en")
    );
}

#[wasm_bindgen_test]
async fn a_bad_email_is_flagged_on_its_field_without_a_request() {
    let root = mounted("en");
    input(&root, "#embudo-email").set_value("ana@");
    input(&root, "#embudo-consent").set_checked(true);
    submit(&root).await;

    let email = input(&root, "#embudo-email");
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    let error = find(&root, "#embudo-email-error")
        .text_content()
        .unwrap_or_default();
    assert!(error.contains("name@company.com"), "{error}");
    assert_eq!(
        email.get_attribute("aria-describedby").as_deref(),
        Some("embudo-email-error")
    );
    assert_eq!(
        root.active_element(),
        Some(email.unchecked_into()),
        "focus moves to the field"
    );
    assert_eq!(
        find(&root, "[role=status]").text_content().as_deref(),
        Some("Please check the marked fields.")
    );
    assert!(input(&root, "#embudo-consent")
        .get_attribute("aria-invalid")
        .is_none());
}

#[wasm_bindgen_test]
async fn missing_consent_is_asked_for_in_the_visitors_language() {
    let root = mounted("es");
    input(&root, "#embudo-email").set_value("ana@example.com");
    submit(&root).await;
    let error = find(&root, "#embudo-consent-error")
        .text_content()
        .unwrap_or_default();
    assert_eq!(
        error,
        "Necesitamos tu consentimiento para enviarte el contenido."
    );
}

#[wasm_bindgen_test]
fn the_host_pages_css_does_not_reach_the_form() {
    let style = document().create_element("style").expect("style");
    style.set_text_content(Some("input { display: none !important; }"));
    document()
        .head()
        .expect("head")
        .append_child(&style)
        .expect("append");
    let root = mounted("es");
    let email = find(&root, "#embudo-email");
    let shown = web_sys::window()
        .expect("window")
        .get_computed_style(&email)
        .ok()
        .flatten()
        .and_then(|css| css.get_property_value("display").ok());
    style.remove();
    assert_eq!(shown.as_deref(), Some("block"));
}

#[wasm_bindgen_test]
fn the_edges_field_errors_are_read_from_its_problem_document() {
    use embudo_shared::error::FieldErrorCode;
    use embudo_widget::submit::{refused, Verdict};

    let body = r#"{"type":"urn:embudo:problem:invalid-fields","title":"Some fields are invalid",
        "status":422,"detail":"1 field(s) are invalid",
        "errors":[{"field":"email","code":"invalid","message":"Revisa tu correo."}]}"#;
    let Ok(Verdict::Refused(fields)) = refused(js_sys::JSON::parse(body).expect("json")) else {
        panic!("a 422 with errors is a refusal");
    };
    assert_eq!(fields.len(), 1);
    assert_eq!(
        (fields[0].field.as_str(), fields[0].code),
        ("email", FieldErrorCode::Invalid)
    );

    let no_fields = js_sys::JSON::parse(r#"{"status":422,"errors":[]}"#).expect("json");
    assert_eq!(refused(no_fields), Err(embudo_widget::Error::Answer));
}
