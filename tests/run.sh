#!/bin/sh
# run.sh — run every test suite and print one summary line, last:
#   N passed, N failed
# Suites speak TAP (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP, bats --tap, our
# own harnesses); a suite that exits non-zero without reporting a failing
# case counts as one failure, so a crash is never silent.
#
#   BUILD=build tests/run.sh [SUITE...]     suites: unit toml cli mcp web fuzz valgrind
#                                           (and sanitize, only when named:
#                                           unit and cli again under
#                                           ASan+UBSan from build-san/)
set -u
BUILD=${BUILD:-build}
export BUILD
export RURU="$PWD/$BUILD/ruru"
export TOML_TEST_DIR="${TOML_TEST_DIR:-../shared/toml-test}"
export COMPAT_DIR="${COMPAT_DIR:-../shared/compat-corpus}"
pass=0
fail=0
log=$(mktemp)
# The search index lives in the user's cache folder: one for this run
# (bats cases each set their own), not the user's.
XDG_CACHE_HOME=$(mktemp -d)
export XDG_CACHE_HOME
trap 'rm -f "$log"; rm -rf "$XDG_CACHE_HOME"' EXIT
# python3 resolved once: behind a version manager's shim (pyenv) each of
# the suites' python3 calls would first start a shell and the manager's
# resolver (60 ms of CPU each, measured); a link to the interpreter the
# shim picks comes first in PATH for the run.
if py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$py" ]; then
	mkdir -p "$XDG_CACHE_HOME/bin"
	ln -s "$py" "$XDG_CACHE_HOME/bin/python3"
	PATH="$XDG_CACHE_HOME/bin:$PATH"
	export PATH
fi

# run_tap NAME CMD...: run a TAP producer, echo its failures, count its cases.
run_tap() {
	name=$1
	shift
	printf '== %s\n' "$name"
	t0=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	t1=$(date +%s)
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		grep -v '^ok ' "$log" | head -n 60
	fi
	# a suite whose outside data is missing says so in one line
	grep -m1 '^1\.\.0 # skip' "$log" | sed 's/^1\.\.0 # skip/   skipped:/'
	# a figure a suite measures ("# figure: ...") is shown as it is
	grep '^# figure: ' "$log" | sed 's/^# figure: /   /'
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	# the seconds a suite took, so the slow ones are seen (a bats file run
	# in the background writes its own time beside its TAP)
	secs=$((t1 - t0))
	if [ "$1" = replay ] && [ -f "$2.secs" ]; then secs=$(cat "$2.secs"); fi
	printf '   %s passed, %s failed (%s s)\n' "$p" "$f" "$secs"
	pass=$((pass + p))
	fail=$((fail + f))
}

# run_bats LABEL: every tests/cli/*.bats, JOBS (default 2) files at a time
# in the background, largest file first (xargs -P; bats --jobs would need
# GNU parallel), each into its own TAP file; then each file is counted by
# run_tap in name order, so the output and the last line are the same as
# one file after the other.  RURU and BUILD (exported) are the caller's.
replay() { cat "$1.tap"; return "$(cat "$1.rc")"; }
run_bats() {
	label=$1
	tapdir=$(mktemp -d)
	ls -S tests/cli/*.bats | xargs -P "${JOBS:-2}" -I{} sh -c \
		'b=$(basename "$1" .bats); t0=$(date +%s); bats --tap "$1" >"$0/$b.tap" 2>&1; echo $? >"$0/$b.rc"; echo $(($(date +%s) - t0)) >"$0/$b.secs"' \
		"$tapdir" {}
	for t in tests/cli/*.bats; do
		b=$(basename "$t" .bats)
		[ -f "$tapdir/$b.rc" ] || echo 1 >"$tapdir/$b.rc"
		touch "$tapdir/$b.tap"
		run_tap "$label $b" replay "$tapdir/$b"
	done
	rm -rf "$tapdir"
}

want() { [ $# -eq 0 ] || case " $* " in *" $suite "*) return 0 ;; *) return 1 ;; esac; }

for suite in unit toml cli mcp web fuzz valgrind sanitize; do
	want "$@" || continue
	[ $# -eq 0 ] && [ "$suite" = sanitize ] && continue
	case $suite in
	unit)
		for t in "$BUILD"/tests/test_*; do
			[ -x "$t" ] || continue
			run_tap "unit $(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
		done ;;
	toml)
		for t in tests/toml/*.sh; do
			[ -x "$t" ] || continue
			run_tap "toml $(basename "$t" .sh)" "$t"
		done ;;
	cli)
		run_bats cli ;;
	mcp)
		# Raw protocol tests and the official SDK client (tests/mcp/run.sh).
		run_tap "mcp" tests/mcp/run.sh ;;
	web)
		# `ruru serve` over HTTP without a browser.
		run_tap "web http" python3 tests/web/http_test.py "$RURU"
		# the same in a real browser: Debian's chromium driven by playwright-core
		run_tap "web browser" tests/web/run.sh "$RURU"
		# every page of workspaces no test wrote (the compat corpus, else
		# tests/fixtures/compat), with the browser walk's checks
		run_tap "web corpus" node tests/web/crawl.mjs "$RURU" "$COMPAT_DIR" ;;
	sanitize)
		printf '== sanitize: make SANITIZE=1\n'
		if ! make -s -j"$(nproc 2>/dev/null || echo 2)" SANITIZE=1 BUILD=build-san all tests >"$log" 2>&1; then
			tail -n 30 "$log"
			echo "not ok - the sanitizer build failed"
			fail=$((fail + 1))
		else
			for t in build-san/tests/test_*; do
				[ -x "$t" ] || continue
				run_tap "sanitize unit $(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
			done
			plain=$BUILD
			BUILD=build-san RURU="$PWD/build-san/ruru"
			export BUILD RURU
			run_bats "sanitize cli"
			BUILD=$plain RURU="$PWD/$plain/ruru"
		fi ;;
	fuzz)
		if command -v clang >/dev/null 2>&1 && ls fuzz/fuzz_*.c >/dev/null 2>&1; then
			run_tap "fuzz (replay)" scripts/fuzz.sh --replay
		fi ;;
	valgrind)
		# The unit binaries and a few CLI commands under memcheck
		# (tests/valgrind.sh; VALGRIND_SKIP leaves binaries out).
		run_tap "valgrind" tests/valgrind.sh ;;
	esac
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
