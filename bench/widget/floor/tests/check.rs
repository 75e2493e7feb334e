//! The floor does the widget's work, in a real browser: it reads a spec
//! and a submission and gives shared's verdict.

#![allow(missing_docs)]

use embudo_bench_widget_floor::{check, Verdict};
use embudo_shared::FormSpec;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn reads_and_checks_like_the_widget() {
    let spec = FormSpec::from_toml(include_str!("../../../../edge/forms/demo-ebook.toml"))
        .expect("the demo spec reads")
        .public();
    let spec = serde_json::to_string(&spec).expect("a spec writes as JSON");
    assert_eq!(check("{}", "{}"), Verdict::UnreadableSpec);
    assert_eq!(check(&spec, "42"), Verdict::UnreadableSubmission);
    let empty = r#"{"fields":{},"consents":{},"locale":"es"}"#;
    assert_eq!(check(&spec, empty), Verdict::Refused);
    let given = r#"{"fields":{"email":"ana@example.com","first_name":"Ana"},
                    "consents":{"content":true},"locale":"es"}"#;
    assert_eq!(check(&spec, given), Verdict::Valid);
}
