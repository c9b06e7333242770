-- Up Migration
-- `verified` now means a person confirmed the SQL answers the question (only SQL that passed the
-- checks is ever stored, so the old meaning held for every row). Verified pairs are the examples
-- a language model is shown for the same data set.
COMMENT ON COLUMN query.queries.verified IS
  'A person confirmed this SQL answers the question; verified pairs are few-shot examples.';
CREATE INDEX queries_verified_idx ON query.queries (dataset_id, created_at DESC) WHERE verified;

-- Down Migration
DROP INDEX query.queries_verified_idx;
COMMENT ON COLUMN query.queries.verified IS NULL;
