#!/bin/sh
# digest.sh — `ruru show --digest` (the bounded text digest, 8,000 bytes)
# and `ruru --json show --digest` on sessions of 10,000 and 100,000
# delegations, none answered, so every entry is an open item (figures,
# nothing asserted): whole-process median time and median peak memory
# (/usr/bin/time -v, "Maximum resident set size").  Linear work gives a
# ratio near 10; the digest once shrank its open items a line at a time
# re-measuring every line, which made the ratio near 100 (64 s for
# 100,000).
set -eu
. bench/common.sh
runs=${BENCH_RUNS:-10}
mem_runs=${BENCH_MEM_RUNS:-5}

mkdir -p "$out/ws/.ruru"
python3 bench/gen_sessions.py "$out/ws" --entries 10000
python3 bench/gen_sessions.py "$out/ws" --entries 100000
for form in text json; do
	j=""
	[ "$form" = json ] && j=--json
	echo "== ruru ${j:+$j }show --digest: 10,000 vs 100,000 open delegations (hyperfine, $runs runs each, medians)"
	hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$out/$form.json" \
		"$RURU --root $out/ws -s SESSION-N10000 $j show --digest" \
		"$RURU --root $out/ws -s SESSION-N100000 $j show --digest" >/dev/null
	for n in 10000 100000; do
		peak_kb "$mem_runs" "$RURU" --root "$out/ws" -s "SESSION-N$n" $j show --digest >"$out/rss-$form-$n"
	done
	python3 - "$out/$form.json" "$out/rss-$form-10000" "$out/rss-$form-100000" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
small, big = r[0]["median"] * 1e3, r[1]["median"] * 1e3
rss = [statistics.median(int(x) for x in open(f).read().split()) / 1024 for f in sys.argv[2:4]]
print(f"   10,000 entries:  {small:8.1f} ms median, {rss[0]:6.1f} MB peak")
print(f"   100,000 entries: {big:8.1f} ms median, {rss[1]:6.1f} MB peak")
print(f"   100,000 vs 10,000: x{big / small:.1f} time (linear: about x10), x{rss[1] / rss[0]:.1f} memory")
PY
done

# `ruru summarize` on sessions of 2,000 and 10,000 open delegations: each
# open item is an element of two arrays of the SESSUM front matter.  Linear
# work gives a ratio near 5.  The summary once added its elements one edit
# at a time, each re-parsing and re-checking the whole document: 2,000 took
# 2.4 s, 10,000 took 104 s (ratio near 40).
sizes=${BENCH_SUMMARIZE_SIZES:-2000 10000}
set -- $sizes
for n in "$@"; do
	python3 bench/gen_sessions.py "$out/ws" --entries "$n"
done
echo "== ruru summarize: $(echo "$sizes" | sed 's/ / vs /g') open delegations (hyperfine, $runs runs each, medians)"
for n in "$@"; do
	hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$out/sum-$n.json" \
		"$RURU --root $out/ws -s SESSION-N$n summarize" >/dev/null
	python3 - "$out/sum-$n.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"   {int(sys.argv[2]):,} open items: {r['median'] * 1e3:8.1f} ms median")
PY
done
