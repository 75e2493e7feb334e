//! Reading: a value the browser's `JSON.parse` (or `Response.json`) made,
//! taken apart key by key with `Reflect`, into Rust values.

use embudo_shared::{ById, Named};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{Error, Result};

/// A type the widget reads from a parsed JSON value.
pub trait Read: Sized {
    /// Reads `value`, or says which key held the wrong thing.
    fn read(value: JsValue) -> Result<Self>;
}

/// A JSON object, read one key at a time. Keys it is not asked for are
/// ignored: the edge may add to an answer without breaking widgets that
/// are already cached on visitors' machines.
pub struct Object(js_sys::Object);

impl Object {
    fn raw(&self, key: &str) -> JsValue {
        Reflect::get(&self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// The value under `key` unless it is absent or `null`. Kept out of
    /// line: inlined into every key read it cost 107 B of gzipped wasm.
    #[inline(never)]
    fn present(&self, key: &str) -> Option<JsValue> {
        let value = self.raw(key);
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    /// The value under `key`; `None` when it is absent or `null`.
    pub fn get<T: Read>(&self, key: &'static str) -> Result<Option<T>> {
        match self.present(key) {
            Some(value) => T::read(value).map(Some).map_err(|error| error.under(key)),
            None => Ok(None),
        }
    }

    /// The value under `key`, which must be there.
    pub fn need<T: Read>(&self, key: &'static str) -> Result<T> {
        self.get(key)?.ok_or(Error::Shape { key })
    }

    /// The value under `key`, or the type's default when it is absent.
    pub fn or_default<T: Read + Default>(&self, key: &'static str) -> Result<T> {
        Ok(self.get(key)?.unwrap_or_default())
    }
}

impl Read for Object {
    fn read(value: JsValue) -> Result<Self> {
        if value.is_object() && !Array::is_array(&value) {
            Ok(Self(value.unchecked_into()))
        } else {
            Err(Error::WRONG)
        }
    }
}

/// An object read as a map: every key with its value read as `T`.
impl<T: Read> Read for ById<T> {
    fn read(value: JsValue) -> Result<Self> {
        let map = Object::read(value)?;
        js_sys::Object::keys(&map.0)
            .iter()
            .filter_map(|key| key.as_string())
            .map(|key| {
                let value = T::read(map.raw(&key))?;
                Ok((key, value))
            })
            .collect()
    }
}

/// Any value, as it is: for a list whose items are read one by one.
impl Read for JsValue {
    fn read(value: JsValue) -> Result<Self> {
        Ok(value)
    }
}

impl Read for String {
    fn read(value: JsValue) -> Result<Self> {
        value.as_string().ok_or(Error::WRONG)
    }
}

impl Read for bool {
    fn read(value: JsValue) -> Result<Self> {
        value.as_bool().ok_or(Error::WRONG)
    }
}

impl Read for f64 {
    fn read(value: JsValue) -> Result<Self> {
        value.as_f64().ok_or(Error::WRONG)
    }
}

/// A whole number, as `T` if it fits. Beyond 2^53 the browser's parser
/// has already rounded it to the nearest number it holds; that is taken as
/// written rather than refusing a whole form over a bound like `1e16`.
fn whole<T: TryFrom<i64>>(value: JsValue) -> Result<T> {
    let number = f64::read(value)?;
    // 2^63: from here on `as i64` would saturate, not convert.
    const BEYOND_I64: f64 = 9_223_372_036_854_775_808.0;
    if number.fract() != 0.0 || number.abs() >= BEYOND_I64 {
        return Err(Error::WRONG);
    }
    T::try_from(number as i64).map_err(|_| Error::WRONG)
}

/// `Read` for each type, by one function that reads them all.
macro_rules! read_with {
    ($read:ident: $($type:ty),+) => {
        $(impl Read for $type {
            fn read(value: JsValue) -> Result<Self> {
                $read(value)
            }
        })+
    };
}
pub(crate) use read_with;

read_with!(whole: u32, usize, i64, u64);

impl<T: Read> Read for Vec<T> {
    fn read(value: JsValue) -> Result<Self> {
        if !Array::is_array(&value) {
            return Err(Error::WRONG);
        }
        Array::from(&value).iter().map(T::read).collect()
    }
}

/// Reads an enum written by its name (`first_name`, `marketing_emails`),
/// from shared's table of names, which its tests hold equal to the serde
/// derives.
pub fn named<T: Named>(value: JsValue) -> Result<T> {
    T::from_name(&String::read(value)?).ok_or(Error::WRONG)
}

/// Parses `text` with the browser's `JSON.parse` and reads it as `T`.
pub fn from_json<T: Read>(text: &str) -> Result<T> {
    T::read(js_sys::JSON::parse(text).map_err(|_| Error::Text)?)
}
