#!/usr/bin/env bash
# Stop the local stack (or the named services) running from $PLATFORM_DATA_DIR, gracefully.
# Usage: infra/stop.sh [postgres|redis|kafka|s3 ...]      (no argument: all four)
# Not running is not an error; processes of other data dirs are never touched.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/service.sh
. "$INFRA_DIR/lib/service.sh"

parse_services "$@"
reverse_services
take_lock
for svc in "${SERVICES[@]}"; do
  service_stop "$svc"
done
