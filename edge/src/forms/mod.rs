//! The forms a site has published, as D1 keeps them: one checked spec each,
//! with the origins its site allows. `edit` saves them, `preview` tries a
//! draft, `rescore` applies changed rules to the leads already taken,
//! `texts` finds the consent texts a form had before.

pub mod edit;
pub mod preview;
pub mod rescore;
pub mod texts;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

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
    /// The ids of its required fields besides the e-mail.
    pub required: Vec<String>,
    /// What `GET /v1/forms/{form}` answers, made the first time it is asked
    /// for: the public spec's JSON and its ETag (hashing every consent
    /// text and the body is then done once per cached form, not per load).
    published: OnceCell<(String, String)>,
}

impl Form {
    /// The public spec as JSON, and its ETag.
    fn published(&self) -> Result<&(String, String)> {
        if let Some(published) = self.published.get() {
            return Ok(published);
        }
        let body =
            serde_json::to_string(&self.spec.clone().public()).map_err(|error| Error::Storage {
                reason: error.to_string(),
            })?;
        let etag = etag(&body);
        Ok(self.published.get_or_init(|| (body, etag)))
    }
}

/// How long an isolate keeps a form it loaded, unless the variable
/// `FORM_CACHE_SECONDS` says otherwise: a published change reaches every
/// visitor within this time, and repeat submissions skip a D1 round trip.
pub const DEFAULT_CACHE_SECONDS: f64 = 10.0;
/// The most forms one isolate keeps.
const MAX_CACHED: usize = 256;

thread_local! {
    /// Forms this isolate loaded, by id, with when each stops being fresh
    /// (milliseconds since the epoch).
    static CACHE: RefCell<HashMap<String, (f64, Rc<Form>)>> = RefCell::new(HashMap::new());
}

/// The form `form` (from this isolate's cache while fresh), or
/// [`Error::UnknownForm`].
pub async fn load(env: &Env, db: &D1Database, form: &str) -> Result<Rc<Form>> {
    let fresh_ms = env
        .var("FORM_CACHE_SECONDS")
        .ok()
        .and_then(|value| value.to_string().parse::<f64>().ok())
        .unwrap_or(DEFAULT_CACHE_SECONDS)
        * 1000.0;
    let now = worker::js_sys::Date::now();
    let cached = CACHE.with(|cache| {
        cache
            .borrow()
            .get(form)
            .filter(|(until, _)| *until > now)
            .map(|(_, form)| Rc::clone(form))
    });
    if let Some(form) = cached {
        return Ok(form);
    }
    let loaded = Rc::new(read(db, form).await?);
    if fresh_ms > 0.0 {
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.len() >= MAX_CACHED {
                cache.retain(|_, (until, _)| *until > now);
            }
            if cache.len() < MAX_CACHED {
                cache.insert(form.to_owned(), (now + fresh_ms, Rc::clone(&loaded)));
            }
        });
    }
    Ok(loaded)
}

/// Drops this isolate's copy of `form` (just saved here); other isolates
/// see the change when theirs goes stale.
pub fn forget(form: &str) {
    CACHE.with(|cache| cache.borrow_mut().remove(form));
}

/// Reads the form `form` from D1, never from the cache.
pub async fn read(db: &D1Database, form: &str) -> Result<Form> {
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
    let spec: FormSpec = serde_json::from_str(&row.spec).map_err(|e| unreadable("spec", e))?;
    let required = spec.required_once();
    Ok(Form {
        required,
        spec,
        site: row.site_id,
        origins: serde_json::from_str(&row.allowed_origins)
            .map_err(|e| unreadable("site's origins", e))?,
        settings: Settings::read(&row.settings),
        published: OnceCell::new(),
    })
}

/// `GET /v1/forms/{form}`: what the widget needs to render the form (the
/// qualification rules stay at the edge), with an ETag so a repeat load
/// costs a 304.
pub async fn public(req: &Request, env: &Env, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let form = load(env, &db, form).await?;
    let (body, etag) = form.published()?;
    let fresh = req
        .headers()
        .get("If-None-Match")?
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        Response::empty()?.with_status(304)
    } else {
        let mut response = Response::ok(body.as_str())?;
        response
            .headers_mut()
            .set("Content-Type", "application/json")?;
        response
    };
    let headers = response.headers_mut();
    headers.set("ETag", etag)?;
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
