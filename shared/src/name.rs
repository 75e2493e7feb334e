//! The stable names of the enums specs, answers and the consent ledger
//! write (`first_name`, `marketing_emails`, `invalid_email`), as a table
//! per enum: for readers that are not serde, such as the widget's, which
//! reads the browser's JSON key by key. The tests below hold every table
//! equal to the serde derive of its enum.

use crate::error::FieldErrorCode;
use crate::spec::consent::Purpose;
use crate::spec::field::FieldKind;

/// An enum written by a fixed name.
pub trait Named: Copy + 'static {
    /// Every variant.
    const ALL: &'static [Self];

    /// The variant's name, as serde writes it.
    fn name(self) -> &'static str;

    /// The variant `name` names, if any.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|variant| variant.name() == name)
    }
}

impl Named for FieldKind {
    const ALL: &'static [Self] = &[
        Self::Email,
        Self::FirstName,
        Self::LastName,
        Self::Company,
        Self::JobRole,
        Self::CompanySize,
        Self::Industry,
        Self::Country,
        Self::Phone,
        Self::Website,
        Self::Text,
        Self::LongText,
        Self::Number,
        Self::SingleChoice,
        Self::MultipleChoice,
        Self::Hidden,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Company => "company",
            Self::JobRole => "job_role",
            Self::CompanySize => "company_size",
            Self::Industry => "industry",
            Self::Country => "country",
            Self::Phone => "phone",
            Self::Website => "website",
            Self::Text => "text",
            Self::LongText => "long_text",
            Self::Number => "number",
            Self::SingleChoice => "single_choice",
            Self::MultipleChoice => "multiple_choice",
            Self::Hidden => "hidden",
        }
    }
}

impl Named for Purpose {
    const ALL: &'static [Self] = &[
        Self::ContentDelivery,
        Self::MarketingEmails,
        Self::SalesContact,
    ];

    fn name(self) -> &'static str {
        Purpose::name(self)
    }
}

impl Named for FieldErrorCode {
    const ALL: &'static [Self] = &FieldErrorCode::ALL;

    fn name(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::InvalidEmail => "invalid_email",
            Self::InvalidPhone => "invalid_phone",
            Self::InvalidUrl => "invalid_url",
            Self::NotANumber => "not_a_number",
            Self::OutOfRange => "out_of_range",
            Self::UnknownChoice => "unknown_choice",
            Self::TooManyChoices => "too_many_choices",
            Self::TooShort => "too_short",
            Self::TooLong => "too_long",
            Self::ControlCharacters => "control_characters",
            Self::ConsentRequired => "consent_required",
            Self::ConsentChanged => "consent_changed",
            Self::UnknownField => "unknown_field",
            Self::WrongType => "wrong_type",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    /// Every variant's name is the one serde writes and reads, and the
    /// table has every variant serde knows: serde's own refusal of an
    /// unknown name lists them all.
    fn agrees_with_serde<T: Named + Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>() {
        for variant in T::ALL {
            let written = serde_json::to_string(variant).expect("writes");
            assert_eq!(written, format!("\"{}\"", variant.name()));
            let read: T = serde_json::from_str(&written).expect("reads");
            assert_eq!(read, *variant);
            assert_eq!(T::from_name(variant.name()), Some(*variant));
        }
        let refusal = serde_json::from_str::<T>("\"no such name\"")
            .expect_err("refused")
            .to_string();
        let known: Vec<&str> = refusal.split('`').skip(3).step_by(2).collect();
        let names: Vec<&str> = T::ALL.iter().map(|variant| variant.name()).collect();
        assert_eq!(known, names, "{refusal}");
        assert_eq!(T::from_name("no such name"), None);
    }

    #[test]
    fn field_kinds_are_named_as_serde_names_them() {
        agrees_with_serde::<FieldKind>();
    }

    #[test]
    fn purposes_are_named_as_serde_names_them() {
        agrees_with_serde::<Purpose>();
    }

    #[test]
    fn field_error_codes_are_named_as_serde_names_them() {
        agrees_with_serde::<FieldErrorCode>();
    }
}
