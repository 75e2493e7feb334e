//! Embudo's embeddable lead-capture widget.
//!
//! The embed loader (`loader/embed.js`, served minified as `/embed.js`)
//! fetches this wasm and calls [`mount`] with the element the form goes into.
//! The widget fetches the form's spec from the edge, renders it, and checks
//! the visitor's answers with `embudo-shared` before sending them, so the
//! browser's verdict matches the edge's.

pub mod browser;
pub mod copy;
pub mod edge;
pub mod error;
pub mod outbox;
pub mod turnstile;
pub mod view;
pub mod visitor;

use std::cell::RefCell;
use std::rc::Rc;

use embudo_shared::{FormSpec, Locale};
use embudo_widget_json::Read;
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, Element, Event};

use browser::Browser;
use edge::Verdict;
use error::OrDom;
pub use error::{Error, Result};
use outbox::Letter;
use view::FormView;

/// Talc in place of Rust's default wasm allocator (dlmalloc): the same job
/// in fewer bytes of every visitor's download.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

thread_local! {
    /// The submissions this page is sending now, so that a flush of the
    /// outbox never sends one twice at the same time. A few at most, so a
    /// list: a set's removal code would cost the wasm more than it saves.
    static IN_FLIGHT: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Fetches the spec of `form` from the edge at `api` and renders it into
/// `host`. `locale` is a BCP 47 tag (`es`, `en-GB`); unknown ones get Spanish.
/// If the form cannot be loaded the visitor reads why, in place of the form.
#[wasm_bindgen]
pub async fn mount(
    host: Element,
    form: String,
    api: String,
    locale: String,
) -> std::result::Result<(), JsValue> {
    let locale = Locale::from_tag(&locale);
    // Whatever an earlier page could not deliver goes first, and again
    // whenever the browser comes back online (another tab may have kept
    // something meanwhile).
    flush(&host, &api);
    flush_when_online(&host, &api);
    match edge::fetch_spec(&api, &form).await {
        Ok(spec) => {
            let known = known_fields(&api, &spec).await;
            start(&host, spec, api, locale, &known).map_err(JsValue::from)
        }
        Err(error) => {
            FormView::render_unavailable(&host, locale)?;
            Err(error.into())
        }
    }
}

/// Sends what earlier pages kept in the outbox for the edge at `api`, and
/// again whenever the browser comes back online. The loader calls it on a
/// page whose forms may never be shown (a popup not opened, a form never
/// scrolled to), so a kept submission need not wait for one; its events go
/// to the document.
#[wasm_bindgen(js_name = sendKept)]
pub fn send_kept(api: String) {
    let page = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element());
    if let Some(page) = page {
        flush(&page, &api);
        flush_when_online(&page, &api);
    }
}

/// What the edge already knows of a returning visitor (nothing for a
/// first-timer, or when it cannot say).
async fn known_fields(api: &str, spec: &FormSpec) -> Vec<String> {
    let Some(token) = visitor::token(&spec.site) else {
        return Vec::new();
    };
    match edge::fetch_known(api, &spec.id, &token).await {
        Ok(known) => known,
        Err(Error::Server { status: 403 }) => {
            visitor::forget(&spec.site);
            Vec::new()
        }
        Err(_) => Vec::new(),
    }
}

/// Renders `spec` into `host`, asking what `known` (the fields the edge
/// already has for this visitor) leaves to ask, and wires its submission to
/// the edge at `api`.
pub fn start(
    host: &Element,
    spec: Box<FormSpec>,
    api: String,
    locale: Locale,
    known: &[String],
) -> Result<()> {
    let view = Rc::new(FormView::render(host, spec, locale, known)?);
    let host = host.clone();
    listen(&view, move |view| {
        let api = api.clone();
        let host = host.clone();
        wasm_bindgen_futures::spawn_local(async move { submit(&view, &host, &api).await });
    })
}

