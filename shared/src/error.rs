//! The crate's one error type, so callers can match on every way a
//! submission can be refused.

use serde::{Deserialize, Serialize};

use crate::locale::Locale;

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
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What is wrong with one field, in a shape both the edge's JSON answers and
/// the widget's inline messages use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's id as the form names it (`email`, `name`, `consent`).
    pub field: String,
    /// A stable, machine-readable code (`required`, `invalid`, `too_long`).
    pub code: FieldErrorCode,
    /// A message for the visitor, in the visitor's locale.
    pub message: String,
}

/// The stable reasons a field can be refused; clients may switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    /// The field must be filled in.
    Required,
    /// The value is not of the expected form (an e-mail address without `@`).
    Invalid,
    /// The value is longer than the form allows.
    TooLong,
    /// The value holds control characters, which no visible field may.
    ControlCharacters,
}

impl FieldError {
    /// Builds the error for `field` with the message for `code` in `locale`.
    pub fn new(field: &str, code: FieldErrorCode, locale: Locale) -> Self {
        Self {
            field: field.to_owned(),
            code,
            message: locale.field_message(field, code).to_owned(),
        }
    }
}
