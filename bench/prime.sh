#!/bin/sh
# prime.sh — `ruru prime` on a session of 100,000 entries (figures, nothing
# asserted): whole-process median time (target: under 5 ms) against a
# session of 10 entries, and the digest's size (at most 2,000 bytes).  The
# big log is bench/gen_sessions.py's SESSION-Big: 100,000 delegations, none
# answered, so every entry is an open item: prime's worst case.
set -eu
BUILD=${BUILD:-build}
RURU="$PWD/$BUILD/ruru"
out=$(mktemp -d "${TMPDIR:-/tmp}/ruru-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
runs=${BENCH_RUNS:-30}

echo "== ruru prime: 10 vs 100,000 entries (hyperfine, $runs runs each, medians)"
mkdir -p "$out/ws/.ruru"
python3 bench/gen_sessions.py "$out/ws"
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$out/prime.json" \
	"$RURU --root $out/ws -s SESSION-Small prime" \
	"$RURU --root $out/ws -s SESSION-Big prime" >/dev/null
bytes=$("$RURU" --root "$out/ws" -s SESSION-Big prime | wc -c)
python3 - "$out/prime.json" "$bytes" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
small, big = r[0]["median"] * 1e3, r[1]["median"] * 1e3
print(f"   10 entries:      {small:7.3f} ms median")
print(f"   100,000 entries: {big:7.3f} ms median  (target < 5 ms)")
print(f"   digest: {sys.argv[2]} bytes (bound 2,000)")
PY
