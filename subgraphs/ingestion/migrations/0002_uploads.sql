-- Up Migration
-- Keyset cursors carry milliseconds (JavaScript dates): keep created_at at that precision, or a
-- page boundary inside one millisecond would repeat or skip rows.
UPDATE ingestion.datasets SET created_at = date_trunc('milliseconds', created_at);
ALTER TABLE ingestion.datasets ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
UPDATE ingestion.jobs SET created_at = date_trunc('milliseconds', created_at);
ALTER TABLE ingestion.jobs ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());

ALTER TABLE ingestion.datasets ADD COLUMN raw_bucket text;
-- Where the processor wrote the typed Parquet of the current version (datasets/<id>/v<n>/).
ALTER TABLE ingestion.datasets ADD COLUMN data_bucket text;
ALTER TABLE ingestion.datasets ADD COLUMN data_prefix text;
ALTER TABLE ingestion.datasets ADD COLUMN error_message text;

CREATE INDEX jobs_owner_created_idx ON ingestion.jobs (owner_id, created_at DESC, id DESC);

-- An upload between createUpload and completeUpload (or abortUpload, or expiry). The object key is
-- generated here; the user's file name is only metadata.
CREATE TABLE ingestion.uploads (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL,
  file_name text NOT NULL CHECK (octet_length(file_name) BETWEEN 1 AND 255),
  content_type text NOT NULL CHECK (length(content_type) BETWEEN 3 AND 255),
  source_type text NOT NULL CHECK (source_type IN ('CSV', 'JSON', 'PARQUET')),
  size_bytes bigint NOT NULL CHECK (size_bytes > 0),
  bucket text NOT NULL,
  object_key text NOT NULL UNIQUE,
  -- Set for an S3 multipart upload; null for one presigned PUT.
  multipart_id text,
  part_size bigint CHECK (part_size > 0),
  part_count integer NOT NULL DEFAULT 1 CHECK (part_count BETWEEN 1 AND 10000),
  status text NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING', 'COMPLETED', 'ABORTED', 'REJECTED', 'EXPIRED')),
  rejection text,
  expires_at timestamptz NOT NULL,
  job_id uuid REFERENCES ingestion.jobs (id) ON DELETE SET NULL,
  dataset_id uuid REFERENCES ingestion.datasets (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The sweeper looks for pending uploads past their expiry.
CREATE INDEX uploads_pending_idx ON ingestion.uploads (expires_at) WHERE status = 'PENDING';

-- Events this service has applied (processing progress, completion, failure): a redelivered
-- event finds its id here and changes nothing.
CREATE TABLE ingestion.applied_events (
  event_id uuid PRIMARY KEY,
  topic text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE ingestion.applied_events;
DROP TABLE ingestion.uploads;
DROP INDEX ingestion.jobs_owner_created_idx;
ALTER TABLE ingestion.datasets DROP COLUMN error_message;
ALTER TABLE ingestion.datasets DROP COLUMN data_prefix;
ALTER TABLE ingestion.datasets DROP COLUMN data_bucket;
ALTER TABLE ingestion.datasets DROP COLUMN raw_bucket;
