//! Any rule set and any lead history through qualification
//! (`embudo_shared::qualify`): it must never panic, and the verdict must be
//! what the rules promise a company:
//!
//! - the same rules and history always give the same outcome, and the
//!   rules' ids and order change nothing but the order of the explanation;
//! - the fired rules are exactly those whose condition holds for the
//!   history read directly (each field's latest answer, each purpose's
//!   latest consent or withdrawal, every offer taken, the visits made);
//!   `not` fires every other rule, `all`/`any` of one condition the same;
//! - each group's points are its fired rules' points added up, `counted` is
//!   that capped at the group's `max_points`, and the score is the ungrouped
//!   points plus every group's `counted` (saturating at the ends of `i32`);
//! - a disqualifying rule that fires makes the stage `disqualified`;
//!   otherwise the stage follows the thresholds (an IQL also needs consent
//!   to further information) and rises to any `promote_to` that fired;
//! - a rule set reads back from the JSON it writes, with the same outcome;
//! - `Stage::advance` only moves a lead forward and never un-disqualifies.
//!
//! Two kinds of input, so both the real parser and the engine get explored:
//! text (up to the first NUL byte) that reads as a rule set, in TOML or
//! JSON, alone or as a spec's `[qualification]` (the seeds are the real
//! specs and `shared/rules/b2b.toml`), with the bytes after the NUL making
//! the history; or else the whole input, through `arbitrary`, as a rule set
//! and a history. Histories draw field ids, answers, offers and domains
//! from the rules' own words as well as from anywhere, so rules fire.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

use arbitrary::{Arbitrary, Unstructured};
use embudo_shared::email::EmailAddress;
use embudo_shared::qualify::domains::classify;
use embudo_shared::qualify::{
    Condition, DomainClass, Group, GroupTotal, Rule, RuleSet, Stage, Thresholds,
};
use embudo_shared::spec::consent::Purpose;
use embudo_shared::submission::{ConsentChoice, Context, ValidSubmission, Value};
use embudo_shared::unicode::Tables;
use embudo_shared::{qualify, History, Locale, Outcome};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

fuzz_target!(|data: &[u8]| {
    if let Some((rules, history)) = input(data) {
        check(&rules, &history);
    }
});

// ---------------------------------------------------------------------------
// Inputs

/// Field ids the standard forms use, so generated rules and answers meet.
const FIELDS: [&str; 6] = [
    "job_role",
    "company_size",
    "country",
    "phone",
    "employees",
    "topics",
];

/// Words rules test and leads answer: options, offers, domains, and a few
/// whose case changes their length.
const WORDS: [&str; 20] = [
    "Marketing Director",
    "director",
    "50-249",
    "1-9",
    "ES",
    "es",
    "ebook",
    "pricing",
    "demo",
    "acme.example",
    "gmail.com",
    "mailinator.com",
    "rivalgrowth.example",
    "+34 600 000 000",
    "10",
    "250",
    "",
    "İ",
    "ß",
    "ǅ",
];

/// Numbers near the edges rules test.
const NUMBERS: [i64; 10] = [-1, 0, 1, 9, 10, 49, 50, 250, i64::MIN, i64::MAX];

/// The deepest condition built from `arbitrary` (specs read from text have
/// their parser's own limit).
const MAX_DEPTH: usize = 24;

/// The rule set and history `data` stands for: text rules (and history
/// bytes after a NUL), or else everything through `arbitrary`.
fn input(data: &[u8]) -> Option<(RuleSet, History)> {
    let (text, rest) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    if let Some(rules) = std::str::from_utf8(text).ok().and_then(read_rules) {
        let history = if rest.is_empty() {
            demo_history()
        } else {
            history(&rules, &mut Unstructured::new(rest)).ok()?
        };
        return Some((rules, history));
    }
    let mut u = Unstructured::new(data);
    let rules = ArbRuleSet::arbitrary(&mut u).ok()?.build();
    let history = history(&rules, &mut u).ok()?;
    Some((rules, history))
}

/// A spec, or anything with a `qualification` table: its rules.
#[derive(Deserialize)]
struct InSpec {
    qualification: RuleSet,
}

