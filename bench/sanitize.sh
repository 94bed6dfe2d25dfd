#!/usr/bin/env bash
# Benchmarks clonit sanitize against the same pipeline run by hand, in one run:
#   clonit sanitize bench --jobs JOBS   (restore into sanitize_dst_url, analyze, run the
#                                        query in one transaction, verify, pg_dump -Fd)
#   by hand: dropdb + createdb + pg_restore -j JOBS, psql -1 -f QUERY, pg_dump -Fd -j JOBS
# with the same sanitize query (written by `clonit analyze --sql`), plus `clonit sanitize
# --ephemeral` (the same in a throwaway cluster, which initdb and start add to), and the time
# of `clonit analyze` and its sample size.
#
# The database is bench/snapshot.sh's (pgbench at SCALE with a random filler) plus a table of
# SCALE × 10,000 customers with personal data, so the query has work to do.
#
# Environment: SCALE (pgbench scale; 70 ≈ 1 GB, default 70), JOBS (default 2), REPS (rounds;
# the best time of each is kept; default 3), SAMPLE (rows per table analyze samples; default
# 1000), CLONIT (the binary; default: build bin/clonit), CLONIT_TEST_POSTGRES_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${SCALE:-70}
JOBS=${JOBS:-2}
REPS=${REPS:-3}
SAMPLE=${SAMPLE:-1000}
CLONIT=${CLONIT:-}
ADMIN=${CLONIT_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}

log() { printf 'bench: %s\n' "$*" >&2; }
[ -x /usr/bin/time ] || { log "installing GNU time"; apt-get install -y -q time >/dev/null; }
for tool in pg_dump pg_restore pgbench psql; do
  command -v "$tool" >/dev/null || { log "$tool is missing: install postgresql-client"; exit 1; }
done
if [ -z "$CLONIT" ]; then CLONIT=bin/clonit; go build -o "$CLONIT" ./cmd/clonit; fi
CLONIT=$(cd "$(dirname "$CLONIT")" && pwd)/$(basename "$CLONIT")

