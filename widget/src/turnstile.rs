//! Cloudflare Turnstile, for forms whose spec asks for it: Cloudflare's
//! script is loaded only then (once per page, lazily), the challenge is
//! rendered in the form, and its latest token travels with the submission
//! for the edge to verify. Turnstile brings its own global, `turnstile`; a
//! page with a CSP must allow `https://challenges.cloudflare.com` in
//! `script-src` and `frame-src`.

use std::cell::RefCell;
use std::rc::Rc;

use embudo_shared::Locale;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

use crate::error::{OrDom, Result};

/// Cloudflare's script, in explicit-render mode.
pub const SCRIPT: &str = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
/// The id the script element gets, so several forms load it once.
const SCRIPT_ID: &str = "embudo-turnstile";

/// One form's challenge: the token it last gave, if any is current, and
/// the id Turnstile gave the rendered challenge (to reset it).
#[derive(Clone, Default)]
pub struct Challenge {
    token: Rc<RefCell<Option<String>>>,
    widget: Rc<RefCell<Option<JsValue>>>,
}

impl Challenge {
    /// Loads Turnstile if the page has not, then renders the challenge for
    /// `site_key` into `slot`.
    pub fn render(doc: &Document, slot: &Element, site_key: &str, locale: Locale) -> Result<Self> {
        let challenge = Self::default();
        let show = {
            let (slot, site_key, challenge) =
                (slot.clone(), site_key.to_owned(), challenge.clone());
            move || {
                if let Err(error) = challenge.show(&slot, &site_key, locale) {
                    web_sys::console::warn_1(&format!("[embudo] Turnstile: {error}").into());
                }
            }
        };
        let loaded = js_sys::Reflect::get(&js_sys::global(), &"turnstile".into())
            .map(|t| !t.is_undefined())
            .unwrap_or(false);
        if loaded {
            show();
            return Ok(challenge);
        }
        let script = match doc.get_element_by_id(SCRIPT_ID) {
            Some(script) => script,
            None => {
                let script = doc.create_element("script").or_dom("createElement")?;
                script.set_id(SCRIPT_ID);
                script.set_attribute("src", SCRIPT).or_dom("setAttribute")?;
                script.set_attribute("async", "").or_dom("setAttribute")?;
                doc.query_selector("head")
                    .ok()
                    .flatten()
                    .or_dom("head")?
                    .append_child(&script)
                    .or_dom("appendChild")?;
                script
            }
        };
        let on_load = Closure::once_into_js(show);
        script
            .add_event_listener_with_callback("load", on_load.unchecked_ref())
            .or_dom("addEventListener")?;
        Ok(challenge)
    }

    /// The current token, if the visitor passed and it has not expired.
    pub fn token(&self) -> Option<String> {
        self.token.borrow().clone()
    }

    /// Forgets the token and asks Turnstile for a new challenge: the edge
    /// refused the last token (spent, or expired while the submission
    /// waited to be sent).
    pub fn reset(&self) {
        *self.token.borrow_mut() = None;
        let Some(widget) = self.widget.borrow().clone() else {
            return;
        };
        if let Ok((turnstile, reset)) = method("reset") {
            let _ = reset.call1(&turnstile, &widget);
        }
    }

    fn show(&self, slot: &Element, site_key: &str, locale: Locale) -> Result<()> {
        let (turnstile, render) = method("render")?;
        let passed = {
            let token = Rc::clone(&self.token);
            Closure::<dyn FnMut(String)>::new(move |given: String| {
                *token.borrow_mut() = Some(given)
            })
        };
        let lapsed = {
            let token = Rc::clone(&self.token);
            Closure::<dyn FnMut()>::new(move || *token.borrow_mut() = None)
        };
        let options = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&options, &key.into(), value);
        set("sitekey", &site_key.into()).or_dom("options")?;
        set("language", &locale.tag().into()).or_dom("options")?;
        set("callback", passed.as_ref()).or_dom("options")?;
        set("expired-callback", lapsed.as_ref()).or_dom("options")?;
        set("error-callback", lapsed.as_ref()).or_dom("options")?;
        let widget = render
            .call2(&turnstile, slot, &options)
            .or_dom("turnstile.render")?;
        *self.widget.borrow_mut() = Some(widget);
        // The callbacks live as long as the challenge, which is the page's life.
        passed.forget();
        lapsed.forget();
        Ok(())
    }
}

/// Turnstile's global and its method `name`, to call on it; an error while
/// Cloudflare's script has not defined them.
fn method(name: &'static str) -> Result<(JsValue, js_sys::Function)> {
    let turnstile =
        js_sys::Reflect::get(&js_sys::global(), &"turnstile".into()).or_dom("turnstile")?;
    let method = js_sys::Reflect::get(&turnstile, &name.into())
        .or_dom(name)?
        .dyn_into()
        .or_dom(name)?;
    Ok((turnstile, method))
}
