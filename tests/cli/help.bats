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
# page's TYPE list of `ruru log` must follow it, both ways, and
# doc/design.md's list of the events must name it.
@test "the man page lists exactly the event types the library knows" {
	man="$BATS_TEST_DIRNAME/../../doc/ruru.1"
	ws=$(mktemp -d "${TMPDIR:-/tmp}/ruru-help.XXXXXX")
	cd "$ws"
	"$RURU" new "Types" >/dev/null 2>&1
	run "$RURU" log --type no-such-type x
	cd - >/dev/null
	rm -rf "$ws"
	[ "$status" -eq 2 ]
	lib=$(sed -nE 's/.* is one of (.*), not ".*/\1/p' <<<"$output" | head -n 1 | tr -d ',' | tr ' ' '\n' | sort)
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
	# doc/design.md's list of the events names each one too
	design="$BATS_TEST_DIRNAME/../../doc/design.md"
	for t in $lib; do
		grep -qF "\`$t\`" "$design" || { echo "doc/design.md does not name $t"; return 1; }
	done
}

@test "a verb's CLI options and its MCP tool's arguments take the same words" {
	# Both come from the verb's row in the library (src/lib/base/verbs.c):
	# the words `--help` lists for an option are the enum of the tool's
	# argument, and a verb row no command offers stops ruru at start.
	ws=$(mktemp -d)
	(cd "$ws" && "$RURU" init >/dev/null)
	printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' |
		"$RURU" --root "$ws" mcp --toolsets all 2>/dev/null >"$ws/tools.json"
	for pair in "log --type session_log.type" "list --status session_list.status" \
		"task new --type task_new.type" "task release --status task_release.status" \
		"confirm list --status confirm_list.status" "artifact add --type artifact_add.type" \
		"search --status session_search.status"; do
		set -- $pair
		if [ $# -eq 4 ]; then cmd="$1 $2"; opt=$3; arg=$4; else cmd=$1; opt=$2; arg=$3; fi
		"$RURU" $cmd --help >"$ws/help.txt"
		python3 - "$ws/help.txt" "$ws/tools.json" "$opt" "$arg" <<'PY' || { rm -rf "$ws"; return 1; }
import json, re, sys
help_text, tools, opt, arg = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
tool, name = arg.split(".")
# the option's line, then its "one of:" words up to the next option
m = re.search(r"\n {2,}(?:-\w, )?" + opt + r" [^\n]*\n\s+one of:(.*?)(?=\n\s+-|\n\n)", help_text, re.S)
assert m, "no words for %s in help" % opt
cli = [w.strip() for w in m.group(1).replace("\n", " ").split(",")]
t = [t for t in tools["result"]["tools"] if t["name"] == tool][0]
mcp = t["inputSchema"]["properties"][name]["enum"]
assert cli == mcp, "%s %s: %s != %s" % (opt, arg, cli, mcp)
PY
	done
	rm -rf "$ws"
}
