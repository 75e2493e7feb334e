//! What a visitor sends, and the one check both the widget and the edge run
//! on it against the form's spec.

use std::collections::BTreeMap;

use litemap::LiteMap;

use serde::{Deserialize, Serialize};

use crate::email::{EmailAddress, EmailProblem};
use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::locale::Locale;
use crate::spec::consent::{Consent, Purpose};
use crate::spec::field::{Field, FieldKind};
use crate::spec::FormSpec;
use crate::unicode::{is_hidden, Unicode};
use crate::{phone, website};

/// A submission's answers or ticks by id, sorted by id: a list, not a
/// B-tree, since a form has a few dozen ids at most, and the B-tree's code
/// was 4 KB of the widget's gzipped wasm. Written and read as a JSON object
/// ([`by_id`]).
pub type ById<V> = LiteMap<String, V>;

/// A submission as the visitor's browser sends it, before any check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Each field's answer, by field id.
    #[serde(default, with = "by_id")]
    pub fields: ById<Answer>,
    /// Each consent item's checkbox, by consent id.
    #[serde(default, with = "by_id")]
    pub consents: ById<bool>,
    /// The version of each consent text the visitor was shown, by consent
    /// id (the public spec's [`Consent::versions`]): the text they agreed
    /// to, even if the form changed before the edge got the submission.
    /// Without one, the edge records the form's current text.
    #[serde(default, with = "by_id", skip_serializing_if = "LiteMap::is_empty")]
    pub versions: ById<String>,
    /// The language the visitor reads, for the messages they get back.
    #[serde(default)]
    pub locale: Locale,
    /// The widget's id for this submission: a retry or replay carries the
    /// same id, so the edge stores it once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where and how it was sent, captured by the widget.
    #[serde(default)]
    pub context: Context,
}

/// [`ById`] as a JSON object, as a `BTreeMap` is: written in id order, and
/// read with a repeated id's last value winning.
pub mod by_id {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::ById;

    /// Writes the map as an object.
    pub fn serialize<V: Serialize, S: Serializer>(
        map: &ById<V>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(map.iter())
    }

    /// Reads an object (and nothing else) into the map.
    pub fn deserialize<'de, V: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<ById<V>, D::Error> {
        Ok(BTreeMap::<String, V>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

/// What the widget records about a submission besides the visitor's answers
/// (UTM parameters travel as hidden fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The page the form was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The page the visitor came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// Milliseconds from the form being shown to it being sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
    /// The honeypot: a field people never see, so only bots fill it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trap: Option<String>,
    /// The Turnstile token, for forms that ask for one; checked by the edge
    /// and never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnstile: Option<String>,
}

/// The longest page or referrer address kept.
pub const MAX_CONTEXT_URL: usize = 2000;

impl Context {
    /// The context as stored: addresses without control or hidden
    /// characters ([`is_hidden`]) and cut to [`MAX_CONTEXT_URL`] characters,
    /// never refused (the visitor did not type them).
    pub fn cleaned(&self) -> Self {
        let clean = |url: &Option<String>| {
            url.as_deref()
                .map(|u| {
                    u.chars()
                        .filter(|c| !c.is_control() && !is_hidden(*c))
                        .take(MAX_CONTEXT_URL)
                        .collect::<String>()
                })
                .filter(|u| !u.is_empty())
        };
        Self {
            page: clean(&self.page),
            referrer: clean(&self.referrer),
            elapsed_ms: self.elapsed_ms,
            trap: None,
            turnstile: None,
        }
    }
}

/// One field's raw answer: text, or a list for multiple choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// A single value.
    One(String),
    /// Several values (multiple choice).
    Many(Vec<String>),
}

/// A checked field value, in normal form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A whole number (`number` fields).
    Number(i64),
    /// Text: trimmed, NFC, normal form for its kind.
    Text(String),
    /// The chosen options of a multiple-choice field, in the spec's order.
    List(Vec<String>),
}

