//! Signed, expiring links to a content offer: the visitor's answer carries
//! one, and following it counts the download and sends them to the asset.
//! A tampered link gets a 403 page, an expired one a 410 page.

use embudo_shared::spec::Delivery;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use worker::{query, Env, Request, Response};

use crate::error::{Error, Result};
use crate::forms;
use crate::DB_BINDING;

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
    let sig = sign(&key, form, submission, expires)?;
    Some(Link {
        url: format!("/v1/offers/{form}/{submission}?expires={expires}&sig={sig}"),
        expires,
    })
}

/// HMAC-SHA256 over the form, the submission and the expiry.
pub fn sign(key: &str, form: &str, submission: &str, expires: u64) -> Option<String> {
    let mac = mac(key, form, submission, expires)?;
    Some(crate::digest::hex(&mac.finalize().into_bytes()))
}

fn mac(key: &str, form: &str, submission: &str, expires: u64) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).ok()?;
    mac.update(format!("{form}\n{submission}\n{expires}").as_bytes());
    Some(mac)
}

/// `GET /v1/offers/{form}/{submission}?expires=…&sig=…`.
pub async fn follow(req: &Request, env: &Env, form: &str, submission: &str) -> Result<Response> {
    let key = env
        .secret(KEY_SECRET)
        .map(|s| s.to_string())
        .map_err(|_| Error::NotConfigured { what: KEY_SECRET })?;
    let url = req.url()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let expires = param("expires").and_then(|e| e.parse::<u64>().ok());
    let sig = param("sig").unwrap_or_default();
    let Some(expires) = expires else {
        return page(403);
    };
    let genuine = match (mac(&key, form, submission, expires), hex_decode(&sig)) {
        (Some(mac), Some(bytes)) => mac.verify_slice(&bytes).is_ok(),
        _ => false,
    };
    if !genuine {
        return page(403);
    }
    let now = (worker::js_sys::Date::now() / 1000.0) as u64;
    if now > expires {
        return page(410);
    }
    let db = env.d1(DB_BINDING)?;
    let counted = query!(
        &db,
        "UPDATE submissions SET downloads = downloads + 1 WHERE id = ?1 AND form_id = ?2",
        submission,
        form
    )?
    .run()
    .await?;
    if counted.meta()?.and_then(|m| m.changes).unwrap_or(0) == 0 {
        return page(403);
    }
    let target = match &forms::load(env, &db, form).await?.spec.offer.delivery {
        Delivery::Download { url } | Delivery::Redirect { url } => url.clone(),
        Delivery::Email => return page(410),
    };
    let location = url.join(&target).map_err(|e| Error::Storage {
        reason: format!("the offer URL of {form} is not a URL: {e}"),
    })?;
    Ok(Response::redirect_with_status(location, 302)?)
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

/// A small, clear page for a link that does not work, in both languages.
fn page(status: u16) -> Result<Response> {
    let (es, en) = match status {
        410 => (
            "Este enlace ha caducado. Vuelve a pedir el contenido en el formulario.",
            "This link has expired. Ask for the content again through the form.",
        ),
        _ => (
            "Este enlace no es válido. Usa el enlace exacto que recibiste.",
            "This link is not valid. Use the exact link you were given.",
        ),
    };
    let html = format!(
        "<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{status}</title></head><body><main><h1>{es}</h1>\
         <p lang=\"en\">{en}</p></main></body></html>"
    );
    let mut response = Response::from_html(html)?.with_status(status);
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_form_submission_and_expiry() {
        let sig = sign("k", "demo", "abc12345", 100).expect("signs");
        assert_eq!(sig.len(), 64);
        assert_ne!(Some(&sig), sign("k", "demo", "abc12345", 101).as_ref());
        assert_ne!(Some(&sig), sign("k", "demo", "abc12346", 100).as_ref());
        assert_ne!(Some(&sig), sign("k", "other", "abc12345", 100).as_ref());
        assert_ne!(Some(&sig), sign("k2", "demo", "abc12345", 100).as_ref());
    }

    #[test]
    fn hex_decoding_refuses_odd_or_foreign_text() {
        assert_eq!(hex_decode("0aff"), Some(vec![10, 255]));
        assert_eq!(hex_decode("0af"), None);
        assert_eq!(hex_decode("zz"), None);
    }
}
