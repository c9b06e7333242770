//! CSV to typed Parquet and a profile, in one streaming pass (after a sample for the types).
//!
//! 1. The first [`SNIFF_BYTES`] tell a file that is not CSV text (empty, Parquet, compressed,
//!    binary) and give the dialect ([`crate::decode::dialect`]).
//! 2. The header names the columns ([`unique_names`]); without one they are `column_1`...
//! 3. The first [`SAMPLE_ROWS`] data rows, or [`SAMPLE_BYTES`] of them, are kept to infer the
//!    column types ([`crate::decode::infer`]); then they and every later row are written.
//! 4. A row with fewer cells than the header gets nulls, one with more loses the extra cells;
//!    both are counted as ragged (an issue in the profile).
//! 5. A later cell that does not fit its column's type stops the pass with
//!    [`ConvertError::Conflict`]: the caller starts over with that column as text.

use std::io::{self, Read, Write};

use csv::StringRecord;

use super::columns::unique_names;
use super::writer::{TableWriter, Written};
use super::{Hints, Progress};
use crate::decode::dialect::{SNIFF_BYTES, sniff};
use crate::decode::infer::{Inference, SAMPLE_ROWS};
use crate::decode::values::{ColumnType, Value, parse_as};
use crate::error::ConvertError;

/// Bytes of data rows kept at most for type inference (wide or long rows sample fewer rows).
pub const SAMPLE_BYTES: usize = 16 * 1024 * 1024;
/// Columns a data set may have.
pub const MAX_COLUMNS: usize = 16_384;

/// Converts the CSV in `raw` (of `size_bytes`) to Parquet in `sink`, following `hints`.
pub fn convert<R: Read, W: Write + Send + 'static>(
    mut raw: R,
    sink: W,
    size_bytes: u64,
    hints: &Hints,
    progress: &Progress,
) -> Result<Written<W>, ConvertError> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut raw).take(SNIFF_BYTES as u64).read_to_end(&mut head)?;
    let whole_file = head.len() < SNIFF_BYTES;
    refuse_non_csv(&head)?;
    let dialect = sniff(&head, whole_file);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(dialect.delimiter)
        .quote(dialect.quote)
        .buffer_capacity(1 << 16)
        .from_reader({
            // The byte order mark is not part of the first cell.
            let mut start = io::Cursor::new(head);
            start.set_position(dialect.skip as u64);
            start.chain(raw)
        });
    let mut record = StringRecord::new();
    let mut row: u64 = 0;
    let mut next = |record: &mut StringRecord, row: &mut u64| -> Result<bool, ConvertError> {
        *row += 1;
        match reader.read_record(record) {
            Ok(more) => Ok(more),
            Err(error) => Err(read_error(error, *row)),
        }
    };
    let first = next(&mut record, &mut row)?;
    if !first || (record.len() == 1 && record[0].trim().is_empty()) {
        return Err(ConvertError::rejected(
            "EMPTY_FILE",
            "The file is empty: there is no header and no data. Upload a CSV file with a header row and data rows.",
        ));
    }
    let header: Option<Vec<String>> = dialect
        .has_header
        .then(|| record.iter().map(str::to_owned).collect());
    let mut sample: Vec<StringRecord> = Vec::new();
    if header.is_none() {
        sample.push(record.clone());
    }
    let mut sample_bytes = 0;
    while sample.len() < SAMPLE_ROWS && sample_bytes < SAMPLE_BYTES {
        if !next(&mut record, &mut row)? {
            break;
        }
        sample_bytes += record.as_slice().len() + record.len() * 8;
        sample.push(record.clone());
    }
    let width = match &header {
        Some(names) => names.len(),
        None => sample.iter().map(StringRecord::len).max().unwrap_or(0),
    };
    if width > MAX_COLUMNS {
        return Err(ConvertError::rejected(
            "TOO_MANY_COLUMNS",
            format!(
                "The file has {width} columns; a data set can have at most {MAX_COLUMNS}. Split it into several files."
            ),
        ));
    }
    if sample.is_empty() {
        return Err(ConvertError::rejected(
            "NO_ROWS",
            format!(
                "The file has a header row ({width} columns) but no data rows. Upload a file with at least one row of data."
            ),
        ));
    }
    let names = match &header {
        Some(names) => unique_names(names.iter().map(String::as_str)),
        None => unique_names(std::iter::repeat_n("", width)),
    };
    let mut inference = Inference::new(width);
    for sampled in &sample {
        inference.add_row(sampled.iter());
    }
    let columns: Vec<(String, ColumnType)> = names
        .into_iter()
        .zip(inference.types())
        .map(|(name, ty)| {
            let ty = if hints.as_text.contains(&name) {
                ColumnType::Text
            } else {
                ty
            };
            (name, ty)
        })
        .collect();

    let mut table = TableWriter::new(sink, &columns)?;
    let mut data_row: u64 = 0;
    let mut write = |record: &StringRecord, table: &mut TableWriter<W>| {
        data_row += 1;
        let values = typed_row(record, &columns, data_row)?;
        table.push(&values, record.len() != width)?;
        if data_row.is_multiple_of(4096) {
            progress.set_rows(data_row);
        }
        Ok::<_, ConvertError>(())
    };
    for sampled in sample.drain(..) {
        write(&sampled, &mut table)?;
    }
    drop(sample);
    while next(&mut record, &mut row)? {
        write(&record, &mut table)?;
    }
    progress.set_rows(table.rows());
    table.finish(size_bytes)
}

