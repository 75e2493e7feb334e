//! Sites as their admins manage them: the sites a person works on (with
//! their role there), a new site, and a site's name, allowed origins and
//! settings. The allowed origins decide which pages may send submissions,
//! so each is checked to be an origin exactly as browsers send it.

use embudo_shared::{Locale, Text};
use serde::{Deserialize, Serialize};
use worker::{query, D1Database, Env, Request, Response};

use super::Settings;
use crate::access::{self, Caller, Need, Role};
use crate::error::{Error, Result};
use crate::{audit, body, origin, DB_BINDING};

/// A site as the API shows it.
#[derive(Serialize, Deserialize)]
struct Shown {
    id: String,
    name: String,
    allowed_origins: Vec<String>,
    settings: Settings,
    /// The caller's role there (`None`: the operator, who may do anything).
    #[serde(default)]
    role: Option<Role>,
}

/// A `sites` row (JSON columns as text).
#[derive(Deserialize)]
struct Row {
    id: String,
    name: String,
    allowed_origins: String,
    settings: String,
}

impl Row {
    fn shown(self, caller: &Caller) -> Shown {
        let role = match caller {
            Caller::Operator => None,
            Caller::Person { memberships, .. } => memberships
                .iter()
                .find(|m| m.site == self.id)
                .map(|m| m.role),
        };
        Shown {
            allowed_origins: serde_json::from_str(&self.allowed_origins).unwrap_or_default(),
            settings: Settings::read(&self.settings),
            id: self.id,
            name: self.name,
            role,
        }
    }
}

/// Refuses a site that does not exist with 404, before anything is
/// written under it (the tables' foreign keys would otherwise fail as a
/// 500). A person's role on a site already proves it exists; only the
/// operator, who may act on any site, can name one that does not.
pub async fn known(db: &D1Database, caller: &Caller, site: &str) -> Result<()> {
    if matches!(caller, Caller::Person { .. }) {
        return Ok(());
    }
    let found: Option<serde_json::Value> =
        query!(db, "SELECT 1 AS found FROM sites WHERE id = ?1", site)?
            .first(None)
            .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(Error::NotFound {
            path: format!("/v1/sites/{site}"),
        }),
    }
}

/// `GET /v1/sites`: the sites the caller has a role on (every site, for
/// the operator).
pub async fn list(req: &Request, env: &Env) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(req, env, &db).await?;
    let sites = crate::capture::json(&caller.sites(Need::Read))?;
    let rows: Vec<Row> = query!(
        &db,
        "SELECT id, name, allowed_origins, settings FROM sites
          WHERE ?1 = 'null' OR id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        &sites
    )?
    .all()
    .await?
    .results()?;
    #[derive(Serialize)]
    struct Sites {
        sites: Vec<Shown>,
    }
    let sites = rows.into_iter().map(|row| row.shown(&caller)).collect();
    Ok(Response::from_json(&Sites { sites })?)
}

/// What creating or changing a site sends; on a change, what is left out
/// stays as it is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Changing {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    allowed_origins: Option<Vec<String>>,
    #[serde(default)]
    settings: Option<serde_json::Value>,
}

/// The most origins one site may list.
const MAX_ORIGINS: usize = 50;

impl Changing {
    /// Checks what was sent; returns the name, origins and settings as
    /// stored text (`None`: not sent).
    fn checked(&self) -> Result<(Option<String>, Option<String>, Option<String>)> {
        let name = match &self.name {
            Some(name) if name.trim().is_empty() || name.trim().chars().count() > 200 => {
                return Err(Error::bad_body(
                    "name: 1 to 200 characters",
                    "name: de 1 a 200 caracteres",
                ))
            }
            name => name.as_ref().map(|name| name.trim().to_owned()),
        };
        let origins = match &self.allowed_origins {
            Some(origins) if origins.len() > MAX_ORIGINS => {
                return Err(Error::bad_body(
                    format!("allowed_origins: at most {MAX_ORIGINS}"),
                    format!("allowed_origins: como mucho {MAX_ORIGINS}"),
                ))
            }
            Some(origins) => {
                if let Some(problem) = origins.iter().find_map(|o| origin::pattern_problem(o)) {
                    return Err(Error::bad_body(
                        format!("allowed_origins: {}", problem.get(Locale::En)),
                        format!("allowed_origins: {}", problem.get(Locale::Es)),
                    ));
                }
                Some(crate::capture::json(origins)?)
            }
            None => None,
        };
        let settings = match &self.settings {
            Some(value) => {
                let settings: Settings =
                    serde_json::from_value(value.clone()).map_err(|error| {
                        Error::bad_body(
                            format!("settings: {error}"),
                            format!("settings: no se pueden leer ({error})"),
                        )
                    })?;
                Some(crate::capture::json(&settings)?)
            }
            None => None,
        };
        Ok((name, origins, settings))
    }
}

