//! Accounts for the people who read leads: made by an admin of the sites
//! they are given roles on (or by the operator, for the first admin), and
//! listed for admins.

use embudo_shared::email::EmailAddress;
use embudo_shared::unicode::Tables;
use embudo_shared::Locale;
use serde::{Deserialize, Serialize};
use worker::{query, Env, Request, Response};

use super::{password, secret, Membership, Need};
use crate::capture::json;
use crate::digest::hex;
use crate::error::{Error, Result};
use crate::{audit, batch, body, DB_BINDING};

/// What making an account sends. Without a password one is made up and
/// shown once in the answer.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Making {
    email: String,
    name: String,
    #[serde(default)]
    password: Option<String>,
    memberships: Vec<Membership>,
}

/// The answer to making one.
#[derive(Serialize)]
struct Made {
    id: i64,
    email: String,
    name: String,
    memberships: Vec<Membership>,
    /// Only when the edge made the password up.
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

/// `POST /v1/accounts`: a new account with roles on sites the caller
/// administers.
pub async fn create(mut req: Request, env: &Env) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = super::caller(&req, env, &db).await?;
    let making: Making = body::read(&mut req).await?;
    let email = EmailAddress::parse(making.email.trim(), &Tables)
        .map_err(|_| {
            Error::bad_body(
                "email: not an e-mail address",
                "email: no es una dirección de correo",
            )
        })?
        .as_str()
        .to_lowercase();
    let name = making.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::bad_body(
            "name: 1 to 200 characters",
            "name: de 1 a 200 caracteres",
        ));
    }
    if making.memberships.is_empty() {
        return Err(Error::bad_body(
            "memberships: give the account a role on at least one site",
            "memberships: dale a la cuenta un rol en al menos un sitio",
        ));
    }
    for membership in &making.memberships {
        caller.require(&membership.site, Need::Administer)?;
    }
    let sites = json(
        &making
            .memberships
            .iter()
            .map(|m| m.site.as_str())
            .collect::<Vec<_>>(),
    )?;
    #[derive(Deserialize)]
    struct Found {
        missing: Option<String>,
        taken: i64,
    }
    let found: Option<Found> = query!(
        &db,
        "SELECT (SELECT value FROM json_each(?1) WHERE value NOT IN (SELECT id FROM sites)) AS missing,
                (SELECT count(*) FROM accounts WHERE email = ?2) AS taken",
        &sites,
        &email
    )?
    .first(None)
    .await?;
    if let Some(found) = found {
        if let Some(site) = found.missing {
            return Err(Error::bad_body(
                format!("memberships: there is no site {site}"),
                format!("memberships: no hay ningún sitio {site}"),
            ));
        }
        if found.taken > 0 {
            return Err(Error::AccountExists { email });
        }
    }
    let made_up = match &making.password {
        Some(given) => {
            password::acceptable(given).map_err(|reason| {
                Error::bad_body(
                    format!("password: {}", reason.get(Locale::En)),
                    format!("password: {}", reason.get(Locale::Es)),
                )
            })?;
            None
        }
        None => Some(hex(&secret::random::<12>()?)),
    };
    let chosen = making
        .password
        .as_deref()
        .or(made_up.as_deref())
        .unwrap_or_default();
    let hash = password::hash(chosen, &secret::random::<16>()?)?;
    let roles = json(&making.memberships)?;
    let results = db
        .batch(vec![
            query!(
                &db,
                "INSERT INTO accounts (email, name, password_hash) VALUES (?1, ?2, ?3) RETURNING id",
                &email,
                &name,
                &hash
            )?,
            query!(
                &db,
                "INSERT INTO memberships (account_id, site_id, role)
                 SELECT (SELECT id FROM accounts WHERE email = ?1),
                        m.value ->> 'site', m.value ->> 'role'
                   FROM json_each(?2) AS m",
                &email,
                &roles
            )?,
            audit::entry(&db, &caller.actor(), "account-created", None, Some(&email), Some(&roles))?,
        ])
        .await
        .map_err(|error| match error.to_string() {
            text if text.contains("UNIQUE constraint failed: accounts.email") => {
                Error::AccountExists {
                    email: email.clone(),
                }
            }
            text if text.contains("UNIQUE constraint failed: memberships") => {
                Error::bad_body(
                    "memberships: one role per site",
                    "memberships: un solo rol por sitio",
                )
            }
            _ => error.into(),
        })?;
    let id: i64 = batch::ids(results.first())?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Storage {
            reason: "the account just written has no id".into(),
        })?;
    let made = Made {
        id,
        email,
        name,
        memberships: making.memberships,
        password: made_up,
    };
    Ok(Response::from_json(&made)?.with_status(201))
}

/// An account as listed to an admin.
#[derive(Serialize)]
struct Listed {
    id: i64,
    email: String,
    name: String,
    created_at: String,
    memberships: Vec<Membership>,
}

/// `GET /v1/accounts`: the accounts with a role on a site the caller
/// administers, with those roles.
pub async fn list(req: &Request, env: &Env) -> Result<Response> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        email: String,
        name: String,
        created_at: String,
        site_id: String,
        role: super::Role,
    }
    #[derive(Serialize)]
    struct Accounts {
        accounts: Vec<Listed>,
    }
    let db = env.d1(DB_BINDING)?;
    let caller = super::caller(req, env, &db).await?;
    // `null`: every site (the operator).
    let sites = json(&caller.sites(Need::Administer))?;
    let rows: Vec<Row> = query!(
        &db,
        "SELECT a.id, a.email, a.name, a.created_at, m.site_id, m.role
           FROM accounts a JOIN memberships m ON m.account_id = a.id
          WHERE ?1 = 'null' OR m.site_id IN (SELECT value FROM json_each(?1))
          ORDER BY a.id, m.site_id",
        &sites
    )?
    .all()
    .await?
    .results()?;
    let mut accounts: Vec<Listed> = Vec::new();
    for row in rows {
        let membership = Membership {
            site: row.site_id,
            role: row.role,
        };
        match accounts.last_mut() {
            Some(last) if last.id == row.id => last.memberships.push(membership),
            _ => accounts.push(Listed {
                id: row.id,
                email: row.email,
                name: row.name,
                created_at: row.created_at,
                memberships: vec![membership],
            }),
        }
    }
    Ok(Response::from_json(&Accounts { accounts })?)
}
