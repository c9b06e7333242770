//! Kafka: a librdkafka client used for cluster metadata.
//!
//! The client is a `ThreadedProducer` that produces nothing yet: its background thread serves
//! librdkafka's main queue, which carries the library's log and error events (logged through
//! `tracing` by [`KafkaContext`] under the `librdkafka` target). An admin client was tried
//! first; it never polls that queue, so with a broker down its events would pile up unread.
//! The processing issue publishes the job events through this client's configuration.
//!
//! With a broker down librdkafka reports the same error many times a second (and rdkafka hands
//! each error event to the context twice), so [`KafkaContext`] logs each kind of message at
//! most once per [`LOG_REPEAT_INTERVAL`], with the number it held back.
//!
//! The check fetches the metadata of **all** topics (asking for one topic by name could make a
//! broker with `auto.create.topics.enable` create it) and verifies that every required topic
//! exists with partitions and no error. This client never consumes and never commits offsets:
//! the consumer of `data.ingestion` arrives with the processing itself.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::KafkaError;
use rdkafka::producer::{DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientConfig, ClientContext};

use crate::config::KafkaConfig;
use crate::error::ConnectionError;

/// Shortest pause between two log lines of the same kind from librdkafka.
pub const LOG_REPEAT_INTERVAL: Duration = Duration::from_secs(30);

/// A Kafka client that, for now, only reads cluster metadata.
pub struct KafkaClient {
    producer: Arc<ThreadedProducer<KafkaContext>>,
    required_topics: Vec<String>,
    timeout: Duration,
}

impl KafkaClient {
    /// Creates the client (no network I/O yet; librdkafka connects in the background).
    pub fn new(config: &KafkaConfig, timeout: Duration) -> Result<Self, ConnectionError> {
        // librdkafka's ranges: socket.timeout.ms >= 10, socket.connection.setup.timeout.ms
        // >= 1000. The metadata request itself is bounded by `timeout` in `check`.
        let socket_ms = timeout.as_millis().clamp(10, 300_000).to_string();
        let setup_ms = timeout.as_millis().clamp(1_000, 300_000).to_string();
        let producer: ThreadedProducer<KafkaContext> = ClientConfig::new()
            .set("bootstrap.servers", config.bootstrap_servers())
            .set("client.id", &config.client_id)
            .set("socket.timeout.ms", socket_ms.as_str())
            .set("socket.connection.setup.timeout.ms", setup_ms.as_str())
            .create_with_context(KafkaContext::default())?;
        Ok(Self {
            producer: Arc::new(producer),
            required_topics: config.required_topics.clone(),
            timeout,
        })
    }

