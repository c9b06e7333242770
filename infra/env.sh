# shellcheck shell=bash
# The one place the local stack's shell defaults live. Every value can be overridden by the
# environment; the TypeScript services and the Rust processor read the same variable names.
# Source it: `. infra/env.sh`.

PLATFORM_ROOT="${PLATFORM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export PLATFORM_ROOT
# Runtime data (database files, logs, pids, objects): git-ignored, inside the clone by default.
export PLATFORM_DATA_DIR="${PLATFORM_DATA_DIR:-$PLATFORM_ROOT/.data}"
# Build caches (Kafka jars, the S3 server binary, cargo target dir): outside the clone, reusable
# across clones; correctness never depends on them.
export PLATFORM_CACHE_DIR="${PLATFORM_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ai-analytics-platform}"

export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-platform}"
export PGPASSWORD="${PGPASSWORD:-platform}"
export PGDATABASE="${PGDATABASE:-platform}"
export DATABASE_URL="${DATABASE_URL:-postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE}"

export REDIS_PORT="${REDIS_PORT:-6379}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"

export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"

export S3_PORT="${S3_PORT:-7070}"
export S3_ENDPOINT="${S3_ENDPOINT:-http://127.0.0.1:$S3_PORT}"
export S3_REGION="${S3_REGION:-us-east-1}"
export S3_ACCESS_KEY_ID="${S3_ACCESS_KEY_ID:-platform-local}"
export S3_SECRET_ACCESS_KEY="${S3_SECRET_ACCESS_KEY:-platform-local-secret-key}"
export S3_RAW_BUCKET="${S3_RAW_BUCKET:-analytics-raw}"
export S3_DATA_BUCKET="${S3_DATA_BUCKET:-analytics-data}"
# Origins allowed to PUT to presigned URLs from a browser (the app's origin).
export S3_CORS_ORIGIN="${S3_CORS_ORIGIN:-http://127.0.0.1:4000}"

export GATEWAY_PORT="${GATEWAY_PORT:-4000}"
export PROCESSOR_PORT="${PROCESSOR_PORT:-4010}"

# Rust build output, outside the clone so a fresh clone reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PLATFORM_CACHE_DIR/cargo-target}"
