//! Configuring where sales hears about leads: a site's admins add webhook
//! endpoints, change or pause them, roll their signing secrets, send one a
//! signed test event and see its answer; marketing and admins send a dead
//! delivery again.

use embudo_shared::Stage;
use serde::{Deserialize, Serialize};
use worker::{query, Env, Request, Response};

use super::{deliver, enqueue, signature};
use crate::access::{self, Need};
use crate::error::{Error, Result};
use crate::{audit, batch, body, capture, DB_BINDING};

/// What adding or changing an endpoint sends; every field but `id` may be
/// left out of a change.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Setting {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    stages: Option<Vec<Stage>>,
    #[serde(default)]
    active: Option<bool>,
}

/// An endpoint id: 1 to 64 lower-case letters, digits, `-` or `_`.
fn checked_id(id: &str) -> Result<()> {
    let fits = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if fits {
        Ok(())
    } else {
        Err(Error::bad_body(
            format!("id: 1 to 64 lower-case letters, digits, - or _, not {id:?}"),
            format!("id: de 1 a 64 minúsculas, cifras, - o _, no {id:?}"),
        ))
    }
}

/// An endpoint URL: https, or http on a loopback host (local receivers).
pub fn checked_url(raw: &str) -> Result<String> {
    let url = worker::Url::parse(raw).map_err(|_| {
        Error::bad_body(
            format!("url: {raw:?} is not a URL"),
            format!("url: {raw:?} no es una URL"),
        )
    })?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => Ok(url.to_string()),
        "http" if loopback => Ok(url.to_string()),
        _ => Err(Error::bad_body(
            "url: events are sent only over https (http only to this machine)",
            "url: los eventos solo se envían por https (http solo a esta máquina)",
        )),
    }
}

/// The stages an endpoint hears about: MQL and SQL, or a subset.
fn checked_stages(stages: &[Stage]) -> Result<String> {
    if stages.is_empty() || stages.iter().any(|s| !super::announces(*s)) {
        return Err(Error::bad_body(
            "stages: mql, sql or both",
            "stages: mql, sql o ambas",
        ));
    }
    capture::json(&stages)
}

/// `POST /v1/sites/{site}/webhooks`: a new endpoint (admins).
pub async fn add(mut req: Request, env: &Env, site: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(&req, env, &db).await?;
    caller.require(site, Need::Administer)?;
    crate::site::admin::known(&db, &caller, site).await?;
    let setting: Setting = body::read(&mut req).await?;
    let id = setting
        .id
        .ok_or_else(|| Error::bad_body("id: name the endpoint", "id: ponle nombre al webhook"))?;
    checked_id(&id)?;
    let url = checked_url(setting.url.as_deref().unwrap_or_default())?;
    let stages = checked_stages(&setting.stages.unwrap_or(vec![Stage::Mql, Stage::Sql]))?;
    let active = i64::from(setting.active.unwrap_or(true));
    db.batch(vec![
        query!(
            &db,
            "INSERT INTO webhooks (id, site_id, url, stages, active) VALUES (?1, ?2, ?3, ?4, ?5)",
            &id,
            site,
            &url,
            &stages,
            active
        )?,
        audit::entry(
            &db,
            &caller.actor(),
            "webhook-added",
            Some(site),
            Some(&id),
            Some(&url),
        )?,
    ])
    .await
    .map_err(|error| match error.to_string() {
        text if text.contains("UNIQUE constraint failed: webhooks.id") => Error::bad_body(
            format!("id: there is already an endpoint {id}"),
            format!("id: ya hay un webhook {id}"),
        ),
        _ => error.into(),
    })?;
    super::routes::one(env, &db, site, &id).await
}