/// A consent given with a submission: what, for which purpose, and the
/// exact text version the visitor read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentChoice {
    /// The consent item's id.
    pub id: String,
    /// Its purpose (the one the item had when its text was this version).
    pub purpose: Purpose,
    /// The version (hash) of the text shown: the current text in the
    /// visitor's locale, or the one the widget says it showed
    /// ([`ValidSubmission::as_shown`]).
    pub version: String,
    /// `true` when given; `false` records a withdrawal.
    pub granted: bool,
}

/// A submission that passed [`Submission::validate`]: what the edge stores
/// and qualification reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidSubmission {
    /// The form it was sent through.
    pub form: String,
    /// The offer it asked for.
    pub offer: String,
    /// The checked address in normal form.
    pub email: EmailAddress,
    /// Every other answered field, in normal form.
    pub fields: BTreeMap<String, Value>,
    /// The text as typed, for fields whose normal form reads differently
    /// (a phone without its spaces, a website with `https://` added).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub originals: BTreeMap<String, String>,
    /// The consents given.
    pub consents: Vec<ConsentChoice>,
    /// The visitor's language.
    pub locale: Locale,
    /// Where and how it was sent.
    #[serde(default)]
    pub context: Context,
}

impl ValidSubmission {
    /// The required fields of `spec` this submission leaves out (besides the
    /// e-mail, which it always has): each must be known from the person's
    /// earlier submissions, or the submission is incomplete.
    pub fn left_out(&self, spec: &FormSpec) -> Vec<String> {
        spec.required_once()
            .into_iter()
            .filter(|id| !self.fields.contains_key(id))
            .collect()
    }
}

impl Submission {
    /// Checks every field and consent against `spec` and returns either the
    /// clean submission or every problem at once, each with the field id, a
    /// stable code and a message in the visitor's locale.
    pub fn validate(&self, spec: &FormSpec, unicode: &dyn Unicode) -> Result<ValidSubmission> {
        self.validate_knowing(spec, unicode, &[])
    }

    /// Validates like [`Submission::validate`], except that a required field
    /// in `known` may be left out: the person gave it in an earlier
    /// submission, and progressive profiling does not ask it again. The
    /// e-mail is always required: it says who the person is.
    pub fn validate_knowing(
        &self,
        spec: &FormSpec,
        unicode: &dyn Unicode,
        known: &[String],
    ) -> Result<ValidSubmission> {
        let locale = self.locale;
        let mut email = None;
        let mut fields = BTreeMap::new();
        let mut originals = BTreeMap::new();
        let mut consents = Vec::new();
        let errors = self.walk(spec, unicode, known, |passed| match passed {
            Passed::Field(_, Checked::Email(address)) => email = Some(address),
            Passed::Field(field, Checked::Value { value, original }) => {
                if let Some(original) = original {
                    originals.insert(field.id.clone(), original);
                }
                fields.insert(field.id.clone(), value);
            }
            Passed::Consent(item) => consents.push(ConsentChoice {
                id: item.id.clone(),
                purpose: item.purpose,
                version: item.version(locale),
                granted: true,
            }),
        });
        match email {
            Some(email) if errors.is_empty() => Ok(ValidSubmission {
                form: spec.id.clone(),
                offer: spec.offer.id.clone(),
                email,
                fields,
                originals,
                consents,
                locale,
                context: self.context.cleaned(),
            }),
            _ => Err(Error::Invalid { fields: errors }),
        }
    }

    /// The problems [`Submission::validate_knowing`] finds, without the
    /// clean submission: what the widget shows before sending. The same
    /// checks run, so the verdict is the edge's; the widget just carries no
    /// code to build what only the edge stores (consent text versions
    /// among it).
    pub fn problems(
        &self,
        spec: &FormSpec,
        unicode: &dyn Unicode,
        known: &[String],
    ) -> Vec<FieldError> {
        self.walk(spec, unicode, known, |_| {})
    }

