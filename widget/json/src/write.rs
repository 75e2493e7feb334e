//! Writing: Rust values built into the browser's own objects and arrays,
//! then made into text by its `JSON.stringify`.

use embudo_shared::ById;
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Error, Result};

/// A type the widget writes as JSON.
pub trait Write {
    /// The value as the browser's JSON value.
    fn write(&self) -> JsValue;
}

/// A JSON object being filled in, key by key.
pub struct Record(js_sys::Object);

impl Record {
    /// An empty object with no prototype, so that every key, even
    /// `__proto__` (a field id may be that), is an ordinary key that
    /// `JSON.stringify` writes.
    pub fn new() -> Self {
        Self(js_sys::Object::create(JsValue::NULL.unchecked_ref()))
    }

    /// Sets `key` to `value`.
    pub fn set(self, key: &str, value: &(impl Write + ?Sized)) -> Self {
        // Setting a key of a plain new object cannot fail.
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.write());
        self
    }

    /// Sets `key` when there is a value; leaves it out otherwise, as
    /// shared's `skip_serializing_if = "Option::is_none"` does.
    pub fn set_some(self, key: &str, value: Option<&(impl Write + ?Sized)>) -> Self {
        match value {
            Some(value) => self.set(key, value),
            None => self,
        }
    }
}

impl Default for Record {
    fn default() -> Self {
        Self::new()
    }
}

impl From<Record> for JsValue {
    fn from(record: Record) -> Self {
        record.0.into()
    }
}

impl Write for str {
    fn write(&self) -> JsValue {
        JsValue::from_str(self)
    }
}

impl Write for String {
    fn write(&self) -> JsValue {
        JsValue::from_str(self)
    }
}

impl Write for bool {
    fn write(&self) -> JsValue {
        JsValue::from_bool(*self)
    }
}

impl Write for u32 {
    fn write(&self) -> JsValue {
        JsValue::from_f64(f64::from(*self))
    }
}

impl Write for u64 {
    fn write(&self) -> JsValue {
        // Exact up to 2^53, far beyond any count or duration written here.
        JsValue::from_f64(*self as f64)
    }
}

impl Write for f64 {
    fn write(&self) -> JsValue {
        JsValue::from_f64(*self)
    }
}

impl<T: Write> Write for [T] {
    fn write(&self) -> JsValue {
        self.iter().map(T::write).collect::<Array>().into()
    }
}

impl<T: Write> Write for Vec<T> {
    fn write(&self) -> JsValue {
        self.as_slice().write()
    }
}

impl<T: Write> Write for ById<T> {
    fn write(&self) -> JsValue {
        self.iter()
            .fold(Record::new(), |record, (key, value)| record.set(key, value))
            .into()
    }
}

/// `value` as JSON text, by the browser's `JSON.stringify`.
pub fn to_json(value: &(impl Write + ?Sized)) -> Result<String> {
    js_sys::JSON::stringify(&value.write())
        .ok()
        .and_then(|text| text.as_string())
        .ok_or(Error::Text)
}
