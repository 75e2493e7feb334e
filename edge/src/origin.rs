//! Which web pages may send submissions to a site's forms: the site's
//! allowed origins, checked on every post and preflight, and echoed in the
//! CORS headers of allowed ones.

use embudo_shared::Text;
use worker::{Request, Response};

use crate::error::{Error, Result};

/// The verdict on a request's origin.
#[derive(Debug, PartialEq, Eq)]
pub enum Caller {
    /// A browser page on an allowed origin: answers carry CORS headers for it.
    Page(String),
    /// No browser origin (a server, curl): nothing to check or echo.
    Server,
}

/// Checks the request's `Origin` (and `Sec-Fetch-Site` when there is no
/// `Origin`) against `allowed`.
pub fn check(req: &Request, allowed: &[String]) -> Result<Caller> {
    let origin = req.headers().get("Origin")?;
    let fetch_site = req.headers().get("Sec-Fetch-Site")?;
    decide(origin.as_deref(), fetch_site.as_deref(), allowed)
}

/// The decision, apart from the request, for tests.
pub fn decide(
    origin: Option<&str>,
    fetch_site: Option<&str>,
    allowed: &[String],
) -> Result<Caller> {
    match origin {
        Some(origin) if allowed.iter().any(|pattern| matches(pattern, origin)) => {
            Ok(Caller::Page(origin.to_owned()))
        }
        Some(origin) => Err(Error::OriginRefused {
            origin: origin.to_owned(),
        }),
        // A browser always sends Origin on a cross-site POST; one that says
        // cross-site without it is not to be trusted.
        None if fetch_site == Some("cross-site") => Err(Error::OriginRefused {
            origin: "a cross-site page".into(),
        }),
        None => Ok(Caller::Server),
    }
}

/// Whether `origin` fits `pattern`: equal (ignoring case), or with a pattern
/// port of `*` matching any port of the same scheme and host.
pub fn matches(pattern: &str, origin: &str) -> bool {
    if pattern.eq_ignore_ascii_case(origin) {
        return true;
    }
    let Some(prefix) = pattern.strip_suffix(":*") else {
        return false;
    };
    match origin.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            host.eq_ignore_ascii_case(prefix)
        }
        _ => false,
    }
}

/// Why `pattern` cannot be an allowed origin, if it cannot: it must be an
/// origin as browsers send it (`https://host` or `http://host:port`, no
/// path, lower-case), or one with the port `*` (any port: local
/// development).
pub fn pattern_problem(pattern: &str) -> Option<Text> {
    let concrete = pattern.strip_suffix(":*").unwrap_or(pattern);
    let Ok(url) = worker::Url::parse(concrete) else {
        return Some(Text::said(
            format!("{pattern:?} is not an origin like https://www.example.com"),
            format!("{pattern:?} no es un origen como https://www.example.com"),
        ));
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Some(Text::said(
            format!("{pattern:?}: only http and https pages can embed a form"),
            format!("{pattern:?}: solo las páginas http y https pueden incrustar un formulario"),
        ));
    }
    let origin = url.origin().ascii_serialization();
    if origin != concrete || (concrete != pattern && url.port().is_some()) {
        return Some(Text::said(
            format!("{pattern:?} is not an origin as browsers send it: write {origin:?} (no path, no trailing slash)"),
            format!("{pattern:?} no es un origen tal como lo envían los navegadores: escribe {origin:?} (sin ruta ni barra final)"),
        ));
    }
    None
}

/// Adds the CORS headers an allowed page needs to read the answer.
pub fn allow(mut response: Response, caller: &Caller) -> worker::Result<Response> {
    if let Caller::Page(origin) = caller {
        let headers = response.headers_mut();
        headers.set("Access-Control-Allow-Origin", origin)?;
        headers.set("Vary", "Origin")?;
        // The widget's outbox waits as long as a 429 or 503 asks, and can
        // tell a replayed answer.
        headers.set(
            "Access-Control-Expose-Headers",
            "Retry-After, Idempotent-Replayed",
        )?;
    }
    Ok(response)
}

/// The answer to a page's request, success or problem alike, with the CORS
/// headers an allowed page needs to read it.
pub fn answer(outcome: crate::Result<Response>, caller: &Caller) -> crate::Result<Response> {
    let response = match outcome {
        Ok(response) => response,
        Err(error) => error.into_response()?,
    };
    Ok(allow(response, caller)?)
}

/// The answer to a CORS preflight from an allowed page.
pub fn preflight(caller: &Caller) -> worker::Result<Response> {
    let mut response = Response::empty()?.with_status(204);
    let headers = response.headers_mut();
    headers.set("Access-Control-Allow-Methods", "POST")?;
    headers.set("Access-Control-Allow-Headers", "Content-Type")?;
    headers.set("Access-Control-Max-Age", "86400")?;
    allow(response, caller)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        vec!["https://acme.example".into(), "http://127.0.0.1:*".into()]
    }

    #[test]
    fn only_listed_origins_pass() {
        assert_eq!(
            decide(Some("https://acme.example"), None, &allowed()).ok(),
            Some(Caller::Page("https://acme.example".into()))
        );
        assert!(decide(Some("https://evil.example"), None, &allowed()).is_err());
        assert!(decide(Some("https://acme.example.evil.example"), None, &allowed()).is_err());
        assert!(decide(Some("null"), None, &allowed()).is_err());
    }

    #[test]
    fn a_star_port_matches_any_port_of_that_host_only() {
        assert!(matches("http://127.0.0.1:*", "http://127.0.0.1:8787"));
        assert!(!matches("http://127.0.0.1:*", "http://127.0.0.1"));
        assert!(!matches("http://127.0.0.1:*", "https://127.0.0.1:8787"));
        assert!(!matches("http://127.0.0.1:*", "http://127.0.0.10:8787"));
    }

    #[test]
    fn only_origins_as_browsers_send_them_can_be_allowed() {
        for good in [
            "https://acme.example",
            "http://127.0.0.1:*",
            "https://www.acme.example:8443",
        ] {
            assert_eq!(pattern_problem(good), None, "{good}");
        }
        for bad in [
            "acme.example",
            "https://acme.example/",
            "https://acme.example/landing",
            "HTTPS://ACME.example",
            "ftp://acme.example",
            "https://acme.example:443",
            "http://127.0.0.1:80:*",
            "*",
        ] {
            assert!(pattern_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn servers_pass_but_cross_site_browsers_without_origin_do_not() {
        assert_eq!(decide(None, None, &allowed()).ok(), Some(Caller::Server));
        assert!(decide(None, Some("cross-site"), &allowed()).is_err());
        assert_eq!(
            decide(None, Some("same-origin"), &allowed()).ok(),
            Some(Caller::Server)
        );
    }
}
