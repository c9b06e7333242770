-- Up Migration
-- `owner_id` and `dataset_id` refer to identity.users and ingestion.datasets without foreign keys
-- (one schema per subgraph); a visualization belongs to its dashboard and goes with it.
CREATE TABLE dashboards.dashboards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- Grid settings of the whole dashboard (columns, row height...): a JSON object.
  layout jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(layout) = 'object'),
  shared boolean NOT NULL DEFAULT false,
  -- Secret of the public share link; only a shared dashboard has one.
  share_token text UNIQUE CHECK (share_token IS NULL OR (shared AND length(share_token) >= 32)),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Keyset pagination (newest first) and "dashboards of an owner".
CREATE INDEX dashboards_created_idx ON dashboards.dashboards (created_at DESC, id DESC);
CREATE INDEX dashboards_owner_created_idx
  ON dashboards.dashboards (owner_id, created_at DESC, id DESC);

CREATE TABLE dashboards.visualizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dashboard_id uuid NOT NULL REFERENCES dashboards.dashboards (id) ON DELETE CASCADE,
  chart_type text NOT NULL CHECK (chart_type IN ('LINE', 'BAR', 'SCATTER', 'PIE')),
  dataset_id uuid NOT NULL,
  query text NOT NULL,
  -- Chart options (encodings, title, colours): a JSON object.
  config jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(config) = 'object'),
  -- Place on the dashboard grid: {"x": 0, "y": 0, "width": 6, "height": 4}.
  position jsonb NOT NULL CHECK (
    jsonb_typeof(position) = 'object' AND position ?& ARRAY['x', 'y', 'width', 'height']
  ),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visualizations_dashboard_idx
  ON dashboards.visualizations (dashboard_id, created_at, id);

-- Down Migration
DROP TABLE dashboards.visualizations;
DROP TABLE dashboards.dashboards;
