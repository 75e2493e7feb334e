//! What a visitor sends when they ask for a content offer, and the one check
//! both the widget and the edge run on it.

use serde::{Deserialize, Serialize};

use crate::email::{EmailAddress, EmailProblem};
use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::locale::Locale;

/// The longest name, in characters, a form accepts.
pub const NAME_MAX_CHARS: usize = 100;

/// A submission as the visitor typed it, before any check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The visitor's name; optional.
    #[serde(default)]
    pub name: String,
    /// The visitor's e-mail address; required.
    #[serde(default)]
    pub email: String,
    /// Whether the visitor ticked the consent box to receive the offer.
    #[serde(default)]
    pub consent: bool,
    /// The language the visitor reads, for the messages they get back.
    #[serde(default)]
    pub locale: Locale,
}

/// A submission that passed [`Submission::validate`]: what the edge stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidSubmission {
    /// The trimmed name, or `None` when left empty.
    pub name: Option<String>,
    /// The checked address in its normal form.
    pub email: EmailAddress,
    /// Always `true`: without consent there is nothing to send.
    pub consent: bool,
    /// The visitor's language.
    pub locale: Locale,
}

impl Submission {
    /// Checks every field and returns either the clean submission or all of
    /// its field errors at once, with messages in the visitor's locale.
    pub fn validate(&self) -> Result<ValidSubmission> {
        let locale = self.locale;
        let mut fields = Vec::new();

        let name = self.name.trim();
        if name.chars().count() > NAME_MAX_CHARS {
            fields.push(FieldError::new("name", FieldErrorCode::TooLong, locale));
        } else if name.chars().any(char::is_control) {
            fields.push(FieldError::new(
                "name",
                FieldErrorCode::ControlCharacters,
                locale,
            ));
        }

        let email = match EmailAddress::parse(&self.email) {
            Ok(email) => Some(email),
            Err(problem) => {
                let code = match problem {
                    EmailProblem::Empty => FieldErrorCode::Required,
                    EmailProblem::Malformed => FieldErrorCode::Invalid,
                };
                fields.push(FieldError::new("email", code, locale));
                None
            }
        };

        if !self.consent {
            fields.push(FieldError::new("consent", FieldErrorCode::Required, locale));
        }

        match email {
            Some(email) if fields.is_empty() => Ok(ValidSubmission {
                name: (!name.is_empty()).then(|| name.to_owned()),
                email,
                consent: true,
                locale,
            }),
            _ => Err(Error::Invalid { fields }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission(name: &str, email: &str, consent: bool) -> Submission {
        Submission {
            name: name.into(),
            email: email.into(),
            consent,
            locale: Locale::En,
        }
    }

    fn codes(result: Result<ValidSubmission>) -> Vec<(String, FieldErrorCode)> {
        match result {
            Ok(_) => Vec::new(),
            Err(Error::Invalid { fields }) => {
                fields.into_iter().map(|f| (f.field, f.code)).collect()
            }
        }
    }

    #[test]
    fn a_complete_submission_comes_back_clean() {
        let valid = submission("  Ana García ", " ana@Example.com", true)
            .validate()
            .expect("valid");
        assert_eq!(valid.name.as_deref(), Some("Ana García"));
        assert_eq!(valid.email.as_str(), "ana@example.com");
    }

    #[test]
    fn an_empty_name_is_allowed() {
        let valid = submission("   ", "ana@example.com", true)
            .validate()
            .expect("valid");
        assert_eq!(valid.name, None);
    }

    #[test]
    fn every_broken_field_is_reported_at_once() {
        let name = "x".repeat(NAME_MAX_CHARS + 1);
        assert_eq!(
            codes(submission(&name, "ana@", false).validate()),
            vec![
                ("name".into(), FieldErrorCode::TooLong),
                ("email".into(), FieldErrorCode::Invalid),
                ("consent".into(), FieldErrorCode::Required),
            ]
        );
    }

    #[test]
    fn a_missing_email_is_required_not_invalid() {
        assert_eq!(
            codes(submission("Ana", "", true).validate()),
            vec![("email".into(), FieldErrorCode::Required)]
        );
    }

    #[test]
    fn control_characters_in_a_name_are_refused() {
        assert_eq!(
            codes(submission("Ana\u{0}", "ana@example.com", true).validate()),
            vec![("name".into(), FieldErrorCode::ControlCharacters)]
        );
    }

    #[test]
    fn messages_come_in_the_visitors_language() {
        let mut spanish = submission("", "", true);
        spanish.locale = Locale::Es;
        let Err(Error::Invalid { fields }) = spanish.validate() else {
            panic!("an empty e-mail must be refused");
        };
        assert_eq!(fields[0].message, "Escribe tu correo electrónico.");
    }

    #[test]
    fn reads_the_json_the_widget_sends_and_refuses_unknown_keys() {
        let parsed: Submission = serde_json::from_str(
            r#"{"name":"Ana","email":"ana@example.com","consent":true,"locale":"en-US"}"#,
        )
        .expect("valid json");
        assert_eq!(parsed.locale, Locale::En);
        assert!(serde_json::from_str::<Submission>(r#"{"email":"a@b.co","admin":true}"#).is_err());
    }
}
