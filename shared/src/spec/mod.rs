//! Form specs: what a company writes once for each form (its fields, consent
//! items, content offer, visible text per locale and qualification rules),
//! read from JSON or TOML and checked as a whole.

pub mod check;
pub mod consent;
pub mod field;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, SpecProblem};
use crate::locale::{Locale, Text};
use crate::qualify::RuleSet;
use consent::Consent;
use field::Field;

/// The spec format this crate reads; a spec states it so older specs can be
/// migrated when the format changes.
pub const FORMAT: u32 = 1;

/// One form, as its company configured it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSpec {
    /// The spec format (see [`FORMAT`]).
    pub format: u32,
    /// The site the form belongs to.
    pub site: String,
    /// The form's id, as the embed snippet names it.
    pub id: String,
    /// The spec's own revision, raised on every edit.
    #[serde(default = "first_revision")]
    pub revision: u32,
    /// The locales every visible string is given in.
    pub locales: Vec<Locale>,
    /// The form's heading.
    pub heading: Text,
    /// The submit button's text.
    pub submit: Text,
    /// What the visitor reads once the form is sent.
    pub success: Text,
    /// The content offer the form trades for the visitor's data.
    pub offer: Offer,
    /// The questions, in display order.
    pub fields: Vec<Field>,
    /// The consent items, in display order.
    #[serde(default)]
    pub consents: Vec<Consent>,
    /// How leads from this form are qualified. The edge alone reads them:
    /// the public spec the widget gets has none ([`FormSpec::public`]).
    #[serde(default, skip_serializing_if = "RuleSet::is_empty")]
    pub qualification: RuleSet,
    /// Cloudflare Turnstile, when the form asks visitors to pass it: the
    /// widget shows the challenge and the edge verifies its token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<Turnstile>,
    /// How many days a lead is kept after its last submission through this
    /// form (the site's retention policy); `None` keeps it until erased.
    /// The edge purges what is past it daily.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
}

/// A form's Turnstile widget. The matching secret is a Worker secret, never
/// part of a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Turnstile {
    /// The public site key the challenge is rendered with.
    pub site_key: String,
}

fn first_revision() -> u32 {
    1
}

/// The content a visitor gets for their data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// The offer's id, which rules test (`pricing`, `demo`, `ebook-inbound`).
    pub id: String,
    /// Its title, per locale.
    pub title: Text,
    /// A line on what it is, per locale.
    pub description: Text,
    /// How it reaches the visitor.
    pub delivery: Delivery,
}

/// How an offer is delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case", try_from = "WrittenDelivery")]
pub enum Delivery {
    /// A file the visitor downloads right after submitting.
    Download {
        /// Where the file is (an https URL or a path on the site).
        url: String,
    },
    /// Sent by e-mail.
    Email,
    /// A page the visitor is taken to (a webinar room, a calendar).
    Redirect {
        /// Where to.
        url: String,
    },
}

/// How a delivery is written: `by`, and `url` for a download or a redirect.
/// Read flat, then made into its variant, as `qualify::written` reads
/// conditions (no buffering of every key).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WrittenDelivery {
    by: By,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum By {
    Download,
    Email,
    Redirect,
}

impl TryFrom<WrittenDelivery> for Delivery {
    type Error = &'static str;

    fn try_from(written: WrittenDelivery) -> std::result::Result<Self, Self::Error> {
        match (written.by, written.url) {
            (By::Download, Some(url)) => Ok(Self::Download { url }),
            (By::Redirect, Some(url)) => Ok(Self::Redirect { url }),
            (By::Email, None) => Ok(Self::Email),
            (By::Email, Some(_)) => Err("unknown field `url`: an offer sent by e-mail has none"),
            (By::Download | By::Redirect, None) => Err("missing field `url`"),
        }
    }
}

