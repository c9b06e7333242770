# shellcheck shell=bash disable=SC2034  # the variables are used by the files that source this one
# Pinned versions of what install.sh fetches, and where it puts them (outside the clone).

# Kafka 3.9.x, not 4.x: kafkajs (our Node client) still uses protocol versions Kafka 4 removed.
# Keep infra/kafka/pom.xml and docker-compose.yml in step.
KAFKA_VERSION=3.9.1
# Latest stable tag on the Go module proxy when pinned. Keep docker-compose.yml in step.
VERSITYGW_VERSION=v1.8.0

_cache="$(realpath -m "$PLATFORM_CACHE_DIR")"
KAFKA_HOME="$_cache/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_MARKER="$KAFKA_HOME/.complete"
VERSITYGW_BIN="$_cache/bin/versitygw-$VERSITYGW_VERSION"
unset _cache
