//! The service's life: start, wait for dependencies, watch them, shut down.
//!
//! 1. Bind the health server (a port in use fails the start) and serve `/healthz`, `/readyz`
//!    and `/metrics` at once, so an orchestrator sees "alive, not ready" while we wait.
//! 2. Create the dependency clients and check them in rounds with exponential backoff
//!    ([`crate::config::Options`]), logging each failed round; give up after the last attempt.
//! 3. Once every dependency passed, re-check them every `readiness_interval`.
//! 4. On the shutdown signal (at any point above): report `shutting_down`, stop accepting HTTP
//!    connections, then close the Kafka, PostgreSQL and S3 clients, in that order.
//!
//! 3b. Beside the re-checks, consume `data.ingestion` ([`crate::consumer`]), one job at a time.
//!     On shutdown it stops first; a job cut short is left uncommitted and redone on the next
//!     start (its outputs are rewritten the same, and it still gets one outcome event).

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::config::{Config, Options};
use crate::connections::{Connections, Dependency};
use crate::error::{Error, Result};
use crate::health::HealthServer;
use crate::job::Jobs;
use crate::job::progress::ProgressPublisher;
use crate::metrics::Metrics;
use crate::readiness::Readiness;

/// How long the runtime waits, after [`run`] returned, for blocking tasks still running (a
/// Kafka metadata request is bounded by the check timeout but cannot be interrupted).
const RUNTIME_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

/// Sets up logging and the Tokio runtime, runs the service until SIGTERM or SIGINT and maps
/// the outcome to the process exit code (see [`Error::exit_code`]).
pub fn start(config: Config) -> std::process::ExitCode {
    crate::logging::init(&config.log_filter);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("processor")
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "cannot start the Tokio runtime");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        addr = %config.http.addr,
        "processor starting"
    );
    let outcome = runtime.block_on(async {
        let shutdown = shutdown_on_signals()
            .map_err(|source| crate::error::ServerError::Signals { source })?;
        run(config, shutdown).await
    });
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN_TIMEOUT);
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %crate::error::chain(&error), "processor stopped");
            std::process::ExitCode::from(error.exit_code())
        }
    }
}

/// Runs the processor until `shutdown` is cancelled. Returns `Ok` after a clean shutdown and
/// [`Error::DependenciesUnavailable`] when the startup attempts ran out.
pub async fn run(config: Config, shutdown: CancellationToken) -> Result<()> {
    let options = config.options;
    let readiness = Arc::new(Readiness::new(Metrics::new()?));

    let server = HealthServer::bind(config.http.addr, Arc::clone(&readiness)).await?;
    tracing::info!(
        addr = %server.local_addr().unwrap_or(config.http.addr),
        "health server listening"
    );
    let stop_server = CancellationToken::new();
    let server_task = tokio::spawn(server.serve(stop_server.clone(), options.shutdown_grace));

    tracing::info!(
        postgres = %config.postgres.redacted_url,
        kafka = %config.kafka.bootstrap_servers(),
        s3_endpoint = config.s3.endpoint.as_ref().map_or("(Amazon S3)", |u| u.as_str()),
        raw_bucket = %config.s3.raw_bucket,
        data_bucket = %config.s3.data_bucket,
        "connecting to dependencies"
    );
    let outcome = match Connections::new(&config) {
        Ok(connections) => {
            let outcome =
                match wait_until_ready(&connections, &readiness, &options, &shutdown).await {
                    Ok(true) => serve(&config, &connections, &readiness, &shutdown).await,
                    Ok(false) => Ok(()),
                    Err(error) => Err(error),
                };
            readiness.set_shutting_down();
            stop(&stop_server, server_task).await;
            connections.close().await;
            outcome
        }
        Err(error) => {
            stop(&stop_server, server_task).await;
            Err(error.into())
        }
    };
    if outcome.is_ok() {
        tracing::info!("shutdown complete");
    }
    outcome
}

