//! The Kafka event contracts of `schema/events/*.schema.json`, as serde types.
//!
//! One struct per topic payload. Field names are camelCase on the wire, unknown fields are
//! refused (the schemas say `additionalProperties: false`), and the types encode the schemas'
//! bounds where Rust can (`NonZeroU64` for `minimum: 1`, [`Percent`] for `0..=100`,
//! [`FailureCode`] for the code pattern). Timestamps go out as RFC 3339 UTC with milliseconds,
//! like JavaScript's `Date.toISOString()`, so both sides write the same text.
//!
//! The tests at the bottom validate every example of `schema/events/examples` and events
//! built here against the JSON Schemas, so this file and the contracts cannot drift apart.

use std::fmt;
use std::num::{NonZeroU32, NonZeroU64};

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Topic names the processor reads or writes.
pub mod topics {
    /// Upload complete: a raw object is ready (ingestion -> processor).
    pub const DATA_INGESTION: &str = "data.ingestion";
    /// `data.ingestion` messages the processor could not parse at all.
    pub const DATA_INGESTION_DLQ: &str = "data.ingestion.dlq";
    /// Progress of a job (processor -> gateway subscriptions).
    pub const PROCESSING_PROGRESS: &str = "data.processing.progress";
    /// A job finished; exactly one per job.
    pub const PROCESSING_COMPLETE: &str = "data.processing.complete";
    /// A job failed.
    pub const PROCESSING_FAILED: &str = "data.processing.failed";

    /// Every topic that must exist before the processor reports ready.
    pub const REQUIRED: [&str; 5] = [
        DATA_INGESTION,
        PROCESSING_PROGRESS,
        PROCESSING_COMPLETE,
        PROCESSING_FAILED,
        DATA_INGESTION_DLQ,
    ];
}

/// A payload of one topic. Messages are keyed by job id so that one job's events stay ordered.
pub trait Event: Serialize + DeserializeOwned {
    /// The topic this payload is published on.
    const TOPIC: &'static str;

    /// The Kafka message key: the job id.
    fn key(&self) -> Uuid;

    /// Decodes a message payload; the error says what is wrong (for a dead-letter header).
    fn parse(payload: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(payload)
            .map_err(|error| format!("not a valid {} event: {error}", Self::TOPIC))
    }
}

/// Format of the raw upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SourceType {
    /// Comma-separated values.
    Csv,
    /// JSON (array of objects or newline-delimited).
    Json,
    /// Apache Parquet.
    Parquet,
}

/// A raw object in S3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectRef {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
}

/// `data.ingestion`: ingestion landed a raw object; the processor should turn it into a
/// typed dataset version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataIngestion {
    /// Unique id of this event (consumers deduplicate on it).
    pub event_id: Uuid,
    /// When the upload completed.
    #[serde(with = "timestamp")]
    pub occurred_at: DateTime<Utc>,
    /// The processing job.
    pub job_id: Uuid,
    /// The dataset the new version belongs to.
    pub dataset_id: Uuid,
    /// Who uploaded it.
    pub user_id: Uuid,
    /// How to decode the raw object.
    pub source_type: SourceType,
    /// Where the raw bytes are.
    pub raw_object: ObjectRef,
    /// Size of the raw object in bytes.
    pub size_bytes: NonZeroU64,
    /// Dataset version to produce.
    pub version: NonZeroU32,
}

impl Event for DataIngestion {
    const TOPIC: &'static str = topics::DATA_INGESTION;
    fn key(&self) -> Uuid {
        self.job_id
    }
}

/// Status of a running job as `data.processing.progress` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum JobStatus {
    /// Accepted, not started.
    Queued,
    /// Being decoded, profiled or written.
    Processing,
}

/// A percentage, `0..=100`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Percent(u8);

impl Percent {
    /// `value` if it is at most 100.
    pub fn new(value: u8) -> Option<Self> {
        (value <= 100).then_some(Self(value))
    }

    /// The number, `0..=100`.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Percent {
    type Error = String;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Self::new(value).ok_or_else(|| format!("progress must be 0-100, got {value}"))
    }
}

impl From<Percent> for u8 {
    fn from(p: Percent) -> Self {
        p.0
    }
}

