//! Parquet input: kept as it is, with its schema (re-written with the platform's compression
//! and row groups), and profiled in the same pass.
//!
//! The profile reads each column as one of the platform's types: integers (signed, and unsigned
//! up to 32 bits) as integer; floats, decimals and 64-bit unsigned integers as float; booleans;
//! dates; timestamps of any unit and zone as UTC microseconds; text (UTF-8 of any width); and
//! anything else (lists, structs, binary...) as its display text.
//!
//! Parquet keeps its footer at the end, so the input must be a seekable file (the job
//! downloads it first).

use std::fs::File;
use std::io::Write;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::compute::kernels::arity::unary;
use arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type, TimeUnit};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::Progress;
use super::writer::{TableWriter, Written};
use crate::decode::values::{ColumnType, Value};
use crate::error::ConvertError;

/// Rows read from the input at a time.
const READ_BATCH_ROWS: usize = 64 * 1024;

/// The platform type a Parquet column is profiled as.
pub fn profile_type(data_type: &DataType) -> ColumnType {
    match data_type {
        DataType::Boolean => ColumnType::Boolean,
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => ColumnType::Integer,
        DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => ColumnType::Float,
        DataType::Date32 | DataType::Date64 => ColumnType::Date,
        DataType::Timestamp(..) => ColumnType::Timestamp,
        _ => ColumnType::Text,
    }
}

fn invalid(error: impl std::fmt::Display) -> ConvertError {
    ConvertError::rejected(
        "INVALID_PARQUET",
        format!(
            "The file cannot be read as Parquet ({error}). It may be cut off or not Parquet at all: export it again and upload the complete file."
        ),
    )
}

pub fn convert<W: Write + Send + 'static>(
    raw: File,
    sink: W,
    size_bytes: u64,
    progress: &Progress,
) -> Result<Written<W>, ConvertError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(raw).map_err(invalid)?;
    let schema = builder.schema().clone();
    if builder.metadata().file_metadata().num_rows() == 0 {
        return Err(ConvertError::rejected(
            "NO_ROWS",
            "The Parquet file has a schema but no rows. Upload a file with at least one row.",
        ));
    }
    let columns: Vec<(String, ColumnType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().clone(), profile_type(f.data_type())))
        .collect();
    let reader = builder
        .with_batch_size(READ_BATCH_ROWS)
        .build()
        .map_err(invalid)?;
    let mut table = TableWriter::with_schema(sink, schema, &columns)?;
    for batch in reader {
        let batch = batch.map_err(invalid)?;
        let views = batch
            .columns()
            .iter()
            .zip(&columns)
            .map(|(array, (_, ty))| View::new(array, *ty))
            .collect::<Result<Vec<_>, _>>()?;
        let mut values = Vec::with_capacity(views.len());
        for row in 0..batch.num_rows() {
            values.clear();
            values.extend(views.iter().map(|view| view.value(row)));
            table.profile_row(&values)?;
        }
        table.write_as_is(&batch)?;
        progress.set_rows(table.rows());
    }
    table.finish(size_bytes)
}

/// A column of a batch, cast to the representation its profile type reads.
enum View {
    Boolean(ArrayRef),
    Integer(ArrayRef),
    Float(ArrayRef),
    Date(ArrayRef),
    Timestamp(ArrayRef),
    Text(ArrayRef),
    Shown(Vec<Option<String>>),
}

impl View {
    fn new(array: &ArrayRef, ty: ColumnType) -> Result<Self, ConvertError> {
        Ok(match ty {
            ColumnType::Boolean => View::Boolean(array.clone()),
            ColumnType::Integer => View::Integer(cast(array, &DataType::Int64)?),
            ColumnType::Float => View::Float(cast(array, &DataType::Float64)?),
            ColumnType::Date => View::Date(cast(array, &DataType::Date32)?),
            ColumnType::Timestamp => View::Timestamp(utc_micros(array)?),
            ColumnType::Text => match array.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                    View::Text(cast(array, &DataType::Utf8)?)
                }
                _ => {
                    let options = FormatOptions::default();
                    let formatter = ArrayFormatter::try_new(array.as_ref(), &options)?;
                    View::Shown(
                        (0..array.len())
                            .map(|i| array.is_valid(i).then(|| formatter.value(i).to_string()))
                            .collect(),
                    )
                }
            },
        })
    }

    fn value(&self, row: usize) -> Value<'_> {
        let array = match self {
            View::Shown(cells) => {
                return cells[row].as_deref().map_or(Value::Null, Value::Text);
            }
            View::Boolean(a)
            | View::Integer(a)
            | View::Float(a)
            | View::Date(a)
            | View::Timestamp(a)
            | View::Text(a) => a,
        };
        if array.is_null(row) {
            return Value::Null;
        }
        match self {
            View::Boolean(a) => Value::Boolean(a.as_boolean().value(row)),
            View::Integer(a) => Value::Integer(a.as_primitive::<Int64Type>().value(row)),
            View::Float(a) => Value::Float(a.as_primitive::<Float64Type>().value(row)),
            View::Date(a) => Value::Date(a.as_primitive::<Date32Type>().value(row)),
            View::Timestamp(a) => Value::Timestamp(a.as_primitive::<Int64Type>().value(row)),
            View::Text(a) => Value::Text(a.as_string::<i32>().value(row)),
            View::Shown(_) => unreachable!("handled above"),
        }
    }
}

