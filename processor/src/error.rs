//! Error types, one enum per layer, and the crate's [`Result`] alias.
//!
//! - [`ConfigError`]: the environment could not be turned into a [`crate::config::Config`];
//!   it carries every problem found, not just the first.
//! - [`ConnectionError`]: a dependency (PostgreSQL, Kafka, S3) could not be reached or is not
//!   in the expected shape (a topic or bucket missing).
//! - [`ServerError`]: the health/metrics HTTP server could not start.
//! - [`ConvertError`]: a raw file could not be turned into typed Parquet and a profile.
//! - [`Error`]: what [`crate::service::run`] returns; wraps the layers above.
//!
//! Each variant carries the context a reader of the log needs (which bucket, which address);
//! the driver errors convert with `?` through `#[from]`.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use crate::connections::Dependency;

/// `Result` with the crate's top-level [`Error`] by default.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One invalid or missing environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The environment variable's name, e.g. `PROCESSOR_PORT`.
    pub variable: &'static str,
    /// What is wrong with it and what a valid value looks like.
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

/// The configuration layer's error: every problem found in the environment at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration ({} problem{}):\n{}",
    .problems.len(),
    if .problems.len() == 1 { "" } else { "s" },
    .problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError {
    /// Never empty.
    pub problems: Vec<ConfigProblem>,
}

impl ConfigError {
    /// The names of the variables that have a problem, in the order they were checked.
    pub fn variables(&self) -> Vec<&'static str> {
        self.problems.iter().map(|p| p.variable).collect()
    }
}

/// The connections layer's error: a dependency is unreachable or not as expected.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    /// The PostgreSQL driver failed (connect, authenticate or query).
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),

    /// PostgreSQL answered `SELECT 1` with something else.
    #[error("PostgreSQL answered the probe query with {0}, expected 1")]
    PostgresUnexpectedAnswer(i32),

    /// librdkafka failed (client creation, metadata request).
    #[error("Kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),

    /// The brokers answered, but topics the processor needs are missing or in error.
    #[error("Kafka topics missing or unavailable: {}", .topics.join(", "))]
    KafkaTopicsMissing {
        /// Each entry is `name` or `name (broker error)`.
        topics: Vec<String>,
    },

    /// The metadata request, run on a blocking thread, did not finish normally.
    #[error("Kafka metadata task failed: {0}")]
    KafkaTask(#[from] tokio::task::JoinError),

    /// object_store could not build or use an S3 client.
    #[error("S3: {0}")]
    S3(#[from] object_store::Error),

    /// A bucket could not be listed (missing bucket, bad credentials, endpoint down).
    #[error("S3 bucket {bucket:?}: {summary}")]
    S3Bucket {
        /// The bucket's name.
        bucket: String,
        /// One line: the request and the S3 error code and message, without the XML body.
        summary: String,
        /// What object_store reported, in full (for `Debug`). Deliberately not the `source()`:
        /// its text, which the summary already condenses, can be kilobytes of XML.
        error: object_store::Error,
    },

    /// A check took longer than its budget.
    #[error("{dependency} check timed out after {} ms", .timeout.as_millis())]
    Timeout {
        /// Which dependency was being checked.
        dependency: Dependency,
        /// The budget that ran out.
        timeout: Duration,
    },
}

/// The HTTP layer's error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The listening socket could not be opened (port in use, address not local).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address from `PROCESSOR_HOST` and `PROCESSOR_PORT`.
        addr: SocketAddr,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },

    /// The SIGTERM/SIGINT handlers could not be installed.
    #[error("cannot install signal handlers: {source}")]
    Signals {
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
}

/// Why a raw file could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// A cell after the type-inference sample does not fit its column's inferred type: the
    /// conversion starts over with that column as text (see [`crate::convert`]).
    #[error("row {row}: {cell:?} in column {name:?} is not a {expected}")]
    Conflict {
        /// The column's position.
        column: usize,
        /// Its name.
        name: String,
        /// The 1-based data row.
        row: u64,
        /// The cell, cut to 100 characters.
        cell: String,
        /// The inferred type's name.
        expected: &'static str,
    },

    /// A JSON object past the type-inference sample has a key no sampled object had: the
    /// conversion starts over with that column.
    #[error("row {row}: column {name:?} was not in the sampled rows")]
    UnseenColumn {
        /// The column's (flattened) name.
        name: String,
        /// The 1-based data row.
        row: u64,
    },

    /// The file cannot become a data set as it is; the reason says what to do.
    #[error("{code}: {reason}")]
    Rejected {
        /// A stable code for programs (`EMPTY_FILE`, `INVALID_ENCODING`...).
        code: &'static str,
        /// For the user: what is wrong and what to do.
        reason: String,
    },

    /// Reading the raw file or writing a temporary file failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),

    /// The Parquet writer failed.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),

    /// Building an Arrow batch failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
}

impl ConvertError {
    pub fn rejected(code: &'static str, reason: impl Into<String>) -> Self {
        ConvertError::Rejected {
            code,
            reason: reason.into(),
        }
    }
}

