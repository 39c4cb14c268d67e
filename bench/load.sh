#!/usr/bin/env bash
# Load on the busiest pages (issue 11): seeds a demo office with `gongkai demo-data`, starts
# the release binary on it, signs in as the demo office's supervisor and a clerk with curl,
# and runs wrk against the case list, the dashboard, a case page, "my cases" and a
# two-character name search; prints requests per second and p50/p99 per page. SQLite, then
# PostgreSQL (GONGKAI_TEST_POSTGRES_URL, the tests' server by default).
#
#   bench/load.sh                  # both backends, 100,000 cases, 50 connections, 10 s a page
#   bench/load.sh sqlite           # one backend
#   GONGKAI_LOAD_CASES=20000 GONGKAI_LOAD_CONNECTIONS=20 bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CASES="${GONGKAI_LOAD_CASES:-100000}"
CONNS="${GONGKAI_LOAD_CONNECTIONS:-50}"
SECONDS_PER_PAGE="${GONGKAI_LOAD_SECONDS:-10}"
PG="${GONGKAI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PASSWORD=plum-harbor-2718
PORT=18089
BASE="http://127.0.0.1:$PORT"
if [ $# -gt 0 ]; then BACKENDS=("$@"); else BACKENDS=(sqlite postgres); fi

if ! command -v wrk >/dev/null 2>&1; then
    echo "== installing wrk"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
cargo build --release --quiet
BIN="$PWD/target/release/gongkai"
WORK="$(mktemp -d)"
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# Signs in as $1 with a cookie jar of its own; prints the Cookie header to send.
login() {
    local jar="$WORK/$1.jar" token
    token=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
    curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "username=$1" \
        --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$token" "$BASE/login"
    awk '$6 == "gongkai" { print "gongkai=" $7 }' "$jar"
}

# Runs wrk on one page as one user; prints a row of the table.
load() {
    local label="$1" cookie="$2" path="$3" out rps p50 p99
    # Every response must be the page itself, not a redirect to the login.
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$BASE$path")
    if [ "$status" != "200" ]; then
        echo "$label: $path answered $status" >&2
        exit 1
    fi
    out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_PER_PAGE}s" --latency -H "Cookie: $cookie" "$BASE$path")
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    printf '| %s | %s | %s | %s |\n' "$label" "$rps" "$p50" "$p99"
}

for backend in "${BACKENDS[@]}"; do
    case "$backend" in
        sqlite) URL="sqlite://$WORK/load.db" ;;
        postgres)
            ADMIN_URL="$PG"
            psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS gongkai_load" -c "CREATE DATABASE gongkai_load" >/dev/null
            URL="${PG%/*}/gongkai_load"
            ;;
        *) echo "unknown backend $backend (sqlite or postgres)" >&2; exit 2 ;;
    esac
    echo "== $backend: seeding $CASES demo cases"
    "$BIN" --database-url "$URL" demo-data --cases "$CASES" --force | head -1
    GONGKAI_DATABASE_URL="$URL" GONGKAI_LOG=warn "$BIN" serve --bind "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
    SERVER=$!
    # Up to two minutes: at start gongkai refreshes the deadlines of every stopped clock.
    started=$(date +%s)
    until curl -sf "$BASE/healthz" >/dev/null; do
        if [ $(($(date +%s) - started)) -gt 120 ]; then
            echo "gongkai did not start:" >&2
            cat "$WORK/serve.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "== $backend: serving after $(($(date +%s) - started)) s"
    supervisor=$(login demo-supervisor)
    clerk=$(login demo-clerk)
    # A case of the city and a two-character name to search for, from the list itself.
    case_path=$(curl -s -H "Cookie: $supervisor" "$BASE/cases" | grep -o '/cases/[0-9]\+' | head -1)
    name=$(curl -s -H "Cookie: $supervisor" "$BASE/cases" | grep -A1 '<td><a href="/cases/' |
        sed -n 2p | sed 's/.*<td>\([^<]*\)<\/td>.*/\1/')
    # The first two characters of a requester's name (Chinese: 3 bytes each), percent-encoded.
    query=$(printf '%s' "$name" | head -c 6 | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')
    echo "== $backend: $CASES cases, $CONNS connections, ${SECONDS_PER_PAGE} s a page ($(nproc) cores)"
    echo "| page | req/s | p50 | p99 |"
    echo "|---|---:|---:|---:|"
    load "/cases (supervisor)" "$supervisor" "/cases"
    load "/dashboard (supervisor)" "$supervisor" "/dashboard"
    load "a case page (supervisor)" "$supervisor" "$case_path"
    load "/cases/mine (clerk)" "$clerk" "/cases/mine"
    load "/cases?q=2 characters (supervisor)" "$supervisor" "/cases?q=$query"
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
    if [ "$backend" = postgres ]; then
        psql "$PG" -qc "DROP DATABASE IF EXISTS gongkai_load" >/dev/null
    fi
done
