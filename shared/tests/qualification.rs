//! Qualification with the demo company's rules: scores, stages and their
//! explanation, rule by rule.

#![allow(missing_docs)]

mod common;

use common::{demo, submission};
use embudo_shared::qualify::{Condition, Group, Rule, RuleSet, Thresholds};
use embudo_shared::unicode::Tables;
use embudo_shared::{qualify, History, Locale, Outcome, Stage, ValidSubmission};

fn valid(fields: &[(&str, &str)], consents: &[&str]) -> ValidSubmission {
    let mut all = vec![("first_name", "Ana")];
    all.extend_from_slice(fields);
    submission(Locale::Es, &all, consents)
        .validate(&demo(), &Tables)
        .expect("valid")
}

fn score(history: History) -> Outcome {
    qualify(&demo().qualification, &history)
}

fn once(submission: ValidSubmission) -> History {
    History {
        submissions: vec![submission],
        visits: 1,
    }
}

fn fired(outcome: &Outcome) -> Vec<(&str, i32)> {
    outcome
        .fired
        .iter()
        .map(|f| (f.rule.as_str(), f.points))
        .collect()
}

#[test]
fn a_free_mail_lead_who_only_wants_the_ebook_stays_a_lead() {
    let outcome = score(once(valid(&[("email", "ana@gmail.com")], &["content"])));
    assert_eq!(fired(&outcome), [("free-mail", -10)]);
    assert_eq!(outcome.score, -10);
    assert_eq!(outcome.stage, Stage::Lead);
}

#[test]
fn consent_to_the_newsletter_makes_an_iql() {
    let outcome = score(once(valid(
        &[("email", "ana@acme.example")],
        &["content", "newsletter"],
    )));
    assert_eq!(
        fired(&outcome),
        [("work-email", 15), ("wants-newsletter", 5)]
    );
    assert_eq!(outcome.score, 20);
    assert_eq!(outcome.stage, Stage::Iql);
}

#[test]
fn a_good_fit_asking_for_sales_is_an_mql_and_the_explanation_says_why() {
    let outcome = score(once(valid(
        &[
            ("email", "ana@acme.example"),
            ("job_role", "Directora de Marketing"),
            ("company_size", "250-999"),
            ("country", "MX"),
            ("phone", "+52 55 1234 5678"),
        ],
        &["content", "sales"],
    )));
    assert_eq!(
        fired(&outcome),
        [
            ("work-email", 15),
            ("marketing-leader", 20),
            ("company-size-fit", 15),
            ("served-country", 5),
            ("gave-phone", 5),
            ("wants-sales-contact", 15),
        ]
    );
    assert_eq!(outcome.score, 75);
    assert_eq!(outcome.stage, Stage::Mql);
    let groups: Vec<(&str, i32, i32)> = outcome
        .groups
        .iter()
        .map(|g| (g.group.as_str(), g.points, g.counted))
        .collect();
    assert_eq!(groups, [("fit", 55, 55), ("interest", 20, 20)]);
}

#[test]
fn a_competitor_is_disqualified_whatever_the_score() {
    let outcome = score(once(valid(
        &[
            ("email", "spy@rivalgrowth.example"),
            ("company_size", "1000+"),
        ],
        &["content", "sales"],
    )));
    assert_eq!(outcome.stage, Stage::Disqualified);
    assert!(outcome
        .fired
        .iter()
        .any(|f| f.rule == "competitor" && f.disqualify));
}

#[test]
fn disposable_addresses_are_disqualified() {
    let outcome = score(once(valid(&[("email", "x@mailinator.com")], &["content"])));
    assert_eq!(outcome.stage, Stage::Disqualified);
}

#[test]
fn history_adds_up_latest_answers_win_and_withdrawals_count() {
    let first = valid(
        &[("email", "ana@acme.example"), ("company_size", "1-9")],
        &["content", "newsletter"],
    );
    let mut pricing = valid(
        &[("email", "ana@acme.example"), ("company_size", "50-249")],
        &["content"],
    );
    pricing.offer = "pricing".into();
    let mut withdrawal = pricing.clone();
    withdrawal.consents = vec![embudo_shared::submission::ConsentChoice {
        id: "newsletter".into(),
        purpose: embudo_shared::spec::consent::Purpose::MarketingEmails,
        version: "sha256:x".into(),
        granted: false,
    }];

    let outcome = score(History {
        submissions: vec![first.clone(), pricing.clone()],
        visits: 2,
    });
    assert_eq!(
        fired(&outcome),
        [
            ("work-email", 15),
            ("company-size-fit", 15),
            ("wants-newsletter", 5),
            ("second-offer", 10)
        ],
        "the later company size replaces the earlier one; two offers taken"
    );

    let after = score(History {
        submissions: vec![first, pricing, withdrawal],
        visits: 3,
    });
    assert!(
        !after.fired.iter().any(|f| f.rule == "wants-newsletter"),
        "the withdrawal counts"
    );
}

