//! The forms a site has published, as D1 keeps them: one checked spec each,
//! with the origins its site allows.

use embudo_shared::FormSpec;
use serde::Deserialize;
use worker::{query, D1Database, Env, Request, Response};

use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::site::Settings;
use crate::DB_BINDING;

/// A form with what serving it needs to know about its site.
pub struct Form {
    /// The spec.
    pub spec: FormSpec,
    /// The site it belongs to.
    pub site: String,
    /// The origins allowed to embed it.
    pub origins: Vec<String>,
    /// The site's settings.
    pub settings: Settings,
}

/// The form `form`, or [`Error::UnknownForm`].
pub async fn load(db: &D1Database, form: &str) -> Result<Form> {
    #[derive(Deserialize)]
    struct Row {
        spec: String,
        site_id: String,
        allowed_origins: String,
        settings: String,
    }
    let row: Option<Row> = query!(
        db,
        "SELECT f.spec, f.site_id, s.allowed_origins, s.settings
           FROM forms f JOIN sites s ON s.id = f.site_id WHERE f.id = ?1",
        form
    )?
    .first(None)
    .await?;
    let row = row.ok_or_else(|| Error::UnknownForm {
        form: form.to_owned(),
    })?;
    // Specs are checked before they are loaded (embudo-spec); one that no
    // longer reads is the operator's problem, not the visitor's.
    let unreadable = |what: &str, error: serde_json::Error| Error::Storage {
        reason: format!("the {what} of form {form} does not read: {error}"),
    };
    Ok(Form {
        spec: serde_json::from_str(&row.spec).map_err(|e| unreadable("spec", e))?,
        site: row.site_id,
        origins: serde_json::from_str(&row.allowed_origins)
            .map_err(|e| unreadable("site's origins", e))?,
        settings: Settings::read(&row.settings),
    })
}

/// `GET /v1/forms/{form}`: what the widget needs to render the form (the
/// qualification rules stay at the edge), with an ETag so a repeat load
/// costs a 304.
pub async fn public(req: &Request, env: &Env, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let spec = load(&db, form).await?.spec.public();
    let body = serde_json::to_string(&spec).map_err(|error| Error::Storage {
        reason: error.to_string(),
    })?;
    let etag = etag(&body);
    let fresh = req
        .headers()
        .get("If-None-Match")?
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        Response::empty()?.with_status(304)
    } else {
        let mut response = Response::ok(body)?;
        response
            .headers_mut()
            .set("Content-Type", "application/json")?;
        response
    };
    let headers = response.headers_mut();
    headers.set("ETag", &etag)?;
    headers.set(
        "Cache-Control",
        "public, max-age=60, stale-while-revalidate=600",
    )?;
    headers.set("Access-Control-Allow-Origin", "*")?;
    Ok(response)
}

/// A strong ETag: the start of the SHA-256 of the exact body.
fn etag(body: &str) -> String {
    format!("\"{}\"", &sha256_hex(body.as_bytes())[..24])
}
