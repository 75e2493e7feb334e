//! Embudo's embeddable lead-capture widget.
//!
//! The embed loader (`www/embed.js`) fetches this wasm and calls [`mount`]
//! with the element the form goes into. The widget fetches the form's spec
//! from the edge, renders it, and checks the visitor's answers with
//! `embudo-shared` before sending them, so the browser's verdict matches the
//! edge's.

pub mod browser;
pub mod copy;
pub mod edge;
pub mod error;
pub mod view;

use std::rc::Rc;

use embudo_shared::{Error as Invalid, FormSpec, Locale};
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

use browser::Browser;
use edge::Verdict;
use error::OrDom;
pub use error::{Error, Result};
use view::FormView;

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
    match edge::fetch_spec(&api, &form).await {
        Ok(spec) => start(&host, spec, api, locale).map_err(JsValue::from),
        Err(error) => {
            FormView::render_unavailable(&host, locale)?;
            Err(error.into())
        }
    }
}

/// Renders `spec` into `host` and wires its submission to the edge at `api`.
pub fn start(host: &Element, spec: FormSpec, api: String, locale: Locale) -> Result<()> {
    let view = Rc::new(FormView::render(host, spec, locale)?);
    let on_submit = {
        let view = Rc::clone(&view);
        Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            let view = Rc::clone(&view);
            let api = api.clone();
            wasm_bindgen_futures::spawn_local(async move { submit(&view, &api).await });
        })
    };
    view.form()
        .add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())
        .or_dom("addEventListener")?;
    // The listener lives as long as the form does, which is the page's life.
    on_submit.forget();
    Ok(())
}

async fn submit(view: &FormView, api: &str) {
    let submission = match view.read() {
        Ok(submission) => submission,
        Err(error) => return report(view, Err(error)),
    };
    if let Err(Invalid::Invalid { fields }) = submission.validate(view.spec(), &Browser) {
        return report(view, view.show_field_errors(&fields));
    }
    report(view, view.show_field_errors(&[]));
    view.set_busy(true);
    view.announce(copy::for_locale(view.locale()).sending);
    let outcome = match edge::send(api, &view.spec().id, &submission).await {
        Ok(Verdict::Stored { offer }) => view.show_success(api, offer.as_deref()),
        Ok(Verdict::Refused(fields)) => {
            view.new_attempt();
            view.show_field_errors(&fields)
        }
        Err(error) => Err(error),
    };
    view.set_busy(false);
    report(view, outcome);
}

/// Tells the visitor about a failure in their language, and the console
/// about its cause.
fn report(view: &FormView, outcome: Result<()>) {
    if let Err(error) = outcome {
        view.announce(error.message(view.locale()));
        web_sys::console::warn_1(&JsValue::from_str(&format!("[embudo] {error}")));
    }
}
