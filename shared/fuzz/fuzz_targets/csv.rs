//! Any rows of any strings through the leads export's CSV writer
//! (`embudo_shared::export`): what a spreadsheet reads back must be the
//! rows themselves, each cell changed only by the documented formula
//! neutralisation, and no cell may begin with a formula character.
//!
//! The input is framed so that every string is reachable and a seed can be
//! written by hand: byte 0xFE ends a row and byte 0xFF ends a cell (neither
//! ever occurs in UTF-8); each cell's bytes are read as UTF-8, invalid
//! sequences becoming U+FFFD. Every row has at least one cell, as every
//! export record has (a record of no cells is an empty line, which RFC 4180
//! cannot tell from one empty cell).
#![no_main]

use embudo_shared::export::{cell, neutralised, record};
use libfuzzer_sys::fuzz_target;

/// The formula starts the export documents, written out here rather than
/// taken from the crate, so a change to its list shows up as a failure.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fuzz_target!(|data: &[u8]| {
    let rows: Vec<Vec<String>> = data
        .split(|&b| b == 0xFE)
        .map(|row| {
            row.split(|&b| b == 0xFF)
                .map(|cell| String::from_utf8_lossy(cell).into_owned())
                .collect()
        })
        .collect();

    let output: String = rows.iter().map(record).collect();
    let read = match rfc4180(&output) {
        Ok(read) => read,
        Err(problem) => panic!("the export is not RFC 4180 ({problem}): {output:?}"),
    };
    assert_eq!(read.len(), rows.len(), "rows in {output:?}");
    for (row, back) in rows.iter().zip(&read) {
        assert_eq!(back.len(), row.len(), "cells in {output:?}");
        for (value, back) in row.iter().zip(back) {
            assert_eq!(*back, neutralised(value), "the cell {value:?} read back");
            assert!(
                !back.starts_with(FORMULA_STARTS),
                "{back:?} would run as a formula"
            );
            let expected = if value.starts_with(FORMULA_STARTS) {
                format!("'{value}")
            } else {
                value.clone()
            };
            assert_eq!(*back, expected, "only formula cells change");
            // A cell on its own is one record of one field.
            let alone = rfc4180(&format!("{}\r\n", cell(value)));
            assert_eq!(alone, Ok(vec![vec![expected]]));
        }
    }
});

/// A strict RFC 4180 reader: every record ends in CRLF; a field is either
/// plain (no comma, quote, CR or LF) or quoted with quotes doubled inside.
/// Anything else is an error, so a writer slip cannot hide behind a lenient
/// reader.
fn rfc4180(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let mut row = Vec::new();
        loop {
            let mut field = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                loop {
                    match chars.next() {
                        None => return Err("a quoted field never closes".into()),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => field.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    match c {
                        ',' | '\r' => break,
                        '"' => return Err("a quote inside a plain field".into()),
                        '\n' => return Err("a line feed inside a plain field".into()),
                        _ => {
                            field.push(c);
                            chars.next();
                        }
                    }
                }
            }
            row.push(field);
            match chars.next() {
                Some(',') => {}
                Some('\r') if chars.next() == Some('\n') => break,
                Some('\r') => return Err("a CR without its LF".into()),
                None => return Err("the last record has no CRLF".into()),
                Some(c) => return Err(format!("{c:?} right after a quoted field")),
            }
        }
        rows.push(row);
    }
    Ok(rows)
}
