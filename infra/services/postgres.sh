# shellcheck shell=bash
# PostgreSQL 15 for the local stack: one cluster in $PLATFORM_DATA_DIR/postgres, run as the
# `postgres` OS user (the server refuses root), TCP on 127.0.0.1:$PGPORT only (scram-sha-256),
# unix socket inside the data dir (peer auth, used by these scripts as superuser `postgres`).
# Application role $PGUSER (LOGIN CREATEDB, not superuser) owns database $PGDATABASE.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_OS_USER=postgres

postgres_ports() { printf '%s' "$PGPORT"; }

as_pg_user() { runuser -u "$PG_OS_USER" -- "$@"; }

# The cluster's folder: $PLATFORM_DATA_DIR/postgres, unless the `postgres` OS user cannot reach it
# (a clone under /root) or its socket path would pass Linux's 107-byte limit (a deep clone); then a
# folder under /var/lib named after the data dir, so each data dir still has its own cluster.
postgres_dir() {
  local preferred="$DATA_DIR/postgres"
  if as_pg_user test -x "$DATA_DIR" 2>/dev/null && ((${#preferred} + 20 <= 107)); then
    printf '%s' "$preferred"
    return
  fi
  printf '/var/lib/ai-analytics-platform/%s/postgres' "$(printf '%s' "$DATA_DIR" | sha1sum | cut -c1-12)"
}

# The postmaster's pid, read from its own lock file (works even without our pid file).
postgres_pid() {
  local dir pid
  dir="$(postgres_dir)"
  [[ -r $dir/postmaster.pid ]] || return 1
  read -r pid <"$dir/postmaster.pid" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && pid_is_ours "$pid" postgres || return 1
  printf '%s' "$pid"
}

postgres_ready() {
  "$PG_BIN/pg_isready" -q -h "$LISTEN_HOST" -p "$PGPORT" -t 2
}

_postgres_init() {
  local dir=$1
  install -d -m 755 "$(dirname "$dir")"
  # The postgres user must be able to reach its data dir through the parent directories.
  if ! as_pg_user test -x "$(dirname "$dir")"; then
    warn "postgres: the OS user '$PG_OS_USER' cannot enter $(dirname "$dir"); choose a PLATFORM_DATA_DIR outside /root"
    return 1
  fi
  log "postgres: initdb $dir"
  install -d -o "$PG_OS_USER" -g "$PG_OS_USER" -m 700 "$dir"
  as_pg_user "$PG_BIN/initdb" -D "$dir" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >>"$(log_file postgres)" 2>&1 || return 1
  printf "\n# Settings of the local stack, rewritten by infra/services/postgres.sh at every start.\ninclude = 'platform.conf'\n" \
    >>"$dir/postgresql.conf"
}

postgres_launch() {
  local dir log
  dir="$(postgres_dir)"
  log="$(log_file postgres)"
  if [[ $dir != "$DATA_DIR/postgres" ]]; then
    # The server writes its log where the postgres user can; the usual path links to it.
    install -d -m 755 "$(dirname "$dir")"
    ln -sfn "$(dirname "$dir")/postgres.log" "$log"
    log="$(dirname "$dir")/postgres.log"
  fi
  [[ -x $PG_BIN/pg_ctl ]] || { warn "postgres: $PG_BIN/pg_ctl not found; run infra/install.sh"; return 1; }
  [[ $dir != *"'"* ]] || { warn "postgres: data dir path must not contain a quote: $dir"; return 1; }
  touch "$log"
  chown "$PG_OS_USER:" "$log"
  if [[ ! -s $dir/PG_VERSION ]]; then _postgres_init "$dir" || return 1; fi
  if ((${#dir} + 20 > 107)); then
    warn "postgres: unix socket path $dir/.s.PGSQL.$PGPORT is too long for Linux (max 107 bytes)"
    return 1
  fi
  cat >"$dir/platform.conf" <<EOF
listen_addresses = '$LISTEN_HOST'
port = $PGPORT
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 128MB
fsync = on
synchronous_commit = on
password_encryption = scram-sha-256
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
EOF
  chown "$PG_OS_USER:" "$dir/platform.conf"
  # -w: pg_ctl returns once the server accepts connections (about a second), or fails fast when
  # the postmaster dies.
  if ! as_pg_user "$PG_BIN/pg_ctl" -D "$dir" -l "$log" -w -t 60 -s start 9>&-; then
    report_failure postgres "$PGPORT" "pg_ctl start failed"
    return 1
  fi
}

postgres_await() {
  local dir pid
  dir="$(postgres_dir)"
  if ! wait_for 30 postgres_ready; then
    report_failure postgres "$PGPORT" "not ready after 30 s"
    return 1
  fi
  pid="$(postgres_pid)" || { report_failure postgres "$PGPORT" "ready, but postmaster.pid is not ours"; return 1; }
  printf '%s\n' "$pid" >"$(pid_file postgres)"
  # Application role and database: created once; password and attributes kept in step with env.
  as_pg_user "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$PGPORT" -U postgres -d postgres \
    -v user="$PGUSER" -v pass="$PGPASSWORD" -v db="$PGDATABASE" >/dev/null <<'SQL' || { report_failure postgres "$PGPORT" "role/database setup failed"; return 1; }
SELECT format('CREATE ROLE %I', :'user') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB NOSUPERUSER PASSWORD %L', :'user', :'pass') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
  # Two plain roles for the importFromDatabase tests (the app role may not create roles): the tests
  # grant them SELECT, or write rights, on tables of a source database they create.
  as_pg_user "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$PGPORT" -U postgres -d postgres >/dev/null <<'SQL' || { report_failure postgres "$PGPORT" "test role setup failed"; return 1; }
SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['import_test_reader', 'import_test_writer']) r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE import_test_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'reader-secret-5f3a';
ALTER ROLE import_test_writer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'writer-secret-9b2e';
SQL
  # What the services do: password login over TCP.
  if ! PGPASSWORD="$PGPASSWORD" "$PG_BIN/psql" -X -q -h "$LISTEN_HOST" -p "$PGPORT" -U "$PGUSER" -d "$PGDATABASE" \
    -c 'SELECT 1' >/dev/null; then
    report_failure postgres "$PGPORT" "password login as $PGUSER to $PGDATABASE failed"
    return 1
  fi
}

postgres_stop() {
  as_pg_user "$PG_BIN/pg_ctl" -D "$(postgres_dir)" -m fast -w -t 60 -s stop ||
    terminate "$1" 30
}
