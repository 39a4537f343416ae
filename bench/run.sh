#!/bin/sh
# run.sh — `make bench`: run every bench/*.sh (each prints its own figures
# and ratios).  Add a benchmark by dropping an executable bench/NAME.sh here
# (bench/common.sh, not executable, is what they source, not one of them).
set -eu
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
status=0
failed=""
start=$(date +%s)
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	[ -x "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	t=$(date +%s)
	if ! "$b"; then
		status=1
		failed="$failed $(basename "$b" .sh)"
	fi
	echo "   ($(basename "$b" .sh): $(($(date +%s) - t)) s)"
done
echo "== bench total: $(($(date +%s) - start)) s${failed:+; FAILED:$failed}"
exit $status
