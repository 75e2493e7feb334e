//! The size floor of `make size`: what any widget that gives the visitor
//! `shared`'s own verdict must ship, measured alone. It reads a form spec
//! and a submission from JSON and checks one against the other, as the
//! widget does before sending, with no DOM, no rendering, no outbox and no
//! edge calls. Whatever the widget's own code weighs comes on top of this.
//! It reads JSON as the widget does: the browser parses, and
//! `embudo-widget-json` takes the values apart.
//!
//! NFC and domain names are the browser's in the widget (its glue, not
//! Unicode tables), so here they are left as given: their cost is the
//! widget's, not the floor's.

use embudo_shared::{FormSpec, Submission, Unicode};
use embudo_widget_json::from_json;
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
    let Ok(spec) = from_json::<FormSpec>(spec) else {
        return Verdict::UnreadableSpec;
    };
    let Ok(submission) = from_json::<Submission>(submission) else {
        return Verdict::UnreadableSubmission;
    };
    if submission.problems(&spec, &AsGiven, &[]).is_empty() {
        Verdict::Valid
    } else {
        Verdict::Refused
    }
}
