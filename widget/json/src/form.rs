//! A form's public spec, as `GET /v1/forms/{form}` answers it and the
//! dashboard's editor previews it, read key by key under the names shared's
//! serde derives give them. Defaults are shared's: a key its derive marks
//! `default` may be absent here too.

use embudo_shared::spec::consent::{Consent, Purpose};
use embudo_shared::spec::field::{Choice, Field, FieldKind};
use embudo_shared::spec::{Delivery, Offer, Turnstile};
use embudo_shared::{FieldError, FieldErrorCode, FormSpec, Locale, Text};
use wasm_bindgen::JsValue;

use crate::error::{Error, Result};
use crate::read::{named, read_with, Object, Read};

impl Read for FormSpec {
    fn read(value: JsValue) -> Result<Self> {
        let spec = Object::read(value)?;
        Ok(Self {
            format: spec.need("format")?,
            site: spec.need("site")?,
            id: spec.need("id")?,
            revision: spec.get("revision")?.unwrap_or(1),
            locales: spec.need("locales")?,
            heading: spec.need("heading")?,
            submit: spec.need("submit")?,
            success: spec.need("success")?,
            offer: spec.need("offer")?,
            fields: spec.need("fields")?,
            consents: spec.or_default("consents")?,
            // A public spec never carries rules; the edge qualifies.
            qualification: Default::default(),
            turnstile: spec.get("turnstile")?,
            retention_days: spec.get("retention_days")?,
        })
    }
}

impl Read for Offer {
    fn read(value: JsValue) -> Result<Self> {
        let offer = Object::read(value)?;
        Ok(Self {
            id: offer.need("id")?,
            title: offer.need("title")?,
            description: offer.need("description")?,
            delivery: offer.need("delivery")?,
        })
    }
}

impl Read for Delivery {
    fn read(value: JsValue) -> Result<Self> {
        let delivery = Object::read(value)?;
        let by: String = delivery.need("by")?;
        match by.as_str() {
            "download" => Ok(Self::Download {
                url: delivery.need("url")?,
            }),
            "redirect" => Ok(Self::Redirect {
                url: delivery.need("url")?,
            }),
            "email" => Ok(Self::Email),
            _ => Err(Error::Shape { key: "by" }),
        }
    }
}

impl Read for Turnstile {
    fn read(value: JsValue) -> Result<Self> {
        Ok(Self {
            site_key: Object::read(value)?.need("site_key")?,
        })
    }
}

impl Read for Field {
    fn read(value: JsValue) -> Result<Self> {
        let field = Object::read(value)?;
        Ok(Self {
            id: field.need("id")?,
            kind: field.need("type")?,
            label: field.or_default("label")?,
            hint: field.get("hint")?,
            required: field.or_default("required")?,
            min_length: field.get("min_length")?,
            max_length: field.get("max_length")?,
            min: field.get("min")?,
            max: field.get("max")?,
            options: field.or_default("options")?,
            priority: field.or_default("priority")?,
        })
    }
}

impl Read for Choice {
    fn read(value: JsValue) -> Result<Self> {
        let choice = Object::read(value)?;
        Ok(Self {
            value: choice.need("value")?,
            label: choice.need("label")?,
        })
    }
}

impl Read for Consent {
    fn read(value: JsValue) -> Result<Self> {
        let consent = Object::read(value)?;
        Ok(Self {
            id: consent.need("id")?,
            purpose: consent.need("purpose")?,
            text: consent.need("text")?,
            required: consent.or_default("required")?,
            versions: consent.get("versions")?,
        })
    }
}

impl Read for Text {
    fn read(value: JsValue) -> Result<Self> {
        let text = Object::read(value)?;
        Locale::ALL
            .iter()
            .try_fold(Self::default(), |read, locale| {
                Ok(match text.get::<String>(locale.tag())? {
                    Some(words) => read.with(*locale, words),
                    None => read,
                })
            })
    }
}

impl Read for FieldError {
    fn read(value: JsValue) -> Result<Self> {
        let error = Object::read(value)?;
        Ok(Self {
            field: error.need("field")?,
            code: error.need("code")?,
            message: error.or_default("message")?,
        })
    }
}

read_with!(named: FieldKind, Purpose, FieldErrorCode);

/// A locale as serde reads it: through [`Locale::parse`].
impl Read for Locale {
    fn read(value: JsValue) -> Result<Self> {
        Locale::parse(&String::read(value)?).ok_or(Error::WRONG)
    }
}
