-- Up Migration
-- One row per natural-language question answered against a data set. `user_id` and `dataset_id`
-- refer to identity.users and ingestion.datasets without foreign keys (one schema per subgraph).
CREATE TABLE query.queries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  dataset_id uuid NOT NULL,
  question text NOT NULL CHECK (length(question) BETWEEN 1 AND 2000),
  generated_sql text NOT NULL,
  explanation text NOT NULL DEFAULT '',
  -- Null until the SQL has run.
  row_count bigint CHECK (row_count >= 0),
  execution_time_ms integer CHECK (execution_time_ms >= 0),
  -- Which NL-to-SQL engine wrote the SQL: 'builtin' or the configured model's name.
  engine text NOT NULL CHECK (length(engine) BETWEEN 1 AND 200),
  -- The SQL passed the read-only and schema checks before it ran.
  verified boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- "Recent queries of a data set" (newest first) and "queries of a user".
CREATE INDEX queries_dataset_created_idx ON query.queries (dataset_id, created_at DESC, id DESC);
CREATE INDEX queries_user_created_idx ON query.queries (user_id, created_at DESC, id DESC);

-- Down Migration
DROP TABLE query.queries;
