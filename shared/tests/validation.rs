//! Validating submissions against the demo form's spec: what a visitor gets
//! back for each kind of answer, all errors at once, in their language.

#![allow(missing_docs)]

mod common;

use common::{demo, submission};
use embudo_shared::spec::consent::Purpose;
use embudo_shared::spec::field::{Choice, Field, FieldKind};
use embudo_shared::submission::Answer;
use embudo_shared::unicode::Tables;
use embudo_shared::{Error, FieldErrorCode, Locale, Submission, Text, ValidSubmission, Value};
use proptest::prelude::*;

fn codes(result: Result<ValidSubmission, Error>) -> Vec<(String, FieldErrorCode)> {
    match result {
        Ok(_) => Vec::new(),
        Err(Error::Invalid { fields }) => fields.into_iter().map(|f| (f.field, f.code)).collect(),
        Err(other) => panic!("{other}"),
    }
}

fn code(field: &str, code: FieldErrorCode) -> (String, FieldErrorCode) {
    (field.to_owned(), code)
}

#[test]
fn a_complete_submission_comes_back_in_normal_form() {
    let valid = submission(
        Locale::Es,
        &[
            ("email", " Lucia@Empresa.Example "),
            ("first_name", "  Lucía "),
            ("company", "Acme"),
            ("company_size", "50-249"),
            ("country", "es"),
            ("phone", "+34 600 11 12 22"),
            ("utm_source", "newsletter"),
        ],
        &["content", "newsletter"],
    )
    .validate(&demo(), &Tables)
    .expect("valid");

    assert_eq!(valid.email.as_str(), "Lucia@empresa.example");
    assert_eq!(valid.fields["first_name"], Value::Text("Lucía".into()));
    assert_eq!(valid.fields["country"], Value::Text("ES".into()));
    assert_eq!(valid.fields["phone"], Value::Text("+34600111222".into()));
    assert_eq!(
        valid.originals["phone"], "+34 600 11 12 22",
        "the typed form is kept"
    );
    assert!(!valid.originals.contains_key("first_name"));
    assert_eq!(valid.offer, "ebook-inbound");
    let purposes: Vec<Purpose> = valid.consents.iter().map(|c| c.purpose).collect();
    assert_eq!(
        purposes,
        [Purpose::ContentDelivery, Purpose::MarketingEmails]
    );
    assert_eq!(
        valid.consents[0].version,
        demo().consents[0].version(Locale::Es)
    );
}

#[test]
fn every_problem_comes_back_at_once() {
    let result = submission(
        Locale::En,
        &[
            ("email", "lucia@"),
            ("company_size", "huge"),
            ("country", "Spain"),
            ("phone", "call me maybe"),
            ("nickname", "Lu"),
        ],
        &["newsletter"],
    )
    .validate(&demo(), &Tables);
    assert_eq!(
        codes(result),
        vec![
            code("nickname", FieldErrorCode::UnknownField),
            code("email", FieldErrorCode::InvalidEmail),
            code("first_name", FieldErrorCode::Required),
            code("company_size", FieldErrorCode::UnknownChoice),
            code("country", FieldErrorCode::UnknownChoice),
            code("phone", FieldErrorCode::InvalidPhone),
            code("content", FieldErrorCode::ConsentRequired),
        ]
    );
}

#[test]
fn messages_are_in_the_visitors_language_and_say_what_to_fix() {
    for (locale, expected) in [
        (
            Locale::Es,
            "Revisa tu correo electrónico: debe tener la forma nombre@empresa.com.",
        ),
        (
            Locale::En,
            "Check your e-mail address: it should look like name@company.com.",
        ),
    ] {
        let Err(Error::Invalid { fields }) =
            submission(locale, &[("email", "x"), ("first_name", "A")], &["content"])
                .validate(&demo(), &Tables)
        else {
            panic!("an invalid e-mail is refused");
        };
        assert_eq!(fields[0].message, expected);
    }
}

