#!/bin/sh
# `make run`: the one-command demo of Clonit, on nothing but the two binaries (the Makefile
# builds bin/clonit and bin/clonit-cloud first) and curl. Everything goes through the real
# paths a team would use, on loopback, with SQLite everywhere:
#
#   1. Clonit Cloud starts on its embedded defaults (SQLite, built-in sign-in service,
#      snapshots kept in its data directory) and gets two accounts: the demo owner and a
#      developer.
#   2. The owner's agent signs in with `clonit login` (the device grant, whose form this
#      script fills in as a person would), creates the org, and makes a join code that the
#      developer's agent joins with.
#   3. The owner adds a target for the bundled sample shop database (testdata/demo/shop.db:
#      customers with names, emails, phones and addresses, and their orders), lets
#      `clonit analyze` write its sanitize query, builds a snapshot, sanitizes it, pushes
#      both to the cloud, and shares the sanitized one with the whole org.
#   4. `clonit serve` starts the web UI as the owner, and the script prints where to open it.
#
# Everything lives in ./.demo (CLONIT_DEMO_DIR), made afresh on every run: the cloud's data,
# each agent's config, session and snapshots, and the logs. Ctrl-C stops both servers.
#
# Environment: CLONIT_DEMO_CLOUD_ADDR (127.0.0.1:8585) and CLONIT_DEMO_UI_ADDR
# (127.0.0.1:8484) choose the ports; CLONIT_DEMO_PASSWORD the owner's password;
# CLONIT_DEMO_BIN the directory of the binaries (bin); CLONIT_DEMO_NO_SERVE=1 stops after
# the setup, with the cloud stopped and no web UI (the tests use it).
set -eu
cd "$(dirname "$0")/.."

