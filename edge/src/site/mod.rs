//! A site's own switches, kept as a JSON object in `sites.settings`; its
//! admins change them, its name and its allowed origins through `admin`.
//!
//! Reading is lenient (a key this version does not know is ignored, a
//! missing one takes its default) so a settings mistake never turns
//! visitors' submissions away; the admin API checks settings when they are
//! written.

pub mod admin;

use serde::{Deserialize, Serialize};

/// Everything a site can set beyond its allowed origins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// How many submissions one address may send to the site's forms.
    pub rate_limit: RateLimit,
}

/// How strictly submissions per visitor address are limited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimit {
    /// One person per address: a few submissions a minute is plenty.
    #[default]
    Standard,
    /// Many people behind one address (a trade-show stand, a campus, an
    /// office): a higher ceiling.
    Shared,
}

impl RateLimit {
    /// The Workers rate-limiting binding (see `wrangler.toml`) that counts
    /// for this setting.
    pub fn binding(self) -> &'static str {
        match self {
            Self::Standard => "SUBMISSION_LIMIT",
            Self::Shared => "SUBMISSION_LIMIT_SHARED",
        }
    }
}

impl Settings {
    /// Reads `sites.settings`; anything unreadable counts as the defaults.
    pub fn read(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_leniently_and_default_to_the_strict_limit() {
        assert_eq!(Settings::read("{}").rate_limit, RateLimit::Standard);
        assert_eq!(
            Settings::read(r#"{"rate_limit": "shared", "later": 1}"#).rate_limit,
            RateLimit::Shared
        );
        assert_eq!(Settings::read("not json"), Settings::default());
    }
}
