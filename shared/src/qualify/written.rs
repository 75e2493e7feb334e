//! How a rule's condition is written in a spec, for example
//! `{ if = "one_of", field = "company_size", values = ["50-249"] }`, and
//! how it is read into a [`Condition`].
//!
//! Serde reads an `if`-tagged enum by itself only by buffering every key
//! before it knows the variant, and that buffering code was once the
//! largest part of the widget's wasm besides the widget itself (the widget
//! now reads JSON without serde). Here a condition is read into one flat
//! struct of every key any condition has, then made into its variant; a
//! key the variant does not take is refused as serde refused it, with
//! smaller code. Writing conditions stays serde's tagged form.

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::domains::DomainClass;
use super::rule::Condition;
use crate::spec::consent::Purpose;

/// A condition as written: its `if` and every key some condition takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Written {
    #[serde(rename = "if")]
    kind: Kind,
    field: Option<String>,
    value: Option<String>,
    values: Option<Vec<String>>,
    text: Option<String>,
    min: Option<i64>,
    max: Option<i64>,
    is: Option<DomainClass>,
    domains: Option<Vec<String>>,
    purpose: Option<Purpose>,
    at_least: Option<u32>,
    offer: Option<String>,
    of: Option<Of>,
}

/// The `if` of a condition: which one it is.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Equals,
    OneOf,
    Contains,
    InRange,
    Present,
    EmailDomain,
    EmailDomainIn,
    Consent,
    OffersTaken,
    OfferTaken,
    Visits,
    All,
    Any,
    Not,
}

impl Kind {
    /// The keys a condition of this kind takes besides `if`.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Self::Equals => &["field", "value"],
            Self::OneOf => &["field", "values"],
            Self::Contains => &["field", "text"],
            Self::InRange => &["field", "min", "max"],
            Self::Present => &["field"],
            Self::EmailDomain => &["is"],
            Self::EmailDomainIn => &["domains"],
            Self::Consent => &["purpose"],
            Self::OffersTaken | Self::Visits => &["at_least"],
            Self::OfferTaken => &["offer"],
            Self::All | Self::Any | Self::Not => &["of"],
        }
    }
}

/// The `of` of `all`, `any` (a list) and `not` (one condition).
pub(super) enum Of {
    One(Box<Condition>),
    Many(Vec<Condition>),
}

impl<'de> Deserialize<'de> for Of {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OfVisitor;
        impl<'de> Visitor<'de> for OfVisitor {
            type Value = Of;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a condition or a list of conditions")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Of, A::Error> {
                Condition::deserialize(MapAccessDeserializer::new(map)).map(|c| Of::One(c.into()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Of, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(Of::Many)
            }
        }
        deserializer.deserialize_any(OfVisitor)
    }
}

impl Written {
    /// The keys given besides `if`.
    fn given(&self) -> impl Iterator<Item = &'static str> {
        [
            ("field", self.field.is_some()),
            ("value", self.value.is_some()),
            ("values", self.values.is_some()),
            ("text", self.text.is_some()),
            ("min", self.min.is_some()),
            ("max", self.max.is_some()),
            ("is", self.is.is_some()),
            ("domains", self.domains.is_some()),
            ("purpose", self.purpose.is_some()),
            ("at_least", self.at_least.is_some()),
            ("offer", self.offer.is_some()),
            ("of", self.of.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, given)| given.then_some(key))
    }
}

/// `value`, or the error naming the missing `key`.
fn needed<T>(value: Option<T>, key: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing field `{key}`"))
}

impl TryFrom<Written> for Condition {
    type Error = String;

