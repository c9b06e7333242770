//! The `data.ingestion` consumer: one message at a time, each job's outcome published together
//! with the message's offset in one Kafka transaction.
//!
//! - The consumer group is `KAFKA_GROUP_PREFIX` + `processor`; offsets are never committed by
//!   the consumer itself (`enable.auto.commit=false`) but by the transaction that publishes the
//!   outcome, after the outputs are durable (Parquet in S3, profile in PostgreSQL). A crash
//!   before that commit redelivers the message; [`crate::job`] then finds the recorded event
//!   and publishes it, so each job has exactly one `data.processing.complete` or `.failed`.
//! - Consumers of the outcome topics read committed messages only (kafkajs' default, and this
//!   consumer's `isolation.level`), so an aborted transaction publishes nothing.
//! - A message that is not a valid `data.ingestion` event (a poison message) goes to
//!   `data.ingestion.dlq` with the reason in a header, in the same kind of transaction: it
//!   never blocks its partition.
//! - A job may run for long: `max.poll.interval.ms` is [`MAX_JOB_TIME`].
//! - When a transaction fails (Kafka down, the producer fenced), the producer is rebuilt and
//!   the same outcome is published again until it succeeds or the service shuts down.

use std::time::Duration;

use prometheus::IntGauge;
use rdkafka::consumer::{
    BaseConsumer, Consumer, ConsumerContext, ConsumerGroupMetadata, Rebalance, StreamConsumer,
};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::{ClientConfig, ClientContext, Offset, TopicPartitionList};
use tokio_util::sync::CancellationToken;

use crate::config::KafkaConfig;
use crate::connections::kafka::KafkaContext;
use crate::error::{ConnectionError, chain};
use crate::events::{DataIngestion, Event, topics};
use crate::job::{Jobs, Outcome, store};
use crate::service::Backoff;

/// The longest a job may take before the group hands its partition to another consumer.
pub const MAX_JOB_TIME: Duration = Duration::from_secs(3600);
/// Budget of each transactional call (init, offsets, commit, abort).
const TRANSACTION_TIMEOUT: Duration = Duration::from_secs(30);
/// Pauses between two tries at publishing an outcome.
const PUBLISH_BACKOFF: (Duration, Duration) = (Duration::from_millis(500), Duration::from_secs(10));
/// Longest reason kept in a dead-letter header.
const DLQ_REASON_MAX: usize = 1000;

/// The consumer's context: logs like every client and counts the partitions assigned (tests
/// and operators wait for the assignment before producing).
pub struct ConsumerLog {
    log: KafkaContext,
    assigned: IntGauge,
}

impl ClientContext for ConsumerLog {
    fn log(&self, level: rdkafka::config::RDKafkaLogLevel, facility: &str, message: &str) {
        self.log.log(level, facility, message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.log.error(error, reason);
    }
}

impl ConsumerContext for ConsumerLog {
    fn post_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(partitions) => {
                self.assigned.set(partitions.count() as i64);
                tracing::info!(
                    partitions = partitions.count(),
                    "data.ingestion partitions assigned"
                );
            }
            Rebalance::Revoke(_) => self.assigned.set(0),
            Rebalance::Error(error) => tracing::warn!(%error, "rebalance failed"),
        }
    }
}

/// What one message comes to.
enum Action {
    Publish {
        topic: String,
        key: String,
        payload: Vec<u8>,
        headers: Option<OwnedHeaders>,
        /// The job whose run is marked published after the commit.
        mark: Option<uuid::Uuid>,
    },
    CommitOnly,
}