#[test]
fn rescoring_after_a_rule_change_reads_only_the_history_and_the_new_rules() {
    let history = once(valid(
        &[("email", "ana@acme.example"), ("job_role", "CMO")],
        &["content"],
    ));
    let before = score(history.clone());
    assert_eq!((before.score, before.stage), (35, Stage::Lead));

    // Marketing and sales agree a CMO is worth more: the same stored history
    // re-scored under the new rules is an MQL, with the new points explained.
    let mut changed = demo().qualification;
    let leader = changed
        .rules
        .iter_mut()
        .find(|r| r.id == "marketing-leader")
        .expect("the demo has the rule");
    leader.points = 40;
    let after = qualify(&changed, &history);
    assert_eq!((after.score, after.stage), (55, Stage::Mql));
    assert!(after
        .fired
        .iter()
        .any(|f| f.rule == "marketing-leader" && f.points == 40));

    // Nothing of the first scoring leaks into the second, or back.
    assert_eq!(score(history), before);
}

fn rules(rules: Vec<Rule>, groups: Vec<Group>) -> RuleSet {
    RuleSet {
        groups,
        rules,
        thresholds: Thresholds {
            iql: 0,
            mql: 30,
            sql: 60,
        },
    }
}

fn rule(id: &str, group: Option<&str>, when: Condition, points: i32) -> Rule {
    Rule {
        id: id.into(),
        group: group.map(Into::into),
        when,
        points,
        disqualify: false,
        promote_to: None,
    }
}

#[test]
fn group_caps_limit_what_one_dimension_adds() {
    let many_offers = Condition::OffersTaken { at_least: 1 };
    let set = rules(
        vec![
            rule("a", Some("interest"), many_offers.clone(), 25),
            rule("b", Some("interest"), many_offers.clone(), 25),
            rule("c", None, many_offers, 10),
        ],
        vec![Group {
            id: "interest".into(),
            max_points: Some(30),
        }],
    );
    let outcome = qualify(
        &set,
        &once(valid(&[("email", "a@b.example")], &["content"])),
    );
    assert_eq!(outcome.score, 40, "50 in the group capped at 30, plus 10");
    assert_eq!(outcome.stage, Stage::Mql);
}

#[test]
fn promotions_and_thresholds_decide_the_stage() {
    let demo_request = Condition::OfferTaken {
        offer: "demo".into(),
    };
    let mut promote = rule("demo", None, demo_request, 0);
    promote.promote_to = Some(Stage::Sql);
    let set = rules(vec![promote], vec![]);
    let mut asked = valid(&[("email", "a@b.example")], &["content"]);
    assert_eq!(qualify(&set, &once(asked.clone())).stage, Stage::Lead);
    asked.offer = "demo".into();
    assert_eq!(qualify(&set, &once(asked)).stage, Stage::Sql);
}

#[test]
fn the_stage_a_lead_reaches_never_drops_automatically() {
    let mql = score(once(valid(
        &[
            ("email", "ana@acme.example"),
            ("job_role", "CMO"),
            ("company_size", "1000+"),
        ],
        &["content", "sales"],
    )));
    assert_eq!(mql.stage, Stage::Mql);
    let later = score(once(valid(&[("email", "ana@gmail.com")], &["content"])));
    assert_eq!(Stage::Mql.advance(later.stage), Stage::Mql);
}

/// Found by the `rules` fuzz target: a group's points were added in `i32`
/// and overflowed (a panic in debug builds, a wrapped, negative score in the
/// Worker's release build) when a company wrote points near `i32`'s ends.
#[test]
fn points_at_the_ends_of_the_range_saturate_instead_of_wrapping() {
    let always = Condition::OffersTaken { at_least: 0 };
    let lead = once(valid(&[("email", "a@b.example")], &["content"]));
    let set = rules(
        vec![
            rule("a", Some("fit"), always.clone(), i32::MAX),
            rule("b", Some("fit"), always.clone(), i32::MAX),
            rule("c", Some("capped"), always.clone(), i32::MAX),
            rule("d", Some("capped"), always.clone(), 1),
            rule("e", Some("low"), always.clone(), i32::MIN),
            rule("f", Some("low"), always, i32::MIN),
        ],
        vec![Group {
            id: "capped".into(),
            max_points: Some(60),
        }],
    );
    let outcome = qualify(&set, &lead);
    let totals: Vec<(&str, i32, i32)> = outcome
        .groups
        .iter()
        .map(|g| (g.group.as_str(), g.points, g.counted))
        .collect();
    assert_eq!(
        totals,
        [
            ("capped", i32::MAX, 60),
            ("fit", i32::MAX, i32::MAX),
            ("low", i32::MIN, i32::MIN),
        ]
    );
    assert_eq!(outcome.score, 59, "i32::MAX + 60 + i32::MIN");
    assert_eq!(outcome.stage, Stage::Mql);
}

/// Also from the fuzz target: the score saturated step by step, so at the
/// ends of the range it depended on the order the rules were written in.
#[test]
fn the_score_does_not_depend_on_the_rules_order() {
    let always = Condition::OffersTaken { at_least: 0 };
    let lead = once(valid(&[("email", "a@b.example")], &["content"]));
    let mut written = vec![
        rule("big", None, always.clone(), i32::MAX),
        rule("plus", None, always.clone(), 1),
        rule("minus", None, always, -1),
    ];
    let forward = qualify(&rules(written.clone(), vec![]), &lead);
    written.reverse();
    let backward = qualify(&rules(written, vec![]), &lead);
    assert_eq!(forward.score, i32::MAX);
    assert_eq!(backward.score, i32::MAX);
}