#[test]
fn text_is_trimmed_normalised_and_free_of_control_characters() {
    let spec = demo();
    let decomposed = submission(
        Locale::Es,
        &[("email", "a@b.example"), ("first_name", "Jose\u{301}")],
        &["content"],
    );
    let valid = decomposed.validate(&spec, &Tables).expect("valid");
    assert_eq!(valid.fields["first_name"], Value::Text("José".into()));

    let control = submission(
        Locale::Es,
        &[("email", "a@b.example"), ("first_name", "Ana\u{7}")],
        &["content"],
    );
    assert_eq!(
        codes(control.validate(&spec, &Tables)),
        vec![code("first_name", FieldErrorCode::ControlCharacters)]
    );
    for hidden in ["Ana\u{202E}gnp.exe", "An\u{200B}a", "\u{2066}Ana\u{2069}"] {
        let disguised = submission(
            Locale::Es,
            &[("email", "a@b.example"), ("first_name", hidden)],
            &["content"],
        );
        assert_eq!(
            codes(disguised.validate(&spec, &Tables)),
            vec![code("first_name", FieldErrorCode::ControlCharacters)],
            "{hidden:?}"
        );
    }

    let long = "x".repeat(101);
    let too_long = submission(
        Locale::Es,
        &[("email", "a@b.example"), ("first_name", &long)],
        &["content"],
    );
    assert_eq!(
        codes(too_long.validate(&spec, &Tables)),
        vec![code("first_name", FieldErrorCode::TooLong)]
    );
}

/// A spec with one field of each remaining kind, to check their answers.
fn spec_with(field: Field) -> embudo_shared::FormSpec {
    let mut spec = demo();
    spec.fields.push(field);
    spec
}

/// `field` with these options, each labelled with its value.
fn offering(mut field: Field, values: &[&str]) -> Field {
    field.options = values
        .iter()
        .map(|v| Choice {
            value: (*v).into(),
            label: Text::from([(Locale::Es, *v), (Locale::En, *v)]),
        })
        .collect();
    field
}

fn field(id: &str, kind: FieldKind) -> Field {
    Field {
        id: id.into(),
        kind,
        label: Text::from([(Locale::Es, "Campo"), (Locale::En, "Field")]),
        hint: None,
        required: false,
        min_length: None,
        max_length: None,
        min: None,
        max: None,
        options: Vec::new(),
        priority: 9,
    }
}

fn answer(
    spec: &embudo_shared::FormSpec,
    id: &str,
    value: Answer,
) -> Result<ValidSubmission, Error> {
    let mut sub = submission(
        Locale::En,
        &[("email", "a@b.example"), ("first_name", "Ana")],
        &["content"],
    );
    sub.fields.insert(id.into(), value);
    sub.validate(spec, &Tables)
}

#[test]
fn numbers_must_be_whole_and_in_range() {
    let mut employees = field("employees", FieldKind::Number);
    employees.min = Some(1);
    employees.max = Some(100_000);
    let spec = spec_with(employees);
    let one = |s: &str| Answer::One(s.into());
    assert_eq!(
        answer(&spec, "employees", one(" 250 "))
            .expect("valid")
            .fields["employees"],
        Value::Number(250)
    );
    assert_eq!(
        codes(answer(&spec, "employees", one("2.5"))),
        vec![code("employees", FieldErrorCode::NotANumber)]
    );
    assert_eq!(
        codes(answer(&spec, "employees", one("0"))),
        vec![code("employees", FieldErrorCode::OutOfRange)]
    );
}

#[test]
fn websites_are_completed_and_other_schemes_refused() {
    let spec = spec_with(field("site", FieldKind::Website));
    let valid =
        answer(&spec, "site", Answer::One("Empresa.example/precios".into())).expect("valid");
    assert_eq!(
        valid.fields["site"],
        Value::Text("https://empresa.example/precios".into())
    );
    assert_eq!(
        codes(answer(
            &spec,
            "site",
            Answer::One("javascript:alert(1)".into())
        )),
        vec![code("site", FieldErrorCode::InvalidUrl)]
    );
}