W=$(mktemp -d /tmp/clonit-bench-sanitize.XXXXXX)
chmod 755 "$W" # throwaway clusters run as the postgres user when this runs as root
TAG=$$
SRC_DB=clonit_bench_src_$TAG
SAN_DB=clonit_bench_san_$TAG
HAND_DB=clonit_bench_hand_$TAG
url() { psql_url=${ADMIN%%\?*}; q=${ADMIN#"$psql_url"}; echo "${psql_url%/*}/$1$q"; }
SRC=$(url "$SRC_DB")
SAN=$(url "$SAN_DB")
HAND=$(url "$HAND_DB")

cleanup() {
  for db in "$SRC_DB" "$SAN_DB" "$HAND_DB"; do
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$W"
}
trap cleanup EXIT

# run1 NAME 'SHELL COMMAND': runs the command once and keeps, in $W/NAME, the elapsed seconds
# of its fastest run so far. The compared pipelines run alternately, so load from other
# processes on the machine hits both alike.
run1() {
  local name=$1 cmd=$2 e
  /usr/bin/time -f '%e' -o "$W/t" sh -c "$cmd" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
  e=$(tail -1 "$W/t")
  if [ ! -s "$W/$name" ] || awk "BEGIN{exit !($e < $(cat "$W/$name"))}"; then echo "$e" >"$W/$name"; fi
}
secs() { cat "$W/$1"; }

log "generating pgbench data, scale $SCALE, and $((SCALE * 10000)) customers"
psql -q "$ADMIN" -c "CREATE DATABASE $SRC_DB"
pgbench -i -q -s "$SCALE" "$SRC" 2>/dev/null
psql -q "$SRC" -c "UPDATE pgbench_accounts SET filler = md5(random()::text) || md5(random()::text)" -c "VACUUM FULL pgbench_accounts"
psql -q "$SRC" <<SQL
CREATE TABLE bench_customers (
    id         bigint PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    first_name text NOT NULL,
    last_name  text NOT NULL,
    phone      text,
    street     text,
    notes      text,
    aid        integer REFERENCES pgbench_accounts
);
INSERT INTO bench_customers
SELECT g,
       'customer' || g || '@' || (ARRAY['gmail.com', 'outlook.com', 'proton.me'])[1 + g % 3],
       (ARRAY['Maria', 'James', 'Sofia', 'Liam', 'Aisha', 'Wei'])[1 + g % 6],
       (ARRAY['Garcia', 'Smith', 'Jansen', 'Nguyen', 'Khan', 'Rossi'])[1 + g % 6],
       '+44 20 ' || lpad((g % 10000)::text, 4, '0') || ' ' || lpad(((g * 7) % 10000)::text, 4, '0'),
       (1 + g % 2000) || ' ' || (ARRAY['Baker', 'Elm', 'Oak'])[1 + g % 3] || ' Street',
       CASE WHEN g % 4 = 0 THEN 'call me on +1 415 555 ' || lpad((g % 10000)::text, 4, '0') ELSE 'no notes' END,
       1 + g % ($SCALE * 100000)
FROM generate_series(1, $SCALE * 10000) g;
SQL
size=$(psql -Atq "$ADMIN" -c "SELECT pg_size_pretty(pg_database_size('$SRC_DB'))")
psql -q "$SRC" -c "CHECKPOINT" -c "VACUUM ANALYZE" >/dev/null

export HOME=$W/home XDG_CONFIG_HOME=$W/home/.config TMPDIR=$W
mkdir -p "$HOME"
"$CLONIT" config init >/dev/null 2>&1
"$CLONIT" --quiet targets add bench --src-url "$SRC" --sanitize-dst-url "$SAN" 2>/dev/null
"$CLONIT" --quiet build bench --jobs "$JOBS" >/dev/null
snap=$(ls "$HOME/.clonit/bench" | grep '^bench-' | sort | tail -1)
dump=$HOME/.clonit/bench/$snap/dump

log "clonit analyze (sample $SAMPLE rows per table)"
run1 analyze "'$CLONIT' analyze bench --sample $SAMPLE --sql '$W/query.sql'"
flagged=$(grep -c '^-- [a-z_]*\.[a-z_]*\.[a-z_]*: ' "$W/query.sql" || true)
"$CLONIT" --quiet sanitize-query add bench "$W/query.sql" >/dev/null

log "clonit sanitize (and --ephemeral) vs pg_restore + psql + pg_dump by hand (jobs $JOBS, $REPS rounds)"
for _ in $(seq "$REPS"); do
  rm -rf "$W/hand_dump"
  run1 hand "psql -q '$ADMIN' -c 'DROP DATABASE IF EXISTS $HAND_DB WITH (FORCE)' -c 'CREATE DATABASE $HAND_DB TEMPLATE template0' \
    && pg_restore -Fd -j $JOBS --no-owner --no-privileges --exit-on-error -d '$HAND' '$dump' \
    && psql -q --no-psqlrc -v ON_ERROR_STOP=1 --single-transaction -f '$W/query.sql' '$HAND' \
    && pg_dump -Fd -j $JOBS -f '$W/hand_dump' '$HAND'"
  for mode in sanitize ephemeral; do
    flag=""; [ "$mode" = ephemeral ] && flag=--ephemeral
    run1 "$mode" "'$CLONIT' --quiet sanitize bench 0 --jobs $JOBS --sample $SAMPLE $flag"
    # Keep only the original (index 0 again): each run sanitizes the same snapshot.
    for s in $(ls "$HOME/.clonit/bench" | grep '^bench-' | grep -v "^$snap\$"); do rm -rf "$HOME/.clonit/bench/$s"; done
  done
done

ratio() { awk "BEGIN{printf \"%.2f\", $(secs "$1") / $(secs "$2")}"; }
printf '\nsanitize bench: pgbench scale %s + %s customers (database %s), jobs %s, best of %s\n' "$SCALE" "$((SCALE * 10000))" "$size" "$JOBS" "$REPS"
printf '%-22s %10s %12s %8s\n' operation clonit_s baseline_s ratio
printf '%-22s %10s %12s %8s\n' sanitize "$(secs sanitize)" "$(secs hand)" "$(ratio sanitize hand)"
printf '%-22s %10s %12s %8s\n' "sanitize --ephemeral" "$(secs ephemeral)" "$(secs hand)" "$(ratio ephemeral hand)"
printf 'analyze: %s s, sample %s rows per table, %s columns flagged\n' "$(secs analyze)" "$SAMPLE" "$flagged"