/// The rules `text` holds, read as the edge and the tools read them; only
/// a set with rules counts (an empty text reads as an empty set, and the
/// bytes are better used by `arbitrary`).
fn read_rules(text: &str) -> Option<RuleSet> {
    let rules = toml::from_str::<RuleSet>(text)
        .ok()
        .or_else(|| toml::from_str::<InSpec>(text).ok().map(|s| s.qualification))
        .or_else(|| serde_json::from_str::<RuleSet>(text).ok())
        .or_else(|| {
            serde_json::from_str::<InSpec>(text)
                .ok()
                .map(|s| s.qualification)
        })?;
    (!rules.rules.is_empty()).then_some(rules)
}

/// What a history draws from: the standard words and the rules' own.
struct Pools {
    fields: Vec<String>,
    words: Vec<String>,
    numbers: Vec<i64>,
}

impl Pools {
    fn of(rules: &RuleSet) -> Self {
        let mut pools = Self {
            fields: FIELDS.map(String::from).to_vec(),
            words: WORDS.map(String::from).to_vec(),
            numbers: NUMBERS.to_vec(),
        };
        for rule in &rules.rules {
            pools.gather(&rule.when);
        }
        pools
    }

    fn gather(&mut self, condition: &Condition) {
        self.fields
            .extend(condition.fields().into_iter().map(String::from));
        match condition {
            Condition::Equals { value, .. } => self.words.push(value.clone()),
            Condition::OneOf { values, .. } => self.words.extend(values.iter().cloned()),
            Condition::Contains { text, .. } => {
                self.words.push(text.clone());
                self.words.push(format!("Head of {}", text.to_uppercase()));
            }
            Condition::InRange { min, max, .. } => {
                for n in min.iter().chain(max) {
                    self.numbers
                        .extend([n.saturating_sub(1), *n, n.saturating_add(1)]);
                }
            }
            Condition::EmailDomainIn { domains } => self.words.extend(domains.iter().cloned()),
            Condition::OfferTaken { offer } => self.words.push(offer.clone()),
            Condition::All { of } | Condition::Any { of } => {
                for inner in of {
                    self.gather(inner);
                }
            }
            Condition::Not { of } => self.gather(of),
            _ => {}
        }
    }

    fn field(&self, u: &mut Unstructured) -> arbitrary::Result<String> {
        pick(u, &self.fields)
    }

    fn word(&self, u: &mut Unstructured) -> arbitrary::Result<String> {
        pick(u, &self.words)
    }

    fn number(&self, u: &mut Unstructured) -> arbitrary::Result<i64> {
        if u.ratio(3, 4)? {
            Ok(*u.choose(&self.numbers)?)
        } else {
            u.arbitrary()
        }
    }
}

/// Mostly one of `pool`, sometimes any string at all.
fn pick(u: &mut Unstructured, pool: &[String]) -> arbitrary::Result<String> {
    if u.ratio(7, 8)? {
        Ok(u.choose(pool)?.clone())
    } else {
        u.arbitrary()
    }
}

/// A lead's history whose answers the rules may well test.
fn history(rules: &RuleSet, u: &mut Unstructured) -> arbitrary::Result<History> {
    let pools = Pools::of(rules);
    let mut submissions = Vec::new();
    // At least one: the edge scores a lead once it has submitted.
    u.arbitrary_loop(Some(1), Some(6), |u| {
        submissions.push(submission(&pools, u)?);
        Ok(ControlFlow::Continue(()))
    })?;
    let visits = if u.ratio(1, 8)? {
        u.arbitrary()?
    } else {
        u32::from(u.arbitrary::<u8>()? % 8)
    };
    Ok(History {
        submissions,
        visits,
    })
}

/// One accepted submission, built as validation would leave it.
fn submission(pools: &Pools, u: &mut Unstructured) -> arbitrary::Result<ValidSubmission> {
    let offer = pools.word(u)?;
    let email = email(&pools.word(u)?);
    let mut fields = BTreeMap::new();
    u.arbitrary_loop(Some(0), Some(8), |u| {
        let field = pools.field(u)?;
        let value = match u.choose_index(3)? {
            0 => Value::Text(pools.word(u)?),
            1 => Value::Number(pools.number(u)?),
            _ => {
                let mut items = Vec::new();
                u.arbitrary_loop(Some(0), Some(4), |u| {
                    items.push(pools.word(u)?);
                    Ok(ControlFlow::Continue(()))
                })?;
                Value::List(items)
            }
        };
        fields.insert(field, value);
        Ok(ControlFlow::Continue(()))
    })?;
    let mut consents = Vec::new();
    u.arbitrary_loop(Some(0), Some(4), |u| {
        consents.push(consent(purpose(u.arbitrary()?), u.arbitrary()?));
        Ok(ControlFlow::Continue(()))
    })?;
    Ok(ValidSubmission {
        form: "fuzz".into(),
        offer,
        email,
        fields,
        originals: BTreeMap::new(),
        consents,
        locale: Locale::Es,
        context: Context::default(),
    })
}

