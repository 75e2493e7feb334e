//! The e-mail corpus (`emails.txt`) and its check, shared by shared's
//! native test (Unicode tables, as the edge runs) and the widget's wasm test
//! (the browser's Unicode support): both must give every verdict in it.

#![allow(dead_code, missing_docs)]

use embudo_shared::email::EmailAddress;
use embudo_shared::Unicode;

const EMAILS: &str = include_str!("emails.txt");

/// Every address in the corpus whose verdict `unicode` does not give, as
/// "address should be valid|invalid"; and how many were checked.
pub fn disagreements(unicode: &dyn Unicode) -> (Vec<String>, usize) {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in EMAILS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (verdict, address) = line.split_once('\t').expect("verdict<TAB>address");
        let accepted = EmailAddress::parse(address, unicode).is_ok();
        if accepted != (verdict == "valid") {
            wrong.push(format!("{address:?} should be {verdict}"));
        }
        checked += 1;
    }
    (wrong, checked)
}
