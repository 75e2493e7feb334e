//! Cloudflare Turnstile for forms that ask for it: the widget's token is
//! checked with siteverify before anything is stored, and the check fails
//! closed (no secret, no answer, no pass).

use serde::{Deserialize, Serialize};
use worker::Env;

use crate::error::{Error, Result};
use crate::outbound;

/// Cloudflare's verification endpoint, used unless `TURNSTILE_VERIFY_URL`
/// points elsewhere (the tests' local stand-in).
pub const VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
/// The Worker secret holding the Turnstile secret key.
pub const SECRET: &str = "TURNSTILE_SECRET";
/// The longest token Turnstile issues.
const MAX_TOKEN: usize = 2048;
/// How long siteverify may take before the visitor is asked to retry.
const TIMEOUT_MS: u32 = 5_000;

#[derive(Serialize)]
struct Check<'a> {
    secret: &'a str,
    response: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    remoteip: Option<&'a str>,
    /// Lets a retried submission (same id, same token) be verified again
    /// instead of being refused as a replayed token.
    #[serde(skip_serializing_if = "Option::is_none")]
    idempotency_key: Option<&'a str>,
}

#[derive(Deserialize)]
struct Verdict {
    success: bool,
    #[serde(default, rename = "error-codes")]
    error_codes: Vec<String>,
}

/// Passes only when siteverify accepts `token`. A missing or refused token
/// is a 403; an unreachable siteverify is a 503 so the widget retries.
pub async fn verify(
    env: &Env,
    token: Option<&str>,
    ip: Option<&str>,
    submission_id: &str,
) -> Result<()> {
    let token = token.map(str::trim).unwrap_or_default();
    if token.is_empty() || token.len() > MAX_TOKEN {
        return Err(Error::TurnstileFailed {
            codes: "missing-input-response".into(),
        });
    }
    let secret = env
        .secret(SECRET)
        .map(|secret| secret.to_string())
        .map_err(|_| Error::NotConfigured { what: SECRET })?;
    let url = env
        .var("TURNSTILE_VERIFY_URL")
        .map(|url| url.to_string())
        .unwrap_or_else(|_| VERIFY_URL.to_owned());
    let check = Check {
        secret: &secret,
        response: token,
        remoteip: ip,
        idempotency_key: is_uuid(submission_id).then_some(submission_id),
    };
    let body = serde_json::to_string(&check).map_err(|error| Error::Storage {
        reason: error.to_string(),
    })?;
    let reply = outbound::post_json(&url, &[], &body, TIMEOUT_MS)
        .await
        .map_err(|reason| Error::Unavailable {
            reason: format!("siteverify: {reason}"),
        })?;
    let verdict: Verdict = match reply.status {
        200..=299 => serde_json::from_str(&reply.body).map_err(|error| Error::Unavailable {
            reason: format!("siteverify answered unreadably: {error}"),
        })?,
        status => {
            return Err(Error::Unavailable {
                reason: format!("siteverify answered {status}"),
            })
        }
    };
    judge(verdict)
}

/// What siteverify's verdict means for the post: passed, refused (403),
/// or, when Cloudflare itself failed (`internal-error`, which it says may
/// be retried), unavailable (503): the token was never judged.
fn judge(verdict: Verdict) -> Result<()> {
    if verdict.success {
        Ok(())
    } else if verdict
        .error_codes
        .iter()
        .any(|code| code == "internal-error")
    {
        Err(Error::Unavailable {
            reason: "siteverify failed inside (internal-error)".into(),
        })
    } else {
        Err(Error::TurnstileFailed {
            codes: if verdict.error_codes.is_empty() {
                "unknown".into()
            } else {
                verdict.error_codes.join(",")
            },
        })
    }
}

/// Whether `id` has a UUID's shape, which siteverify requires of an
/// idempotency key.
fn is_uuid(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::{is_uuid, judge, Verdict};

    #[test]
    fn only_uuids_become_idempotency_keys() {
        assert!(is_uuid("6f1c2a9e-4b1d-4c8e-9a53-1d2e3f405060"));
        assert!(!is_uuid("srv-0123456789abcdef0123456789abcdef"));
        assert!(!is_uuid("6f1c2a9e-4b1d-4c8e-9a53-1d2e3f40506z"));
    }

    #[test]
    fn cloudflare_failing_inside_is_a_retry_not_a_refusal() {
        let verdict = |codes: &[&str]| Verdict {
            success: false,
            error_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
        };
        let failed = judge(verdict(&["internal-error"])).expect_err("not passed");
        assert_eq!(failed.status(), 503);
        let refused = judge(verdict(&["timeout-or-duplicate"])).expect_err("not passed");
        assert_eq!(refused.status(), 403);
    }
}
