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
/// inner hyphens, each at most 63 long: a name mail and browsers can reach.
pub fn is_dotted_domain(domain: &str) -> bool {
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
