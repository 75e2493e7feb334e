//! Embudo's domain core.
//!
//! Pure Rust with no runtime dependency, so the same code runs in the visitor's
//! browser (inside the widget's wasm) and at the edge (inside the Worker): a
//! visitor gets the same verdict on a submission in both places.
//!
//! - [`spec`]: the form spec a company writes once, and its checks;
//! - [`submission`]: what a visitor sends, validated against a spec;
//! - [`shown`]: which consent text a visitor agreed to, when the form changed since;
//! - [`qualify`]: scoring, stages and the explanation of both;
//! - [`email`], [`phone`], [`website`]: the value checks validation uses;
//! - [`export`]: the cells and records of a leads export (CSV).

pub mod domain;
pub mod email;
pub mod error;
pub mod export;
pub mod hex;
pub mod locale;
pub mod name;
pub mod phone;
pub mod qualify;
pub mod shown;
pub mod spec;
pub mod submission;
pub mod unicode;
pub mod website;

pub use error::{Error, FieldError, FieldErrorCode, MoveRefusal, Result, SpecProblem};
pub use locale::{Locale, Text};
pub use name::Named;
pub use qualify::{qualify, History, Outcome, Stage};
pub use spec::FormSpec;
pub use submission::{Answer, ById, Submission, ValidSubmission, Value};
pub use unicode::Unicode;