/// `data.processing.progress`: how far a job is. Never goes back for one job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProcessingProgress {
    /// Unique id of this event.
    pub event_id: Uuid,
    /// When the progress was measured.
    #[serde(with = "timestamp")]
    pub occurred_at: DateTime<Utc>,
    /// The job.
    pub job_id: Uuid,
    /// Its dataset.
    pub dataset_id: Uuid,
    /// Queued or processing.
    pub status: JobStatus,
    /// Percentage done.
    pub progress: Percent,
    /// Rows decoded so far, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows_processed: Option<u64>,
    /// Short human-readable stage, at most 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Event for ProcessingProgress {
    const TOPIC: &'static str = topics::PROCESSING_PROGRESS;
    fn key(&self) -> Uuid {
        self.job_id
    }
}

/// Where a dataset version's Parquet files are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutputLocation {
    /// The data bucket.
    pub bucket: String,
    /// `datasets/<datasetId>/v<version>/`.
    pub prefix: String,
}

impl OutputLocation {
    /// The contract's location of `version` of `dataset_id` in `bucket`.
    pub fn for_dataset(bucket: impl Into<String>, dataset_id: Uuid, version: NonZeroU32) -> Self {
        Self {
            bucket: bucket.into(),
            prefix: format!("datasets/{}/v{version}/", dataset_id.hyphenated()),
        }
    }
}

/// `data.processing.complete`: the typed Parquet and the profile are durable. Exactly one per
/// job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProcessingComplete {
    /// Unique id of this event.
    pub event_id: Uuid,
    /// When the job finished.
    #[serde(with = "timestamp")]
    pub occurred_at: DateTime<Utc>,
    /// The job.
    pub job_id: Uuid,
    /// Its dataset.
    pub dataset_id: Uuid,
    /// The dataset version written.
    pub version: NonZeroU32,
    /// Rows in the typed dataset.
    pub row_count: u64,
    /// Columns in the typed dataset.
    pub column_count: u32,
    /// Where the Parquet files are.
    pub output: OutputLocation,
    /// Wall time from the job's start to durability.
    pub processing_time_ms: u64,
}

impl Event for ProcessingComplete {
    const TOPIC: &'static str = topics::PROCESSING_COMPLETE;
    fn key(&self) -> Uuid {
        self.job_id
    }
}

/// A stable machine-readable failure code: `^[A-Z][A-Z_]{2,63}$`, e.g. `INVALID_CSV`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FailureCode(String);

impl FailureCode {
    /// `code` if it matches the contract's pattern.
    pub fn new(code: impl Into<String>) -> Result<Self, String> {
        let code = code.into();
        let mut chars = code.chars();
        let ok = chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && (3..=64).contains(&code.len())
            && chars.all(|c| c.is_ascii_uppercase() || c == '_');
        if ok {
            Ok(Self(code))
        } else {
            Err(format!(
                "failure code must match ^[A-Z][A-Z_]{{2,63}}$, got {code:?}"
            ))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for FailureCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<FailureCode> for String {
    fn from(code: FailureCode) -> Self {
        code.0
    }
}

/// `data.processing.failed`: a job cannot complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProcessingFailed {
    /// Unique id of this event.
    pub event_id: Uuid,
    /// When the job failed.
    #[serde(with = "timestamp")]
    pub occurred_at: DateTime<Utc>,
    /// The job.
    pub job_id: Uuid,
    /// Its dataset.
    pub dataset_id: Uuid,
    /// Stable code for programs.
    pub code: FailureCode,
    /// For the user: what went wrong and what to do, 1 to 1000 characters.
    pub reason: String,
}

impl Event for ProcessingFailed {
    const TOPIC: &'static str = topics::PROCESSING_FAILED;
    fn key(&self) -> Uuid {
        self.job_id
    }
}

/// The current time at the precision that goes on the wire (milliseconds), so that an event
/// built with it reads back equal to itself.
pub fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(3)
}

/// RFC 3339 UTC timestamps with millisecond precision (`2026-11-24T10:15:30.000Z`); any
/// RFC 3339 offset is accepted when reading.
pub mod timestamp {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes `2026-11-24T10:15:30.000Z`.
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    /// Reads any RFC 3339 date-time and converts it to UTC.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| D::Error::custom(format!("occurredAt must be RFC 3339: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::Value;

