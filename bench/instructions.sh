#!/usr/bin/env bash
# Instructions per request: the clinic board's cost in user-space machine
# instructions, counted by valgrind's callgrind. Unlike req/s or CPU time,
# the count hardly moves with what else the machine does, so two builds can
# be compared on a busy machine, a step at a time.
#
# Seeds the board's data (`voimavara seed-bench`, as side-by-side.sh does),
# starts each binary under callgrind on its own copy of that data (so no
# build finds work a build before it did, such as mail already sent),
# sends 50 requests to warm it, zeroes
# the counters, sends N more (four clients at a time), and prints the
# instructions per request of the whole server process (the database
# server's own are not counted). With KEEP=dir the profile of each binary is
# kept there for `callgrind_annotate`.
#
# Usage: bench/instructions.sh [binary ...]   (default target/release/voimavara)
# Env: QUERY (full | equiv | me; full), N (200), DATABASE (postgres | sqlite;
#   postgres), PG_URL (postgres://postgres@127.0.0.1:5432), PORT (5697), KEEP.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- target/release/voimavara
QUERY=${QUERY:-full} N=${N:-200} DATABASE=${DATABASE:-postgres}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432} PORT=${PORT:-5697}
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export VOIMAVARA_JWT_SECRET="instructions secret, not for production: 0123456789abcdef"

SEEDED=vv_instructions_$PORT
# A fresh copy of the seeded data for each binary; sets URL.
fresh_copy() {
  case "$DATABASE" in
    postgres)
      psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS ${SEEDED}_run WITH (FORCE)" >/dev/null
      psql "$PG_URL/postgres" -qc "CREATE DATABASE ${SEEDED}_run TEMPLATE $SEEDED" >/dev/null
      URL="$PG_URL/${SEEDED}_run" ;;
    sqlite)
      rm -f "$WORK/run.db"*
      cp "$WORK/board.db" "$WORK/run.db"
      for side in wal shm; do [ ! -e "$WORK/board.db-$side" ] || cp "$WORK/board.db-$side" "$WORK/run.db-$side"; done
      URL="sqlite://$WORK/run.db?mode=rwc" ;;
  esac
}
case "$DATABASE" in
  postgres)
    URL="$PG_URL/$SEEDED"
    psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $SEEDED WITH (FORCE)" >/dev/null
    psql "$PG_URL/postgres" -qc "CREATE DATABASE $SEEDED" >/dev/null ;;
  sqlite) URL="sqlite://$WORK/board.db?mode=rwc" ;;
  *) echo "DATABASE is postgres or sqlite" >&2; exit 2 ;;
esac
"$1" seed-bench --database-url "$URL" --tokens 4 --out "$WORK/seed.json" >"$WORK/seed.log" 2>&1

python3 - "$WORK" "$QUERY" <<'PY'
import json, sys
work, name = sys.argv[1:3]
queries = {
    "equiv": "{ clinics(first: 20) { edges { node { title startsAt capacity facilitator { displayName } skills { name } seatsTaken } } } }",
    "full": "{ clinics(first: 20) { edges { node { id title startsAt endsAt seatsLeft waitlistLength "
            "facilitator { id displayName } skills { id name } myRegistration { id status waitlistPosition } } } "
            "pageInfo { hasNextPage endCursor } } }",
    "me": "{ me { id } }",
}
open(f"{work}/body.json", "w").write(json.dumps({"query": queries[name]}))
open(f"{work}/token", "w").write(json.load(open(f"{work}/seed.json"))["learners"][0]["token"])
PY

send() {
  python3 - "$1" "$WORK" "$PORT" <<'PY'
import http.client, sys, concurrent.futures
n, work, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
body, token = open(f"{work}/body.json").read(), open(f"{work}/token").read()
def client(count):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(count):
        c.request("POST", "/graphql", body, {"Content-Type": "application/json", "Authorization": "Bearer " + token})
        r = c.getresponse(); data = r.read()
        if r.status != 200 or b'"errors"' in data:
            sys.exit(f"unclean response: {r.status} {data[:300]!r}")
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    list(pool.map(client, [n // 4] * 4))
PY
}

for bin in "$@"; do
  out="$WORK/callgrind.out"
  rm -f "$out"*
  fresh_copy
  RUST_LOG=warn valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$bin" serve --database-url "$URL" --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
  vg=$!
  for _ in $(seq 600); do curl -fs "127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  send 48
  callgrind_control -z "$vg" >/dev/null 2>&1
  send "$N"
  callgrind_control -d "$vg" >/dev/null 2>&1
  for _ in $(seq 100); do [ -s "$out.1" ] && grep -q '^totals:' "$out.1" && break; sleep 0.1; done
  total=$(awk '/^totals:/ {print $2}' "$out.1")
  kill "$vg"; wait "$vg" 2>/dev/null || true
  [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$out.1" "$KEEP/$(basename "$(dirname "$bin")")-$(basename "$bin")-$QUERY-$DATABASE.out"
  echo "$bin $QUERY $DATABASE: $((total / N / 1000)) thousand instructions per request"
done
