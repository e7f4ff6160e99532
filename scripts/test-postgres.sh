#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the state backend's tests (docs/state.md).
#
#   eval "$(bash scripts/test-postgres.sh start)"   # installs if missing, prints `export RECONCILE_TEST_PG_URL=…`
#   bash scripts/test-postgres.sh stop              # stops it and removes its files
#
# The cluster lives in $RECONCILE_TEST_PG_DIR (default /tmp/reconcile-test-pg), listens on a free
# port of 127.0.0.1 only, takes TLS with a self-signed certificate (so sslmode=require can be
# tested), and has a role `reconcile` with a random password owning the database `reconcile_test`.
# The server refuses to run as root: as root it runs as the `postgres` user.
set -euo pipefail

dir="${RECONCILE_TEST_PG_DIR:-/tmp/reconcile-test-pg}"

say() { echo "test-postgres: $*" >&2; }

bindir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -z "$found" ] && command -v pg_config >/dev/null; then found=$(pg_config --bindir); fi
    echo "$found"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
        say "installing postgresql"
        if [ "$(id -u)" != 0 ]; then say "not root: install postgresql first"; exit 1; fi
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql openssl >&2
    fi
    local bin
    bin=$(bindir)
    if [ -f "$dir/url" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        echo "export RECONCILE_TEST_PG_URL='$(cat "$dir/url")'"
        return
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    local port password
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner openssl req -new -x509 -days 2 -nodes -subj "/CN=reconcile-test-pg" \
        -keyout "$dir/data/server.key" -out "$dir/data/server.crt" >/dev/null 2>&1
    as_owner chmod 600 "$dir/data/server.key"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c ssl=on -c fsync=on" \
        >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE ROLE reconcile LOGIN PASSWORD '$password'" \
        -c "CREATE DATABASE reconcile_test OWNER reconcile" >&2
    local url="postgres://reconcile:$password@127.0.0.1:$port/reconcile_test?sslmode=disable"
    echo "$url" >"$dir/url"
    say "PostgreSQL on 127.0.0.1:$port (data in $dir)"
    echo "export RECONCILE_TEST_PG_URL='$url'"
}

stop() {
    local bin
    bin=$(bindir)
    if [ -n "$bin" ] && [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
