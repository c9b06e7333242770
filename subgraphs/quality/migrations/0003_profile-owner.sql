-- Up Migration
-- Who uploaded the profiled version (the processor copies data.ingestion's userId): the quality
-- subgraph shows a profile to its owner and to admins only, without reading ingestion's schema.
-- Profiles written before this have none and are shown to admins only.
ALTER TABLE quality.profiles ADD COLUMN owner_id uuid;

-- Down Migration
ALTER TABLE quality.profiles DROP COLUMN owner_id;
