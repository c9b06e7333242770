#!/usr/bin/env bash
# One line per service: name, address, up/down/unhealthy, pid, log file.
# Usage: infra/status.sh [postgres|redis|kafka|s3 ...]    Exit 0 when all listed are up, else 1.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/service.sh
. "$INFRA_DIR/lib/service.sh"

parse_services "$@"
rc=0
for svc in "${SERVICES[@]}"; do
  service_status_line "$svc" || rc=1
done
exit "$rc"
