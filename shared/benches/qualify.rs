//! Validation plus qualification of one realistic submission against the demo
//! form with 50 rules: the work the edge does for every lead.
//!
//! `cargo bench -p embudo-shared --bench qualify` (or `make bench`); criterion
//! prints the time per submission.

#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use embudo_shared::qualify::{Condition, Rule};
use embudo_shared::spec::consent::Purpose;
use embudo_shared::submission::Answer;
use embudo_shared::unicode::Tables;
use embudo_shared::{qualify, FormSpec, History, Locale, Submission};

/// The demo form with its rules topped up to 50 with rules of every kind.
fn spec_with_50_rules() -> FormSpec {
    let mut spec = FormSpec::from_toml(include_str!("../../edge/forms/demo-ebook.toml"))
        .expect("the demo spec is sound");
    let kinds = [
        Condition::Contains {
            field: "job_role".into(),
            text: "manager".into(),
        },
        Condition::OneOf {
            field: "company_size".into(),
            values: vec!["10-49".into(), "50-249".into()],
        },
        Condition::Equals {
            field: "country".into(),
            value: "ES".into(),
        },
        Condition::Present {
            field: "company".into(),
        },
        Condition::Consent {
            purpose: Purpose::MarketingEmails,
        },
        Condition::OffersTaken { at_least: 2 },
        Condition::OfferTaken {
            offer: "pricing".into(),
        },
        Condition::Visits { at_least: 3 },
        Condition::Any {
            of: vec![
                Condition::Contains {
                    field: "company".into(),
                    text: "labs".into(),
                },
                Condition::Not {
                    of: Box::new(Condition::Present {
                        field: "phone".into(),
                    }),
                },
            ],
        },
    ];
    let mut n = 0;
    while spec.qualification.rules.len() < 50 {
        spec.qualification.rules.push(Rule {
            id: format!("extra-{n}"),
            group: Some(if n % 2 == 0 { "fit" } else { "interest" }.into()),
            when: kinds[n % kinds.len()].clone(),
            points: (n as i32 % 7) - 2,
            disqualify: false,
            promote_to: None,
        });
        n += 1;
    }
    spec.checked().expect("still sound with 50 rules")
}

fn submission() -> Submission {
    let fields = [
        ("email", "Lucia.Perez@Empresa.example"),
        ("first_name", "Lucía"),
        ("company", "Empresa Labs S.L."),
        ("job_role", "Head of Marketing"),
        ("company_size", "50-249"),
        ("country", "es"),
        ("phone", "+34 600 11 12 22"),
        ("utm_source", "newsletter"),
    ];
    Submission {
        fields: fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Answer::One((*v).to_owned())))
            .collect(),
        consents: [
            ("content".to_owned(), true),
            ("newsletter".to_owned(), true),
        ]
        .into_iter()
        .collect(),
        locale: Locale::Es,
        ..Submission::default()
    }
}

fn bench(c: &mut Criterion) {
    let spec = spec_with_50_rules();
    let raw = submission();
    c.bench_function("validate + qualify, 50 rules", |b| {
        b.iter(|| {
            let valid = raw.validate(&spec, &Tables).expect("valid");
            let history = History {
                submissions: vec![valid],
                visits: 1,
            };
            qualify(&spec.qualification, &history)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
