//! The e-mail check with the browser's Unicode support (the widget's) gives
//! every verdict of shared's corpus, which the edge's tables give natively
//! (`shared/tests/email_corpus.rs`): the visitor is told what the edge decides.

#![allow(missing_docs)]

#[path = "../../shared/tests/corpus/mod.rs"]
mod corpus;

use embudo_widget::browser::Browser;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_browser_agrees_with_the_corpus() {
    let (wrong, checked) = corpus::disagreements(&Browser);
    assert!(checked >= 40, "the corpus has {checked} cases");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
