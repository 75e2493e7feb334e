//! Dashboard sessions: signing in with e-mail and password (or a one-time
//! token), the session cookie, who is signed in, and signing out.
//!
//! The cookie is `HttpOnly` (no script reads it), `SameSite=Strict` (no
//! other site's page sends it), `Secure` except on a loopback host, and
//! lives at most [`LIFETIME_SECONDS`]. Its token is replaced by a new one
//! when the dashboard asks who is signed in and the token is older than
//! [`ROTATE_AFTER_SECONDS`], so a copied cookie soon stops working.

use serde::{Deserialize, Serialize};
use worker::{query, D1Database, Env, Request, Response};

use super::{memberships, password, same_origin, secret, Caller, Membership, Proof};
use crate::error::{Error, Result};
use crate::{audit, body, ledger, DB_BINDING};

/// The cookie's name.
pub const COOKIE: &str = "embudo_session";
/// How long a session lasts from sign-in: a working day.
pub const LIFETIME_SECONDS: u32 = 12 * 3600;
/// How old a session token may get before it is replaced.
pub const ROTATE_AFTER_SECONDS: u32 = 3600;
/// Failed sign-ins allowed per e-mail, and per address, within
/// [`FAILURE_WINDOW_SECONDS`]; past them the answer is 429.
pub const FAILURES_PER_EMAIL: u32 = 5;
/// See [`FAILURES_PER_EMAIL`]; an address may try several accounts.
pub const FAILURES_PER_ADDRESS: u32 = 20;
/// The window failed sign-ins are counted in.
pub const FAILURE_WINDOW_SECONDS: u32 = 15 * 60;

/// A moment `seconds` from now, as D1 stores times (UTC, ISO 8601).
pub fn from_now(seconds: i64) -> String {
    let at =
        worker::js_sys::Date::new(&(worker::js_sys::Date::now() + seconds as f64 * 1000.0).into());
    at.to_iso_string().into()
}

/// The session token the request's cookie carries, if any.
pub fn cookie(req: &Request) -> Result<Option<String>> {
    let header = req.headers().get("Cookie")?.unwrap_or_default();
    Ok(header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == COOKIE && !value.is_empty()).then(|| value.to_owned())
    }))
}

/// The signed-in person whose session token is `token`, if the session
/// exists and has not expired.
pub async fn person(db: &D1Database, token: &str) -> Result<Option<Caller>> {
    #[derive(Deserialize)]
    struct Row {
        account_id: i64,
        email: String,
    }
    let hash = secret::stored(token);
    let row: Option<Row> = query!(
        db,
        "SELECT a.id AS account_id, a.email FROM sessions s JOIN accounts a ON a.id = s.account_id
          WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        &hash,
        from_now(0)
    )?
    .first(None)
    .await?;
    match row {
        Some(row) => Ok(Some(
            super::person(db, row.account_id, row.email, Proof::Session(hash)).await?,
        )),
        None => Ok(None),
    }
}

/// The `Set-Cookie` value carrying `token` (or, with `None`, clearing it).
fn set_cookie(req: &Request, token: Option<&str>) -> Result<String> {
    let host = req.url()?.host_str().unwrap_or_default().to_owned();
    let loopback = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]");
    let (value, max_age) = match token {
        Some(token) => (token, LIFETIME_SECONDS),
        None => ("", 0),
    };
    let secure = if loopback { "" } else { "; Secure" };
    Ok(format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
}

/// What a sign-in sends: an e-mail and password, or a one-time token an
/// admin handed out (`one_time`).
#[derive(Deserialize)]
#[serde(untagged)]
enum SignIn {
    Password(ByPassword),
    Token(ByToken),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ByPassword {
    email: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ByToken {
    token: String,
}

/// Who is signed in, as the dashboard shows it.
#[derive(Serialize)]
struct Signed {
    account: i64,
    email: String,
    name: String,
    memberships: Vec<Membership>,
    expires_at: String,
}

/// An account that proved who it is.
#[derive(Deserialize)]
pub(super) struct Account {
    pub(super) id: i64,
    pub(super) email: String,
    pub(super) name: String,
}

/// `POST /v1/session`: signs in with e-mail and password, or with a
/// one-time token; sets the cookie. Failures count against the e-mail (if
/// any) and the address, and too many get 429.
pub async fn sign_in(mut req: Request, env: &Env) -> Result<Response> {
    same_origin(&req)?;
    let signing: SignIn = body::read(&mut req).await?;
    let db = env.d1(DB_BINDING)?;
    let ip = req.headers().get("CF-Connecting-IP")?;
    let ip_hash = ledger::ip_hash(env, ip.as_deref());
    let (email, account, how) = match signing {
        SignIn::Password(ByPassword { email, password }) => {
            let email = email.trim().to_lowercase();
            too_many_failures(&db, Some(&email), ip_hash.as_deref()).await?;
            let account = by_password(&db, &email, &password).await?;
            (email, account, "password")
        }
        SignIn::Token(ByToken { token }) => {
            // A token names no account until it works: counted by address.
            too_many_failures(&db, None, ip_hash.as_deref()).await?;
            let account = super::one_time::redeem(&db, &token).await?;
            (String::new(), account, "one-time token")
        }
    };
    let Some(account) = account else {
        query!(
            &db,
            "INSERT INTO sign_in_failures (email, ip_hash) VALUES (?1, ?2)",
            &email,
            &ip_hash
        )?
        .run()
        .await?;
        return Err(Error::SignInFailed);
    };

    let token = secret::token("ems_")?;
    let expires_at = from_now(i64::from(LIFETIME_SECONDS));
    let detail = format!("{{\"by\":\"{how}\"}}");
    db.batch(vec![
        query!(
            &db,
            "INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?1, ?2, ?3)",
            secret::stored(&token),
            account.id,
            &expires_at
        )?,
        // Expired sessions and old failures go as new ones come.
        query!(
            &db,
            "DELETE FROM sessions WHERE account_id = ?1 AND expires_at <= ?2",
            account.id,
            from_now(0)
        )?,
        query!(
            &db,
            "DELETE FROM sign_in_failures WHERE at < ?1",
            from_now(-i64::from(FAILURE_WINDOW_SECONDS))
        )?,
        audit::entry(
            &db,
            &format!("account:{}", account.id),
            "sign-in",
            None,
            None,
            Some(&detail),
        )?,
    ])
    .await?;
    let signed = Signed {
        account: account.id,
        memberships: memberships(&db, account.id).await?,
        email: account.email,
        name: account.name,
        expires_at,
    };
    let mut response = Response::from_json(&signed)?;
    response
        .headers_mut()
        .set("Set-Cookie", &set_cookie(&req, Some(&token))?)?;
    Ok(response)
}

/// The account `email` names, if `password` is its password.
async fn by_password(db: &D1Database, email: &str, password: &str) -> Result<Option<Account>> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
        email: String,
        name: String,
        password_hash: String,
    }
    let row: Option<Row> = query!(
        db,
        "SELECT id, email, name, password_hash FROM accounts WHERE email = ?1",
        email
    )?
    .first(None)
    .await?;
    // An unknown e-mail costs the same hash as a wrong password, so the
    // answer's timing does not tell which accounts exist; a password too
    // long to be anyone's costs none for either.
    let matches = match &row {
        _ if password.len() > password::MAX_LENGTH => false,
        Some(row) => password::verify(password, &row.password_hash),
        None => password::spend(password),
    };
    Ok(row.filter(|_| matches).map(|row| Account {
        id: row.id,
        email: row.email,
        name: row.name,
    }))
}

