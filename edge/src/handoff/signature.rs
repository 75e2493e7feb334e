//! How receivers know an event came from Embudo: every delivery carries
//! `Embudo-Signature: t=<unix seconds>,v1=<hex>`, where the hex is the
//! HMAC-SHA256 of `<t>.<body>` under the endpoint's signing secret (the
//! scheme Stripe's webhooks use). The timestamp lets a receiver refuse old
//! replays.
//!
//! An endpoint's secret is derived from the Worker secret
//! `WEBHOOK_SIGNING_KEY` and the endpoint's id, so D1 holds no secret.

use worker::Env;

use crate::digest::hmac_sha256_hex;
use crate::error::{Error, Result};

/// The Worker secret every endpoint's signing secret is derived from.
pub const KEY_SECRET: &str = "WEBHOOK_SIGNING_KEY";
/// The header the signature travels in.
pub const HEADER: &str = "Embudo-Signature";

/// The signing secret of webhook endpoint `webhook_id`, as its owner
/// configures it in the receiving system.
pub fn secret_for(key: &str, webhook_id: &str) -> String {
    format!(
        "whsec_{}",
        hmac_sha256_hex(key.as_bytes(), format!("webhook:{webhook_id}").as_bytes())
    )
}

/// The same, with the key read from the Worker's secrets.
pub fn secret(env: &Env, webhook_id: &str) -> Result<String> {
    let key = env
        .secret(KEY_SECRET)
        .map_err(|_| Error::NotConfigured { what: KEY_SECRET })?
        .to_string();
    Ok(secret_for(&key, webhook_id))
}

/// The `Embudo-Signature` value for `body` sent at `timestamp`.
pub fn header(secret: &str, timestamp: u64, body: &str) -> String {
    let signed = format!("{timestamp}.{body}");
    format!(
        "t={timestamp},v1={}",
        hmac_sha256_hex(secret.as_bytes(), signed.as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_endpoint_has_its_own_secret_and_the_signature_covers_time_and_body() {
        let a = secret_for("key", "crm");
        assert!(a.starts_with("whsec_") && a.len() == 6 + 64, "{a}");
        assert_ne!(a, secret_for("key", "slack"));
        assert_ne!(a, secret_for("other-key", "crm"));

        let signed = header(&a, 1_700_000_000, r#"{"id":"evt_1"}"#);
        assert!(signed.starts_with("t=1700000000,v1="), "{signed}");
        assert_ne!(signed, header(&a, 1_700_000_001, r#"{"id":"evt_1"}"#));
        assert_ne!(signed, header(&a, 1_700_000_000, r#"{"id":"evt_2"}"#));
    }
}
