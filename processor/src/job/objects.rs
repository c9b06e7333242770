//! The job's S3 objects: the raw upload read as a stream (never whole in memory) and the typed
//! Parquet file written under the data set version's prefix.

use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::sync::Arc;

use futures_util::TryStreamExt;
use object_store::buffered::BufWriter;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::{StreamReader, SyncIoBridge};

use super::tracker::Tracker;
use crate::error::JobError;
use crate::events::OutputLocation;

/// Name of the one Parquet file of a data set version, under its prefix.
pub const PARQUET_FILE: &str = "data.parquet";
/// Bytes sent to S3 per part of the Parquet upload (S3's minimum part is 5 MiB).
const UPLOAD_PART_BYTES: usize = 16 * 1024 * 1024;
/// Parts of the Parquet upload in flight at once.
const UPLOAD_CONCURRENCY: usize = 4;
/// Buffer of the blocking reader over the raw object's stream.
const READ_BUFFER_BYTES: usize = 1 << 20;

/// The object key of the raw upload as an object_store path (ingestion generates the keys, so
/// one that does not parse is a bug).
pub fn raw_path(key: &str) -> Result<Path, JobError> {
    Path::parse(key).map_err(|error| JobError::Internal(format!("raw object key {key:?}: {error}")))
}

/// Where the Parquet file of `output` goes.
pub fn parquet_path(output: &OutputLocation) -> Path {
    Path::from(format!("{}{PARQUET_FILE}", output.prefix))
}

/// A missing raw object is the user's to fix (upload again), not a dependency failure.
fn missing_or(error: object_store::Error) -> JobError {
    match error {
        object_store::Error::NotFound { .. } => JobError::Rejected {
            code: "RAW_OBJECT_MISSING",
            reason: "The uploaded file is no longer in storage (it was deleted or expired before it could be processed). Upload it again.".into(),
        },
        other => JobError::Storage(other),
    }
}

/// The raw object as a blocking [`Read`] for a converter on a blocking thread, counting the
/// bytes read into `tracker`. Must be called on the runtime (the bridge keeps its handle).
pub async fn open_raw(
    store: &Arc<dyn ObjectStore>,
    path: &Path,
    tracker: &Arc<Tracker>,
) -> Result<impl Read + Send + 'static, JobError> {
    let object = store.get(path).await.map_err(missing_or)?;
    let stream = object.into_stream().map_err(|error| match error {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, error),
        other => io::Error::other(other),
    });
    let bridge = SyncIoBridge::new(StreamReader::new(stream));
    tracker.start_pass();
    Ok(BufReader::with_capacity(
        READ_BUFFER_BYTES,
        tracker.counting(bridge),
    ))
}

/// The raw object copied into `file` (Parquet needs to seek to its footer); returns its size.
pub async fn download_raw(
    store: &Arc<dyn ObjectStore>,
    path: &Path,
    tracker: &Arc<Tracker>,
    file: std::fs::File,
) -> Result<std::fs::File, JobError> {
    let reader = open_raw(store, path, tracker).await?;
    tokio::task::spawn_blocking(move || {
        let mut reader = reader;
        let mut file = file;
        io::copy(&mut reader, &mut file)?;
        file.seek(SeekFrom::Start(0))?;
        Ok::<_, io::Error>(file)
    })
    .await
    .map_err(|error| JobError::Internal(format!("download task: {error}")))?
    .map_err(JobError::Io)
}

/// Writes `file` to `path` (one PUT when small, else a multipart upload that appears whole or
/// not at all), counting the bytes sent into `tracker`. Returns the bytes written.
pub async fn upload(
    store: &Arc<dyn ObjectStore>,
    path: &Path,
    file: std::fs::File,
    tracker: &Tracker,
) -> Result<u64, JobError> {
    let mut file = tokio::fs::File::from_std(file);
    file.seek(SeekFrom::Start(0)).await?;
    let size = file.metadata().await?.len();
    tracker.start_upload(size);
    let mut writer = BufWriter::with_capacity(Arc::clone(store), path.clone(), UPLOAD_PART_BYTES)
        .with_max_concurrency(UPLOAD_CONCURRENCY);
    let mut buffer = vec![0u8; UPLOAD_PART_BYTES];
    let sent = async {
        loop {
            let n = file.read(&mut buffer).await?;
            if n == 0 {
                break;
            }
            writer.write_all(&buffer[..n]).await?;
            tracker.uploaded(n as u64);
        }
        writer.shutdown().await
    }
    .await;
    if let Err(error) = sent {
        // Drops the parts sent so far; the version's object is left as it was.
        if let Err(abort) = writer.abort().await {
            tracing::warn!(error = %abort, "could not abort the Parquet upload");
        }
        return Err(JobError::Io(error));
    }
    Ok(size)
}