/// An address at `domain`, checked as a submission's is; one at a company
/// domain when `domain` is none.
fn email(domain: &str) -> EmailAddress {
    EmailAddress::parse(&format!("lead@{domain}"), &Tables)
        .or_else(|_| EmailAddress::parse("lead@acme.example", &Tables))
        .expect("a plain company address is valid")
}

fn purpose(n: u8) -> Purpose {
    [
        Purpose::ContentDelivery,
        Purpose::MarketingEmails,
        Purpose::SalesContact,
    ][usize::from(n % 3)]
}

fn consent(purpose: Purpose, granted: bool) -> ConsentChoice {
    ConsentChoice {
        id: purpose.name().into(),
        purpose,
        version: "sha256:fuzz".into(),
        granted,
    }
}

/// The history a text seed is scored against when it brings none: a
/// marketing director at a mid-size Spanish company, back for the pricing.
fn demo_history() -> History {
    let first = ValidSubmission {
        form: "demo-ebook".into(),
        offer: "ebook-inbound".into(),
        email: email("acme.example"),
        fields: BTreeMap::from([
            ("job_role".into(), Value::Text("Marketing Director".into())),
            ("company_size".into(), Value::Text("50-249".into())),
            ("country".into(), Value::Text("ES".into())),
            ("phone".into(), Value::Text("+34600000000".into())),
        ]),
        originals: BTreeMap::new(),
        consents: vec![
            consent(Purpose::ContentDelivery, true),
            consent(Purpose::MarketingEmails, true),
        ],
        locale: Locale::Es,
        context: Context::default(),
    };
    let second = ValidSubmission {
        offer: "pricing".into(),
        fields: BTreeMap::from([("employees".into(), Value::Number(120))]),
        consents: vec![consent(Purpose::SalesContact, true)],
        ..first.clone()
    };
    History {
        submissions: vec![first, second],
        visits: 3,
    }
}

/// Rule sets shaped by `arbitrary`, made into real ones by `build`.
#[derive(Arbitrary, Debug)]
struct ArbRuleSet {
    groups: Vec<ArbGroup>,
    rules: Vec<ArbRule>,
    thresholds: Option<[Points; 3]>,
}

#[derive(Arbitrary, Debug)]
struct ArbGroup {
    id: Name,
    max_points: Option<Points>,
}

#[derive(Arbitrary, Debug)]
struct ArbRule {
    group: Option<Name>,
    when: ArbCondition,
    points: Points,
    disqualify: bool,
    promote_to: Option<u8>,
}

/// A group id: mostly one of a few, so rules and groups meet.
#[derive(Arbitrary, Debug)]
enum Name {
    Fit,
    Interest,
    Behaviour,
    Any(String),
}

/// Points: mostly small, sometimes anything, often the extremes.
#[derive(Arbitrary, Debug)]
enum Points {
    Small(i8),
    Any(i32),
    Max,
    Min,
}

