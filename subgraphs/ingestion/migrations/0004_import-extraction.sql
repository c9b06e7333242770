-- Up Migration
-- Who is extracting an import, until when, and how many times it was tried. A worker claims the
-- row (claim_id, lease_expires_at) and renews the lease while it runs; a lease that ran out means
-- the worker stopped, and another takes the import over, up to a number of attempts.
ALTER TABLE ingestion.database_imports ADD COLUMN claim_id uuid;
ALTER TABLE ingestion.database_imports ADD COLUMN lease_expires_at timestamptz;
ALTER TABLE ingestion.database_imports ADD COLUMN attempts integer NOT NULL DEFAULT 0
  CHECK (attempts >= 0);
CREATE INDEX database_imports_created_idx ON ingestion.database_imports (created_at);

-- Down Migration
DROP INDEX ingestion.database_imports_created_idx;
ALTER TABLE ingestion.database_imports DROP COLUMN attempts;
ALTER TABLE ingestion.database_imports DROP COLUMN lease_expires_at;
ALTER TABLE ingestion.database_imports DROP COLUMN claim_id;
