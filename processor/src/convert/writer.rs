//! Rows of decoded values to Parquet and a profile, in one pass: [`TableWriter`].
//!
//! Rows are gathered in Arrow builders and written as a record batch every [`BATCH_ROWS`]
//! rows or [`BATCH_TEXT_BYTES`] of text, whichever comes first. The Parquet file is compressed
//! with zstd (level 3) and cut into row groups of at most [`ROW_GROUP_ROWS`] rows or
//! [`ROW_GROUP_BYTES`] (about 128 MiB, the common HDFS/S3 block size readers split work by).
//!
//! Encoding the batches (Parquet pages and zstd, about half of a conversion's CPU) runs on a
//! thread of its own, [`Encoder`], fed through a queue of [`ENCODER_QUEUE`] batches: decoding and
//! profiling the next rows go on meanwhile, on a second core.

use std::io::{self, Write};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::columns::{ColumnBuilder, schema};
use crate::decode::values::{ColumnType, Value};
use crate::error::ConvertError;
use crate::profile::dataset::{DatasetProfile, DatasetProfiler};

pub const BATCH_ROWS: usize = 64 * 1024;
pub const BATCH_TEXT_BYTES: usize = 64 * 1024 * 1024;
pub const ROW_GROUP_ROWS: usize = 1024 * 1024;
pub const ROW_GROUP_BYTES: usize = 128 * 1024 * 1024;
/// Batches waiting for the encoder at most (bounds memory: each is at most [`BATCH_ROWS`] rows
/// or [`BATCH_TEXT_BYTES`] of text).
pub const ENCODER_QUEUE: usize = 2;

pub fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("3 is a valid zstd level"),
        ))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
        .set_created_by(format!(
            "analytics-platform processor {}",
            env!("CARGO_PKG_VERSION")
        ))
        .build()
}

/// What a finished conversion wrote.
#[derive(Debug)]
pub struct Written<W> {
    pub sink: W,
    pub profile: DatasetProfile,
}

pub struct TableWriter<W: Write + Send + 'static> {
    schema: SchemaRef,
    builders: Vec<ColumnBuilder>,
    encoder: Encoder<W>,
    profiler: DatasetProfiler,
    pending: usize,
}

impl<W: Write + Send + 'static> TableWriter<W> {
    pub fn new(sink: W, columns: &[(String, ColumnType)]) -> Result<Self, ConvertError> {
        Self::with_schema(sink, schema(columns), columns)
    }

    /// A writer of batches in `schema` (Parquet input, kept as it is), profiled as `columns`.
    pub fn with_schema(
        sink: W,
        schema: SchemaRef,
        columns: &[(String, ColumnType)],
    ) -> Result<Self, ConvertError> {
        let encoder = Encoder::start(sink, schema.clone())?;
        Ok(TableWriter {
            schema,
            builders: columns
                .iter()
                .map(|(_, ty)| ColumnBuilder::new(*ty))
                .collect(),
            encoder,
            profiler: DatasetProfiler::new(columns),
            pending: 0,
        })
    }

    /// One row: a value per column, each of its column's type.
    pub fn push(&mut self, values: &[Value<'_>], ragged: bool) -> Result<(), ConvertError> {
        for (builder, value) in self.builders.iter_mut().zip(values) {
            builder.append(value);
        }
        self.profiler.add_row(values, ragged)?;
        self.pending += 1;
        if self.pending >= BATCH_ROWS
            || self
                .builders
                .iter()
                .map(ColumnBuilder::text_bytes)
                .sum::<usize>()
                >= BATCH_TEXT_BYTES
        {
            self.write_batch()?;
        }
        Ok(())
    }

    /// Profiles one row of a batch that [`Self::write_as_is`] writes.
    pub fn profile_row(&mut self, values: &[Value<'_>]) -> Result<(), ConvertError> {
        Ok(self.profiler.add_row(values, false)?)
    }

    /// Writes a batch in the writer's schema as it is (its rows profiled with
    /// [`Self::profile_row`]).
    pub fn write_as_is(&mut self, batch: &RecordBatch) -> Result<(), ConvertError> {
        self.encoder.write(batch.clone())
    }

    pub fn rows(&self) -> u64 {
        self.profiler.rows()
    }

    fn write_batch(&mut self) -> Result<(), ConvertError> {
        if self.pending == 0 {
            return Ok(());
        }
        let arrays = self
            .builders
            .iter_mut()
            .map(ColumnBuilder::finish)
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)?;
        self.encoder.write(batch)?;
        self.pending = 0;
        Ok(())
    }

    /// Writes what is pending and the Parquet footer; `size_bytes` is the raw file's size.
    pub fn finish(mut self, size_bytes: u64) -> Result<Written<W>, ConvertError> {
        self.write_batch()?;
        let sink = self.encoder.finish()?;
        Ok(Written {
            sink,
            profile: self.profiler.finish(size_bytes)?,
        })
    }
}

/// The Parquet writer on its own thread. Dropped without [`Encoder::finish`] (a conversion that
/// failed), it closes its queue and the thread ends on its own; what it wrote is discarded with
/// the sink.
struct Encoder<W> {
    batches: Option<SyncSender<RecordBatch>>,
    thread: Option<JoinHandle<Result<W, ConvertError>>>,
}

impl<W: Write + Send + 'static> Encoder<W> {
    fn start(sink: W, schema: SchemaRef) -> Result<Self, ConvertError> {
        let mut writer = ArrowWriter::try_new(sink, schema, Some(writer_properties()))?;
        let (batches, queue) = sync_channel::<RecordBatch>(ENCODER_QUEUE);
        let thread = std::thread::Builder::new()
            .name("parquet-encoder".into())
            .spawn(move || {
                for batch in queue {
                    writer.write(&batch)?;
                }
                // Flushes the last row group and writes the footer (calling `finish` first
                // would write the footer twice).
                Ok(writer.into_inner()?)
            })?;
        Ok(Self {
            batches: Some(batches),
            thread: Some(thread),
        })
    }

    fn write(&mut self, batch: RecordBatch) -> Result<(), ConvertError> {
        let sent = self
            .batches
            .as_ref()
            .is_some_and(|batches| batches.send(batch).is_ok());
        if sent {
            return Ok(());
        }
        // The encoder stopped early: its own error says why.
        self.batches = None;
        match self.join() {
            Err(error) => Err(error),
            Ok(_) => Err(ConvertError::Io(io::Error::other(
                "the Parquet encoder stopped before the end of the data",
            ))),
        }
    }

    /// Waits for every batch to be encoded and returns the sink with the finished file.
    fn finish(mut self) -> Result<W, ConvertError> {
        self.batches = None;
        self.join()
    }

    fn join(&mut self) -> Result<W, ConvertError> {
        let thread = self.thread.take().ok_or_else(|| {
            ConvertError::Io(io::Error::other("the Parquet encoder was already joined"))
        })?;
        thread
            .join()
            .map_err(|_| ConvertError::Io(io::Error::other("the Parquet encoder panicked")))?
    }
}
