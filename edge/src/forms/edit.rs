//! Marketing's side of forms: a site's forms, one form's whole spec (rules
//! included), and saving a spec. A saved spec is checked by `shared` exactly
//! as `make forms` checks a file, so whatever the API accepts, the widget and
//! the edge can serve. Saving is guarded by the revision the editor started
//! from: two people editing one form never overwrite each other unseen.

use std::collections::BTreeMap;

use embudo_shared::{FormSpec, Locale, SpecProblem};
use serde::{Deserialize, Serialize};
use worker::{query, Env, Request, Response};

use crate::access::{self, Need};
use crate::error::{Error, Result};
use crate::{audit, batch, body, DB_BINDING};

/// One form in the site's list.
#[derive(Serialize, Deserialize)]
struct Listed {
    id: String,
    name: String,
    revision: i64,
    updated_at: String,
    /// Submissions it has taken.
    submissions: i64,
}

/// `GET /v1/sites/{site}/forms`: anyone who may read the site's leads.
pub async fn list(req: &Request, env: &Env, site: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    access::caller(req, env, &db)
        .await?
        .require(site, Need::Read)?;
    let forms: Vec<Listed> = query!(
        &db,
        "SELECT id, name, revision, updated_at,
                (SELECT count(*) FROM submissions s WHERE s.form_id = forms.id) AS submissions
           FROM forms WHERE site_id = ?1 ORDER BY id",
        site
    )?
    .all()
    .await?
    .results()?;
    #[derive(Serialize)]
    struct Forms {
        forms: Vec<Listed>,
    }
    Ok(Response::from_json(&Forms { forms })?)
}

/// A form as stored.
#[derive(Deserialize)]
struct Stored {
    site_id: String,
    name: String,
    revision: i64,
    spec: String,
    updated_at: String,
}

/// Reads form `form` of `site`; a form of another site is not found.
async fn stored(db: &worker::D1Database, site: &str, form: &str) -> Result<Option<Stored>> {
    Ok(any_site(db, form).await?.filter(|row| row.site_id == site))
}

/// Reads form `form`, whichever site has it (form ids are unique across
/// sites: the embed snippet names only the form).
async fn any_site(db: &worker::D1Database, form: &str) -> Result<Option<Stored>> {
    Ok(query!(
        db,
        "SELECT site_id, name, revision, spec, updated_at FROM forms WHERE id = ?1",
        form
    )?
    .first(None)
    .await?)
}

/// The spec a stored row holds.
fn spec_of(row: &Stored, form: &str) -> Result<FormSpec> {
    serde_json::from_str(&row.spec).map_err(|error| Error::Storage {
        reason: format!("the spec of form {form} does not read: {error}"),
    })
}

/// The version of each consent text, by consent and locale: what the
/// ledger records when a visitor agrees.
fn consent_versions(spec: &FormSpec) -> BTreeMap<String, BTreeMap<Locale, String>> {
    spec.consents
        .iter()
        .map(|consent| {
            let versions = spec
                .locales
                .iter()
                .map(|locale| (*locale, consent.version(*locale)))
                .collect();
            (consent.id.clone(), versions)
        })
        .collect()
}

/// The whole form, as the editor shows it.
#[derive(Serialize)]
struct Shown {
    id: String,
    site: String,
    name: String,
    revision: i64,
    updated_at: String,
    spec: FormSpec,
    consent_versions: BTreeMap<String, BTreeMap<Locale, String>>,
}

/// `GET /v1/sites/{site}/forms/{form}`: anyone who may read the site's
/// leads (the rules explain their scores).
pub async fn show(req: &Request, env: &Env, site: &str, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    access::caller(req, env, &db)
        .await?
        .require(site, Need::Read)?;
    let row = stored(&db, site, form)
        .await?
        .ok_or_else(|| Error::UnknownForm {
            form: form.to_owned(),
        })?;
    let spec = spec_of(&row, form)?;
    Ok(Response::from_json(&Shown {
        id: form.to_owned(),
        site: site.to_owned(),
        consent_versions: consent_versions(&spec),
        name: row.name,
        revision: row.revision,
        updated_at: row.updated_at,
        spec,
    })?)
}

/// What saving sends: the form's name in the dashboard and its spec, whose
/// `revision` is the one the editor started from (1 for a new form).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Saving {
    name: String,
    spec: serde_json::Value,
}

/// What saving answers.
#[derive(Serialize)]
struct Saved {
    id: String,
    revision: i64,
    /// The consents whose text changed in some locale: from now on the
    /// ledger records their new version, except for visitors shown the old
    /// text before the save (their widget sends its version back).
    new_consent_versions: Vec<String>,
}

/// The longest form name.
const MAX_NAME: usize = 200;