/// A string: one of the pool's or any.
#[derive(Arbitrary, Debug)]
enum Word {
    Known(u8),
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum ArbCondition {
    Equals(Word, Word),
    OneOf(Word, Vec<Word>),
    Contains(Word, Word),
    InRange(Word, Option<i64>, Option<i64>),
    Present(Word),
    EmailDomain(u8),
    EmailDomainIn(Vec<Word>),
    Consent(u8),
    OffersTaken(u32),
    OfferTaken(Word),
    Visits(u32),
    All(Vec<ArbCondition>),
    Any(Vec<ArbCondition>),
    Not(Box<ArbCondition>),
}

impl ArbRuleSet {
    fn build(self) -> RuleSet {
        RuleSet {
            groups: self
                .groups
                .into_iter()
                .map(|g| Group {
                    id: g.id.build(),
                    max_points: g.max_points.map(Points::build),
                })
                .collect(),
            rules: self
                .rules
                .into_iter()
                .enumerate()
                .map(|(i, r)| Rule {
                    id: format!("rule-{i}"),
                    group: r.group.map(Name::build),
                    when: r.when.build(0),
                    points: r.points.build(),
                    disqualify: r.disqualify,
                    promote_to: r.promote_to.map(|n| Stage::ALL[usize::from(n) % 7]),
                })
                .collect(),
            thresholds: self
                .thresholds
                .map_or_else(Thresholds::default, |[iql, mql, sql]| Thresholds {
                    iql: iql.build(),
                    mql: mql.build(),
                    sql: sql.build(),
                }),
        }
    }
}

impl Name {
    fn build(self) -> String {
        match self {
            Self::Fit => "fit".into(),
            Self::Interest => "interest".into(),
            Self::Behaviour => "behaviour".into(),
            Self::Any(name) => name,
        }
    }
}

impl Points {
    fn build(self) -> i32 {
        match self {
            Self::Small(n) => i32::from(n),
            Self::Any(n) => n,
            Self::Max => i32::MAX,
            Self::Min => i32::MIN,
        }
    }
}

impl Word {
    fn build(self, pool: &[&str]) -> String {
        match self {
            Self::Known(n) => pool[usize::from(n) % pool.len()].into(),
            Self::Any(text) => text,
        }
    }
}

impl ArbCondition {
    fn build(self, depth: usize) -> Condition {
        let words = |list: Vec<Word>| list.into_iter().map(|w| w.build(&WORDS)).collect();
        let deeper = |list: Vec<ArbCondition>| -> Vec<Condition> {
            list.into_iter().map(|c| c.build(depth + 1)).collect()
        };
        if depth >= MAX_DEPTH {
            return Condition::Visits { at_least: 1 };
        }
        match self {
            Self::Equals(field, value) => Condition::Equals {
                field: field.build(&FIELDS),
                value: value.build(&WORDS),
            },
            Self::OneOf(field, values) => Condition::OneOf {
                field: field.build(&FIELDS),
                values: words(values),
            },
            Self::Contains(field, text) => Condition::Contains {
                field: field.build(&FIELDS),
                text: text.build(&WORDS),
            },
            Self::InRange(field, min, max) => Condition::InRange {
                field: field.build(&FIELDS),
                min,
                max,
            },
            Self::Present(field) => Condition::Present {
                field: field.build(&FIELDS),
            },
            Self::EmailDomain(n) => Condition::EmailDomain {
                is: [
                    DomainClass::FreeMail,
                    DomainClass::Disposable,
                    DomainClass::Company,
                ][usize::from(n % 3)],
            },
            Self::EmailDomainIn(domains) => Condition::EmailDomainIn {
                domains: words(domains),
            },
            Self::Consent(n) => Condition::Consent {
                purpose: purpose(n),
            },
            Self::OffersTaken(at_least) => Condition::OffersTaken {
                at_least: at_least % 8,
            },
            Self::OfferTaken(offer) => Condition::OfferTaken {
                offer: offer.build(&WORDS),
            },
            Self::Visits(at_least) => Condition::Visits { at_least },
            Self::All(of) => Condition::All { of: deeper(of) },
            Self::Any(of) => Condition::Any { of: deeper(of) },
            Self::Not(of) => Condition::Not {
                of: Box::new(of.build(depth + 1)),
            },
        }
    }
}

// ---------------------------------------------------------------------------
// What must hold

/// Every promise in the module's doc, for one rule set and history.
fn check(rules: &RuleSet, history: &History) {
    let outcome = qualify(rules, history);

    // Deterministic.
    assert_eq!(qualify(rules, history), outcome, "scored twice");
    assert_eq!(
        qualify(&rules.clone(), &history.clone()),
        outcome,
        "scored from copies"
    );

    // An empty history never panics either, and scores the same twice.
    let empty = History::default();
    assert_eq!(qualify(rules, &empty), qualify(rules, &empty));

    // The fired rules are those whose condition holds, in rule order.
    let fired = fired(rules, history);
    let holding: Vec<usize> = (0..rules.rules.len())
        .filter(|&i| holds(&rules.rules[i].when, history))
        .collect();
    assert_eq!(fired, holding, "the rules that fired");
    let rules_fired: Vec<&Rule> = fired.iter().map(|&i| &rules.rules[i]).collect();
    assert_eq!(outcome.fired.len(), fired.len(), "rules fired");
    for (hit, rule) in outcome.fired.iter().zip(&rules_fired) {
        assert_eq!(hit.rule, rule.id);
        assert_eq!(hit.group, rule.group);
        assert_eq!(hit.points, rule.points);
        assert_eq!(hit.disqualify, rule.disqualify);
        assert_eq!(hit.promote_to, rule.promote_to);
    }

    // `not` fires exactly the others; `all` and `any` of one, the same.
    let every: BTreeSet<usize> = (0..rules.rules.len()).collect();
    let others: Vec<usize> = every
        .difference(&fired.iter().copied().collect())
        .copied()
        .collect();
    let wrapped = |wrap: fn(Condition) -> Condition| {
        let mut changed = rules.clone();
        for rule in &mut changed.rules {
            rule.when = wrap(rule.when.clone());
        }
        self::fired(&changed, history)
    };
    assert_eq!(
        wrapped(|c| Condition::Not { of: Box::new(c) }),
        others,
        "not"
    );
    assert_eq!(
        wrapped(|c| Condition::All { of: vec![c] }),
        fired,
        "all of one"
    );
    assert_eq!(
        wrapped(|c| Condition::Any { of: vec![c] }),
        fired,
        "any of one"
    );

    // Group totals, capped, and the score they add up to.
    let mut sums: BTreeMap<&str, i128> = BTreeMap::new();
    let mut ungrouped: i128 = 0;
    for rule in &rules_fired {
        match &rule.group {
            Some(group) => *sums.entry(group).or_default() += i128::from(rule.points),
            None => ungrouped += i128::from(rule.points),
        }
    }
    let groups: Vec<GroupTotal> = sums
        .into_iter()
        .map(|(group, sum)| {
            let points = saturate(sum);
            let cap = rules
                .groups
                .iter()
                .find(|g| g.id == group)
                .and_then(|g| g.max_points);
            GroupTotal {
                group: group.to_owned(),
                points,
                counted: cap.map_or(points, |cap| points.min(cap)),
            }
        })
        .collect();
    assert_eq!(outcome.groups, groups, "group totals");
    let score = saturate(ungrouped + groups.iter().map(|g| i128::from(g.counted)).sum::<i128>());
    assert_eq!(outcome.score, score, "the score is the capped sum");

    // The stage.
    assert_eq!(
        outcome.stage,
        stage(rules, history, score, &rules_fired),
        "stage"
    );

    // Ids and order matter only to the explanation's order.
    let mut reversed = rules.clone();
    reversed.rules.reverse();
    let back = qualify(&reversed, history);
    assert_eq!(
        (back.score, back.stage, &back.groups),
        (outcome.score, outcome.stage, &outcome.groups),
        "rules in reverse order"
    );
    let mut fired_back = back.fired;
    fired_back.reverse();
    assert_eq!(fired_back, outcome.fired, "rules in reverse order");

    // The rule set and the outcome survive being written and read as JSON
    // (as the edge stores specs and explanations), unless nested deeper
    // than the JSON reader allows.
    let written = serde_json::to_string(rules).expect("a rule set writes as JSON");
    match serde_json::from_str::<RuleSet>(&written) {
        Ok(read) => {
            assert_eq!(&read, rules, "the rule set read back: {written}");
            assert_eq!(qualify(&read, history), outcome);
        }
        Err(error) => assert!(
            error.to_string().contains("recursion limit"),
            "{error}: {written}"
        ),
    }
    let explained = serde_json::to_string(&outcome).expect("an outcome writes as JSON");
    let read: Outcome = serde_json::from_str(&explained).expect("an outcome reads back");
    assert_eq!(read, outcome);

    // Automatic moves only go forward.
    for current in Stage::ALL {
        let moved = current.advance(outcome.stage);
        let expected = match (current, outcome.stage) {
            (Stage::Disqualified, _) => Stage::Disqualified,
            (current, Stage::Disqualified) if current.is_marketing_owned() => Stage::Disqualified,
            (current, Stage::Disqualified) => current,
            (current, computed) => current.max(computed),
        };
        assert_eq!(moved, expected, "{current} advanced by {}", outcome.stage);
        if current != Stage::Disqualified && moved != Stage::Disqualified {
            assert!(moved >= current, "{current} moved back to {moved}");
        }
    }
}

/// The indices of the rules that fire, found by scoring a copy whose rule
/// ids are their indices; the copy must score the same.
fn fired(rules: &RuleSet, history: &History) -> Vec<usize> {
    let mut numbered = rules.clone();
    for (i, rule) in numbered.rules.iter_mut().enumerate() {
        rule.id = i.to_string();
    }
    let outcome = qualify(&numbered, history);
    let original = qualify(rules, history);
    assert_eq!(
        (outcome.score, outcome.stage, &outcome.groups),
        (original.score, original.stage, &original.groups),
        "rule ids changed the verdict"
    );
    let fired: Vec<usize> = outcome
        .fired
        .iter()
        .map(|hit| hit.rule.parse().expect("a number id"))
        .collect();
    assert!(
        fired.windows(2).all(|w| w[0] < w[1]),
        "fired out of rule order"
    );
    fired
}

/// Whether `condition` holds for `history`, read straight from the
/// submissions rather than through the engine's profile.
fn holds(condition: &Condition, history: &History) -> bool {
    let latest = |field: &str| {
        history
            .submissions
            .iter()
            .rev()
            .find_map(|submission| submission.fields.get(field))
    };
    let words = |field: &str| -> Vec<String> {
        match latest(field) {
            Some(Value::Text(text)) => vec![text.to_lowercase()],
            Some(Value::Number(number)) => vec![number.to_string()],
            Some(Value::List(items)) => items.iter().map(|item| item.to_lowercase()).collect(),
            None => Vec::new(),
        }
    };
    let domain = history
        .submissions
        .last()
        .map_or("", |submission| submission.email.domain());
    match condition {
        Condition::Equals { field, value } => words(field).contains(&value.to_lowercase()),
        Condition::OneOf { field, values } => words(field)
            .iter()
            .any(|word| values.iter().any(|value| value.to_lowercase() == *word)),
        Condition::Contains { field, text } => words(field)
            .iter()
            .any(|word| word.contains(&text.to_lowercase())),
        Condition::InRange { field, min, max } => {
            let number = match latest(field) {
                Some(Value::Number(number)) => Some(*number),
                Some(Value::Text(text)) => text.trim().parse::<i64>().ok(),
                _ => None,
            };
            number.is_some_and(|n| min.is_none_or(|min| n >= min) && max.is_none_or(|max| n <= max))
        }
        Condition::Present { field } => latest(field).is_some(),
        Condition::EmailDomain { is } => classify(domain) == *is,
        Condition::EmailDomainIn { domains } => {
            domains.iter().any(|d| d.eq_ignore_ascii_case(domain))
        }
        Condition::Consent { purpose } => history
            .submissions
            .iter()
            .flat_map(|submission| &submission.consents)
            .rev()
            .find(|choice| choice.purpose == *purpose)
            .is_some_and(|choice| choice.granted),
        Condition::OffersTaken { at_least } => {
            let offers: BTreeSet<&str> = history
                .submissions
                .iter()
                .map(|submission| submission.offer.as_str())
                .collect();
            offers.len() >= *at_least as usize
        }
        Condition::OfferTaken { offer } => history
            .submissions
            .iter()
            .any(|submission| submission.offer == *offer),
        Condition::Visits { at_least } => {
            history.visits.max(history.submissions.len() as u32) >= *at_least
        }
        Condition::All { of } => of.iter().all(|c| holds(c, history)),
        Condition::Any { of } => of.iter().any(|c| holds(c, history)),
        Condition::Not { of } => !holds(of, history),
    }
}

/// The stage the documentation promises for `score` and the fired rules.
fn stage(rules: &RuleSet, history: &History, score: i32, fired: &[&Rule]) -> Stage {
    if fired.iter().any(|rule| rule.disqualify) {
        return Stage::Disqualified;
    }
    // The latest word on each purpose counts.
    let mut consents: BTreeMap<Purpose, bool> = BTreeMap::new();
    for submission in &history.submissions {
        for choice in &submission.consents {
            consents.insert(choice.purpose, choice.granted);
        }
    }
    let wants_more = consents
        .iter()
        .any(|(purpose, granted)| *granted && purpose.is_further_information());
    let Thresholds { iql, mql, sql } = rules.thresholds;
    let by_score = if score >= sql {
        Stage::Sql
    } else if score >= mql {
        Stage::Mql
    } else if wants_more && score >= iql {
        Stage::Iql
    } else {
        Stage::Lead
    };
    fired
        .iter()
        .filter_map(|rule| rule.promote_to)
        .fold(by_score, Stage::max)
}

/// `n` as an `i32`, stopping at its ends.
fn saturate(n: i128) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })
}