BIN=${CLONIT_DEMO_BIN:-$PWD/bin}
DEMO=${CLONIT_DEMO_DIR:-$PWD/.demo}
CLOUD_ADDR=${CLONIT_DEMO_CLOUD_ADDR:-127.0.0.1:8585}
UI_ADDR=${CLONIT_DEMO_UI_ADDR:-127.0.0.1:8484}
PASSWORD=${CLONIT_DEMO_PASSWORD:-clonit-demo-password}
NO_SERVE=${CLONIT_DEMO_NO_SERVE:-}
case $DEMO in /*) ;; *) DEMO="$PWD/$DEMO" ;; esac # the configs name it: make it absolute
CLOUD_URL="http://$CLOUD_ADDR"
OWNER=owner@demo.example
DEV=dev@demo.example
DEV_PASSWORD=clonit-dev-password
ORG=demo-shop

# The demo's agents read only their own config: settings of the caller's environment
# (CLONIT_CLOUD__TOKEN, CLONIT_WORKING_DIRECTORY, ...) must not leak into them.
for v in $(env | sed -n 's/^\(CLONIT_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done

say() { printf '==> %s\n' "$*" >&2; }
fail() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

for b in "$BIN/clonit" "$BIN/clonit-cloud"; do
	[ -x "$b" ] || fail "$b is missing: run \`make run\`, which builds it first"
done
command -v curl >/dev/null 2>&1 || fail "the demo needs curl to check that the servers answer and to fill in the sign-in form; install it"

# A fresh ./.demo each run, but never remove a directory the demo did not make.
if [ -e "$DEMO" ] && [ ! -e "$DEMO/.clonit-demo" ]; then
	fail "$DEMO exists and was not made by the demo; move it away or set CLONIT_DEMO_DIR"
fi
rm -rf "$DEMO"
mkdir -p "$DEMO/cloud" "$DEMO/data"
: >"$DEMO/.clonit-demo"

pids=""
stop() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	pids=""
}
trap 'stop' EXIT
trap 'stop; echo; echo "Stopped the demo (its state stays in $DEMO until the next run)."; exit 0' INT TERM

# wait_for URL LOG PID: wait until URL answers, or show the server's log.
wait_for() {
	i=0
	until curl -fsS -o /dev/null "$1" 2>/dev/null; do
		i=$((i + 1))
		if ! kill -0 "$3" 2>/dev/null || [ "$i" -gt 200 ]; then
			tail -n 20 "$2" >&2
			fail "the server for $1 did not start; its log is $2"
		fi
		sleep 0.1
	done
}

# agent NAME ARGS...: runs clonit as the agent NAME (its config in $DEMO/NAME).
agent() {
	name=$1
	shift
	XDG_CONFIG_HOME="$DEMO/$name" "$BIN/clonit" "$@"
}

# login NAME EMAIL PASSWORD [ARGS...]: `clonit login --no-browser` as NAME, completing the
# device verification form with the account's email and password.
login() {
	name=$1 email=$2 password=$3
	shift 3
	log="$DEMO/$name/login.log"
	agent "$name" login --no-browser "$@" 2>"$log" &
	lp=$!
	i=0
	until prompt=$(grep -o 'open [^ ]* in a browser and enter the code [^ ]*' "$log"); do
		i=$((i + 1))
		if ! kill -0 "$lp" 2>/dev/null || [ "$i" -gt 200 ]; then
			cat "$log" >&2
			fail "clonit login printed no sign-in URL"
		fi
		sleep 0.1
	done
	verify=$(echo "$prompt" | cut -d' ' -f2)
	code=$(echo "$prompt" | awk '{print $NF}')
	curl -fsS --data-urlencode "user_code=$code" --data-urlencode "email=$email" \
		--data-urlencode "password=$password" "$verify" >"$DEMO/$name/device-form.html" ||
		fail "the sign-in form refused $email"
	if ! wait "$lp"; then
		cat "$log" >&2
		fail "clonit login failed for $email"
	fi
	tail -n 1 "$log" >&2
}

# new_agent NAME: writes NAME's config: a fresh secret key, snapshots under $DEMO/NAME/work,
# and the demo cloud's URL.
new_agent() {
	agent "$1" config init >/dev/null 2>&1
	cfg="$DEMO/$1/clonit/config.yaml"
	sed -e "s|^working_directory:.*|working_directory: $DEMO/$1/work|" -e '/^cloud:/d' "$cfg" >"$cfg.new"
	printf 'cloud:\n    url: %s\n' "$CLOUD_URL" >>"$cfg.new"
	chmod 600 "$cfg.new"
	mv "$cfg.new" "$cfg"
}

say "Starting Clonit Cloud at $CLOUD_URL (SQLite and snapshots in $DEMO/cloud)"
printf '%s\n' "$PASSWORD" | "$BIN/clonit-cloud" users add --data-dir "$DEMO/cloud" \
	--email "$OWNER" --name "Olivia Owner" --groups data,leads --password-stdin
printf '%s\n' "$DEV_PASSWORD" | "$BIN/clonit-cloud" users add --data-dir "$DEMO/cloud" \
	--email "$DEV" --name "Dev Eloper" --groups eng --password-stdin
"$BIN/clonit-cloud" serve --addr "$CLOUD_ADDR" --public-url "$CLOUD_URL" --data-dir "$DEMO/cloud" \
	--log-format text >"$DEMO/cloud.log" 2>&1 &
cloud_pid=$!
pids="$cloud_pid"
wait_for "$CLOUD_URL/healthz" "$DEMO/cloud.log" "$cloud_pid"

say "Signing in the owner's agent with clonit login, and creating the org $ORG"
new_agent owner
login owner "$OWNER" "$PASSWORD"
agent owner cloud org create --name "Demo Shop" --slug "$ORG"
agent owner cloud org update --website https://shop.demo.example --location Lisbon \
	--sector Retail --description "A coffee shop's online store, as a demo of Clonit." >/dev/null

say "The developer joins with a member join code; both machines register as agents"
code=$(agent owner cloud invites create --role member)
new_agent dev
login dev "$DEV" "$DEV_PASSWORD" --org "$ORG" --join "$code"
agent owner cloud register --name owner-laptop
agent dev cloud register --name dev-workstation
agent owner cloud keys create --name nightly-ci --permissions pull >/dev/null

say "Adding the target shop: the bundled sample database testdata/demo/shop.db"
cp testdata/demo/shop.db "$DEMO/data/shop.db"
agent owner targets add shop --db-type sqlite --src-url "$DEMO/data/shop.db" --dst-url "$DEMO/data/shop-dev.db"
agent owner analyze shop --sql "$DEMO/owner/shop-sanitize.sql" >/dev/null
agent owner sanitize-query add shop "$DEMO/owner/shop-sanitize.sql" >/dev/null

say "Building a snapshot, sanitizing it, and pushing both to the cloud"
agent owner build shop >/dev/null
agent owner sanitize shop >/dev/null
original=$(agent owner push shop 1 --cloud)
sanitized=$(agent owner push shop 0 --cloud)
agent owner cloud share "$sanitized" --org
agent owner snapshots shop

if [ -n "$NO_SERVE" ]; then
	stop
	cat <<MSG

The demo is set up in $DEMO (CLONIT_DEMO_NO_SERVE: no web UI, and the cloud is stopped).
Cloud snapshots: $original (the original, private) and $sanitized (sanitized, shared with the org).
MSG
	exit 0
fi

say "Starting the web UI as the owner"
# Started directly, not through agent(): $! must be clonit itself for stop() to reach it.
XDG_CONFIG_HOME="$DEMO/owner" "$BIN/clonit" serve --addr "$UI_ADDR" >"$DEMO/serve.log" 2>&1 &
ui_pid=$!
pids="$ui_pid $cloud_pid"
wait_for "http://$UI_ADDR/targets" "$DEMO/serve.log" "$ui_pid"

cat <<MSG

Clonit is running.

  Open http://$UI_ADDR/cloud/$ORG/snapshots

The web UI acts as the org's owner, $OWNER (password: $PASSWORD), through the
agent in $DEMO/owner. The org $ORG has a second member, $DEV (password:
$DEV_PASSWORD), whose agent is in $DEMO/dev. The cloud holds two snapshots of the
sample shop database: the original ($original, private to owners and admins)
and its sanitized copy ($sanitized, shared with the whole org).

Try the CLI as either of them from another terminal:
  XDG_CONFIG_HOME=$DEMO/dev bin/clonit cloud snapshots      (the developer sees the shared one)
  XDG_CONFIG_HOME=$DEMO/owner bin/clonit snapshots shop     (the owner's local snapshots)

Clonit Cloud: $CLOUD_URL (API $CLOUD_URL/api/v1/openapi.json; log $DEMO/cloud.log)
Press Ctrl-C to stop both servers.
MSG

wait "$ui_pid"
