//! The processor: the platform's Kafka-driven data plane.
//!
//! Today it loads its configuration, reaches PostgreSQL, Kafka and S3, reports health,
//! readiness and metrics over HTTP, and shuts down cleanly. Decoding raw uploads into typed
//! Parquet, profiling and the job events come in later issues, on top of these modules:
//!
//! - [`config`]: the environment, validated, every problem reported at once.
//! - [`error`]: one error enum per layer and the [`Result`] alias.
//! - [`events`]: the Kafka event payloads of `schema/events`.
//! - [`connections`]: the PostgreSQL, Kafka and S3 clients and their checks.
//! - [`decode`]: what raw cells mean, column types from a sample, CSV dialects.
//! - [`convert`]: raw files to typed Parquet and a profile, in one pass.
//! - [`readiness`]: the last check of each dependency, behind `/readyz`.
//! - [`profile`]: column statistics computed while converting, in bounded memory.
//! - [`metrics`]: Prometheus metrics behind `/metrics`.
//! - [`health`]: the HTTP server of `/healthz`, `/readyz` and `/metrics`.
//! - [`service`]: start, wait for dependencies, re-check, shut down.
//! - [`logging`]: JSON-lines logging.

pub mod config;
pub mod connections;
pub mod convert;
pub mod decode;
pub mod error;
pub mod events;
pub mod health;
pub mod logging;
pub mod metrics;
pub mod profile;
pub mod readiness;
pub mod service;

pub use error::{Error, Result};
