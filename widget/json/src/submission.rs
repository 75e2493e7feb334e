//! A submission as the widget sends it to `POST /v1/forms/{form}/submissions`
//! and the edge reads it with shared's serde derives: the keys, and which
//! ones are left out when empty, are theirs.

use embudo_shared::submission::Context;
use embudo_shared::{Answer, Locale, Submission};
use js_sys::Array;
use wasm_bindgen::JsValue;

use crate::error::Result;
use crate::read::{Object, Read};
use crate::write::{Record, Write};

impl Write for Submission {
    fn write(&self) -> JsValue {
        Record::new()
            .set("fields", &self.fields)
            .set("consents", &self.consents)
            .set_some("versions", Some(&self.versions).filter(|v| !v.is_empty()))
            .set("locale", &self.locale)
            .set_some("id", self.id.as_ref())
            .set("context", &self.context)
            .into()
    }
}

impl Write for Context {
    fn write(&self) -> JsValue {
        Record::new()
            .set_some("page", self.page.as_ref())
            .set_some("referrer", self.referrer.as_ref())
            .set_some("elapsed_ms", self.elapsed_ms.as_ref())
            .set_some("trap", self.trap.as_ref())
            .set_some("turnstile", self.turnstile.as_ref())
            .into()
    }
}

impl Write for Answer {
    fn write(&self) -> JsValue {
        match self {
            Self::One(text) => text.write(),
            Self::Many(texts) => texts.write(),
        }
    }
}

impl Write for Locale {
    fn write(&self) -> JsValue {
        self.tag().write()
    }
}

impl Read for Submission {
    fn read(value: JsValue) -> Result<Self> {
        let submission = Object::read(value)?;
        Ok(Self {
            fields: submission.or_default("fields")?,
            consents: submission.or_default("consents")?,
            versions: submission.or_default("versions")?,
            locale: submission.or_default("locale")?,
            id: submission.get("id")?,
            context: submission.or_default("context")?,
        })
    }
}

impl Read for Context {
    fn read(value: JsValue) -> Result<Self> {
        let context = Object::read(value)?;
        Ok(Self {
            page: context.get("page")?,
            referrer: context.get("referrer")?,
            elapsed_ms: context.get("elapsed_ms")?,
            trap: context.get("trap")?,
            turnstile: context.get("turnstile")?,
        })
    }
}

impl Read for Answer {
    fn read(value: JsValue) -> Result<Self> {
        if Array::is_array(&value) {
            Vec::read(value).map(Self::Many)
        } else {
            String::read(value).map(Self::One)
        }
    }
}
