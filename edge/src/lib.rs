//! Embudo's edge: the Cloudflare Worker that takes in submissions and serves
//! the leads API. Static pages (the demo site, the widget's files) are served
//! by Workers static assets before this code runs; only `/v1/*` reaches it.
//!
//! The checks themselves live in `embudo-shared`; this crate is the adapter
//! between HTTP, D1 and that core.

pub mod auth;
pub mod body;
pub mod capture;
pub mod digest;
pub mod error;
pub mod forms;
pub mod handoff;
pub mod leads;
pub mod ledger;
pub mod limit;
pub mod offer;
pub mod origin;
pub mod outbound;
pub mod site;
pub mod spam;
pub mod submissions;
pub mod turnstile;

use worker::{event, Context, Env, Method, Request, Response};

pub use error::{Error, Result};

/// The name of the D1 binding in `wrangler.toml`.
pub const DB_BINDING: &str = "DB";

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    match route(req, &env).await {
        Ok(response) => Ok(response),
        Err(error) => error.into_response(),
    }
}

/// Sends each request to its handler by method and path.
async fn route(req: Request, env: &Env) -> Result<Response> {
    let url = req.url()?;
    let path = url.path().to_owned();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (segments.as_slice(), req.method()) {
        (["v1", "forms", form, "submissions"], Method::Post) => {
            let form = decode(form)?;
            submissions::create(req, env, &form).await
        }
        (["v1", "forms", form, "submissions"], Method::Options) => {
            submissions::preflight(req, env, &decode(form)?).await
        }
        (["v1", "forms", _, "submissions"], method) => Err(not_allowed(method, "POST")),
        (["v1", "forms", form], Method::Get) => forms::public(&req, env, &decode(form)?).await,
        (["v1", "forms", _], method) => Err(not_allowed(method, "GET")),
        (["v1", "leads"], Method::Get) => leads::list(&req, env).await,
        (["v1", "offers", form, submission], Method::Get) => {
            offer::follow(&req, env, &decode(form)?, &decode(submission)?).await
        }
        (["v1", "sites", site, "consents", "verify"], Method::Get) => {
            ledger::verify_route(&req, env, &decode(site)?).await
        }
        (["v1", "sites", site, "deliveries"], Method::Get) => {
            handoff::routes::deliveries(&req, env, &decode(site)?).await
        }
        (["v1", "sites", site, "webhooks"], Method::Get) => {
            handoff::routes::webhooks(&req, env, &decode(site)?).await
        }
        (["v1", "leads"], method) => Err(not_allowed(method, "GET")),
        _ => Err(Error::NotFound { path }),
    }
}

fn not_allowed(method: Method, allowed: &'static str) -> Error {
    Error::MethodNotAllowed {
        method: method.to_string(),
        allowed,
    }
}

/// Undoes percent-encoding in a path segment: form ids are plain, but a
/// client may still encode them.
fn decode(segment: &str) -> Result<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| Error::NotFound {
            path: segment.to_owned(),
        })
}
