//! Helpers of the integration tests: run the `processor` binary as a child process, talk HTTP
//! to it with a minimal client, signal it, and find out whether the local stack is up.

#![allow(dead_code)] // each test file uses a different subset

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Set to `1` to skip (not fail) the tests that need the local stack when it is down.
pub const SKIP_VAR: &str = "PROCESSOR_SKIP_STACK_TESTS";

/// One dependency address of the local stack, from the same variables and defaults as
/// `infra/env.sh`.
struct Endpoint {
    name: &'static str,
    addr: String,
}

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn stack_endpoints() -> Vec<Endpoint> {
    let db = url::Url::parse(&var(
        "DATABASE_URL",
        "postgres://platform:platform@127.0.0.1:5432/platform",
    ))
    .expect("DATABASE_URL is a URL");
    let s3 = url::Url::parse(&var("S3_ENDPOINT", "http://127.0.0.1:7070")).expect("S3_ENDPOINT");
    let broker = var("KAFKA_BROKERS", "127.0.0.1:9092")
        .split(',')
        .next()
        .unwrap()
        .trim()
        .to_string();
    vec![
        Endpoint {
            name: "PostgreSQL",
            addr: format!(
                "{}:{}",
                db.host_str().unwrap_or("127.0.0.1"),
                db.port().unwrap_or(5432)
            ),
        },
        Endpoint {
            name: "Kafka",
            addr: broker,
        },
        Endpoint {
            name: "S3",
            addr: format!(
                "{}:{}",
                s3.host_str().unwrap_or("127.0.0.1"),
                s3.port_or_known_default().unwrap_or(7070)
            ),
        },
    ]
}

fn reachable(addr: &str) -> Result<(), String> {
    let addrs: Vec<SocketAddr> = addr.to_socket_addrs().map_err(|e| e.to_string())?.collect();
    let mut last = "no address".to_string();
    for a in addrs {
        match TcpStream::connect_timeout(&a, Duration::from_secs(2)) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// `true` when PostgreSQL, Kafka and S3 accept TCP connections. When one does not: `false` if
/// `PROCESSOR_SKIP_STACK_TESTS=1`, else the test fails with a message saying what is down.
pub fn require_stack(test: &str) -> bool {
    let down: Vec<String> = stack_endpoints()
        .iter()
        .filter_map(|e| {
            reachable(&e.addr)
                .err()
                .map(|err| format!("{} at {} ({err})", e.name, e.addr))
        })
        .collect();
    if down.is_empty() {
        return true;
    }
    if std::env::var(SKIP_VAR).as_deref() == Ok("1") {
        eprintln!(
            "SKIPPED {test}: local stack down ({}) and {SKIP_VAR}=1",
            down.join("; ")
        );
        return false;
    }
    panic!(
        "{test} needs the local stack, which is not reachable: {}.\n\
         Start it with `bash infra/start.sh` (check with `bash infra/status.sh`) or set {SKIP_VAR}=1 to skip these tests.",
        down.join("; ")
    );
}

/// A loopback port that nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral port")
        .port()
}

/// The processor running as a child process, killed on drop if still running.
pub struct Processor {
    child: Child,
    /// Port of its health server.
    pub port: u16,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

fn drain(stream: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            into.lock().unwrap().push(line);
        }
    });
}

impl Processor {
    /// Starts the binary on a free port with the inherited environment plus `env`.
    pub fn start(env: &[(&str, String)]) -> Self {
        Self::start_with_args(&[], env)
    }

    /// Same with command-line arguments.
    pub fn start_with_args(args: &[&str], env: &[(&str, String)]) -> Self {
        let port = env
            .iter()
            .find(|(k, _)| *k == "PROCESSOR_PORT")
            .map(|(_, v)| v.parse().unwrap_or(0))
            .unwrap_or_else(free_port);
        let mut command = Command::new(env!("CARGO_BIN_EXE_processor"));
        command
            .args(args)
            .env("PROCESSOR_HOST", "127.0.0.1")
            .env("PROCESSOR_PORT", port.to_string())
            .env("LOG_LEVEL", "debug,rdkafka=warn")
            // Its own consumer group: not the platform's, whose jobs it must not take.
            .env("KAFKA_GROUP_PREFIX", "processor-lifecycle-tests-")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("start the processor binary");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        drain(child.stdout.take().unwrap(), Arc::clone(&stdout));
        drain(child.stderr.take().unwrap(), Arc::clone(&stderr));
        Self {
            child,
            port,
            stdout,
            stderr,
        }
    }

    /// Lines written to stdout so far (the JSON log).
    pub fn stdout(&self) -> Vec<String> {
        self.stdout.lock().unwrap().clone()
    }

    /// Lines written to stderr so far.
    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// Both streams, for failure messages.
    pub fn output(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            self.stdout().join("\n"),
            self.stderr().join("\n")
        )
    }

    /// `GET path` on the health server: `(status, body)`, or `None` if nothing answers.
    pub fn get(&self, path: &str) -> Option<(u16, String)> {
        http_get(self.port, path)
    }

    /// Polls `GET path` until `accept` approves an answer or `timeout` runs out.
    pub fn wait_for(
        &mut self,
        path: &str,
        timeout: Duration,
        accept: impl Fn(u16, &str) -> bool,
    ) -> (u16, String) {
        let deadline = Instant::now() + timeout;
        let mut last = None;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "processor exited with {status} while waiting for {path}\n{}",
                    self.output()
                );
            }
            if let Some((status, body)) = self.get(path) {
                if accept(status, &body) {
                    return (status, body);
                }
                last = Some((status, body));
            }
            thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "no acceptable answer from {path} within {timeout:?}; last: {last:?}\n{}",
            self.output()
        );
    }

    /// Sends `signal` (e.g. `libc::SIGTERM`).
    pub fn signal(&self, signal: i32) {
        let pid = i32::try_from(self.child.id()).expect("pid fits i32");
        // SAFETY: kill(2) on our own child's pid, which we have not reaped yet.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill({pid}, {signal}) failed");
    }

    /// Waits up to `timeout` for the process to exit; returns its status and the time taken.
    pub fn wait_exit(&mut self, timeout: Duration) -> (ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader threads collect the last lines.
                thread::sleep(Duration::from_millis(100));
                return (status, started.elapsed());
            }
            if started.elapsed() > timeout {
                let _ = self.child.kill();
                panic!(
                    "processor still running {timeout:?} after it was asked to stop\n{}",
                    self.output()
                );
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The parsed JSON log lines; fails the test on a line that is not a JSON object.
    pub fn json_log(&self) -> Vec<serde_json::Value> {
        self.stdout()
            .iter()
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
                assert!(value.is_object(), "log line is not an object: {line}");
                value
            })
            .collect()
    }
}

impl Drop for Processor {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A minimal HTTP/1.1 GET against 127.0.0.1:`port`.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}
