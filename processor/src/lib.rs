//! The processor: the platform's Kafka-driven data plane.
//!
//! It consumes `data.ingestion`, turns each raw upload into typed Parquet in S3 and a profile in
//! PostgreSQL in one pass, publishes the job's progress and exactly one outcome event, and
//! reports health, readiness and metrics over HTTP. Its modules:
//!
//! - [`config`]: the environment, validated, every problem reported at once.
//! - [`error`]: one error enum per layer and the [`Result`] alias.
//! - [`events`]: the Kafka event payloads of `schema/events`.
//! - [`connections`]: the PostgreSQL, Kafka and S3 clients and their checks.
//! - [`decode`]: what raw cells mean, column types from a sample, CSV dialects.
//! - [`convert`]: raw files to typed Parquet and a profile, in one pass.
//! - [`job`]: one job, from the raw object to its recorded outcome.
//! - [`consumer`]: the `data.ingestion` consumer and the transactional outcome publisher.
//! - [`readiness`]: the last check of each dependency, behind `/readyz`.
//! - [`profile`]: column statistics computed while converting, in bounded memory.
//! - [`metrics`]: Prometheus metrics behind `/metrics`.
//! - [`health`]: the HTTP server of `/healthz`, `/readyz` and `/metrics`.
//! - [`service`]: start, wait for dependencies, re-check, shut down.
//! - [`logging`]: JSON-lines logging.

pub mod config;
pub mod connections;
pub mod consumer;
pub mod convert;
pub mod decode;
pub mod error;
pub mod events;
pub mod health;
pub mod job;
pub mod logging;
pub mod metrics;
pub mod profile;
pub mod readiness;
pub mod service;

pub use error::{Error, Result};
