//! Consent items: what a visitor may agree to, one purpose each, with a
//! version that changes whenever the text they read changes.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hex::push_hex;
use crate::locale::{Locale, Text};

/// One checkbox of consent, never pre-ticked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// The item's id: the key in submissions (`marketing`).
    pub id: String,
    /// What the consent is for; qualification and the ledger read it.
    pub purpose: Purpose,
    /// The exact text the visitor agrees to, per locale.
    pub text: Text,
    /// Whether the form cannot be sent without it (content delivery is).
    #[serde(default)]
    pub required: bool,
    /// The version of the text in each locale, as [`FormSpec::public`]
    /// writes it for the widget: the widget sends back the one it showed,
    /// so the ledger records the words the visitor read even when the text
    /// changed before their submission arrived. Computed, never written in
    /// a spec (the check refuses it there).
    ///
    /// [`FormSpec::public`]: crate::FormSpec::public
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Text>,
}

/// The purposes a visitor can consent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Sending the content offer asked for.
    ContentDelivery,
    /// Further informative and marketing e-mails (what makes an IQL).
    MarketingEmails,
    /// Being contacted by sales.
    SalesContact,
}

impl Purpose {
    /// The purpose's stable name (`marketing_emails`), as specs and the
    /// consent ledger write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::ContentDelivery => "content_delivery",
            Self::MarketingEmails => "marketing_emails",
            Self::SalesContact => "sales_contact",
        }
    }

    /// Whether consenting to this means agreeing to receive more than the
    /// offer asked for: the line between a lead and an IQL.
    pub fn is_further_information(self) -> bool {
        matches!(self, Self::MarketingEmails | Self::SalesContact)
    }
}

impl Consent {
    /// The version of the text shown in `locale`: `sha256:` and the SHA-256
    /// of its exact UTF-8 bytes. Any change to the text is a new version, so
    /// a consent can always be tied to the words the visitor read.
    pub fn version(&self, locale: Locale) -> String {
        text_version(self.text.get(locale))
    }

    /// [`Consent::version`] in every locale.
    pub fn versions(&self) -> Text {
        Locale::ALL
            .iter()
            .fold(Text::default(), |versions, locale| {
                versions.with(*locale, self.version(*locale))
            })
    }

    /// Whether one of this item's texts has `version`: the visitor who was
    /// shown that version read this item's words.
    pub fn had(&self, version: &str) -> bool {
        Locale::ALL
            .iter()
            .any(|locale| self.version(*locale) == version)
    }
}

/// The version string of a consent text (see [`Consent::version`]).
pub fn text_version(text: &str) -> String {
    let mut version = String::from("sha256:");
    push_hex(&mut version, &Sha256::digest(text.as_bytes()));
    version
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_the_sha256_of_the_exact_text() {
        // SHA-256("abc") from FIPS 180-2, appendix B.1.
        assert_eq!(
            text_version("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn any_change_to_the_text_is_a_new_version() {
        let consent = |es: &str| Consent {
            id: "marketing".into(),
            purpose: Purpose::MarketingEmails,
            text: Text::from([(Locale::Es, es), (Locale::En, "I agree.")]),
            required: false,
            versions: None,
        };
        let before = consent("Acepto recibir novedades.");
        let after = consent("Acepto recibir novedades. ");
        assert_ne!(before.version(Locale::Es), after.version(Locale::Es));
        assert_eq!(before.version(Locale::En), after.version(Locale::En));
        assert!(before.had(&before.version(Locale::Es)));
        assert!(!before.had(&after.version(Locale::Es)));
        assert_eq!(
            before.versions().get(Locale::Es),
            before.version(Locale::Es)
        );
    }
}
