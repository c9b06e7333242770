//! The job's rows in PostgreSQL.
//!
//! - `ingestion.jobs` is read (never written) to tell whether a job belongs to this stack and
//!   is still open: stacks and test runs may share one Kafka, and a job whose data set was
//!   deleted, or that already finished, must not be processed again.
//! - `quality.profiles` gets the profile of the version, and `quality.processing_runs` the
//!   outcome event of the job, **in one statement**: a redelivered job finds its recorded event
//!   and publishes that same event (same event id) instead of processing again.

use std::sync::Arc;

use tokio_postgres::Client;
use uuid::Uuid;

use crate::error::JobError;
use crate::events::{DataIngestion, Event, ProcessingComplete, ProcessingFailed};
use crate::profile::dataset::DatasetProfile;

/// What this stack's ingestion says of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Not in this stack's database: another stack's job, or its data set was deleted.
    Unknown,
    /// Queued or processing: ours to do.
    Open,
    /// Completed or failed already.
    Finished,
}

/// An outcome event recorded for a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub topic: String,
    /// The event as JSON, exactly as it is published.
    pub payload: String,
    /// Whether a Kafka transaction carrying it was committed.
    pub published: bool,
}

impl Recorded {
    /// From a row of `topic, event::text, published_at IS NOT NULL`.
    fn from_row(row: &tokio_postgres::Row) -> Self {
        Recorded {
            topic: row.get(0),
            payload: row.get(1),
            published: row.get(2),
        }
    }
}

pub async fn job_state(client: &Client, job_id: Uuid) -> Result<JobState, JobError> {
    let row = client
        .query_opt(
            "SELECT status FROM ingestion.jobs WHERE id = $1",
            &[&job_id],
        )
        .await?;
    Ok(match row.map(|r| r.get::<_, String>(0)) {
        None => JobState::Unknown,
        Some(status) if status == "COMPLETED" || status == "FAILED" => JobState::Finished,
        Some(_) => JobState::Open,
    })
}

pub async fn recorded(client: &Client, job_id: Uuid) -> Result<Option<Recorded>, JobError> {
    let row = client
        .query_opt(
            "SELECT topic, event::text, published_at IS NOT NULL
               FROM quality.processing_runs WHERE job_id = $1",
            &[&job_id],
        )
        .await?;
    Ok(row.as_ref().map(Recorded::from_row))
}

/// Stores the profile of the job's version and its completion event together. When an event
/// was recorded for the job already (a race with another delivery), that one is returned.
pub async fn record_completion(
    client: &Client,
    job: &DataIngestion,
    profile: &DatasetProfile,
    event: &ProcessingComplete,
) -> Result<Recorded, JobError> {
    let columns = json(&profile.columns)?;
    let issues = json(&profile.issues)?;
    let payload = json(event)?;
    let version = version(job);
    let row = client
        .query_one(
            "WITH profile AS (
               INSERT INTO quality.profiles (dataset_id, version, row_count, column_count,
                   size_bytes, duplicate_rows, quality_score, columns, issues, generated_at,
                   owner_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9::text::jsonb, now(), $13)
               ON CONFLICT (dataset_id, version) DO UPDATE SET
                 row_count = EXCLUDED.row_count, column_count = EXCLUDED.column_count,
                 size_bytes = EXCLUDED.size_bytes, duplicate_rows = EXCLUDED.duplicate_rows,
                 quality_score = EXCLUDED.quality_score, columns = EXCLUDED.columns,
                 issues = EXCLUDED.issues, generated_at = EXCLUDED.generated_at,
                 owner_id = EXCLUDED.owner_id
             )
             INSERT INTO quality.processing_runs (job_id, dataset_id, version, topic, event)
             VALUES ($10, $1, $2, $11, $12::text::jsonb)
             ON CONFLICT (job_id) DO UPDATE SET job_id = EXCLUDED.job_id
             RETURNING topic, event::text, published_at IS NOT NULL",
            &[
                &job.dataset_id,
                &version,
                &i64_of(profile.row_count),
                &(profile.column_count as i32),
                &i64_of(profile.size_bytes),
                &i64_of(profile.duplicate_rows),
                &profile.quality_score,
                &columns,
                &issues,
                &job.job_id,
                &ProcessingComplete::TOPIC,
                &payload,
                &job.user_id,
            ],
        )
        .await?;
    Ok(Recorded::from_row(&row))
}

/// Records the job's failure event (or returns the event recorded before).
pub async fn record_failure(
    client: &Client,
    job: &DataIngestion,
    event: &ProcessingFailed,
) -> Result<Recorded, JobError> {
    let payload = json(event)?;
    let row = client
        .query_one(
            "INSERT INTO quality.processing_runs (job_id, dataset_id, version, topic, event)
             VALUES ($1, $2, $3, $4, $5::text::jsonb)
             ON CONFLICT (job_id) DO UPDATE SET job_id = EXCLUDED.job_id
             RETURNING topic, event::text, published_at IS NOT NULL",
            &[
                &job.job_id,
                &job.dataset_id,
                &version(job),
                &ProcessingFailed::TOPIC,
                &payload,
            ],
        )
        .await?;
    Ok(Recorded::from_row(&row))
}

/// Notes that the job's event went out in a committed transaction.
pub async fn mark_published(client: &Arc<Client>, job_id: Uuid) -> Result<(), JobError> {
    client
        .execute(
            "UPDATE quality.processing_runs SET published_at = now()
              WHERE job_id = $1 AND published_at IS NULL",
            &[&job_id],
        )
        .await?;
    Ok(())
}

fn version(job: &DataIngestion) -> i32 {
    // The contract bounds versions far below i32::MAX (the column is an integer).
    i32::try_from(job.version.get()).unwrap_or(i32::MAX)
}

fn i64_of(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn json(value: &impl serde::Serialize) -> Result<String, JobError> {
    serde_json::to_string(value).map_err(|error| JobError::Internal(format!("json: {error}")))
}
