//! The e-mail check both sides run.
//!
//! Accepts what the WHATWG HTML standard calls a "valid e-mail address" (what
//! `<input type=email>` accepts), with internationalised domains converted to
//! their ASCII (punycode) form first, and additionally asks for a dotted
//! domain and the SMTP length limits, because a lead whose address cannot
//! receive mail is no lead.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{ascii_domain, is_dotted_domain};
use crate::unicode::Unicode;

/// The longest address SMTP can carry (RFC 5321 path limit less the brackets).
pub const MAX_LEN: usize = 254;
/// The longest local part (before `@`) SMTP allows.
pub const MAX_LOCAL_LEN: usize = 64;

/// A checked e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Checks `raw` and returns the address in its normal form: trimmed, the
    /// domain in lower-case ASCII (punycode for international domains).
    pub fn parse(raw: &str, unicode: &dyn Unicode) -> Result<Self, EmailProblem> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(EmailProblem::Empty);
        }
        let (local, domain) = normal_parts(text, unicode).ok_or(EmailProblem::Malformed)?;
        if !is_local_part(local) || !is_dotted_domain(&domain) {
            return Err(EmailProblem::Malformed);
        }
        let address = format!("{local}@{domain}");
        if address.len() > MAX_LEN {
            return Err(EmailProblem::Malformed);
        }
        Ok(Self(address))
    }

    /// `raw` in the normal form [`parse`](Self::parse) gives, without its
    /// checks: how a lead stored under an address that a later, stricter
    /// check refuses (an IP address for a domain) is still found, so its
    /// person can get or erase their data. `None` without an `@`.
    pub fn as_stored(raw: &str, unicode: &dyn Unicode) -> Option<Self> {
        let (local, domain) = normal_parts(raw.trim(), unicode)?;
        Some(Self(format!("{local}@{domain}")))
    }

    /// The address in normal form, for sending mail.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain, in lower-case ASCII.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }

    /// The key that makes two addresses the same person: the normal form in
    /// lower case (mail providers treat local parts case-insensitively).
    pub fn dedupe_key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The local part and the domain in lower-case ASCII, of a trimmed text.
fn normal_parts<'a>(text: &'a str, unicode: &dyn Unicode) -> Option<(&'a str, String)> {
    let (local, domain) = text.rsplit_once('@')?;
    Some((local, ascii_domain(domain, unicode)?))
}

fn is_local_part(local: &str) -> bool {
    const SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LEN
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

#[cfg(all(test, feature = "unicode"))]
mod tests {
    use super::*;
    use crate::unicode::Tables;

    fn parse(raw: &str) -> Result<EmailAddress, EmailProblem> {
        EmailAddress::parse(raw, &Tables)
    }

    #[test]
    fn accepts_ordinary_and_unusual_but_valid_addresses() {
        for ok in [
            "ana@example.com",
            "ana.garcia+ebook@mail.example.co.uk",
            "o'brien@example.ie",
            "x@a-b.example",
            "user!#$%&'*+/=?^_`{|}~-@example.com",
            "a@0.example",
            ".ana@example.com",
            "ana..garcia@example.com",
        ] {
            assert!(parse(ok).is_ok(), "{ok} should be accepted");
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
            "ana@[192.0.2.1]",
            "añа@example.com",
        ] {
            assert_eq!(
                parse(bad),
                Err(EmailProblem::Malformed),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn empty_is_told_apart_from_malformed() {
        assert_eq!(parse("   "), Err(EmailProblem::Empty));
    }

    #[test]
    fn enforces_smtp_length_limits() {
        let local = "a".repeat(MAX_LOCAL_LEN);
        assert!(parse(&format!("{local}@example.com")).is_ok());
        assert!(parse(&format!("a{local}@example.com")).is_err());

        let label = "b".repeat(63);
        assert!(parse(&format!("a@{label}.com")).is_ok());
        assert!(parse(&format!("a@b{label}.com")).is_err());

        // A domain of 247 characters fits in 254 with a local part of 6, not 7.
        let domain = vec!["c".repeat(60); 4].join(".") + ".com";
        assert!(parse(&format!("{}@{domain}", "d".repeat(6))).is_ok());
        assert!(parse(&format!("{}@{domain}", "d".repeat(7))).is_err());
    }

    #[test]
    fn international_domains_are_kept_in_punycode() {
        let email = parse("Ana@Bücher.Example").expect("valid IDN address");
        assert_eq!(email.as_str(), "Ana@xn--bcher-kva.example");
        assert_eq!(email.domain(), "xn--bcher-kva.example");
        assert_eq!(
            email.dedupe_key(),
            parse("ana@xn--BCHER-kva.example")
                .expect("valid")
                .dedupe_key(),
            "the Unicode and punycode spellings are one person"
        );
    }

    #[test]
    fn normal_form_is_trimmed_with_a_lower_case_domain() {
        let email = parse("  Ana.Garcia@Example.COM \n").expect("valid");
        assert_eq!(email.as_str(), "Ana.Garcia@example.com");
        assert_eq!(email.dedupe_key(), "ana.garcia@example.com");
    }
}