/// `PATCH /v1/sites/{site}/webhooks/{webhook}`: changes its URL, stages or
/// whether it is active (admins).
pub async fn change(mut req: Request, env: &Env, site: &str, id: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(&req, env, &db).await?;
    caller.require(site, Need::Administer)?;
    let setting: Setting = body::read(&mut req).await?;
    if setting.id.as_deref().is_some_and(|given| given != id) {
        return Err(Error::bad_body(
            "id: an endpoint's id does not change",
            "id: el id de un webhook no cambia",
        ));
    }
    let url = setting.url.as_deref().map(checked_url).transpose()?;
    let stages = setting.stages.as_deref().map(checked_stages).transpose()?;
    let active = setting.active.map(i64::from);
    let results = db
        .batch(vec![
            query!(
                &db,
                "UPDATE webhooks SET url = coalesce(?3, url), stages = coalesce(?4, stages),
                        active = coalesce(?5, active)
                  WHERE id = ?1 AND site_id = ?2 RETURNING id",
                id,
                site,
                &url,
                &stages,
                active
            )?,
            audit::entry_if_changed(
                &db,
                &caller.actor(),
                "webhook-changed",
                Some(site),
                Some(id),
                None,
            )?,
        ])
        .await?;
    if batch::ids::<String>(results.first())?.is_empty() {
        return Err(missing(site, id));
    }
    super::routes::one(env, &db, site, id).await
}

/// How long the secret a roll replaces still signs, unless the roll says.
pub const DEFAULT_PREVIOUS_HOURS: u32 = 24;
/// The longest it may (a week, as Stripe allows).
pub const MAX_PREVIOUS_HOURS: u32 = 168;

/// What rolling a secret may send: how many hours the replaced secret
/// still signs beside the new one (0: it stops at once, after a leak).
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Roll {
    previous_valid_hours: u32,
}

impl Default for Roll {
    fn default() -> Self {
        Self {
            previous_valid_hours: DEFAULT_PREVIOUS_HOURS,
        }
    }
}

/// `POST /v1/sites/{site}/webhooks/{webhook}/secret`: gives the endpoint a
/// new signing secret (admins), for when the old one leaked or someone who
/// knew it left. The body is optional. Until the replaced secret expires,
/// events carry a signature under each, so the receiver can switch over
/// without refusing events; rolling again ends the older one at once.
pub async fn roll(mut req: Request, env: &Env, site: &str, id: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(&req, env, &db).await?;
    caller.require(site, Need::Administer)?;
    let hours = body::read_or_default::<Roll>(&mut req)
        .await?
        .previous_valid_hours;
    if hours > MAX_PREVIOUS_HOURS {
        return Err(Error::bad_body(
            format!("previous_valid_hours: 0 to {MAX_PREVIOUS_HOURS}, not {hours}"),
            format!("previous_valid_hours: de 0 a {MAX_PREVIOUS_HOURS}, no {hours}"),
        ));
    }
    let detail = match hours {
        0 => "the replaced secret stopped signing at once".to_owned(),
        1 => "the replaced secret signs for 1 more hour".to_owned(),
        hours => format!("the replaced secret signs for {hours} more hours"),
    };
    let results = db
        .batch(vec![
            query!(
                &db,
                "UPDATE webhooks SET secret_generation = secret_generation + 1,
                        previous_secret_until = CASE WHEN ?3 > 0
                          THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || ?3 || ' hours') END
                  WHERE id = ?1 AND site_id = ?2 RETURNING id",
                id,
                site,
                hours
            )?,
            audit::entry_if_changed(
                &db,
                &caller.actor(),
                "webhook-secret-rolled",
                Some(site),
                Some(id),
                Some(&detail),
            )?,
        ])
        .await?;
    if batch::ids::<String>(results.first())?.is_empty() {
        return Err(missing(site, id));
    }
    super::routes::one(env, &db, site, id).await
}

fn missing(site: &str, id: &str) -> Error {
    Error::NotFound {
        path: format!("/v1/sites/{site}/webhooks/{id}"),
    }
}

/// What the test event's post gave.
#[derive(Serialize)]
struct Tried {
    /// Whether the endpoint answered 2xx.
    delivered: bool,
    /// Its HTTP status, if it answered.
    status: Option<u16>,
    /// Why not, if it did not take it.
    error: Option<String>,
}

