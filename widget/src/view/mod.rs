//! The form as DOM, rendered from its spec inside a Shadow DOM so the host
//! page's CSS cannot reach in and the form's CSS cannot leak out.

mod controls;
mod dom;

use std::cell::RefCell;

use embudo_shared::spec::field::FieldKind;
use embudo_shared::spec::{Delivery, FormSpec};
use embudo_shared::submission::{Answer, Context};
use embudo_shared::{ById, FieldError, Locale, Submission, Unicode};
use wasm_bindgen::JsCast;
use web_sys::{
    CssStyleSheet, Element, HtmlButtonElement, HtmlElement, HtmlFormElement, HtmlInputElement,
    ShadowRoot, ShadowRootInit, ShadowRootMode,
};

use crate::copy;
use crate::error::{OrDom, Result};
use crate::turnstile::Challenge;
use dom::{append, make, text};

/// `form.css`, minified by `build.rs`.
const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/form.css"));

/// How many visible fields a visitor is asked for at once; the rest come on
/// later visits (progressive profiling).
pub const FIRST_VISIT_FIELDS: usize = 4;

/// How long the success message shows before a redirect offer opens.
const REDIRECT_AFTER_MS: i32 = 1_500;

/// Handles on the rendered form's parts.
pub struct FormView {
    /// Boxed from the moment it is read: moved by pointer through the
    /// async mount and into the view, not copied field by field at each
    /// step (150 bytes less gzipped wasm).
    spec: Box<FormSpec>,
    /// The fields the form shows (or, hidden, fills from the page's address).
    asked: RefCell<Vec<String>>,
    /// The fields the edge already has for this visitor.
    known: RefCell<Vec<String>>,
    /// The Turnstile challenge, when the form asks for one.
    challenge: Option<Challenge>,
    locale: Locale,
    form: HtmlFormElement,
    button: HtmlButtonElement,
    status: Element,
    root: ShadowRoot,
    /// The id of the submission being attempted: the same across retries of
    /// the same answers, so the edge stores it once.
    attempt: RefCell<String>,
    /// When the form was shown (ms since the epoch), for the time to complete.
    shown_at: f64,
}

impl FormView {
    /// Renders the form for `spec` into a new shadow root on `host`, asking
    /// what the `known` fields leave to ask.
    pub fn render(
        host: &Element,
        spec: Box<FormSpec>,
        locale: Locale,
        known: &[String],
    ) -> Result<Self> {
        let root = shadow(host)?;
        let doc = host.owner_document().or_dom("ownerDocument")?;
        let form = make(
            &doc,
            "form",
            // Both its languages are written left to right, whatever the
            // host page's direction (`all: initial` keeps `direction`).
            &[
                ("novalidate", ""),
                ("part", "form"),
                ("lang", locale.tag()),
                ("dir", "ltr"),
            ],
        )?;
        append(
            &form,
            &[
                &text(&doc, "h2", &[("part", "heading")], spec.heading.get(locale))?,
                &text(
                    &doc,
                    "p",
                    &[("class", "offer")],
                    spec.offer.description.get(locale),
                )?,
            ],
        )?;

        let asked: Vec<String> = spec
            .fields_to_ask(known, FIRST_VISIT_FIELDS)
            .into_iter()
            .map(|field| field.id.clone())
            .collect();
        for field in spec.fields.iter().filter(|f| f.kind != FieldKind::Hidden) {
            let wrapper = controls::field(&doc, field, locale)?;
            if !asked.contains(&field.id) {
                // Not asked this time, but there should the edge need it
                // after all ([`FormView::ask_also`]).
                wrapper.set_attribute("hidden", "").or_dom("setAttribute")?;
            }
            append(&form, &[&wrapper])?;
        }
        controls::consents(&doc, &form, &spec.consents, locale)?;
        controls::trap(&doc, &form)?;
        let challenge = match &spec.turnstile {
            Some(turnstile) => {
                let slot = make(
                    &doc,
                    "div",
                    &[("class", "turnstile"), ("part", "turnstile")],
                )?;
                append(&form, &[&slot])?;
                Some(Challenge::render(&doc, &slot, &turnstile.site_key, locale)?)
            }
            None => None,
        };

        let button: HtmlButtonElement = text(
            &doc,
            "button",
            &[("type", "submit"), ("part", "submit")],
            spec.submit.get(locale),
        )?
        .dyn_into()
        .or_dom("button")?;
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
        root.append_child(&form).or_dom("appendChild")?;
        Ok(Self {
            form: form.dyn_into().or_dom("form")?,
            spec,
            asked: RefCell::new(asked),
            known: RefCell::new(known.to_vec()),
            challenge,
            locale,
            button,
            status,
            root,
            attempt: RefCell::new(new_id()),
            shown_at: js_sys::Date::now(),
        })
    }

