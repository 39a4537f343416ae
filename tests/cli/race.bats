#!/usr/bin/env bats
# race.bats — check-then-write races: while a helper
# swaps a folder on the write path with a symlink leading out of the
# workspace (renameat2 RENAME_EXCHANGE in a tight loop), `confirm apply`
# and `artifact add` run a fixed number of times.  Each run either writes
# inside the workspace or is refused (exit 6); not one file may appear
# outside.

load helpers

setup() {
	setup_workspace
	SWAP=${BUILD:-$BATS_TEST_DIRNAME/../../build}/tests/race_swap
	case $SWAP in /*) ;; *) SWAP=$BATS_TEST_DIRNAME/../../$SWAP ;; esac
	[ -x "$SWAP" ] || { echo "missing $SWAP (make tests)"; return 1; }
	OUT=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ruru-race-out.XXXXXX")
	swapper=
}

teardown() {
	[ -z "$swapper" ] || { kill "$swapper" 2>/dev/null; wait "$swapper" 2>/dev/null; }
	rm -rf "$OUT"
	teardown_workspace
}

TRIES=${RACE_TRIES:-60}

# The last run's outcome (`run`): wrote (exit 0), refused (exit 6), or
# other, kept with its output under the name $1.
tally() {
	case $status in
	0) wrote=$((wrote + 1)) ;;
	6) refused=$((refused + 1)) ;;
	*) other="$other
$1: status $status: $output" ;;
	esac
}

# The swapper stopped: not one file outside the root, and every run $1
# (what a run that wrote did) or refused.
race_over() {
	kill "$swapper"; wait "$swapper"; swapper=
	echo "$1 $wrote, refused $refused"
	[ -z "$(ls -A "$OUT")" ] || { echo "written outside:"; ls -laR "$OUT"; return 1; }
	[ -z "$other" ] || { echo "neither $1 nor refused:$other"; return 1; }
}

race_apply() {
	"$RURU" new "Race" >/dev/null
	mkdir docs
	ln -s "$OUT" evil
	arts=()
	for i in $(seq "$TRIES"); do
		a=$(printf 'v%s\n' "$i" | "$RURU" confirm propose --target "docs/f$i.md" --content -)
		"$RURU" confirm approve "$a" >/dev/null
		arts+=("$a")
	done
	"$SWAP" docs evil & swapper=$!
	wrote=0 refused=0 other=
	for a in "${arts[@]}"; do
		run "$RURU" confirm apply "$a"
		tally "apply $a"
	done
	race_over applied
	[ $((wrote + refused)) -eq "$TRIES" ]
	# The ones applied landed in docs/ (wherever the swap left it).
	[ -d docs ] && [ ! -L docs ]
	[ "$(ls docs | wc -l)" -eq "$wrote" ]
}

race_add() {
	"$RURU" new "Race" >/dev/null
	adir=$(dirname "$(log_of)")/artifacts
	mkdir -p "$adir/sub"
	ln -s "$OUT" "$adir/evil"
	"$SWAP" "$adir/sub" "$adir/evil" & swapper=$!
	wrote=0 refused=0 other=
	for i in $(seq "$((TRIES * 2))"); do
		run "$RURU" artifact add --name "sub/deeper/a$i.txt" - <<<"a$i"
		tally "add $i"
	done
	race_over added
	[ "$(find "$adir/sub" -name 'a*.txt' | wc -l)" -eq "$wrote" ]
	"$RURU" check
}

@test "confirm apply under a RENAME_EXCHANGE loop never writes outside the root" {
	race_apply
}

@test "artifact add under a RENAME_EXCHANGE loop never writes outside the root" {
	race_add
}

@test "the same races with openat2 made to look missing (the per-folder walk)" {
	export RURU_FAULT=openat2
	race_apply
	"$RURU" new "Race 2" >/dev/null
	race_add
}
