//! The two Unicode operations validation needs: NFC normalisation and the
//! ASCII (punycode) form of an internationalised domain name.
//!
//! Both need large Unicode tables. The edge uses [`Tables`] (the
//! `unicode-normalization` and `idna` crates, feature `unicode`); the widget
//! passes its browser's own implementation (`String.prototype.normalize` and
//! the WHATWG URL parser), so the tables never ship in its wasm and the
//! verdict is still the same.

/// Unicode operations supplied by whoever runs the validation.
pub trait Unicode {
    /// `text` in Normalization Form C.
    fn nfc(&self, text: &str) -> String;

    /// The ASCII form of `domain` (UTS 46 processing, as browsers do), or
    /// `None` when it is not a valid internationalised domain name.
    fn domain_to_ascii(&self, domain: &str) -> Option<String>;
}

/// Whether `c` is a character that changes how the text around it looks
/// while showing nothing itself: the bidirectional marks, embeddings,
/// overrides and isolates (which can make `gnp.exe` read as `exe.png`, or
/// hide text from a reviewer), and the zero-width spaces and invisible
/// operators that make two different names look the same; and the blank
/// fillers (Hangul fillers, the braille blank, the Khmer inherent vowels),
/// which are neither whitespace nor control characters, so that a name of
/// them alone would pass as filled in. No visible field holds one. The
/// zero-width joiner and non-joiner are not among them: Persian and Indic
/// names and emoji sequences need them; nor are the soft hyphen and the
/// combining grapheme joiner, which text pasted from a page or a word
/// processor carries unseen (and Hebrew uses).
pub fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// [`Unicode`] from the Rust crates' own tables (for native and the edge).
#[cfg(feature = "unicode")]
#[derive(Debug, Clone, Copy, Default)]
pub struct Tables;

#[cfg(feature = "unicode")]
impl Unicode for Tables {
    fn nfc(&self, text: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        if unicode_normalization::is_nfc(text) {
            text.to_owned()
        } else {
            text.nfc().collect()
        }
    }

    fn domain_to_ascii(&self, domain: &str) -> Option<String> {
        idna::domain_to_ascii(domain).ok()
    }
}

#[cfg(test)]
mod hidden_tests {
    use super::is_hidden;

    #[test]
    fn bidi_controls_zero_width_spaces_and_fillers_are_hidden_and_letters_are_not() {
        for c in [
            '\u{202E}', '\u{2066}', '\u{200B}', '\u{200F}', '\u{FEFF}', '\u{2060}', '\u{3164}',
            '\u{2800}',
        ] {
            assert!(is_hidden(c), "{:04X}", c as u32);
        }
        for c in [
            'a', 'é', 'а', '\u{200C}', '\u{200D}', ' ', 'ß', '中', '한', 'ក', '-', '\u{00AD}',
            '\u{034F}',
        ] {
            assert!(!is_hidden(c), "{:04X}", c as u32);
        }
    }
}

#[cfg(all(test, feature = "unicode"))]
mod tests {
    use super::*;

    #[test]
    fn composes_decomposed_accents() {
        assert_eq!(Tables.nfc("Jose\u{301}"), "José");
        assert_eq!(Tables.nfc("José"), "José");
    }

    #[test]
    fn converts_international_domains_to_punycode() {
        assert_eq!(
            Tables.domain_to_ascii("bücher.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(
            Tables.domain_to_ascii("EXAMPLE.com").as_deref(),
            Some("example.com")
        );
    }
}
