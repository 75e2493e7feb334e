//! Qualification: scoring a lead with its company's rules, deciding its
//! stage, and explaining both rule by rule.
//!
//! [`qualify`] is a pure function of the rules and the lead's history, so
//! re-scoring every lead after a rule change gives the same result as if the
//! rules had always been so.

pub mod domains;
pub mod rule;
pub mod stage;
mod written;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use domains::DomainClass;
pub use rule::{Condition, Group, Rule, RuleSet, Thresholds};
pub use stage::Stage;

use crate::spec::consent::Purpose;
use crate::submission::{ValidSubmission, Value};

/// Everything a lead has done, oldest first: what qualification reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Every accepted submission of the lead, oldest first.
    pub submissions: Vec<ValidSubmission>,
    /// How many separate visits the lead has made (at least one per
    /// submission; the edge counts returning visitors).
    #[serde(default)]
    pub visits: u32,
}

impl From<Vec<ValidSubmission>> for History {
    /// A history of these submissions, counting one visit for each.
    fn from(submissions: Vec<ValidSubmission>) -> Self {
        let visits = u32::try_from(submissions.len()).unwrap_or(u32::MAX);
        Self {
            submissions,
            visits,
        }
    }
}

/// What a lead's history adds up to, as rules see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// The latest known value of each field.
    pub fields: BTreeMap<String, Value>,
    /// The e-mail domain of the latest submission.
    pub domain: String,
    /// The purposes consented to and not since withdrawn.
    pub consents: BTreeSet<Purpose>,
    /// The different offers taken.
    pub offers: BTreeSet<String>,
    /// Visits made.
    pub visits: u32,
}

impl Profile {
    /// Folds a history into one profile: later answers replace earlier ones.
    pub fn from_history(history: &History) -> Self {
        let mut profile = Self {
            visits: history.visits.max(history.submissions.len() as u32),
            ..Self::default()
        };
        for submission in &history.submissions {
            for (field, value) in &submission.fields {
                profile.fields.insert(field.clone(), value.clone());
            }
            profile.domain = submission.email.domain().to_owned();
            for consent in &submission.consents {
                if consent.granted {
                    profile.consents.insert(consent.purpose);
                } else {
                    profile.consents.remove(&consent.purpose);
                }
            }
            profile.offers.insert(submission.offer.clone());
        }
        profile
    }
}

/// The verdict on a lead, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The total score: the ungrouped rules' points plus each group's
    /// `counted`, stopping at the ends of `i32`.
    pub score: i32,
    /// The stage the rules put the lead at (before [`Stage::advance`]).
    pub stage: Stage,
    /// Every rule that fired, in rule order.
    pub fired: Vec<Fired>,
    /// Each group's points before and after its cap.
    pub groups: Vec<GroupTotal>,
}

/// One rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fired {
    /// The rule's id.
    pub rule: String,
    /// Its group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The points it gave (before any group cap).
    pub points: i32,
    /// Whether it disqualified the lead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disqualify: bool,
    /// The stage it promoted the lead to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promote_to: Option<Stage>,
}

/// A group's points in an outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTotal {
    /// The group's id.
    pub group: String,
    /// The sum of its fired rules' points (stopping at the ends of `i32`).
    pub points: i32,
    /// What counted towards the score after the group's cap.
    pub counted: i32,
}