/// `POST /v1/sites/{site}/webhooks/{webhook}/test`: posts a signed `ping`
/// event now and says how the endpoint answered (admins).
pub async fn test(req: &Request, env: &Env, site: &str, id: &str) -> Result<Response> {
    #[derive(Deserialize)]
    struct Row {
        url: String,
        #[serde(flatten)]
        generation: signature::Generation,
    }
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(req, env, &db).await?;
    caller.require(site, Need::Administer)?;
    let row: Option<Row> = query!(
        &db,
        &format!(
            "SELECT w.url, {} FROM webhooks w WHERE w.id = ?1 AND w.site_id = ?2",
            signature::COLUMNS
        ),
        id,
        site
    )?
    .first(None)
    .await?;
    let row = row.ok_or_else(|| missing(site, id))?;
    let event = format!(
        "evt_ping_{}",
        crate::digest::hex(&access::secret::random::<8>()?)
    );
    let at = String::from(worker::js_sys::Date::new_0().to_iso_string());
    let payload = capture::json(&serde_json::json!({
        "id": event, "type": "ping", "created": at, "site": site, "webhook": id,
    }))?;
    let delivery = format!("{event}:{id}");
    let endpoint = deliver::Endpoint {
        id,
        url: &row.url,
        generation: row.generation,
    };
    let tried = match deliver::post(env, &endpoint, "ping", &delivery, &payload).await {
        Ok(reply) => Tried {
            delivered: (200..300).contains(&reply.status),
            status: Some(reply.status),
            error: (!(200..300).contains(&reply.status))
                .then(|| format!("answered {}", reply.status)),
        },
        Err(reason) => Tried {
            delivered: false,
            status: None,
            error: Some(reason),
        },
    };
    Ok(Response::from_json(&tried)?)
}

/// `POST /v1/sites/{site}/deliveries/{delivery}/retry`: a dead delivery is
/// queued again from its first attempt (marketing, admins).
pub async fn retry(req: &Request, env: &Env, site: &str, id: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(req, env, &db).await?;
    caller.require(site, Need::Manage)?;
    let results = db
        .batch(vec![
            query!(
                &db,
                "UPDATE deliveries SET status = 'pending', attempts = 0, last_status = NULL,
                        last_error = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                  WHERE id = ?1 AND site_id = ?2 AND status = 'dead'
                    AND lead_id IN (SELECT id FROM leads WHERE erased_at IS NULL)
                  RETURNING id",
                id,
                site
            )?,
            audit::entry_if_changed(
                &db,
                &caller.actor(),
                "delivery-retried",
                Some(site),
                Some(id),
                None,
            )?,
        ])
        .await?;
    let retried: Vec<String> = batch::ids(results.first())?;
    if retried.is_empty() {
        #[derive(Deserialize)]
        struct Status {
            status: String,
            /// 1 when the person was erased (SQLite has no booleans).
            erased: i64,
        }
        let found: Option<Status> = query!(
            &db,
            "SELECT d.status, l.erased_at IS NOT NULL AS erased
               FROM deliveries d JOIN leads l ON l.id = d.lead_id
              WHERE d.id = ?1 AND d.site_id = ?2",
            id,
            site
        )?
        .first(None)
        .await?;
        return Err(match found {
            Some(found) if found.erased == 1 => Error::conflict(
                "the person was erased: there is nothing left to send",
                "la persona fue borrada: no queda nada que enviar",
            ),
            Some(found) => Error::conflict(
                format!(
                    "only a dead delivery is sent again; this one is {}",
                    found.status
                ),
                format!(
                    "solo se reenvía una entrega abandonada; esta está en {}",
                    found.status
                ),
            ),
            None => Error::NotFound {
                path: format!("/v1/sites/{site}/deliveries/{id}"),
            },
        });
    }
    enqueue(env, retried).await?;
    Ok(Response::empty()?.with_status(202))
}
