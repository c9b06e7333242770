//! How a CSV file is written, guessed from its first bytes: the delimiter, the quote character,
//! whether the first row is a header, and whether a UTF-8 byte order mark comes first.
//!
//! - **Delimiter**: of `,` `\t` `;` `|`, the one that splits the sampled rows into the same
//!   number of fields (more than one) most often; ties go to the order above.
//! - **Quote**: `"`, or `'` when only `'` ever opens a field.
//! - **Header**: the first row is a header unless it looks like data: a header has no null or
//!   repeated name, and in at least one column its cell is text where the cells below are all
//!   numbers, booleans or dates. When every column is text, the first row is a header (the
//!   common case: a CSV without one is rare, and a header read as data shows as a data row).

use super::infer::Inference;
use super::values::{ColumnType, is_null};

/// Bytes of the file's start used to guess its dialect.
pub const SNIFF_BYTES: usize = 64 * 1024;

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];
const SNIFF_ROWS: usize = 200;
const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub quote: u8,
    pub has_header: bool,
    /// Bytes to skip at the start: 3 for a UTF-8 byte order mark.
    pub skip: usize,
}

/// The file's start, cut after its last complete line (unless it holds the whole file).
fn sample(start: &[u8], whole_file: bool) -> &[u8] {
    if whole_file {
        return start;
    }
    match start.iter().rposition(|b| *b == b'\n') {
        Some(at) => &start[..=at],
        None => start,
    }
}

fn rows(sample: &[u8], delimiter: u8, quote: u8) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quote(quote)
        .from_reader(sample);
    reader
        .byte_records()
        .take(SNIFF_ROWS)
        .map_while(|r| r.ok())
        .map(|r| {
            r.iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect()
        })
        .collect()
}

/// How consistently the rows split into the same number (> 1) of fields: the share of rows with
/// the most common field count, or 0 when that count is 1.
fn consistency(rows: &[Vec<String>]) -> f64 {
    let mut counts = std::collections::HashMap::<usize, usize>::new();
    for row in rows {
        *counts.entry(row.len()).or_default() += 1;
    }
    match counts.iter().max_by_key(|(fields, n)| (**n, **fields)) {
        Some((&fields, &n)) if fields >= 2 => n as f64 / rows.len() as f64,
        _ => 0.0,
    }
}

/// Guesses the dialect from the file's first bytes (`whole_file`: they are all of it).
pub fn sniff(start: &[u8], whole_file: bool) -> Dialect {
    let skip = if start.starts_with(BOM) { BOM.len() } else { 0 };
    let sample = sample(&start[skip..], whole_file);
    let quote = if opens_fields(sample, b'\'') && !opens_fields(sample, b'"') {
        b'\''
    } else {
        b'"'
    };

    let mut best = (b',', 0.0);
    for delimiter in DELIMITERS {
        let score = consistency(&rows(sample, delimiter, quote));
        // Strictly better only: ties keep the earlier (more common) delimiter.
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    let delimiter = best.0;
    let has_header = looks_like_header(&rows(sample, delimiter, quote));
    Dialect {
        delimiter,
        quote,
        has_header,
        skip,
    }
}

/// Whether `quote` starts some field: at the start of a line or right after a delimiter.
fn opens_fields(sample: &[u8], quote: u8) -> bool {
    sample.iter().enumerate().any(|(i, b)| {
        *b == quote && (i == 0 || matches!(sample[i - 1], b'\n' | b',' | b'\t' | b';' | b'|'))
    })
}

fn looks_like_header(rows: &[Vec<String>]) -> bool {
    let Some((first, rest)) = rows.split_first() else {
        return false;
    };
    let mut names = std::collections::HashSet::new();
    if first
        .iter()
        .any(|name| is_null(name) || !names.insert(name.as_str()))
    {
        return false;
    }
    if rest.is_empty() {
        // A single row: a header when no cell is a number, boolean or date.
        let mut inference = Inference::new(first.len());
        inference.add_row(first.iter().map(String::as_str));
        return inference.types().iter().all(|t| *t == ColumnType::Text);
    }
    let mut below = Inference::new(first.len());
    for row in rest {
        below.add_row(row.iter().map(String::as_str));
    }
    let types_below = below.types();
    if types_below.iter().all(|t| *t == ColumnType::Text) {
        return true;
    }
    let mut with_first = below.clone();
    with_first.add_row(first.iter().map(String::as_str));
    // Some column typed below becomes text with the first row: that row is names.
    types_below
        .iter()
        .zip(with_first.types())
        .any(|(below, with)| *below != ColumnType::Text && with == ColumnType::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniffed(text: &str) -> Dialect {
        sniff(text.as_bytes(), true)
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniffed("a,b,c\n1,2,3\n").delimiter, b',');
        assert_eq!(sniffed("a;b;c\n1,5;2,5;3\n").delimiter, b';');
        assert_eq!(sniffed("a\tb\n1\t2\n").delimiter, b'\t');
        assert_eq!(sniffed("a|b\n1|2\n").delimiter, b'|');
        // Commas inside quoted fields do not count.
        assert_eq!(
            sniffed("name;note\n\"x, y\";\"a, b, c\"\nz;w\n").delimiter,
            b';'
        );
    }

    #[test]
    fn headers() {
        assert!(sniffed("id,amount\n1,2.5\n2,3\n").has_header);
        assert!(!sniffed("1,2.5\n2,3\n").has_header);
        assert!(sniffed("city,country\nParis,France\nOslo,Norway\n").has_header);
        assert!(!sniffed("id,id\n1,2\n").has_header, "repeated names");
        assert!(!sniffed("id,\n1,2\n").has_header, "an empty name");
        assert!(!sniffed("2024-01-01,5\n2024-01-02,6\n").has_header);
        assert!(sniffed("a,b\n").has_header, "header only");
        assert!(!sniffed("1,2\n").has_header, "one row of data");
    }

    #[test]
    fn byte_order_mark_and_quotes() {
        let dialect = sniff(b"\xEF\xBB\xBFid,name\n1,'x'\n", true);
        assert_eq!((dialect.skip, dialect.delimiter), (3, b','));
        assert_eq!(sniffed("a,b\n'x, y',2\n").quote, b'\'');
        assert_eq!(sniffed("a,b\n\"it's\",2\n").quote, b'"');
    }

    #[test]
    fn a_cut_line_at_the_end_of_the_sample_is_left_out() {
        let dialect = sniff(b"a,b\n1,2\n3,4\n5", false);
        assert!(dialect.has_header);
        assert_eq!(sample(b"a,b\n1,2\n3", false), b"a,b\n1,2\n");
    }
}