/// Renders a draft `spec` into `host` as a visitor would see it, for the
/// dashboard's form editor: the answers are checked as the real form checks
/// them, and nothing is ever sent.
#[wasm_bindgen]
pub fn preview(host: Element, spec: JsValue, locale: String) -> std::result::Result<(), JsValue> {
    let spec = FormSpec::read(spec).map_err(Error::from)?;
    let view = Rc::new(FormView::render(
        &host,
        Box::new(spec),
        Locale::from_tag(&locale),
        &[],
    )?);
    listen(&view, |view| {
        let checked = view.checked(&Browser).and_then(|(_, problems)| {
            view.show_field_errors(&problems)?;
            if problems.is_empty() {
                view.announce(copy::for_locale(view.locale()).preview);
            }
            Ok(())
        });
        report(&view, checked);
    })
    .map_err(JsValue::from)
}

/// Checks each field as the visitor leaves it, and hands the form's submit
/// to `on_submit`.
fn listen(view: &Rc<FormView>, on_submit: impl Fn(Rc<FormView>) + 'static) -> Result<()> {
    let on_submit = {
        let view = Rc::clone(view);
        Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            on_submit(Rc::clone(&view));
        })
    };
    let on_leave = {
        let view = Rc::clone(view);
        Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let left = event.target().and_then(|t| t.dyn_into::<Element>().ok());
            if let Some(control) = left {
                report(&view, view.check_left(&control, &Browser));
            }
        })
    };
    let form = view.form();
    form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())
        .or_dom("addEventListener")?;
    form.add_event_listener_with_callback("focusout", on_leave.as_ref().unchecked_ref())
        .or_dom("addEventListener")?;
    // The listeners live as long as the form does, which is the page's life.
    on_submit.forget();
    on_leave.forget();
    Ok(())
}

async fn submit(view: &FormView, host: &Element, api: &str) {
    let (submission, problems) = match view.checked(&Browser) {
        Ok(checked) => checked,
        Err(error) => return report(view, Err(error)),
    };
    report(view, view.show_field_errors(&problems));
    if !problems.is_empty() {
        return;
    }
    if view.awaits_challenge() {
        return view.announce(copy::for_locale(view.locale()).challenge);
    }
    let body = match edge::encode(&submission) {
        Ok(body) => body,
        Err(error) => return report(view, Err(error)),
    };
    let letter = Letter {
        site: view.spec().site.clone(),
        id: submission.id.clone().unwrap_or_default(),
        api: api.to_owned(),
        form: view.spec().id.clone(),
        body,
        tries: 0,
        written: js_sys::Date::now(),
    };
    // Kept before it is sent: from here on, closing the page loses nothing
    // (if the browser keeps it: the first wait tells the visitor if not).
    // Claimed first, so a flush (on `online`) leaves it to this send. The
    // id is new (a refusal starts another, a stored one ends the form, and
    // the button stays disabled while it is sent), so no one holds it yet.
    let claimed = claim(&letter.id);
    debug_assert!(claimed, "a form's own submission was already being sent");
    outbox::keep(&letter);
    emit(host, "embudo:submit", &letter, None);
    view.set_busy(true);
    let copy = copy::for_locale(view.locale());
    view.announce(copy.sending);
    let waiting = |kept| view.announce(if kept { copy.saved } else { copy.unsaved });
    let verdict = deliver(letter.clone(), &waiting).await;
    view.set_busy(false);
    if !matches!(verdict, Verdict::Stored { .. } | Verdict::Later { .. }) {
        // Refused, so nothing is stored under this id: what the visitor
        // sends next is a new submission, never a 409 for reusing the id.
        view.new_attempt();
    }
    let outcome = match &verdict {
        Verdict::Stored {
            offer,
            consent_page,
            ..
        } => view.show_success(api, offer.as_deref(), consent_page.as_deref()),
        Verdict::Refused(fields) => view.show_field_errors(fields),
        Verdict::Challenged => {
            // new_attempt (above) gave a fresh challenge.
            view.announce(copy.challenge_again);
            Ok(())
        }
        Verdict::Rejected { status } => Err(Error::Server { status: *status }),
        Verdict::Later { .. } => Ok(()),
    };
    emit_verdict(host, &letter, &verdict);
    report(view, outcome);
}

