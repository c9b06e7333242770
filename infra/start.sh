#!/usr/bin/env bash
# Start the local stack (or the named services) on 127.0.0.1 with data under $PLATFORM_DATA_DIR.
# Usage: infra/start.sh [postgres|redis|kafka|s3 ...]      (no argument: all four)
# Idempotent: a service already running from this data dir is left alone. A port taken by another
# process is an error. If anything fails, what this invocation started is stopped again.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/service.sh
. "$INFRA_DIR/lib/service.sh"

parse_services "$@"
take_lock
t0=$EPOCHREALTIME

LAUNCHED=() # started by this invocation: stopped again on failure
rollback() {
  local i svc pid
  for ((i = ${#LAUNCHED[@]} - 1; i >= 0; i--)); do
    svc=${LAUNCHED[i]}
    if pid="$("${svc}_pid" 2>/dev/null)" || pid="$(read_pid "$svc")"; then
      warn "$svc: stopping (started by this failed run)"
      "${svc}_stop" "$pid" || true
    fi
    rm -f "$(pid_file "$svc")"
  done
  LAUNCHED=()
}
fail() { rollback; exit 1; }
trap 'warn "interrupted"; rollback; exit 130' INT TERM

# Phase 0: what runs already, and are the ports of the others free? (Before launching anything.)
TO_LAUNCH=() TO_AWAIT=()
for svc in "${SERVICES[@]}"; do
  rc=0
  service_state "$svc" || rc=$?
  case $rc in
    0) log "$svc: already running on $(service_ports_label "$svc") (pid $("${svc}_pid"))" ;;
    2) log "$svc: running (pid $("${svc}_pid")) but not answering yet; waiting"; TO_AWAIT+=("$svc") ;;
    *) check_ports_free "$svc" || exit 1; TO_LAUNCH+=("$svc") ;;
  esac
done

# Phase 1: launch, slowest first (the Kafka JVM boots while the others start).
for svc in "${LAUNCH_ORDER[@]}"; do
  [[ " ${TO_LAUNCH[*]} " == *" $svc "* ]] || continue
  LAUNCHED+=("$svc")
  "${svc}_launch" || fail
  TO_AWAIT+=("$svc")
done

# Phase 2: wait for each to be ready and set up (roles, topics, buckets).
for svc in "${ALL_SERVICES[@]}"; do
  [[ " ${TO_AWAIT[*]} " == *" $svc "* ]] || continue
  "${svc}_await" || fail
  log "$svc: up on $(service_ports_label "$svc") (pid $("${svc}_pid")), log $(log_file "$svc")"
done

if ((${#LAUNCHED[@]})); then
  log "started ${LAUNCHED[*]} in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s (data: $DATA_DIR)"
fi
