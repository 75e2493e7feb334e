//! The e-mail check with the browser's Unicode support (the widget's) gives
//! every verdict of shared's corpus, which the edge's tables give natively
//! (`shared/tests/email_corpus.rs`): the visitor is told what the edge decides.

#![allow(missing_docs)]

use embudo_shared::email::EmailAddress;
use embudo_widget::browser::Browser;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_browser_agrees_with_the_corpus() {
    let corpus = include_str!("../../shared/tests/corpus/emails.txt");
    let mut wrong = Vec::new();
    for line in corpus
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (verdict, address) = line.split_once('\t').expect("verdict<TAB>address");
        let accepted = EmailAddress::parse(address, &Browser).is_ok();
        if accepted != (verdict == "valid") {
            wrong.push(format!("{address:?} should be {verdict}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
