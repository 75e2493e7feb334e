//! shared's types read from, and written to, the values of the browser's
//! own JSON (`JSON.parse`, `Response.json`, `JSON.stringify`).
//!
//! Why not serde here: shared's derives instantiated for a wasm format
//! (serde-wasm-bindgen, or serde_json with its number parsing) were the
//! largest part of the widget's wasm: 15.2 of its 71.9 KB gzipped went
//! when this crate replaced them. Reading key by key through `Reflect`
//! costs a call per key, and the browser already has the parser.
//!
//! The names stay shared's. Enum variants are read by its tables of names
//! ([`embudo_shared::Named`], tested against its serde derives). The keys
//! are written here a second time, and this crate's tests write every type
//! with serde_json and read it back here (and the other way round for a
//! submission), so a key renamed in one place and not the other fails.

mod error;
mod form;
pub mod read;
mod submission;
pub mod write;

pub use error::{Error, Result};
pub use read::{from_json, Object, Read};
pub use write::{to_json, Record, Write};
