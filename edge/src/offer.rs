//! Signed, expiring links to a content offer: the visitor's answer carries
//! one, and following it counts the download and sends them to the asset.
//! A tampered link gets a 403 page, an expired one a 410 page.

use embudo_shared::spec::Delivery;
use serde::Serialize;
use worker::{query, Env, Request, Response};

use crate::error::{Error, Result};
use crate::{forms, page, routes, token, DB_BINDING};

/// The Worker secret that signs offer links.
pub const KEY_SECRET: &str = "OFFER_LINK_KEY";
/// How long a link works, in seconds (a week).
pub const LIFETIME_SECS: u64 = 7 * 24 * 3600;

/// The link in a visitor's answer.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Where to fetch the offer (a path on the edge).
    pub url: String,
    /// When the link stops working (seconds since the epoch).
    pub expires: u64,
}

/// The signed link to `form`'s offer for `submission`, or `None` when no
/// signing key is configured (the offer then goes by e-mail only).
pub fn link(env: &Env, form: &str, submission: &str, now_secs: u64) -> Option<Link> {
    let key = env.secret(KEY_SECRET).ok()?.to_string();
    let expires = now_secs + LIFETIME_SECS;
    let sig = sign(&key, form, submission, expires);
    Some(Link {
        url: format!("/v1/offers/{form}/{submission}?expires={expires}&sig={sig}"),
        expires,
    })
}

/// The signature over the form, the submission and the expiry.
fn sign(key: &str, form: &str, submission: &str, expires: u64) -> String {
    token::sign(key, &[form, submission, &expires.to_string()])
}

/// `GET /v1/offers/{form}/{submission}?expires=…&sig=…`.
pub async fn follow(req: &Request, env: &Env, form: &str, submission: &str) -> Result<Response> {
    let key = token::key(env, KEY_SECRET)?;
    let url = req.url()?;
    let param = |name: &str| routes::query_param(&url, name);
    let expires = param("expires").and_then(|e| e.parse::<u64>().ok());
    let sig = param("sig").unwrap_or_default();
    let Some(expires) = expires else {
        return refused(403);
    };
    if !token::verify(&key, &[form, submission, &expires.to_string()], &sig) {
        return refused(403);
    }
    let now = (worker::js_sys::Date::now() / 1000.0) as u64;
    if now > expires {
        return refused(410);
    }
    let db = env.d1(DB_BINDING)?;
    // An offer sent by e-mail has nothing to fetch here: refused before it
    // is counted as a download.
    let target = match &forms::load(env, &db, form).await?.spec.offer.delivery {
        Delivery::Download { url } | Delivery::Redirect { url } => url.clone(),
        Delivery::Email => return refused(410),
    };
    let counted = query!(
        &db,
        "UPDATE submissions SET downloads = downloads + 1 WHERE id = ?1 AND form_id = ?2",
        submission,
        form
    )?
    .run()
    .await?;
    if counted.meta()?.and_then(|m| m.changes).unwrap_or(0) == 0 {
        return refused(403);
    }
    let location = url.join(&target).map_err(|e| Error::Storage {
        reason: format!("the offer URL of {form} is not a URL: {e}"),
    })?;
    Ok(Response::redirect_with_status(location, 302)?)
}

/// A small, clear page for a link that does not work, in both languages:
/// 403 for a tampered one, 410 for an expired one.
fn refused(status: u16) -> Result<Response> {
    let words = match status {
        410 => [
            "Este enlace ha caducado. Vuelve a pedir el contenido en el formulario.",
            "This link has expired. Ask for the content again through the form.",
        ],
        _ => page::TAMPERED,
    };
    page::link_refused(status, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_form_submission_and_expiry() {
        let sig = sign("k", "demo", "abc12345", 100);
        assert_ne!(sig, sign("k", "demo", "abc12345", 101));
        assert_ne!(sig, sign("k", "demo", "abc12346", 100));
        assert_ne!(sig, sign("k", "other", "abc12345", 100));
        assert_ne!(sig, sign("k2", "demo", "abc12345", 100));
    }
}