/// Scores `history` with `rules` and decides the stage they give.
pub fn qualify(rules: &RuleSet, history: &History) -> Outcome {
    let profile = Profile::from_history(history);
    let fired: Vec<Fired> = rules
        .rules
        .iter()
        .filter(|rule| holds(&rule.when, &profile))
        .map(|rule| Fired {
            rule: rule.id.clone(),
            group: rule.group.clone(),
            points: rule.points,
            disqualify: rule.disqualify,
            promote_to: rule.promote_to,
        })
        .collect();

    // Points add up in i64, where no rule set can overflow them, and only
    // the totals shown stop at i32's ends: adding in i32 overflowed (a
    // wrapped score in release builds), and saturating at every step made
    // the score depend on the rules' order.
    let mut by_group: BTreeMap<&str, i64> = BTreeMap::new();
    let mut ungrouped = 0i64;
    for hit in &fired {
        let points = i64::from(hit.points);
        match &hit.group {
            Some(group) => {
                let sum = by_group.entry(group).or_default();
                *sum = sum.saturating_add(points);
            }
            None => ungrouped = ungrouped.saturating_add(points),
        }
    }
    let groups: Vec<GroupTotal> = by_group
        .into_iter()
        .map(|(group, sum)| {
            let points = saturate(sum);
            let cap = rules
                .groups
                .iter()
                .find(|g| g.id == group)
                .and_then(|g| g.max_points);
            let counted = cap.map_or(points, |cap| points.min(cap));
            GroupTotal {
                group: group.to_owned(),
                points,
                counted,
            }
        })
        .collect();
    let score = saturate(groups.iter().fold(ungrouped, |total, group| {
        total.saturating_add(i64::from(group.counted))
    }));

    let stage = stage_for(&rules.thresholds, score, &profile, &fired);
    Outcome {
        score,
        stage,
        fired,
        groups,
    }
}

/// `total` as an `i32`, stopping at its ends.
fn saturate(total: i64) -> i32 {
    i32::try_from(total).unwrap_or(if total < 0 { i32::MIN } else { i32::MAX })
}

fn stage_for(thresholds: &Thresholds, score: i32, profile: &Profile, fired: &[Fired]) -> Stage {
    if fired.iter().any(|hit| hit.disqualify) {
        return Stage::Disqualified;
    }
    let wants_more = profile
        .consents
        .iter()
        .any(|purpose| purpose.is_further_information());
    let mut stage = Stage::Lead;
    if wants_more && score >= thresholds.iql {
        stage = Stage::Iql;
    }
    if score >= thresholds.mql {
        stage = stage.max(Stage::Mql);
    }
    if score >= thresholds.sql {
        stage = stage.max(Stage::Sql);
    }
    fired
        .iter()
        .filter_map(|hit| hit.promote_to)
        .fold(stage, Stage::max)
}

/// Whether `condition` holds for `profile`.
fn holds(condition: &Condition, profile: &Profile) -> bool {
    let texts = |field: &str| -> Vec<String> {
        match profile.fields.get(field) {
            Some(Value::Text(text)) => vec![text.to_lowercase()],
            Some(Value::Number(number)) => vec![number.to_string()],
            Some(Value::List(items)) => items.iter().map(|i| i.to_lowercase()).collect(),
            None => Vec::new(),
        }
    };
    match condition {
        Condition::Equals { field, value } => texts(field).contains(&value.to_lowercase()),
        Condition::OneOf { field, values } => {
            let wanted: Vec<String> = values.iter().map(|v| v.to_lowercase()).collect();
            texts(field).iter().any(|t| wanted.contains(t))
        }
        Condition::Contains { field, text } => {
            let needle = text.to_lowercase();
            texts(field).iter().any(|t| t.contains(&needle))
        }
        Condition::InRange { field, min, max } => {
            let number = match profile.fields.get(field.as_str()) {
                Some(Value::Number(n)) => Some(*n),
                Some(Value::Text(t)) => t.trim().parse().ok(),
                _ => None,
            };
            number.is_some_and(|n| min.is_none_or(|min| n >= min) && max.is_none_or(|max| n <= max))
        }
        Condition::Present { field } => profile.fields.contains_key(field.as_str()),
        Condition::EmailDomain { is } => domains::classify(&profile.domain) == *is,
        Condition::EmailDomainIn { domains } => domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(&profile.domain)),
        Condition::Consent { purpose } => profile.consents.contains(purpose),
        Condition::OffersTaken { at_least } => profile.offers.len() as u32 >= *at_least,
        Condition::OfferTaken { offer } => profile.offers.contains(offer),
        Condition::Visits { at_least } => profile.visits >= *at_least,
        Condition::All { of } => of.iter().all(|c| holds(c, profile)),
        Condition::Any { of } => of.iter().any(|c| holds(c, profile)),
        Condition::Not { of } => !holds(of, profile),
    }
}