/// `POST /v1/sites`: a new site, by the operator or by someone who
/// administers a site already, who becomes its admin; in the audit log.
pub async fn create(mut req: Request, env: &Env) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(&req, env, &db).await?;
    if caller
        .sites(Need::Administer)
        .is_some_and(|sites| sites.is_empty())
    {
        return Err(Error::Forbidden {
            need: Need::Administer.words(),
            site: Text::said("any site", "ningún sitio"),
        });
    }
    let changing: Changing = body::read(&mut req).await?;
    let id = changing.id.clone().unwrap_or_default();
    let shaped = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !shaped {
        return Err(Error::bad_body(
            "id: 1 to 64 of a-z, 0-9, - and _",
            "id: de 1 a 64 de a-z, 0-9, - y _",
        ));
    }
    let (name, origins, settings) = changing.checked()?;
    let name = name.ok_or_else(|| {
        Error::bad_body("name: give the site a name", "name: ponle nombre al sitio")
    })?;
    let mut statements = vec![query!(
        &db,
        "INSERT INTO sites (id, name, allowed_origins, settings) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO NOTHING RETURNING id",
        &id,
        &name,
        origins.as_deref().unwrap_or("[]"),
        settings.as_deref().unwrap_or("{}")
    )?];
    if let Caller::Person { account, .. } = &caller {
        statements.push(query!(
            &db,
            "INSERT INTO memberships (account_id, site_id, role)
             SELECT ?1, ?2, 'admin' WHERE changes() > 0",
            account,
            &id
        )?);
    }
    statements.push(audit::entry_if_changed(
        &db,
        &caller.actor(),
        "site-created",
        Some(&id),
        Some(&id),
        None,
    )?);
    let results = db.batch(statements).await?;
    if crate::batch::ids::<String>(results.first())?.is_empty() {
        return Err(Error::conflict(
            format!("there is a site {id:?} already"),
            format!("ya hay un sitio {id:?}"),
        ));
    }
    let row = Row {
        id,
        name,
        allowed_origins: origins.unwrap_or_else(|| "[]".into()),
        settings: settings.unwrap_or_else(|| "{}".into()),
    };
    let mut shown = row.shown(&caller);
    if matches!(caller, Caller::Person { .. }) {
        shown.role = Some(Role::Admin);
    }
    Ok(Response::from_json(&shown)?.with_status(201))
}

/// `PATCH /v1/sites/{site}`: its admins change its name, allowed origins or
/// settings; in the audit log with what changed.
pub async fn change(mut req: Request, env: &Env, site: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(&req, env, &db).await?;
    caller.require(site, Need::Administer)?;
    let changing: Changing = body::read(&mut req).await?;
    if changing.id.as_deref().is_some_and(|id| id != site) {
        return Err(Error::bad_body(
            "id: a site's id cannot change",
            "id: el id de un sitio no puede cambiar",
        ));
    }
    let (name, origins, settings) = changing.checked()?;
    let detail = crate::capture::json(&serde_json::json!({
        "name": name,
        "allowed_origins": changing.allowed_origins,
        "settings": changing.settings,
    }))?;
    let results = db
        .batch(vec![
            query!(
                &db,
                "UPDATE sites SET name = coalesce(?2, name),
                        allowed_origins = coalesce(?3, allowed_origins),
                        settings = coalesce(?4, settings)
                  WHERE id = ?1
                 RETURNING id, name, allowed_origins, settings",
                site,
                &name,
                &origins,
                &settings
            )?,
            audit::entry_if_changed(
                &db,
                &caller.actor(),
                "site-changed",
                Some(site),
                Some(site),
                Some(&detail),
            )?,
        ])
        .await?;
    let row: Row = crate::batch::first(results.first())?.ok_or_else(|| Error::NotFound {
        path: format!("/v1/sites/{site}"),
    })?;
    Ok(Response::from_json(&row.shown(&caller))?)
}
