//! Configuration: the one place that reads the environment.
//!
//! [`Config::from_env`] reads every variable the processor knows, validates each one, reports
//! **every** problem at once as a [`ConfigError`], and otherwise returns a typed [`Config`].
//! Nothing else in the crate touches `std::env`. The variable names and defaults are those of
//! `infra/env.sh`, so a processor started with an empty environment talks to the local stack.
//!
//! The timing knobs of the service loop live in [`Options`], whose [`Default`] documents the
//! value used when the matching `PROCESSOR_*` variable is unset.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;

use tracing_subscriber::filter::Targets;
use url::Url;

use crate::error::{ConfigError, ConfigProblem};
use crate::events::topics;

/// Names of the environment variables, so that tests and docs cannot drift from the code.
pub mod vars {
    /// PostgreSQL connection URL.
    pub const DATABASE_URL: &str = "DATABASE_URL";
    /// Comma-separated Kafka bootstrap brokers, `host:port`.
    pub const KAFKA_BROKERS: &str = "KAFKA_BROKERS";
    /// Kafka `client.id` of the processor's clients.
    pub const KAFKA_CLIENT_ID: &str = "KAFKA_CLIENT_ID";
    /// S3 endpoint URL; empty for Amazon S3's own endpoint.
    pub const S3_ENDPOINT: &str = "S3_ENDPOINT";
    /// S3 signing region.
    pub const S3_REGION: &str = "S3_REGION";
    /// S3 access key id.
    pub const S3_ACCESS_KEY_ID: &str = "S3_ACCESS_KEY_ID";
    /// S3 secret access key.
    pub const S3_SECRET_ACCESS_KEY: &str = "S3_SECRET_ACCESS_KEY";
    /// Bucket of the raw uploads.
    pub const S3_RAW_BUCKET: &str = "S3_RAW_BUCKET";
    /// Bucket of the typed Parquet datasets.
    pub const S3_DATA_BUCKET: &str = "S3_DATA_BUCKET";
    /// Address the health/metrics server binds.
    pub const PROCESSOR_HOST: &str = "PROCESSOR_HOST";
    /// Port of the health/metrics server.
    pub const PROCESSOR_PORT: &str = "PROCESSOR_PORT";
    /// Log filter: a level or `tracing` targets directives.
    pub const LOG_LEVEL: &str = "LOG_LEVEL";
    /// [`super::Options::check_timeout`] in milliseconds.
    pub const PROCESSOR_CHECK_TIMEOUT_MS: &str = "PROCESSOR_CHECK_TIMEOUT_MS";
    /// [`super::Options::readiness_interval`] in milliseconds.
    pub const PROCESSOR_READINESS_INTERVAL_MS: &str = "PROCESSOR_READINESS_INTERVAL_MS";
    /// [`super::Options::startup_max_attempts`].
    pub const PROCESSOR_STARTUP_MAX_ATTEMPTS: &str = "PROCESSOR_STARTUP_MAX_ATTEMPTS";
    /// [`super::Options::startup_initial_backoff`] in milliseconds.
    pub const PROCESSOR_STARTUP_BACKOFF_MS: &str = "PROCESSOR_STARTUP_BACKOFF_MS";
    /// [`super::Options::startup_max_backoff`] in milliseconds.
    pub const PROCESSOR_STARTUP_MAX_BACKOFF_MS: &str = "PROCESSOR_STARTUP_MAX_BACKOFF_MS";
    /// [`super::Options::shutdown_grace`] in milliseconds.
    pub const PROCESSOR_SHUTDOWN_GRACE_MS: &str = "PROCESSOR_SHUTDOWN_GRACE_MS";
    /// Put before the consumer group and transactional ids, so that stacks and test runs can
    /// share one Kafka (the TypeScript services read the same variable).
    pub const KAFKA_GROUP_PREFIX: &str = "KAFKA_GROUP_PREFIX";
    /// Names this instance among the processors of one stack (its Kafka transactional id).
    pub const PROCESSOR_INSTANCE_ID: &str = "PROCESSOR_INSTANCE_ID";
    /// Attempts at one job when S3 or PostgreSQL fail, before it fails for good.
    pub const PROCESSOR_JOB_ATTEMPTS: &str = "PROCESSOR_JOB_ATTEMPTS";
    /// Pause after the first failed attempt at a job; doubled after each further one.
    pub const PROCESSOR_JOB_RETRY_BACKOFF_MS: &str = "PROCESSOR_JOB_RETRY_BACKOFF_MS";
    /// Directory of the temporary files of a job (the Parquet before upload, spills).
    pub const PROCESSOR_WORK_DIR: &str = "PROCESSOR_WORK_DIR";
}

