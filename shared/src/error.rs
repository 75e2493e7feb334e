//! The crate's one error type, so callers can match on every way `shared`
//! refuses a submission or a form spec.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::locale::{Locale, Text};
use crate::qualify::Stage;

/// Why `shared` refused something.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// One or more fields of a submission break the form's rules; every broken
    /// field is listed, so the visitor can fix them all in one go.
    #[error("{} field(s) are invalid", fields.len())]
    Invalid {
        /// Each invalid field with its stable code and localized message.
        fields: Vec<FieldError>,
    },
    /// A form spec has mistakes; every one is listed with where it is.
    #[error("the form spec has {} problem(s): {}", problems.len(), SpecProblems(problems))]
    Spec {
        /// Each mistake with its path in the spec.
        problems: Vec<SpecProblem>,
    },
    /// A person asked for a stage move that is not allowed.
    #[error("cannot move a lead from {from} to {to}: {why}")]
    Move {
        /// The lead's stage now.
        from: Stage,
        /// The stage asked for.
        to: Stage,
        /// Why the move is refused.
        why: MoveRefusal,
    },
}

/// Why a person's stage move is refused, so the refusal can be said in the
/// language of whoever asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefusal {
    /// The lead is at the stage asked for already.
    AlreadyThere,
    /// Disqualifying was asked for without a reason.
    ReasonNeeded,
}

impl MoveRefusal {
    /// The refusal in `locale`.
    pub fn text(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Self::AlreadyThere, Locale::En) => "the lead is already at that stage",
            (Self::AlreadyThere, Locale::Es) => "el lead ya está en esa etapa",
            (Self::ReasonNeeded, Locale::En) => "disqualifying a lead needs a reason",
            (Self::ReasonNeeded, Locale::Es) => "para descalificar un lead hace falta un motivo",
        }
    }
}

impl fmt::Display for MoveRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text(Locale::En))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What is wrong with one field, in a shape both the edge's JSON answers and
/// the widget's inline messages use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's id as the spec names it (`email`, `company`, a consent id).
    pub field: String,
    /// A stable, machine-readable code.
    pub code: FieldErrorCode,
    /// A message for the visitor, in the visitor's locale, saying what to fix.
    pub message: String,
}

/// The stable reasons a field can be refused; clients may switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    /// The field must be filled in.
    Required,
    /// Not an e-mail address that can receive mail.
    InvalidEmail,
    /// Not a phone number.
    InvalidPhone,
    /// Not a web address.
    InvalidUrl,
    /// Not a whole number.
    NotANumber,
    /// A number outside the spec's range.
    OutOfRange,
    /// A choice the field does not offer.
    UnknownChoice,
    /// Several choices for a single-choice field.
    TooManyChoices,
    /// Shorter than the spec allows.
    TooShort,
    /// Longer than the spec allows.
    TooLong,
    /// Holds control characters or hidden ones (bidirectional overrides,
    /// zero-width spaces, blank fillers: [`crate::unicode::is_hidden`]),
    /// which no visible field may.
    ControlCharacters,
    /// A required consent was not given.
    ConsentRequired,
    /// A consent given with a text version this consent item never had:
    /// nothing could prove which words the visitor agreed to.
    ConsentChanged,
    /// The submission names a field the form does not have.
    UnknownField,
    /// A list where text was expected, or the other way round.
    WrongType,
}

impl FieldErrorCode {
    /// Every code, for exhaustive tests of the messages.
    pub const ALL: [FieldErrorCode; 15] = [
        Self::Required,
        Self::InvalidEmail,
        Self::InvalidPhone,
        Self::InvalidUrl,
        Self::NotANumber,
        Self::OutOfRange,
        Self::UnknownChoice,
        Self::TooManyChoices,
        Self::TooShort,
        Self::TooLong,
        Self::ControlCharacters,
        Self::ConsentRequired,
        Self::ConsentChanged,
        Self::UnknownField,
        Self::WrongType,
    ];
}

impl FieldError {
    /// Builds the error for `field` with the message for `code` in `locale`.
    pub fn new(field: &str, code: FieldErrorCode, locale: Locale) -> Self {
        Self {
            field: field.to_owned(),
            code,
            message: locale.field_message(code).to_owned(),
        }
    }
}

/// One mistake in a form spec, with where it is (`fields[2].options`,
/// `rules[4].when.field`), so its author can go straight to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecProblem {
    /// Where in the spec, as a path of keys and indexes.
    pub path: String,
    /// What is wrong there, in English.
    pub message: String,
    /// The same in each locale, for the dashboard's editor to show in its
    /// person's language; empty when only English was written (a parser's
    /// own words).
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub text: Text,
}

impl SpecProblem {
    /// A problem at `path`, said in English only.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
            text: Text::default(),
        }
    }

    /// A problem at `path`, said in English and in Spanish.
    pub fn said(path: impl Into<String>, en: String, es: String) -> Self {
        Self {
            path: path.into(),
            text: Text::said(en.clone(), es),
            message: en,
        }
    }
}

impl fmt::Display for SpecProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

struct SpecProblems<'a>(&'a [SpecProblem]);

impl fmt::Display for SpecProblems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}
