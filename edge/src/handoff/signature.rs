//! How receivers know an event came from Embudo: every delivery carries
//! `Embudo-Signature: t=<unix seconds>,v1=<hex>`, where the hex is the
//! HMAC-SHA256 of `<t>.<body>` under the endpoint's signing secret (the
//! scheme Stripe's webhooks use). The timestamp lets a receiver refuse old
//! replays.
//!
//! An endpoint's secret is derived from the Worker secret
//! `WEBHOOK_SIGNING_KEY`, the endpoint's id and its generation, so D1 holds
//! no secret. Rolling the secret (`endpoints::roll`) moves the endpoint to
//! its next generation; while the secret it replaced is still honoured, each
//! event carries a second `v1=` signed with it, so a receiver that has not
//! switched yet keeps accepting events.

use worker::Env;

use crate::digest::hmac_sha256_hex;
use crate::error::Result;

/// The Worker secret every endpoint's signing secret is derived from.
pub const KEY_SECRET: &str = "WEBHOOK_SIGNING_KEY";
/// The header the signature travels in.
pub const HEADER: &str = "Embudo-Signature";

/// The columns of `webhooks w` that say which secrets sign an endpoint's
/// events now: its generation, and whether the previous one still signs.
pub const COLUMNS: &str = "w.secret_generation,
    coalesce(w.previous_secret_until > strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 0) AS previous_signs";

/// Which of an endpoint's secrets sign, as [`COLUMNS`] reads them.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub struct Generation {
    /// How many times the endpoint's secret was rolled.
    pub secret_generation: u32,
    /// 1 while the secret of the generation before still signs (SQLite
    /// has no booleans).
    pub previous_signs: i64,
}

/// The signing secret of webhook endpoint `webhook_id` at `generation`, as
/// its owner configures it in the receiving system. Generation 0 is the
/// secret endpoints had before secrets could be rolled.
pub fn secret_for(key: &str, webhook_id: &str, generation: u32) -> String {
    let subject = match generation {
        0 => format!("webhook:{webhook_id}"),
        n => format!("webhook:{webhook_id}:{n}"),
    };
    format!(
        "whsec_{}",
        hmac_sha256_hex(key.as_bytes(), subject.as_bytes())
    )
}

/// The secrets that sign endpoint `webhook_id`'s events now, the current
/// one first.
pub fn secrets(env: &Env, webhook_id: &str, generation: Generation) -> Result<Vec<String>> {
    let key = crate::token::key(env, KEY_SECRET)?;
    let current = generation.secret_generation;
    let mut secrets = vec![secret_for(&key, webhook_id, current)];
    if generation.previous_signs == 1 && current > 0 {
        secrets.push(secret_for(&key, webhook_id, current - 1));
    }
    Ok(secrets)
}

/// The `Embudo-Signature` value for `body` sent at `timestamp`: one `v1=`
/// per secret in `secrets`.
pub fn header(secrets: &[String], timestamp: u64, body: &str) -> String {
    let signed = format!("{timestamp}.{body}");
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&hmac_sha256_hex(secret.as_bytes(), signed.as_bytes()));
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_endpoint_has_its_own_secret_and_the_signature_covers_time_and_body() {
        let a = secret_for("key", "crm", 0);
        assert!(a.starts_with("whsec_") && a.len() == 6 + 64, "{a}");
        assert_ne!(a, secret_for("key", "slack", 0));
        assert_ne!(a, secret_for("other-key", "crm", 0));

        let signed = header(std::slice::from_ref(&a), 1_700_000_000, r#"{"id":"evt_1"}"#);
        assert!(signed.starts_with("t=1700000000,v1="), "{signed}");
        assert_eq!(signed.matches("v1=").count(), 1);
        assert_ne!(
            signed,
            header(std::slice::from_ref(&a), 1_700_000_001, r#"{"id":"evt_1"}"#)
        );
        assert_ne!(signed, header(&[a], 1_700_000_000, r#"{"id":"evt_2"}"#));
    }

    #[test]
    fn a_rolled_secret_is_new_and_the_one_before_can_sign_beside_it() {
        // Generation 0 is what every endpoint had before rolling existed.
        let first = secret_for("key", "crm", 0);
        assert_eq!(
            first,
            format!("whsec_{}", hmac_sha256_hex(b"key", b"webhook:crm"))
        );
        let second = secret_for("key", "crm", 1);
        assert_ne!(first, second);
        assert_ne!(second, secret_for("key", "crm", 2));

        let both = header(&[second.clone(), first.clone()], 1_700_000_000, "{}");
        let alone = |secret: &String| header(std::slice::from_ref(secret), 1_700_000_000, "{}");
        let tail = |h: String| h.trim_start_matches("t=1700000000").to_owned();
        assert_eq!(both, format!("{}{}", alone(&second), tail(alone(&first))));
    }
}
