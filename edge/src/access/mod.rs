//! Who is asking, and what they may do where. A request is made by:
//! - a person signed in to the dashboard (a session cookie),
//! - a script with one of a person's API tokens (`Authorization: Bearer`),
//!   acting with that person's roles,
//! - or the operator, holding the `ADMIN_TOKEN` Worker secret: the
//!   break-glass key that creates the first accounts and may do anything.
//!
//! A person has one role per site. What each role allows is [`Role::allows`].

pub mod accounts;
pub mod members;
pub mod one_time;
pub mod password;
pub mod secret;
pub mod session;
pub mod tokens;

use embudo_shared::Text;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use worker::{query, D1Database, Env, Request};

use crate::error::{Error, Result};

/// The name of the Worker secret holding the operator's token.
pub const OPERATOR_SECRET: &str = "ADMIN_TOKEN";

/// What a person may do on a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Accounts, sites, forms, rules, webhooks, and all the others may do.
    Admin,
    /// Leads, forms, rules and exports.
    Marketing,
    /// Reads leads, moves their stages, writes notes.
    Sales,
    /// Reads only.
    Viewer,
}

/// What a route needs of the caller's role on the site it touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Reading leads, consents and statistics.
    Read,
    /// Working leads: stage moves and notes.
    Work,
    /// Forms, rules, exports, webhook deliveries.
    Manage,
    /// Accounts, sites and webhook endpoints.
    Administer,
}

impl Need {
    /// In words in each language, for the 403's detail.
    pub fn words(self) -> Text {
        match self {
            Self::Read => Text::said("reading leads", "leer leads"),
            Self::Work => Text::said("working leads", "trabajar leads"),
            Self::Manage => Text::said(
                "managing forms, rules and exports",
                "gestionar formularios, reglas y exportaciones",
            ),
            Self::Administer => Text::said("administering the site", "administrar el sitio"),
        }
    }
}

impl Role {
    /// The role's name, as stored and as the API spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Marketing => "marketing",
            Self::Sales => "sales",
            Self::Viewer => "viewer",
        }
    }

    /// Whether this role may do what `need` names.
    pub fn allows(self, need: Need) -> bool {
        match self {
            Self::Admin => true,
            Self::Marketing => need != Need::Administer,
            Self::Sales => matches!(need, Need::Read | Need::Work),
            Self::Viewer => need == Need::Read,
        }
    }
}

/// A person's role on one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The site.
    pub site: String,
    /// The role there.
    pub role: Role,
}

/// How a person's request proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A dashboard session (the SHA-256 of its cookie token).
    Session(String),
    /// An API token (its id).
    Token(String),
}

/// Whoever makes the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The holder of the `ADMIN_TOKEN` secret.
    Operator,
    /// A person with an account.
    Person {
        /// The account's id.
        account: i64,
        /// The account's e-mail address.
        email: String,
        /// Their role on each site they may see.
        memberships: Vec<Membership>,
        /// How they proved it.
        proof: Proof,
    },
}

impl Caller {
    /// Whether the caller may do what `need` names on `site`.
    pub fn may(&self, site: &str, need: Need) -> bool {
        match self {
            Self::Operator => true,
            Self::Person { memberships, .. } => memberships
                .iter()
                .any(|m| m.site == site && m.role.allows(need)),
        }
    }

    /// Refuses (403) unless the caller may do what `need` names on `site`.
    pub fn require(&self, site: &str, need: Need) -> Result<()> {
        if self.may(site, need) {
            Ok(())
        } else {
            Err(Error::Forbidden {
                need: need.words(),
                site: Text::said(site, site),
            })
        }
    }

    /// The sites where the caller may do what `need` names; `None`: every
    /// site (the operator).
    pub fn sites(&self, need: Need) -> Option<Vec<String>> {
        match self {
            Self::Operator => None,
            Self::Person { memberships, .. } => Some(
                memberships
                    .iter()
                    .filter(|m| m.role.allows(need))
                    .map(|m| m.site.clone())
                    .collect(),
            ),
        }
    }

    /// How the audit log names the caller.
    pub fn actor(&self) -> String {
        match self {
            Self::Operator => "operator".to_owned(),
            Self::Person {
                proof: Proof::Token(id),
                ..
            } => format!("token:{id}"),
            Self::Person { account, .. } => format!("account:{account}"),
        }
    }
}

