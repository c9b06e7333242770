//! `data.processing.progress` while a job runs: one event when it starts, then one whenever it
//! crosses another 10 % or a second has passed, whichever comes first.
//!
//! Progress is advisory: events go through an idempotent producer outside the outcome's
//! transaction (so subscribers see them at once) and a full queue or a broker down drops them
//! rather than holding the job. The outcome waits for them to be flushed, so a subscriber sees
//! them before the completion whenever Kafka is up.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::tracker::{Stage, Tracker};
use crate::config::KafkaConfig;
use crate::connections::kafka::KafkaContext;
use crate::error::ConnectionError;
use crate::events::{DataIngestion, Event, JobStatus, Percent, ProcessingProgress, now};

/// How often the progress task looks at the tracker.
const TICK: Duration = Duration::from_millis(200);
/// An event at least this often while the job runs.
const AT_LEAST_EVERY: Duration = Duration::from_secs(1);
/// ...and whenever the percent crosses another multiple of this.
const STEP_PERCENT: u8 = 10;
/// How long the outcome waits for queued progress events.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

pub struct ProgressPublisher {
    producer: FutureProducer<KafkaContext>,
}

impl ProgressPublisher {
    pub fn new(config: &KafkaConfig) -> Result<Self, ConnectionError> {
        let producer = ClientConfig::new()
            .set("bootstrap.servers", config.bootstrap_servers())
            .set("client.id", format!("{}-progress", config.client_id))
            .set("enable.idempotence", "true")
            .set("linger.ms", "5")
            // Progress older than this is no news: drop it rather than queue it for long.
            .set("message.timeout.ms", "30000")
            .create_with_context(KafkaContext::default())?;
        Ok(Self { producer })
    }

    /// Starts reporting `job`'s progress from `tracker` until [`Following::finish`].
    pub fn follow(&self, job: &DataIngestion, tracker: Arc<Tracker>) -> Following {
        let stop = CancellationToken::new();
        let task = tokio::spawn(report(
            self.producer.clone(),
            job.clone(),
            tracker,
            stop.clone(),
        ));
        Following {
            stop,
            task,
            producer: self.producer.clone(),
        }
    }
}

/// A job being reported on.
pub struct Following {
    stop: CancellationToken,
    task: JoinHandle<()>,
    producer: FutureProducer<KafkaContext>,
}

impl Following {
    /// Stops reporting and waits (briefly) for the events still queued.
    pub async fn finish(self) {
        self.stop.cancel();
        let _ = self.task.await;
        let producer = self.producer;
        let flushed = tokio::task::spawn_blocking(move || producer.flush(FLUSH_TIMEOUT)).await;
        if let Ok(Err(error)) = flushed {
            tracing::debug!(%error, "progress events not all delivered");
        }
    }
}

async fn report(
    producer: FutureProducer<KafkaContext>,
    job: DataIngestion,
    tracker: Arc<Tracker>,
    stop: CancellationToken,
) {
    let mut interval = tokio::time::interval(TICK);
    let mut last: Option<(u8, Instant)> = None;
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            () = stop.cancelled() => return,
        }
        let percent = tracker.percent();
        let due = match last {
            None => true,
            Some((sent, at)) => {
                percent / STEP_PERCENT > sent / STEP_PERCENT || at.elapsed() >= AT_LEAST_EVERY
            }
        };
        if !due {
            continue;
        }
        last = Some((percent, Instant::now()));
        let event = ProcessingProgress {
            event_id: uuid::Uuid::new_v4(),
            occurred_at: now(),
            job_id: job.job_id,
            dataset_id: job.dataset_id,
            status: JobStatus::Processing,
            progress: Percent::new(percent).unwrap_or(Percent::new(100).expect("100 is valid")),
            rows_processed: Some(tracker.rows.rows()),
            message: Some(
                match tracker.stage() {
                    Stage::Reading => "Reading and profiling the file",
                    Stage::Uploading => "Writing the typed Parquet file",
                    Stage::Storing => "Storing the profile",
                }
                .to_string(),
            ),
        };
        let Ok(payload) = serde_json::to_string(&event) else {
            continue;
        };
        let key = event.key().to_string();
        let record = FutureRecord::to(ProcessingProgress::TOPIC)
            .key(&key)
            .payload(&payload);
        if let Err((error, _)) = producer.send_result(record) {
            tracing::debug!(%error, job_id = %job.job_id, "progress event dropped");
        }
    }
}