impl FormSpec {
    /// Reads a spec from JSON and checks it; every mistake comes back at once.
    pub fn from_json(text: &str) -> Result<Self> {
        // A mistake in a value is named by its path (`fields[2].type`), as
        // the checks name theirs; one in the JSON's syntax by its place.
        let problem = |path: String, error: serde_json::Error| {
            let at = match error.classify() {
                serde_json::error::Category::Data if path != "." => path,
                _ => format!("line {}, column {}", error.line(), error.column()),
            };
            Error::Spec {
                problems: vec![SpecProblem::new(at, error.to_string())],
            }
        };
        let mut reader = serde_json::Deserializer::from_str(text);
        let spec: Self = serde_path_to_error::deserialize(&mut reader)
            .map_err(|error| problem(error.path().to_string(), error.into_inner()))?;
        reader
            .end()
            .map_err(|error| problem(String::new(), error))?;
        spec.checked()
    }

    /// Reads a spec from TOML and checks it; every mistake comes back at once.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Self> {
        let spec: Self = toml::from_str(text).map_err(|error| Error::Spec {
            problems: vec![SpecProblem::new(
                error
                    .span()
                    .map(|span| line_and_column(text, span.start))
                    .unwrap_or_else(|| "spec".into()),
                error.message().to_owned(),
            )],
        })?;
        spec.checked()
    }

    /// The spec if [`check::problems`] finds nothing wrong with it.
    pub fn checked(self) -> Result<Self> {
        let problems = check::problems(&self);
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(Error::Spec { problems })
        }
    }

    /// The spec as visitors' browsers get it: everything needed to render
    /// and validate the form, without the company's qualification rules.
    pub fn public(mut self) -> Self {
        self.qualification = RuleSet::default();
        self.retention_days = None;
        for consent in &mut self.consents {
            consent.versions = Some(consent.versions());
        }
        self
    }

    /// The field with this id.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.id == id)
    }

    /// The consent item with this id.
    pub fn consent(&self, id: &str) -> Option<&Consent> {
        self.consents.iter().find(|consent| consent.id == id)
    }

    /// The ids of the required fields besides the e-mail: the ones
    /// progressive profiling does not ask again once the person gave them.
    pub fn required_once(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.required && f.kind != field::FieldKind::Email)
            .map(|f| f.id.clone())
            .collect()
    }

    /// Progressive profiling: the fields to show a visitor who already gave
    /// `known`. The e-mail and every required field not yet known always,
    /// then unknown optional fields by priority, up to `at_most` in all.
    /// Hidden fields are always included (the page fills them).
    pub fn fields_to_ask(&self, known: &[String], at_most: usize) -> Vec<&Field> {
        use field::FieldKind::{Email, Hidden};
        let mut chosen: Vec<&Field> = self
            .fields
            .iter()
            .filter(|f| f.kind == Email || (f.required && !known.contains(&f.id)))
            .collect();
        let optional: Vec<&Field> = self
            .fields
            .iter()
            .filter(|f| !f.required && f.kind != Email && f.kind != Hidden)
            .filter(|f| !known.contains(&f.id))
            .collect();
        // An optional field is asked when fewer than `room` others come
        // before it by priority, ties in display order. Counting instead of
        // sorting: a form has a few dozen fields at most, and a sort's code
        // would cost every visitor's download 2 KB.
        let room = at_most.saturating_sub(chosen.len());
        let ahead = |at: usize, field: &Field| {
            let place = (field.priority, at);
            optional
                .iter()
                .enumerate()
                .filter(|(other_at, other)| (other.priority, *other_at) < place)
                .count()
        };
        chosen.extend(
            optional
                .iter()
                .enumerate()
                .filter(|(at, field)| ahead(*at, field) < room)
                .map(|(_, field)| *field),
        );
        chosen.extend(self.fields.iter().filter(|f| f.kind == Hidden));
        // Back in the spec's display order.
        self.fields
            .iter()
            .filter(|f| chosen.iter().any(|c| c.id == f.id))
            .collect()
    }
}

#[cfg(feature = "toml")]
fn line_and_column(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("line {line}, column {column}")
}