/// Marks the submission `id` as being sent by this page; false if it
/// already is. Checked and marked at once, before a send is spawned: two
/// forms mounting in the same tick (or a flush on `online` beside a form's
/// own send) then never send a kept submission twice, nor tell the page
/// twice that it was stored.
fn claim(id: &str) -> bool {
    IN_FLIGHT.with(|sending| {
        let mut sending = sending.borrow_mut();
        let idle = !sending.iter().any(|sent| sent == id);
        if idle {
            sending.push(id.to_owned());
        }
        idle
    })
}

/// Sends the claimed `letter` until the edge settles it, keeping it in
/// the outbox in the meantime; `waiting` is called each time it has to
/// wait, told whether the browser kept it. `waiting` is a `dyn Fn`, not a
/// generic, so the form's send and the outbox's flush share one compiled
/// loop (140 bytes less gzipped wasm).
async fn deliver(mut letter: Letter, waiting: &dyn Fn(bool)) -> Verdict {
    let verdict = loop {
        letter.tries += 1;
        match edge::send(&letter.api, &letter.form, &letter.body).await {
            Verdict::Later { retry_after, .. } => {
                waiting(outbox::keep(&letter));
                let jitter = js_sys::Math::random();
                browser::pause(outbox::wait_ms(letter.tries, retry_after, jitter)).await;
            }
            settled => break settled,
        }
    };
    outbox::settle(&letter.id);
    IN_FLIGHT.with(|sending| sending.borrow_mut().retain(|id| *id != letter.id));
    verdict
}

/// Sends, in the background, what earlier pages left in the outbox for the
/// edge at `api`; the widget's events for them go to `host`.
fn flush(host: &Element, api: &str) {
    for letter in outbox::letters() {
        if letter.api == api && claim(&letter.id) {
            let host = host.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let verdict = deliver(letter.clone(), &|_| {}).await;
                emit_verdict(&host, &letter, &verdict);
            });
        }
    }
}

/// Flushes the outbox each time the browser comes back online, for as long
/// as the page lives: what another tab kept while offline is sent from here
/// without waiting for the next page load.
fn flush_when_online(host: &Element, api: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (host, api) = (host.clone(), api.to_owned());
    let on_online = Closure::<dyn FnMut()>::new(move || flush(&host, &api));
    let _ = window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
    on_online.forget();
}

/// `embudo:success` or `embudo:error` on the host, for the site's analytics;
/// a stored submission's visitor token is kept for the next visit.
fn emit_verdict(host: &Element, letter: &Letter, verdict: &Verdict) {
    match verdict {
        Verdict::Stored { visitor: token, .. } => {
            if let Some(token) = token {
                visitor::keep(&letter.site, token);
            }
            emit(host, "embudo:success", letter, None)
        }
        Verdict::Refused(_) => emit(host, "embudo:error", letter, Some(422)),
        Verdict::Challenged => emit(host, "embudo:error", letter, Some(403)),
        Verdict::Rejected { status } => emit(host, "embudo:error", letter, Some(*status)),
        Verdict::Later { .. } => {}
    }
}

/// Dispatches the DOM event `name` on the host element, with the form and
/// submission ids (and the edge's status for an error) as `detail`. It
/// bubbles out of the shadow root so the page can listen on `document`.
/// A host no longer in the page (a popup closed while its submission was
/// still being retried) passes the event to `document` itself, so the
/// site's analytics still hear of it.
fn emit(host: &Element, name: &str, letter: &Letter, status: Option<u16>) {
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"form".into(), &letter.form.as_str().into());
    let _ = js_sys::Reflect::set(&detail, &"submission".into(), &letter.id.as_str().into());
    if let Some(status) = status {
        let _ = js_sys::Reflect::set(&detail, &"status".into(), &status.into());
    }
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) else {
        return;
    };
    match host.owner_document().filter(|_| !host.is_connected()) {
        Some(document) => document.dispatch_event(&event),
        None => host.dispatch_event(&event),
    }
    .ok();
}

/// Tells the visitor about a failure in their language, and the console
/// about its cause.
fn report(view: &FormView, outcome: Result<()>) {
    if let Err(error) = outcome {
        view.announce(error.message(view.locale()));
        web_sys::console::warn_1(&JsValue::from_str(&format!("[embudo] {error}")));
    }
}