/// Defaults shared with `infra/env.sh`.
pub mod defaults {
    /// `DATABASE_URL` of the local stack.
    pub const DATABASE_URL: &str = "postgres://platform:platform@127.0.0.1:5432/platform";
    /// `KAFKA_BROKERS` of the local stack.
    pub const KAFKA_BROKERS: &str = "127.0.0.1:9092";
    /// `KAFKA_CLIENT_ID`.
    pub const KAFKA_CLIENT_ID: &str = "processor";
    /// `S3_ENDPOINT` of the local stack (versitygw).
    pub const S3_ENDPOINT: &str = "http://127.0.0.1:7070";
    /// `S3_REGION`.
    pub const S3_REGION: &str = "us-east-1";
    /// `S3_ACCESS_KEY_ID` of the local stack.
    pub const S3_ACCESS_KEY_ID: &str = "platform-local";
    /// `S3_SECRET_ACCESS_KEY` of the local stack.
    pub const S3_SECRET_ACCESS_KEY: &str = "platform-local-secret-key";
    /// `S3_RAW_BUCKET`.
    pub const S3_RAW_BUCKET: &str = "analytics-raw";
    /// `S3_DATA_BUCKET`.
    pub const S3_DATA_BUCKET: &str = "analytics-data";
    /// `PROCESSOR_HOST`: loopback only unless told otherwise.
    pub const PROCESSOR_HOST: std::net::IpAddr =
        std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    /// `PROCESSOR_PORT`.
    pub const PROCESSOR_PORT: u16 = 4010;
    /// `LOG_LEVEL`.
    pub const LOG_LEVEL: &str = "info";
}

/// Timing of the service loop. Every field has an environment variable (see [`vars`]); the
/// [`Default`] is what an unset variable means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Budget of one check of one dependency (PostgreSQL query, Kafka metadata request, S3
    /// bucket listing), connection included. Default 3 s.
    pub check_timeout: Duration,
    /// Pause between two readiness checks once the processor has started. Default 5 s.
    pub readiness_interval: Duration,
    /// Rounds of checks at startup before the processor gives up and exits (code 3).
    /// Default 20, which with the default backoff waits a little under three minutes.
    pub startup_max_attempts: u32,
    /// Pause after the first failed startup round; doubled after each further one.
    /// Default 500 ms.
    pub startup_initial_backoff: Duration,
    /// Cap of the startup pause. Default 10 s.
    pub startup_max_backoff: Duration,
    /// How long shutdown waits for in-flight HTTP requests before closing them. Default 5 s.
    pub shutdown_grace: Duration,
    /// Attempts at one job when S3 or PostgreSQL fail before it is reported failed. Default 4.
    pub job_attempts: u32,
    /// Pause after the first failed attempt at a job, doubled after each. Default 1 s.
    pub job_retry_backoff: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            check_timeout: Duration::from_secs(3),
            readiness_interval: Duration::from_secs(5),
            startup_max_attempts: 20,
            startup_initial_backoff: Duration::from_millis(500),
            startup_max_backoff: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(5),
            job_attempts: 4,
            job_retry_backoff: Duration::from_secs(1),
        }
    }
}

/// A string that must not appear in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The health/metrics HTTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// `PROCESSOR_HOST:PROCESSOR_PORT`, `127.0.0.1:4010` by default.
    pub addr: SocketAddr,
}

/// PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresConfig {
    /// Parsed `DATABASE_URL` (its `Debug` hides the password).
    pub config: tokio_postgres::Config,
    /// `DATABASE_URL` with the password replaced by `***`, for logs.
    pub redacted_url: String,
}

