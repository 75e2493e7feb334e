//! The e-mail check both sides run.
//!
//! Accepts what the WHATWG HTML standard calls a "valid e-mail address" (what
//! `<input type=email>` accepts), and additionally asks for a dotted domain and
//! the SMTP length limits, because a lead whose address cannot receive mail is
//! no lead.

use std::fmt;

use serde::Serialize;

/// The longest address SMTP can carry (RFC 5321 path limit less the brackets).
pub const MAX_LEN: usize = 254;
/// The longest local part (before `@`) SMTP allows.
pub const MAX_LOCAL_LEN: usize = 64;
/// The longest domain label DNS allows.
const MAX_LABEL_LEN: usize = 63;

/// A checked e-mail address: trimmed, with its domain in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

/// Why a text is not an acceptable e-mail address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailProblem {
    /// Nothing but white space was given.
    Empty,
    /// The text is not of the form `local@domain.tld` or breaks a length limit.
    Malformed,
}

impl EmailAddress {
    /// Checks `raw` and returns the address in its normal form.
    pub fn parse(raw: &str) -> Result<Self, EmailProblem> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(EmailProblem::Empty);
        }
        if text.len() > MAX_LEN {
            return Err(EmailProblem::Malformed);
        }
        let (local, domain) = text.split_once('@').ok_or(EmailProblem::Malformed)?;
        if !is_local_part(local) || !is_dotted_domain(domain) {
            return Err(EmailProblem::Malformed);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_local_part(local: &str) -> bool {
    const SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn is_dotted_domain(domain: &str) -> bool {
    let mut labels = 0;
    for label in domain.split('.') {
        if !is_label(label) {
            return false;
        }
        labels += 1;
    }
    labels >= 2
}

fn is_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            bytes.len() <= MAX_LABEL_LEN
                && first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_unusual_but_valid_addresses() {
        for ok in [
            "ana@example.com",
            "ana.garcia+ebook@mail.example.co.uk",
            "o'brien@example.ie",
            "x@a-b.example",
            "user!#$%&'*+/=?^_`{|}~-@example.com",
            "a@0.example",
        ] {
            assert!(EmailAddress::parse(ok).is_ok(), "{ok} should be accepted");
        }
    }

    #[test]
    fn refuses_what_cannot_receive_mail() {
        for bad in [
            "ana",
            "ana@",
            "@example.com",
            "ana@localhost",
            "ana@@example.com",
            "ana@example..com",
            "ana@-example.com",
            "ana@example-.com",
            "ana@exam_ple.com",
            "ana garcia@example.com",
            "ana@example.com.",
            "\"ana\"@example.com",
            "ana@ex ample.com",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(EmailProblem::Malformed),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn empty_is_told_apart_from_malformed() {
        assert_eq!(EmailAddress::parse("   "), Err(EmailProblem::Empty));
    }

    #[test]
    fn enforces_smtp_length_limits() {
        let local = "a".repeat(MAX_LOCAL_LEN);
        assert!(EmailAddress::parse(&format!("{local}@example.com")).is_ok());
        assert!(EmailAddress::parse(&format!("a{local}@example.com")).is_err());

        let label = "b".repeat(MAX_LABEL_LEN);
        assert!(EmailAddress::parse(&format!("a@{label}.com")).is_ok());
        assert!(EmailAddress::parse(&format!("a@b{label}.com")).is_err());

        let long_domain = vec!["c".repeat(60); 5].join(".");
        assert!(EmailAddress::parse(&format!("a@{long_domain}")).is_err());
    }

    #[test]
    fn normal_form_is_trimmed_with_a_lower_case_domain() {
        let email = EmailAddress::parse("  Ana.Garcia@Example.COM \n").expect("valid");
        assert_eq!(email.as_str(), "Ana.Garcia@example.com");
    }
}
