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
    let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
    if !is_json(&content_type) {
        return Err(Error::UnsupportedMediaType {
            found: if content_type.is_empty() {
                "nothing".into()
            } else {
                content_type
            },
        });
    }
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

/// Reads `req`'s JSON body as `T`: declared type, size, then shape.
pub async fn read<T: DeserializeOwned>(req: &mut Request) -> Result<T> {
    check_headers(req)?;
    parse(&req.bytes().await?)
}

/// Whether a `Content-Type` value names JSON (`application/json`, with or
/// without parameters such as `charset=utf-8`).
pub fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
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
    fn broken_json_says_where_it_breaks() {
        match parse::<Submission>(br#"{"email": "#) {
            Err(Error::MalformedJson { reason }) => assert!(reason.contains("line 1"), "{reason}"),
            other => panic!("expected MalformedJson, got {other:?}"),
        }
    }
}
