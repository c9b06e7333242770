-- Up Migration
-- A database import between importFromDatabase and its extraction: where to connect and what to
-- run. The password is encrypted (AES-256-GCM, key IMPORT_CREDENTIALS_KEY, bound to the job id);
-- the row goes with its job.
CREATE TABLE ingestion.database_imports (
  job_id uuid PRIMARY KEY REFERENCES ingestion.jobs (id) ON DELETE CASCADE,
  host text NOT NULL CHECK (length(host) BETWEEN 1 AND 253),
  port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  database_name text NOT NULL CHECK (octet_length(database_name) BETWEEN 1 AND 63),
  user_name text NOT NULL CHECK (octet_length(user_name) BETWEEN 1 AND 63),
  ssl boolean NOT NULL,
  password_ciphertext bytea NOT NULL,
  password_iv bytea NOT NULL CHECK (octet_length(password_iv) = 12),
  password_tag bytea NOT NULL CHECK (octet_length(password_tag) = 16),
  query text NOT NULL CHECK (length(query) BETWEEN 1 AND 100000),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE ingestion.database_imports;
