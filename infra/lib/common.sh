# shellcheck shell=bash
# Shared helpers of the infra scripts: environment, logging, pid files, port checks, waiting.
# Sourced by install.sh, start.sh, stop.sh and status.sh; defines functions and variables only.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../env.sh
. "$INFRA_DIR/env.sh"
# shellcheck source=versions.sh
. "$INFRA_DIR/lib/versions.sh"

# Absolute, symlink-free paths, so a process's working directory can be compared with them.
DATA_DIR="$(realpath -m "$PLATFORM_DATA_DIR")"
# shellcheck disable=SC2034  # used by the files that source this one
CACHE_DIR="$(realpath -m "$PLATFORM_CACHE_DIR")"
LOG_DIR="$DATA_DIR/logs"
RUN_DIR="$DATA_DIR/run"
# shellcheck disable=SC2034
LISTEN_HOST=127.0.0.1

# The services, in start order (stop runs in reverse).
ALL_SERVICES=(postgres redis kafka s3)
# start.sh spawns the slowest starter first so the JVM boots while the others start.
# shellcheck disable=SC2034
LAUNCH_ORDER=(kafka postgres redis s3)

log()  { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die()  { warn "error: $*"; exit 1; }

is_service() {
  local s
  for s in "${ALL_SERVICES[@]}"; do [[ $s == "$1" ]] && return 0; done
  return 1
}

# Validate service names given on the command line (none: all of them) into SERVICES.
parse_services() {
  SERVICES=()
  if (($# == 0)); then SERVICES=("${ALL_SERVICES[@]}"); return 0; fi
  local s
  for s in "$@"; do
    is_service "$s" || die "unknown service '$s' (known: ${ALL_SERVICES[*]})"
    SERVICES+=("$s")
  done
}

reverse_services() {
  local i out=()
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do out+=("${SERVICES[i]}"); done
  SERVICES=("${out[@]}")
}

# A service's folder: $DATA_DIR/<svc>, unless the service defines <svc>_dir (postgres does).
service_dir() {
  if declare -F "$1_dir" >/dev/null; then "$1_dir"; else printf '%s/%s' "$DATA_DIR" "$1"; fi
}
log_file()    { printf '%s/%s.log' "$LOG_DIR" "$1"; }
pid_file()    { printf '%s/%s.pid' "$RUN_DIR" "$1"; }

ensure_dirs() {
  mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
}

# Serialise start/stop of one data dir: two start.sh at once must not both launch a service.
# The lock lives on fd 9, which every spawned server must close (`9>&-`), or the lock would
# stay held for as long as the server runs.
take_lock() {
  ensure_dirs
  exec 9>"$RUN_DIR/.lock"
  flock -w 120 9 || die "another infra script holds $RUN_DIR/.lock"
}

read_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -r $f ]] || return 1
  read -r pid <"$f" || true
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s' "$pid"
}

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }
pid_gone() { ! pid_alive "$1"; }

# Every service process is started with its data dir as working directory (postgres chdirs there
# itself, versitygw into its bucket root below it), so "ours" means: alive and working in this
# service's data dir. A stale pid file whose pid was reused by an unrelated process is therefore
# never taken for ours, nor is the same service of another data dir.
pid_is_ours() {
  local pid=$1 svc=$2 cwd dir
  pid_alive "$pid" || return 1
  cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null)" || return 1
  dir="$(service_dir "$svc")"
  [[ $cwd == "$dir" || $cwd == "$dir"/* ]]
}

# Prints the pid of the service if it runs from this data dir; else fails (and drops a stale pid
# file). A lost pid file is recovered from whoever listens on the service's first port, if ours.
running_pid() {
  local svc=$1 pid port
  if pid="$(read_pid "$svc")" && pid_is_ours "$pid" "$svc"; then printf '%s' "$pid"; return 0; fi
  rm -f "$(pid_file "$svc")"
  read -r port _ <<<"$("${svc}_ports")"
  pid="$(port_owner_pid "$port")" && pid_is_ours "$pid" "$svc" || return 1
  printf '%s\n' "$pid" >"$(pid_file "$svc")"
  printf '%s' "$pid"
}

# Is anything listening on TCP port $1 (on any local address that 127.0.0.1 would collide with)?
# A listener on another specific address (e.g. 10.0.0.5:PORT) does not collide with 127.0.0.1.
port_in_use() {
  ss -Hltn "( sport = :$1 )" 2>/dev/null | awk -v p="$1" '
    { a = $4; sub(":" p "$", "", a) }
    a == "127.0.0.1" || a == "0.0.0.0" || a == "*" || a == "[::]" || a == "[::ffff:127.0.0.1]" { f = 1 }
    END { exit !f }'
}

# The pid listening on port $1 (on a loopback-reachable address), if ss can tell.
port_owner_pid() {
  local line
  line="$(ss -Hltnp "( sport = :$1 )" 2>/dev/null | head -n1)"
  [[ $line =~ pid=([0-9]+) ]] || return 1
  printf '%s' "${BASH_REMATCH[1]}"
}

# "python3 (pid 1234)" for whoever listens on port $1, if ss can tell.
port_owner() {
  local line
  line="$(ss -Hltnp "( sport = :$1 )" 2>/dev/null | head -n1)"
  if [[ $line =~ users:\(\(\"([^\"]+)\",pid=([0-9]+) ]]; then
    printf '%s (pid %s)' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  else
    printf 'another process'
  fi
}

# wait_for SECONDS COMMAND...: retry COMMAND every 0.2 s until it succeeds or time runs out.
wait_for() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Like wait_for, but also gives up at once when process $2 has died.
wait_for_pid() {
  local timeout=$1 pid=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    pid_alive "$pid" || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Send SIGTERM to $1 and wait up to $2 seconds for it to exit, then SIGKILL.
terminate() {
  local pid=$1 timeout=${2:-30} deadline
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + timeout))
  while pid_alive "$pid"; do
    if ((SECONDS >= deadline)); then
      warn "pid $pid did not exit within ${timeout}s of SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      return 0
    fi
    sleep 0.1
  done
}

# Launch a long-running process detached from this shell (own session, no stdin, output appended
# to the service log), working in the service's data dir, and write its pid file.
launch() {
  local svc=$1; shift
  local log pidf
  log="$(log_file "$svc")"
  pidf="$(pid_file "$svc")"
  rm -f "$pidf"
  (
    cd "$(service_dir "$svc")" || exit 1
    # The inner shell writes its own pid and then becomes the service (exec keeps the pid).
    # shellcheck disable=SC2016  # expanded by the inner shell
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$log" 2>&1 9>&- &
  )
  local i
  for ((i = 0; i < 50; i++)); do [[ -s $pidf ]] && return 0; sleep 0.05; done
  return 1
}

# What a failed start prints: service, port, log path and the end of the log.
report_failure() {
  local svc=$1 port=$2 reason=$3 log
  log="$(log_file "$svc")"
  warn "$svc: $reason (127.0.0.1:$port); log: $log"
  if [[ -s $log ]]; then
    warn "---- last 20 lines of $log ----"
    tail -n 20 "$log" >&2 || true
    warn "----"
  fi
}
