-- Up Migration
-- The outcome of each processing job, written by the processor in the same statement as the
-- profile (see processor/src/job/store.rs). A job delivered again (a crash before its Kafka
-- transaction committed, a duplicate data.ingestion message) publishes the event recorded here,
-- with the same event id, instead of a second one.
CREATE TABLE quality.processing_runs (
  job_id uuid PRIMARY KEY,
  dataset_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  topic text NOT NULL CHECK (topic IN ('data.processing.complete', 'data.processing.failed')),
  event jsonb NOT NULL CHECK (jsonb_typeof(event) = 'object'),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- Set once the Kafka transaction carrying the event committed.
  published_at timestamptz
);
CREATE INDEX processing_runs_dataset_idx ON quality.processing_runs (dataset_id);

-- Down Migration
DROP TABLE quality.processing_runs;
