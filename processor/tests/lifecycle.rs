//! Integration tests of the binary's start and stop that need no running dependency: every
//! dependency points at a closed loopback port.

mod common;

use std::net::TcpListener;
use std::time::Duration;

use common::{Processor, free_port};
use serde_json::Value;

/// Environment pointing every dependency at a closed loopback port, with short timings.
fn unreachable_dependencies() -> Vec<(&'static str, String)> {
    vec![
        (
            "DATABASE_URL",
            format!(
                "postgres://platform:platform@127.0.0.1:{}/platform",
                free_port()
            ),
        ),
        ("KAFKA_BROKERS", format!("127.0.0.1:{}", free_port())),
        ("S3_ENDPOINT", format!("http://127.0.0.1:{}", free_port())),
        ("PROCESSOR_CHECK_TIMEOUT_MS", "300".into()),
        ("PROCESSOR_STARTUP_BACKOFF_MS", "50".into()),
        ("PROCESSOR_STARTUP_MAX_BACKOFF_MS", "200".into()),
    ]
}

#[test]
fn invalid_configuration_exits_2_listing_every_problem() {
    let mut processor = Processor::start(&[
        ("S3_RAW_BUCKET", "Not_A_Bucket".into()),
        ("KAFKA_BROKERS", "no-port".into()),
        ("PROCESSOR_CHECK_TIMEOUT_MS", "soon".into()),
    ]);
    let (status, _) = processor.wait_exit(Duration::from_secs(10));
    assert_eq!(status.code(), Some(2), "{}", processor.output());
    let stderr = processor.stderr().join("\n");
    assert!(stderr.contains("3 problems"), "{stderr}");
    for var in [
        "S3_RAW_BUCKET",
        "KAFKA_BROKERS",
        "PROCESSOR_CHECK_TIMEOUT_MS",
    ] {
        assert!(
            stderr.contains(&format!("- {var}: ")),
            "{var} missing in\n{stderr}"
        );
    }
    assert!(
        processor.get("/healthz").is_none(),
        "served despite invalid config"
    );
}

#[test]
fn check_config_and_usage() {
    let mut ok = Processor::start_with_args(&["--check-config"], &[]);
    assert_eq!(
        ok.wait_exit(Duration::from_secs(10)).0.code(),
        Some(0),
        "{}",
        ok.output()
    );
    let mut bad =
        Processor::start_with_args(&["--check-config"], &[("PROCESSOR_PORT", "0".into())]);
    assert_eq!(
        bad.wait_exit(Duration::from_secs(10)).0.code(),
        Some(2),
        "{}",
        bad.output()
    );
    let mut usage = Processor::start_with_args(&["--frobnicate"], &[]);
    assert_eq!(usage.wait_exit(Duration::from_secs(10)).0.code(), Some(2));
    assert!(usage.stderr().join("\n").contains("Usage: processor"));
}

#[test]
fn port_in_use_fails_the_start_with_exit_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut processor = Processor::start(&[("PROCESSOR_PORT", port.to_string())]);
    let (status, _) = processor.wait_exit(Duration::from_secs(10));
    assert_eq!(status.code(), Some(1), "{}", processor.output());
    assert!(
        processor.output().contains("cannot listen on 127.0.0.1:"),
        "{}",
        processor.output()
    );
}

#[test]
fn not_ready_naming_every_dependency_then_clean_exit_on_sigterm() {
    let mut env = unreachable_dependencies();
    env.push(("PROCESSOR_STARTUP_MAX_ATTEMPTS", "10000".into()));
    let mut processor = Processor::start(&env);

    let (status, body) = processor.wait_for("/readyz", Duration::from_secs(30), |_, body| {
        serde_json::from_str::<Value>(body)
            .is_ok_and(|r| r["checks"]["kafka"]["checkedAt"].is_string())
    });
    assert_eq!(status, 503, "{body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        report["failed"],
        serde_json::json!(["postgres", "kafka", "s3"]),
        "{body}"
    );
    assert_eq!(processor.get("/healthz").map(|r| r.0), Some(200));
    assert_eq!(processor.get("/nope").map(|r| r.0), Some(404));

    processor.signal(libc::SIGTERM);
    let (status, took) = processor.wait_exit(Duration::from_secs(10));
    assert_eq!(
        status.code(),
        Some(0),
        "exit {status} after {took:?}\n{}",
        processor.output()
    );
    let log = processor.json_log();
    assert!(
        log.iter().any(|l| l["message"] == "shutdown complete"),
        "{}",
        processor.output()
    );
}

#[test]
fn gives_up_with_exit_3_after_the_last_startup_attempt() {
    let mut env = unreachable_dependencies();
    env.push(("PROCESSOR_STARTUP_MAX_ATTEMPTS", "3".into()));
    let mut processor = Processor::start(&env);
    let (status, _) = processor.wait_exit(Duration::from_secs(30));
    assert_eq!(status.code(), Some(3), "{}", processor.output());

    let log = processor.json_log();
    let attempts: Vec<u64> = log
        .iter()
        .filter(|l| l["message"] == "dependencies not ready yet")
        .map(|l| l["attempt"].as_u64().unwrap())
        .collect();
    assert_eq!(attempts, [1, 2], "{}", processor.output());
    let retry_delays: Vec<u64> = log
        .iter()
        .filter(|l| l["message"] == "dependencies not ready yet")
        .map(|l| l["retry_in_ms"].as_u64().unwrap())
        .collect();
    assert_eq!(retry_delays, [50, 100], "backoff doubles");
    assert!(
        log.iter().any(
            |l| l["message"] == "dependencies still unavailable; giving up"
                && l["level"] == "ERROR"
        ),
        "{}",
        processor.output()
    );
}
