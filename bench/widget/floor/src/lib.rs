//! The size floor of `make size`: what any widget that gives the visitor
//! `shared`'s own verdict must ship, measured alone. It reads a form spec
//! and a submission from JSON and checks one against the other, as the
//! widget does before sending, with no DOM, no rendering, no outbox and no
//! edge calls. Whatever the widget's own code weighs comes on top of this.
//!
//! NFC and domain names are the browser's in the widget (its glue, not
//! Unicode tables), so here they are left as given: their cost is the
//! widget's, not the floor's.

use embudo_shared::{FormSpec, Submission, Unicode};
use wasm_bindgen::prelude::wasm_bindgen;

/// The widget's allocator, so that the floor is built as the widget is.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Unicode as the browser would supply it, reduced to nothing.
struct AsGiven;

impl Unicode for AsGiven {
    fn nfc(&self, text: &str) -> String {
        text.to_owned()
    }

    fn domain_to_ascii(&self, domain: &str) -> Option<String> {
        Some(domain.to_owned())
    }
}

/// What [`check`] found.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The submission passes the spec's checks.
    Valid,
    /// The spec is not a form spec.
    UnreadableSpec,
    /// The submission is not a submission.
    UnreadableSubmission,
    /// The submission is refused, field by field.
    Refused,
}

/// Checks `submission` against `spec` (both JSON) with `shared`'s rules.
#[wasm_bindgen]
pub fn check(spec: &str, submission: &str) -> Verdict {
    let Ok(spec) = serde_json::from_str::<FormSpec>(spec) else {
        return Verdict::UnreadableSpec;
    };
    let Ok(submission) = serde_json::from_str::<Submission>(submission) else {
        return Verdict::UnreadableSubmission;
    };
    if submission.problems(&spec, &AsGiven, &[]).is_empty() {
        Verdict::Valid
    } else {
        Verdict::Refused
    }
}

#[cfg(test)]
mod tests {
    use super::{check, Verdict};
    use embudo_shared::FormSpec;

    #[test]
    fn reads_and_checks_like_the_widget() {
        let spec = FormSpec::from_toml(include_str!("../../../../edge/forms/demo-ebook.toml"))
            .expect("the demo spec reads");
        let spec = serde_json::to_string(&spec).expect("a spec writes as JSON");
        assert_eq!(check("{}", "{}"), Verdict::UnreadableSpec);
        assert_eq!(check(&spec, "42"), Verdict::UnreadableSubmission);
        let empty = r#"{"fields":{},"consents":{},"locale":"es"}"#;
        assert_eq!(check(&spec, empty), Verdict::Refused);
        let given = r#"{"fields":{"email":"ana@example.com","first_name":"Ana"},
                        "consents":{"content":true},"locale":"es"}"#;
        assert_eq!(check(&spec, given), Verdict::Valid);
    }
}
