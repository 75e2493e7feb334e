//! The languages a visitor can be spoken to in, and the visitor-facing text
//! `shared` owns (validation messages).

use serde::{Deserialize, Serialize};

use crate::error::FieldErrorCode;

/// A language the widget and the edge's messages ship in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", from = "String")]
pub enum Locale {
    /// Spanish, the product's first language.
    #[default]
    Es,
    /// English.
    En,
}

impl Locale {
    /// Picks the locale for a BCP 47 tag such as `en-GB` or `es`; anything
    /// not supported falls back to Spanish, so a visitor always gets text.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("en") {
            Self::En
        } else {
            Self::Es
        }
    }

    /// The tag for `lang` attributes and `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Es => "es",
            Self::En => "en",
        }
    }

    /// The visitor-facing message for a refused field.
    pub fn field_message(self, field: &str, code: FieldErrorCode) -> &'static str {
        use FieldErrorCode::*;
        match (self, field, code) {
            (Self::Es, "email", Required) => "Escribe tu correo electrónico.",
            (Self::En, "email", Required) => "Enter your e-mail address.",
            (Self::Es, "email", Invalid) => {
                "Revisa tu correo electrónico: debe tener la forma nombre@empresa.com."
            }
            (Self::En, "email", Invalid) => {
                "Check your e-mail address: it should look like name@company.com."
            }
            (Self::Es, "consent", Required) => {
                "Necesitamos tu consentimiento para enviarte el contenido."
            }
            (Self::En, "consent", Required) => "We need your consent to send you the content.",
            (Self::Es, _, Required) => "Este campo es obligatorio.",
            (Self::En, _, Required) => "This field is required.",
            (Self::Es, _, Invalid) => "Este valor no es válido.",
            (Self::En, _, Invalid) => "This value is not valid.",
            (Self::Es, _, TooLong) => "Este texto es demasiado largo.",
            (Self::En, _, TooLong) => "This text is too long.",
            (Self::Es, _, ControlCharacters) => "Este texto contiene caracteres no permitidos.",
            (Self::En, _, ControlCharacters) => {
                "This text contains characters that are not allowed."
            }
        }
    }
}

impl From<String> for Locale {
    fn from(tag: String) -> Self {
        Self::from_tag(&tag)
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
    }

    #[test]
    fn every_message_differs_between_languages() {
        use FieldErrorCode::*;
        for field in ["email", "name", "consent"] {
            for code in [Required, Invalid, TooLong, ControlCharacters] {
                assert_ne!(
                    Locale::Es.field_message(field, code),
                    Locale::En.field_message(field, code),
                    "{field} {code:?}"
                );
            }
        }
    }
}
