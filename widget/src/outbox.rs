//! The outbox: a submission is written to the browser's storage before it
//! is sent and removed only when the edge settles it (stored, or refused in
//! a way sending again cannot change). Until then it is sent again with
//! backoff and jitter, honouring `Retry-After`, when the browser comes back
//! online, and on the next load of any page with the widget. The edge stores
//! a submission id once, so sending again never makes a second lead.

use embudo_widget_json::{from_json, to_json, Object, Read, Record, Write};
use wasm_bindgen::JsValue;

use crate::browser;

/// The storage key holding every pending submission of this origin's page.
pub const KEY: &str = "embudo:outbox";
/// The first wait before sending again, in milliseconds.
pub const FIRST_WAIT_MS: f64 = 1_000.0;
/// The longest wait between tries.
pub const MAX_WAIT_MS: f64 = 300_000.0;
/// How long a pending submission is kept before it is given up (a week).
pub const KEEP_MS: f64 = 7.0 * 24.0 * 3_600_000.0;

/// One pending submission, exactly as it will be sent again.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    /// The site the form belongs to (for the visitor token the answer
    /// brings).
    pub site: String,
    /// The submission id.
    pub id: String,
    /// The edge's base URL.
    pub api: String,
    /// The form id.
    pub form: String,
    /// The JSON body, byte for byte as first sent.
    pub body: String,
    /// Tries made so far.
    pub tries: u32,
    /// When it was written (ms since the epoch).
    pub written: f64,
}

/// Kept as JSON under these keys; a letter kept before `site` existed
/// reads with none.
impl Read for Letter {
    fn read(value: JsValue) -> embudo_widget_json::Result<Self> {
        let letter = Object::read(value)?;
        Ok(Self {
            site: letter.or_default("site")?,
            id: letter.need("id")?,
            api: letter.need("api")?,
            form: letter.need("form")?,
            body: letter.need("body")?,
            tries: letter.need("tries")?,
            written: letter.need("written")?,
        })
    }
}

impl Write for Letter {
    fn write(&self) -> JsValue {
        Record::new()
            .set("site", &self.site)
            .set("id", &self.id)
            .set("api", &self.api)
            .set("form", &self.form)
            .set("body", &self.body)
            .set("tries", &self.tries)
            .set("written", &self.written)
            .into()
    }
}

/// What one try's answer means for a pending submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Settled (stored, or refused for good): remove it.
    Settled,
    /// Not yet (offline, overloaded, down): keep it and try again, not
    /// before this many seconds if the edge said so.
    Later(Option<u32>),
}

/// The fate of an answer with `status` (`None`: no answer at all).
pub fn fate(status: Option<u16>, retry_after: Option<u32>) -> Fate {
    match status {
        None | Some(408 | 425 | 429 | 500..=599) => Fate::Later(retry_after),
        Some(_) => Fate::Settled,
    }
}

/// How long to wait before try `tries + 1`: doubling from a second up to
/// five minutes, with "equal jitter" (half fixed, half random from
/// `jitter` in 0..1) so many widgets do not come back at the same instant,
/// and never sooner than the edge's `Retry-After`.
pub fn wait_ms(tries: u32, retry_after: Option<u32>, jitter: f64) -> f64 {
    let doubled = FIRST_WAIT_MS * 2f64.powi(tries.saturating_sub(1).min(20) as i32);
    let capped = doubled.min(MAX_WAIT_MS);
    let jittered = capped / 2.0 + capped / 2.0 * jitter.clamp(0.0, 1.0);
    let floor = f64::from(retry_after.unwrap_or(0)) * 1000.0;
    jittered.max(floor)
}

/// Every pending submission still worth sending. Each is read on its own:
/// one that does not read (written by hand, or by some other script) is
/// dropped, not every other with it.
pub fn letters() -> Vec<Letter> {
    let now = js_sys::Date::now();
    browser::storage()
        .and_then(|storage| storage.get_item(KEY).ok().flatten())
        .and_then(|text| from_json::<Vec<JsValue>>(&text).ok())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|letter| Letter::read(letter).ok())
        .filter(|letter| now - letter.written < KEEP_MS)
        .collect()
}

/// Writes `letters` as the outbox; false if the browser would not (storage
/// blocked or full: it keeps the older letters).
fn save(letters: &[Letter]) -> bool {
    let Some(storage) = browser::storage() else {
        return false;
    };
    to_json(letters).is_ok_and(|text| storage.set_item(KEY, &text).is_ok())
}

/// Keeps `letter` (replacing an older copy with the same id); false if the
/// browser would not keep it, so only this page can still send it.
pub fn keep(letter: &Letter) -> bool {
    let mut all = letters();
    all.retain(|kept| kept.id != letter.id);
    all.push(letter.clone());
    save(&all)
}

/// Forgets the submission `id`: the edge settled it.
pub fn settle(id: &str) {
    let mut all = letters();
    let before = all.len();
    all.retain(|kept| kept.id != id);
    if all.len() != before {
        save(&all);
    }
}
