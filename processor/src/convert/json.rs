//! JSON to typed Parquet and a profile, streaming: a top-level array of objects, or one object
//! per line (NDJSON, also any whitespace-separated objects).
//!
//! - Nested objects are flattened to dotted names (`{"a": {"b": 1}}` is column `a.b`); arrays
//!   are kept as their JSON text; columns come in the order their keys first appear.
//! - Every leaf is read as a cell with the same rules as a CSV cell ([`crate::decode::values`]):
//!   numbers and booleans by their JSON text, strings as written, `null` as null. So `"42"`
//!   and `42` are both integers, and `"2024-01-01"` is a date.
//! - Types come from the first [`SAMPLE_ROWS`] objects (or [`SAMPLE_BYTES`] of them), as for CSV;
//!   a later value that does not fit is a [`ConvertError::Conflict`] and a key no sampled object
//!   had is a [`ConvertError::UnseenColumn`]: the caller starts over knowing it ([`Hints`]).
//! - Nesting deeper than serde_json's 128 levels is refused.

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

use super::csv::SAMPLE_BYTES;
use super::writer::{TableWriter, Written};
use super::{Hints, Progress};
use crate::decode::infer::{Inference, SAMPLE_ROWS};
use crate::decode::values::{ColumnType, Value, parse_as};
use crate::error::ConvertError;

/// A flattened object: (column name, cell), `None` for JSON null.
type Row = Vec<(String, Option<String>)>;

pub fn convert<R: Read, W: Write + Send + 'static>(
    raw: R,
    sink: W,
    size_bytes: u64,
    hints: &Hints,
    progress: &Progress,
) -> Result<Written<W>, ConvertError> {
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let mut state = State::Sampling {
        sink: Some(sink),
        rows: Vec::new(),
        bytes: 0,
    };
    let mut rows = 0u64;
    let mut take = |object: Map<String, Json>| -> Result<(), ConvertError> {
        rows += 1;
        let mut row = Row::new();
        flatten(None, Json::Object(object), &mut row);
        state.take(row, rows, hints, progress)
    };
    match first_byte(&mut reader)? {
        None => {
            return Err(ConvertError::rejected(
                "EMPTY_FILE",
                "The file is empty. Upload a JSON array of objects, or one object per line.",
            ));
        }
        Some(b'[') => for_each_in_array(&mut reader, &mut take)?,
        Some(b'{') => for_each_line(&mut reader, &mut take)?,
        Some(b'P') if reader.fill_buf()?.starts_with(b"PAR1") => {
            return Err(ConvertError::rejected(
                "WRONG_FORMAT",
                "This is a Parquet file, not JSON. Upload it again as Parquet.",
            ));
        }
        Some(_) => {
            return Err(ConvertError::rejected(
                "INVALID_JSON",
                "The file is not a JSON array of objects nor one JSON object per line: it must start with [ or {.",
            ));
        }
    }
    progress.set_rows(rows);
    state.finish(size_bytes, hints)
}

/// The first byte that is not whitespace or a byte order mark, left unread.
fn first_byte(reader: &mut impl BufRead) -> std::io::Result<Option<u8>> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(None);
        }
        if buffer.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            continue;
        }
        match buffer.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(at) => {
                let byte = buffer[at];
                reader.consume(at);
                return Ok(Some(byte));
            }
            None => {
                let n = buffer.len();
                reader.consume(n);
            }
        }
    }
}

fn json_error(error: serde_json::Error) -> ConvertError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Io => ConvertError::Io(error.into()),
        Category::Eof => ConvertError::rejected(
            "INVALID_JSON",
            format!(
                "The JSON ends too early (line {}, column {}): the file may be cut off. Upload the complete file.",
                error.line(),
                error.column()
            ),
        ),
        Category::Syntax | Category::Data => ConvertError::rejected(
            "INVALID_JSON",
            format!("The file is not valid JSON: {error}. Fix it there and upload it again."),
        ),
    }
}

fn not_an_object(row: u64, value: &Json) -> ConvertError {
    let kind = match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    };
    ConvertError::rejected(
        "INVALID_JSON",
        format!("Record {row} is {kind}, not an object: every record must be a JSON object."),
    )
}

fn for_each_line(
    reader: &mut impl Read,
    take: &mut impl FnMut(Map<String, Json>) -> Result<(), ConvertError>,
) -> Result<(), ConvertError> {
    let stream = serde_json::Deserializer::from_reader(reader).into_iter::<Json>();
    for (i, value) in stream.enumerate() {
        match value.map_err(json_error)? {
            Json::Object(object) => take(object)?,
            other => return Err(not_an_object(i as u64 + 1, &other)),
        }
    }
    Ok(())
}

