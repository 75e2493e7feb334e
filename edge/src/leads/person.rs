//! `POST /v1/sites/{site}/people/export`: everything the site holds about
//! one person, for their right of access: their lead (one per site and
//! e-mail, across every form) with every submission, consent, stage change,
//! handoff and note. The e-mail travels in the body, never in a URL that
//! logs keep.

use embudo_shared::email::EmailAddress;
use embudo_shared::unicode::Tables;
use serde::{Deserialize, Serialize};
use worker::{query, D1Database, Env, Request, Response};

use super::detail::{story, Detail};
use super::{Lead, Row, LEAD_COLUMNS};
use crate::access::{self, Caller, Need};
use crate::error::{Error, Result};
use crate::{audit, body, DB_BINDING};

/// A request about one person of a site (their export, their erasure):
/// made by someone who may manage the site, naming the person by e-mail
/// in the body.
pub(super) struct Asked {
    /// The database.
    pub(super) db: D1Database,
    /// Who asks.
    pub(super) caller: Caller,
    /// The person's address.
    pub(super) address: EmailAddress,
}

/// Reads and checks a request about one person of `site`.
pub(super) async fn asked(req: &mut Request, env: &Env, site: &str) -> Result<Asked> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Asking {
        email: String,
    }
    let db = env.d1(DB_BINDING)?;
    let caller = access::caller(req, env, &db).await?;
    caller.require(site, Need::Manage)?;
    let Asking { email } = body::read(req).await?;
    // An address stored before a stricter check (an IP address for a
    // domain, since 2026-12) is still someone's: found as stored, so they
    // can get or erase their data.
    let address = EmailAddress::parse(&email, &Tables)
        .ok()
        .or_else(|| EmailAddress::as_stored(&email, &Tables))
        .ok_or_else(|| {
            Error::bad_body(
                "email: not an e-mail address",
                "email: no es una dirección de correo",
            )
        })?;
    Ok(Asked {
        db,
        caller,
        address,
    })
}

/// The export: empty `leads` when the site holds nothing about the person.
#[derive(Serialize)]
struct Export {
    site: String,
    email: String,
    exported_at: String,
    leads: Vec<Detail>,
}

/// For marketing and admins of the site; recorded in the audit log (by
/// lead, not by e-mail, so the log holds no new personal data).
pub async fn export(mut req: Request, env: &Env, site: &str) -> Result<Response> {
    let Asked {
        db,
        caller,
        address,
    } = asked(&mut req, env, site).await?;
    let row: Option<Row> = query!(
        &db,
        &format!(
            "SELECT {LEAD_COLUMNS} FROM leads
                  WHERE site_id = ?1 AND email_key = ?2 AND erased_at IS NULL"
        ),
        site,
        address.dedupe_key()
    )?
    .first(None)
    .await?;
    let mut leads = Vec::new();
    if let Some(row) = row {
        let lead = Lead::try_from(row)?;
        let subject = format!("lead:{}", lead.id);
        audit::entry(
            &db,
            &caller.actor(),
            "person-exported",
            Some(site),
            Some(&subject),
            None,
        )?
        .run()
        .await?;
        leads.push(story(&db, lead).await?);
    }
    Ok(Response::from_json(&Export {
        site: site.to_owned(),
        email: address.as_str().to_owned(),
        exported_at: String::from(worker::js_sys::Date::new_0().to_iso_string()),
        leads,
    })?)
}
