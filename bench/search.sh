#!/bin/sh
# search.sh — `ruru search` and the index: figures and ratios,
# nothing asserted.  On a generated workspace of 10,000 sessions x 100
# entries + 5,000 artifacts (cached under $BUILD/bench-search/, made once):
#   1. first build of the index: MB/s of logs indexed;
#   2. warm search for a rare and a common word: whole-process median (and
#      CPU time), and the ratio to ripgrep (`rg -iw WORD`) over the same
#      session folders (targets: <= 20 ms, ratio <= 0.25);
#   3. search right after one `ruru log` (the incremental update included;
#      target <= 25 ms), and its ratio to rg's rare-word search;
#   4. index size / logs size;
#   5. `ruru list` over 100,000 sessions with a fresh index: median and
#      peak memory (targets: <= 150 ms, <= 32 MB).
# Sizes: BENCH_SEARCH_SESSIONS, BENCH_SEARCH_ENTRIES, BENCH_SEARCH_ARTIFACTS,
# BENCH_LIST_SESSIONS; BENCH_RUNS runs per timing (default 15).
set -eu
BUILD=${BUILD:-build}
RURU="$PWD/$BUILD/ruru"
cache="$PWD/$BUILD/bench-search"
runs=${BENCH_RUNS:-15}
S=${BENCH_SEARCH_SESSIONS:-10000}
E=${BENCH_SEARCH_ENTRIES:-100}
A=${BENCH_SEARCH_ARTIFACTS:-5000}
L=${BENCH_LIST_SESSIONS:-100000}
out=$(mktemp -d "${TMPDIR:-/tmp}/ruru-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
command -v rg >/dev/null || { echo "   rg (ripgrep) missing: scripts/deps.sh bench"; exit 1; }

ws="$cache/ws-$S-$E-$A"
if [ ! -e "$ws/.done" ]; then
	echo "   generating $S sessions x $E entries + $A artifacts in $ws (once)"
	rm -rf "$ws"
	mkdir -p "$ws/.ruru"
	python3 bench/gen_search.py "$ws" "$S" "$E" "$A"
	touch "$ws/.done"
fi
logs=$(find "$ws/.ruru/sessions" -name session_log.md -printf '%s\n' | awk '{s += $1} END {print s}')

echo "== first build of the index ($S sessions, $((S * E)) entries, $A artifacts)"
rm -f "$ws"/.ruru/index.sqlite3*
/usr/bin/time -f '%e %U %S %M' -o "$out/build.t" "$RURU" --root "$ws" reindex
python3 - "$out/build.t" "$logs" <<'PY'
import sys
secs, user, sys_, kb = open(sys.argv[1]).read().split()[-4:]
mb = int(sys.argv[2]) / 1e6
cpu = max(float(user) + float(sys_), 0.01)   # /usr/bin/time's resolution: small runs
secs = max(float(secs), 0.01)
print(f"   {mb:.1f} MB of logs in {float(secs):.1f} s: {mb / float(secs):.1f} MB/s "
      f"({mb / cpu:.1f} MB per CPU second), peak memory {int(kb) / 1024:.1f} MB")
PY
idx=$(stat -c %s "$ws/.ruru/index.sqlite3")
python3 -c "import sys; i, l = int(sys.argv[1]), int(sys.argv[2]); print(f'   index {i / 1e6:.1f} MB / logs {l / 1e6:.1f} MB = {i / l:.2f}')" "$idx" "$logs"

# Each figure: the median wall time (hyperfine) and the mean CPU time
# (user + system) per run, with its target; searches also with their ratio
# to rg over the same files.  On a shared machine the CPU time is the
# steadier figure; the targets are about wall time on an idle machine
# (the index walk runs in two threads, so wall can be below CPU).
fig() { # JSON [NAME] [RG-JSON]: "median X ms, CPU Y ms"
	python3 - "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
name = sys.argv[2] if len(sys.argv) > 2 else ""
i = 0
for k, x in enumerate(r):
    if name and name in x["command"]:
        i = k
x = r[i]
print(f"{x['median'] * 1e3:.1f} {(x['user'] + x['system']) * 1e3:.1f}")
PY
}

echo "== warm search vs rg over the same files (hyperfine, $runs runs: median wall, mean CPU)"
for w in xylophonic status; do
	hyperfine -N --style none --warmup 3 --runs "$runs" --output=null --export-json "$out/$w.json" \
		"$RURU --root $ws search $w" "rg -iw $w $ws/.ruru/sessions" >/dev/null
	python3 - "$out/$w.json" "$w" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ru, rg = r[0], r[1]
cpu = lambda x: (x["user"] + x["system"]) * 1e3
kind = "rare" if sys.argv[2] == "xylophonic" else "common"
print(f"   {kind:6} word: ruru {ru['median'] * 1e3:6.1f} ms wall, {cpu(ru):6.1f} ms CPU; "
      f"rg {rg['median'] * 1e3:6.1f} ms wall, {cpu(rg):6.1f} ms CPU; "
      f"ratio {ru['median'] / rg['median']:.3f} wall, {cpu(ru) / cpu(rg):.3f} CPU  "
      f"(targets <= 20 ms, ratio <= 0.25)")
PY
done

echo "== search right after one ruru log (incremental update included)"
sid=$(ls "$ws/.ruru/sessions" | head -n 1)
# The cached workspace is cut back to its size afterwards, so that the entries
# logged here do not pile up run after run (the rare word would stop being rare).
grown="$ws/.ruru/sessions/$sid/session_log.md"
size=$(stat -c %s "$grown")
hyperfine -N --style none --runs "$runs" --output=null --export-json "$out/after.json" \
	--prepare "$RURU --root $ws -s $sid log 'one more entry about xylophonic things'" \
	"$RURU --root $ws search xylophonic" >/dev/null
truncate -s "$size" "$grown"
"$RURU" --root "$ws" search xylophonic >/dev/null # the index back in step with the cut log
set -- $(fig "$out/after.json") $(fig "$out/xylophonic.json" "rg ")
python3 -c "import sys; m, c, rm, rc = map(float, sys.argv[1:]); print(f'   median {m:.1f} ms wall, {c:.1f} ms CPU; ratio to rg (rare word) {m / rm:.3f} wall, {c / rc:.3f} CPU  (target <= 25 ms)')" "$@"

echo "== ruru list over $L sessions with a fresh index"
lws="$cache/list-$L"
if [ ! -e "$lws/.done" ]; then
	echo "   generating $L sessions in $lws (once)"
	rm -rf "$lws"
	mkdir -p "$lws/.ruru"
	python3 bench/gen_search.py "$lws" "$L" 3 0
	touch "$lws/.done"
fi
"$RURU" --root "$lws" list >/dev/null # brings the index up to date
hyperfine -N --style none --warmup 2 --runs "$runs" --output=null --export-json "$out/list.json" \
	"$RURU --root $lws list" >/dev/null
/usr/bin/time -v "$RURU" --root "$lws" list 2>"$out/list.t" >/dev/null
set -- $(fig "$out/list.json")
python3 - "$out/list.t" "$@" <<'PY'
import re, sys
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[1]).read()).group(1))
m, c = float(sys.argv[2]), float(sys.argv[3])
print(f"   median {m:.1f} ms wall, {c:.1f} ms CPU (target <= 150 ms), "
      f"peak memory {rss / 1024:.1f} MB (target <= 32 MB)")
PY
