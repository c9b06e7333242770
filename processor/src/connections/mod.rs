//! Clients of the processor's three dependencies, and the checks that say whether each one is
//! reachable and in the expected shape.
//!
//! - [`postgres`]: one `tokio-postgres` connection, `SELECT 1`, reconnected when it drops.
//! - [`kafka`]: a librdkafka admin client; fetches cluster metadata and checks that every
//!   topic of [`crate::events::topics::REQUIRED`] exists. It never consumes or commits.
//! - [`s3`]: one `object_store` client per bucket; lists a probe prefix of each bucket.
//!
//! [`Connections`] owns all three and closes them in order.

pub mod kafka;
pub mod postgres;
pub mod s3;

use std::fmt;
use std::time::Duration;

use crate::config::Config;
use crate::error::ConnectionError;

pub use kafka::KafkaClient;
pub use postgres::PostgresClient;
pub use s3::S3Client;

/// One external dependency of the processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dependency {
    /// The platform database.
    Postgres,
    /// The event bus.
    Kafka,
    /// Object storage (raw and data buckets).
    S3,
}

impl Dependency {
    /// Every dependency, in the order checks and reports list them.
    pub const ALL: [Dependency; 3] = [Dependency::Postgres, Dependency::Kafka, Dependency::S3];

    /// The name used in logs, metrics labels and the `/readyz` body.
    pub fn as_str(self) -> &'static str {
        match self {
            Dependency::Postgres => "postgres",
            Dependency::Kafka => "kafka",
            Dependency::S3 => "s3",
        }
    }
}

impl fmt::Display for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The clients of every dependency.
pub struct Connections {
    /// PostgreSQL.
    pub postgres: PostgresClient,
    /// Kafka.
    pub kafka: KafkaClient,
    /// S3.
    pub s3: S3Client,
}

impl Connections {
    /// Creates the clients. Nothing is contacted yet: creation fails only on configuration the
    /// drivers themselves refuse.
    pub fn new(config: &Config) -> Result<Self, ConnectionError> {
        let timeout = config.options.check_timeout;
        Ok(Self {
            postgres: PostgresClient::new(&config.postgres, timeout),
            kafka: KafkaClient::new(&config.kafka, timeout)?,
            s3: S3Client::new(&config.s3, timeout)?,
        })
    }

    /// Runs the check of `dependency`, bounded by `timeout`.
    pub async fn check(
        &self,
        dependency: Dependency,
        timeout: Duration,
    ) -> Result<(), ConnectionError> {
        let check = async {
            match dependency {
                Dependency::Postgres => self.postgres.check().await,
                Dependency::Kafka => self.kafka.check().await,
                Dependency::S3 => self.s3.check().await,
            }
        };
        // Each client bounds its own I/O by the same budget; this outer bound is the
        // guarantee, with a little slack so the client's more precise error wins the race.
        match tokio::time::timeout(timeout + Duration::from_millis(250), check).await {
            Ok(result) => result,
            Err(_) => Err(ConnectionError::Timeout {
                dependency,
                timeout,
            }),
        }
    }

    /// Closes the clients: Kafka first (its background thread), then PostgreSQL (waits for the
    /// connection task), then S3 (stateless HTTP pools).
    pub async fn close(self) {
        self.kafka.close().await;
        self.postgres.close().await;
        drop(self.s3);
        tracing::info!("dependency clients closed");
    }
}
