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
#
# The search runs through a wrk script that asks for a different name at each
# request (the first two characters of the names on the list's first pages). On
# PostgreSQL a second process then serves the same database: half the
# connections to each, and the combined throughput.
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
SERVER2=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
    [ -n "$SERVER2" ] && kill "$SERVER2" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# Starts gongkai on database $1 at port $2; sets STARTED to its pid once it answers.
start() {
    local started
    GONGKAI_DATABASE_URL="$1" GONGKAI_LOG=warn "$BIN" serve --bind "127.0.0.1:$2" >"$WORK/serve-$2.log" 2>&1 &
    STARTED=$!
    started=$(date +%s)
    until curl -sf "http://127.0.0.1:$2/healthz" >/dev/null; do
        if [ $(($(date +%s) - started)) -gt 120 ]; then
            echo "gongkai did not start:" >&2
            cat "$WORK/serve-$2.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "== serving on port $2 after $(($(date +%s) - started)) s"
}

# Signs in as $1 with a cookie jar of its own; prints the Cookie header to send.
login() {
    local jar="$WORK/$1.jar" token
    token=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
    curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "username=$1" \
        --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$token" "$BASE/login"
    awk '$6 == "gongkai" { print "gongkai=" $7 }' "$jar"
}

# A wrk script that cycles through the paths in file $1.
cycle_script() {
    {
        echo "paths = {}"
        while read -r p; do echo "paths[#paths + 1] = \"$p\""; done <"$1"
        echo 'i = 0'
        echo 'request = function() i = i + 1; return wrk.format(nil, paths[i % #paths + 1]) end'
    } >"$WORK/cycle.lua"
    echo "$WORK/cycle.lua"
}

# Runs wrk with connections $1 against base $2 for path $4 as cookie $3 (a path
# starting with @ names a wrk script); prints "req/s p50 p99".
measure() {
    local out target="$4" script=()
    if [ "${target:0:1}" = "@" ]; then
        script=(-s "${target:1}")
        target=/
    fi
    out=$(wrk -t"$(( $1 > 1 ? 2 : 1 ))" -c"$1" -d"${SECONDS_PER_PAGE}s" --latency "${script[@]}" \
        -H "Cookie: $3" "$2$target")
    if grep -q "Non-2xx" <<<"$out"; then
        echo "$2$target: some answers were not 200" >&2
        grep "Non-2xx" <<<"$out" >&2
        exit 1
    fi
    echo "$(awk '/Requests\/sec/ { print $2 }' <<<"$out") $(awk '$1 == "50%" { print $2 }' <<<"$out") $(awk '$1 == "99%" { print $2 }' <<<"$out")"
}

# Runs wrk on one page as one user; prints a row of the table.
load() {
    local label="$1" cookie="$2" path="$3" first="$3"
    [ "${path:0:1}" = "@" ] && first=$(head -1 "$WORK/searches")
    # Every response must be the page itself, not a redirect to the login; the
    # first also fills what the process keeps.
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$BASE$first")
    if [ "$status" != "200" ]; then
        echo "$label: $first answered $status" >&2
        exit 1
    fi
    read -r rps p50 p99 <<<"$(measure "$CONNS" "$BASE" "$cookie" "$path")"
    printf '| %s | %s | %s | %s |\n' "$label" "$rps" "$p50" "$p99"
}

# The same page through two processes at once, half the connections each.
load_two() {
    local label="$1" cookie="$2" path="$3" a b
    curl -s -o /dev/null -H "Cookie: $cookie" "$BASE$path"
    curl -s -o /dev/null -H "Cookie: $cookie" "$BASE2$path"
    measure $((CONNS / 2)) "$BASE" "$cookie" "$path" >"$WORK/a" &
    local first=$!
    measure $((CONNS / 2)) "$BASE2" "$cookie" "$path" >"$WORK/b"
    wait "$first"
    read -r ra a50 a99 <"$WORK/a"
    read -r rb b50 b99 <"$WORK/b"
    printf '| %s | %s + %s = %s | %s / %s | %s / %s |\n' "$label" "$ra" "$rb" \
        "$(awk -v a="$ra" -v b="$rb" 'BEGIN { printf "%.0f", a + b }')" "$a50" "$b50" "$a99" "$b99"
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
    start "$URL" "$PORT"
    SERVER=$STARTED
    supervisor=$(login demo-supervisor)
    clerk=$(login demo-clerk)
    # A case of the city, and two-character searches: the first two characters of
    # the names of people (four characters at most; organisations' names are
    # longer) among the requesters on the list's first five pages.
    case_path=$(curl -s -H "Cookie: $supervisor" "$BASE/cases" | grep -o '/cases/[0-9]\+' | head -1)
    for page in 1 2 3 4 5; do
        curl -s -H "Cookie: $supervisor" "$BASE/cases?page=$page" | grep -A1 '<td><a href="/cases/' |
            grep -v '<td><a href' | sed -n 's/.*<td>\([^<]*\)<\/td>.*/\1/p'
    done | LC_ALL=C awk 'length($0) <= 12' | while read -r name; do
        # Chinese: 3 bytes a character; percent-encoded.
        printf '/cases?q=%s\n' "$(printf '%s' "$name" | head -c 6 | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')"
    done | sort -u >"$WORK/searches"
    search="@$(cycle_script "$WORK/searches")"
    echo "== $backend: $CASES cases, $CONNS connections, ${SECONDS_PER_PAGE} s a page ($(nproc) cores)"
    echo "| page | req/s | p50 | p99 |"
    echo "|---|---:|---:|---:|"
    load "/cases (supervisor)" "$supervisor" "/cases"
    load "/dashboard (supervisor)" "$supervisor" "/dashboard"
    load "a case page (supervisor)" "$supervisor" "$case_path"
    load "/cases/mine (clerk)" "$clerk" "/cases/mine"
    load "/cases?q= two characters, $(wc -l <"$WORK/searches") names in turn (supervisor)" "$supervisor" "$search"
    # The city's name begins most organisations' names: a search held by half the cases.
    load "/cases?q=示范 (supervisor)" "$supervisor" "/cases?q=%E7%A4%BA%E8%8C%83"
    if [ "$backend" = postgres ]; then
        PORT2=$((PORT + 1))
        BASE2="http://127.0.0.1:$PORT2"
        start "$URL" "$PORT2"
        SERVER2=$STARTED
        echo "== $backend: two processes, $((CONNS / 2)) connections each"
        echo "| page | req/s (first + second = both) | p50 | p99 |"
        echo "|---|---:|---:|---:|"
        load_two "/cases (supervisor)" "$supervisor" "/cases"
        load_two "/dashboard (supervisor)" "$supervisor" "/dashboard"
        load_two "a case page (supervisor)" "$supervisor" "$case_path"
        load_two "/cases/mine (clerk)" "$clerk" "/cases/mine"
        kill "$SERVER2"
        wait "$SERVER2" 2>/dev/null || true
    fi
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
    if [ "$backend" = postgres ]; then
        psql "$PG" -qc "DROP DATABASE IF EXISTS gongkai_load" >/dev/null
    fi
done
