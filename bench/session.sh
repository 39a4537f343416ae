#!/bin/sh
# session.sh — session benchmarks (figures and ratios; nothing asserted):
#   1. whole-process time of `ruru log` on a session with 10 entries and on
#      one with 100,000 entries, and their ratio (target: at most 1.2);
#   2. `ruru list` over 10,000 sessions: median time (target 100 ms) and peak
#      memory (target 16 MB);
#   3. instruction counts of one `ruru log` on each session (callgrind),
#      stable even on a busy machine;
#   4. beside the `ruru log` figure: `ruru capture --hook claude` of one
#      prompt on each session, median and 99th percentile (target: p99 at
#      most 200 ms on the 100,000-entry log).
set -eu
. bench/common.sh
runs=${BENCH_RUNS:-30}

echo "== ruru log: 10 vs 100,000 entries (hyperfine, $runs runs each, medians)"
mkdir -p "$out/ws/.ruru"
python3 bench/gen_sessions.py "$out/ws"
ls -la "$out/ws/.ruru/sessions/SESSION-Big/session_log.md" | awk '{printf "   big log: %.1f MB\n", $5/1048576}'
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$out/log.json" \
	"$RURU --root $out/ws -s SESSION-Small log bench-entry" \
	"$RURU --root $out/ws -s SESSION-Big log bench-entry" >/dev/null
python3 - "$out/log.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
small, big = r[0]["median"] * 1e3, r[1]["median"] * 1e3
print(f"   10 entries:      {small:7.3f} ms median")
print(f"   100,000 entries: {big:7.3f} ms median")
print(f"   ratio big/small: {big / small:.3f}  (target <= 1.2)")
PY

echo "== ruru capture --hook claude: one prompt each, on 10 and on 100,000 entries ($((runs * 10)) runs each)"
python3 - "$RURU" "$out/ws" "$((runs * 10))" <<'PY'
import json, subprocess, sys, time
ruru, ws, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for s in ("Small", "Big"):
    times = []
    for i in range(n):
        # a different prompt each time: nothing is skipped as logged already
        payload = json.dumps({"hook_event_name": "UserPromptSubmit", "session_id": "bench",
                              "prompt": f"bench prompt {s} {i}"})
        t = time.perf_counter()
        p = subprocess.run([ruru, "--root", ws, "-s", f"SESSION-{s}", "capture", "--hook", "claude"],
                           input=payload.encode(), capture_output=True)
        times.append((time.perf_counter() - t) * 1e3)
        if p.returncode or p.stdout or p.stderr:
            sys.exit(f"capture failed: {p.returncode} {p.stdout!r} {p.stderr!r}")
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    label = "10 entries:     " if s == "Small" else "100,000 entries:"
    print(f"   {label} median {times[len(times) // 2]:7.3f} ms, p99 {p99:7.3f} ms (target p99 <= 200 ms)")
PY

if command -v valgrind >/dev/null 2>&1; then
	echo "== instructions of one ruru log (callgrind)"
	for s in Small Big; do
		valgrind --tool=callgrind --callgrind-out-file="$out/cg.$s" "$RURU" --root "$out/ws" -s "SESSION-$s" log cg >/dev/null 2>"$out/cg.$s.err"
		printf '   %-6s %s instructions\n' "$s" "$(grep -oE 'Collected : [0-9]+' "$out/cg.$s.err" | grep -oE '[0-9]+')"
	done
fi

echo "== ruru list over 10,000 sessions"
mkdir -p "$out/many/.ruru"
python3 bench/gen_sessions.py "$out/many" --many 10000
hyperfine -N --style none --warmup 2 --runs 15 --export-json "$out/list.json" \
	"$RURU --root $out/many list" >/dev/null
/usr/bin/time -v "$RURU" --root "$out/many" list 2>"$out/time.txt" >/dev/null
python3 - "$out/list.json" "$out/time.txt" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))["results"][0]
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[2]).read()).group(1))
print(f"   median {r['median'] * 1e3:.1f} ms (target <= 100 ms), peak memory {rss / 1024:.1f} MB (target <= 16 MB)")
PY