#[test]
fn choices_must_be_offered_and_single_choice_takes_one() {
    let spec = spec_with(offering(
        field("topics", FieldKind::MultipleChoice),
        &["seo", "ads", "email"],
    ));
    let many = |items: &[&str]| Answer::Many(items.iter().map(|s| (*s).to_owned()).collect());
    let valid = answer(&spec, "topics", many(&["email", "seo", "email"])).expect("valid");
    assert_eq!(
        valid.fields["topics"],
        Value::List(vec!["seo".into(), "email".into()]),
        "spec order, no repeats"
    );
    assert_eq!(
        codes(answer(&spec, "topics", many(&["seo", "tv"]))),
        vec![code("topics", FieldErrorCode::UnknownChoice)]
    );
    assert_eq!(
        codes(answer(&demo(), "company_size", many(&["1-9", "10-49"]))),
        vec![code("company_size", FieldErrorCode::TooManyChoices)]
    );
}

#[test]
fn a_required_name_of_invisible_fillers_is_refused_as_one_of_zero_width_spaces() {
    // Neither whitespace nor control characters, so trimming leaves them,
    // yet they show nothing: a name made of them is no name.
    let spec = demo();
    let refused = |first_name: &str| {
        codes(
            submission(
                Locale::Es,
                &[("email", "a@b.example"), ("first_name", first_name)],
                &["content"],
            )
            .validate(&spec, &Tables),
        )
    };
    let zero_width = refused("\u{200B}");
    assert_eq!(
        zero_width,
        vec![code("first_name", FieldErrorCode::ControlCharacters)]
    );
    for filler in [
        '\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}', '\u{17B4}', '\u{17B5}',
    ] {
        let name = filler.to_string();
        assert_eq!(refused(&name), zero_width, "U+{:04X}", filler as u32);
        assert_eq!(
            refused(&name.repeat(3)),
            zero_width,
            "U+{:04X}",
            filler as u32
        );
    }
    // A soft hyphen pasted with a name is not one of them: the name passes.
    assert_eq!(refused("Ma\u{00AD}ría"), Vec::new());
}

#[test]
fn a_choice_is_read_the_same_whichever_kind_the_field_is() {
    // The option a visitor picks must be accepted whether the field takes
    // one option or several: both clean the answer the same way first.
    let options = ["Tecnología", "Educación"];
    for kind in [FieldKind::SingleChoice, FieldKind::MultipleChoice] {
        let spec = spec_with(offering(field("sector", kind), &options));
        let chosen = |raw: &str| match kind {
            FieldKind::MultipleChoice => Answer::Many(vec![raw.to_owned()]),
            _ => Answer::One(raw.to_owned()),
        };
        let read = |raw: &str| match answer(&spec, "sector", chosen(raw)) {
            Ok(valid) => Ok(valid.fields["sector"].clone()),
            Err(error) => Err(codes(Err(error))),
        };
        let tecnologia = match kind {
            FieldKind::MultipleChoice => Value::List(vec!["Tecnología".into()]),
            _ => Value::Text("Tecnología".into()),
        };
        for raw in ["Tecnología", " Tecnologi\u{301}a "] {
            assert_eq!(read(raw), Ok(tecnologia.clone()), "{kind:?} {raw:?}");
        }
        assert_eq!(
            read("Tecnolog\u{200B}ía"),
            Err(vec![code("sector", FieldErrorCode::ControlCharacters)]),
            "{kind:?}"
        );
    }
}

#[test]
fn long_text_keeps_its_lines_and_respects_limits() {
    let mut message = field("message", FieldKind::LongText);
    message.min_length = Some(5);
    let spec = spec_with(message);
    let valid =
        answer(&spec, "message", Answer::One("Hola,\r\n¿precios?\t".into())).expect("valid");
    assert_eq!(
        valid.fields["message"],
        Value::Text("Hola,\n¿precios?".into())
    );
    assert_eq!(
        codes(answer(&spec, "message", Answer::One("Hi".into()))),
        vec![code("message", FieldErrorCode::TooShort)]
    );
}

#[test]
fn optional_consents_unticked_are_not_recorded() {
    let valid = submission(
        Locale::Es,
        &[("email", "a@b.example"), ("first_name", "Ana")],
        &["content"],
    )
    .validate(&demo(), &Tables)
    .expect("valid");
    assert_eq!(valid.consents.len(), 1);
    assert!(valid.consents.iter().all(|c| c.granted));
}