/// A timestamp column as UTC microseconds (Int64). Arrow keeps UTC instants whatever the
/// zone, so only the unit changes (a zone-less value is read as UTC, like a CSV cell).
fn utc_micros(array: &ArrayRef) -> Result<ArrayRef, ConvertError> {
    let DataType::Timestamp(unit, _) = array.data_type() else {
        return Err(ConvertError::Arrow(arrow::error::ArrowError::CastError(
            format!("{} is not a timestamp", array.data_type()),
        )));
    };
    let raw = cast(array, &DataType::Int64)?;
    let raw = raw.as_primitive::<Int64Type>();
    let micros: arrow::array::Int64Array = match unit {
        TimeUnit::Second => unary(raw, |v: i64| v.saturating_mul(1_000_000)),
        TimeUnit::Millisecond => unary(raw, |v: i64| v.saturating_mul(1_000)),
        TimeUnit::Microsecond => raw.clone(),
        TimeUnit::Nanosecond => unary(raw, |v: i64| v.div_euclid(1_000)),
    };
    Ok(Arc::new(micros))
}

/// Keeps the arrays alive in tests without a file on disk.
#[cfg(test)]
fn write_parquet(batch: &arrow::record_batch::RecordBatch) -> File {
    let mut file = tempfile::tempfile().unwrap();
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(file.try_clone().unwrap(), batch.schema(), None)
            .unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
    std::io::Seek::rewind(&mut file).unwrap();
    file
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{
        Decimal128Array, Int32Array, ListArray, StringArray, TimestampMillisecondArray, UInt64Array,
    };
    use arrow::datatypes::Int32Type;
    use arrow::record_batch::RecordBatch;
    use serde_json::json;

    #[test]
    fn a_parquet_file_keeps_its_schema_and_is_profiled() {
        let batch = RecordBatch::try_from_iter([
            (
                "small",
                Arc::new(Int32Array::from(vec![Some(3), None, Some(1)])) as ArrayRef,
            ),
            (
                "big",
                Arc::new(UInt64Array::from(vec![1, 2, u64::MAX])) as ArrayRef,
            ),
            (
                "price",
                Arc::new(
                    Decimal128Array::from(vec![125, 250, 375])
                        .with_precision_and_scale(10, 2)
                        .unwrap(),
                ) as ArrayRef,
            ),
            (
                "at",
                Arc::new(TimestampMillisecondArray::from(vec![0, 1_000, 86_400_000])) as ArrayRef,
            ),
            (
                "name",
                Arc::new(StringArray::from(vec!["b", "a", "b"])) as ArrayRef,
            ),
            (
                "tags",
                Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
                    Some(vec![Some(1), Some(2)]),
                    None,
                    Some(vec![]),
                ])) as ArrayRef,
            ),
        ])
        .unwrap();
        let mut out = tempfile::tempfile().unwrap();
        let written = convert(
            write_parquet(&batch),
            out.try_clone().unwrap(),
            0,
            &Progress::default(),
        )
        .unwrap();
        let p = &written.profile;
        let types: Vec<&str> = p.columns.iter().map(|c| c.ty).collect();
        assert_eq!(
            types,
            ["integer", "float", "float", "timestamp", "string", "string"]
        );
        assert_eq!(p.row_count, 3);
        assert_eq!(
            (p.columns[0].null_count, p.columns[0].max.clone()),
            (1, Some(json!(3)))
        );
        assert_eq!(p.columns[2].mean, Some(2.5));
        assert_eq!(p.columns[3].max, Some(json!("1970-01-02T00:00:00.000000Z")));
        assert_eq!(p.columns[5].null_count, 1);
        assert_eq!(p.columns[5].min, Some(json!("[1, 2]")));

        std::io::Seek::rewind(&mut out).unwrap();
        let read = ParquetRecordBatchReaderBuilder::try_new(out).unwrap();
        assert_eq!(read.schema().fields(), batch.schema().fields());
        let back: Vec<RecordBatch> = read.build().unwrap().collect::<Result<_, _>>().unwrap();
        assert_eq!(back, [batch]);
    }

    #[test]
    fn a_truncated_file_is_refused_with_a_reason() {
        let batch = RecordBatch::try_from_iter([(
            "n",
            Arc::new(Int32Array::from(vec![1, 2, 3])) as ArrayRef,
        )])
        .unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut write_parquet(&batch), &mut bytes).unwrap();
        for cut in [bytes.len() - 1, bytes.len() / 2, 3] {
            let mut file = tempfile::tempfile().unwrap();
            file.write_all(&bytes[..cut]).unwrap();
            std::io::Seek::rewind(&mut file).unwrap();
            match convert(file, Vec::new(), 0, &Progress::default()) {
                Err(ConvertError::Rejected { code, reason }) => {
                    assert_eq!(code, "INVALID_PARQUET");
                    assert!(reason.contains("cut off"), "{reason}");
                }
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
    }
}