    /// Runs every check once: each field that passes and each consent given
    /// goes to `passed`, and every problem is returned, in the visitor's
    /// locale.
    fn walk<'s>(
        &self,
        spec: &'s FormSpec,
        unicode: &dyn Unicode,
        known: &[String],
        mut passed: impl FnMut(Passed<'s>),
    ) -> Vec<FieldError> {
        let locale = self.locale;
        let mut errors = Vec::new();
        let mut fail = |field: &str, code| errors.push(FieldError::new(field, code, locale));

        for id in self.fields.keys() {
            if spec.field(id).is_none() {
                fail(id, FieldErrorCode::UnknownField);
            }
        }
        for id in self.consents.keys() {
            if spec.consent(id).is_none() {
                fail(id, FieldErrorCode::UnknownField);
            }
        }
        for field in &spec.fields {
            let answer = self.fields.get(&field.id).filter(|a| !is_blank(a));
            let Some(answer) = answer else {
                if (field.required && !known.contains(&field.id)) || field.kind == FieldKind::Email
                {
                    fail(&field.id, FieldErrorCode::Required);
                }
                continue;
            };
            match check(field, answer, unicode) {
                Ok(checked) => passed(Passed::Field(field, checked)),
                Err(code) => fail(&field.id, code),
            }
        }
        for item in &spec.consents {
            if self.consents.get(&item.id).copied().unwrap_or(false) {
                passed(Passed::Consent(item));
            } else if item.required {
                fail(&item.id, FieldErrorCode::ConsentRequired);
            }
        }
        errors
    }
}

