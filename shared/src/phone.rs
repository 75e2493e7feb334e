//! Phone numbers: what people type, with spaces, dashes, dots and brackets,
//! checked against the E.164 length (at most 15 digits).

/// The fewest digits a reachable number has (short local numbers excluded).
pub const MIN_DIGITS: usize = 7;
/// E.164's most digits, country code included.
pub const MAX_DIGITS: usize = 15;

/// The number in normal form (`+34600111222`, `600111222`), or `None` when it
/// holds letters or too few or too many digits.
pub fn normalize(raw: &str) -> Option<String> {
    let text = raw.trim();
    let (plus, rest) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut digits = String::with_capacity(rest.len() + 1);
    if plus {
        digits.push('+');
    }
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            _ => return None,
        }
    }
    let count = digits.len() - usize::from(plus);
    (MIN_DIGITS..=MAX_DIGITS).contains(&count).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn accepts_numbers_as_people_write_them() {
        assert_eq!(
            normalize("+34 600 11 12 22").as_deref(),
            Some("+34600111222")
        );
        assert_eq!(normalize("(555) 123-4567").as_deref(), Some("5551234567"));
        assert_eq!(normalize("91.123.45.67").as_deref(), Some("911234567"));
    }

    #[test]
    fn refuses_letters_and_impossible_lengths() {
        assert_eq!(normalize("call me"), None);
        assert_eq!(normalize("12345"), None);
        assert_eq!(normalize("+1234567890123456"), None);
        assert_eq!(normalize("600 11 12 22 ext 3"), None);
        assert_eq!(normalize("++34600111222"), None);
    }
}
