-- Up Migration
-- Keyset cursors carry milliseconds (JavaScript dates): keep created_at at that precision, or a
-- page boundary inside one millisecond would repeat or skip rows.
UPDATE identity.users SET created_at = date_trunc('milliseconds', created_at);
ALTER TABLE identity.users ALTER COLUMN created_at SET DEFAULT date_trunc('milliseconds', now());
CREATE INDEX users_created_idx ON identity.users (created_at DESC, id DESC);

CREATE TABLE identity.api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role text NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
  -- The first characters of the key, in clear, to find the row and to recognise the key.
  prefix text NOT NULL CHECK (prefix ~ '^[A-Za-z0-9]{8}$'),
  -- SHA-256 (hex) of the whole key; the key itself is never stored.
  secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  created_by uuid NOT NULL REFERENCES identity.users (id),
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE UNIQUE INDEX api_keys_prefix_key ON identity.api_keys (prefix);
CREATE INDEX api_keys_created_idx ON identity.api_keys (created_at DESC, id DESC);

-- The audit trail: append-only. The service may INSERT and SELECT, never UPDATE, DELETE or
-- TRUNCATE: the privileges are revoked from every role (the owner included), and triggers refuse
-- the statements anyway, so even a role that grants itself the privilege back cannot rewrite history.
CREATE TABLE identity.audit_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  actor_id uuid,
  action text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$' AND length(action) <= 64),
  target_type text NOT NULL CHECK (length(target_type) BETWEEN 1 AND 32),
  target_id text CHECK (length(target_id) <= 128),
  details jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
  request_id text CHECK (length(request_id) <= 128)
);
CREATE INDEX audit_events_created_idx ON identity.audit_events (created_at DESC, id DESC);
CREATE INDEX audit_events_actor_idx ON identity.audit_events (actor_id, created_at DESC, id DESC);
CREATE INDEX audit_events_target_idx ON identity.audit_events (target_id, created_at DESC, id DESC);
CREATE INDEX audit_events_action_idx ON identity.audit_events (action, created_at DESC, id DESC);

CREATE FUNCTION identity.audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'identity.audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON identity.audit_events
  FOR EACH ROW EXECUTE FUNCTION identity.audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON identity.audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION identity.audit_events_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON identity.audit_events FROM PUBLIC;
DO $$ BEGIN
  EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON identity.audit_events FROM %I', current_user);
END $$;

-- Down Migration
DROP TABLE identity.audit_events;
DROP FUNCTION identity.audit_events_append_only();
DROP TABLE identity.api_keys;
DROP INDEX identity.users_created_idx;
ALTER TABLE identity.users ALTER COLUMN created_at SET DEFAULT now();
