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