/// Kafka.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaConfig {
    /// Bootstrap brokers, each `host:port`.
    pub brokers: Vec<String>,
    /// `client.id` of the processor's Kafka clients.
    pub client_id: String,
    /// Topics that must exist before the processor is ready.
    pub required_topics: Vec<String>,
    /// Consumer group of `data.ingestion`: `KAFKA_GROUP_PREFIX` + `processor`.
    pub group_id: String,
    /// Transactional id of the events producer: the group id + `-` + `PROCESSOR_INSTANCE_ID`.
    /// Stable across restarts, so a restarted instance fences the one it replaces.
    pub transactional_id: String,
}

impl KafkaConfig {
    /// The brokers as librdkafka's `bootstrap.servers` wants them.
    pub fn bootstrap_servers(&self) -> String {
        self.brokers.join(",")
    }
}

/// S3-compatible object storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Config {
    /// Endpoint of an S3-compatible server; `None` means Amazon S3's regional endpoint.
    pub endpoint: Option<Url>,
    /// Signing region.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: Secret,
    /// Bucket of the raw uploads (read by the processor).
    pub raw_bucket: String,
    /// Bucket of the typed Parquet datasets (written by the processor).
    pub data_bucket: String,
}

impl S3Config {
    /// Whether the endpoint is plain HTTP (the local stack), which object_store refuses
    /// unless told to allow it.
    pub fn allow_http(&self) -> bool {
        self.endpoint.as_ref().is_some_and(|u| u.scheme() == "http")
    }

    /// Both buckets, raw first.
    pub fn buckets(&self) -> [&str; 2] {
        [&self.raw_bucket, &self.data_bucket]
    }
}

/// The processor's whole configuration, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Health/metrics server.
    pub http: HttpConfig,
    /// PostgreSQL.
    pub postgres: PostgresConfig,
    /// Kafka.
    pub kafka: KafkaConfig,
    /// Object storage.
    pub s3: S3Config,
    /// `LOG_LEVEL`, normalised to `tracing` targets syntax (`info`, `warn,processor=debug`).
    pub log_filter: String,
    /// Timing of the service loop.
    pub options: Options,
    /// Directory of a job's temporary files (`PROCESSOR_WORK_DIR`, default the system's).
    pub work_dir: std::path::PathBuf,
}

