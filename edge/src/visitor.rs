//! Progressive profiling's key: a signed, first-party token naming a
//! visitor's lead, which the answer to a stored submission carries and the
//! widget keeps in its own storage. Shown back, it tells the widget which of
//! a form's fields the site already knows (their names, never their
//! values), so a returning visitor is asked the next ones instead.

use std::collections::BTreeMap;

use serde::Serialize;
use worker::{query, Env, Request, Response};

use crate::error::{Error, Result};
use crate::origin;
use crate::{forms, routes, token, DB_BINDING};

/// The Worker secret that signs visitor tokens.
pub const KEY_SECRET: &str = "VISITOR_TOKEN_KEY";
/// How long a token works, in seconds (180 days).
pub const LIFETIME_SECS: u64 = 180 * 24 * 3600;

/// A token for lead `lead` of `site`: `<lead>.<expires>.<signature>`, or
/// `None` when no key is configured (no progressive profiling then).
pub fn issue(env: &Env, site: &str, lead: i64, now_secs: u64) -> Option<String> {
    let key = env.secret(KEY_SECRET).ok()?.to_string();
    let (lead, expires) = (lead.to_string(), (now_secs + LIFETIME_SECS).to_string());
    let sig = token::sign(&key, &["visitor", site, &lead, &expires]);
    Some(format!("{lead}.{expires}.{sig}"))
}

/// The lead `token` names on `site`, if it is genuine and current.
pub fn read(key: &str, site: &str, token: &str, now_secs: u64) -> Option<i64> {
    let mut parts = token.splitn(3, '.');
    let (lead, expires, sig) = (parts.next()?, parts.next()?, parts.next()?);
    let current = expires.parse::<u64>().ok()? >= now_secs;
    let genuine = token::verify(key, &["visitor", site, lead, expires], sig);
    if current && genuine {
        lead.parse().ok()
    } else {
        None
    }
}

#[derive(Serialize)]
struct Known {
    known: Vec<String>,
}

/// `GET /v1/forms/{form}/known?visitor=…`: the ids of the fields the
/// visitor's lead already has, for the site's allowed pages.
pub async fn known(req: &Request, env: &Env, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let form = forms::load(env, &db, form).await?;
    let caller = origin::check(req, &form.origins)?;
    let answer = async {
        let key = token::key(env, KEY_SECRET)?;
        let given = routes::query_param(&req.url()?, "visitor").unwrap_or_default();
        let now = (worker::js_sys::Date::now() / 1000.0) as u64;
        let lead = read(&key, &form.site, &given, now).ok_or(Error::VisitorToken)?;
        let fields: Option<String> = query!(
            &db,
            "SELECT fields FROM leads WHERE id = ?1 AND site_id = ?2 AND erased_at IS NULL",
            lead,
            &form.site
        )?
        .first(Some("fields"))
        .await?;
        // An erased lead is gone: its token names nothing any more.
        let fields = fields.ok_or(Error::VisitorToken)?;
        let fields: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&fields).map_err(|error| Error::Storage {
                reason: format!("lead {lead} has unreadable fields: {error}"),
            })?;
        let mut response = Response::from_json(&Known {
            known: fields.into_keys().collect(),
        })?;
        response.headers_mut().set("Cache-Control", "no-store")?;
        Ok::<_, Error>(response)
    };
    origin::answer(answer.await, &caller)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued(key: &str, site: &str, lead: i64, expires: u64) -> String {
        let (lead, expires) = (lead.to_string(), expires.to_string());
        let sig = token::sign(key, &["visitor", site, &lead, &expires]);
        format!("{lead}.{expires}.{sig}")
    }

    #[test]
    fn a_token_names_its_lead_on_its_site_until_it_expires() {
        let token = issued("k", "acme", 42, 1_000);
        assert_eq!(read("k", "acme", &token, 999), Some(42));
        assert_eq!(read("k", "acme", &token, 1_001), None, "expired");
        assert_eq!(read("k", "other", &token, 999), None, "another site");
        assert_eq!(read("k2", "acme", &token, 999), None, "another key");
        let forged = token.replacen("42.", "43.", 1);
        assert_eq!(read("k", "acme", &forged, 999), None, "another lead");
        assert_eq!(read("k", "acme", "garbage", 999), None);
    }
}
