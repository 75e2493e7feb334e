//! The fields a form can ask for.

use serde::{Deserialize, Serialize};

use crate::locale::Text;

/// One question on a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The field's id: the key in submissions and in rules (`company_size`).
    pub id: String,
    /// What kind of answer it takes, which decides its check and its input.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// The label the visitor reads, per locale (not needed for hidden fields).
    #[serde(default)]
    pub label: Text,
    /// An optional hint under the label, per locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Whether the form cannot be sent without it.
    #[serde(default)]
    pub required: bool,
    /// The fewest characters accepted (text kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// The most characters accepted (text kinds); each kind has a default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// The smallest number accepted (`number` fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// The largest number accepted (`number` fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// The options of choice fields (and optionally of `country`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// Progressive profiling: lower numbers are asked first; a returning
    /// visitor is asked the lowest-priority fields not yet known.
    #[serde(default)]
    pub priority: u32,
}

/// One option of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The stored value (stable, used in rules).
    pub value: String,
    /// What the visitor reads, per locale.
    pub label: Text,
}

/// The kinds of answer a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// The e-mail address; every form has exactly one, always required.
    Email,
    /// Given name.
    FirstName,
    /// Family name.
    LastName,
    /// Company or organisation name.
    Company,
    /// Job title or role.
    JobRole,
    /// Company size bands, as options.
    CompanySize,
    /// Industry, as options.
    Industry,
    /// ISO 3166-1 alpha-2 country code, optionally limited to options.
    Country,
    /// Phone number.
    Phone,
    /// Web address of the company.
    Website,
    /// One line of free text.
    Text,
    /// Several lines of free text.
    LongText,
    /// A whole number within `min`..=`max`.
    Number,
    /// Exactly one of the options.
    SingleChoice,
    /// Any number of the options.
    MultipleChoice,
    /// Not shown; filled by the page (UTM parameters, campaign ids).
    Hidden,
}

impl FieldKind {
    /// Whether the answer must be one (or several) of `options`.
    pub fn has_options(self) -> bool {
        matches!(
            self,
            Self::CompanySize | Self::Industry | Self::SingleChoice | Self::MultipleChoice
        )
    }

    /// Whether the field takes a list of values rather than one.
    pub fn is_multiple(self) -> bool {
        self == Self::MultipleChoice
    }

    /// Whether the field is free text whose length limits apply.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Self::FirstName
                | Self::LastName
                | Self::Company
                | Self::JobRole
                | Self::Text
                | Self::LongText
                | Self::Hidden
        )
    }

    /// The longest answer accepted when the spec sets no `max_length`.
    pub fn default_max_length(self) -> usize {
        match self {
            Self::Email => crate::email::MAX_LEN,
            Self::LongText => 2000,
            Self::Website | Self::Hidden => 500,
            Self::Text | Self::Company | Self::JobRole => 200,
            _ => 100,
        }
    }

    /// The HTML `autocomplete` token that lets browsers fill the field.
    pub fn autocomplete(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::FirstName => "given-name",
            Self::LastName => "family-name",
            Self::Company => "organization",
            Self::JobRole => "organization-title",
            Self::Country => "country",
            Self::Phone => "tel",
            Self::Website => "url",
            _ => "off",
        }
    }
}