proptest! {
    #[test]
    fn never_panics_on_any_answers(
        answers in proptest::collection::btree_map("[a-z_]{1,12}", any::<String>(), 0..12),
        ticks in proptest::collection::btree_map("[a-z]{1,10}", any::<bool>(), 0..4),
    ) {
        let submission = Submission {
            fields: answers.into_iter().map(|(k, v)| (k, Answer::One(v))).collect(),
            consents: ticks.into_iter().collect(),
            locale: Locale::En,
            ..Submission::default()
        };
        let _ = submission.validate(&demo(), &Tables);
    }

    #[test]
    fn the_widget_finds_exactly_the_problems_the_edge_does(
        answers in proptest::collection::btree_map(
            prop_oneof![
                Just("email"), Just("first_name"), Just("company"), Just("job_role"),
                Just("company_size"), Just("country"), Just("phone"), Just("not_a_field"),
            ],
            prop_oneof![
                "[a-z]{1,8}@[a-z]{1,8}\\.example", "\\PC{0,24}", "[0-9 +()-]{0,16}",
                Just("250-999".to_owned()), Just("mx".to_owned()), Just(" ".to_owned()),
            ],
            0..4,
        ),
        ticks in proptest::collection::btree_map(
            prop_oneof![Just("content"), Just("newsletter"), Just("sales"), Just("nope")],
            any::<bool>(),
            0..3,
        ),
        knows_name in any::<bool>(),
        spanish in any::<bool>(),
    ) {
        let spec = demo();
        // A valid submission, then some answers and ticks changed at random.
        let mut submission = submission(
            if spanish { Locale::Es } else { Locale::En },
            &[("email", "ana@empresa.example"), ("first_name", "Ana")],
            &["content"],
        );
        for (id, answer) in answers {
            submission.fields.insert(id.to_owned(), Answer::One(answer));
        }
        for (id, tick) in ticks {
            submission.consents.insert(id.to_owned(), tick);
        }
        let known: Vec<String> = if knows_name { vec!["first_name".into()] } else { Vec::new() };
        let problems = submission.problems(&spec, &Tables, &known);
        match submission.validate_knowing(&spec, &Tables, &known) {
            Ok(_) => prop_assert!(problems.is_empty(), "{:?}", problems),
            Err(Error::Invalid { fields }) => prop_assert_eq!(problems, fields),
            Err(other) => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn validating_the_normal_form_again_changes_nothing(
        name in "\\PC{1,40}",
        phone in "\\+?[0-9 ().-]{7,20}",
        company in "[\\p{L}\\p{M} .&'-]{1,60}",
    ) {
        let spec = demo();
        let sub = submission(Locale::Es, &[("email", "a@b.example"), ("first_name", &name), ("phone", &phone), ("company", &company)], &["content"]);
        if let Ok(once) = sub.validate(&spec, &Tables) {
            let mut again = submission(Locale::Es, &[("email", once.email.as_str())], &["content"]);
            for (id, value) in &once.fields {
                if let Value::Text(text) = value {
                    again.fields.insert(id.clone(), Answer::One(text.clone()));
                }
            }
            let twice = again.validate(&spec, &Tables).expect("the normal form stays valid");
            prop_assert_eq!(once.fields, twice.fields);
            prop_assert_eq!(once.email, twice.email);
        }
    }
}

#[test]
fn a_known_required_field_may_be_left_out_but_the_email_never() {
    let spec = demo();
    let returning = Submission {
        fields: [(
            "email".to_owned(),
            Answer::One("vuelve@empresa.example".into()),
        )]
        .into_iter()
        .collect(),
        consents: [("content".to_owned(), true)].into_iter().collect(),
        ..Submission::default()
    };
    let refused = returning.validate(&spec, &Tables);
    assert!(
        matches!(&refused, Err(Error::Invalid { fields }) if fields.iter().any(|f| f.field == "first_name")),
        "a first-timer must give their name: {refused:?}"
    );
    let known = ["first_name".to_owned()];
    let valid = returning
        .validate_knowing(&spec, &Tables, &known)
        .expect("a returning visitor need not give it again");
    assert_eq!(valid.left_out(&spec), ["first_name"]);

    let mut no_email = returning.clone();
    no_email.fields.clear();
    let everything: Vec<String> = spec.fields.iter().map(|f| f.id.clone()).collect();
    assert!(no_email
        .validate_knowing(&spec, &Tables, &everything)
        .is_err());
}
