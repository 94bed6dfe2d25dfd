#!/usr/bin/env bash
# Benchmarks the snapshot engine against the bare tools, in one run:
#   clonit build      vs  pg_dump -Fd -j JOBS
#   clonit load       vs  dropdb + createdb + pg_restore -j JOBS
#   clonit push/pull  vs  a raw minio-go PutObject/GetObject of the same archive bytes
#   clonit push/pull --cloud  vs  a raw upload/download of the same bytes through the URLs
#                     of a local clonit-cloud (its embedded storage, or MinIO with
#                     CLOUD_STORAGE=s3), with the same client library (bench/rawcloud)
# plus the peak RSS of push and pull. Prints each figure and the ratio clonit / baseline.
#
# Environment: SCALE (pgbench scale; 70 ≈ 1 GB, default 70), JOBS (default 2), REPS (rounds;
# the best time of each is kept; default 3), FILLER (random, the default, rewrites the filler
# column of pgbench_accounts with random text: pgbench's blank filler compresses about 50×,
# which would leave push and pull almost nothing to move; "pgbench" keeps it), CLONIT (the
# binary; default: build bin/clonit), CLONIT_CLOUD_BIN (default: build bin/clonit-cloud),
# CLOUD_STORAGE (embedded, the default, or s3), CLONIT_TEST_POSTGRES_URL and
# CLONIT_TEST_S3_* (as for `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${SCALE:-70}
JOBS=${JOBS:-2}
REPS=${REPS:-3}
FILLER=${FILLER:-random}
CLONIT=${CLONIT:-}
CLOUD_BIN=${CLONIT_CLOUD_BIN:-}
CLOUD_STORAGE=${CLOUD_STORAGE:-embedded}
ADMIN=${CLONIT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
export CLONIT_TEST_S3_ENDPOINT=${CLONIT_TEST_S3_ENDPOINT:-127.0.0.1:9123}
export CLONIT_TEST_S3_ACCESS_KEY=${CLONIT_TEST_S3_ACCESS_KEY:-clonitminio}
export CLONIT_TEST_S3_SECRET_KEY=${CLONIT_TEST_S3_SECRET_KEY:-clonitminio-secret}

log() { printf 'bench: %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { log "installing GNU time"; apt-get install -y -q time >/dev/null; }
for tool in pg_dump pg_restore pgbench psql; do
  command -v "$tool" >/dev/null || { log "$tool is missing: install postgresql-client"; exit 1; }
done
if [ -z "$CLONIT" ]; then CLONIT=bin/clonit; go build -o "$CLONIT" ./cmd/clonit; fi
CLONIT=$(cd "$(dirname "$CLONIT")" && pwd)/$(basename "$CLONIT")
if [ -z "$CLOUD_BIN" ]; then CLOUD_BIN=bin/clonit-cloud; go build -o "$CLOUD_BIN" ./cmd/clonit-cloud; fi
CLOUD_BIN=$(cd "$(dirname "$CLOUD_BIN")" && pwd)/$(basename "$CLOUD_BIN")

W=$(mktemp -d /tmp/clonit-bench.XXXXXX)
TAG=$$
SRC_DB=clonit_bench_src_$TAG
DST_DB=clonit_bench_dst_$TAG
BUCKET=clonit-bench-$TAG
url() { psql_url=${ADMIN%%\?*}; q=${ADMIN#"$psql_url"}; echo "${psql_url%/*}/$1$q"; }
SRC=$(url "$SRC_DB")
DST=$(url "$DST_DB")
go build -o "$W/rawtransfer" ./bench/rawtransfer
go build -o "$W/rawcloud" ./bench/rawcloud
CLOUD_PID=

cleanup() {
  [ -n "$CLOUD_PID" ] && kill "$CLOUD_PID" 2>/dev/null && wait "$CLOUD_PID" 2>/dev/null
  psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $SRC_DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $DST_DB WITH (FORCE)" >/dev/null 2>&1 || true
  "$W/rawtransfer" rb "$BUCKET" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

# run1 NAME 'SHELL COMMAND': runs the command once and keeps, in $W/NAME, the elapsed seconds
# and peak RSS (KiB) of its fastest run so far. Pairs being compared run alternately (see
# below), so load from other processes on the machine hits both alike.
# The CPU time (user + system) of the fastest run is kept too: on a machine shared with
# other work it says how much of a difference is the program's own doing.
run1() {
  local name=$1 cmd=$2 e m u s
  /usr/bin/time -f '%e %M %U %S' -o "$W/t" sh -c "$cmd" >/dev/null
  read -r e m u s <"$W/t"
  if [ ! -s "$W/$name" ] || awk "BEGIN{exit !($e < $(cut -d' ' -f1 "$W/$name"))}"; then
    echo "$e $m $(awk "BEGIN{print $u + $s}")" >"$W/$name"
  fi
}
secs() { cut -d' ' -f1 "$W/$1"; }
rss() { echo $(( $(cut -d' ' -f2 "$W/$1") / 1024 )); }
cpu() { cut -d' ' -f3 "$W/$1"; }

log "generating pgbench data, scale $SCALE"
psql -q "$ADMIN" -c "CREATE DATABASE $SRC_DB"
pgbench -i -q -s "$SCALE" "$SRC" 2>/dev/null
if [ "$FILLER" = random ]; then
  log "randomizing the filler of pgbench_accounts"
  psql -q "$SRC" -c "UPDATE pgbench_accounts SET filler = md5(random()::text) || md5(random()::text)" -c "VACUUM FULL pgbench_accounts"
fi
size=$(psql -Atq "$ADMIN" -c "SELECT pg_size_pretty(pg_database_size('$SRC_DB'))")
psql -q "$SRC" -c "CHECKPOINT" -c "VACUUM ANALYZE" >/dev/null

export HOME=$W/home XDG_CONFIG_HOME=$W/home/.config
mkdir -p "$HOME"
"$CLONIT" config init >/dev/null 2>&1
"$W/rawtransfer" mb "$BUCKET"
"$CLONIT" --quiet storage-profile add --name minio --provider s3 --bucket "$BUCKET" \
  --endpoint "http://$CLONIT_TEST_S3_ENDPOINT" --access-key "$CLONIT_TEST_S3_ACCESS_KEY" --secret-key "$CLONIT_TEST_S3_SECRET_KEY" 2>/dev/null
"$CLONIT" --quiet targets add bench --src-url "$SRC" --dst-url "$DST" --storage-profile minio 2>/dev/null

log "build vs pg_dump, load vs pg_restore (jobs $JOBS, $REPS rounds)"
for _ in $(seq "$REPS"); do
  rm -rf "$W/raw" "$HOME/.clonit/bench"/bench-*
  run1 pg_dump "pg_dump -Fd -j $JOBS -f '$W/raw' '$SRC'"
  run1 build "'$CLONIT' --quiet build bench --no-push --jobs $JOBS"
  # Both drop and recreate the destination inside the timing, as load does.
  run1 pg_restore "psql -q '$ADMIN' -c 'DROP DATABASE IF EXISTS $DST_DB WITH (FORCE)' -c 'CREATE DATABASE $DST_DB TEMPLATE template0' \
    && pg_restore -Fd -j $JOBS --no-owner --no-privileges --exit-on-error -d '$DST' '$W/raw'"
  run1 load "'$CLONIT' --quiet load bench 0 --jobs $JOBS"
done
snap=$(ls "$HOME/.clonit/bench" | grep '^bench-' | sort | tail -1)

log "push and pull vs raw minio-go transfer ($REPS rounds)"
"$CLONIT" --quiet push bench 0 >/dev/null
"$W/rawtransfer" get "$BUCKET" "bench/$snap.tar" "$W/archive.tar"
archive=$(du -m "$W/archive.tar" | cut -f1)
for _ in $(seq "$REPS"); do
  run1 raw_put "'$W/rawtransfer' put '$W/archive.tar' '$BUCKET' raw/archive.tar"
  run1 push "'$CLONIT' --quiet push bench 0"
  rm -f "$W/raw.tar"
  run1 raw_get "'$W/rawtransfer' get '$BUCKET' raw/archive.tar '$W/raw.tar'"
  rm -rf "$HOME/.clonit/bench/$snap"
  run1 pull "'$CLONIT' --quiet pull bench 0"
done

log "push --cloud and pull --cloud vs raw transfers through the cloud's URLs ($CLOUD_STORAGE storage, $REPS rounds)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CLOUD_URL=http://127.0.0.1:$port
cloud_flags=(--data-dir "$W/cloud")
if [ "$CLOUD_STORAGE" = s3 ]; then
  "$W/rawtransfer" mb "$BUCKET-cloud"
  cloud_flags+=(--s3-endpoint "$CLONIT_TEST_S3_ENDPOINT" --s3-bucket "$BUCKET-cloud" --s3-access-key "$CLONIT_TEST_S3_ACCESS_KEY" \
    --s3-secret-key "$CLONIT_TEST_S3_SECRET_KEY" --s3-insecure)
fi
"$CLOUD_BIN" serve --addr "127.0.0.1:$port" "${cloud_flags[@]}" >"$W/cloud.log" 2>&1 &
CLOUD_PID=$!
for _ in $(seq 100); do curl -fsS -o /dev/null "$CLOUD_URL/readyz" 2>/dev/null && break; sleep 0.2; done
echo "bench password 1" | "$CLOUD_BIN" users add --email bench@example.com --name Bench --password-stdin --groups "" --data-dir "$W/cloud" >/dev/null 2>&1
export CLONIT_CLOUD__URL=$CLOUD_URL CLONIT_CLOUD__ORG=bench
CLONIT_CLOUD__TOKEN=$("$CLOUD_BIN" admin token --email bench@example.com --public-url "$CLOUD_URL" --data-dir "$W/cloud" 2>/dev/null)
export CLONIT_CLOUD__TOKEN
"$CLONIT" --quiet cloud org create --name Bench --slug bench >/dev/null 2>&1
id=$("$CLONIT" --quiet push bench 0 --cloud)
for _ in $(seq "$REPS"); do
  "$W/rawcloud" start "$W/archive.tar" "$W/upload.json"
  run1 raw_cloud_put "'$W/rawcloud' put '$W/archive.tar' '$W/upload.json'"
  "$W/rawcloud" abort "$W/upload.json"
  run1 cloud_push "'$CLONIT' --quiet push bench 0 --cloud"
  "$W/rawcloud" url "$id" "$W/url"
  rm -f "$W/raw.tar"
  run1 raw_cloud_get "'$W/rawcloud' get '$W/url' '$W/raw.tar'"
  rm -rf "$HOME/.clonit/bench/$snap"
  run1 cloud_pull "'$CLONIT' --quiet pull bench --cloud --snapshot-id $id"
done
[ "$CLOUD_STORAGE" = s3 ] && "$W/rawtransfer" rb "$BUCKET-cloud" 2>/dev/null

ratio() { awk "BEGIN{printf \"%.2f\", $(secs "$1") / $(secs "$2")}"; }
printf '\nsnapshot bench: pgbench scale %s, %s filler (database %s, archive %s MiB), jobs %s, best of %s\n' "$SCALE" "$FILLER" "$size" "$archive" "$JOBS" "$REPS"
row() { printf '%-14s %10s %12s %10s %8s %10s %12s\n' "$@"; }
row operation clonit_s baseline_s ratio rss_MiB clonit_cpu baseline_cpu
row build "$(secs build)" "$(secs pg_dump)" "$(ratio build pg_dump)" "$(rss build)" "$(cpu build)" "$(cpu pg_dump)"
row load "$(secs load)" "$(secs pg_restore)" "$(ratio load pg_restore)" "$(rss load)" "$(cpu load)" "$(cpu pg_restore)"
row push "$(secs push)" "$(secs raw_put)" "$(ratio push raw_put)" "$(rss push)" "$(cpu push)" "$(cpu raw_put)"
row pull "$(secs pull)" "$(secs raw_get)" "$(ratio pull raw_get)" "$(rss pull)" "$(cpu pull)" "$(cpu raw_get)"
row "push --cloud" "$(secs cloud_push)" "$(secs raw_cloud_put)" "$(ratio cloud_push raw_cloud_put)" "$(rss cloud_push)" "$(cpu cloud_push)" "$(cpu raw_cloud_put)"
row "pull --cloud" "$(secs cloud_pull)" "$(secs raw_cloud_get)" "$(ratio cloud_pull raw_cloud_get)" "$(rss cloud_pull)" "$(cpu cloud_pull)" "$(cpu raw_cloud_get)"
printf 'raw transfer peak RSS: put %s MiB, get %s MiB; load average at the end: %s\n' "$(rss raw_put)" "$(rss raw_get)" "$(cut -d' ' -f1-3 /proc/loadavg)"