/// What passed one of [`Submission::walk`]'s checks.
enum Passed<'s> {
    /// A field, and its answer once checked.
    Field(&'s Field, Checked),
    /// A consent item the visitor gave.
    Consent(&'s Consent),
}

fn is_blank(answer: &Answer) -> bool {
    match answer {
        Answer::One(text) => text.trim().is_empty(),
        Answer::Many(items) => items.iter().all(|i| i.trim().is_empty()),
    }
}

/// A field's answer once checked.
enum Checked {
    Email(EmailAddress),
    Value {
        value: Value,
        original: Option<String>,
    },
}

fn check(field: &Field, answer: &Answer, unicode: &dyn Unicode) -> Result<Checked, FieldErrorCode> {
    if field.kind.is_multiple() {
        let items = match answer {
            Answer::Many(items) => items.as_slice(),
            Answer::One(item) => std::slice::from_ref(item),
        };
        let items = items
            .iter()
            .map(|item| choice(item, field, unicode))
            .collect::<Result<Vec<_>, _>>()?;
        return choices(field, &items).map(|list| Checked::Value {
            value: Value::List(list),
            original: None,
        });
    }
    let Answer::One(raw) = answer else {
        return Err(FieldErrorCode::TooManyChoices);
    };
    let text = clean(raw, field, unicode)?;
    let reformatted = |normal: String| Checked::Value {
        original: (normal != text).then(|| text.clone()),
        value: Value::Text(normal),
    };
    Ok(match field.kind {
        FieldKind::Email => Checked::Email(EmailAddress::parse(&text, unicode).map_err(
            |problem| match problem {
                EmailProblem::Empty => FieldErrorCode::Required,
                EmailProblem::Malformed => FieldErrorCode::InvalidEmail,
            },
        )?),
        FieldKind::Phone => {
            reformatted(phone::normalize(&text).ok_or(FieldErrorCode::InvalidPhone)?)
        }
        FieldKind::Website => {
            reformatted(website::normalize(&text, unicode).ok_or(FieldErrorCode::InvalidUrl)?)
        }
        FieldKind::Number => {
            let number: i64 = text.parse().map_err(|_| FieldErrorCode::NotANumber)?;
            let low = field.min.is_none_or(|min| number >= min);
            let high = field.max.is_none_or(|max| number <= max);
            if !(low && high) {
                return Err(FieldErrorCode::OutOfRange);
            }
            Checked::Value {
                value: Value::Number(number),
                original: None,
            }
        }
        FieldKind::Country => {
            let code = country_code(&text)?;
            if !(field.options.is_empty() || field.options.iter().any(|o| o.value == code)) {
                return Err(FieldErrorCode::UnknownChoice);
            }
            reformatted(code)
        }
        kind if kind.has_options() => Checked::Value {
            value: Value::Text(choices(field, std::slice::from_ref(&text))?.remove(0)),
            original: None,
        },
        _ => Checked::Value {
            value: Value::Text(text),
            original: None,
        },
    })
}

/// Trims, NFC-normalises and checks characters and length of a text answer.
fn clean(raw: &str, field: &Field, unicode: &dyn Unicode) -> Result<String, FieldErrorCode> {
    let multiline = field.kind == FieldKind::LongText;
    let text = unicode.nfc(raw.trim());
    let text = if multiline {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    let allowed = |c: char| multiline && (c == '\n' || c == '\t');
    if text
        .chars()
        .any(|c| (c.is_control() && !allowed(c)) || is_hidden(c))
    {
        return Err(FieldErrorCode::ControlCharacters);
    }
    let length = text.chars().count();
    if field.kind.is_text() && field.min_length.is_some_and(|min| length < min) {
        return Err(FieldErrorCode::TooShort);
    }
    let max = field
        .max_length
        .unwrap_or_else(|| field.kind.default_max_length());
    if length > max {
        return Err(FieldErrorCode::TooLong);
    }
    Ok(text)
}

/// One choice answer (of a single-choice, multiple-choice or country
/// field) as validation compares it with the field's options: cleaned like
/// any text answer, and a country upper-cased and held to two letters. The
/// spec check runs each option through it too: an option it would change
/// or refuse is one no answer could match.
pub fn choice(raw: &str, field: &Field, unicode: &dyn Unicode) -> Result<String, FieldErrorCode> {
    let text = clean(raw, field, unicode)?;
    if field.kind == FieldKind::Country {
        country_code(&text)
    } else {
        Ok(text)
    }
}

/// A cleaned country answer as an ISO 3166-1 alpha-2 code (`es` is `ES`).
fn country_code(text: &str) -> Result<String, FieldErrorCode> {
    let code = text.to_ascii_uppercase();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(FieldErrorCode::UnknownChoice)
    }
}

/// The chosen options, each offered by the field, without repeats, in the
/// spec's order. `items` are already cleaned ([`choice`]).
fn choices(field: &Field, items: &[String]) -> Result<Vec<String>, FieldErrorCode> {
    let wanted: Vec<&str> = items
        .iter()
        .map(String::as_str)
        .filter(|i| !i.is_empty())
        .collect();
    if wanted
        .iter()
        .any(|w| !field.options.iter().any(|o| o.value == *w))
    {
        return Err(FieldErrorCode::UnknownChoice);
    }
    if !field.kind.is_multiple() && wanted.len() > 1 {
        return Err(FieldErrorCode::TooManyChoices);
    }
    Ok(field
        .options
        .iter()
        .filter(|o| wanted.contains(&o.value.as_str()))
        .map(|o| o.value.clone())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_id_are_a_json_object_as_a_b_tree_map_was() {
        let read: Submission = serde_json::from_str(
            r#"{"fields":{"b":"2","a":["x","y"],"b":"last"},"consents":{"news":true}}"#,
        )
        .expect("reads");
        assert_eq!(
            read.fields.iter().collect::<Vec<_>>(),
            [
                (&"a".to_owned(), &Answer::Many(vec!["x".into(), "y".into()])),
                (&"b".to_owned(), &Answer::One("last".into())),
            ],
            "in id order, a repeated id's last value kept"
        );
        assert_eq!(
            serde_json::to_string(&read).expect("writes"),
            r#"{"fields":{"a":["x","y"],"b":"last"},"consents":{"news":true},"locale":"es","context":{}}"#
        );
        assert_eq!(
            serde_json::to_string(&Submission::default()).expect("writes"),
            r#"{"fields":{},"consents":{},"locale":"es","context":{}}"#,
            "empty maps are still objects"
        );
        assert!(
            serde_json::from_str::<Submission>(r#"{"fields":[["a","x"]]}"#).is_err(),
            "a list of pairs is not an object"
        );
    }
}
