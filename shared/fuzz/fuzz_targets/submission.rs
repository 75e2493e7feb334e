//! Any bytes as a submission to the demo form: reading, validating and
//! qualifying must never panic, and an accepted submission must validate the
//! same again from its normal form.
#![no_main]

use embudo_shared::submission::Answer;
use embudo_shared::unicode::Tables;
use embudo_shared::{qualify, FormSpec, History, Submission, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = FormSpec::from_toml(include_str!("../../../edge/forms/demo-ebook.toml")) else {
        return;
    };
    let Ok(submission) = serde_json::from_slice::<Submission>(data) else {
        return;
    };
    let Ok(valid) = submission.validate(&spec, &Tables) else {
        return;
    };
    let mut again = submission.clone();
    for (id, value) in &valid.fields {
        if let Value::Text(text) = value {
            again.fields.insert(id.clone(), Answer::One(text.clone()));
        }
    }
    again
        .fields
        .insert("email".into(), Answer::One(valid.email.as_str().to_owned()));
    let twice = again
        .validate(&spec, &Tables)
        .expect("the normal form validates");
    assert_eq!(valid.fields, twice.fields);
    let _ = qualify(
        &spec.qualification,
        &History {
            submissions: vec![valid],
            visits: 1,
        },
    );
});
