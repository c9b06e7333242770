//! One job: the raw object of a `data.ingestion` event becomes typed Parquet in S3 and a
//! profile in PostgreSQL, and its outcome event is recorded for [`crate::consumer`] to publish.
//!
//! 1. [`store::job_state`]: skip a job this stack does not know (another stack sharing Kafka,
//!    or a deleted data set) or that finished already.
//! 2. [`store::recorded`]: a job delivered again after its outcome was recorded publishes that
//!    outcome (the same event) and does nothing else.
//! 3. Convert: CSV and JSON stream from S3 into the converter on a blocking thread; Parquet is
//!    copied to a temporary file first (its footer is at the end). A late type conflict starts
//!    the pass over with the column as text, at most [`MAX_PASSES`] times.
//! 4. Upload the Parquet file to `datasets/<id>/v<version>/data.parquet` (one object, written
//!    whole or not at all, the same key on every attempt).
//! 5. Check the job is still this stack's (the data set may have been deleted meanwhile; then
//!    the file is removed), then record the profile and the completion event in one statement.
//!
//! S3 or PostgreSQL failures are retried [`crate::config::Options::job_attempts`] times with
//! doubling pauses; then, like a file that cannot be converted, the job fails with a reason the
//! user can act on.

pub mod objects;
pub mod progress;
pub mod store;
pub mod tracker;

use std::io::BufWriter;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use object_store::ObjectStoreExt;
use tokio_util::sync::CancellationToken;

use self::progress::ProgressPublisher;
use self::store::{JobState, Recorded};
use self::tracker::Tracker;
use crate::config::Options;
use crate::connections::postgres::PostgresClient;
use crate::connections::s3::S3Client;
use crate::convert::{Hints, csv, json, parquet};
use crate::error::{ConvertError, JobError};
use crate::events::{
    DataIngestion, FailureCode, OutputLocation, ProcessingComplete, ProcessingFailed, SourceType,
    now,
};
use crate::metrics::Metrics;
use crate::profile::dataset::DatasetProfile;
use crate::service::Backoff;

/// Passes over one file at most (each late type conflict costs one).
pub const MAX_PASSES: usize = 8;
/// Cap of the pause between two attempts at a job.
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(30);
/// Buffer between a converter and its temporary Parquet file.
const SINK_BUFFER_BYTES: usize = 1 << 20;

/// What the consumer does with a message once its job is handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Publish this recorded event with the message's offset; `stored` when it is in
    /// `quality.processing_runs` (then it is marked published afterwards).
    Publish { recorded: Recorded, stored: bool },
    /// Nothing to publish; commit the offset.
    Skip(&'static str),
}

/// What the jobs need, borrowed from the service.
pub struct Jobs<'a> {
    pub s3: &'a S3Client,
    pub postgres: &'a PostgresClient,
    pub progress: &'a ProgressPublisher,
    pub metrics: &'a Metrics,
    pub options: Options,
    pub work_dir: PathBuf,
    /// The raw bucket of the configuration: the only one a job may read.
    pub raw_bucket: String,
}