/// Step 3 and 3b: re-checks beside the consumer, until `shutdown` or the consumer fails.
async fn serve(
    config: &Config,
    connections: &Connections,
    readiness: &Readiness,
    shutdown: &CancellationToken,
) -> Result<()> {
    let progress = ProgressPublisher::new(&config.kafka)?;
    let jobs = Jobs {
        s3: &connections.s3,
        postgres: &connections.postgres,
        progress: &progress,
        metrics: readiness.metrics(),
        options: config.options,
        work_dir: config.work_dir.clone(),
        raw_bucket: config.s3.raw_bucket.clone(),
    };
    // The consumer failing (it could not be created) stops the re-checks too.
    let stop = shutdown.child_token();
    let consume = async {
        let consumed = crate::consumer::run(
            &config.kafka,
            &jobs,
            readiness.metrics().partitions_assigned(),
            &stop,
        )
        .await;
        stop.cancel();
        consumed
    };
    let (consumed, ()) = tokio::join!(
        consume,
        recheck(connections, readiness, &config.options, &stop)
    );
    consumed.map_err(Error::from)
}

/// Step 2 of the module docs: true once every dependency passed, false on `shutdown`.
async fn wait_until_ready(
    connections: &Connections,
    readiness: &Readiness,
    options: &Options,
    shutdown: &CancellationToken,
) -> Result<bool> {
    let mut backoff = Backoff::new(options.startup_initial_backoff, options.startup_max_backoff);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let failed = tokio::select! {
            failed = readiness.check_all(connections, options.check_timeout) => failed,
            () = shutdown.cancelled() => return Ok(false),
        };
        if failed.is_empty() {
            tracing::info!(attempt, "all dependencies reachable; ready");
            return Ok(true);
        }
        let names = failed
            .iter()
            .map(|(d, _)| d.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let errors = failed
            .iter()
            .map(|(_, e)| e.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        if attempt >= options.startup_max_attempts {
            tracing::error!(
                attempt,
                max_attempts = options.startup_max_attempts,
                failed = %names,
                errors = %errors,
                "dependencies still unavailable; giving up"
            );
            return Err(Error::DependenciesUnavailable {
                attempts: attempt,
                failed: failed.iter().map(|(d, _)| *d).collect::<Vec<Dependency>>(),
            });
        }
        let delay = backoff.next_delay();
        tracing::warn!(
            attempt,
            max_attempts = options.startup_max_attempts,
            retry_in_ms = delay.as_millis() as u64,
            failed = %names,
            errors = %errors,
            "dependencies not ready yet"
        );
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = shutdown.cancelled() => return Ok(false),
        }
    }
}

/// Step 3: re-checks every `readiness_interval` until `shutdown`.
async fn recheck(
    connections: &Connections,
    readiness: &Readiness,
    options: &Options,
    shutdown: &CancellationToken,
) {
    let mut interval = tokio::time::interval(options.readiness_interval);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    interval.tick().await; // the first tick is immediate; we just checked
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            () = shutdown.cancelled() => return,
        }
        tokio::select! {
            failed = readiness.check_all(connections, options.check_timeout) => {
                if !failed.is_empty() {
                    tracing::debug!(failed = failed.len(), "readiness check failed");
                }
            }
            () = shutdown.cancelled() => return,
        }
    }
}

async fn stop(stop_server: &CancellationToken, server_task: tokio::task::JoinHandle<()>) {
    stop_server.cancel();
    if let Err(error) = server_task.await {
        tracing::error!(%error, "health server task failed");
    }
}

/// Exponential backoff: `initial`, doubled after every call, capped at `max`.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    /// Starts at `initial`.
    pub fn new(initial: Duration, max: Duration) -> Self {
        Self {
            next: initial.min(max),
            max,
        }
    }

    /// The delay to wait now; the following one is twice as long, up to the cap.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = self.next.saturating_mul(2).min(self.max);
        delay
    }
}

/// Cancels the returned token on the first SIGTERM or SIGINT, logging which; a second signal
/// exits the process at once with code 130.
pub fn shutdown_on_signals() -> std::io::Result<CancellationToken> {
    use tokio::signal::unix::{SignalKind, signal};

    let token = CancellationToken::new();
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let cancel = token.clone();
    tokio::spawn(async move {
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        tracing::info!(signal = name, "shutdown requested");
        cancel.cancel();
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        tracing::warn!("second signal: exiting without a clean shutdown");
        std::process::exit(130);
    });
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut b = Backoff::new(Duration::from_millis(500), Duration::from_secs(3));
        let delays: Vec<u128> = (0..6).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, [500, 1000, 2000, 3000, 3000, 3000]);
    }

    #[test]
    fn backoff_never_starts_above_the_cap() {
        let mut b = Backoff::new(Duration::from_secs(10), Duration::from_secs(1));
        assert_eq!(b.next_delay(), Duration::from_secs(1));
    }
}