    /// Fetches the cluster metadata and checks the required topics.
    pub async fn check(&self) -> Result<(), ConnectionError> {
        let producer = Arc::clone(&self.producer);
        let timeout = self.timeout;
        // librdkafka's metadata call blocks its thread until the answer or the timeout.
        let present = tokio::task::spawn_blocking(move || {
            let metadata = producer.client().fetch_metadata(None, timeout)?;
            Ok::<_, ConnectionError>(
                metadata
                    .topics()
                    .iter()
                    .map(|t| {
                        let problem = match (t.error(), t.partitions().len()) {
                            (Some(err), _) => Some(format!("{err:?}")),
                            (None, 0) => Some("no partitions".to_string()),
                            (None, _) => None,
                        };
                        (t.name().to_string(), problem)
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .await??;
        let missing = missing_topics(&self.required_topics, &present);
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ConnectionError::KafkaTopicsMissing { topics: missing })
        }
    }

    /// Stops the client's polling thread and destroys the handle (on a blocking thread:
    /// both block; with nothing queued it takes milliseconds).
    pub async fn close(self) {
        let producer = self.producer;
        let _ = tokio::task::spawn_blocking(move || drop(producer)).await;
    }
}

/// librdkafka callbacks: logs and errors through `tracing`, rate-limited per kind.
#[derive(Default)]
pub struct KafkaContext {
    limiter: RepeatLimiter,
}

impl ClientContext for KafkaContext {
    fn log(&self, level: RDKafkaLogLevel, facility: &str, message: &str) {
        let Some(suppressed) = self
            .limiter
            .admit(&format!("log:{facility}"), Instant::now())
        else {
            return;
        };
        match level {
            RDKafkaLogLevel::Emerg
            | RDKafkaLogLevel::Alert
            | RDKafkaLogLevel::Critical
            | RDKafkaLogLevel::Error => {
                tracing::error!(target: "librdkafka", facility, suppressed, "{message}")
            }
            RDKafkaLogLevel::Warning => {
                tracing::warn!(target: "librdkafka", facility, suppressed, "{message}")
            }
            RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
                tracing::info!(target: "librdkafka", facility, suppressed, "{message}")
            }
            RDKafkaLogLevel::Debug => {
                tracing::debug!(target: "librdkafka", facility, suppressed, "{message}")
            }
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        let kind = error
            .rdkafka_error_code()
            .map_or_else(|| error.to_string(), |c| format!("{c:?}"));
        if let Some(suppressed) = self.limiter.admit(&format!("error:{kind}"), Instant::now()) {
            // A warning: the readiness check turns a lasting failure into "not ready".
            tracing::warn!(target: "librdkafka", %error, suppressed, "{reason}");
        }
    }
}

impl ProducerContext for KafkaContext {
    type DeliveryOpaque = ();

    fn delivery(&self, _: &DeliveryResult<'_>, _: Self::DeliveryOpaque) {
        // Nothing is produced yet.
    }
}

/// Lets one message of each kind through per [`LOG_REPEAT_INTERVAL`].
#[derive(Default)]
struct RepeatLimiter {
    /// kind -> (last time let through, held back since).
    seen: Mutex<HashMap<String, (Instant, u64)>>,
}

impl RepeatLimiter {
    /// `Some(held back since the last one)` if a message of `kind` may be logged at `now`.
    fn admit(&self, kind: &str, now: Instant) -> Option<u64> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        match seen.get_mut(kind) {
            Some((last, held)) if now.duration_since(*last) < LOG_REPEAT_INTERVAL => {
                *held += 1;
                None
            }
            Some((last, held)) => {
                let suppressed = *held;
                *last = now;
                *held = 0;
                Some(suppressed)
            }
            None => {
                seen.insert(kind.to_string(), (now, 0));
                Some(0)
            }
        }
    }
}

/// The required topics that are absent or unhealthy in `present` (name, problem if any).
fn missing_topics(required: &[String], present: &[(String, Option<String>)]) -> Vec<String> {
    required
        .iter()
        .filter_map(|name| match present.iter().find(|(n, _)| n == name) {
            None => Some(name.clone()),
            Some((_, Some(problem))) => Some(format!("{name} ({problem})")),
            Some((_, None)) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_absent_and_unhealthy_topics() {
        let required: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let present = vec![
            ("a".to_string(), None),
            ("c".to_string(), Some("no partitions".to_string())),
            ("other".to_string(), None),
        ];
        assert_eq!(
            missing_topics(&required, &present),
            ["b", "c (no partitions)"]
        );
        assert!(missing_topics(&required[..1], &present).is_empty());
    }

    #[test]
    fn repeated_messages_are_let_through_once_per_interval() {
        let limiter = RepeatLimiter::default();
        let t0 = Instant::now();
        assert_eq!(limiter.admit("error:AllBrokersDown", t0), Some(0));
        assert_eq!(
            limiter.admit("error:AllBrokersDown", t0 + Duration::from_secs(1)),
            None
        );
        assert_eq!(
            limiter.admit("error:AllBrokersDown", t0 + Duration::from_secs(2)),
            None
        );
        assert_eq!(
            limiter.admit("log:FAIL", t0 + Duration::from_secs(2)),
            Some(0)
        );
        assert_eq!(
            limiter.admit("error:AllBrokersDown", t0 + LOG_REPEAT_INTERVAL),
            Some(2)
        );
        assert_eq!(
            limiter.admit("error:AllBrokersDown", t0 + LOG_REPEAT_INTERVAL),
            None
        );
    }
}
