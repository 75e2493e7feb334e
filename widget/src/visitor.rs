//! The visitor token the edge issues with a stored submission, kept in the
//! widget's own storage (first-party, per site): on a later visit it lets
//! the widget ask the edge which fields it already knows, so the visitor is
//! asked the next ones instead (progressive profiling).

use crate::browser;

fn key(site: &str) -> String {
    format!("embudo:visitor:{site}")
}

/// The token kept for `site`, if any.
pub fn token(site: &str) -> Option<String> {
    browser::storage()?.get_item(&key(site)).ok()?
}

/// Keeps `token` for `site`, replacing an older one.
pub fn keep(site: &str, token: &str) {
    if let Some(storage) = browser::storage() {
        // Without storage the visitor is simply asked as a first-timer.
        let _ = storage.set_item(&key(site), token);
    }
}

/// Forgets the token for `site` (the edge no longer takes it).
pub fn forget(site: &str) {
    if let Some(storage) = browser::storage() {
        let _ = storage.remove_item(&key(site));
    }
}
