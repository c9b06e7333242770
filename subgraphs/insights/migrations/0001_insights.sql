-- Up Migration
-- Findings about a data set: anomalies, trends and recommendations. `dataset_id` refers to
-- ingestion.datasets without a foreign key (one schema per subgraph).
CREATE TABLE insights.insights (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('ANOMALY', 'TREND', 'RECOMMENDATION')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description text NOT NULL,
  severity text NOT NULL DEFAULT 'LOW' CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH')),
  -- Kind-specific evidence (column, values, slope, suggested chart...): a JSON object.
  details jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX insights_dataset_created_idx ON insights.insights (dataset_id, created_at DESC, id DESC);

-- Down Migration
DROP TABLE insights.insights;