/// Refuses (429) while the e-mail or the address has too many recent
/// failed sign-ins.
async fn too_many_failures(
    db: &D1Database,
    email: Option<&str>,
    ip_hash: Option<&str>,
) -> Result<()> {
    #[derive(Deserialize)]
    struct Counts {
        by_email: u32,
        by_address: u32,
    }
    let counts: Option<Counts> = query!(
        db,
        "SELECT (SELECT count(*) FROM sign_in_failures WHERE email = ?1 AND at > ?3) AS by_email,
                (SELECT count(*) FROM sign_in_failures WHERE ip_hash = ?2 AND at > ?3) AS by_address",
        email,
        ip_hash,
        from_now(-i64::from(FAILURE_WINDOW_SECONDS))
    )?
    .first(None)
    .await?;
    match counts {
        Some(c) if c.by_email >= FAILURES_PER_EMAIL || c.by_address >= FAILURES_PER_ADDRESS => {
            Err(Error::TooManySignIns {
                retry_after: FAILURE_WINDOW_SECONDS,
            })
        }
        _ => Ok(()),
    }
}

/// `GET /v1/session`: who is signed in; replaces a session token older than
/// [`ROTATE_AFTER_SECONDS`].
pub async fn current(req: &Request, env: &Env) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = super::caller(req, env, &db).await?;
    let Caller::Person {
        account,
        email,
        memberships,
        proof: Proof::Session(hash),
    } = caller
    else {
        return Err(Error::Unauthorized);
    };
    #[derive(Deserialize)]
    struct Row {
        name: String,
        expires_at: String,
        stale: i64,
    }
    let row: Option<Row> = query!(
        &db,
        "SELECT a.name, s.expires_at, s.created_at < ?2 AS stale
           FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?1",
        &hash,
        from_now(-i64::from(ROTATE_AFTER_SECONDS))
    )?
    .first(None)
    .await?;
    let row = row.ok_or(Error::Unauthorized)?;
    let rotated = if row.stale == 1 {
        let token = secret::token("ems_")?;
        db.batch(vec![
            query!(
                &db,
                "INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?1, ?2, ?3)",
                secret::stored(&token),
                account,
                &row.expires_at
            )?,
            query!(&db, "DELETE FROM sessions WHERE token_hash = ?1", &hash)?,
        ])
        .await?;
        Some(token)
    } else {
        None
    };
    let mut response = Response::from_json(&Signed {
        account,
        email,
        name: row.name,
        memberships,
        expires_at: row.expires_at,
    })?;
    if let Some(token) = rotated {
        response
            .headers_mut()
            .set("Set-Cookie", &set_cookie(req, Some(&token))?)?;
    }
    Ok(response)
}

/// `DELETE /v1/session`: signs out: the session is gone, the cookie cleared.
pub async fn sign_out(req: &Request, env: &Env) -> Result<Response> {
    let db = env.d1(DB_BINDING)?;
    let caller = super::caller(req, env, &db).await?;
    let Caller::Person {
        account,
        proof: Proof::Session(hash),
        ..
    } = caller
    else {
        return Err(Error::Unauthorized);
    };
    db.batch(vec![
        query!(&db, "DELETE FROM sessions WHERE token_hash = ?1", &hash)?,
        audit::entry(
            &db,
            &format!("account:{account}"),
            "sign-out",
            None,
            None,
            None,
        )?,
    ])
    .await?;
    let mut response = Response::empty()?.with_status(204);
    response
        .headers_mut()
        .set("Set-Cookie", &set_cookie(req, None)?)?;
    Ok(response)
}