/// Consumes `data.ingestion` until `shutdown`.
pub async fn run(
    config: &KafkaConfig,
    jobs: &Jobs<'_>,
    assigned: IntGauge,
    shutdown: &CancellationToken,
) -> Result<(), ConnectionError> {
    let consumer: StreamConsumer<ConsumerLog> = ClientConfig::new()
        .set("bootstrap.servers", config.bootstrap_servers())
        .set("client.id", format!("{}-consumer", config.client_id))
        .set("group.id", &config.group_id)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        // A new group reads from the start: a job queued before the first start is not lost.
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", "read_committed")
        .set("max.poll.interval.ms", MAX_JOB_TIME.as_millis().to_string())
        .create_with_context(ConsumerLog {
            log: KafkaContext::default(),
            assigned,
        })?;
    consumer.subscribe(&[topics::DATA_INGESTION])?;
    let mut publisher = Publisher::new(config)?;
    tracing::info!(group = %config.group_id, "consuming data.ingestion");

    loop {
        let message = tokio::select! {
            message = consumer.recv() => message,
            () = shutdown.cancelled() => break,
        };
        let message = match message {
            Ok(message) => message,
            Err(error) => {
                tracing::warn!(%error, "cannot read data.ingestion");
                if pause_unless_shut_down(Duration::from_secs(1), shutdown).await {
                    continue;
                }
                break;
            }
        };
        let (topic, partition, offset) = (
            message.topic().to_string(),
            message.partition(),
            message.offset(),
        );
        let payload = message.payload().unwrap_or_default().to_vec();
        let key = message.key().map(<[u8]>::to_vec);
        drop(message);

        let action = match DataIngestion::parse(&payload) {
            Err(reason) => {
                tracing::warn!(partition, offset, %reason, "poison message sent to the dead-letter topic");
                jobs.metrics.job_outcome("dead_lettered");
                Action::Publish {
                    topic: topics::DATA_INGESTION_DLQ.into(),
                    key: String::from_utf8_lossy(key.as_deref().unwrap_or_default()).into_owned(),
                    payload,
                    headers: Some(dead_letter_headers(&topic, partition, offset, &reason)),
                    mark: None,
                }
            }
            Ok(job) => {
                tracing::info!(job_id = %job.job_id, source_type = ?job.source_type, size_bytes = job.size_bytes.get(), "job received");
                let timer = jobs.metrics.job_timer();
                // Shutdown does not wait for the job: its message stays uncommitted and the
                // next start redoes it (same outputs, one outcome event).
                let handled = tokio::select! {
                    handled = jobs.handle(&job, shutdown) => handled,
                    () = shutdown.cancelled() => None,
                };
                let Some(outcome) = handled else {
                    tracing::info!(job_id = %job.job_id, "shutting down mid-job; it will be redone");
                    break;
                };
                drop(timer);
                match outcome {
                    Outcome::Skip(why) => {
                        tracing::info!(job_id = %job.job_id, why, "job skipped");
                        jobs.metrics.job_outcome("skipped");
                        Action::CommitOnly
                    }
                    Outcome::Publish { recorded, stored } => {
                        let kind = if recorded.topic == topics::PROCESSING_COMPLETE {
                            "completed"
                        } else {
                            "failed"
                        };
                        tracing::info!(job_id = %job.job_id, outcome = kind, "job done");
                        jobs.metrics.job_outcome(kind);
                        Action::Publish {
                            topic: recorded.topic,
                            key: job.job_id.to_string(),
                            payload: recorded.payload.into_bytes(),
                            headers: None,
                            mark: stored.then_some(job.job_id),
                        }
                    }
                }
            }
        };

        let mut offsets = TopicPartitionList::new();
        offsets.add_partition_offset(&topic, partition, Offset::Offset(offset + 1))?;
        if !publish_until_committed(
            &consumer,
            &mut publisher,
            config,
            &action,
            &offsets,
            shutdown,
        )
        .await?
        {
            return Ok(());
        }
        if let Action::Publish {
            mark: Some(job_id), ..
        } = &action
        {
            let marked = match jobs.postgres.client().await {
                Ok(client) => store::mark_published(&client, *job_id).await,
                Err(error) => Err(error.into()),
            };
            if let Err(error) = marked {
                // Harmless: a redelivery would publish the same event id, which consumers drop.
                tracing::warn!(%error, %job_id, "outcome published but not marked so");
            }
        }
    }
    tracing::info!("data.ingestion consumer stopped");
    Ok(())
}

