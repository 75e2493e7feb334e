//! How a leads export writes its CSV: one cell, one record.
//!
//! The edge streams exports page by page; the writing of each cell lives
//! here, pure, so it is tested and fuzzed natively (`shared/fuzz`, target
//! `csv`) rather than only inside the Worker.
//!
//! CSV follows RFC 4180 (CRLF, fields with a comma, quote or line break
//! quoted, quotes doubled). A cell that a spreadsheet would read as a
//! formula (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return)
//! is prefixed with `'`, so an exported lead can never run anything in the
//! marketer's spreadsheet (OWASP's CSV injection advice).

/// The characters that make a spreadsheet read a cell as a formula when it
/// begins with one; such a cell gets [`NEUTRALISER`] before it.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// What goes before a cell that would begin with a formula character: a
/// spreadsheet shows the rest as text and runs nothing.
pub const NEUTRALISER: char = '\'';

/// The text a cell holds once neutralised, before any quoting: `value`
/// itself, or `'` and `value` when it begins with a formula character. What
/// a CSV reader gets back from [`cell`].
pub fn neutralised(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("{NEUTRALISER}{value}")
    } else {
        value.to_owned()
    }
}

/// One cell, neutralised against formulas and quoted as RFC 4180 wants.
pub fn cell(value: &str) -> String {
    let neutral = neutralised(value);
    if neutral.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One CSV record: its cells joined with `,`, ending in CRLF.
///
/// A record of no cells comes out as an empty line, which reads back as one
/// empty cell: RFC 4180 cannot tell the two apart, so give at least one.
pub fn record<I: IntoIterator<Item = S>, S: AsRef<str>>(cells: I) -> String {
    let mut line = cells
        .into_iter()
        .map(|value| cell(value.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for dangerous in ["=1+1", "+34 600", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                cell(dangerous).trim_start_matches('"').starts_with('\''),
                "{dangerous:?}"
            );
        }
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("Ana"), "Ana");
        assert_eq!(cell("a=b"), "a=b", "only the first character matters");
    }

    #[test]
    fn records_are_rfc_4180() {
        assert_eq!(
            record(["a", "b,c", "say \"hi\"", "two\nlines", ""]),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }

    #[test]
    fn neutralising_only_prefixes() {
        assert_eq!(neutralised("=1"), "'=1");
        assert_eq!(neutralised("'=1"), "'=1", "already text: left alone");
        assert_eq!(neutralised(""), "");
        assert_eq!(neutralised("Ana"), "Ana");
    }
}
