-- Up Migration
CREATE TABLE ingestion.datasets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
  source_type text NOT NULL CHECK (source_type IN ('CSV', 'JSON', 'PARQUET', 'DATABASE')),
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PROCESSING', 'READY', 'FAILED')),
  raw_key text,
  size_bytes bigint NOT NULL DEFAULT 0 CHECK (size_bytes >= 0),
  row_count bigint CHECK (row_count >= 0),
  column_count integer CHECK (column_count >= 0),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Keyset pagination (newest first) and "datasets of an owner".
CREATE INDEX datasets_created_idx ON ingestion.datasets (created_at DESC, id DESC);
CREATE INDEX datasets_owner_created_idx ON ingestion.datasets (owner_id, created_at DESC, id DESC);

CREATE TABLE ingestion.jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_id uuid REFERENCES ingestion.datasets (id) ON DELETE CASCADE,
  owner_id uuid NOT NULL,
  type text NOT NULL CHECK (type IN ('INGESTION', 'PROCESSING', 'TRAINING')),
  status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED')),
  progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  error_message text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_dataset_idx ON ingestion.jobs (dataset_id);
CREATE INDEX jobs_status_idx ON ingestion.jobs (status, created_at DESC);

-- Transactional outbox (see subgraphs/runtime/src/outbox.ts).
CREATE TABLE ingestion.outbox (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  key text NOT NULL,
  payload jsonb NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);

-- Down Migration
DROP TABLE ingestion.outbox;
DROP TABLE ingestion.jobs;
DROP TABLE ingestion.datasets;