/// `PUT /v1/sites/{site}/forms/{form}`: creates the form (201) or saves a
/// new revision of it (200), or with `If-None-Match: *` only creates it;
/// marketing and admins; in the audit log.
pub async fn save(mut req: Request, env: &Env, site: &str, form: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(&req, env, &db).await?;
    caller.require(site, Need::Manage)?;
    crate::site::admin::known(&db, &caller, site).await?;
    // `If-None-Match: *` creates only: a form made meanwhile under the same
    // id (by a colleague) is refused, not saved over.
    let only_new = req
        .headers()
        .get("If-None-Match")?
        .is_some_and(|value| value.trim() == "*");
    let Saving { name, spec } = body::read(&mut req).await?;
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(Error::bad_body(
            format!("name: 1 to {MAX_NAME} characters"),
            format!("name: de 1 a {MAX_NAME} caracteres"),
        ));
    }
    let mut spec = FormSpec::from_json(&spec.to_string())?;
    let mut misplaced = Vec::new();
    if spec.site != site {
        misplaced.push(SpecProblem::said(
            "site",
            format!("must be {site:?}, the site it is saved to"),
            format!("debe ser {site:?}, el sitio donde se guarda"),
        ));
    }
    if spec.id != form {
        misplaced.push(SpecProblem::said(
            "id",
            format!("must be {form:?}, the form it is saved as"),
            format!("debe ser {form:?}, el formulario con el que se guarda"),
        ));
    }
    if !misplaced.is_empty() {
        return Err(Error::InvalidSpec {
            problems: misplaced,
        });
    }
    let from = i64::from(spec.revision);
    let before = any_site(&db, form).await?;
    if before
        .as_ref()
        .is_some_and(|row| only_new || row.site_id != site)
    {
        return Err(Error::conflict(
            format!("the form id {form:?} is taken; choose another"),
            format!("el id de formulario {form:?} ya está en uso; elige otro"),
        ));
    }
    let (revision, changed, created) = match &before {
        None if from != 1 => {
            return Err(Error::conflict("a new form starts at revision 1",
                    "un formulario nuevo empieza en la revisión 1"))
        }
        None => (1, Vec::new(), true),
        Some(row) if row.revision != from => {
            return Err(Error::conflict(format!(
                        "the form was saved meanwhile (revision {} now, yours was {from}); reload it and edit again",
                        row.revision
                    ),
                    format!(
                        "alguien guardó el formulario mientras tanto (ahora va por la revisión {}, la tuya era la {from}); vuelve a cargarlo y edítalo de nuevo",
                        row.revision
                    )))
        }
        Some(row) => {
            let old = consent_versions(&spec_of(row, form)?);
            let changed = consent_versions(&spec)
                .into_iter()
                .filter(|(id, versions)| old.get(id).is_some_and(|was| was != versions))
                .map(|(id, _)| id)
                .collect();
            (from + 1, changed, false)
        }
    };
    spec.revision = u32::try_from(revision).map_err(|_| {
        Error::conflict(
            "the form has too many revisions",
            "el formulario tiene demasiadas revisiones",
        )
    })?;
    let text = crate::capture::json(&spec)?;
    let write = if created {
        query!(
            &db,
            "INSERT INTO forms (id, site_id, name, revision, spec) VALUES (?1, ?2, ?3, 1, ?4)
             ON CONFLICT (id) DO NOTHING RETURNING id",
            form,
            site,
            &name,
            &text
        )?
    } else {
        query!(
            &db,
            "UPDATE forms SET name = ?3, spec = ?4, revision = ?5,
                    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
              WHERE id = ?1 AND site_id = ?2 AND revision = ?6 RETURNING id",
            form,
            site,
            &name,
            &text,
            revision,
            from
        )?
    };
    let detail = crate::capture::json(&serde_json::json!({
        "revision": revision,
        "new_consent_versions": &changed,
    }))?;
    let results = db
        .batch(vec![
            write,
            audit::entry_if_changed(
                &db,
                &caller.actor(),
                "form-saved",
                Some(site),
                Some(form),
                Some(&detail),
            )?,
        ])
        .await?;
    if batch::ids::<String>(results.first())?.is_empty() {
        // Someone else created or saved it between the read and the write.
        return Err(Error::conflict(
            "the form was saved meanwhile; reload it and edit again",
            "alguien guardó el formulario mientras tanto; vuelve a cargarlo y edítalo de nuevo",
        ));
    }
    super::forget(form);
    let answer = Response::from_json(&Saved {
        id: form.to_owned(),
        revision,
        new_consent_versions: changed,
    })?;
    Ok(answer.with_status(if created { 201 } else { 200 }))
}
