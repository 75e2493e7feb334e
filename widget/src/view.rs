//! The form as DOM: built inside a Shadow DOM so the host page's CSS cannot
//! reach in and the form's CSS cannot leak out.

use embudo_shared::{FieldError, Locale, Submission};
use wasm_bindgen::JsCast;
use web_sys::{
    CssStyleSheet, Document, Element, HtmlButtonElement, HtmlElement, HtmlFormElement,
    HtmlInputElement, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

use crate::copy;
use crate::error::{OrDom, Result};

const STYLE: &str = include_str!("form.css");

/// The ids of the fields the form shows, in the order a visitor meets them.
pub const FIELDS: [&str; 3] = ["name", "email", "consent"];

/// Handles on the rendered form's parts.
pub struct FormView {
    locale: Locale,
    form: HtmlFormElement,
    name: HtmlInputElement,
    email: HtmlInputElement,
    consent: HtmlInputElement,
    button: HtmlButtonElement,
    status: Element,
    root: ShadowRoot,
}

impl FormView {
    /// Renders an empty form into a new shadow root on `host`.
    pub fn render(host: &Element, locale: Locale) -> Result<Self> {
        let doc = host.owner_document().or_dom("ownerDocument")?;
        let root = host
            .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
            .or_dom("attachShadow")?;
        adopt_style(&root)?;

        let text = copy::for_locale(locale);
        let form = make(
            &doc,
            "form",
            &[("novalidate", ""), ("part", "form"), ("lang", locale.tag())],
        )?;
        let heading = make(&doc, "h2", &[("part", "heading")])?;
        heading.set_text_content(Some(text.heading));
        let intro = make(&doc, "p", &[])?;
        intro.set_text_content(Some(text.intro));
        append(&form, &[&heading, &intro])?;

        let name = text_field(
            &doc,
            &form,
            "name",
            "text",
            text.name,
            &[("autocomplete", "name")],
        )?;
        let email = text_field(
            &doc,
            &form,
            "email",
            "email",
            text.email,
            &[
                ("autocomplete", "email"),
                ("inputmode", "email"),
                ("required", ""),
            ],
        )?;
        let consent = consent_field(&doc, &form, text.consent)?;

        let button: HtmlButtonElement =
            make(&doc, "button", &[("type", "submit"), ("part", "submit")])?
                .dyn_into()
                .or_dom("button")?;
        button.set_text_content(Some(text.submit));
        let status = make(
            &doc,
            "p",
            &[
                ("class", "status"),
                ("role", "status"),
                ("aria-live", "polite"),
            ],
        )?;
        append(&form, &[&button, &status])?;

        let form: HtmlFormElement = form.dyn_into().or_dom("form")?;
        root.append_child(&form).or_dom("appendChild")?;
        Ok(Self {
            locale,
            form,
            name,
            email,
            consent,
            button,
            status,
            root,
        })
    }

    /// The visitor's language.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The form element, to listen for `submit`.
    pub fn form(&self) -> &HtmlFormElement {
        &self.form
    }

    /// What the visitor has typed so far.
    pub fn read(&self) -> Submission {
        Submission {
            name: self.name.value(),
            email: self.email.value(),
            consent: self.consent.checked(),
            locale: self.locale,
        }
    }

    /// Marks each field in `errors` invalid with its message, clears the
    /// others, and moves focus to the first invalid field.
    pub fn show_field_errors(&self, errors: &[FieldError]) -> Result<()> {
        let mut first: Option<HtmlElement> = None;
        for field in FIELDS {
            let input = self.input(field)?;
            let slot = self.error_slot(field)?;
            match errors.iter().find(|error| error.field == field) {
                Some(error) => {
                    input
                        .set_attribute("aria-invalid", "true")
                        .or_dom("setAttribute")?;
                    slot.set_text_content(Some(&error.message));
                    if first.is_none() {
                        first = Some(input.unchecked_into());
                    }
                }
                None => {
                    input
                        .remove_attribute("aria-invalid")
                        .or_dom("removeAttribute")?;
                    slot.set_text_content(None);
                }
            }
        }
        match first {
            Some(input) => {
                self.announce(copy::for_locale(self.locale).fix_errors);
                input.focus().or_dom("focus")
            }
            None => Ok(()),
        }
    }

    /// Shows `message` in the live region, where screen readers announce it.
    pub fn announce(&self, message: &str) {
        self.status.set_text_content(Some(message));
    }

    /// Disables the button while a submission is on its way.
    pub fn set_busy(&self, busy: bool) {
        self.button.set_disabled(busy);
        self.form
            .set_attribute("aria-busy", if busy { "true" } else { "false" })
            .ok();
    }

    /// Replaces the fields with the success message once the lead is stored.
    pub fn show_success(&self) -> Result<()> {
        let text = copy::for_locale(self.locale);
        let children = self.form.children();
        for index in (0..children.length()).rev() {
            if let Some(child) = children.item(index) {
                if child != self.status && child.tag_name() != "H2" {
                    child.remove();
                }
            }
        }
        self.form
            .set_attribute("aria-busy", "false")
            .or_dom("setAttribute")?;
        self.announce(text.success);
        Ok(())
    }

    fn input(&self, field: &str) -> Result<Element> {
        self.root
            .get_element_by_id(&format!("embudo-{field}"))
            .or_dom("getElementById")
    }

    fn error_slot(&self, field: &str) -> Result<Element> {
        self.root
            .get_element_by_id(&format!("embudo-{field}-error"))
            .or_dom("getElementById")
    }
}

fn adopt_style(root: &ShadowRoot) -> Result<()> {
    let sheet = CssStyleSheet::new().or_dom("CSSStyleSheet")?;
    sheet.replace_sync(STYLE).or_dom("replaceSync")?;
    root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    Ok(())
}

fn text_field(
    doc: &Document,
    form: &Element,
    field: &str,
    kind: &str,
    label: &str,
    extra: &[(&str, &str)],
) -> Result<HtmlInputElement> {
    let id = format!("embudo-{field}");
    let error_id = format!("{id}-error");
    let wrapper = make(doc, "div", &[("class", "field")])?;
    let label_el = make(doc, "label", &[("for", &id)])?;
    label_el.set_text_content(Some(label));
    let input = make(
        doc,
        "input",
        &[
            ("id", &id),
            ("name", field),
            ("type", kind),
            ("aria-describedby", &error_id),
        ],
    )?;
    for (name, value) in extra {
        input.set_attribute(name, value).or_dom("setAttribute")?;
    }
    let error = make(doc, "p", &[("id", &error_id), ("class", "error")])?;
    append(&wrapper, &[&label_el, &input, &error])?;
    append(form, &[&wrapper])?;
    input.dyn_into().or_dom("input")
}

fn consent_field(doc: &Document, form: &Element, text: &str) -> Result<HtmlInputElement> {
    let wrapper = make(doc, "div", &[])?;
    let row = make(doc, "div", &[("class", "consent")])?;
    let input = make(
        doc,
        "input",
        &[
            ("id", "embudo-consent"),
            ("name", "consent"),
            ("type", "checkbox"),
            ("required", ""),
            ("aria-describedby", "embudo-consent-error"),
        ],
    )?;
    let label = make(doc, "label", &[("for", "embudo-consent")])?;
    label.set_text_content(Some(text));
    append(&row, &[&input, &label])?;
    let error = make(
        doc,
        "p",
        &[("id", "embudo-consent-error"), ("class", "error")],
    )?;
    append(&wrapper, &[&row, &error])?;
    append(form, &[&wrapper])?;
    input.dyn_into().or_dom("input")
}

fn make(doc: &Document, tag: &str, attributes: &[(&str, &str)]) -> Result<Element> {
    let element = doc.create_element(tag).or_dom("createElement")?;
    for (name, value) in attributes {
        element.set_attribute(name, value).or_dom("setAttribute")?;
    }
    Ok(element)
}

fn append(parent: &Element, children: &[&Element]) -> Result<()> {
    for child in children {
        parent.append_child(child).or_dom("appendChild")?;
    }
    Ok(())
}
