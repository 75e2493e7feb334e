//! The languages a visitor can be spoken to in, the localized text a form
//! spec carries, and the messages `shared` itself owns (validation errors).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::FieldErrorCode;

/// A language Embudo ships every visible string in.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Locale {
    /// Spanish, the product's first language.
    #[default]
    Es,
    /// English.
    En,
}

impl Locale {
    /// Every supported locale; a spec must give each visible string in all.
    pub const ALL: [Locale; 2] = [Locale::Es, Locale::En];

    /// The locale for a BCP 47 tag (`en-GB`, `es`), or `None` if unsupported.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("es") {
            Some(Self::Es)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Self::En)
        } else {
            None
        }
    }

    /// Picks the locale for a tag from the browser or the page; anything not
    /// supported falls back to Spanish, so a visitor always gets text.
    pub fn from_tag(tag: &str) -> Self {
        Self::parse(tag).unwrap_or_default()
    }

    /// The tag for `lang` attributes and `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Es => "es",
            Self::En => "en",
        }
    }

    /// The visitor-facing message for a refused field.
    pub fn field_message(self, code: FieldErrorCode) -> &'static str {
        use FieldErrorCode::*;
        match (self, code) {
            (Self::Es, Required) => "Este campo es obligatorio.",
            (Self::En, Required) => "This field is required.",
            (Self::Es, InvalidEmail) => {
                "Revisa tu correo electrónico: debe tener la forma nombre@empresa.com."
            }
            (Self::En, InvalidEmail) => {
                "Check your e-mail address: it should look like name@company.com."
            }
            (Self::Es, InvalidPhone) => {
                "Escribe un teléfono de 7 a 15 cifras; puedes empezar con + y el prefijo del país."
            }
            (Self::En, InvalidPhone) => {
                "Enter a phone number of 7 to 15 digits; you may start with + and the country code."
            }
            (Self::Es, InvalidUrl) => "Escribe una dirección web, como empresa.com.",
            (Self::En, InvalidUrl) => "Enter a web address, such as company.com.",
            (Self::Es, NotANumber) => "Escribe un número entero.",
            (Self::En, NotANumber) => "Enter a whole number.",
            (Self::Es, OutOfRange) => "Este número está fuera del rango permitido.",
            (Self::En, OutOfRange) => "This number is outside the allowed range.",
            (Self::Es, UnknownChoice) => "Elige una de las opciones de la lista.",
            (Self::En, UnknownChoice) => "Choose one of the options in the list.",
            (Self::Es, TooManyChoices) => "Elige una sola opción.",
            (Self::En, TooManyChoices) => "Choose only one option.",
            (Self::Es, TooShort) => "Este texto es demasiado corto.",
            (Self::En, TooShort) => "This text is too short.",
            (Self::Es, TooLong) => "Este texto es demasiado largo.",
            (Self::En, TooLong) => "This text is too long.",
            (Self::Es, ControlCharacters) => "Este texto contiene caracteres no permitidos.",
            (Self::En, ControlCharacters) => "This text contains characters that are not allowed.",
            (Self::Es, ConsentRequired) => {
                "Necesitamos tu consentimiento para enviarte el contenido."
            }
            (Self::En, ConsentRequired) => "We need your consent to send you the content.",
            (Self::Es, ConsentChanged) => {
                "El texto de este consentimiento ha cambiado: recarga la página para leerlo de nuevo."
            }
            (Self::En, ConsentChanged) => {
                "The text of this consent has changed: reload the page to read it again."
            }
            (Self::Es, UnknownField) => "Este campo no forma parte del formulario.",
            (Self::En, UnknownField) => "This field is not part of the form.",
            (Self::Es, WrongType) => "Este valor no tiene el formato esperado.",
            (Self::En, WrongType) => "This value does not have the expected format.",
        }
    }
}

impl TryFrom<String> for Locale {
    type Error = String;

