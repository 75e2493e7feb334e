//! Domain names, as e-mail addresses and web addresses use them.

use crate::unicode::Unicode;

/// The longest domain label DNS allows.
const MAX_LABEL_LEN: usize = 63;

/// `domain` in lower-case ASCII: international names in punycode (after
/// NFC), or `None` when it is no valid name.
pub fn ascii_domain(domain: &str, unicode: &dyn Unicode) -> Option<String> {
    if domain.is_ascii() {
        Some(domain.to_ascii_lowercase())
    } else {
        unicode.domain_to_ascii(&unicode.nfc(domain))
    }
}

/// Whether `domain` (ASCII) is at least two labels of letters, digits and
/// inner hyphens, each at most 63 long, the last starting with a letter: a
/// name mail and browsers can reach. No top-level domain starts with a
/// digit; a name ending in a number is an IP address, or is read as one by
/// the browser's URL parser, which the widget checks international names
/// with, so the widget and the edge would disagree on it.
pub fn is_dotted_domain(domain: &str) -> bool {
    let mut labels = 0;
    let mut last = "";
    for label in domain.split('.') {
        if !is_label(label) {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.starts_with(|c: char| c.is_ascii_alphabetic())
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
