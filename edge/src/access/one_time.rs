//! One-time sign-in tokens: an admin makes one for a person (their first
//! sign-in, a forgotten password) and hands it over; it signs them in once,
//! within [`LIFETIME_SECONDS`]. Only its SHA-256 is stored. Since it gives
//! the person's whole access, only someone who administers every site the
//! person works on (or the operator) may make one; any change to the
//! person's memberships ends their unused tokens (migration 0024), so one
//! never reaches a site or role its maker could not hand out.

use embudo_shared::Text;
use serde::Serialize;
use worker::{query, D1Database, Env, Request, Response};

use super::session::{from_now, Account};
use super::{secret, Caller, Need};
use crate::capture::json;
use crate::error::{Error, Result};
use crate::faults::Faults;
use crate::{audit, batch, DB_BINDING};

/// How long a one-time token works.
pub const LIFETIME_SECONDS: u32 = 30 * 60;

#[derive(Serialize)]
struct Made {
    account: i64,
    /// Shown once: `POST /v1/session` with `{"token"}` signs in with it.
    token: String,
    expires_at: String,
}

/// `POST /v1/accounts/{account}/sign-in-tokens`: 201 with the token.
pub async fn create(req: &Request, env: &Env, raw: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = super::caller(req, env, &db).await?;
    let not_found = || Error::NotFound {
        path: format!("/v1/accounts/{raw}/sign-in-tokens"),
    };
    let account = crate::routes::row_id(raw).ok_or_else(not_found)?;
    let sites = super::memberships(&db, account).await?;
    Faults::of(req).pause().await;
    for membership in &sites {
        caller.require(&membership.site, Need::Administer)?;
    }
    if sites.is_empty() && caller != Caller::Operator {
        // A person with no site (or no person) is the operator's to let in.
        return Err(Error::Forbidden {
            need: Need::Administer.words(),
            site: Text::said("the sites of this person", "los sitios de esta persona"),
        });
    }
    let exists: Option<i64> = query!(&db, "SELECT id FROM accounts WHERE id = ?1", account)?
        .first(Some("id"))
        .await?;
    if exists.is_none() {
        return Err(not_found());
    }
    let token = secret::token("eso_")?;
    let expires_at = from_now(i64::from(LIFETIME_SECONDS));
    // Made only if the person still works on no site but the caller's (the
    // check above, repeated as the token is written): a site they joined
    // meanwhile would otherwise be in its reach (`null`: the operator).
    let theirs = json(&caller.sites(Need::Administer))?;
    let results = db
        .batch(vec![
            query!(
                &db,
                "INSERT INTO sign_in_tokens (token_hash, account_id, created_by, expires_at)
                 SELECT ?1, ?2, ?3, ?4
                  WHERE ?5 = 'null' OR NOT EXISTS (
                        SELECT 1 FROM memberships WHERE account_id = ?2
                           AND site_id NOT IN (SELECT value FROM json_each(?5)))
                 RETURNING account_id AS id",
                secret::stored(&token),
                account,
                caller.actor(),
                &expires_at,
                &theirs
            )?,
            audit::entry_if_changed(
                &db,
                &caller.actor(),
                "sign-in-token-made",
                None,
                Some(&format!("account:{account}")),
                None,
            )?,
        ])
        .await?;
    if batch::ids::<i64>(results.first())?.is_empty() {
        return Err(Error::conflict(
            "the person's sites changed while the token was being made; make it again",
            "los sitios de esta persona cambiaron mientras se creaba el token; créalo de nuevo",
        ));
    }
    Ok(Response::from_json(&Made {
        account,
        token,
        expires_at,
    })?
    .with_status(201))
}

/// The account `token` signs in, using the token up; `None` if it is not
/// one, was used, or expired.
pub(super) async fn redeem(db: &D1Database, token: &str) -> Result<Option<Account>> {
    let account: Option<Account> = query!(
        db,
        "UPDATE sign_in_tokens SET used_at = ?2
          WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
         RETURNING (SELECT id FROM accounts WHERE id = account_id) AS id,
                   (SELECT email FROM accounts WHERE id = account_id) AS email,
                   (SELECT name FROM accounts WHERE id = account_id) AS name",
        secret::stored(token.trim()),
        from_now(0)
    )?
    .first(None)
    .await?;
    Ok(account)
}
