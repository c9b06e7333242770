//! Prometheus metrics of the processor, served as text on `/metrics`.
//!
//! | metric | type | meaning |
//! | --- | --- | --- |
//! | `processor_dependency_up{dependency}` | gauge | 1 when the last check of `postgres`, `kafka` or `s3` passed |
//! | `processor_ready` | gauge | 1 when every dependency is up and the processor is not shutting down |
//! | `processor_build_info{version}` | gauge | always 1; labels say what is running |
//! | `processor_dependency_check_duration_seconds{dependency}` | histogram | time of each check |
//! | `processor_dependency_check_failures_total{dependency}` | counter | failed checks |
//! | `processor_jobs_total{outcome}` | counter | jobs handled: `completed`, `failed`, `skipped`, `dead_lettered` |
//! | `processor_job_duration_seconds` | histogram | time from a job's message to its outcome |
//! | `processor_rows_total` | counter | rows of the data sets completed |
//! | `processor_partitions_assigned` | gauge | `data.ingestion` partitions this instance consumes |
//! | `process_*` | various | CPU, memory, file descriptors, start time of this process |
//!
//! The registry is owned, not global, so tests can build as many as they like.

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::connections::Dependency;

/// Buckets of the check-duration histogram, in seconds: checks are milliseconds when healthy
/// and up to the check timeout when not.
const CHECK_DURATION_BUCKETS: [f64; 10] =
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// Buckets of the job-duration histogram, in seconds: small files take well under a second,
/// gigabytes minutes.
const JOB_DURATION_BUCKETS: [f64; 12] = [
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0,
];

/// The processor's metrics and their registry.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    dependency_up: IntGaugeVec,
    ready: IntGauge,
    check_duration: HistogramVec,
    check_failures: IntCounterVec,
    jobs: IntCounterVec,
    job_duration: prometheus::Histogram,
    rows: prometheus::IntCounter,
    partitions: IntGauge,
}

impl Metrics {
    /// Registers every metric, including the process collector.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();

        let dependency_up = IntGaugeVec::new(
            Opts::new(
                "processor_dependency_up",
                "1 when the last check of the dependency passed, else 0",
            ),
            &["dependency"],
        )?;
        let ready = IntGauge::new(
            "processor_ready",
            "1 when every dependency is up and the processor is not shutting down",
        )?;
        let build_info = IntGaugeVec::new(
            Opts::new(
                "processor_build_info",
                "Always 1; labels describe the build",
            ),
            &["version"],
        )?;
        let check_duration = HistogramVec::new(
            HistogramOpts::new(
                "processor_dependency_check_duration_seconds",
                "Duration of one dependency check",
            )
            .buckets(CHECK_DURATION_BUCKETS.to_vec()),
            &["dependency"],
        )?;
        let check_failures = IntCounterVec::new(
            Opts::new(
                "processor_dependency_check_failures_total",
                "Dependency checks that failed",
            ),
            &["dependency"],
        )?;

        let jobs = IntCounterVec::new(
            Opts::new("processor_jobs_total", "Jobs handled, by outcome"),
            &["outcome"],
        )?;
        let job_duration = prometheus::Histogram::with_opts(
            HistogramOpts::new(
                "processor_job_duration_seconds",
                "Time from a job's message to its outcome",
            )
            .buckets(JOB_DURATION_BUCKETS.to_vec()),
        )?;
        let rows =
            prometheus::IntCounter::new("processor_rows_total", "Rows of the data sets completed")?;
        let partitions = IntGauge::new(
            "processor_partitions_assigned",
            "data.ingestion partitions this instance consumes",
        )?;
        registry.register(Box::new(jobs.clone()))?;
        registry.register(Box::new(job_duration.clone()))?;
        registry.register(Box::new(rows.clone()))?;
        registry.register(Box::new(partitions.clone()))?;
        registry.register(Box::new(dependency_up.clone()))?;
        registry.register(Box::new(ready.clone()))?;
        registry.register(Box::new(build_info.clone()))?;
        registry.register(Box::new(check_duration.clone()))?;
        registry.register(Box::new(check_failures.clone()))?;
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;

        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
        for dependency in Dependency::ALL {
            let label = [dependency.as_str()];
            dependency_up.with_label_values(&label).set(0);
            check_failures.with_label_values(&label);
            check_duration.with_label_values(&label);
        }

        Ok(Self {
            registry,
            dependency_up,
            ready,
            check_duration,
            check_failures,
            jobs,
            job_duration,
            rows,
            partitions,
        })
    }

    /// Counts a job's outcome (`completed`, `failed`, `skipped`, `dead_lettered`).
    pub fn job_outcome(&self, outcome: &str) {
        self.jobs.with_label_values(&[outcome]).inc();
    }

    /// Observes the job's duration when dropped.
    pub fn job_timer(&self) -> prometheus::HistogramTimer {
        self.job_duration.start_timer()
    }

    /// Counts the rows of a completed data set.
    pub fn job_rows(&self, rows: u64) {
        self.rows.inc_by(rows);
    }

    /// The gauge of assigned partitions, set by the consumer's rebalance callback.
    pub fn partitions_assigned(&self) -> IntGauge {
        self.partitions.clone()
    }

    /// Records the outcome and duration of one check.
    pub fn record_check(&self, dependency: Dependency, ok: bool, took: Duration) {
        let label = [dependency.as_str()];
        self.dependency_up
            .with_label_values(&label)
            .set(i64::from(ok));
        self.check_duration
            .with_label_values(&label)
            .observe(took.as_secs_f64());
        if !ok {
            self.check_failures.with_label_values(&label).inc();
        }
    }

    /// Sets `processor_ready`.
    pub fn set_ready(&self, ready: bool) {
        self.ready.set(i64::from(ready));
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        let encoder = TextEncoder::new();
        // Encoding into a Vec fails only on invalid metric families, which `new` rules out.
        if let Err(error) = encoder.encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(%error, "cannot encode metrics");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

/// Content type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_gauges_for_every_dependency_and_build_info() {
        let metrics = Metrics::new().unwrap();
        metrics.record_check(Dependency::Postgres, true, Duration::from_millis(3));
        metrics.record_check(Dependency::Kafka, false, Duration::from_millis(30));
        metrics.set_ready(false);
        let text = metrics.render();
        for line in [
            "processor_dependency_up{dependency=\"postgres\"} 1",
            "processor_dependency_up{dependency=\"kafka\"} 0",
            "processor_dependency_up{dependency=\"s3\"} 0",
            "processor_dependency_check_failures_total{dependency=\"kafka\"} 1",
            "processor_dependency_check_failures_total{dependency=\"s3\"} 0",
            "processor_ready 0",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
        assert!(
            text.contains(&format!(
                "processor_build_info{{version=\"{}\"}} 1",
                env!("CARGO_PKG_VERSION")
            )),
            "{text}"
        );
        assert!(text.contains("process_resident_memory_bytes"), "{text}");
    }
}
