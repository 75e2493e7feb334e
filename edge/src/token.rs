//! Values the edge hands out and later takes back, signed so a client
//! cannot forge or alter them: offer links and visitor tokens. The
//! signature is HMAC-SHA256 over the parts joined by newlines (no part holds
//! one), in hex, checked in constant time.

use subtle::ConstantTimeEq;
use worker::Env;

use crate::digest::hmac_sha256_hex;
use crate::error::{Error, Result};

/// The Worker secret `name`, which a route cannot work without: a missing
/// one is [`Error::NotConfigured`] (503), never a guess.
pub fn key(env: &Env, name: &'static str) -> Result<String> {
    env.secret(name)
        .map(|secret| secret.to_string())
        .map_err(|_| Error::NotConfigured { what: name })
}

/// The signature of `parts` under `key`.
pub fn sign(key: &str, parts: &[&str]) -> String {
    hmac_sha256_hex(key.as_bytes(), parts.join("\n").as_bytes())
}

/// Whether `signature` is that of `parts` under `key`.
pub fn verify(key: &str, parts: &[&str], signature: &str) -> bool {
    !key.is_empty() && bool::from(sign(key, parts).as_bytes().ct_eq(signature.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_covers_every_part_and_the_key() {
        let sig = sign("k", &["demo", "abc12345", "100"]);
        assert_eq!(sig.len(), 64);
        assert!(verify("k", &["demo", "abc12345", "100"], &sig));
        assert!(!verify("k", &["demo", "abc12345", "101"], &sig));
        assert!(!verify("k", &["demo", "abc12346", "100"], &sig));
        assert!(!verify("k2", &["demo", "abc12345", "100"], &sig));
        assert!(!verify("k", &["demo\nabc12345", "100"], &sig[..63]));
        assert!(!verify("", &["x"], &sign("", &["x"])), "no key, no pass");
    }
}
