#!/usr/bin/env bats
# help.bats — the command table, --help and the man page tell the same story.

setup() { RURU=${RURU:-$BATS_TEST_DIRNAME/../../build/ruru}; }

@test "ruru --help lists every command of the table" {
	run "$RURU" --help
	[ "$status" -eq 0 ]
	while read -r line; do
		cmd=$(echo "$line" | sed -E 's/^ruru ([a-z-]+( [a-z-]+)?).*/\1/')
		[[ "$output" == *"$cmd"* ]] || { echo "missing from --help: $cmd"; return 1; }
	done < <("$RURU" help --all)
}

@test "every command and option is documented in doc/ruru.1" {
	man="$BATS_TEST_DIRNAME/../../doc/ruru.1"
	while read -r line; do
		cmd=$(echo "$line" | sed -E 's/^ruru ([a-z-]+( [a-z-]+)?).*/\1/')
		first=${cmd%% *}
		grep -q "^\.SS.*$first" "$man" || grep -q "^\.B ruru $first" "$man" || grep -q "$cmd" "$man" ||
			{ echo "command not in man page: $cmd"; return 1; }
		for opt in $(echo "$line" | grep -oE -- '--[a-z-]+'); do
			grep -qF -- "${opt//-/\\-}" "$man" || { echo "option $opt of $cmd not in man page"; return 1; }
		done
	done < <("$RURU" help --all)
}

@test "every command answers --help with its usage and exit 0" {
	while read -r line; do
		cmd=$(echo "$line" | sed -E 's/^ruru ([a-z-]+( [a-z-]+)?).*/\1/')
		run "$RURU" $cmd --help
		[ "$status" -eq 0 ] || { echo "$cmd --help: $status"; return 1; }
		[[ "$output" == "usage: ruru $cmd"* ]] || { echo "$cmd --help: $output"; return 1; }
	done < <("$RURU" help --all)
}

@test "unknown command and unknown option are usage errors (exit 2)" {
	run "$RURU" frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown command "frobnicate"'* ]]
	run "$RURU" version --nope
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "--nope"'* ]]
}

@test "no command prints usage on stderr and exits 2" {
	run "$RURU"
	[ "$status" -eq 2 ]
	[[ "$output" == usage:* ]]
}

@test "--version and version --json" {
	run "$RURU" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "ruru "[0-9]* ]]
	run "$RURU" --json version
	[[ "$output" == *'"schema_version":1'* ]]
}

@test "a full stdout is an error, not a success" {
	[ -w /dev/full ] || skip "no /dev/full"
	run sh -c "'$RURU' --help > /dev/full"
	[ "$status" -ne 0 ]
}

# An event type is one line of RURU_EVENTS (ruru.h); the man
# page's TYPE list of `ruru log` must follow it, both ways.
@test "the man page lists exactly the event types the library knows" {
	man="$BATS_TEST_DIRNAME/../../doc/ruru.1"
	ws=$(mktemp -d "${TMPDIR:-/tmp}/ruru-help.XXXXXX")
	cd "$ws"
	"$RURU" new "Types" >/dev/null 2>&1
	run "$RURU" log --type no-such-type x
	cd - >/dev/null
	rm -rf "$ws"
	[ "$status" -eq 2 ]
	lib=$(sed -nE 's/.*\(one of: ([^)]*)\).*/\1/p' <<<"$output" | head -n 1 | tr -d ',' | tr ' ' '\n' | sort)
	[ -n "$lib" ]
	doc=$(python3 - "$man" <<'PY'
import re, sys
t = open(sys.argv[1], encoding='utf-8').read()
a = t.index('.SS ruru log ')
b = t.index('(the default)', a)
for m in re.finditer(r'^\.BR? ([a-z\\-]+)', t[a:b], re.M):
    print(m.group(1).replace('\\-', '-'))
PY
)
	doc=$(sort <<<"$doc")
	[ "$lib" = "$doc" ] || { diff <(echo "$lib") <(echo "$doc"); return 1; }
}
