#!/usr/bin/env bash
# Makes sure a MinIO server answers on 127.0.0.1:${MINIO_PORT:-9123} for the S3 tests:
# builds the server from its Go module when missing and starts it with a throwaway data
# directory. Prints nothing on stdout.
set -euo pipefail
log() { printf 'ensure-minio: %s\n' "$*" >&2; }

MINIO_VERSION=${MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
PORT=${MINIO_PORT:-9123}
BIN_DIR=${CLONIT_TOOLS_DIR:-$HOME/.cache/clonit-tools}/bin
DATA=${MINIO_DATA:-/tmp/clonit-minio-data}
export MINIO_ROOT_USER=${MINIO_ROOT_USER:-clonitminio}
export MINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD:-clonitminio-secret}

ready() { curl -fsS -o /dev/null "http://127.0.0.1:$PORT/minio/health/live" 2>/dev/null; }
ready && { log "MinIO is ready on 127.0.0.1:$PORT"; exit 0; }

MINIO=$(command -v minio || true)
[ -z "$MINIO" ] && [ -x "$BIN_DIR/minio" ] && MINIO=$BIN_DIR/minio
if [ -z "$MINIO" ]; then
  log "building the MinIO server from its Go module (takes a few minutes, once)"
  mkdir -p "$BIN_DIR"
  GOBIN=$BIN_DIR GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
  MINIO=$BIN_DIR/minio
fi

mkdir -p "$DATA"
log "starting MinIO on 127.0.0.1:$PORT"
nohup "$MINIO" server --quiet --address "127.0.0.1:$PORT" --console-address "127.0.0.1:$((PORT+1))" "$DATA" \
  >/tmp/clonit-minio.log 2>&1 &
for _ in $(seq 1 60); do ready && break; sleep 0.5; done
ready || { log "MinIO did not start; see /tmp/clonit-minio.log"; tail -20 /tmp/clonit-minio.log >&2; exit 1; }
log "MinIO is ready on 127.0.0.1:$PORT"
