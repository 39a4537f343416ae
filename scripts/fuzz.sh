#!/bin/sh
# fuzz.sh — run the libFuzzer targets.
#   scripts/fuzz.sh BIN...     each for FUZZ_SECONDS (default 60) seconds
#   scripts/fuzz.sh --brief    build every target, run each for a few seconds
#                              on its seed corpus, print TAP (used by make check)
# Seeds come from fuzz/seeds.sh TARGET (toml-test cases and our own files);
# crashes are kept in build-fuzz/crash-*.
set -u
secs=${FUZZ_SECONDS:-60}
brief=0
if [ "${1:-}" = "--brief" ]; then
	brief=1
	secs=${FUZZ_BRIEF_SECONDS:-5}
	make -s fuzz-build >/dev/null || { echo "not ok 1 - fuzz targets build"; exit 1; }
	set -- build-fuzz/fuzz_*
	[ -e "$1" ] || exit 0
fi
n=0
for bin in "$@"; do
	# only the target binaries: not their logs, corpora or crash files
	case $(basename "$bin") in *.*) continue ;; esac
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	n=$((n + 1))
	name=$(basename "$bin")
	corpus="build-fuzz/corpus-$name"
	mkdir -p "$corpus"
	[ -x "fuzz/seeds.sh" ] && fuzz/seeds.sh "$name" "$corpus"
	if "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$PWD/build-fuzz/crash-" "$corpus" >"build-fuzz/$name.log" 2>&1; then
		echo "ok $n - $name ran ${secs}s without a finding"
	else
		echo "not ok $n - $name: see build-fuzz/$name.log"
		tail -n 30 "build-fuzz/$name.log"
	fi
done
