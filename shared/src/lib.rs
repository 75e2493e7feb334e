//! Embudo's domain core.
//!
//! Pure Rust with no runtime dependency, so the same code runs in the visitor's
//! browser (inside the widget's wasm) and at the edge (inside the Worker): a
//! visitor gets the same verdict on a submission in both places.

pub mod email;
pub mod error;
pub mod locale;
pub mod submission;

pub use error::{Error, FieldError, Result};
pub use locale::Locale;
pub use submission::{Submission, ValidSubmission};