    use super::*;

    fn events_dir() -> PathBuf {
        // At run time, not `env!`: a test binary reused from a shared target folder may have been
        // compiled in another checkout.
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("run through cargo test"))
            .join("../schema/events")
    }

    fn read_json(path: &Path) -> Value {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
    }

    /// The validator of `schema/events/<topic>.schema.json`, with `format` checked (draft
    /// 2020-12 only annotates formats unless asked).
    fn validator(topic: &str) -> jsonschema::Validator {
        let path = events_dir().join(format!("{topic}.schema.json"));
        let schema = read_json(&path);
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", path.display()))
    }

    fn assert_valid(topic: &str, instance: &Value, what: &str) {
        let validator = validator(topic);
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} does not match the {topic} schema:\n{}\n{instance:#}",
            errors.join("\n")
        );
    }

    /// Deserializes `example` as `E`, checks nothing is lost when it is written back, and
    /// returns the typed value.
    fn round_trip<E: Event + PartialEq + fmt::Debug>(example: &Value) -> E {
        let typed: E = serde_json::from_value(example.clone())
            .unwrap_or_else(|e| panic!("example of {} does not deserialize: {e}", E::TOPIC));
        let written = serde_json::to_value(&typed).unwrap();
        assert_eq!(
            &written,
            example,
            "{} example changed on a round trip",
            E::TOPIC
        );
        assert_valid(E::TOPIC, &written, "re-serialized example");
        typed
    }

    // Topics the processor neither produces nor consumes.
    const OTHER_SERVICES_TOPICS: [&str; 1] = ["dataset.events"];

    #[test]
    fn every_example_validates_and_deserializes() {
        let dir = events_dir().join("examples");
        let mut seen = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        entries.sort();
        for path in entries {
            let topic = path.file_stem().unwrap().to_str().unwrap().to_string();
            let example = read_json(&path);
            assert_valid(&topic, &example, &path.display().to_string());
            match topic.as_str() {
                topics::DATA_INGESTION => {
                    let e: DataIngestion = round_trip(&example);
                    assert_eq!(e.key(), e.job_id);
                }
                topics::PROCESSING_PROGRESS => {
                    round_trip::<ProcessingProgress>(&example);
                }
                topics::PROCESSING_COMPLETE => {
                    round_trip::<ProcessingComplete>(&example);
                }
                topics::PROCESSING_FAILED => {
                    round_trip::<ProcessingFailed>(&example);
                }
                // Contracts between other services: validated above, no Rust type needed.
                other if OTHER_SERVICES_TOPICS.contains(&other) => continue,
                other => panic!(
                    "{} has no Rust type: add one to events.rs for topic {other}",
                    path.display()
                ),
            }
            seen.push(topic);
        }
        assert_eq!(
            seen,
            [
                topics::DATA_INGESTION,
                topics::PROCESSING_COMPLETE,
                topics::PROCESSING_FAILED,
                topics::PROCESSING_PROGRESS,
            ],
            "every payload type needs an example and vice versa"
        );
    }

    #[test]
    fn every_schema_has_an_example() {
        for entry in std::fs::read_dir(events_dir()).unwrap() {
            let path = entry.unwrap().path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if let Some(topic) = name.strip_suffix(".schema.json") {
                let example = events_dir().join("examples").join(format!("{topic}.json"));
                assert!(
                    example.exists(),
                    "{name} has no example {}",
                    example.display()
                );
            }
        }
    }

    fn ids() -> (Uuid, Uuid) {
        (Uuid::new_v4(), Uuid::new_v4())
    }

    #[test]
    fn constructed_events_validate_against_their_schemas() {
        let (job_id, dataset_id) = ids();
        let version = NonZeroU32::new(3).unwrap();

        let ingestion = DataIngestion {
            event_id: Uuid::new_v4(),
            occurred_at: now(),
            job_id,
            dataset_id,
            user_id: Uuid::new_v4(),
            source_type: SourceType::Parquet,
            raw_object: ObjectRef {
                bucket: "analytics-raw".into(),
                key: format!("raw/{dataset_id}/{job_id}"),
            },
            size_bytes: NonZeroU64::new(42).unwrap(),
            version,
        };
        let progress = ProcessingProgress {
            event_id: Uuid::new_v4(),
            occurred_at: now(),
            job_id,
            dataset_id,
            status: JobStatus::Queued,
            progress: Percent::new(0).unwrap(),
            rows_processed: None,
            message: None,
        };
        let complete = ProcessingComplete {
            event_id: Uuid::new_v4(),
            occurred_at: now(),
            job_id,
            dataset_id,
            version,
            row_count: 0,
            column_count: 0,
            output: OutputLocation::for_dataset("analytics-data", dataset_id, version),
            processing_time_ms: 0,
        };
        let failed = ProcessingFailed {
            event_id: Uuid::new_v4(),
            occurred_at: now(),
            job_id,
            dataset_id,
            code: FailureCode::new("UNSUPPORTED_FORMAT").unwrap(),
            reason: "The file is not CSV, JSON or Parquet. Upload one of those formats.".into(),
        };

        fn check<E: Event + PartialEq + fmt::Debug>(event: &E) {
            let value = serde_json::to_value(event).unwrap();
            assert_valid(E::TOPIC, &value, "constructed event");
            let back: E = serde_json::from_value(value).unwrap();
            assert_eq!(&back, event);
        }
        check(&ingestion);
        check(&progress);
        check(&complete);
        check(&failed);
        assert_eq!(
            complete.output.prefix,
            format!("datasets/{dataset_id}/v3/"),
            "prefix of the contract"
        );
    }

    #[test]
    fn timestamps_are_written_with_milliseconds_in_utc() {
        let (job_id, dataset_id) = ids();
        let mut example = serde_json::json!({
            "eventId": Uuid::new_v4(), "occurredAt": "2026-11-24T11:15:30.123456+01:00",
            "jobId": job_id, "datasetId": dataset_id, "status": "PROCESSING", "progress": 5
        });
        let typed: ProcessingProgress = serde_json::from_value(example.clone()).unwrap();
        let written = serde_json::to_value(&typed).unwrap();
        assert_eq!(written["occurredAt"], "2026-11-24T10:15:30.123Z");
        example["occurredAt"] = "yesterday".into();
        assert!(serde_json::from_value::<ProcessingProgress>(example).is_err());
    }

    #[test]
    fn payloads_outside_the_contract_are_refused() {
        let base = read_json(&events_dir().join("examples/data.processing.progress.json"));
        let mutate = |f: &dyn Fn(&mut Value)| {
            let mut v = base.clone();
            f(&mut v);
            v
        };
        let cases = [
            (
                "progress above 100",
                mutate(&|v| v["progress"] = 101.into()),
            ),
            ("unknown field", mutate(&|v| v["extra"] = true.into())),
            ("bad status", mutate(&|v| v["status"] = "DONE".into())),
            ("bad uuid", mutate(&|v| v["jobId"] = "job-1".into())),
            (
                "missing field",
                mutate(&|v| {
                    v.as_object_mut().unwrap().remove("datasetId");
                }),
            ),
        ];
        let validator = validator(topics::PROCESSING_PROGRESS);
        for (what, value) in cases {
            assert!(
                serde_json::from_value::<ProcessingProgress>(value.clone()).is_err(),
                "serde accepted {what}"
            );
            assert!(!validator.is_valid(&value), "schema accepted {what}");
        }

        let failed = read_json(&events_dir().join("examples/data.processing.failed.json"));
        for code in ["bad", "AB", "A-B-C", "_ABC", &"A".repeat(65)] {
            let mut v = failed.clone();
            v["code"] = code.into();
            assert!(
                serde_json::from_value::<ProcessingFailed>(v).is_err(),
                "{code}"
            );
        }
        assert!(FailureCode::new("ABC").is_ok());
        assert!(FailureCode::new("A".repeat(64)).is_ok());

        let ingestion = read_json(&events_dir().join("examples/data.ingestion.json"));
        for (field, bad) in [("sizeBytes", 0), ("version", 0)] {
            let mut v = ingestion.clone();
            v[field] = bad.into();
            assert!(
                serde_json::from_value::<DataIngestion>(v).is_err(),
                "{field}=0"
            );
        }
    }
}
