#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the tests: starts the local
# cluster when it is installed but stopped, installs it from Debian's packages when missing.
# Also makes sure the client tools (pg_dump, pg_restore, psql) and the server binaries
# (initdb, pg_ctl) are present.
set -euo pipefail
log() { printf 'ensure-postgres: %s\n' "$*" >&2; }

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if ! command -v pg_isready >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q postgresql postgresql-client >/dev/null
fi

if ! ready; then
  for v in $(ls /etc/postgresql 2>/dev/null); do
    log "starting cluster $v/main"
    pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
  done
fi

for _ in $(seq 1 30); do ready && break; sleep 1; done
if ! ready; then
  log "PostgreSQL does not answer on 127.0.0.1:5432"
  exit 1
fi

# The tests connect as postgres over TCP; make sure that works without a password.
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  log "cannot connect as postgres over TCP; allowing trust auth on loopback"
  hba=$(su postgres -c "psql -Atqc 'show hba_file'")
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  su postgres -c "psql -Atqc 'select pg_reload_conf()'" >/dev/null
fi
log "PostgreSQL is ready"