    /// Shows `message` where the form would be, when it cannot be rendered.
    pub fn render_unavailable(host: &Element, locale: Locale) -> Result<()> {
        let root = shadow(host)?;
        let doc = host.owner_document().or_dom("ownerDocument")?;
        let note = text(
            &doc,
            "p",
            &[("role", "alert")],
            copy::for_locale(locale).unavailable,
        )?;
        root.append_child(&note).or_dom("appendChild")?;
        Ok(())
    }

    /// The form's spec.
    pub fn spec(&self) -> &FormSpec {
        &self.spec
    }

    /// Whether the form asks for a Turnstile challenge the visitor has not
    /// passed yet.
    pub fn awaits_challenge(&self) -> bool {
        self.challenge.as_ref().is_some_and(|c| c.token().is_none())
    }

    /// The visitor's language.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The form element, to listen for `submit`.
    pub fn form(&self) -> &HtmlFormElement {
        &self.form
    }

    /// What the visitor has typed and ticked so far, with the page's UTM
    /// parameters for the hidden fields ([`FormView::checked`] checks it).
    fn read(&self) -> Result<Submission> {
        let mut fields = ById::new();
        for field in self
            .spec
            .fields
            .iter()
            .filter(|f| self.asked.borrow().contains(&f.id))
        {
            let answer = match field.kind {
                FieldKind::Hidden => page_parameter(&field.id).map(Answer::One),
                FieldKind::MultipleChoice => Some(Answer::Many(self.ticked(&field.id)?)),
                _ => Some(Answer::One(self.value(&controls::field_id(&field.id))?)),
            };
            if let Some(answer) = answer {
                fields.insert(field.id.clone(), answer);
            }
        }
        let mut consents = ById::new();
        let mut versions = ById::new();
        for item in &self.spec.consents {
            let checked = self.checkbox(&controls::consent_id(&item.id))?.checked();
            consents.insert(item.id.clone(), checked);
            // The version of the words shown, so the ledger records them
            // even if the form changes before this submission arrives.
            if let Some(shown) = item.versions.as_ref().filter(|_| checked) {
                versions.insert(item.id.clone(), shown.get(self.locale).to_owned());
            }
        }
        let window = web_sys::window().or_dom("window")?;
        let page = window.location().href().ok();
        let referrer = window
            .document()
            .map(|doc| doc.referrer())
            .filter(|r| !r.is_empty());
        Ok(Submission {
            fields,
            consents,
            versions,
            locale: self.locale,
            id: Some(self.attempt.borrow().clone()),
            context: Context {
                page,
                referrer,
                elapsed_ms: Some((js_sys::Date::now() - self.shown_at).max(0.0) as u64),
                trap: Some(self.value(controls::TRAP_ID)?).filter(|t| !t.is_empty()),
                turnstile: self.challenge.as_ref().and_then(Challenge::token),
            },
        })
    }

    /// Starts a new attempt after the edge refused the answers: corrected
    /// answers are a new submission. With a fresh challenge too: the edge
    /// spent the last token on the refused id (siteverify keys a retry by
    /// the submission id), so a new id needs a new token.
    pub fn new_attempt(&self) {
        *self.attempt.borrow_mut() = new_id();
        if let Some(challenge) = &self.challenge {
            challenge.reset();
        }
    }

    /// What the visitor has given, and its problems by shared's rules, as
    /// the edge will find them. A hidden field's answer comes from the
    /// page's address, which the visitor cannot see or correct: one that
    /// does not pass (too long, a control character) is left out rather
    /// than blocking the form for good.
    pub fn checked(&self, unicode: &dyn Unicode) -> Result<(Submission, Vec<FieldError>)> {
        let mut submission = self.read()?;
        let mut problems = submission.problems(&self.spec, unicode, &self.known.borrow());
        let mut dropped = false;
        for problem in &problems {
            let hidden = self.spec.field(&problem.field).map(|f| f.kind) == Some(FieldKind::Hidden);
            if hidden {
                dropped |= submission.fields.remove(&problem.field).is_some();
            }
        }
        if dropped {
            problems = submission.problems(&self.spec, unicode, &self.known.borrow());
        }
        Ok((submission, problems))
    }

    /// Shows the fields `errors` names that the form left out as known: the
    /// edge asks for them when the person who sends is not the one the
    /// visitor token knows (a colleague on the same browser, another
    /// address). Each appears in its place, no longer taken as known, so
    /// the visitor can give it and send again.
    fn ask_also(&self, errors: &[FieldError]) -> Result<()> {
        for field in &self.spec.fields {
            let missing = field.kind != FieldKind::Hidden
                && !self.asked.borrow().contains(&field.id)
                && errors.iter().any(|e| e.field == field.id);
            if missing {
                let control = self.element(&controls::field_id(&field.id))?;
                if let Ok(Some(wrapper)) = control.closest(".field") {
                    wrapper
                        .remove_attribute("hidden")
                        .or_dom("removeAttribute")?;
                }
                self.asked.borrow_mut().push(field.id.clone());
                self.known.borrow_mut().retain(|k| *k != field.id);
            }
        }
        Ok(())
    }

