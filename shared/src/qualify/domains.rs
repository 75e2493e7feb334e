//! What kind of e-mail domain a lead wrote from: a free-mail provider, a
//! disposable one, or (otherwise) a company's own.

use serde::{Deserialize, Serialize};

/// The classes of e-mail domain rules can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DomainClass {
    /// A consumer mailbox provider (gmail.com, hotmail.es…).
    FreeMail,
    /// A throwaway-address service.
    Disposable,
    /// Neither: most likely the person's employer.
    Company,
}

/// Consumer mailbox providers common with Spanish- and English-speaking
/// visitors. Small enough to ship everywhere.
const FREE_MAIL: &[&str] = &[
    "aol.com",
    "gmail.com",
    "googlemail.com",
    "gmx.com",
    "gmx.es",
    "gmx.net",
    "hotmail.com",
    "hotmail.co.uk",
    "hotmail.es",
    "icloud.com",
    "live.com",
    "live.com.mx",
    "mail.com",
    "me.com",
    "msn.com",
    "outlook.com",
    "outlook.es",
    "proton.me",
    "protonmail.com",
    "terra.com.br",
    "uol.com.br",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.com.ar",
    "yahoo.com.mx",
    "yahoo.es",
    "yandex.com",
    "zoho.com",
];

/// Classifies `domain` (lower-case ASCII, as [`crate::email::EmailAddress`]
/// keeps it).
pub fn classify(domain: &str) -> DomainClass {
    if FREE_MAIL.contains(&domain) {
        DomainClass::FreeMail
    } else if is_disposable(domain) {
        DomainClass::Disposable
    } else {
        DomainClass::Company
    }
}

/// Whether `domain`, or a domain it belongs to, is a known disposable-mail
/// service. With the `domain-lists` feature this is the mailchecker list of
/// thousands of providers; without it (the widget) nothing is disposable.
#[cfg(feature = "domain-lists")]
pub fn is_disposable(domain: &str) -> bool {
    use std::collections::HashSet;
    use std::sync::OnceLock;
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| mailchecker::blacklist().into_iter().collect());
    let mut rest = domain;
    loop {
        if list.contains(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if parent.contains('.') => rest = parent,
            _ => return false,
        }
    }
}

/// Without the `domain-lists` feature no list is compiled in.
#[cfg(not(feature = "domain-lists"))]
pub fn is_disposable(_domain: &str) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_free_mail_from_company_domains() {
        assert_eq!(classify("gmail.com"), DomainClass::FreeMail);
        assert_eq!(classify("hotmail.es"), DomainClass::FreeMail);
        assert_eq!(classify("acme.example"), DomainClass::Company);
    }

    #[cfg(feature = "domain-lists")]
    #[test]
    fn knows_disposable_services_and_their_subdomains() {
        assert_eq!(classify("mailinator.com"), DomainClass::Disposable);
        assert_eq!(classify("eu.mailinator.com"), DomainClass::Disposable);
        assert_eq!(classify("yopmail.com"), DomainClass::Disposable);
        assert_eq!(classify("example.com"), DomainClass::Company);
    }
}
