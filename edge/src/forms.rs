//! The forms a site has published, as D1 keeps them: one checked spec each.

use embudo_shared::FormSpec;
use worker::{query, D1Database, Env, Response};

use crate::error::{Error, Result};
use crate::DB_BINDING;

/// The spec of `form`, or [`Error::UnknownForm`].
pub async fn load(db: &D1Database, form: &str) -> Result<FormSpec> {
    let spec: Option<String> = query!(db, "SELECT spec FROM forms WHERE id = ?1", form)?
        .first(Some("spec"))
        .await?;
    let spec = spec.ok_or_else(|| Error::UnknownForm {
        form: form.to_owned(),
    })?;
    // Specs are checked before they are loaded (embudo-spec); one that no
    // longer reads is the operator's problem, not the visitor's.
    serde_json::from_str(&spec).map_err(|error| Error::Storage {
        reason: format!("the spec of form {form} does not read: {error}"),
    })
}

/// `GET /v1/forms/{form}`: what the widget needs to render the form. The
/// qualification rules stay at the edge.
pub async fn public(env: &Env, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let spec = load(&db, form).await?.public();
    let mut response = Response::from_json(&spec)?;
    response
        .headers_mut()
        .set("Cache-Control", "public, max-age=60")?;
    Ok(response)
}
