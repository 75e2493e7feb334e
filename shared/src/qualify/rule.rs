//! Qualification rules as a company writes them in its form spec: each
//! company's own agreement between marketing and sales on what an MQL and an
//! SQL are.

use serde::{Deserialize, Serialize};

use super::domains::DomainClass;
use super::stage::Stage;
use crate::spec::consent::Purpose;

/// A company's rules and thresholds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Named groups of rules (fit, interest…), optionally capped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// The rules, applied in order; all that match count.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The scores at which a lead becomes IQL, MQL and SQL.
    #[serde(default)]
    pub thresholds: Thresholds,
}

impl RuleSet {
    /// Whether there is nothing to apply (no rules, no groups).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.groups.is_empty()
    }

    /// Embudo's default B2B rules (`shared/rules/b2b.toml`): a starting point
    /// for a form with the standard fields job_role, company_size, country
    /// and phone.
    #[cfg(feature = "toml")]
    pub fn b2b() -> crate::Result<Self> {
        toml::from_str(include_str!("../../rules/b2b.toml")).map_err(|error| crate::Error::Spec {
            problems: vec![crate::SpecProblem::new("rules/b2b.toml", error.to_string())],
        })
    }
}

/// A group of rules whose points add up together, so one dimension (say,
/// behaviour) cannot outweigh the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The group's id, named by rules' `group`.
    pub id: String,
    /// The most points the group's rules can add together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<i32>,
}

/// Score thresholds for the automatic stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// The least score for an IQL, who must also have consented to further
    /// information.
    #[serde(default)]
    pub iql: i32,
    /// The least score for an MQL.
    pub mql: i32,
    /// The least score for an SQL by rules alone (sales can move one there
    /// at any score).
    pub sql: i32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            iql: 0,
            mql: 50,
            sql: 100,
        }
    }
}

/// One rule: when its condition holds, it adds points, and may also
/// disqualify the lead or promote it to at least a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The rule's id, shown in every explanation.
    pub id: String,
    /// The group it counts in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// When the rule fires.
    pub when: Condition,
    /// Points added (or, negative, taken away) when it fires.
    #[serde(default)]
    pub points: i32,
    /// Whether firing disqualifies the lead (spam, competitor).
    #[serde(default)]
    pub disqualify: bool,
    /// A stage the lead reaches at least when it fires (a demo request
    /// making an SQL, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promote_to: Option<Stage>,
}

/// What a rule tests. Written with an `if` tag, for example
/// `{ if = "one_of", field = "company_size", values = ["50-249", "250+"] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "if",
    rename_all = "snake_case",
    try_from = "super::written::Written"
)]
pub enum Condition {
    /// The field's value is exactly `value` (case-insensitive).
    Equals {
        /// The field's id.
        field: String,
        /// The value to match.
        value: String,
    },
    /// The field's value (or one of its values) is one of `values`.
    OneOf {
        /// The field's id.
        field: String,
        /// The values that match.
        values: Vec<String>,
    },
    /// The field's value contains `text` (case-insensitive).
    Contains {
        /// The field's id.
        field: String,
        /// The text to look for.
        text: String,
    },
    /// The field's number is within `min..=max` (either bound optional).
    InRange {
        /// The field's id.
        field: String,
        /// The lowest matching number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// The highest matching number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// The field has a value.
    Present {
        /// The field's id.
        field: String,
    },
    /// The e-mail domain is of this class.
    EmailDomain {
        /// The class to match.
        is: DomainClass,
    },
    /// The e-mail domain is one of these (competitors, key accounts).
    EmailDomainIn {
        /// Lower-case ASCII domains.
        domains: Vec<String>,
    },
    /// The lead has consented to this purpose (and not withdrawn).
    Consent {
        /// The purpose.
        purpose: Purpose,
    },
    /// The lead has taken at least this many different offers.
    OffersTaken {
        /// The least number of offers.
        at_least: u32,
    },
    /// The lead has taken this offer (`pricing`, `demo`).
    OfferTaken {
        /// The offer's id.
        offer: String,
    },
    /// The lead has come back at least this many times.
    Visits {
        /// The least number of visits.
        at_least: u32,
    },
    /// Every condition holds.
    All {
        /// The conditions.
        of: Vec<Condition>,
    },
    /// At least one condition holds.
    Any {
        /// The conditions.
        of: Vec<Condition>,
    },
    /// The condition does not hold.
    Not {
        /// The condition.
        of: Box<Condition>,
    },
}

impl Condition {
    /// The field ids the condition reads, for checking them against the spec.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Self::Equals { field, .. }
            | Self::OneOf { field, .. }
            | Self::Contains { field, .. }
            | Self::InRange { field, .. }
            | Self::Present { field } => vec![field.as_str()],
            Self::All { of } | Self::Any { of } => of.iter().flat_map(Self::fields).collect(),
            Self::Not { of } => of.fields(),
            _ => Vec::new(),
        }
    }
}