    fn try_from(written: Written) -> Result<Self, String> {
        let kind = written.kind;
        if let Some(stray) = written.given().find(|key| !kind.keys().contains(key)) {
            return Err(format!(
                "unknown field `{stray}`, expected {}",
                kind.keys().join(" or ")
            ));
        }
        let Written {
            field,
            value,
            values,
            text,
            min,
            max,
            is,
            domains,
            purpose,
            at_least,
            offer,
            of,
            ..
        } = written;
        Ok(match kind {
            Kind::Equals => Self::Equals {
                field: needed(field, "field")?,
                value: needed(value, "value")?,
            },
            Kind::OneOf => Self::OneOf {
                field: needed(field, "field")?,
                values: needed(values, "values")?,
            },
            Kind::Contains => Self::Contains {
                field: needed(field, "field")?,
                text: needed(text, "text")?,
            },
            Kind::InRange => Self::InRange {
                field: needed(field, "field")?,
                min,
                max,
            },
            Kind::Present => Self::Present {
                field: needed(field, "field")?,
            },
            Kind::EmailDomain => Self::EmailDomain {
                is: needed(is, "is")?,
            },
            Kind::EmailDomainIn => Self::EmailDomainIn {
                domains: needed(domains, "domains")?,
            },
            Kind::Consent => Self::Consent {
                purpose: needed(purpose, "purpose")?,
            },
            Kind::OffersTaken => Self::OffersTaken {
                at_least: needed(at_least, "at_least")?,
            },
            Kind::OfferTaken => Self::OfferTaken {
                offer: needed(offer, "offer")?,
            },
            Kind::Visits => Self::Visits {
                at_least: needed(at_least, "at_least")?,
            },
            Kind::All | Kind::Any => {
                let Of::Many(of) = needed(of, "of")? else {
                    return Err("`of` takes a list of conditions here".into());
                };
                if matches!(kind, Kind::All) {
                    Self::All { of }
                } else {
                    Self::Any { of }
                }
            }
            Kind::Not => match needed(of, "of")? {
                Of::One(of) => Self::Not { of },
                Of::Many(_) => return Err("`of` takes one condition for `not`".into()),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<Condition, String> {
        serde_json::from_str(json).map_err(|error| error.to_string())
    }

    #[test]
    fn every_condition_reads_back_what_it_writes() {
        let conditions = [
            r#"{"if":"equals","field":"country","value":"ES"}"#,
            r#"{"if":"one_of","field":"size","values":["1-9","10-49"]}"#,
            r#"{"if":"contains","field":"job_role","text":"market"}"#,
            r#"{"if":"in_range","field":"employees","min":10}"#,
            r#"{"if":"present","field":"phone"}"#,
            r#"{"if":"email_domain","is":"free_mail"}"#,
            r#"{"if":"email_domain_in","domains":["rival.example"]}"#,
            r#"{"if":"consent","purpose":"sales_contact"}"#,
            r#"{"if":"offers_taken","at_least":2}"#,
            r#"{"if":"offer_taken","offer":"pricing"}"#,
            r#"{"if":"visits","at_least":3}"#,
            r#"{"if":"all","of":[{"if":"present","field":"phone"},{"if":"visits","at_least":2}]}"#,
            r#"{"if":"any","of":[]}"#,
            r#"{"if":"not","of":{"if":"email_domain","is":"free_mail"}}"#,
        ];
        for text in conditions {
            let condition = read(text).unwrap_or_else(|error| panic!("{text}: {error}"));
            let written = serde_json::to_string(&condition).expect("writes");
            assert_eq!(read(&written), Ok(condition), "{text}");
        }
    }

    #[test]
    fn a_key_the_condition_does_not_take_is_refused() {
        let error =
            read(r#"{"if":"equals","field":"a","value":"b","text":"c"}"#).expect_err("refused");
        assert!(error.contains("unknown field `text`"), "{error}");
        let error = read(r#"{"if":"equals","field":"a","valeu":"b"}"#).expect_err("refused");
        assert!(error.contains("unknown field `valeu`"), "{error}");
    }

    #[test]
    fn a_missing_key_or_unknown_kind_is_named() {
        let error = read(r#"{"if":"equals","field":"a"}"#).expect_err("refused");
        assert!(error.contains("missing field `value`"), "{error}");
        let error = read(r#"{"if":"resembles","field":"a"}"#).expect_err("refused");
        assert!(error.contains("unknown variant `resembles`"), "{error}");
        let error = read(r#"{"if":"not","of":[]}"#).expect_err("refused");
        assert!(error.contains("one condition"), "{error}");
        let error = read(r#"{"if":"all","of":{"if":"visits","at_least":1}}"#).expect_err("refused");
        assert!(error.contains("a list"), "{error}");
    }
}
