//! The widget's form in a real browser (headless Chromium through
//! wasm-bindgen-test), rendered from the demo form's spec: what a visitor sees
//! and what happens when they submit.

#![allow(missing_docs)]

use embudo_shared::{FieldErrorCode, FormSpec, Locale};
use embudo_widget::edge::{refused, Verdict};
use embudo_widget::start;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlFormElement, HtmlInputElement, HtmlSelectElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

fn demo() -> FormSpec {
    FormSpec::from_toml(include_str!("../../edge/forms/demo-ebook.toml")).expect("sound spec")
}

/// A new element at the end of the page, for a form to render into.
fn new_host() -> Element {
    let host = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&host)
        .expect("append");
    host
}

/// Renders `spec` with an API address nothing listens on: these tests must
/// never reach a server.
fn mounted_spec(spec: FormSpec, locale: Locale) -> ShadowRoot {
    let host = new_host();
    start(
        &host,
        Box::new(spec),
        "http://127.0.0.1:9".into(),
        locale,
        &[],
    )
    .expect("renders");
    host.shadow_root().expect("an open shadow root")
}

/// Renders the demo form.
fn mounted(locale: Locale) -> ShadowRoot {
    mounted_spec(demo(), locale)
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

/// Whether the control `selector` is in the form and its field shown.
fn shown(root: &ShadowRoot, selector: &str) -> bool {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|control| control.closest(".field").ok().flatten())
        .is_some_and(|field| computed(&field, "display").as_deref() != Some("none"))
}

/// The browser's computed value of `property` for `element`.
fn computed(element: &Element, property: &str) -> Option<String> {
    web_sys::window()
        .expect("window")
        .get_computed_style(element)
        .ok()
        .flatten()
        .and_then(|css| css.get_property_value(property).ok())
}

