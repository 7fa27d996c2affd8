#!/usr/bin/env bash
# Load test on realistic data, on SQLite and on PostgreSQL.
#
# Builds the release binary, seeds a large organisation (`voimavara
# seed-bench`), starts the server, and drives each operation of a fixed mix
# with wrk at 64 connections for 20 seconds: GET /healthz (this machine's
# HTTP ceiling), the clinic board, `me` with my registrations,
# `mentorSuggestions`, register/cancel pairs, and the admin's presence report
# over the past year. Prints requests per second,
# p50/p99 latency, the ratio to the ceiling, unclean responses (non-200 or an
# `errors` array) and the server's peak resident memory, then checks that no
# clinic was overbooked.
#
# Settings (environment): BENCH_DATABASES ("sqlite postgres"), BENCH_DURATION
# (20s), BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_PG_URL
# (postgres://postgres@127.0.0.1:5432), BENCH_REPORT_CONNECTIONS (2, for the
# presence report over a year), BENCH_SCENARIOS (all), BENCH_SEED_ARGS (extra seed-bench
# arguments, e.g. "--members 500 --clinics 100"), BENCH_PERF (a scenario to
# profile with `perf record -g` while it runs; the report, by thread and by
# function, is written to target/bench-perf/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DATABASES=${BENCH_DATABASES:-"sqlite postgres"}
DURATION=${BENCH_DURATION:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
PG_URL=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
SCENARIOS=${BENCH_SCENARIOS:-"healthz board me suggestions register_cancel presence_report"}

if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

if [ -n "${BENCH_PERF:-}" ] && ! command -v perf >/dev/null; then
  echo "BENCH_PERF needs perf (linux-perf)" >&2
  exit 2
fi

cargo build --release --locked --bin voimavara
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/voimavara"

WORK=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS voimavara_bench WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for db in $DATABASES; do
  case "$db" in
    sqlite)
      URL="sqlite://$WORK/bench.db"
      unset VOIMAVARA_JWT_SECRET
      ;;
    postgres)
      psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS voimavara_bench WITH (FORCE)" >/dev/null
      psql "$PG_URL/postgres" -qc "CREATE DATABASE voimavara_bench" >/dev/null
      URL="$PG_URL/voimavara_bench"
      export VOIMAVARA_JWT_SECRET="bench secret, not for production: 0123456789abcdef"
      ;;
    *) echo "unknown database $db" >&2; exit 2 ;;
  esac

  echo "== $db: seeding" >&2
  # shellcheck disable=SC2086
  "$BIN" seed-bench --database-url "$URL" --tokens 256 --out "$WORK/seed.json" ${BENCH_SEED_ARGS:-}
  python3 - "$WORK/seed.json" >"$WORK/data.lua" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = lambda s: json.dumps(s)
print("return {")
print(f"  admin = {{ id = {q(d['admin']['id'])}, token = {q(d['admin']['token'])} }},")
print("  learners = {" + ",".join(f"{{ id = {q(l['id'])}, token = {q(l['token'])} }}" for l in d["learners"]) + "},")
print("  clinics = {" + ",".join(q(c) for c in d["clinics"]) + "},")
print("  requests = {" + ",".join(q(r) for r in d["requests"]) + "},")
print("}")
PY

  PORT=$(free_port)
  RUST_LOG=warn "$BIN" serve --database-url "$URL" --bind "127.0.0.1:$PORT" >"$WORK/server-$db.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server-$db.log" >&2; exit 1; }
    sleep 0.1
  done

  for scenario in $SCENARIOS; do
    path=/graphql
    [ "$scenario" = healthz ] && path=/healthz
    # A report is an admin's page, not a crowd's: a few at once.
    conns=$CONNECTIONS
    [ "$scenario" = presence_report ] && conns=${BENCH_REPORT_CONNECTIONS:-2}
    echo "== $db: $scenario ($conns connections, $DURATION)" >&2
    PERF=""
    if [ "${BENCH_PERF:-}" = "$scenario" ]; then
      mkdir -p "$ROOT/target/bench-perf"
      perf record -F 999 -g -p "$SERVER" -o "$WORK/perf.data" 2>/dev/null &
      PERF=$!
    fi
    line=$(BENCH_DATA="$WORK/data.lua" BENCH_DIR="$ROOT/bench/wrk" BENCH_THREADS="$THREADS" \
      wrk -t"$THREADS" -c"$conns" -d"$DURATION" --timeout 5s \
      -s "$ROOT/bench/wrk/$scenario.lua" "http://127.0.0.1:$PORT$path" | grep '^RESULT ' | cut -c8-)
    if [ -n "$PERF" ]; then
      kill -INT "$PERF"; wait "$PERF" 2>/dev/null || true
      report="$ROOT/target/bench-perf/$db-$scenario.txt"
      { perf report -i "$WORK/perf.data" --no-children --sort comm --stdio -g none
        perf report -i "$WORK/perf.data" --no-children --sort dso,symbol --stdio -g none
      } 2>/dev/null | grep -v '^#' | sed -e 's/[[:space:]-]*$//' | grep -v '^$' | head -80 >"$report" || true
      echo "== $db: $scenario profile written to $report" >&2
    fi
    echo "{\"database\":\"$db\",\"scenario\":\"$scenario\",\"result\":$line}" >>"$RESULTS"
  done

  rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""

  # No clinic overbooked, counts consistent, nobody waiting beside a free seat.
  CHECK="SELECT COUNT(*) FROM seat_pools p WHERE p.capacity IS NOT NULL AND (
      p.confirmed_count > p.capacity
      OR p.confirmed_count <> (SELECT COUNT(*) FROM seats s WHERE s.pool_id = p.id AND s.status = 'CONFIRMED')
      OR (p.confirmed_count < p.capacity AND EXISTS
          (SELECT 1 FROM seats s WHERE s.pool_id = p.id AND s.status = 'WAITLISTED')))"
  if [ "$db" = sqlite ]; then
    violations=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$WORK/bench.db" "$CHECK")
  else
    violations=$(psql "$URL" -tAc "$CHECK")
  fi
  echo "{\"database\":\"$db\",\"rss_kb\":$rss_kb,\"seat_violations\":$violations}" >>"$RESULTS"
done

python3 - "$RESULTS" <<'PY'
import json, sys, os
rows = [json.loads(l) for l in open(sys.argv[1])]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"\nMachine: {os.cpu_count()} cores ({cpu}); load generator wrk on the same cores.")
print("| database | operation | req/s | p50 ms | p99 ms | of ceiling | unclean |")
print("|---|---|---:|---:|---:|---:|---:|")
ceiling = {r["database"]: r["result"]["rps"] for r in rows if r.get("scenario") == "healthz"}
for r in rows:
    if "scenario" not in r:
        continue
    res = r["result"]
    ratio = res["rps"] / ceiling[r["database"]] if ceiling.get(r["database"]) else 0
    print(f"| {r['database']} | {r['scenario']} | {res['rps']:,.0f} | {res['p50_ms']:.2f} | {res['p99_ms']:.2f} | {ratio:.0%} | {res['failed']} |")
for r in rows:
    if "rss_kb" in r:
        print(f"{r['database']}: peak resident memory {r['rss_kb']/1024:.1f} MiB; seat-rule violations after the run: {r['seat_violations']}")
bad = sum(r["result"]["failed"] for r in rows if "result" in r) + sum(r.get("seat_violations", 0) for r in rows)
sys.exit(1 if bad else 0)
PY