impl Jobs<'_> {
    /// Handles `job` to an outcome: never an error, since every failure becomes a
    /// `data.processing.failed` event. Returns `None` only when `shutdown` interrupted it (the
    /// message is then left uncommitted, for the next start).
    pub async fn handle(
        &self,
        job: &DataIngestion,
        shutdown: &CancellationToken,
    ) -> Option<Outcome> {
        let started = Instant::now();
        let mut backoff = Backoff::new(self.options.job_retry_backoff, MAX_RETRY_PAUSE);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.attempt(job, started).await {
                Ok(outcome) => return Some(outcome),
                Err(error) => error,
            };
            if error.is_transient() && attempt < self.options.job_attempts {
                let pause = backoff.next_delay();
                tracing::warn!(
                    job_id = %job.job_id, attempt, retry_in_ms = pause.as_millis() as u64,
                    error = %error, "job attempt failed; retrying"
                );
                tokio::select! {
                    () = tokio::time::sleep(pause) => continue,
                    () = shutdown.cancelled() => return None,
                }
            }
            tracing::error!(
                job_id = %job.job_id, dataset_id = %job.dataset_id, attempt, error = %error,
                backtrace = %std::backtrace::Backtrace::force_capture(), "job failed"
            );
            return Some(self.fail(job, &error).await);
        }
    }

    async fn attempt(&self, job: &DataIngestion, started: Instant) -> Result<Outcome, JobError> {
        let client = self.postgres.client().await?;
        match store::job_state(&client, job.job_id).await? {
            JobState::Unknown => return Ok(Outcome::Skip("not a job of this stack")),
            JobState::Finished => return Ok(Outcome::Skip("finished already")),
            JobState::Open => {}
        }
        if let Some(recorded) = store::recorded(&client, job.job_id).await? {
            return Ok(if recorded.published {
                Outcome::Skip("outcome published already")
            } else {
                Outcome::Publish {
                    recorded,
                    stored: true,
                }
            });
        }
        drop(client);
        if job.raw_object.bucket != self.raw_bucket {
            return Err(JobError::Rejected {
                code: "INVALID_EVENT",
                reason: "The upload names a storage bucket the processor does not read from. Upload the file again.".into(),
            });
        }

        let tracker = Tracker::new(job.size_bytes.get());
        let following = self.progress.follow(job, Arc::clone(&tracker));
        let converted = self.convert_and_upload(job, &tracker).await;
        if converted.is_ok() {
            tracker.start_storing();
        }
        following.finish().await;
        let (profile, output) = converted?;

        let client = self.postgres.client().await?;
        if store::job_state(&client, job.job_id).await? == JobState::Unknown {
            // Deleted while we worked: leave nothing behind.
            let path = objects::parquet_path(&output);
            if let Err(error) = self.s3.data().delete(&path).await {
                tracing::warn!(%error, %path, "could not remove the Parquet of a deleted data set");
            }
            return Ok(Outcome::Skip("data set deleted while processing"));
        }
        let event = ProcessingComplete {
            event_id: uuid::Uuid::new_v4(),
            occurred_at: now(),
            job_id: job.job_id,
            dataset_id: job.dataset_id,
            version: job.version,
            row_count: profile.row_count,
            column_count: profile.column_count,
            output,
            processing_time_ms: started.elapsed().as_millis() as u64,
        };
        let recorded = store::record_completion(&client, job, &profile, &event).await?;
        self.metrics.job_rows(profile.row_count);
        Ok(Outcome::Publish {
            recorded,
            stored: true,
        })
    }

    async fn convert_and_upload(
        &self,
        job: &DataIngestion,
        tracker: &Arc<Tracker>,
    ) -> Result<(DatasetProfile, OutputLocation), JobError> {
        let raw = objects::raw_path(&job.raw_object.key)?;
        let size = job.size_bytes.get();
        let mut hints = Hints::default();
        let mut passes = 0;
        let (file, profile) = loop {
            passes += 1;
            let sink =
                BufWriter::with_capacity(SINK_BUFFER_BYTES, tempfile::tempfile_in(&self.work_dir)?);
            let rows = Arc::clone(tracker);
            let source_type = job.source_type;
            let converted = match source_type {
                SourceType::Csv | SourceType::Json => {
                    let reader = objects::open_raw(self.s3.raw(), &raw, tracker).await?;
                    let pass_hints = hints.clone();
                    blocking(move || match source_type {
                        SourceType::Csv => {
                            csv::convert(reader, sink, size, &pass_hints, &rows.rows)
                        }
                        _ => json::convert(reader, sink, size, &pass_hints, &rows.rows),
                    })
                    .await?
                }
                SourceType::Parquet => {
                    let copy = tempfile::tempfile_in(&self.work_dir)?;
                    let copy = objects::download_raw(self.s3.raw(), &raw, tracker, copy).await?;
                    blocking(move || parquet::convert(copy, sink, size, &rows.rows)).await?
                }
            };
            match converted {
                Ok(written) => {
                    let file = written
                        .sink
                        .into_inner()
                        .map_err(|error| JobError::Io(error.into_error()))?;
                    break (file, written.profile);
                }
                Err(error) if passes < MAX_PASSES && hints.learn(&error) => {
                    tracing::info!(job_id = %job.job_id, passes, %error, "starting the pass over");
                }
                Err(ConvertError::Conflict { .. } | ConvertError::UnseenColumn { .. }) => {
                    return Err(JobError::Rejected {
                        code: "UNSTABLE_TYPES",
                        reason: format!(
                            "Column types kept changing deep into the file ({MAX_PASSES} passes). Make each column hold one kind of value, or split the file, and upload it again."
                        ),
                    });
                }
                Err(error) => return Err(error.into()),
            }
        };
        let output =
            OutputLocation::for_dataset(self.s3.data_bucket(), job.dataset_id, job.version);
        objects::upload(
            self.s3.data(),
            &objects::parquet_path(&output),
            file,
            tracker,
        )
        .await?;
        Ok((profile, output))
    }

    /// The failure event of `job`, recorded when PostgreSQL allows (else published unrecorded).
    async fn fail(&self, job: &DataIngestion, error: &JobError) -> Outcome {
        let (code, reason) = error.failure();
        let event = ProcessingFailed {
            event_id: uuid::Uuid::new_v4(),
            occurred_at: now(),
            job_id: job.job_id,
            dataset_id: job.dataset_id,
            code: FailureCode::new(code)
                .unwrap_or_else(|_| FailureCode::new("PROCESSING_ERROR").expect("a valid code")),
            reason: cut(&reason, 1000),
        };
        let recorded = match self.postgres.client().await {
            Ok(client) => store::record_failure(&client, job, &event).await,
            Err(error) => Err(error.into()),
        };
        match recorded {
            Ok(recorded) => Outcome::Publish {
                recorded,
                stored: true,
            },
            Err(store_error) => {
                tracing::warn!(error = %store_error, job_id = %job.job_id, "failure not recorded; publishing it anyway");
                Outcome::Publish {
                    recorded: Recorded {
                        topic: crate::events::topics::PROCESSING_FAILED.into(),
                        payload: serde_json::to_string(&event).unwrap_or_default(),
                        published: false,
                    },
                    stored: false,
                }
            }
        }
    }
}

/// Runs a converter on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, JobError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| JobError::Internal(format!("conversion task: {error}")))
}

/// `text` cut to at most `max` characters.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_string(),
        None => text.to_string(),
    }
}
