#!/usr/bin/env bash
# Makes sure headless Chromium is at /usr/bin/chromium for the browser tests of the web UI
# (internal/web): installs Debian's chromium package when it is missing. The package index
# is refreshed only when a first install attempt fails.
set -euo pipefail
log() { printf 'ensure-chromium: %s\n' "$*" >&2; }

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log "installing Chromium from Debian's packages"
if ! apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1; then
  log "install failed; refreshing the package index and retrying"
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends chromium >/dev/null
fi

if [ ! -x /usr/bin/chromium ]; then
  log "chromium is still missing at /usr/bin/chromium"
  exit 1
fi
log "Chromium is ready: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
