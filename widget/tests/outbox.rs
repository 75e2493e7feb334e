//! The outbox in a real browser: what is kept in localStorage, what is sent
//! again and when.

#![allow(missing_docs)]

use embudo_widget::outbox::{self, Fate, Letter, FIRST_WAIT_MS, MAX_WAIT_MS};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn letter(id: &str) -> Letter {
    Letter {
        site: "acme-growth".into(),
        id: id.into(),
        api: "https://edge.example".into(),
        form: "demo-ebook".into(),
        body: r#"{"id":"x","fields":{"email":"ana@example.com"}}"#.into(),
        tries: 0,
        written: js_sys::Date::now(),
    }
}

#[wasm_bindgen_test]
fn a_kept_submission_survives_in_storage_until_settled() {
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage");
    storage.remove_item(outbox::KEY).expect("clear");

    outbox::keep(&letter("a"));
    outbox::keep(&letter("b"));
    let mut tried = letter("a");
    tried.tries = 3;
    outbox::keep(&tried);
    let kept = outbox::letters();
    assert_eq!(kept.len(), 2, "one copy per submission id");
    assert_eq!(kept.iter().find(|l| l.id == "a").map(|l| l.tries), Some(3));
    assert!(
        storage
            .get_item(outbox::KEY)
            .ok()
            .flatten()
            .is_some_and(|text| text.contains("ana@example.com")),
        "the exact body is in localStorage, to send again byte for byte"
    );

    outbox::settle("a");
    let left: Vec<String> = outbox::letters().into_iter().map(|l| l.id).collect();
    assert_eq!(left, ["b"]);
    outbox::settle("b");
    assert!(outbox::letters().is_empty());
}

#[wasm_bindgen_test]
fn a_week_old_submission_is_given_up() {
    outbox::settle("old");
    let mut old = letter("old");
    old.written = js_sys::Date::now() - outbox::KEEP_MS - 1.0;
    outbox::keep(&old);
    assert!(outbox::letters().iter().all(|l| l.id != "old"));
}

#[wasm_bindgen_test]
fn only_answers_that_may_change_are_sent_again() {
    for status in [None, Some(408), Some(429), Some(500), Some(502), Some(503)] {
        assert!(
            matches!(outbox::fate(status, None), Fate::Later(_)),
            "{status:?}"
        );
    }
    for status in [200, 201, 400, 403, 404, 409, 413, 415, 422] {
        assert_eq!(outbox::fate(Some(status), None), Fate::Settled, "{status}");
    }
}

#[wasm_bindgen_test]
fn waits_double_with_jitter_and_honour_retry_after() {
    assert_eq!(outbox::wait_ms(1, None, 1.0), FIRST_WAIT_MS);
    assert_eq!(outbox::wait_ms(1, None, 0.0), FIRST_WAIT_MS / 2.0);
    assert_eq!(outbox::wait_ms(3, None, 1.0), 4.0 * FIRST_WAIT_MS);
    assert_eq!(outbox::wait_ms(40, None, 1.0), MAX_WAIT_MS);
    assert_eq!(
        outbox::wait_ms(1, Some(60), 0.5),
        60_000.0,
        "never sooner than the edge asks"
    );
}

#[wasm_bindgen_test]
fn letters_kept_by_an_earlier_widget_still_read_and_a_bad_one_spoils_no_other() {
    let storage = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage");
    let now = js_sys::Date::now();
    // As serde-wasm-bindgen wrote them, before `site` existed and after;
    // between them, one no widget wrote.
    let kept = format!(
        r#"[{{"id":"old","api":"https://edge.example","form":"demo-ebook","body":"{{}}","tries":2,"written":{now}}},
            {{"id":"junk","tries":"many"}},
            {{"site":"acme-growth","id":"new","api":"https://edge.example","form":"demo-ebook","body":"{{\"id\":\"new\"}}","tries":0,"written":{now}}}]"#
    );
    storage.set_item(outbox::KEY, &kept).expect("stored");
    let letters = outbox::letters();
    storage.remove_item(outbox::KEY).expect("clear");
    let ids: Vec<&str> = letters.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["old", "new"]);
    assert_eq!(
        letters[0].site, "",
        "a letter from before sites reads with none"
    );
    assert_eq!(letters[0].tries, 2);
    assert_eq!(letters[1].site, "acme-growth");
    assert_eq!(letters[1].body, r#"{"id":"new"}"#);
}
