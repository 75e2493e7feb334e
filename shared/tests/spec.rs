//! Form specs: reading them from TOML and JSON, and finding every mistake at
//! once with where it is.

#![allow(missing_docs)]

mod common;

use common::{demo, DEMO_TOML};
use embudo_shared::qualify::RuleSet;
use embudo_shared::spec::check;
use embudo_shared::spec::field::FieldKind;
use embudo_shared::spec::Delivery;
use embudo_shared::{Error, FormSpec, Locale};

fn problems_of_toml(toml: &str) -> Vec<String> {
    match FormSpec::from_toml(toml) {
        Ok(_) => Vec::new(),
        Err(Error::Spec { problems }) => problems.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected spec problems, got {other}"),
    }
}

#[test]
fn the_demo_spec_reads_the_same_from_toml_and_json() {
    let spec = demo();
    assert_eq!(spec.id, "demo-ebook");
    assert_eq!(spec.fields.len(), 9);
    let json = serde_json::to_string(&spec).expect("serializes");
    assert_eq!(FormSpec::from_json(&json).expect("reads back"), spec);
}

#[test]
fn every_mistake_is_reported_at_once_with_its_place() {
    let broken = DEMO_TOML
        .replace("id = \"company\"\n", "id = \"first_name\"\n")
        .replace("locales = [\"es\", \"en\"]", "locales = [\"es\"]")
        .replace(
            "title = { es = \"Guía práctica de inbound marketing\", en = \"A practical guide to inbound marketing\" }",
            "title = { es = \"Guía práctica de inbound marketing\" }",
        )
        .replace("thresholds = { iql = 0, mql = 50, sql = 100 }", "thresholds = { iql = 0, mql = 120, sql = 100 }")
        .replace("field = \"company_size\", values = [\"50-249\"", "field = \"size\", values = [\"50-249\"")
        .replace("values = [\"ES\", \"MX\", \"AR\", \"CO\"]", "values = [\"ES\", \"XX\"]");
    let found = problems_of_toml(&broken);
    let expect = [
        "locales: en is missing",
        "fields[2].id: duplicate field id \"first_name\"",
        "qualification.thresholds: thresholds must rise",
        "qualification.rules[5].when.field: no field \"size\" in this form",
        "qualification.rules[6].when.value: \"XX\" is not an option of field \"country\"",
    ];
    for wanted in expect {
        assert!(
            found.iter().any(|p| p.starts_with(wanted)),
            "missing {wanted:?} in:\n{}",
            found.join("\n")
        );
    }
    // Each is said in Spanish too, for the dashboard's editor.
    let Err(Error::Spec { problems }) = FormSpec::from_toml(&broken) else {
        panic!("the broken spec was read")
    };
    for problem in &problems {
        let spanish = problem.text.given(Locale::Es);
        assert!(
            spanish.is_some_and(|es| !es.is_empty() && es != problem.message),
            "{problem} has no Spanish of its own: {spanish:?}"
        );
        assert_eq!(
            problem.text.given(Locale::En),
            Some(problem.message.as_str())
        );
    }
    assert!(problems
        .iter()
        .any(|p| p.text.get(Locale::Es).starts_with("falta en")));
    // The missing English title is not reported: English is not a locale of
    // the broken spec. With English back it is.
    let only_title = DEMO_TOML.replace(
        "title = { es = \"Guía práctica de inbound marketing\", en = \"A practical guide to inbound marketing\" }",
        "title = { es = \"Guía práctica de inbound marketing\" }",
    );
    assert_eq!(
        problems_of_toml(&only_title),
        vec!["offer.title: no text for locale en"]
    );
}

#[test]
fn field_shapes_are_checked() {
    let mut spec = demo();
    spec.fields[4].options.clear(); // company_size without options
    spec.fields[1].min = Some(3); // min on a first_name
    spec.fields.push(spec.fields[0].clone()); // a second email field, same id
    spec.consents[1].id = "phone".into(); // clashes with a field
    spec.fields[7].required = true; // utm_source, filled by the page's address
    let found: Vec<String> = check::problems(&spec)
        .iter()
        .map(ToString::to_string)
        .collect();
    for wanted in [
        "fields: a form has exactly one email field, not 2",
        "fields[9].id: duplicate field id \"email\"",
        "fields[4].options: a CompanySize field needs options",
        "fields[1].min: min and max apply to number fields only",
        "consents[1].id: \"phone\" is also a field id",
        "fields[7].required: a hidden field cannot be required",
    ] {
        assert!(
            found.iter().any(|p| p.starts_with(wanted)),
            "missing {wanted:?} in {found:#?}"
        );
    }
}

