# shellcheck shell=bash
# S3-compatible storage: versitygw (posix backend) on 127.0.0.1:$S3_PORT. Every bucket is a
# directory of $PLATFORM_DATA_DIR/s3/buckets, object metadata lives in user xattrs (the filesystem
# must support them). Only the root account exists: $S3_ACCESS_KEY_ID / $S3_SECRET_ACCESS_KEY.
# Requests must carry a valid SigV4 signature (header or presigned URL, expiry enforced).
# CORS: --cors-allow-origin answers preflights for $S3_CORS_ORIGIN (echoing the requested method
# and headers) and exposes ETag, which a browser needs for multipart uploads.

s3_ports() { printf '%s' "$S3_PORT"; }

s3_pid() { running_pid s3; }

_s3_url() { printf 'http://%s:%s' "$LISTEN_HOST" "$S3_PORT"; }

# curl with a SigV4 signature; the credentials go through stdin, not the command line.
s3_curl() {
  printf 'user = "%s:%s"\n' "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY" |
    curl -K - -s --max-time 5 --aws-sigv4 "aws:amz:$S3_REGION:s3" \
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}

# HTTP status of a signed request: s3_status METHOD PATH
s3_status() {
  local -a method=(-X "$1")
  [[ $1 == HEAD ]] && method=(-I)
  s3_curl -o /dev/null -w '%{http_code}' "${method[@]}" "$(_s3_url)$2" || true
}

# Ready = a signed ListBuckets answers 200.
s3_ready() { [[ $(s3_status GET /) == 200 ]]; }

s3_launch() {
  local dir
  dir="$(service_dir s3)"
  [[ -x $VERSITYGW_BIN ]] || { warn "s3: $VERSITYGW_BIN not found; run infra/install.sh"; return 1; }
  mkdir -p "$dir/buckets"
  # Root credentials through the environment (versitygw reads ROOT_ACCESS_KEY_ID /
  # ROOT_SECRET_ACCESS_KEY), so they do not show in `ps`. Keep-alive as S3 does (versitygw closes
  # every connection by default: each SDK call then paid a TCP connect).
  ROOT_ACCESS_KEY_ID="$S3_ACCESS_KEY_ID" ROOT_SECRET_ACCESS_KEY="$S3_SECRET_ACCESS_KEY" \
    launch s3 "$VERSITYGW_BIN" --port "$LISTEN_HOST:$S3_PORT" --region "$S3_REGION" \
    --cors-allow-origin "$S3_CORS_ORIGIN" --quiet --keep-alive \
    posix "$dir/buckets" ||
    { report_failure s3 "$S3_PORT" "could not spawn versitygw"; return 1; }
}

s3_await() {
  local pid bucket code
  pid="$(read_pid s3)" || { report_failure s3 "$S3_PORT" "no pid file"; return 1; }
  if ! wait_for_pid 30 "$pid" s3_ready; then
    if pid_alive "$pid"; then
      report_failure s3 "$S3_PORT" "signed ListBuckets did not answer 200 within 30 s"
    else
      report_failure s3 "$S3_PORT" "versitygw exited during start-up"
    fi
    return 1
  fi
  # The point of this server: unsigned requests are refused.
  code="$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$(_s3_url)/" || true)"
  if [[ $code != 403 ]]; then
    report_failure s3 "$S3_PORT" "an unsigned request got HTTP $code instead of 403"
    return 1
  fi
  for bucket in "$S3_RAW_BUCKET" "$S3_DATA_BUCKET"; do
    code="$(s3_status HEAD "/$bucket")"
    [[ $code == 200 ]] && continue
    code="$(s3_status PUT "/$bucket")"
    if [[ $code != 200 ]]; then
      report_failure s3 "$S3_PORT" "creating bucket $bucket answered HTTP $code"
      return 1
    fi
    log "s3: created bucket $bucket"
  done
}

s3_stop() { terminate "$1" 20; }
