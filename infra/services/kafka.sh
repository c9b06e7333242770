# shellcheck shell=bash
# Apache Kafka (jars from Maven Central, see infra/kafka/pom.xml), KRaft, one node that is both
# broker and controller: PLAINTEXT on 127.0.0.1:$KAFKA_PORT, controller on $KAFKA_CONTROLLER_PORT.
# $PLATFORM_DATA_DIR/kafka holds server.properties (rewritten at every start from env), cluster.id
# (generated once) and data/ (log.dirs, formatted once). Topics come from infra/topics.txt.

KAFKA_TOPICS_FILE="$INFRA_DIR/topics.txt"

kafka_ports() { printf '%s %s' "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; }

kafka_pid() { running_pid kafka; }

# A real broker answer without a JVM: ApiVersions v0 (api key 18, correlation id 1) over bash's
# /dev/tcp; ready when the reply echoes correlation id 1 with error code 0.
kafka_ready() {
  # shellcheck disable=SC2016  # expanded by the inner shell
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x01\x00\x05infra" >&3
    reply="$(head -c 10 <&3 | od -An -tx1 | tr -d " \n")"
    [[ ${reply:8:12} == 000000010000 ]]
  ' kafka-ready "$LISTEN_HOST" "$KAFKA_PORT" 2>/dev/null
}

# Run a Kafka command-line class from the same jars, small and quick to start.
kafka_tool() {
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$INFRA_DIR/kafka/tools-log4j.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

_kafka_write_config() {
  local dir=$1
  cat >"$dir/server.properties" <<EOF
# Written by infra/services/kafka.sh at every start; edit that file, not this one.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$LISTEN_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$LISTEN_HOST:$KAFKA_PORT,CONTROLLER://$LISTEN_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$LISTEN_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=104857600
EOF
}

_kafka_new_cluster_id() {
  # Kafka's Uuid format: 16 random bytes, URL-safe base64 without padding, not starting with '-'.
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ $id != -* ]] && break
  done
  printf '%s' "$id"
}

kafka_launch() {
  local dir log
  dir="$(service_dir kafka)"
  log="$(log_file kafka)"
  [[ -f $KAFKA_MARKER ]] || { warn "kafka: jars for $KAFKA_VERSION not in $KAFKA_LIBS; run infra/install.sh"; return 1; }
  command -v java >/dev/null 2>&1 || { warn "kafka: java not found; run infra/install.sh"; return 1; }
  mkdir -p "$dir/data"
  _kafka_write_config "$dir"
  if [[ ! -f $dir/data/meta.properties ]]; then
    [[ -s $dir/cluster.id ]] || _kafka_new_cluster_id >"$dir/cluster.id"
    log "kafka: formatting $dir/data (cluster id $(<"$dir/cluster.id"))"
    if ! kafka_tool kafka.tools.StorageTool format -t "$(<"$dir/cluster.id")" -c "$dir/server.properties" \
      >>"$log" 2>&1; then
      report_failure kafka "$KAFKA_PORT" "StorageTool format failed"
      return 1
    fi
  fi
  # KAFKA_HEAP_OPTS / KAFKA_JVM_OPTS: Kafka's own names, for who needs another heap.
  local -a jvm
  read -r -a jvm <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} ${KAFKA_JVM_OPTS:-}"
  launch kafka java "${jvm[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$INFRA_DIR/kafka/log4j.properties" -Dkafka.log.file="$log" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" ||
    { report_failure kafka "$KAFKA_PORT" "could not spawn java"; return 1; }
}

# Fast path: on a single node every partition of every topic has a directory in log.dirs, so
# when all partition dirs of infra/topics.txt exist, no JVM is needed to know nothing is missing.
_kafka_topics_on_disk() {
  local data name partitions rest i
  data="$(service_dir kafka)/data"
  while read -r name partitions rest; do
    [[ -z $name || $name == \#* ]] && continue
    for ((i = 0; i < partitions; i++)); do [[ -d $data/$name-$i ]] || return 1; done
  done <"$KAFKA_TOPICS_FILE"
}

# Create every topic of infra/topics.txt that does not exist yet (replication factor 1).
# With a JDK: infra/kafka/EnsureTopics.java, one JVM for list + create (~2 s for all topics).
# Without one (no source-file launcher): the CLI, one JVM for the list and one per missing topic.
kafka_ensure_topics() {
  local bootstrap="$LISTEN_HOST:$KAFKA_PORT" existing="" name partitions rest attempt out
  _kafka_topics_on_disk && return 0
  # The broker may answer ApiVersions a moment before it serves metadata: retry.
  for attempt in 1 2 3; do
    if command -v javac >/dev/null 2>&1; then
      if out="$(kafka_tool "$INFRA_DIR/kafka/EnsureTopics.java" "$bootstrap" "$KAFKA_TOPICS_FILE" 1)"; then
        [[ -z $out ]] || log "kafka: $out"
        return 0
      fi
    elif existing="$(kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --list)"; then
      while read -r name partitions rest; do
        [[ -z $name || $name == \#* ]] && continue
        grep -Fxq -- "$name" <<<"$existing" && continue
        log "kafka: creating topic $name ($partitions partitions)"
        kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --if-not-exists \
          --topic "$name" --partitions "${partitions:-1}" --replication-factor 1 </dev/null >/dev/null || return 1
      done <"$KAFKA_TOPICS_FILE"
      return 0
    fi
    ((attempt < 3)) || return 1
    sleep 1
  done
}

kafka_await() {
  local pid
  pid="$(read_pid kafka)" || { report_failure kafka "$KAFKA_PORT" "no pid file"; return 1; }
  if ! wait_for_pid 60 "$pid" kafka_ready; then
    if pid_alive "$pid"; then
      report_failure kafka "$KAFKA_PORT" "broker not answering after 60 s"
    else
      report_failure kafka "$KAFKA_PORT" "broker exited during start-up"
    fi
    return 1
  fi
  if ! kafka_ensure_topics; then
    report_failure kafka "$KAFKA_PORT" "listing/creating topics failed"
    return 1
  fi
}

kafka_stop() {
  # SIGTERM = controlled shutdown; a single KRaft node takes a few seconds.
  terminate "$1" 60
}
