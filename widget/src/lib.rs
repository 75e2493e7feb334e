//! Embudo's embeddable lead-capture widget.
//!
//! The embed loader (`www/embed.js`) fetches this wasm and calls [`mount`]
//! with the element the form goes into. Everything the visitor sees and every
//! check on their input is here; the checks themselves come from
//! `embudo-shared`, so the browser's verdict matches the edge's.

pub mod copy;
pub mod error;
pub mod submit;
pub mod view;

use std::rc::Rc;

use embudo_shared::{Error as Invalid, Locale};
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event};

use error::OrDom;
pub use error::{Error, Result};
use submit::Verdict;
use view::FormView;

/// Renders the form for `form` into `host` and wires its submission to the
/// edge at `api`. `locale` is a BCP 47 tag (`es`, `en-GB`); unknown ones get
/// Spanish.
#[wasm_bindgen]
pub fn mount(
    host: Element,
    form: String,
    api: String,
    locale: String,
) -> std::result::Result<(), JsValue> {
    let view = Rc::new(FormView::render(&host, Locale::from_tag(&locale))?);
    let target = Target { form, api };
    let on_submit = {
        let view = Rc::clone(&view);
        Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            let view = Rc::clone(&view);
            let target = target.clone();
            wasm_bindgen_futures::spawn_local(async move { submit(&view, &target).await });
        })
    };
    view.form()
        .add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())
        .or_dom("addEventListener")?;
    // The listener lives as long as the form does, which is the page's life.
    on_submit.forget();
    Ok(())
}

/// Where a form's submissions go.
#[derive(Clone)]
struct Target {
    form: String,
    api: String,
}

async fn submit(view: &FormView, target: &Target) {
    let submission = view.read();
    if let Err(Invalid::Invalid { fields }) = submission.validate() {
        report(view, view.show_field_errors(&fields));
        return;
    }
    report(view, view.show_field_errors(&[]));
    view.set_busy(true);
    view.announce(copy::for_locale(view.locale()).sending);
    let outcome = match submit::send(&target.api, &target.form, &submission).await {
        Ok(Verdict::Stored) => view.show_success(),
        Ok(Verdict::Refused(fields)) => view.show_field_errors(&fields),
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