impl Config {
    /// Reads and validates the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads and validates the variables that `lookup` returns (`None`: unset).
    /// Collects every problem before failing.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut r = Reader {
            lookup: &lookup,
            problems: Vec::new(),
        };
        let d = Options::default();

        let host = r.parse(vars::PROCESSOR_HOST, |v| {
            IpAddr::from_str(v).map_err(|_| format!("must be an IP address, got {v:?}"))
        });
        let port = r.parse(vars::PROCESSOR_PORT, parse_port);
        let http = HttpConfig {
            addr: SocketAddr::new(
                host.unwrap_or(defaults::PROCESSOR_HOST),
                port.unwrap_or(defaults::PROCESSOR_PORT),
            ),
        };

        let database_url = r.string(vars::DATABASE_URL, defaults::DATABASE_URL);
        let postgres = r.check(vars::DATABASE_URL, parse_database_url(&database_url));

        let brokers = r.string(vars::KAFKA_BROKERS, defaults::KAFKA_BROKERS);
        let brokers = r.check(vars::KAFKA_BROKERS, parse_brokers(&brokers));
        let client_id = r.string(vars::KAFKA_CLIENT_ID, defaults::KAFKA_CLIENT_ID);
        r.check(vars::KAFKA_CLIENT_ID, validate_client_id(&client_id));

        let group_prefix = r.string(vars::KAFKA_GROUP_PREFIX, "");
        if !group_prefix.is_empty() {
            r.check(vars::KAFKA_GROUP_PREFIX, validate_client_id(&group_prefix));
        }
        let instance_id = r.string(vars::PROCESSOR_INSTANCE_ID, "0");
        r.check(
            vars::PROCESSOR_INSTANCE_ID,
            validate_client_id(&instance_id),
        );
        let group_id = format!("{group_prefix}processor");
        let work_dir = r
            .raw(vars::PROCESSOR_WORK_DIR)
            .map(|v| std::path::PathBuf::from(v.trim()))
            .unwrap_or_else(std::env::temp_dir);

        let endpoint = r.raw(vars::S3_ENDPOINT);
        let endpoint = match endpoint.as_deref().map(str::trim) {
            None => Some(Url::parse(defaults::S3_ENDPOINT).expect("default endpoint is a URL")),
            Some("") => None,
            Some(v) => r.check(vars::S3_ENDPOINT, parse_endpoint(v)),
        };
        let region = r.string(vars::S3_REGION, defaults::S3_REGION);
        r.check(vars::S3_REGION, validate_region(&region));
        let access_key_id = r.string(vars::S3_ACCESS_KEY_ID, defaults::S3_ACCESS_KEY_ID);
        r.check(vars::S3_ACCESS_KEY_ID, non_empty(&access_key_id));
        let secret_access_key =
            r.string(vars::S3_SECRET_ACCESS_KEY, defaults::S3_SECRET_ACCESS_KEY);
        r.check(vars::S3_SECRET_ACCESS_KEY, non_empty(&secret_access_key));
        let raw_bucket = r.string(vars::S3_RAW_BUCKET, defaults::S3_RAW_BUCKET);
        r.check(vars::S3_RAW_BUCKET, validate_bucket(&raw_bucket));
        let data_bucket = r.string(vars::S3_DATA_BUCKET, defaults::S3_DATA_BUCKET);
        r.check(vars::S3_DATA_BUCKET, validate_bucket(&data_bucket));

        let log_filter = r.string(vars::LOG_LEVEL, defaults::LOG_LEVEL);
        let log_filter = r.check(vars::LOG_LEVEL, parse_log_filter(&log_filter));

        let options = Options {
            check_timeout: r
                .parse(vars::PROCESSOR_CHECK_TIMEOUT_MS, parse_millis)
                .unwrap_or(d.check_timeout),
            readiness_interval: r
                .parse(vars::PROCESSOR_READINESS_INTERVAL_MS, parse_millis)
                .unwrap_or(d.readiness_interval),
            startup_max_attempts: r
                .parse(vars::PROCESSOR_STARTUP_MAX_ATTEMPTS, parse_attempts)
                .unwrap_or(d.startup_max_attempts),
            startup_initial_backoff: r
                .parse(vars::PROCESSOR_STARTUP_BACKOFF_MS, parse_millis)
                .unwrap_or(d.startup_initial_backoff),
            startup_max_backoff: r
                .parse(vars::PROCESSOR_STARTUP_MAX_BACKOFF_MS, parse_millis)
                .unwrap_or(d.startup_max_backoff),
            shutdown_grace: r
                .parse(vars::PROCESSOR_SHUTDOWN_GRACE_MS, parse_millis)
                .unwrap_or(d.shutdown_grace),
            job_attempts: r
                .parse(vars::PROCESSOR_JOB_ATTEMPTS, parse_attempts)
                .unwrap_or(d.job_attempts),
            job_retry_backoff: r
                .parse(vars::PROCESSOR_JOB_RETRY_BACKOFF_MS, parse_millis)
                .unwrap_or(d.job_retry_backoff),
        };
        if options.startup_max_backoff < options.startup_initial_backoff {
            r.problem(
                vars::PROCESSOR_STARTUP_MAX_BACKOFF_MS,
                format!(
                    "must be at least {} ({} ms), got {} ms",
                    vars::PROCESSOR_STARTUP_BACKOFF_MS,
                    options.startup_initial_backoff.as_millis(),
                    options.startup_max_backoff.as_millis()
                ),
            );
        }

        if !r.problems.is_empty() {
            return Err(ConfigError {
                problems: r.problems,
            });
        }
        // Every `None` below recorded a problem, so none is reachable here.
        let (Some(postgres), Some(brokers), Some(log_filter)) = (postgres, brokers, log_filter)
        else {
            unreachable!("a failed parse always records a problem");
        };
        Ok(Self {
            http,
            postgres,
            kafka: KafkaConfig {
                brokers,
                client_id,
                required_topics: topics::REQUIRED.iter().map(|t| t.to_string()).collect(),
                transactional_id: format!("{group_id}-{instance_id}"),
                group_id,
            },
            s3: S3Config {
                endpoint,
                region,
                access_key_id,
                secret_access_key: Secret::new(secret_access_key),
                raw_bucket,
                data_bucket,
            },
            log_filter,
            options,
            work_dir,
        })
    }
}