/// Who makes `req`: the operator or an API token's person (by the bearer
/// token), else a signed-in person (by the session cookie). Anyone else gets
/// 401. A session may not change anything from another site's page: a
/// cookie alone proves nothing about who made the page that sent it.
pub async fn caller(req: &Request, env: &Env, db: &D1Database) -> Result<Caller> {
    let header = req.headers().get("Authorization")?.unwrap_or_default();
    if let Some(given) = header.strip_prefix("Bearer ") {
        let given = given.trim();
        if is_operator(env, given)? {
            return Ok(Caller::Operator);
        }
        return tokens::person(db, given).await?.ok_or(Error::Unauthorized);
    }
    let Some(token) = session::cookie(req)? else {
        return Err(Error::Unauthorized);
    };
    let person = session::person(db, &token)
        .await?
        .ok_or(Error::Unauthorized)?;
    if !matches!(req.method(), worker::Method::Get | worker::Method::Head) {
        same_origin(req)?;
    }
    Ok(person)
}

/// Whether `given` is the operator's token (compared in constant time; an
/// unset or empty secret matches nothing).
fn is_operator(env: &Env, given: &str) -> Result<bool> {
    let Ok(expected) = env.secret(OPERATOR_SECRET) else {
        return Ok(false);
    };
    Ok(token_matches(given, &expected.to_string()))
}

/// Compares `given` with `expected` in constant time; an empty expected
/// token matches nothing.
pub fn token_matches(given: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// Refuses a request a browser says came from another site, or that does
/// not say where it came from at all.
pub fn same_origin(req: &Request) -> Result<()> {
    let headers = req.headers();
    if let Some(site) = headers.get("Sec-Fetch-Site")? {
        return if site == "same-origin" {
            Ok(())
        } else {
            Err(Error::CrossSite { origin: site })
        };
    }
    let origin = headers.get("Origin")?.unwrap_or_default();
    let url = req.url()?;
    let own = url.origin().ascii_serialization();
    if !origin.is_empty() && origin == own {
        Ok(())
    } else {
        Err(Error::CrossSite {
            origin: if origin.is_empty() {
                "a page that does not say where it is".to_owned()
            } else {
                origin
            },
        })
    }
}

/// The person with account `account`, proven by `proof`, with their roles.
async fn person(db: &D1Database, account: i64, email: String, proof: Proof) -> Result<Caller> {
    Ok(Caller::Person {
        account,
        email,
        memberships: memberships(db, account).await?,
        proof,
    })
}

/// The memberships of account `account`, for the session and token lookups.
async fn memberships(db: &D1Database, account: i64) -> Result<Vec<Membership>> {
    #[derive(Deserialize)]
    struct Row {
        site_id: String,
        role: Role,
    }
    let rows: Vec<Row> = query!(
        db,
        "SELECT site_id, role FROM memberships WHERE account_id = ?1 ORDER BY site_id",
        account
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|row| Membership {
            site: row.site_id,
            role: row.role,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(memberships: &[(&str, Role)]) -> Caller {
        Caller::Person {
            account: 1,
            email: "ana@acme.example".into(),
            memberships: memberships
                .iter()
                .map(|(site, role)| Membership {
                    site: (*site).into(),
                    role: *role,
                })
                .collect(),
            proof: Proof::Session("h".into()),
        }
    }

    #[test]
    fn each_role_allows_what_the_issue_gives_it() {
        use Need::*;
        let table = [
            (Role::Admin, [true, true, true, true]),
            (Role::Marketing, [true, true, true, false]),
            (Role::Sales, [true, true, false, false]),
            (Role::Viewer, [true, false, false, false]),
        ];
        for (role, allowed) in table {
            for (need, expected) in [Read, Work, Manage, Administer].into_iter().zip(allowed) {
                assert_eq!(role.allows(need), expected, "{role:?} {need:?}");
            }
        }
    }

    #[test]
    fn a_role_counts_only_on_its_own_site() {
        let sales = person(&[("acme", Role::Sales)]);
        assert!(sales.may("acme", Need::Work));
        assert!(!sales.may("globex", Need::Read));
        assert!(sales.require("acme", Need::Manage).is_err());
        assert_eq!(sales.sites(Need::Read), Some(vec!["acme".to_owned()]));
        assert_eq!(sales.sites(Need::Manage), Some(vec![]));
        assert!(Caller::Operator.may("anything", Need::Administer));
        assert_eq!(Caller::Operator.sites(Need::Read), None);
    }

    #[test]
    fn only_the_exact_operator_token_matches() {
        assert!(token_matches("s3cret", "s3cret"));
        assert!(!token_matches("s3cre", "s3cret"));
        assert!(!token_matches("s3cret2", "s3cret"));
        assert!(!token_matches("", ""));
    }
}
