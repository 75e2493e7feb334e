//! The few HTML pages the edge shows people rather than programs: a link
//! that does not work, and the visitor's own consent page. Each is one
//! small document under a policy that loads nothing but its stylesheet and
//! runs nothing, whose forms post only back to the edge, and that no other
//! site can frame.

use std::borrow::Cow;

use worker::Response;

use crate::error::Result;

/// The policy every page is served with: its only resource is the
/// stylesheet the site serves beside the edge (`www/pages.css`).
const POLICY: &str =
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A page in `lang` titled `title` whose `<main>` holds `body` (HTML,
/// already escaped), answered with `status`, never cached and never
/// naming its address to another site (it may carry a signed link).
pub fn html(status: u16, lang: &str, title: &str, body: &str) -> Result<Response> {
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"stylesheet\" href=\"/pages.css\">\
         <title>{}</title></head><body><main>{body}</main></body></html>",
        text(title)
    );
    let mut response = Response::from_html(html)?.with_status(status);
    let headers = response.headers_mut();
    headers.set("Cache-Control", "no-store")?;
    headers.set("Content-Security-Policy", POLICY)?;
    headers.set("Referrer-Policy", "no-referrer")?;
    Ok(response)
}

/// What a link that was altered or forged gets, in Spanish and English.
pub const TAMPERED: [&str; 2] = [
    "Este enlace no es válido. Usa el enlace exacto que recibiste.",
    "This link is not valid. Use the exact link you were given.",
];

/// A page saying why a signed link does not work, `[es, en]`: whoever
/// follows a broken link may read either, and the edge cannot tell which.
pub fn link_refused(status: u16, [es, en]: [&str; 2]) -> Result<Response> {
    html(
        status,
        "es",
        &status.to_string(),
        &format!("<h1>{es}</h1><p lang=\"en\">{en}</p>"),
    )
}

/// `value` escaped for the text between two tags.
pub fn text(value: &str) -> Cow<'_, str> {
    html_escape::encode_text(value)
}

/// `value` escaped for a double-quoted attribute.
pub fn attribute(value: &str) -> Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_cannot_open_markup() {
        assert_eq!(text("<b>&</b>"), "&lt;b&gt;&amp;&lt;/b&gt;");
        let quoted = attribute("\"><script>");
        assert!(!quoted.contains('"'), "{quoted}");
        assert!(!quoted.contains('<'), "{quoted}");
    }
}