/// Collects problems while reading variables.
struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<ConfigProblem>,
}

impl Reader<'_> {
    fn problem(&mut self, variable: &'static str, message: impl Into<String>) {
        self.problems.push(ConfigProblem {
            variable,
            message: message.into(),
        });
    }

    fn raw(&self, variable: &'static str) -> Option<String> {
        (self.lookup)(variable)
    }

    /// The variable's value, or `default` when unset. Set-but-empty is returned as is, so that
    /// the validators can report it.
    fn string(&self, variable: &'static str, default: &str) -> String {
        self.raw(variable)
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| default.to_string())
    }

    /// Records `result`'s error under `variable`.
    fn check<T>(&mut self, variable: &'static str, result: Result<T, String>) -> Option<T> {
        result.map_err(|m| self.problem(variable, m)).ok()
    }

    /// Parses the variable if set; `None` when unset (the caller's default applies) or invalid
    /// (a problem is recorded).
    fn parse<T>(
        &mut self,
        variable: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let value = self.raw(variable)?;
        self.check(variable, parse(value.trim()))
    }
}

fn non_empty(value: &str) -> Result<(), String> {
    if value.is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(())
    }
}

fn parse_port(value: &str) -> Result<u16, String> {
    match value.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!(
            "must be a port number from 1 to 65535, got {value:?}"
        )),
        Ok(port) => Ok(port),
    }
}

/// A positive number of milliseconds, at most one day.
fn parse_millis(value: &str) -> Result<Duration, String> {
    const MAX_MS: u64 = 24 * 60 * 60 * 1000;
    match value.parse::<u64>() {
        Ok(ms) if (1..=MAX_MS).contains(&ms) => Ok(Duration::from_millis(ms)),
        _ => Err(format!(
            "must be a whole number of milliseconds from 1 to {MAX_MS}, got {value:?}"
        )),
    }
}

fn parse_attempts(value: &str) -> Result<u32, String> {
    match value.parse::<u32>() {
        Ok(n) if (1..=10_000).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number from 1 to 10000, got {value:?}"
        )),
    }
}

fn parse_database_url(value: &str) -> Result<PostgresConfig, String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    let Some(rest) = value
        .strip_prefix("postgres://")
        .or_else(|| value.strip_prefix("postgresql://"))
    else {
        return Err("must be a postgres:// or postgresql:// URL".into());
    };
    let config = tokio_postgres::Config::from_str(value)
        .map_err(|e| format!("is not a valid PostgreSQL URL: {e}"))?;
    if config.get_hosts().is_empty() {
        return Err("must name a host".into());
    }
    if config.get_user().is_none() {
        return Err("must name a user".into());
    }
    if config.get_dbname().is_none() {
        return Err("must name a database".into());
    }
    if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
        return Err(
            "sslmode=require is not supported yet (the processor connects without TLS); \
             use sslmode=disable or prefer"
                .into(),
        );
    }
    Ok(PostgresConfig {
        config,
        redacted_url: redact_url_password(value, rest),
    })
}

/// `scheme://user:***@host/...`; `rest` is the URL after `scheme://`.
fn redact_url_password(url: &str, rest: &str) -> String {
    let scheme = &url[..url.len() - rest.len()];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            let password = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}{user}{password}{}", &rest[at..])
        }
        None => url.to_string(),
    }
}

fn parse_brokers(value: &str) -> Result<Vec<String>, String> {
    if value.is_empty() {
        return Err("must list at least one broker as host:port".into());
    }
    let mut brokers = Vec::new();
    let mut bad = Vec::new();
    for broker in value.split(',').map(str::trim) {
        match broker.rsplit_once(':') {
            Some((host, port))
                if !host.is_empty()
                    && !host.contains(char::is_whitespace)
                    && parse_port(port).is_ok() =>
            {
                brokers.push(broker.to_string())
            }
            _ => bad.push(format!("{broker:?}")),
        }
    }
    if bad.is_empty() {
        Ok(brokers)
    } else {
        Err(format!(
            "must be a comma-separated list of host:port, bad entries: {}",
            bad.join(", ")
        ))
    }
}

fn validate_client_id(value: &str) -> Result<(), String> {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        Ok(())
    } else {
        Err(format!(
            "must be letters, digits, '.', '_' or '-', got {value:?}"
        ))
    }
}

