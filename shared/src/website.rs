//! Web addresses as people type them (`empresa.com`, `https://empresa.com/es`).

use crate::domain::{ascii_domain, is_dotted_domain};
use crate::unicode::Unicode;

/// The address in normal form: `https://` added when no scheme is given, the
/// host in lower-case ASCII. `None` for anything but an http(s) address on a
/// dotted domain.
pub fn normalize(raw: &str, unicode: &dyn Unicode) -> Option<String> {
    let text = raw.trim();
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") => ("https", rest),
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => ("http", rest),
        Some(_) => return None,
        None => ("https", text),
    };
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, Some(port))
        }
        Some(_) => return None,
        None => (authority, None),
    };
    let host = ascii_domain(host, unicode)?;
    if !is_dotted_domain(&host) {
        return None;
    }
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    Some(format!("{scheme}://{host}{port}{path}"))
}

#[cfg(all(test, feature = "unicode"))]
mod tests {
    use super::normalize;
    use crate::unicode::Tables;

    fn web(raw: &str) -> Option<String> {
        normalize(raw, &Tables)
    }

    #[test]
    fn completes_and_normalises_what_people_type() {
        assert_eq!(web("Empresa.com").as_deref(), Some("https://empresa.com"));
        assert_eq!(
            web("HTTP://www.Empresa.com:8080/Precios?x=1").as_deref(),
            Some("http://www.empresa.com:8080/Precios?x=1")
        );
        assert_eq!(
            web("bücher.example/es").as_deref(),
            Some("https://xn--bcher-kva.example/es")
        );
    }

    #[test]
    fn refuses_other_schemes_and_non_addresses() {
        for bad in [
            "javascript:alert(1)",
            "ftp://empresa.com",
            "empresa",
            "https://user@empresa.com",
            "empresa .com",
            "https://empresa.com:port",
            "data:text/html,<b>",
            "http://192.168.1.1",
            "empresa.123",
        ] {
            assert_eq!(web(bad), None, "{bad}");
        }
    }
}
