//! Reading a JSON request body safely: declared type, bounded size, clear
//! errors for anything else.

use serde::de::DeserializeOwned;
use worker::Request;

use crate::error::{Error, Result};

/// The largest body the edge reads, in bytes. A form submission is a few
/// hundred bytes; anything near this is a mistake or an attack.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Checks that `req` declares `application/json` and is small enough, before
/// any of it is read.
pub fn check_headers(req: &Request) -> Result<()> {
    check_type(req)?;
    check_length(req)
}

/// The type of a JSON body.
const JSON: &str = "application/json";
/// The type of an HTML form's body.
const FORM: &str = "application/x-www-form-urlencoded";

/// Checks that `req` declares `application/json`.
fn check_type(req: &Request) -> Result<()> {
    check_declared(req, JSON)
}

/// Checks that `req` declares `expected` (its parameters aside).
fn check_declared(req: &Request, expected: &'static str) -> Result<()> {
    let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
    if is(&content_type, expected) {
        return Ok(());
    }
    Err(Error::UnsupportedMediaType {
        found: if content_type.is_empty() {
            "nothing".into()
        } else {
            content_type
        },
        expected,
    })
}

/// Checks that the length `req` declares, if any, is small enough.
fn check_length(req: &Request) -> Result<()> {
    let declared = req.headers().get("Content-Length")?;
    if let Some(length) = declared.and_then(|value| value.trim().parse::<usize>().ok()) {
        if length > MAX_BODY_BYTES {
            return Err(Error::PayloadTooLarge {
                limit: MAX_BODY_BYTES,
            });
        }
    }
    Ok(())
}

/// Parses `bytes` as `T`, refusing oversize input before parsing it.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(Error::PayloadTooLarge {
            limit: MAX_BODY_BYTES,
        });
    }
    serde_json::from_slice(bytes).map_err(|error| Error::MalformedJson {
        reason: error.to_string(),
    })
}

/// Reads `req`'s JSON body as `T`: declared type, size, control
/// characters, then shape. For every body but a visitor's submission, which
/// [`parse`]s its own so `shared` can name a bad field in the visitor's
/// language.
pub async fn read<T: DeserializeOwned>(req: &mut Request) -> Result<T> {
    check_headers(req)?;
    checked(&req.bytes().await?)
}

/// [`read`] for a body that may be left out: none at all gives
/// `T::default()`, whatever type it declares; any other must be JSON.
pub async fn read_or_default<T: DeserializeOwned + Default>(req: &mut Request) -> Result<T> {
    check_length(req)?;
    let bytes = req.bytes().await?;
    if bytes.is_empty() {
        return Ok(T::default());
    }
    check_type(req)?;
    checked(&bytes)
}

/// `bytes` read as `T`: size, control characters, then shape.
fn checked<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let value: serde_json::Value = parse(bytes)?;
    if let Some(path) = control_at(&value, "") {
        return Err(Error::bad_body(
            format!("{path}: no control characters, such as NUL"),
            format!("{path}: sin caracteres de control, como NUL"),
        ));
    }
    serde_json::from_value(value).map_err(|error| Error::MalformedJson {
        reason: error.to_string(),
    })
}

/// The path (`fields[2].label.en`) of the first string or key in `value`
/// holding a control character other than a line break or a tab, if any.
/// D1 refuses a NUL inside text, and the others are never writing: no name,
/// note, spec text or address a person means holds one.
fn control_at(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    let at = |inner: &str| {
        if path.is_empty() {
            inner.trim_start_matches('.').to_owned()
        } else {
            format!("{path}{inner}")
        }
    };
    match value {
        Value::String(text) => has_control(text).then(|| at("")),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, item)| control_at(item, &at(&format!("[{index}]")))),
        Value::Object(entries) => entries.iter().find_map(|(key, item)| {
            let inner = at(&format!(".{}", key.escape_debug()));
            if has_control(key) {
                Some(inner)
            } else {
                control_at(item, &inner)
            }
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// Whether `text` holds a control character that is not a line break or tab.
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Whether a `Content-Type` value names JSON (`application/json`, with or
/// without parameters such as `charset=utf-8`).
pub fn is_json(content_type: &str) -> bool {
    is(content_type, JSON)
}

/// Whether `content_type` is `expected`, whatever its parameters and case.
fn is(content_type: &str, expected: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(expected)
}

/// Reads `req`'s body as the fields of a plain HTML form (the edge's own
/// pages post them): declared type and size checked first.
pub async fn read_form(req: &mut Request) -> Result<Vec<(String, String)>> {
    check_declared(req, FORM)?;
    check_length(req)?;
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(Error::PayloadTooLarge {
            limit: MAX_BODY_BYTES,
        });
    }
    Ok(form_urlencoded::parse(&bytes).into_owned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use embudo_shared::Submission;

    #[test]
    fn json_is_recognised_with_parameters_and_any_case() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/jsonp"));
        assert!(!is_json(""));
    }

    #[test]
    fn oversize_bodies_are_refused_before_parsing() {
        let body = vec![b' '; MAX_BODY_BYTES + 1];
        assert!(matches!(
            parse::<Submission>(&body),
            Err(Error::PayloadTooLarge { .. })
        ));
    }

    #[test]
    fn control_characters_are_named_by_their_path() {
        let body: serde_json::Value = serde_json::json!({
            "name": "call back\n\ttomorrow",
            "spec": {"fields": [{"label": {"en": "ok"}}, {"label": {"es": "a\u{0}b"}}]},
        });
        assert_eq!(
            control_at(&body, ""),
            Some("spec.fields[1].label.es".into())
        );
        for refused in ["a\u{0}b", "bell\u{7}", "esc\u{1b}[2J", "del\u{7f}"] {
            let body = serde_json::json!({ "note": refused });
            assert_eq!(control_at(&body, ""), Some("note".into()), "{refused:?}");
        }
        let key = serde_json::json!({ "a\u{0}": 1 });
        assert!(control_at(&key, "").is_some());
        assert_eq!(control_at(&serde_json::json!(["fine", 1, null]), ""), None);
        assert_eq!(
            control_at(&serde_json::json!("a\u{0}"), ""),
            Some(String::new())
        );
    }

    #[test]
    fn broken_json_says_where_it_breaks() {
        match parse::<Submission>(br#"{"email": "#) {
            Err(Error::MalformedJson { reason }) => assert!(reason.contains("line 1"), "{reason}"),
            other => panic!("expected MalformedJson, got {other:?}"),
        }
    }
}
