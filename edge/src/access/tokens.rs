//! API tokens: for scripts, acting as the person who made them, with that
//! person's roles. Shown once when made; kept as SHA-256; revocable.

use embudo_shared::Text;
use serde::{Deserialize, Serialize};
use worker::{query, D1Database, Env, Request, Response};

use super::{secret, Caller, Proof};
use crate::error::{Error, Result};
use crate::{audit, batch, body, DB_BINDING};

/// How every API token begins.
pub const PREFIX: &str = "emt_";

/// The person acting through API token `token`, if it exists and is not
/// revoked.
pub async fn person(db: &D1Database, token: &str) -> Result<Option<Caller>> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    #[derive(Deserialize)]
    struct Row {
        id: String,
        account_id: i64,
        email: String,
    }
    let row: Option<Row> = query!(
        db,
        "SELECT t.id, t.account_id, a.email FROM api_tokens t JOIN accounts a ON a.id = t.account_id
          WHERE t.token_hash = ?1 AND t.revoked_at IS NULL",
        secret::stored(token)
    )?
    .first(None)
    .await?;
    match row {
        Some(row) => Ok(Some(
            super::person(db, row.account_id, row.email, Proof::Token(row.id)).await?,
        )),
        None => Ok(None),
    }
}

/// A token as listed: never its secret.
#[derive(Serialize, Deserialize)]
struct Listed {
    id: String,
    name: String,
    created_at: String,
    revoked_at: Option<String>,
}

/// What making a token sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Making {
    name: String,
}

/// The answer to making one: the only time the token is shown.
#[derive(Serialize)]
struct Made {
    id: String,
    name: String,
    token: String,
}

/// The account a person's request acts for; the operator has none.
fn account_of(caller: &Caller) -> Result<i64> {
    match caller {
        Caller::Person { account, .. } => Ok(*account),
        Caller::Operator => Err(Error::Forbidden {
            need: Text::said(
                "tokens of your own (the operator has no account)",
                "tokens propios (el operador no tiene cuenta)",
            ),
            site: Text::said("every site", "ningún sitio"),
        }),
    }
}

/// `POST /v1/tokens`: a new API token for the caller.
pub async fn create(mut req: Request, env: &Env) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = super::caller(&req, env, &db).await?;
    let account = account_of(&caller)?;
    let Making { name } = body::read(&mut req).await?;
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::bad_body(
            "name: give the token a name of 1 to 100 characters",
            "name: ponle al token un nombre de 1 a 100 caracteres",
        ));
    }
    let token = secret::token(PREFIX)?;
    let id = format!("tok_{}", &secret::stored(&token)[..16]);
    db.batch(vec![
        query!(
            &db,
            "INSERT INTO api_tokens (id, account_id, name, token_hash) VALUES (?1, ?2, ?3, ?4)",
            &id,
            account,
            &name,
            secret::stored(&token)
        )?,
        audit::entry(&db, &caller.actor(), "token-created", None, Some(&id), None)?,
    ])
    .await?;
    Ok(Response::from_json(&Made { id, name, token })?.with_status(201))
}

/// `GET /v1/tokens`: the caller's tokens, revoked ones too, without secrets.
pub async fn list(req: &Request, env: &Env) -> Result<Response> {
    #[derive(Serialize)]
    struct Tokens {
        tokens: Vec<Listed>,
    }
    let db = env.d1(DB_BINDING)?;
    let account = account_of(&super::caller(req, env, &db).await?)?;
    let tokens: Vec<Listed> = query!(
        &db,
        "SELECT id, name, created_at, revoked_at FROM api_tokens WHERE account_id = ?1
          ORDER BY created_at DESC, id",
        account
    )?
    .all()
    .await?
    .results()?;
    Ok(Response::from_json(&Tokens { tokens })?)
}

/// `DELETE /v1/tokens/{token}`: revokes one of the caller's tokens; it stops
/// working at once.
pub async fn revoke(req: &Request, env: &Env, id: &str) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = super::caller(req, env, &db).await?;
    let account = account_of(&caller)?;
    let results = db
        .batch(vec![
            query!(
                &db,
                "UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                  WHERE id = ?1 AND account_id = ?2 AND revoked_at IS NULL RETURNING id",
                id,
                account
            )?,
            audit::entry_if_changed(&db, &caller.actor(), "token-revoked", None, Some(id), None)?,
        ])
        .await?;
    let revoked: Vec<String> = batch::ids(results.first())?;
    if !revoked.is_empty() {
        Ok(Response::empty()?.with_status(204))
    } else {
        Err(Error::NotFound {
            path: format!("/v1/tokens/{id}"),
        })
    }
}