    fn try_from(tag: String) -> Result<Self, Self::Error> {
        Self::parse(&tag).ok_or_else(|| format!("unsupported locale {tag:?}; use es or en"))
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A visible string in every locale a spec supports (`{ es = "…", en = "…" }`).
///
/// One field per [`Locale`], not a map: a map from locale to string is a
/// B-tree whose code the widget would carry for two entries (2 KB of its
/// gzipped wasm, measured). A new locale adds a field here, as it adds a
/// variant there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Spanish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    es: Option<String>,
    /// English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    en: Option<String>,
}

impl Text {
    /// The string written for `locale`, if any: what a checker of the text
    /// itself reads; the visitor is shown [`Text::get`].
    pub fn given(&self, locale: Locale) -> Option<&str> {
        match locale {
            Locale::Es => self.es.as_deref(),
            Locale::En => self.en.as_deref(),
        }
    }

    /// The string for `locale`, falling back to any other so a visitor never
    /// sees a blank (a checked spec has every locale).
    pub fn get(&self, locale: Locale) -> &str {
        self.given(locale)
            .or_else(|| Locale::ALL.iter().find_map(|other| self.given(*other)))
            .unwrap_or_default()
    }

    /// The same text with `words` in `locale`: how a reader that is not
    /// serde (the widget's, over the browser's JSON) builds one.
    pub fn with(mut self, locale: Locale, words: impl Into<String>) -> Self {
        let slot = match locale {
            Locale::Es => &mut self.es,
            Locale::En => &mut self.en,
        };
        *slot = Some(words.into());
        self
    }

    /// Whether nothing is written in any locale.
    pub fn is_empty(&self) -> bool {
        Locale::ALL
            .iter()
            .all(|locale| self.given(*locale).is_none())
    }

    /// Words written in English and in Spanish, for a message the product
    /// itself says (an edge refusal, a spec mistake) to a person in either.
    pub fn said(en: impl Into<String>, es: impl Into<String>) -> Self {
        Self {
            es: Some(es.into()),
            en: Some(en.into()),
        }
    }

    /// The locales among `wanted` this text lacks or leaves blank.
    pub fn missing(&self, wanted: &[Locale]) -> Vec<Locale> {
        wanted
            .iter()
            .copied()
            .filter(|locale| self.given(*locale).is_none_or(|s| s.trim().is_empty()))
            .collect()
    }
}

impl<const N: usize> From<[(Locale, &str); N]> for Text {
    fn from(pairs: [(Locale, &str); N]) -> Self {
        pairs
            .into_iter()
            .fold(Self::default(), |text, (locale, words)| {
                text.with(locale, words)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_english_from_regional_tags_and_falls_back_to_spanish() {
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag("EN"), Locale::En);
        assert_eq!(Locale::from_tag("es-MX"), Locale::Es);
        assert_eq!(Locale::from_tag("fr"), Locale::Es);
        assert_eq!(Locale::from_tag(""), Locale::Es);
        assert_eq!(Locale::parse("fr"), None);
    }

    #[test]
    fn every_message_differs_between_languages() {
        for code in FieldErrorCode::ALL {
            assert_ne!(
                Locale::Es.field_message(code),
                Locale::En.field_message(code),
                "{code:?}"
            );
        }
    }

    #[test]
    fn text_reports_blank_and_missing_locales() {
        let text = Text::from([(Locale::Es, "Hola"), (Locale::En, "  ")]);
        assert_eq!(text.missing(&Locale::ALL), vec![Locale::En]);
        assert_eq!(text.get(Locale::Es), "Hola");
        let only_spanish = Text::from([(Locale::Es, "Hola")]);
        assert_eq!(
            only_spanish.get(Locale::En),
            "Hola",
            "falls back, never blank"
        );
    }

    #[test]
    fn unsupported_locales_are_refused_when_read() {
        assert!(serde_json::from_str::<Locale>(r#""fr""#).is_err());
        assert_eq!(
            serde_json::from_str::<Locale>(r#""en-US""#).ok(),
            Some(Locale::En)
        );
    }
}