    /// Marks each field or consent in `errors` invalid with its message,
    /// clears the others, and moves focus to the first invalid one.
    pub fn show_field_errors(&self, errors: &[FieldError]) -> Result<()> {
        self.ask_also(errors)?;
        let asked = self.asked.borrow();
        let controls = self
            .spec
            .fields
            .iter()
            .filter(|f| asked.contains(&f.id) && f.kind != FieldKind::Hidden)
            .map(|f| (f.id.as_str(), controls::field_id(&f.id)))
            .chain(
                self.spec
                    .consents
                    .iter()
                    .map(|c| (c.id.as_str(), controls::consent_id(&c.id))),
            );
        let mut first: Option<HtmlElement> = None;
        for (id, element_id) in controls {
            let error = errors.iter().find(|error| error.field == id);
            let control = self.mark(&element_id, error)?;
            if error.is_some() && first.is_none() {
                first = Some(control.unchecked_into());
            }
        }
        match first {
            Some(control) => {
                self.announce(copy::for_locale(self.locale).fix_errors);
                control.focus().or_dom("focus")
            }
            None if !errors.is_empty() => {
                // The edge named nothing the form can show (a field it has
                // no control for): say so rather than nothing.
                let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
                self.announce(&messages.join(" "));
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Checks the field of `control` (the control the visitor just left: an
    /// input, or any checkbox of a multiple choice) and shows or clears its
    /// error, leaving the others and the focus alone. An empty field is not
    /// told it is required until the visitor sends the form, so tabbing
    /// through a group of checkboxes says nothing.
    pub fn check_left(&self, control: &Element, unicode: &dyn Unicode) -> Result<()> {
        // Every control of a field carries its id as `name`, and an element
        // id starting with the field's (a multiple choice's later boxes add
        // `-1`, `-2`...); a consent's or the honeypot's do not.
        let name = control.get_attribute("name").unwrap_or_default();
        let Some(field) = self.spec.fields.iter().find(|f| {
            f.id == name
                && f.kind != FieldKind::Hidden
                && self.asked.borrow().contains(&f.id)
                && control.id().starts_with(&controls::field_id(&f.id))
        }) else {
            return Ok(());
        };
        let (_, errors) = self.checked(unicode)?;
        let error = errors.iter().find(|error| error.field == field.id);
        let first = controls::field_id(&field.id);
        let empty = match field.kind {
            FieldKind::MultipleChoice => self.ticked(&field.id)?.is_empty(),
            _ => self
                .value(&first)
                .map(|v| v.trim().is_empty())
                .unwrap_or(true),
        };
        let showing = self
            .element(&first)?
            .get_attribute("aria-invalid")
            .is_some();
        match error {
            Some(_) if empty && !showing => Ok(()),
            error => self.mark(&first, error).map(|_| ()),
        }
    }

    /// Marks the control `control` invalid with `error`'s message, or clears
    /// it; gives the control back.
    fn mark(&self, control: &str, error: Option<&FieldError>) -> Result<Element> {
        let element = self.element(control)?;
        let slot = self.element(&controls::error_id(control))?;
        match error {
            Some(error) => {
                element
                    .set_attribute("aria-invalid", "true")
                    .or_dom("setAttribute")?;
                slot.set_text_content(Some(&error.message));
            }
            None => {
                element
                    .remove_attribute("aria-invalid")
                    .or_dom("removeAttribute")?;
                slot.set_text_content(None);
            }
        }
        Ok(element)
    }

    /// Shows `message` in the live region, where screen readers announce it.
    pub fn announce(&self, message: &str) {
        self.status.set_text_content(Some(message));
    }

    /// Disables the button while a submission is on its way.
    /// Disabling the focused button drops the focus to the page, so when it
    /// is enabled again and the focus is still nowhere, it goes back to the
    /// button: a keyboard user goes on from where they were, not from the
    /// top of the page. Focus the visitor moved elsewhere stays there.
    pub fn set_busy(&self, busy: bool) {
        self.button.set_disabled(busy);
        self.form
            .set_attribute("aria-busy", if busy { "true" } else { "false" })
            .ok();
        if !busy && self.focus_lost() {
            self.button.focus().ok();
        }
    }

    /// Whether the focus fell to the page's body (its element was disabled
    /// or removed), rather than being somewhere the visitor put it.
    fn focus_lost(&self) -> bool {
        self.form
            .owner_document()
            .and_then(|doc| doc.active_element())
            .is_none_or(|focused| focused.tag_name() == "BODY")
    }

    /// Replaces the fields with the success message (and the download link
    /// of a downloadable offer: the edge's signed one if it gave one) once
    /// the lead is stored, with the link to the visitor's own consent page
    /// when the edge gave one.
    pub fn show_success(
        &self,
        api: &str,
        signed: Option<&str>,
        consent_page: Option<&str>,
    ) -> Result<()> {
        // On the form (its button, most likely), the focus would fall to
        // the page when its element goes: it moves to what comes next.
        let focused_here = self.root.active_element().is_some() || self.focus_lost();
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
        self.announce(self.spec.success.get(self.locale));
        if let Delivery::Redirect { url } = &self.spec.offer.delivery {
            // The offer is a page (a webinar room, a calendar): go there once
            // the visitor has read that it worked, through the edge's signed
            // link when it gave one, so the visit is counted.
            let target = on_edge(api, signed.unwrap_or(url));
            let go = wasm_bindgen::closure::Closure::once_into_js(move || {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().assign(&target);
                }
            });
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    go.unchecked_ref(),
                    REDIRECT_AFTER_MS,
                );
            }
        }
        let copy = copy::for_locale(self.locale);
        let doc = self.form.owner_document().or_dom("ownerDocument")?;
        let form: Element = self.form.clone().into();
        // Where the focus goes on: the offer to download, else the thank-you.
        let mut next = self.status.clone();
        if let Delivery::Download { url } = &self.spec.offer.delivery {
            let href = on_edge(api, signed.unwrap_or(url));
            let link = text(
                &doc,
                "a",
                &[("href", &href), ("download", ""), ("part", "download")],
                copy.download,
            )?;
            append(&form, &[&link])?;
            next = link;
        }
        if let Some(page) = consent_page {
            let href = on_edge(api, page);
            let attributes = [("href", href.as_str()), ("part", "consents")];
            let link = text(&doc, "a", &attributes, copy.consents_page)?;
            append(&form, &[&link])?;
        }
        if focused_here {
            // Focusable by script, never by Tab.
            self.status.set_attribute("tabindex", "-1").ok();
            next.unchecked_into::<HtmlElement>().focus().ok();
        }
        Ok(())
    }

    fn element(&self, id: &str) -> Result<Element> {
        self.root.get_element_by_id(id).or_dom("getElementById")
    }

    fn checkbox(&self, id: &str) -> Result<HtmlInputElement> {
        self.element(id)?.dyn_into().or_dom("checkbox")
    }

    fn value(&self, id: &str) -> Result<String> {
        let element = self.element(id)?;
        if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
            return Ok(input.value());
        }
        if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>() {
            return Ok(select.value());
        }
        let area: web_sys::HtmlTextAreaElement = element.dyn_into().or_dom("control")?;
        Ok(area.value())
    }

