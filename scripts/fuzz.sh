#!/bin/sh
# fuzz.sh — the libFuzzer targets, in two ways:
#   scripts/fuzz.sh --replay   (make check) build every target and replay its
#                              seeds and committed regression inputs, then a
#                              fixed number of mutations from a fixed seed
#                              (FUZZ_CHECK_RUNS, default 3000, a tenth for
#                              fuzz_mcp; -seed=1) in a
#                              fresh scratch corpus, without address
#                              randomisation: the same answer (and the same
#                              coverage, printed) every time.  Prints TAP.
#   scripts/fuzz.sh BIN...     (make fuzz) explore: each target for
#                              FUZZ_SECONDS (default 60) from a random seed,
#                              growing build-fuzz/corpus-TARGET across runs.
# Seeds come from fuzz/seeds.sh TARGET; regression inputs live in
# fuzz/regressions/TARGET/ (commit a finding there once it is fixed, and
# --replay keeps it fixed).  Crashes found by exploring are kept in
# build-fuzz/crash-*.
set -u
secs=${FUZZ_SECONDS:-60}
runs=${FUZZ_CHECK_RUNS:-3000}
replay=0
if [ "${1:-}" = "--replay" ] || [ "${1:-}" = "--brief" ]; then
	replay=1
	make -s -j"$(nproc 2>/dev/null || echo 2)" fuzz-build >/dev/null || { echo "not ok 1 - fuzz targets build"; exit 1; }
	set -- build-fuzz/fuzz_*
	[ -e "$1" ] || exit 0
fi
# Addresses differ from run to run (ASLR), and pointer comparisons put
# them into libFuzzer's table of recent compares, from which it mutates:
# the same seed then explores differently each time (fuzz_toml_edit's
# coverage after 3000 runs was 990 or 1009, fuzz_merge's 1265 or 1268).
# So replays run with address randomisation off (setarch -R), or, where
# that is not allowed, without the compare table (-use_cmp=0).
norand=""
nocmp=""
if [ "$replay" = 1 ]; then
	if setarch "$(uname -m)" -R true 2>/dev/null; then
		norand="setarch $(uname -m) -R"
	else
		nocmp="-use_cmp=0"
	fi
fi
n=0
rc=0
for bin in "$@"; do
	# only the target binaries: not their logs, corpora or crash files
	case $(basename "$bin") in *.*) continue ;; esac
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	n=$((n + 1))
	name=$(basename "$bin")
	regress="fuzz/regressions/$name"
	if [ "$replay" = 1 ]; then
		scratch=$(mktemp -d "${TMPDIR:-/tmp}/ruru-fuzz.XXXXXX")
		mkdir -p "$scratch/new" "$scratch/seeds"
		[ -x "fuzz/seeds.sh" ] && fuzz/seeds.sh "$name" "$scratch/seeds"
		[ -d "$regress" ] && cp "$regress"/* "$scratch/seeds"/ 2>/dev/null
		count=$(ls "$scratch/seeds" | wc -l)
		r=$runs
		# each MCP input writes (and fsyncs) a workspace: a tenth as many
		[ "$name" = fuzz_mcp ] && r=$((runs / 10))
		# -runs counts the replayed inputs too; new inputs go to the
		# scratch corpus only, never into the seeds.
		if $norand "$bin" $nocmp -seed=1 -runs=$((count + r)) -reload=0 -timeout=5 \
			-rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$scratch/crash-" \
			"$scratch/new" "$scratch/seeds" >"build-fuzz/$name.log" 2>&1; then
			# the coverage reached: two replays must print the same
			cov=$(sed -n 's/.*DONE *\(cov: [0-9]* ft: [0-9]*\).*/\1/p' "build-fuzz/$name.log")
			echo "ok $n - $name: $count inputs replayed, $r mutations from seed 1 ($cov${nocmp:+, $nocmp})"
		else
			rc=1
			cp "$scratch"/crash-* build-fuzz/ 2>/dev/null
			echo "not ok $n - $name: see build-fuzz/$name.log"
			tail -n 30 "build-fuzz/$name.log" | sed 's/^/# /'
		fi
		rm -rf "$scratch"
		continue
	fi
	corpus="build-fuzz/corpus-$name"
	mkdir -p "$corpus"
	[ -x "fuzz/seeds.sh" ] && fuzz/seeds.sh "$name" "$corpus"
	[ -d "$regress" ] && cp "$regress"/* "$corpus"/ 2>/dev/null
	if "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$PWD/build-fuzz/crash-" "$corpus" >"build-fuzz/$name.log" 2>&1; then
		echo "ok $n - $name ran ${secs}s without a finding"
	else
		rc=1
		echo "not ok $n - $name: see build-fuzz/$name.log"
		echo "# fix it, then keep the input as a regression: cp build-fuzz/crash-... $regress/"
		tail -n 30 "build-fuzz/$name.log"
	fi
done
exit $rc
