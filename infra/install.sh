#!/usr/bin/env bash
# Install what the local stack needs and is missing; a fast no-op when everything is there.
#   - Debian packages: PostgreSQL 15, Redis, Chromium (headless browser tests), curl, ss, ps
#   - Kafka broker jars (Maven Central) into $PLATFORM_CACHE_DIR/kafka-<version>/libs
#   - versitygw, the S3-compatible server (Go module proxy), into $PLATFORM_CACHE_DIR/bin
# Usage: infra/install.sh        (needs root for apt-get; no stdin needed)
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

APT_PACKAGES=(
  postgresql-15 # initdb, pg_ctl, postgres, psql, pg_isready under /usr/lib/postgresql/15/bin
  redis-server  # pulls redis-tools (redis-cli)
  chromium      # headless browser for the client's tests
  fonts-liberation
  curl          # signed S3 requests (--aws-sigv4) in the s3 service script
  iproute2      # ss: port-in-use checks
  procps        # ps
  ca-certificates
)
# A JDK, not only a JRE: the Kafka topic helper runs through Java's source-file launcher.
command -v javac >/dev/null 2>&1 || APT_PACKAGES+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || APT_PACKAGES+=(maven)

# Temporary dirs of an interrupted or failed step are removed on exit.
TMP_PATHS=()
cleanup() { ((${#TMP_PATHS[@]} == 0)) || rm -rf "${TMP_PATHS[@]}"; }
trap cleanup EXIT

took() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }'; }

# ---- Debian packages -------------------------------------------------------------------------
missing_apt_packages() {
  local status
  status="$(dpkg-query -W -f='${binary:Package} ${db:Status-Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true)"
  local p
  for p in "${APT_PACKAGES[@]}"; do
    grep -Eq "^${p}(:[a-z0-9]+)? installed$" <<<"$status" || printf '%s\n' "$p"
  done
}

install_apt_packages() {
  local missing
  mapfile -t missing < <(missing_apt_packages)
  if ((${#missing[@]} == 0)); then
    log "apt: all packages present"
    return 0
  fi
  ((EUID == 0)) || die "apt: need root to install: ${missing[*]}"
  log "apt: installing ${missing[*]}"
  local t0=$EPOCHREALTIME
  export DEBIAN_FRONTEND=noninteractive
  # Keep Debian's maintainer scripts from starting system-wide redis/postgres services on the
  # default ports (they would collide with the stack's own servers).
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  local rc=0
  apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef \
      -o Dpkg::Options::=--force-confold "${missing[@]}" || rc=$?
  [[ -z $added_policy ]] || rm -f "$policy"
  ((rc == 0)) || die "apt-get failed (exit $rc)"
  log "apt: done in $(took "$t0")"
}

# ---- Kafka jars ------------------------------------------------------------------------------
install_kafka() {
  if [[ -f $KAFKA_MARKER && -d $KAFKA_LIBS ]]; then
    log "kafka: $KAFKA_VERSION jars present in $KAFKA_LIBS"
    return 0
  fi
  local pom_version
  pom_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$INFRA_DIR/kafka/pom.xml")"
  [[ $pom_version == "$KAFKA_VERSION" ]] ||
    die "kafka: infra/kafka/pom.xml pins $pom_version but infra/lib/versions.sh pins $KAFKA_VERSION"
  log "kafka: fetching kafka_2.13 $KAFKA_VERSION and its runtime jars from Maven Central"
  local tmp="$KAFKA_HOME/libs.tmp.$$" t0=$EPOCHREALTIME
  TMP_PATHS+=("$tmp")
  rm -rf "$tmp" "$KAFKA_LIBS"
  mkdir -p "$KAFKA_HOME"
  # (sed: Debian's Maven 3.8 prints colour resets even with -B; errors still come through.)
  mvn -B -q -f "$INFRA_DIR/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 | sed 's/\x1b\[[0-9;]*m//g; /^$/d'
  [[ -n $(compgen -G "$tmp/kafka_2.13-$KAFKA_VERSION.jar") ]] || die "kafka: kafka_2.13 jar missing after mvn"
  mv "$tmp" "$KAFKA_LIBS"
  ls "$KAFKA_LIBS" >"$KAFKA_MARKER"
  log "kafka: $(wc -l <"$KAFKA_MARKER") jars in $KAFKA_LIBS ($(took "$t0"))"
}

# ---- versitygw -------------------------------------------------------------------------------
install_versitygw() {
  if [[ -x $VERSITYGW_BIN ]]; then
    log "s3: versitygw $VERSITYGW_VERSION present at $VERSITYGW_BIN"
    return 0
  fi
  command -v go >/dev/null 2>&1 ||
    die "s3: 'go' not found; versitygw $VERSITYGW_VERSION needs Go >= 1.25 on PATH (Debian's golang is too old)"
  log "s3: building versitygw $VERSITYGW_VERSION with go install"
  local tmp t0=$EPOCHREALTIME
  tmp="$(mktemp -d "$CACHE_DIR/gobin.XXXXXX")"
  TMP_PATHS+=("$tmp")
  # -X main.Version: what the project's Makefile stamps, so `versitygw --version` names the tag.
  GOBIN="$tmp" GOFLAGS=-mod=mod go install -trimpath -ldflags "-X=main.Version=$VERSITYGW_VERSION" \
    "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
  mkdir -p "$(dirname "$VERSITYGW_BIN")"
  mv "$tmp/versitygw" "$VERSITYGW_BIN"
  log "s3: installed $VERSITYGW_BIN ($(took "$t0"))"
}

mkdir -p "$CACHE_DIR"
install_apt_packages
install_kafka
install_versitygw
