-- Up Migration
-- One row per model trained (or being trained) on a data set. `dataset_id` and `user_id` refer to
-- ingestion.datasets and identity.users without foreign keys (one schema per subgraph).
CREATE TABLE ml.models (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_id uuid NOT NULL,
  user_id uuid NOT NULL,
  target_column text NOT NULL CHECK (length(target_column) BETWEEN 1 AND 255),
  problem_type text NOT NULL CHECK (problem_type IN ('CLASSIFICATION', 'REGRESSION')),
  status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'TRAINING', 'READY', 'FAILED')),
  -- Evaluation metrics, metric name -> value, e.g. {"accuracy": 0.93, "f1": 0.91}.
  metrics jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metrics) = 'object'),
  training_time_seconds integer CHECK (training_time_seconds >= 0),
  -- Where the trained model is registered (built-in registry or MLflow); null until trained.
  registry_uri text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX models_dataset_created_idx ON ml.models (dataset_id, created_at DESC, id DESC);
CREATE INDEX models_user_created_idx ON ml.models (user_id, created_at DESC, id DESC);

-- Down Migration
DROP TABLE ml.models;