fn parse_endpoint(value: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|e| format!("is not a URL ({e}), got {value:?}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("must be an http:// or https:// URL, got {value:?}"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("must name a host, got {value:?}"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!(
            "must be scheme://host[:port][/path] without credentials, query or fragment, got {value:?}"
        ));
    }
    Ok(url)
}

fn validate_region(value: &str) -> Result<(), String> {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Ok(())
    } else {
        Err(format!(
            "must be a region name such as us-east-1, got {value:?}"
        ))
    }
}

/// S3 bucket naming rules: 3-63 characters of lowercase letters, digits, '.' and '-',
/// starting and ending with a letter or digit, no "..", not an IPv4 address.
fn validate_bucket(value: &str) -> Result<(), String> {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let ok = (3..=63).contains(&value.len())
        && value.chars().all(|c| alnum(c) || c == '.' || c == '-')
        && value.starts_with(alnum)
        && value.ends_with(alnum)
        && !value.contains("..")
        && value.parse::<Ipv4Addr>().is_err();
    if ok {
        Ok(())
    } else {
        Err(format!(
            "must be a valid S3 bucket name (3-63 lowercase letters, digits, '.' or '-'), got {value:?}"
        ))
    }
}

/// Accepts a level (`trace` ... `error`, `off`, and pino's `fatal` and `silent`, which the
/// TypeScript services use) or directives such as `info,rdkafka=warn` (`target=level`).
/// Stricter than `tracing`'s own parser, which takes a bare word as a target name, so that a
/// typo such as `infp` is an error rather than "log everything from target infp".
fn parse_log_filter(value: &str) -> Result<String, String> {
    const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];
    let level = |l: &str| match l {
        "fatal" => Some("error"),
        "silent" => Some("off"),
        l => LEVELS.iter().find(|&&known| known == l).copied(),
    };
    let lower = value.to_ascii_lowercase();
    let mut directives = Vec::new();
    for directive in lower.split(',').map(str::trim) {
        let normalised = match directive.split_once('=') {
            None => level(directive).map(str::to_string),
            Some((target, l)) if !target.is_empty() && !target.contains(char::is_whitespace) => {
                level(l).map(|l| format!("{target}={l}"))
            }
            Some(_) => None,
        };
        match normalised {
            Some(d) => directives.push(d),
            None => {
                return Err(format!(
                    "must be a level ({}) or directives such as info,rdkafka=warn, got {value:?}",
                    LEVELS.join(", ")
                ));
            }
        }
    }
    let normalised = directives.join(",");
    Targets::from_str(&normalised)
        .map(|_| normalised)
        .map_err(|e| format!("is not a valid log filter ({e}), got {value:?}"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| env.get(name).cloned())
    }

    fn problem_vars(err: &ConfigError) -> Vec<&'static str> {
        err.variables()
    }

    #[test]
    fn empty_environment_gives_the_local_stack_defaults() {
        let config = load(&[]).expect("defaults are valid");
        assert_eq!(config.http.addr, "127.0.0.1:4010".parse().unwrap());
        assert_eq!(config.kafka.brokers, ["127.0.0.1:9092"]);
        assert_eq!(config.kafka.client_id, "processor");
        assert_eq!(
            config.kafka.required_topics,
            [
                "data.ingestion",
                "data.processing.progress",
                "data.processing.complete",
                "data.processing.failed",
                "data.ingestion.dlq"
            ]
        );
        assert_eq!(
            config.s3.endpoint.as_ref().map(Url::as_str),
            Some("http://127.0.0.1:7070/")
        );
        assert!(config.s3.allow_http());
        assert_eq!(config.s3.region, "us-east-1");
        assert_eq!(config.s3.access_key_id, "platform-local");
        assert_eq!(
            config.s3.secret_access_key.expose(),
            "platform-local-secret-key"
        );
        assert_eq!(config.s3.buckets(), ["analytics-raw", "analytics-data"]);
        assert_eq!(config.postgres.config.get_user(), Some("platform"));
        assert_eq!(config.postgres.config.get_dbname(), Some("platform"));
        assert_eq!(
            config.postgres.redacted_url,
            "postgres://platform:***@127.0.0.1:5432/platform"
        );
        assert_eq!(config.log_filter, "info");
        assert_eq!(config.options, Options::default());
    }

    #[test]
    fn options_default_is_documented_values() {
        let o = Options::default();
        assert_eq!(o.check_timeout, Duration::from_secs(3));
        assert_eq!(o.readiness_interval, Duration::from_secs(5));
        assert_eq!(o.startup_max_attempts, 20);
        assert_eq!(o.startup_initial_backoff, Duration::from_millis(500));
        assert_eq!(o.startup_max_backoff, Duration::from_secs(10));
        assert_eq!(o.shutdown_grace, Duration::from_secs(5));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let err = load(&[
            (vars::PROCESSOR_PORT, "70000"),
            (vars::PROCESSOR_HOST, "localhost:1"),
            (vars::DATABASE_URL, "mysql://x@y/z"),
            (vars::KAFKA_BROKERS, "127.0.0.1:9092, nohostport"),
            (vars::S3_ENDPOINT, "ftp://127.0.0.1:7070"),
            (vars::S3_REGION, ""),
            (vars::S3_ACCESS_KEY_ID, ""),
            (vars::S3_RAW_BUCKET, "Bad_Bucket"),
            (vars::S3_DATA_BUCKET, "ab"),
            (vars::LOG_LEVEL, "loud"),
            (vars::PROCESSOR_CHECK_TIMEOUT_MS, "0"),
            (vars::PROCESSOR_STARTUP_MAX_ATTEMPTS, "-1"),
        ])
        .expect_err("all of these are invalid");
        assert_eq!(
            problem_vars(&err),
            [
                vars::PROCESSOR_HOST,
                vars::PROCESSOR_PORT,
                vars::DATABASE_URL,
                vars::KAFKA_BROKERS,
                vars::S3_ENDPOINT,
                vars::S3_REGION,
                vars::S3_ACCESS_KEY_ID,
                vars::S3_RAW_BUCKET,
                vars::S3_DATA_BUCKET,
                vars::LOG_LEVEL,
                vars::PROCESSOR_CHECK_TIMEOUT_MS,
                vars::PROCESSOR_STARTUP_MAX_ATTEMPTS,
            ]
        );
        let text = err.to_string();
        assert!(text.contains("12 problems"), "{text}");
        assert!(text.contains("\"nohostport\""), "{text}");
    }

    #[test]
    fn bad_ports_are_rejected() {
        for bad in ["0", "65536", "-1", "abc", "", "80.5"] {
            let err = load(&[(vars::PROCESSOR_PORT, bad)]).expect_err(bad);
            assert_eq!(problem_vars(&err), [vars::PROCESSOR_PORT], "{bad}");
            assert!(err.to_string().contains("from 1 to 65535"), "{err}");
        }
        let config = load(&[(vars::PROCESSOR_PORT, " 4999 ")]).unwrap();
        assert_eq!(config.http.addr.port(), 4999);
    }

    #[test]
    fn broker_lists_need_host_and_port() {
        for bad in [
            "", "kafka", "kafka:", ":9092", "kafka:0", "a:1,,b:2", "a b:1",
        ] {
            let err = load(&[(vars::KAFKA_BROKERS, bad)]).expect_err(bad);
            assert_eq!(problem_vars(&err), [vars::KAFKA_BROKERS], "{bad:?}");
        }
        let config = load(&[(vars::KAFKA_BROKERS, "k1:9092, k2:9093,[::1]:9094")]).unwrap();
        assert_eq!(config.kafka.brokers, ["k1:9092", "k2:9093", "[::1]:9094"]);
        assert_eq!(
            config.kafka.bootstrap_servers(),
            "k1:9092,k2:9093,[::1]:9094"
        );
    }

    #[test]
    fn database_urls_are_checked() {
        for bad in [
            "",
            "platform",
            "http://u:p@h/db",
            "postgres://u:p@h:notaport/db",
            "postgres://u:p@h/db?sslmode=require",
        ] {
            let err = load(&[(vars::DATABASE_URL, bad)]).expect_err(bad);
            assert_eq!(problem_vars(&err), [vars::DATABASE_URL], "{bad:?}");
            assert!(!err.to_string().contains(":p@"), "password leaked: {err}");
        }
        let config = load(&[(
            vars::DATABASE_URL,
            "postgresql://svc:s3cr%40t@db.internal:6543/analytics?application_name=processor",
        )])
        .unwrap();
        assert_eq!(config.postgres.config.get_dbname(), Some("analytics"));
        assert_eq!(config.postgres.config.get_ports(), [6543]);
        assert_eq!(
            config.postgres.redacted_url,
            "postgresql://svc:***@db.internal:6543/analytics?application_name=processor"
        );
        assert!(
            !format!("{config:?}").contains("s3cr"),
            "Debug shows the password"
        );
    }

    #[test]
    fn s3_endpoint_urls_are_checked_and_empty_means_amazon() {
        for bad in [
            "127.0.0.1:7070",
            "ftp://h",
            "http://",
            "http://u:p@h",
            "http://h?x=1",
        ] {
            let err = load(&[(vars::S3_ENDPOINT, bad)]).expect_err(bad);
            assert_eq!(problem_vars(&err), [vars::S3_ENDPOINT], "{bad:?}");
        }
        let config = load(&[(vars::S3_ENDPOINT, "")]).unwrap();
        assert_eq!(config.s3.endpoint, None);
        assert!(!config.s3.allow_http());
        let config = load(&[(vars::S3_ENDPOINT, "https://s3.example.com")]).unwrap();
        assert!(!config.s3.allow_http());
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        for good in ["abc", "analytics-raw", "a.b-c9", &"a".repeat(63)] {
            assert!(validate_bucket(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "-abc",
            "abc-",
            "a..b",
            "ABC",
            "a_b",
            "192.168.1.1",
            &"a".repeat(64),
        ] {
            assert!(validate_bucket(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_and_backoff_are_checked() {
        let config = load(&[
            (vars::PROCESSOR_CHECK_TIMEOUT_MS, "250"),
            (vars::PROCESSOR_READINESS_INTERVAL_MS, "1000"),
            (vars::PROCESSOR_STARTUP_MAX_ATTEMPTS, "3"),
            (vars::PROCESSOR_STARTUP_BACKOFF_MS, "100"),
            (vars::PROCESSOR_STARTUP_MAX_BACKOFF_MS, "100"),
            (vars::PROCESSOR_SHUTDOWN_GRACE_MS, "2000"),
        ])
        .unwrap();
        assert_eq!(config.options.check_timeout, Duration::from_millis(250));
        assert_eq!(config.options.readiness_interval, Duration::from_secs(1));
        assert_eq!(config.options.startup_max_attempts, 3);
        assert_eq!(config.options.shutdown_grace, Duration::from_secs(2));

        let err = load(&[
            (vars::PROCESSOR_STARTUP_BACKOFF_MS, "5000"),
            (vars::PROCESSOR_STARTUP_MAX_BACKOFF_MS, "1000"),
            (vars::PROCESSOR_SHUTDOWN_GRACE_MS, "1.5"),
        ])
        .unwrap_err();
        assert_eq!(
            problem_vars(&err),
            [
                vars::PROCESSOR_SHUTDOWN_GRACE_MS,
                vars::PROCESSOR_STARTUP_MAX_BACKOFF_MS
            ]
        );
    }

    #[test]
    fn log_levels_accept_pino_names_and_directives() {
        for (given, expected) in [
            ("INFO", "info"),
            ("fatal", "error"),
            ("silent", "off"),
            ("warn, processor=DEBUG", "warn,processor=debug"),
        ] {
            let config = load(&[(vars::LOG_LEVEL, given)]).unwrap();
            assert_eq!(config.log_filter, expected);
        }
        for bad in ["", "loud", "infp", "processor=", "=info", "info,,warn"] {
            let err = load(&[(vars::LOG_LEVEL, bad)]).expect_err(bad);
            assert_eq!(problem_vars(&err), [vars::LOG_LEVEL], "{bad:?}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let config = load(&[(vars::S3_SECRET_ACCESS_KEY, "top-secret-value")]).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("top-secret-value"), "{debug}");
        assert!(debug.contains("Secret(***)"));
        let err = load(&[(vars::S3_SECRET_ACCESS_KEY, "")]).unwrap_err();
        assert_eq!(problem_vars(&err), [vars::S3_SECRET_ACCESS_KEY]);
    }
}
