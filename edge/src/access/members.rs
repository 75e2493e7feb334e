//! Who works on a site: its admins give a role there to an account of one
//! of their sites, change it, or take it away. A site always keeps one admin, so nobody
//! can lock everyone out of it. A change applies to the person's next
//! request: roles are read with every request.

use serde::{Deserialize, Serialize};
use worker::{query, D1Database, Env, Request, Response};

use super::{Caller, Need, Role};
use crate::capture::json;
use crate::error::{Error, Result};
use crate::{audit, batch, body, DB_BINDING};

/// The account id from the path.
fn account_id(raw: &str, site: &str) -> Result<i64> {
    crate::routes::row_id(raw).ok_or_else(|| Error::NotFound {
        path: format!("/v1/sites/{site}/members/{raw}"),
    })
}

/// What the site holds about the account: whether the caller knows it, its
/// role on the site, and how many admins the site has.
#[derive(Deserialize)]
struct Standing {
    /// 1 if the account has a role on a site the caller administers (any
    /// account, for the operator). Accounts are shared by every site, so
    /// without this an admin could give a role to, and then list, the
    /// people of sites that are not theirs.
    known: i64,
    role: Option<Role>,
    admins: i64,
}

async fn standing(db: &D1Database, caller: &Caller, site: &str, account: i64) -> Result<Standing> {
    // `null`: every site (the operator).
    let theirs = json(&caller.sites(Need::Administer))?;
    let found: Option<Standing> = query!(
        db,
        "SELECT (SELECT count(*) FROM accounts a WHERE a.id = ?2 AND (?3 = 'null' OR EXISTS (
                   SELECT 1 FROM memberships m WHERE m.account_id = a.id
                      AND m.site_id IN (SELECT value FROM json_each(?3))))) AS known,
                (SELECT role FROM memberships WHERE site_id = ?1 AND account_id = ?2) AS role,
                (SELECT count(*) FROM memberships WHERE site_id = ?1 AND role = 'admin') AS admins",
        site,
        account,
        &theirs
    )?
    .first(None)
    .await?;
    found.ok_or_else(|| Error::Storage {
        reason: "the standing query gave no row".into(),
    })
}

/// Refuses to leave the site without an admin.
fn keeps_an_admin(standing: &Standing, role_after: Option<Role>) -> Result<()> {
    if standing.role == Some(Role::Admin) && role_after != Some(Role::Admin) && standing.admins <= 1
    {
        return Err(last_admin());
    }
    Ok(())
}

/// The guard repeated in SQL, so two admins demoting each other at once
/// cannot both win (`?1` site, `?2` account).
const NOT_THE_LAST_ADMIN: &str = "(role <> 'admin'
     OR (SELECT count(*) FROM memberships WHERE site_id = ?1 AND role = 'admin') > 1)";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Giving {
    role: Role,
}

#[derive(Serialize)]
struct Member {
    site: String,
    account: i64,
    role: Role,
}

/// `PUT /v1/sites/{site}/members/{account}`: gives the account `role` on
/// the site (admins); in the audit log. An account with no role on a site
/// the caller administers is not found, as if it did not exist.
pub async fn put(mut req: Request, env: &Env, site: &str, raw: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = super::caller(&req, env, &db).await?;
    caller.require(site, Need::Administer)?;
    crate::site::admin::known(&db, &caller, site).await?;
    let account = account_id(raw, site)?;
    let Giving { role } = body::read(&mut req).await?;
    let standing = standing(&db, &caller, site, account).await?;
    if standing.known == 0 {
        return Err(Error::NotFound {
            path: format!("/v1/sites/{site}/members/{account}"),
        });
    }
    keeps_an_admin(&standing, Some(role))?;
    let role_name = role.name();
    let results = db
        .batch(vec![
            query!(
                &db,
                &format!(
                    "INSERT INTO memberships (account_id, site_id, role) VALUES (?2, ?1, ?3)
                     ON CONFLICT (account_id, site_id) DO UPDATE SET role = excluded.role
                      WHERE excluded.role = 'admin' OR {NOT_THE_LAST_ADMIN}
                     RETURNING role"
                ),
                site,
                account,
                role_name
            )?,
            audit::entry_if_changed(
                &db,
                &caller.actor(),
                "member-set",
                Some(site),
                Some(&format!("account:{account}")),
                Some(&format!("{{\"role\":\"{role_name}\"}}")),
            )?,
        ])
        .await?;
    if batch::rows::<serde_json::Value>(results.first())?.is_empty() {
        return Err(last_admin());
    }
    Ok(Response::from_json(&Member {
        site: site.to_owned(),
        account,
        role,
    })?)
}

/// `DELETE /v1/sites/{site}/members/{account}`: takes the account's role on
/// the site away (admins); 204; in the audit log.
pub async fn remove(req: &Request, env: &Env, site: &str, raw: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = super::caller(req, env, &db).await?;
    caller.require(site, Need::Administer)?;
    let account = account_id(raw, site)?;
    let standing = standing(&db, &caller, site, account).await?;
    if standing.role.is_none() {
        return Err(Error::NotFound {
            path: format!("/v1/sites/{site}/members/{account}"),
        });
    }
    keeps_an_admin(&standing, None)?;
    let results = db
        .batch(vec![
            query!(
                &db,
                &format!(
                    "DELETE FROM memberships WHERE site_id = ?1 AND account_id = ?2
                        AND {NOT_THE_LAST_ADMIN} RETURNING account_id"
                ),
                site,
                account
            )?,
            audit::entry_if_changed(
                &db,
                &caller.actor(),
                "member-removed",
                Some(site),
                Some(&format!("account:{account}")),
                None,
            )?,
        ])
        .await?;
    if batch::rows::<serde_json::Value>(results.first())?.is_empty() {
        return Err(last_admin());
    }
    Ok(Response::empty()?.with_status(204))
}

/// The refusal to leave a site with no admin.
fn last_admin() -> Error {
    Error::conflict(
        "this is the site's last admin; make someone else admin first",
        "es el último admin del sitio; haz admin a otra persona antes",
    )
}