/// Publishes `action` with `offsets` in one transaction, rebuilding the producer and trying
/// again after each failure. False when `shutdown` came first (nothing was committed).
async fn publish_until_committed(
    consumer: &StreamConsumer<ConsumerLog>,
    publisher: &mut Publisher,
    config: &KafkaConfig,
    action: &Action,
    offsets: &TopicPartitionList,
    shutdown: &CancellationToken,
) -> Result<bool, ConnectionError> {
    let mut backoff = Backoff::new(PUBLISH_BACKOFF.0, PUBLISH_BACKOFF.1);
    loop {
        let Some(group) = consumer.group_metadata() else {
            return Err(ConnectionError::Kafka(KafkaError::Subscription(
                "the consumer has no group metadata".into(),
            )));
        };
        let error = match publisher.commit(action, offsets, &group).await {
            Ok(()) => return Ok(true),
            Err(error) => error,
        };
        let pause = backoff.next_delay();
        tracing::warn!(error = %chain(&error), retry_in_ms = pause.as_millis() as u64, "cannot publish the outcome; retrying");
        if !pause_unless_shut_down(pause, shutdown).await {
            return Ok(false);
        }
        match Publisher::new(config) {
            Ok(fresh) => *publisher = fresh,
            Err(error) => {
                tracing::warn!(error = %chain(&error), "cannot recreate the transactional producer")
            }
        }
    }
}

/// Sleeps for `pause`; false if `shutdown` came first.
async fn pause_unless_shut_down(pause: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        () = tokio::time::sleep(pause) => true,
        () = shutdown.cancelled() => false,
    }
}

/// The transactional producer of outcomes and dead letters.
struct Publisher {
    producer: FutureProducer<KafkaContext>,
}

impl Publisher {
    /// A producer with its transactions initialised (fencing any earlier producer of the same
    /// transactional id).
    fn new(config: &KafkaConfig) -> Result<Self, ConnectionError> {
        let producer: FutureProducer<KafkaContext> = ClientConfig::new()
            .set("bootstrap.servers", config.bootstrap_servers())
            .set("client.id", format!("{}-events", config.client_id))
            .set("transactional.id", &config.transactional_id)
            .set("enable.idempotence", "true")
            .set("transaction.timeout.ms", "60000")
            .create_with_context(KafkaContext::default())?;
        // librdkafka's transactional calls block until the broker answers or the timeout.
        tokio::task::block_in_place(|| producer.init_transactions(TRANSACTION_TIMEOUT))?;
        Ok(Self { producer })
    }

    /// Publishes `action`'s message (if any) and commits `offsets` in one transaction.
    async fn commit(
        &self,
        action: &Action,
        offsets: &TopicPartitionList,
        group: &ConsumerGroupMetadata,
    ) -> Result<(), KafkaError> {
        let producer = &self.producer;
        tokio::task::block_in_place(|| producer.begin_transaction())?;
        let sent = async {
            if let Action::Publish {
                topic,
                key,
                payload,
                headers,
                ..
            } = action
            {
                let mut record = FutureRecord::to(topic).key(key).payload(payload);
                if let Some(headers) = headers {
                    record = record.headers(headers.clone());
                }
                producer
                    .send(record, TRANSACTION_TIMEOUT)
                    .await
                    .map_err(|(error, _)| error)?;
            }
            tokio::task::block_in_place(|| {
                producer.send_offsets_to_transaction(offsets, group, TRANSACTION_TIMEOUT)?;
                producer.commit_transaction(TRANSACTION_TIMEOUT)
            })
        }
        .await;
        if sent.is_err() {
            let _ = tokio::task::block_in_place(|| producer.abort_transaction(TRANSACTION_TIMEOUT));
        }
        sent
    }
}

/// Where a dead letter came from and why it was refused.
fn dead_letter_headers(topic: &str, partition: i32, offset: i64, reason: &str) -> OwnedHeaders {
    let reason: String = reason.chars().take(DLQ_REASON_MAX).collect();
    OwnedHeaders::new()
        .insert(Header {
            key: "dlq-reason",
            value: Some(reason.as_str()),
        })
        .insert(Header {
            key: "dlq-source-topic",
            value: Some(topic),
        })
        .insert(Header {
            key: "dlq-source-partition",
            value: Some(&partition.to_string()),
        })
        .insert(Header {
            key: "dlq-source-offset",
            value: Some(&offset.to_string()),
        })
}
