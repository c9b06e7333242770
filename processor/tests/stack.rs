//! Integration tests against the real local stack (PostgreSQL, Kafka, S3-compatible server of
//! `infra/`, addresses from the `infra/env.sh` variables or their defaults).
//!
//! They FAIL when the stack is unreachable, unless `PROCESSOR_SKIP_STACK_TESTS=1`.

mod common;

use std::time::Duration;

use common::{Processor, free_port, require_stack};
use serde_json::Value;

/// Startup is a few checks when the stack is up; leave room for a slow first connection.
const READY_WITHIN: Duration = Duration::from_secs(60);
/// "Exits within a few seconds" of SIGTERM.
const EXIT_WITHIN: Duration = Duration::from_secs(10);

#[test]
fn ready_against_the_local_stack_and_clean_exit_on_sigterm() {
    if !require_stack("ready_against_the_local_stack_and_clean_exit_on_sigterm") {
        return;
    }
    let mut processor = Processor::start(&[("PROCESSOR_READINESS_INTERVAL_MS", "500".into())]);

    let (_, body) = processor.wait_for("/readyz", READY_WITHIN, |status, _| status == 200);
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["status"], "ready", "{body}");
    assert_eq!(report["failed"], serde_json::json!([]), "{body}");
    for dependency in ["postgres", "kafka", "s3"] {
        assert_eq!(report["checks"][dependency]["ok"], true, "{body}");
        assert!(
            report["checks"][dependency]["checkedAt"].is_string(),
            "{body}"
        );
    }

    let (status, body) = processor.get("/healthz").expect("healthz answers");
    assert_eq!((status, body.as_str()), (200, r#"{"status":"alive"}"#));

    let (status, metrics) = processor.get("/metrics").expect("metrics answer");
    assert_eq!(status, 200);
    let lines: Vec<&str> = metrics.lines().collect();
    for expected in [
        r#"processor_dependency_up{dependency="postgres"} 1"#,
        r#"processor_dependency_up{dependency="kafka"} 1"#,
        r#"processor_dependency_up{dependency="s3"} 1"#,
        "processor_ready 1",
        &format!(
            r#"processor_build_info{{version="{}"}} 1"#,
            env!("CARGO_PKG_VERSION")
        ),
    ] {
        assert!(
            lines.contains(&expected),
            "/metrics lacks {expected:?}:\n{metrics}"
        );
    }
    assert!(metrics.contains("processor_dependency_check_duration_seconds_bucket"));
    assert!(metrics.contains("process_resident_memory_bytes"));

    // Let at least one periodic re-check run, then stop.
    std::thread::sleep(Duration::from_millis(1200));
    processor.signal(libc::SIGTERM);
    let (status, took) = processor.wait_exit(EXIT_WITHIN);
    assert_eq!(
        status.code(),
        Some(0),
        "exit {status} after {took:?}\n{}",
        processor.output()
    );

    let log = processor.json_log();
    let messages: Vec<&str> = log.iter().filter_map(|l| l["message"].as_str()).collect();
    let position = |m: &str| {
        messages
            .iter()
            .position(|x| *x == m)
            .unwrap_or_else(|| panic!("no log line {m:?} in {messages:?}"))
    };
    // The shutdown happens in order: signal, stop accepting, close clients, done.
    assert!(position("all dependencies reachable; ready") < position("shutdown requested"));
    assert!(
        position("shutdown requested") < position("health server stopped accepting connections")
    );
    assert!(
        position("health server stopped accepting connections")
            < position("dependency clients closed")
    );
    assert!(position("dependency clients closed") < position("shutdown complete"));
    for line in &log {
        assert!(
            line["timestamp"].is_string() && line["level"].is_string(),
            "{line}"
        );
    }
    assert!(
        processor.get("/healthz").is_none(),
        "still serving after exit"
    );
}

#[test]
fn readiness_is_503_naming_kafka_when_the_broker_is_unreachable() {
    if !require_stack("readiness_is_503_naming_kafka_when_the_broker_is_unreachable") {
        return;
    }
    let closed = free_port();
    let mut processor = Processor::start(&[
        ("KAFKA_BROKERS", format!("127.0.0.1:{closed}")),
        ("PROCESSOR_CHECK_TIMEOUT_MS", "1000".into()),
    ]);

    // Wait until every dependency has been checked once.
    let (status, body) = processor.wait_for("/readyz", READY_WITHIN, |_, body| {
        serde_json::from_str::<Value>(body).is_ok_and(|r| {
            ["postgres", "kafka", "s3"]
                .iter()
                .all(|d| r["checks"][d]["checkedAt"].is_string())
        })
    });
    assert_eq!(status, 503, "{body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["status"], "unavailable", "{body}");
    assert_eq!(report["failed"], serde_json::json!(["kafka"]), "{body}");
    assert_eq!(report["checks"]["postgres"]["ok"], true, "{body}");
    assert_eq!(report["checks"]["s3"]["ok"], true, "{body}");
    assert_eq!(report["checks"]["kafka"]["ok"], false, "{body}");
    assert!(
        report["checks"]["kafka"]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "{body}"
    );

    // Alive although not ready; the gauges agree.
    assert_eq!(processor.get("/healthz").map(|r| r.0), Some(200));
    let (_, metrics) = processor.get("/metrics").unwrap();
    assert!(
        metrics.contains(r#"processor_dependency_up{dependency="kafka"} 0"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"processor_dependency_up{dependency="postgres"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains("processor_ready 0"), "{metrics}");

    // SIGTERM while still waiting for Kafka: clean exit too.
    processor.signal(libc::SIGTERM);
    let (status, took) = processor.wait_exit(EXIT_WITHIN);
    assert_eq!(
        status.code(),
        Some(0),
        "exit {status} after {took:?}\n{}",
        processor.output()
    );
    let log = processor.json_log();
    assert!(
        log.iter()
            .any(|l| l["message"] == "dependencies not ready yet"
                && l["failed"].as_str().is_some_and(|f| f.contains("kafka"))),
        "no startup attempt logged naming kafka\n{}",
        processor.output()
    );
}
