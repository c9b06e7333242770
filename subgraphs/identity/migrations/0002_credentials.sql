-- Up Migration
ALTER TABLE identity.users
  ADD COLUMN password_hash text CHECK (password_hash IS NULL OR password_hash LIKE 'scrypt$%'),
  ADD COLUMN disabled_at timestamptz;

-- Down Migration
ALTER TABLE identity.users DROP COLUMN disabled_at, DROP COLUMN password_hash;
