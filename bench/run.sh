#!/bin/sh
# run.sh — `make bench`: run every bench/*.sh (each prints its own figures
# and ratios).  Add a benchmark by dropping an executable bench/NAME.sh here.
set -eu
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
status=0
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	[ -x "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	"$b" || status=1
done
exit $status
