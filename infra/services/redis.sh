# shellcheck shell=bash
# Redis (Debian's redis-server) on 127.0.0.1:$REDIS_PORT, data (AOF) in $PLATFORM_DATA_DIR/redis.
# A unix socket in the data dir lets stop.sh shut down exactly this instance, never another Redis
# that happens to listen on $REDIS_PORT.

redis_ports() { printf '%s' "$REDIS_PORT"; }

_redis_socket() { printf '%s/redis.sock' "$(service_dir redis)"; }

redis_pid() { running_pid redis; }

redis_ready() {
  [[ $(redis-cli -h "$LISTEN_HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

redis_launch() {
  local dir
  dir="$(service_dir redis)"
  command -v redis-server >/dev/null 2>&1 || { warn "redis: redis-server not found; run infra/install.sh"; return 1; }
  mkdir -p "$dir"
  rm -f "$(pid_file redis)"
  # --daemonize: redis forks, chdirs to --dir (so its cwd marks it as ours) and writes --pidfile.
  (
    cd "$dir"
    redis-server --bind "$LISTEN_HOST" --port "$REDIS_PORT" --protected-mode yes \
      --unixsocket "$(_redis_socket)" --unixsocketperm 700 \
      --dir "$dir" --appendonly yes --appendfsync everysec --save '' \
      --daemonize yes --pidfile "$(pid_file redis)" --logfile "$(log_file redis)" </dev/null 9>&-
  ) || { report_failure redis "$REDIS_PORT" "redis-server failed to start"; return 1; }
}

redis_await() {
  if ! wait_for 20 redis_ready; then
    report_failure redis "$REDIS_PORT" "not answering PING after 20 s"
    return 1
  fi
  wait_for 5 redis_pid || { report_failure redis "$REDIS_PORT" "no pid file from redis-server"; return 1; }
}

redis_stop() {
  local pid=$1
  # SHUTDOWN flushes the append-only file; fall back to SIGTERM (also a graceful shutdown).
  redis-cli -s "$(_redis_socket)" shutdown >/dev/null 2>&1 || true
  wait_for 20 pid_gone "$pid" || terminate "$pid" 20
}