fn error_of(root: &ShadowRoot, id: &str) -> String {
    find(root, &format!("#{id}-error"))
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
fn renders_the_first_fields_of_the_spec_labelled_in_spanish() {
    let root = mounted(Locale::Es);
    assert_eq!(
        find(&root, "h2").text_content().as_deref(),
        Some("Descarga la guía gratis")
    );
    assert_eq!(
        label_of(&root, "embudo-f-email"),
        "Correo electrónico de trabajo"
    );
    assert_eq!(label_of(&root, "embudo-f-first_name"), "Nombre");
    assert_eq!(label_of(&root, "embudo-f-company"), "Empresa");
    assert_eq!(label_of(&root, "embudo-f-job_role"), "Cargo");
    assert!(
        !shown(&root, "#embudo-f-phone"),
        "later fields wait for a later visit"
    );
    let email = input(&root, "#embudo-f-email");
    assert_eq!(email.type_(), "email");
    assert_eq!(
        email.get_attribute("autocomplete").as_deref(),
        Some("email")
    );
    assert!(email.has_attribute("required"));
    assert_eq!(
        input(&root, "#embudo-f-job_role")
            .get_attribute("autocomplete")
            .as_deref(),
        Some("organization-title")
    );
}

#[wasm_bindgen_test]
fn consents_are_unticked_in_a_fieldset_with_a_legend_and_their_exact_text() {
    let root = mounted(Locale::En);
    assert_eq!(
        find(&root, "fieldset.consents legend")
            .text_content()
            .as_deref(),
        Some("Consent")
    );
    let spec = demo();
    for item in &spec.consents {
        let id = format!("embudo-c-{}", item.id);
        assert!(
            !input(&root, &format!("#{id}")).checked(),
            "{} is never pre-ticked",
            item.id
        );
        assert_eq!(label_of(&root, &id), item.text.get(Locale::En));
    }
}

#[wasm_bindgen_test]
async fn a_bad_email_is_flagged_on_its_field_without_a_request() {
    let root = mounted(Locale::En);
    input(&root, "#embudo-f-email").set_value("ana@");
    input(&root, "#embudo-f-first_name").set_value("Ana");
    input(&root, "#embudo-c-content").set_checked(true);
    submit(&root).await;

    let email = input(&root, "#embudo-f-email");
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(error_of(&root, "embudo-f-email").contains("name@company.com"));
    assert_eq!(
        email.get_attribute("aria-describedby").as_deref(),
        Some("embudo-f-email-error")
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
    assert!(input(&root, "#embudo-c-content")
        .get_attribute("aria-invalid")
        .is_none());
}

#[wasm_bindgen_test]
async fn every_problem_is_shown_at_once_in_the_visitors_language() {
    let root = mounted(Locale::Es);
    submit(&root).await;
    assert_eq!(
        error_of(&root, "embudo-f-email"),
        "Este campo es obligatorio."
    );
    assert_eq!(
        error_of(&root, "embudo-f-first_name"),
        "Este campo es obligatorio."
    );
    assert_eq!(
        error_of(&root, "embudo-c-content"),
        "Necesitamos tu consentimiento para enviarte el contenido."
    );
    assert_eq!(
        error_of(&root, "embudo-c-newsletter"),
        "",
        "optional consents stay quiet"
    );
    assert_eq!(
        error_of(&root, "embudo-f-company"),
        "",
        "optional fields stay quiet"
    );
}

#[wasm_bindgen_test]
fn choice_fields_offer_the_specs_options() {
    let mut spec = demo();
    spec.fields
        .iter_mut()
        .for_each(|f| f.priority = if f.id == "company_size" { 0 } else { 9 });
    let root = mounted_spec(spec, Locale::En);
    let select: HtmlSelectElement = find(&root, "select#embudo-f-company_size").unchecked_into();
    assert_eq!(select.length(), 6, "an empty choice and five sizes");
    assert_eq!(select.value(), "", "nothing is chosen for the visitor");
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
    let root = mounted(Locale::Es);
    let email = find(&root, "#embudo-f-email");
    let shown = computed(&email, "display");
    style.remove();
    assert_eq!(shown.as_deref(), Some("block"));
}

#[wasm_bindgen_test]
fn the_edges_field_errors_are_read_from_its_problem_document() {
    let body = r#"{"type":"urn:embudo:problem:invalid-fields","title":"Some fields are invalid",
        "status":422,"detail":"1 field(s) are invalid",
        "errors":[{"field":"email","code":"invalid_email","message":"Revisa tu correo."}]}"#;
    let Ok(Verdict::Refused(fields)) = refused(js_sys::JSON::parse(body).expect("json")) else {
        panic!("a 422 with errors is a refusal");
    };
    assert_eq!(fields.len(), 1);
    assert_eq!(
        (fields[0].field.as_str(), fields[0].code),
        ("email", FieldErrorCode::InvalidEmail)
    );

    let no_fields = js_sys::JSON::parse(r#"{"status":422,"errors":[]}"#).expect("json");
    assert_eq!(refused(no_fields), Err(embudo_widget::Error::Answer));
}

/// Dispatches `focusout` from `control`, as leaving it does.
fn leave(root: &ShadowRoot, selector: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    let left = web_sys::CustomEvent::new_with_event_init_dict("focusout", &init).expect("event");
    find(root, selector)
        .dispatch_event(&left)
        .expect("dispatch");
}

#[wasm_bindgen_test]
async fn a_required_multiple_choice_is_quiet_while_tabbed_through_and_cleared_by_any_tick() {
    let toml = format!(
        "{}\n{}",
        include_str!("../../edge/forms/demo-ebook.toml"),
        r#"[[fields]]
id = "topics"
type = "multiple_choice"
required = true
priority = 0
label = { es = "Temas", en = "Topics" }
options = [
  { value = "seo", label = { es = "SEO", en = "SEO" } },
  { value = "ads", label = { es = "Anuncios", en = "Ads" } },
]"#
    );
    let spec = FormSpec::from_toml(&toml).expect("sound spec");
    let root = mounted_spec(spec, Locale::En);
    let first = input(&root, "#embudo-f-topics");
    leave(&root, "#embudo-f-topics");
    assert!(
        first.get_attribute("aria-invalid").is_none(),
        "not told off mid-group"
    );
    assert_eq!(error_of(&root, "embudo-f-topics"), "");

    submit(&root).await;
    assert_eq!(first.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        error_of(&root, "embudo-f-topics"),
        "This field is required."
    );

    input(&root, "#embudo-f-topics-1").set_checked(true);
    leave(&root, "#embudo-f-topics-1");
    assert!(
        first.get_attribute("aria-invalid").is_none(),
        "a tick on the second box clears it"
    );
    assert_eq!(error_of(&root, "embudo-f-topics"), "");
}

#[wasm_bindgen_test]
fn a_utm_value_that_does_not_pass_is_left_out_rather_than_blocking_the_form() {
    let history = web_sys::window()
        .expect("window")
        .history()
        .expect("history");
    let page = document()
        .location()
        .expect("location")
        .href()
        .expect("href");
    history
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some("?utm_source=news%0Aletter&utm_campaign=guia"),
        )
        .expect("replaceState");
    let host = new_host();
    let view = embudo_widget::view::FormView::render(&host, Box::new(demo()), Locale::En, &[])
        .expect("renders");
    let root = host.shadow_root().expect("shadow root");
    input(&root, "#embudo-f-email").set_value("ana@empresa.example");
    input(&root, "#embudo-f-first_name").set_value("Ana");
    input(&root, "#embudo-c-content").set_checked(true);
    let checked = view.checked(&embudo_widget::browser::Browser);
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&page))
        .expect("replaceState");
    let (submission, problems) = checked.expect("reads");
    assert_eq!(
        problems,
        vec![],
        "nothing the visitor could not correct stops them"
    );
    assert!(
        !submission.fields.contains_key("utm_source"),
        "the value with a line break is left out"
    );
    assert!(
        submission.fields.contains_key("utm_campaign"),
        "a sound one is kept"
    );
}

#[wasm_bindgen_test]
fn on_a_right_to_left_page_the_form_reads_left_to_right_and_widens_nothing() {
    let html = document().document_element().expect("html");
    html.set_attribute("dir", "rtl").expect("dir");
    let root = mounted(Locale::Es);
    let form = find(&root, "form");
    let direction = computed(&form, "direction");
    let (wide, shown) = (html.scroll_width(), html.client_width());
    html.remove_attribute("dir").expect("dir");
    assert_eq!(direction.as_deref(), Some("ltr"));
    assert!(
        wide <= shown,
        "the honeypot widened the page: {wide} > {shown}"
    );
}

