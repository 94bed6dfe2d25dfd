#!/bin/sh
# Runs Clonit's benchmarks (`make bench`). Each prints its figures next to a baseline
# measured in the same run, and the ratio between them.
set -eu
cd "$(dirname "$0")/.."
echo "== members list (cloud API) =="
go run ./bench/members "$@"
echo "== cloud snapshot catalog: a member's page of 50 among 100,000 snapshots =="
go run ./bench/snapshots
echo "== snapshot engine: build, load, push, pull against the bare tools =="
./bench/snapshot.sh