fn typed_row<'r>(
    record: &'r StringRecord,
    columns: &[(String, ColumnType)],
    row: u64,
) -> Result<Vec<Value<'r>>, ConvertError> {
    columns
        .iter()
        .enumerate()
        .map(|(i, (name, ty))| {
            let cell = record.get(i).unwrap_or("");
            parse_as(cell, *ty).ok_or_else(|| ConvertError::Conflict {
                column: i,
                name: name.clone(),
                row,
                cell: cell.chars().take(100).collect(),
                expected: ty.name(),
            })
        })
        .collect()
}

fn read_error(error: csv::Error, row: u64) -> ConvertError {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => ConvertError::Io(error),
        csv::ErrorKind::Utf8 { err, .. } => ConvertError::rejected(
            "INVALID_ENCODING",
            format!(
                "Line {row}, column {}, is not valid UTF-8 text. Save the file as UTF-8 (in Excel: \"CSV UTF-8\") and upload it again.",
                err.field() + 1
            ),
        ),
        other => ConvertError::rejected(
            "INVALID_CSV",
            format!("Line {row} cannot be read as CSV ({other:?}). Check the file's quoting."),
        ),
    }
}

/// Refuses, with a reason the user can act on, a start that cannot be CSV text.
fn refuse_non_csv(head: &[u8]) -> Result<(), ConvertError> {
    let refuse = |code, reason: &str| Err(ConvertError::rejected(code, reason));
    if head.starts_with(b"PAR1") {
        return refuse(
            "WRONG_FORMAT",
            "This is a Parquet file, not CSV. Upload it again as Parquet.",
        );
    }
    if head.starts_with(&[0x1f, 0x8b]) || head.starts_with(b"PK\x03\x04") {
        return refuse(
            "COMPRESSED_FILE",
            "This file is compressed (gzip or zip). Decompress it and upload the CSV inside.",
        );
    }
    if head.contains(&0) {
        return refuse(
            "NOT_TEXT",
            "This file holds binary data, not CSV text. Check that you chose the right file.",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::dataset::IssueKind;

    fn convert_bytes(bytes: &[u8]) -> Result<Written<Vec<u8>>, ConvertError> {
        convert(
            bytes,
            Vec::new(),
            bytes.len() as u64,
            &Hints::default(),
            &Progress::default(),
        )
    }

    fn code(bytes: &[u8]) -> &'static str {
        match convert_bytes(bytes) {
            Err(ConvertError::Rejected { code, .. }) => code,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn files_that_cannot_be_csv_are_refused_with_a_reason() {
        assert_eq!(code(b""), "EMPTY_FILE");
        assert_eq!(code(b"\xEF\xBB\xBF"), "EMPTY_FILE");
        assert_eq!(code(b"a,b,c\n"), "NO_ROWS");
        assert_eq!(code(b"PAR1\x15\x04"), "WRONG_FORMAT");
        assert_eq!(code(b"\x1f\x8b\x08\x00"), "COMPRESSED_FILE");
        assert_eq!(code(b"a,b\n1,\x00\x01\x02\n"), "NOT_TEXT");
        assert_eq!(code(b"name,city\nx,M\xfcnchen\n"), "INVALID_ENCODING");
    }

    #[test]
    fn ragged_rows_are_padded_or_cut_and_counted() {
        let written = convert_bytes(b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n").unwrap();
        let profile = written.profile;
        assert_eq!((profile.row_count, profile.ragged_rows), (3, 2));
        assert_eq!(profile.columns[2].null_count, 1);
        assert!(
            profile
                .issues
                .iter()
                .any(|i| i.kind == IssueKind::RaggedRows && i.count == 2)
        );
    }

    #[test]
    fn a_bom_before_a_headerless_file_is_not_data() {
        let written = convert_bytes("\u{feff}1,2024-01-01\n2,2024-02-01\n".as_bytes()).unwrap();
        let p = written.profile;
        assert_eq!((p.row_count, p.columns[0].ty), (2, "integer"));
        assert_eq!(p.columns[0].name, "column_1");
    }

    #[test]
    fn a_bom_and_a_semicolon_dialect() {
        let written =
            convert_bytes("\u{feff}id;when\n1;2024-01-01\n2;2024-02-01\n".as_bytes()).unwrap();
        let names: Vec<&str> = written
            .profile
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["id", "when"]);
        assert_eq!(written.profile.columns[1].ty, "date");
    }

    #[test]
    fn a_cell_past_the_sample_that_does_not_fit_is_a_conflict() {
        let mut csv = String::from("n\n");
        for i in 0..SAMPLE_ROWS + 5 {
            csv.push_str(&format!("{i}\n"));
        }
        csv.push_str("twelve\n");
        match convert_bytes(csv.as_bytes()) {
            Err(ConvertError::Conflict { column: 0, row, .. }) => {
                assert_eq!(row, SAMPLE_ROWS as u64 + 6)
            }
            other => panic!("{other:?}"),
        }
        let mut hints = Hints::default();
        let conflict = convert_bytes(csv.as_bytes()).unwrap_err();
        assert!(hints.learn(&conflict) && !hints.learn(&conflict));
        let written = convert(csv.as_bytes(), Vec::new(), 0, &hints, &Progress::default()).unwrap();
        assert_eq!(written.profile.columns[0].ty, "string");
        assert_eq!(written.profile.row_count, SAMPLE_ROWS as u64 + 6);
    }

    fn read_parquet(file: std::fs::File) -> Vec<arrow::record_batch::RecordBatch> {
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    type Row = (Option<i64>, Option<f64>, Option<bool>, Option<String>);

    fn rows() -> impl proptest::strategy::Strategy<Value = Vec<Row>> {
        use proptest::prelude::*;
        let row = (
            proptest::option::of(any::<i64>()),
            proptest::option::of(-1e15f64..1e15),
            proptest::option::of(any::<bool>()),
            proptest::option::of("x[a-z ,\"]{0,8}"),
        );
        let full = (any::<i64>(), -1e15f64..1e15, any::<bool>(), "x[a-z]{0,3}")
            .prop_map(|(i, f, b, s)| (Some(i), Some(f), Some(b), Some(s)));
        (full, proptest::collection::vec(row, 0..60)).prop_map(|(first, mut rest)| {
            rest.insert(0, first);
            rest
        })
    }

    proptest::proptest! {
        /// Feature: ai-analytics-platform, Property 5: Parquet output format
        /// (the file reads back with the Arrow Parquet reader, typed, every value as written).
        #[test]
        fn csv_becomes_typed_parquet_that_reads_back(rows in rows()) {
            use arrow::array::{Array, AsArray};
            use arrow::datatypes::{Float64Type, Int64Type};
            let mut csv = ::csv::Writer::from_writer(Vec::new());
            csv.write_record(["int", "float", "flag", "text"]).unwrap();
            for (i, f, b, s) in &rows {
                csv.write_record([
                    i.map(|v| v.to_string()).unwrap_or_default(),
                    f.map(|v| format!("{v:?}")).unwrap_or_default(),
                    b.map(|v| v.to_string()).unwrap_or_default(),
                    s.clone().unwrap_or_default(),
                ]).unwrap();
            }
            let bytes = csv.into_inner().unwrap();
            let written = convert(&bytes[..], tempfile::tempfile().unwrap(), 0, &Hints::default(), &Progress::default()).unwrap();
            let types: Vec<&str> = written.profile.columns.iter().map(|c| c.ty).collect();
            proptest::prop_assert_eq!(types, ["integer", "float", "boolean", "string"]);
            let mut file = written.sink;
            std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0)).unwrap();
            let batches = read_parquet(file);
            let mut at = 0;
            for batch in &batches {
                let ints = batch.column(0).as_primitive::<Int64Type>();
                let floats = batch.column(1).as_primitive::<Float64Type>();
                let flags = batch.column(2).as_boolean();
                let texts = batch.column(3).as_string::<i32>();
                for r in 0..batch.num_rows() {
                    let (i, f, b, s) = &rows[at];
                    proptest::prop_assert_eq!(ints.is_valid(r).then(|| ints.value(r)), *i);
                    proptest::prop_assert_eq!(floats.is_valid(r).then(|| floats.value(r)), *f);
                    proptest::prop_assert_eq!(flags.is_valid(r).then(|| flags.value(r)), *b);
                    proptest::prop_assert_eq!(texts.is_valid(r).then(|| texts.value(r).to_owned()), s.clone());
                    at += 1;
                }
            }
            proptest::prop_assert_eq!(at, rows.len());
        }
    }
}
