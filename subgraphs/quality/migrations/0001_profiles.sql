-- Up Migration
-- One row per processed version of a data set, written by the Rust processor (the only writer);
-- the quality subgraph owns the schema and serves it. `dataset_id` refers to ingestion.datasets
-- but has no foreign key: schemas stay independent and cross-domain writes go through Kafka.
CREATE TABLE quality.profiles (
  dataset_id uuid NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  row_count bigint NOT NULL CHECK (row_count >= 0),
  column_count integer NOT NULL CHECK (column_count >= 0),
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  duplicate_rows bigint NOT NULL DEFAULT 0 CHECK (duplicate_rows >= 0),
  quality_score double precision NOT NULL CHECK (quality_score BETWEEN 0 AND 1),
  -- [{ name, data_type, null_count, null_percentage, unique_count, min_value, max_value, mean, std_dev }]
  columns jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(columns) = 'array'),
  -- [{ column, type, severity, description }]
  issues jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(issues) = 'array'),
  generated_at timestamptz NOT NULL DEFAULT now(),
  -- Also serves "latest version of a data set" (ORDER BY version DESC on the same index).
  PRIMARY KEY (dataset_id, version)
);

-- Down Migration
DROP TABLE quality.profiles;