/// Why a job did not complete. [`JobError::is_transient`] tells the failures worth another
/// attempt (a dependency down) from those that fail the job at once (the file itself).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The file cannot become a data set; the reason says what to do.
    #[error("{code}: {reason}")]
    Rejected {
        /// A stable code for programs (`EMPTY_FILE`, `RAW_OBJECT_MISSING`...).
        code: &'static str,
        /// For the user: what is wrong and what to do.
        reason: String,
    },

    /// An S3 request failed after object_store's own retries.
    #[error("s3: {}", crate::connections::s3::summarize(.0))]
    Storage(#[from] object_store::Error),

    /// A PostgreSQL statement failed.
    #[error("postgres: {}", chain(.0))]
    Database(#[from] tokio_postgres::Error),

    /// PostgreSQL could not be reached.
    #[error(transparent)]
    Connection(#[from] ConnectionError),

    /// Reading the raw object's stream or a temporary file failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),

    /// Anything else: a bug, or a file the Arrow/Parquet libraries could not handle.
    #[error("internal: {0}")]
    Internal(String),
}

impl JobError {
    /// A dependency failed: the same job may well succeed on another attempt.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            JobError::Storage(_)
                | JobError::Database(_)
                | JobError::Connection(_)
                | JobError::Io(_)
        )
    }

    /// The `data.processing.failed` code and the reason a user reads.
    pub fn failure(&self) -> (&'static str, String) {
        match self {
            JobError::Rejected { code, reason } => (code, reason.clone()),
            JobError::Storage(_) | JobError::Io(_) => (
                "STORAGE_UNAVAILABLE",
                "The file could not be read from or written to storage after several attempts. Nothing was kept: upload the file again in a few minutes.".into(),
            ),
            JobError::Database(_) | JobError::Connection(_) => (
                "DATABASE_UNAVAILABLE",
                "The profile could not be stored after several attempts. Nothing was kept: upload the file again in a few minutes.".into(),
            ),
            JobError::Internal(_) => (
                "PROCESSING_ERROR",
                "The file could not be processed because of an internal error. It has been logged; try again, or export the file again in another format.".into(),
            ),
        }
    }
}

impl From<ConvertError> for JobError {
    fn from(error: ConvertError) -> Self {
        match error {
            ConvertError::Rejected { code, reason } => JobError::Rejected { code, reason },
            ConvertError::Io(error) => JobError::Io(error),
            other => JobError::Internal(other.to_string()),
        }
    }
}

/// Everything [`crate::service::run`] can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid environment.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// A dependency client could not be created.
    #[error(transparent)]
    Connection(#[from] ConnectionError),

    /// The health/metrics server could not start.
    #[error(transparent)]
    Server(#[from] ServerError),

    /// A metric could not be registered (a programming error: duplicate or invalid name).
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),

    /// Dependencies were still unreachable after every startup attempt.
    #[error("dependencies still unavailable after {attempts} attempts: {}",
        .failed.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", "))]
    DependenciesUnavailable {
        /// How many rounds of checks were made.
        attempts: u32,
        /// The dependencies that failed the last round.
        failed: Vec<Dependency>,
    },
}

/// `error` and its sources as one line, `outer: inner: root`, skipping a source whose text
/// the previous one already includes (many drivers repeat their source in their message).
/// tokio-postgres's "error connecting to server", for one, names the cause only in its source.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !cause_text.is_empty() && !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl Error {
    /// The process exit code for this error: 2 invalid configuration, 3 dependencies
    /// unavailable after every startup attempt, 1 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) => 2,
            Error::DependenciesUnavailable { .. } => 3,
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_error_lists_every_problem() {
        let err = ConfigError {
            problems: vec![
                ConfigProblem {
                    variable: "PROCESSOR_PORT",
                    message: "must be a number".into(),
                },
                ConfigProblem {
                    variable: "S3_REGION",
                    message: "must not be empty".into(),
                },
            ],
        };
        let text = err.to_string();
        assert!(
            text.starts_with("invalid configuration (2 problems):"),
            "{text}"
        );
        assert!(
            text.contains("  - PROCESSOR_PORT: must be a number"),
            "{text}"
        );
        assert!(text.contains("  - S3_REGION: must not be empty"), "{text}");
        assert_eq!(err.variables(), ["PROCESSOR_PORT", "S3_REGION"]);
    }

    #[test]
    fn chains_name_the_root_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let err = ServerError::Bind {
            addr: "127.0.0.1:1".parse().unwrap(),
            source: io,
        };
        assert_eq!(
            chain(&err),
            "cannot listen on 127.0.0.1:1: connection refused"
        );
        let timeout = ConnectionError::Timeout {
            dependency: Dependency::S3,
            timeout: Duration::from_secs(1),
        };
        assert_eq!(chain(&timeout), "s3 check timed out after 1000 ms");
    }

    #[test]
    fn timeout_names_the_dependency() {
        let err = ConnectionError::Timeout {
            dependency: Dependency::Kafka,
            timeout: Duration::from_millis(1500),
        };
        assert_eq!(err.to_string(), "kafka check timed out after 1500 ms");
    }
}
