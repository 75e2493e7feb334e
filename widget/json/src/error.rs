//! The crate's one error: a JSON value that is not the shape its type is
//! written in.

/// Why a value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The value under `key` (the innermost one; empty at the top) is
    /// missing or of the wrong kind: a list where a string belongs, a
    /// fraction where a whole number does, a name no variant has.
    #[error("the JSON value at `{key}` is missing or of the wrong kind")]
    Shape {
        /// The object key whose value was wrong.
        key: &'static str,
    },
    /// The browser could not parse or write the JSON text.
    #[error("the text is not JSON")]
    Text,
}

/// The crate's `Result`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A wrong value not yet placed under a key.
    pub(crate) const WRONG: Self = Self::Shape { key: "" };

    /// The error, placed under `key` unless a deeper key already holds it.
    pub(crate) fn under(self, key: &'static str) -> Self {
        match self {
            Self::Shape { key: "" } => Self::Shape { key },
            other => other,
        }
    }
}
