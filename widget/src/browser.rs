//! The browser's own Unicode support, so the widget validates exactly as the
//! edge does without shipping Unicode tables in its wasm.

use embudo_shared::Unicode;

/// [`Unicode`] through `String.prototype.normalize` and the WHATWG URL parser.
pub struct Browser;

impl Unicode for Browser {
    fn nfc(&self, text: &str) -> String {
        js_sys::JsString::from(text)
            .normalize("NFC")
            .as_string()
            .unwrap_or_else(|| text.to_owned())
    }

    fn domain_to_ascii(&self, domain: &str) -> Option<String> {
        if domain.contains(['/', '?', '#', '@', ':', '\\', '%']) {
            return None;
        }
        let url = web_sys::Url::new(&format!("http://{domain}/")).ok()?;
        Some(url.hostname())
    }
}

/// Waits `ms` milliseconds, or less if the browser comes back online (the
/// moment a kept submission is worth sending again).
///
/// Its `online` listener is removed once the wait is over, whichever ended
/// it, so retries waiting out a long outage do not pile listeners up.
pub async fn pause(ms: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let mut wake = None;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        let _ = window.add_event_listener_with_callback("online", &resolve);
        wake = Some(resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    if let Some(wake) = wake {
        let _ = window.remove_event_listener_with_callback("online", &wake);
    }
}

/// The page's `localStorage`, if the browser gives one: it can be missing
/// or refused (a sandboxed frame, strict privacy settings), and the widget
/// then works without keeping anything.
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