fn for_each_in_array(
    reader: &mut impl Read,
    take: &mut impl FnMut(Map<String, Json>) -> Result<(), ConvertError>,
) -> Result<(), ConvertError> {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut stopped = None;
    let outcome = deserializer.deserialize_seq(Elements {
        take,
        stopped: &mut stopped,
    });
    if let Some(error) = stopped {
        return Err(error);
    }
    outcome.map_err(json_error)?;
    deserializer.end().map_err(json_error)
}

/// Visits the top-level array one element at a time, never holding more than one.
struct Elements<'a, F> {
    take: &'a mut F,
    stopped: &'a mut Option<ConvertError>,
}

impl<'de, F> Visitor<'de> for Elements<'_, F>
where
    F: FnMut(Map<String, Json>) -> Result<(), ConvertError>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0u64;
        while let Some(value) = seq.next_element::<Json>()? {
            index += 1;
            let outcome = match value {
                Json::Object(object) => (self.take)(object),
                other => Err(not_an_object(index, &other)),
            };
            if let Err(error) = outcome {
                *self.stopped = Some(error);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

/// Appends the leaves of `value` under `prefix` (dotted) to `row`.
fn flatten(prefix: Option<&str>, value: Json, row: &mut Row) {
    let name = || prefix.unwrap_or("value").to_owned();
    match value {
        Json::Object(object) => {
            for (key, value) in object {
                let key = match prefix {
                    Some(prefix) => format!("{prefix}.{key}"),
                    None => key,
                };
                flatten(Some(&key), value, row);
            }
        }
        Json::Null => row.push((name(), None)),
        Json::Bool(b) => row.push((name(), Some(b.to_string()))),
        Json::Number(n) => row.push((name(), Some(n.to_string()))),
        Json::String(s) => row.push((name(), Some(s))),
        array @ Json::Array(_) => row.push((name(), Some(array.to_string()))),
    }
}

enum State<W: Write + Send + 'static> {
    Sampling {
        sink: Option<W>,
        rows: Vec<Row>,
        bytes: usize,
    },
    Writing {
        table: Box<TableWriter<W>>,
        columns: Vec<(String, ColumnType)>,
        index: HashMap<String, usize>,
    },
}

impl<W: Write + Send + 'static> State<W> {
    fn take(
        &mut self,
        row: Row,
        number: u64,
        hints: &Hints,
        progress: &Progress,
    ) -> Result<(), ConvertError> {
        match self {
            State::Sampling { rows, bytes, .. } => {
                *bytes += row
                    .iter()
                    .map(|(k, v)| k.len() + v.as_ref().map_or(0, String::len) + 48)
                    .sum::<usize>();
                rows.push(row);
                if rows.len() >= SAMPLE_ROWS || *bytes >= SAMPLE_BYTES {
                    self.start_writing(hints)?;
                }
                Ok(())
            }
            State::Writing {
                table,
                columns,
                index,
            } => {
                write_row(table, columns, index, &row, number)?;
                if number.is_multiple_of(4096) {
                    progress.set_rows(number);
                }
                Ok(())
            }
        }
    }

    /// Infers the columns from the sample, then writes it.
    fn start_writing(&mut self, hints: &Hints) -> Result<(), ConvertError> {
        let State::Sampling { sink, rows, .. } = self else {
            return Ok(());
        };
        let mut index = HashMap::new();
        let mut names = Vec::new();
        for name in rows
            .iter()
            .flatten()
            .map(|(name, _)| name)
            .chain(&hints.more_columns)
        {
            if !index.contains_key(name) {
                index.insert(name.clone(), names.len());
                names.push(name.clone());
            }
        }
        let mut inference = Inference::new(names.len());
        let mut cells = vec![""; names.len()];
        for row in rows.iter() {
            cells.fill("");
            for (name, cell) in row {
                cells[index[name]] = cell.as_deref().unwrap_or("");
            }
            inference.add_row(cells.iter().copied());
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
        let sample = std::mem::take(rows);
        let sink = sink.take().expect("a sampling state has its sink");
        let mut table = TableWriter::new(sink, &columns)?;
        for (i, row) in sample.iter().enumerate() {
            write_row(&mut table, &columns, &index, row, i as u64 + 1)?;
        }
        *self = State::Writing {
            table: Box::new(table),
            columns,
            index,
        };
        Ok(())
    }

    fn finish(mut self, size_bytes: u64, hints: &Hints) -> Result<Written<W>, ConvertError> {
        if let State::Sampling { rows, .. } = &self {
            if rows.is_empty() {
                return Err(ConvertError::rejected(
                    "NO_ROWS",
                    "The JSON holds no objects. Upload an array of objects, or one object per line.",
                ));
            }
            self.start_writing(hints)?;
        }
        match self {
            State::Writing { table, .. } => table.finish(size_bytes),
            State::Sampling { .. } => unreachable!("start_writing leaves the sampling state"),
        }
    }
}

fn write_row<W: Write + Send + 'static>(
    table: &mut TableWriter<W>,
    columns: &[(String, ColumnType)],
    index: &HashMap<String, usize>,
    row: &Row,
    number: u64,
) -> Result<(), ConvertError> {
    let mut values = vec![Value::Null; columns.len()];
    for (name, cell) in row {
        let Some(&at) = index.get(name) else {
            return Err(ConvertError::UnseenColumn {
                name: name.clone(),
                row: number,
            });
        };
        let Some(cell) = cell else { continue };
        let ty = columns[at].1;
        values[at] = parse_as(cell, ty).ok_or_else(|| ConvertError::Conflict {
            column: at,
            name: name.clone(),
            row: number,
            cell: cell.chars().take(100).collect(),
            expected: ty.name(),
        })?;
    }
    table.push(&values, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_bytes(bytes: &[u8], hints: &Hints) -> Result<Written<Vec<u8>>, ConvertError> {
        convert(
            bytes,
            Vec::new(),
            bytes.len() as u64,
            hints,
            &Progress::default(),
        )
    }

    fn columns(written: &Written<Vec<u8>>) -> Vec<(&str, &str)> {
        written
            .profile
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.ty))
            .collect()
    }

    #[test]
    fn an_array_and_ndjson_give_the_same_columns() {
        let array = br#" [{"id": 1, "user": {"name": "a", "tags": ["x", "y"]}, "at": "2024-01-01"},
                         {"id": 2, "user": {"name": "b"}, "ok": true}] "#;
        let lines = b"{\"id\": 1, \"user\": {\"name\": \"a\", \"tags\": [\"x\", \"y\"]}, \"at\": \"2024-01-01\"}\n{\"id\": 2, \"user\": {\"name\": \"b\"}, \"ok\": true}\n";
        let expected = [
            ("id", "integer"),
            ("user.name", "string"),
            ("user.tags", "string"),
            ("at", "date"),
            ("ok", "boolean"),
        ];
        for bytes in [&array[..], &lines[..]] {
            let written = convert_bytes(bytes, &Hints::default()).unwrap();
            assert_eq!(columns(&written), expected);
            assert_eq!(written.profile.row_count, 2);
            let tags = &written.profile.columns[2];
            assert_eq!(tags.null_count, 1);
            assert_eq!(tags.min, Some(serde_json::json!("[\"x\",\"y\"]")));
        }
    }

    fn code(bytes: &[u8]) -> (&'static str, String) {
        match convert_bytes(bytes, &Hints::default()) {
            Err(ConvertError::Rejected { code, reason }) => (code, reason),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn bad_json_is_refused_with_a_reason() {
        assert_eq!(code(b"").0, "EMPTY_FILE");
        assert_eq!(code(b"  \n ").0, "EMPTY_FILE");
        assert_eq!(code(b"[]").0, "NO_ROWS");
        assert_eq!(code(b"PAR1abc").0, "WRONG_FORMAT");
        assert_eq!(code(b"hello").0, "INVALID_JSON");
        assert!(code(br#"[{"a": 1}, {"a": 2"#).1.contains("cut off"));
        assert!(code(br#"[{"a": 1}, 3]"#).1.contains("Record 2 is a number"));
        assert!(
            code(b"{\"a\": 1}\n[1]\n")
                .1
                .contains("Record 2 is an array")
        );
        assert_eq!(code(br#"[{"a": 1}] x"#).0, "INVALID_JSON");
        let deep = format!("[{}{}]", "{\"a\":".repeat(200), "}".repeat(200));
        let (code_, reason) = code(deep.as_bytes());
        assert_eq!(code_, "INVALID_JSON");
        assert!(reason.contains("recursion limit"), "{reason}");
    }

    #[test]
    fn keys_and_types_past_the_sample_restart_with_hints() {
        let mut json = String::new();
        for i in 0..SAMPLE_ROWS {
            json.push_str(&format!("{{\"n\": {i}}}\n"));
        }
        json.push_str("{\"n\": \"many\", \"late\": 1}\n");
        let mut hints = Hints::default();
        let mut attempts = 0;
        let written = loop {
            attempts += 1;
            match convert_bytes(json.as_bytes(), &hints) {
                Ok(written) => break written,
                Err(error) => assert!(hints.learn(&error), "{error}"),
            }
        };
        assert_eq!(attempts, 3);
        // A column first seen past the sample has no sampled value: it is text.
        assert_eq!(columns(&written), [("n", "string"), ("late", "string")]);
        assert_eq!(written.profile.columns[1].null_count, SAMPLE_ROWS as u64);
    }
}
