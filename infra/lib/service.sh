# shellcheck shell=bash
# The generic life cycle shared by start.sh, stop.sh and status.sh. Each infra/services/<svc>.sh
# defines these functions (the contract):
#   <svc>_ports          the TCP ports it listens on, first one the client port
#   <svc>_pid            print the pid if it runs from this data dir, else fail
#   <svc>_ready          quick check that it answers its clients (exit 0 = ready)
#   <svc>_launch         initialise data once, spawn the server (returns without waiting)
#   <svc>_await          wait until ready (timeout), then create roles/topics/buckets; fail = broken
#   <svc>_stop PID       stop it gracefully and wait for it to exit
# service_start/service_stop/service_status_line below wrap them for one service.

for _svc_file in "$INFRA_DIR"/services/*.sh; do
  # shellcheck source=/dev/null
  . "$_svc_file"
done
unset _svc_file

service_ports_label() {
  local ports
  ports="$("${1}_ports")"
  printf '127.0.0.1:%s' "${ports// /,}"
}

# Fail with a clear message when one of the service's ports is taken by someone else.
check_ports_free() {
  local svc=$1 port
  for port in $("${svc}_ports"); do
    if port_in_use "$port"; then
      warn "$svc: port $port on 127.0.0.1 is already in use by $(port_owner "$port"); see $(log_file "$svc")"
      return 1
    fi
  done
}

# "already running" (0), "not running" (1) or "running but not answering" (2).
service_state() {
  local svc=$1
  "${svc}_pid" >/dev/null 2>&1 || return 1
  "${svc}_ready" >/dev/null 2>&1 || return 2
  return 0
}

# One status line: name, address, state, pid, log.
service_status_line() {
  local svc=$1 pid state=down rc=0 note=""
  pid="$("${svc}_pid" 2>/dev/null)" || pid=""
  if [[ -n $pid ]]; then
    if "${svc}_ready" >/dev/null 2>&1; then state=up; else state=unhealthy; rc=1; fi
  else
    rc=1
    local port
    for port in $("${svc}_ports"); do
      if port_in_use "$port"; then note="  (port $port is used by $(port_owner "$port"))"; break; fi
    done
  fi
  printf '%-9s %-20s %-9s pid=%-7s %s%s\n' "$svc" "$(service_ports_label "$svc")" "$state" "${pid:--}" \
    "$(log_file "$svc")" "$note"
  return "$rc"
}

service_stop() {
  local svc=$1 pid
  if pid="$("${svc}_pid" 2>/dev/null)"; then
    "${svc}_stop" "$pid"
    log "$svc: stopped (was pid $pid)"
  else
    log "$svc: not running"
  fi
  rm -f "$(pid_file "$svc")"
}
