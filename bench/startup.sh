#!/bin/sh
# startup.sh — what one command costs, each figure beside its comparison in
# the same run (hyperfine medians; nothing asserted):
#   1. `ruru version` against an empty C program (target: at most 1.5x);
#   2. `ruru log` on a fresh workspace against the durable-append floor,
#      bench/floor.c (open with O_APPEND, write, fsync), both started
#      through the same `sh -c` (target: at most 1.5x);
#   3. the system calls of one `ruru log` (strace -f -c; target: at most 60).
set -eu
. bench/common.sh
CC=${CC:-cc}
runs=${BENCH_RUNS:-30}

printf 'int main(void) { return 0; }\n' >"$out/empty.c"
$CC -O2 -o "$out/empty" "$out/empty.c"
$CC -O2 -o "$out/floor" bench/floor.c

# A fresh workspace with one session; the floor appends to a copy of its log.
mkdir -p "$out/ws"
(cd "$out/ws" && RURU_NOW=2026-11-24T03:15:20Z "$RURU" init >/dev/null 2>&1 &&
	RURU_NOW=2026-11-24T03:15:20Z "$RURU" new "Bench" >/dev/null)
cp "$out/ws"/.ruru/sessions/*/session_log.md "$out/floor.md"

median() { # JSON FILE, result index: median in ms
	python3 -c 'import json,sys; print("%.3f" % (json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"] * 1e3))' "$1" "$2"
}
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

echo "== ruru version vs an empty C program (hyperfine -N, $runs runs each, medians)"
hyperfine -N --style none --warmup 5 --runs "$runs" --export-json "$out/version.json" \
	"$RURU version" "$out/empty" >/dev/null
v=$(median "$out/version.json" 0)
e=$(median "$out/version.json" 1)
echo "   ruru version $v ms, empty program $e ms: $(ratio "$v" "$e")x  (target <= 1.5)"

echo "== ruru log vs the durable-append floor (sh -c each, $runs runs each, medians)"
hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$out/log.json" \
	"sh -c '$RURU --root $out/ws log bench-entry >/dev/null'" \
	"sh -c '$out/floor $out/floor.md'" >/dev/null
l=$(median "$out/log.json" 0)
f=$(median "$out/log.json" 1)
echo "   ruru log $l ms, floor $f ms: $(ratio "$l" "$f")x  (target <= 1.5)"

echo "== system calls of one ruru log (fresh workspace)"
if command -v strace >/dev/null 2>&1; then
	(cd "$out/ws" && strace -f -c -o "$out/strace.txt" "$RURU" log bench-entry >/dev/null)
	# "% time  seconds  usecs/call  calls  [errors]  total": calls is the 4th
	calls=$(awk '/ total$/ { print $4 }' "$out/strace.txt")
	echo "   $calls system calls  (target <= 60)"
else
	echo "   strace not installed (scripts/deps.sh bench)"
fi
