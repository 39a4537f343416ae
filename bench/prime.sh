#!/bin/sh
# prime.sh — `ruru prime` on a session of 100,000 entries (figures, nothing
# asserted): whole-process median time (target: under 5 ms) and median peak
# memory (/usr/bin/time -v, "Maximum resident set size") against a session
# of 10 entries, the big log's own size beside it (prime maps the log, so
# the log's bytes count in its peak), and the digest's size (at most 2,000
# bytes).  The big log is bench/gen_sessions.py's SESSION-Big: 100,000
# delegations, none answered, so every entry is an open item: prime's worst
# case.
set -eu
. bench/common.sh
runs=${BENCH_RUNS:-30}
mem_runs=${BENCH_MEM_RUNS:-9}

echo "== ruru prime: 10 vs 100,000 entries (hyperfine, $runs runs each, medians)"
mkdir -p "$out/ws/.ruru"
python3 bench/gen_sessions.py "$out/ws"
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$out/prime.json" \
	"$RURU --root $out/ws -s SESSION-Small prime" \
	"$RURU --root $out/ws -s SESSION-Big prime" >/dev/null
bytes=$("$RURU" --root "$out/ws" -s SESSION-Big prime | wc -c)
log_bytes=$(wc -c <"$out/ws/.ruru/sessions/SESSION-Big/session_log.md")
# peak memory: the median of $mem_runs runs of each
for s in Small Big; do
	peak_kb "$mem_runs" "$RURU" --root "$out/ws" -s "SESSION-$s" prime >"$out/rss-$s"
done
python3 - "$out/prime.json" "$bytes" "$out/rss-Small" "$out/rss-Big" "$log_bytes" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
small, big = r[0]["median"] * 1e3, r[1]["median"] * 1e3
rss = [statistics.median(int(x) for x in open(f).read().split()) / 1024 for f in sys.argv[3:5]]
log = int(sys.argv[5]) / 1048576
print(f"   10 entries:      {small:7.3f} ms median, {rss[0]:6.1f} MB peak")
print(f"   100,000 entries: {big:7.3f} ms median, {rss[1]:6.1f} MB peak  (target < 5 ms)")
print(f"   100,000 vs 10:   x{big / small:.1f} time, +{rss[1] - rss[0]:.1f} MB "
      f"(the log itself is {log:.1f} MB, mapped; {rss[1] - rss[0] - log:.1f} MB beyond it)")
print(f"   digest: {sys.argv[2]} bytes (bound 2,000)")
PY