    fn ticked(&self, field: &str) -> Result<Vec<String>> {
        let boxes = self
            .root
            .query_selector_all(&format!("input[name=\"{field}\"]:checked"))
            .or_dom("querySelectorAll")?;
        Ok((0..boxes.length())
            .filter_map(|i| boxes.item(i))
            .filter_map(|node| node.dyn_into::<HtmlInputElement>().ok())
            .map(|input| input.value())
            .collect())
    }
}

/// A fresh submission id: a version 4 UUID from the browser's CSPRNG.
/// `getRandomValues`, not `randomUUID`: the latter exists only on https
/// pages, and an allowed `http://` page must get a working form too. A
/// UUID's shape, because the edge gives it to Turnstile's siteverify as the
/// idempotency key of a retry, which must be a UUID.
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    let drawn = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !drawn {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let mut id = String::with_capacity(36);
    for (i, byte) in bytes.into_iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            id.push('-');
        }
        for digit in [byte >> 4, byte & 15] {
            id.extend(char::from_digit(u32::from(digit), 16));
        }
    }
    id
}

fn shadow(host: &Element) -> Result<ShadowRoot> {
    let root = host
        .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .or_dom("attachShadow")?;
    let sheet = CssStyleSheet::new().or_dom("CSSStyleSheet")?;
    sheet.replace_sync(STYLE).or_dom("replaceSync")?;
    root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    Ok(root)
}

/// A query parameter of the page (`utm_source`), for hidden fields.
fn page_parameter(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name).filter(|value| !value.is_empty())
}

/// A link the edge gave: a path on the edge `api` names, or a full URL.
fn on_edge(api: &str, url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", api.trim_end_matches('/'))
    } else {
        url.to_owned()
    }
}