#[test]
fn syntax_errors_say_where_they_are() {
    let found = problems_of_toml("format = 1\nsite = \"a\"\nid = [\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("line 4, column 1"), "{found:?}");
    match FormSpec::from_json("{\"format\": 1,\n \"site\": \"a\",") {
        Err(Error::Spec { problems }) => {
            assert!(problems[0].path.starts_with("line 2"), "{problems:?}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_wrong_value_in_json_is_named_by_its_path() {
    let mut json: serde_json::Value = serde_json::to_value(demo()).expect("writes");
    json["fields"][2]["type"] = "shoe_size".into();
    json["qualification"]["rules"][1]["when"] = serde_json::json!({ "if": "moon_phase" });
    match FormSpec::from_json(&json.to_string()) {
        Err(Error::Spec { problems }) => {
            assert_eq!(problems[0].path, "fields[2].type", "{problems:?}");
            assert!(problems[0].message.contains("shoe_size"), "{problems:?}");
        }
        other => panic!("{other:?}"),
    }
    json["fields"][2]["type"] = "company".into();
    match FormSpec::from_json(&json.to_string()) {
        Err(Error::Spec { problems }) => {
            assert!(
                problems[0].path.starts_with("qualification.rules[1].when"),
                "{problems:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_default_b2b_rules_fit_a_form_with_the_standard_fields() {
    let mut spec = demo();
    spec.qualification = RuleSet::b2b().expect("the B2B rules read");
    // The demo offers six countries; the B2B rules also name Chile and Peru,
    // which the check catches as options the form does not offer.
    assert_eq!(check::problems(&spec).len(), 2);
    let country = spec
        .fields
        .iter_mut()
        .find(|f| f.id == "country")
        .expect("country");
    country.options.clear(); // any ISO code

    assert!(spec.qualification.rules.len() >= 10);
    assert_eq!(check::problems(&spec), vec![]);
}

#[test]
fn progressive_profiling_asks_for_the_next_unknown_fields() {
    let spec = demo();
    let ids = |known: &[&str], at_most| -> Vec<String> {
        let known: Vec<String> = known.iter().map(|s| (*s).to_owned()).collect();
        spec.fields_to_ask(&known, at_most)
            .iter()
            .map(|f| f.id.clone())
            .collect()
    };
    assert_eq!(
        ids(&[], 4),
        [
            "email",
            "first_name",
            "company",
            "job_role",
            "utm_source",
            "utm_campaign"
        ]
    );
    assert_eq!(
        ids(&["first_name", "company", "job_role"], 4),
        [
            "email",
            "company_size",
            "country",
            "phone",
            "utm_source",
            "utm_campaign"
        ],
        "a returning visitor is asked what is not known yet"
    );
}

#[test]
fn progressive_profiling_asks_the_lowest_priorities_first_ties_in_display_order() {
    let mut spec = demo();
    // phone first; then company_size and country tied, after it on display.
    for field in &mut spec.fields {
        field.priority = match field.id.as_str() {
            "phone" => 0,
            "company_size" | "country" => 1,
            _ => 9,
        };
    }
    let ids = |at_most| -> Vec<String> {
        spec.fields_to_ask(&[], at_most)
            .iter()
            .filter(|f| !f.required && f.kind != FieldKind::Hidden)
            .map(|f| f.id.clone())
            .collect()
    };
    // Two required fields (e-mail, first name) leave room for the rest;
    // the asked ones come back in display order.
    assert_eq!(ids(3), ["phone"]);
    assert_eq!(ids(4), ["company_size", "phone"]);
    assert_eq!(ids(5), ["company_size", "country", "phone"]);
    assert_eq!(ids(2), Vec::<String>::new());
    assert_eq!(ids(99).len(), 5, "every optional field when there is room");
}

#[test]
fn texts_fall_back_but_checked_specs_have_every_locale() {
    let spec = demo();
    assert_eq!(spec.heading.get(Locale::En), "Download the free guide");
    assert_eq!(spec.heading.get(Locale::Es), "Descarga la guía gratis");
}

#[test]
fn a_form_can_ask_for_turnstile_with_a_well_formed_site_key() {
    let with_key = |key: &str| {
        DEMO_TOML.replacen(
            "[offer]",
            &format!("[turnstile]\nsite_key = \"{key}\"\n\n[offer]"),
            1,
        )
    };
    let spec = FormSpec::from_toml(&with_key("0x4AAAAAAA-demo_key")).expect("reads");
    let public = spec.public();
    assert_eq!(
        public.turnstile.map(|t| t.site_key).as_deref(),
        Some("0x4AAAAAAA-demo_key"),
        "the widget needs the site key to show the challenge"
    );
    let problems = problems_of_toml(&with_key("<script>"));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("turnstile.site_key"),
        "{problems:?}"
    );
}

#[test]
fn a_form_may_keep_its_leads_for_a_bounded_number_of_days() {
    let keeping = |days: &str| {
        DEMO_TOML.replacen(
            "retention_days = 730",
            &format!("retention_days = {days}"),
            1,
        )
    };
    assert_eq!(
        demo().retention_days,
        Some(730),
        "the demo form keeps two years"
    );
    let spec = FormSpec::from_toml(&keeping("90")).expect("reads");
    assert_eq!(spec.retention_days, Some(90));
    assert_eq!(spec.public().retention_days, None, "the widget is not told");
    for days in ["0", "3651"] {
        let problems = problems_of_toml(&keeping(days));
        assert_eq!(problems.len(), 1, "{days}: {problems:?}");
        assert!(problems[0].starts_with("retention_days"), "{problems:?}");
    }
    let forever = FormSpec::from_toml(&DEMO_TOML.replacen("retention_days = 730", "", 1));
    assert_eq!(
        forever.expect("reads").retention_days,
        None,
        "no retention: kept until erased"
    );
}

#[test]
fn an_offer_delivery_takes_a_url_exactly_when_it_needs_one() {
    let with = |delivery: &str| {
        DEMO_TOML.replace(
            "delivery = { by = \"download\", url = \"/offers/guia-inbound.pdf\" }",
            delivery,
        )
    };
    let email = FormSpec::from_toml(&with("delivery = { by = \"email\" }")).expect("reads");
    assert_eq!(email.offer.delivery, Delivery::Email);
    let redirect = with("delivery = { by = \"redirect\", url = \"https://acme.example/live\" }");
    assert!(problems_of_toml(&redirect).is_empty());
    let found = problems_of_toml(&with("delivery = { by = \"download\" }"));
    assert!(
        found.iter().any(|p| p.contains("missing field `url`")),
        "{found:?}"
    );
    let found = problems_of_toml(&with("delivery = { by = \"email\", url = \"/x\" }"));
    assert!(
        found.iter().any(|p| p.contains("unknown field `url`")),
        "{found:?}"
    );
    let found = problems_of_toml(&with("delivery = { by = \"pigeon\" }"));
    assert!(
        found.iter().any(|p| p.contains("unknown variant `pigeon`")),
        "{found:?}"
    );
}

#[test]
fn an_option_no_answer_could_match_is_refused() {
    // Validation cleans an answer before comparing it with the options; an
    // option that cleaning would change or refuse can never be chosen, and
    // a required field offering only such options could never be sent.
    let mut spec = demo();
    spec.qualification = RuleSet::default(); // its rules name the options changed here
    let country = 5;
    let size = 4;
    spec.fields[country].options[0].value = "es".into(); // read as "ES"
    spec.fields[country].options[1].value = "MEX".into(); // not two letters
    let bad = [
        " 1-9".to_owned(),           // untrimmed
        "x".repeat(101),             // over the default max_length of 100
        "Jose\u{301}".to_owned(),    // NFD: answers are read in NFC
        "50\u{200B}-249".to_owned(), // a hidden character
    ];
    for (option, value) in spec.fields[size].options.iter_mut().zip(&bad) {
        option.value.clone_from(value);
    }
    let mut topics = spec.fields[size].clone();
    topics.id = "topics".into();
    topics.kind = FieldKind::MultipleChoice;
    topics.max_length = Some(200); // so the 101 characters fit here
    spec.fields.push(topics);

    let found = check::problems(&spec);
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "fields[4].options[0].value",
            "fields[4].options[1].value",
            "fields[4].options[2].value",
            "fields[4].options[3].value",
            "fields[5].options[0].value",
            "fields[5].options[1].value",
            "fields[9].options[0].value",
            "fields[9].options[2].value",
            "fields[9].options[3].value",
        ],
        "{found:#?}"
    );
    for problem in &found {
        for locale in Locale::ALL {
            assert!(
                problem.text.given(locale).is_some(),
                "{problem} not said in {locale}"
            );
        }
    }
    assert!(found[4].message.contains("\"ES\""), "{}", found[4].message);
}