#[wasm_bindgen_test]
fn the_live_region_is_rendered_before_it_has_anything_to_say() {
    let root = mounted(Locale::Es);
    let status = find(&root, "[role=status]");
    assert_eq!(status.text_content().as_deref(), Some(""));
    let display = computed(&status, "display");
    assert_ne!(
        display.as_deref(),
        Some("none"),
        "a region shown only with its first words is often not announced"
    );
}

#[wasm_bindgen_test]
fn a_turnstile_challenge_wider_than_a_narrow_form_is_shown_whole() {
    let root = mounted(Locale::Es);
    let host = root.host();
    host.set_attribute("style", "width: 280px").expect("style");
    // Turnstile draws its challenge 300 px wide whatever room it has.
    let challenge = document().create_element("div").expect("div");
    challenge
        .set_attribute("style", "width: 300px; height: 65px; background: #eee")
        .expect("style");
    find(&root, "form")
        .append_child(&challenge)
        .expect("append");
    challenge.scroll_into_view();
    let edge = challenge.get_bounding_client_rect();
    let (x, y) = (edge.right() - 2.0, edge.top() + 2.0);
    let seen = root.element_from_point(x as f32, y as f32);
    host.remove();
    assert_eq!(
        seen.as_ref(),
        Some(&challenge),
        "the challenge's right edge is cut off by the form"
    );
}

#[wasm_bindgen_test]
fn an_http_page_without_random_uuid_still_gets_a_form_and_submission_ids() {
    // `crypto.randomUUID` exists only on https pages; sites may allow http.
    let prototype = js_sys::Reflect::get(&js_sys::global(), &"Crypto".into())
        .and_then(|crypto| js_sys::Reflect::get(&crypto, &"prototype".into()))
        .expect("Crypto.prototype");
    let random_uuid = js_sys::Reflect::get(&prototype, &"randomUUID".into()).expect("randomUUID");
    js_sys::Reflect::delete_property(
        prototype.unchecked_ref::<js_sys::Object>(),
        &"randomUUID".into(),
    )
    .expect("delete");
    let host = new_host();
    let view = embudo_widget::view::FormView::render(&host, Box::new(demo()), Locale::Es, &[]);
    let first = view.as_ref().ok().and_then(|view| {
        let id = |view: &embudo_widget::view::FormView| {
            view.checked(&embudo_widget::browser::Browser)
                .ok()
                .and_then(|(submission, _)| submission.id)
        };
        let first = id(view);
        view.new_attempt();
        first.zip(id(view))
    });
    js_sys::Reflect::set(&prototype, &"randomUUID".into(), &random_uuid).expect("restore");
    let (first, second) = first.expect("the form renders and has a submission id");
    // A UUID: the edge gives it to Turnstile as an idempotency key.
    let shaped = |id: &str| {
        id.len() == 36
            && id.char_indices().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_hexdigit(),
            })
    };
    assert!(shaped(&first), "{first}");
    assert_ne!(first, second, "each attempt its own id");
}

#[wasm_bindgen_test]
fn a_field_the_edge_needs_but_the_form_took_as_known_is_asked_for() {
    // A colleague on the same browser: the visitor token knows a name, but
    // the address typed is a new person's, so the edge needs one.
    let known = ["first_name".to_owned(), "company".to_owned()];
    let host = new_host();
    let view = embudo_widget::view::FormView::render(&host, Box::new(demo()), Locale::En, &known)
        .expect("renders");
    let root = host.shadow_root().expect("shadow root");
    assert!(!shown(&root, "#embudo-f-first_name"), "taken as known");
    let required = embudo_shared::FieldError {
        field: "first_name".into(),
        code: FieldErrorCode::Required,
        message: "This field is required.".into(),
    };
    view.show_field_errors(&[required]).expect("shown");

    let name = input(&root, "#embudo-f-first_name");
    assert!(shown(&root, "#embudo-f-first_name"));
    assert_eq!(label_of(&root, "embudo-f-first_name"), "First name");
    assert_eq!(name.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        error_of(&root, "embudo-f-first_name"),
        "This field is required."
    );
    let focused = root.active_element().map(|e| e.id());
    assert_eq!(focused.as_deref(), Some("embudo-f-first_name"));
    // Asked now, so the form holds the visitor to it before sending.
    input(&root, "#embudo-f-email").set_value("colega@empresa.example");
    let (_, problems) = view
        .checked(&embudo_widget::browser::Browser)
        .expect("reads");
    assert!(
        problems.iter().any(|p| p.field == "first_name"),
        "{problems:?}"
    );
    name.set_value("Colega");
    let (submission, problems) = view
        .checked(&embudo_widget::browser::Browser)
        .expect("reads");
    assert!(
        !problems.iter().any(|p| p.field == "first_name"),
        "{problems:?}"
    );
    assert!(submission.fields.contains_key("first_name"));
    host.remove();
}
