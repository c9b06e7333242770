//! Readiness: the last result of each dependency check, shared by the check loop (writer) and
//! the `/readyz` handler (reader).
//!
//! `/readyz` answers from this state instead of running checks itself, so a burst of probes
//! costs nothing and the answer is at most one [`crate::config::Options::readiness_interval`]
//! old. The state also drives the `processor_dependency_up` and `processor_ready` gauges.

use std::collections::BTreeMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::connections::{Connections, Dependency};

/// Longest error text kept per dependency in the `/readyz` body, in characters.
const MAX_ERROR_CHARS: usize = 500;
use crate::metrics::Metrics;

/// The last check of one dependency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DependencyStatus {
    /// Whether the last check passed. `false` until the first check.
    pub ok: bool,
    /// Why the last check failed; `None` when it passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the last check finished; `None` before the first.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_opt_time"
    )]
    pub checked_at: Option<DateTime<Utc>>,
    /// How long the last check took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
}

fn serialize_opt_time<S: serde::Serializer>(
    t: &Option<DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => crate::events::timestamp::serialize(t, s),
        None => s.serialize_none(),
    }
}

/// What `/readyz` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every dependency passed its last check.
    Ready,
    /// At least one dependency failed or was not checked yet.
    Unavailable,
    /// The processor received a shutdown signal.
    ShuttingDown,
}

/// The body of `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Overall state.
    pub status: Status,
    /// Dependencies whose last check failed or that were not checked yet.
    pub failed: Vec<&'static str>,
    /// Every dependency's last check, by name.
    pub checks: BTreeMap<&'static str, DependencyStatus>,
}

impl Report {
    /// Whether `/readyz` answers 200.
    pub fn is_ready(&self) -> bool {
        self.status == Status::Ready
    }
}

#[derive(Default)]
struct State {
    shutting_down: bool,
    checks: BTreeMap<Dependency, DependencyStatus>,
}

/// Shared readiness state.
pub struct Readiness {
    state: RwLock<State>,
    metrics: Metrics,
}

impl Readiness {
    /// Nothing checked yet: not ready.
    pub fn new(metrics: Metrics) -> Self {
        let checks = Dependency::ALL
            .into_iter()
            .map(|d| (d, DependencyStatus::default()))
            .collect();
        metrics.set_ready(false);
        Self {
            state: RwLock::new(State {
                shutting_down: false,
                checks,
            }),
            metrics,
        }
    }

    /// The metrics this state updates.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The current report.
    pub fn report(&self) -> Report {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        let failed: Vec<&'static str> = state
            .checks
            .iter()
            .filter(|(_, s)| !s.ok)
            .map(|(d, _)| d.as_str())
            .collect();
        let status = if state.shutting_down {
            Status::ShuttingDown
        } else if failed.is_empty() {
            Status::Ready
        } else {
            Status::Unavailable
        };
        Report {
            status,
            failed,
            checks: state
                .checks
                .iter()
                .map(|(d, s)| (d.as_str(), s.clone()))
                .collect(),
        }
    }

    /// From now on `/readyz` answers 503 `shutting_down`.
    pub fn set_shutting_down(&self) {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        state.shutting_down = true;
        self.metrics.set_ready(false);
    }

    /// Stores the outcome of one check, updates the gauges and logs a change of state after
    /// the first check (the startup loop reports the first ones itself).
    pub fn record(&self, dependency: Dependency, result: Result<(), String>, took: Duration) {
        let ok = result.is_ok();
        self.metrics.record_check(dependency, ok, took);
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        let previous = state.checks.get(&dependency).cloned().unwrap_or_default();
        if previous.checked_at.is_some() && previous.ok != ok {
            match &result {
                Ok(()) => tracing::info!(dependency = dependency.as_str(), "dependency is back"),
                Err(error) => {
                    tracing::warn!(dependency = dependency.as_str(), %error, "dependency lost")
                }
            }
        }
        state.checks.insert(
            dependency,
            DependencyStatus {
                ok,
                error: result.err(),
                checked_at: Some(Utc::now()),
                latency_ms: Some(u64::try_from(took.as_millis()).unwrap_or(u64::MAX)),
            },
        );
        let ready = !state.shutting_down && state.checks.values().all(|s| s.ok);
        self.metrics.set_ready(ready);
    }

    /// Checks every dependency concurrently, records the outcomes and returns the failures.
    pub async fn check_all(
        &self,
        connections: &Connections,
        timeout: Duration,
    ) -> Vec<(Dependency, String)> {
        let one = |dependency: Dependency| async move {
            let started = Instant::now();
            let result = connections
                .check(dependency, timeout)
                .await
                .map_err(|e| truncate(crate::error::chain(&e), MAX_ERROR_CHARS));
            (dependency, result, started.elapsed())
        };
        let (pg, kafka, s3) = tokio::join!(
            one(Dependency::Postgres),
            one(Dependency::Kafka),
            one(Dependency::S3)
        );
        let mut failed = Vec::new();
        for (dependency, result, took) in [pg, kafka, s3] {
            if let Err(error) = &result {
                failed.push((dependency, error.clone()));
            }
            self.record(dependency, result, took);
        }
        failed
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
fn truncate(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_errors_are_truncated_on_a_char_boundary() {
        assert_eq!(truncate("short".into(), 10), "short");
        assert_eq!(truncate("ééééé".into(), 3), "ééé…");
    }

    fn readiness() -> Readiness {
        Readiness::new(Metrics::new().unwrap())
    }

    #[test]
    fn not_ready_before_the_first_check() {
        let r = readiness().report();
        assert_eq!(r.status, Status::Unavailable);
        assert_eq!(r.failed, ["postgres", "kafka", "s3"]);
        assert!(!r.is_ready());
    }

    #[test]
    fn ready_only_when_every_dependency_passed() {
        let r = readiness();
        r.record(Dependency::Postgres, Ok(()), Duration::from_millis(2));
        r.record(Dependency::S3, Ok(()), Duration::from_millis(2));
        r.record(
            Dependency::Kafka,
            Err("Kafka: broker down".into()),
            Duration::from_millis(2),
        );
        let report = r.report();
        assert_eq!(report.status, Status::Unavailable);
        assert_eq!(report.failed, ["kafka"]);
        let body = serde_json::to_value(&report).unwrap();
        assert_eq!(body["status"], "unavailable");
        assert_eq!(body["failed"], serde_json::json!(["kafka"]));
        assert_eq!(body["checks"]["kafka"]["ok"], false);
        assert_eq!(body["checks"]["kafka"]["error"], "Kafka: broker down");
        assert_eq!(body["checks"]["postgres"]["ok"], true);
        assert!(body["checks"]["postgres"].get("error").is_none());
        assert!(body["checks"]["postgres"]["checkedAt"].is_string());
        assert!(r.metrics().render().contains("processor_ready 0"));

        r.record(Dependency::Kafka, Ok(()), Duration::from_millis(2));
        assert!(r.report().is_ready());
        assert!(r.metrics().render().contains("processor_ready 1"));

        r.set_shutting_down();
        let report = r.report();
        assert_eq!(report.status, Status::ShuttingDown);
        assert!(!report.is_ready());
        assert!(r.metrics().render().contains("processor_ready 0"));
    }
}
