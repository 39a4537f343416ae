#!/usr/bin/env bats
# text.bats — doc/design.md §2 "text that ruru writes is text":
# the text rule on every string that
# reaches a log, a front matter or a file name; empty messages; unique
# tags; errors that never drive the terminal.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

@test "log refuses text that is not text with exit 4 and the byte offset; the log is untouched" {
	"$RURU" new "Text" >/dev/null
	f=$(log_of)
	h=$(sum "$f")
	for bad in $'lone\rCR' $'esc\x1b[2J' $'bad\xffutf8' $'del\x7f' $'nel\xc2\x85' \
		$'ls\xe2\x80\xa8x' $'over\xc0\xafx' $'sur\xed\xa0\x80x' $'cut\xe2\x82' $'trail\r'; do
		run "$RURU" log "$bad"
		[ "$status" -eq 4 ] || { echo "$bad: $status $output"; return 1; }
		[[ "$output" == *"at byte offset "* ]]
	done
	run "$RURU" log $'abc\rdef'
	[[ "$output" == *"byte offset 3"* ]]
	# NUL can only come through stdin
	run env RURU="$RURU" bash -c 'printf "nul\0byte" | "$RURU" log -'
	[ "$status" -eq 4 ]
	[[ "$output" == *"NUL"*"byte offset 3"* ]]
	[ "$(sum "$f")" = "$h" ]
	# tab, LF and CRLF are text
	"$RURU" log $'tab\there\nline two\r\nline three'
	run "$RURU" show --json
	[ "$(jq -r '.entries[-1].message' <<<"$output")" = $'tab\there\nline two\r\nline three' ]
}

@test "fields, goals, tags, reasons, slugs, task IDs, names and targets keep the text rule" {
	run "$RURU" new $'goal\x1b]0;pwned\x07'
	[ "$status" -eq 4 ]
	run "$RURU" new ok --description $'desc\rforged'
	[ "$status" -eq 4 ]
	# a line break is text, but these are one line: a usage error
	run "$RURU" new ok --coordinator $'a\nb'
	[ "$status" -eq 2 ]
	run "$RURU" new ok --tag $'a\nb'
	[ "$status" -eq 2 ]
	[[ "$output" == *"tag holds a line break at byte offset 1"* ]]
	run "$RURU" new ok --tag $'a\x01'
	[ "$status" -eq 4 ]
	[ ! -e .ruru/sessions/.active ]
	[ -z "$(ls .ruru/sessions)" ]
	"$RURU" new ok >/dev/null
	f=$(log_of)
	h=$(sum "$f")
	for opt in --mode --task --artifact --adr --source; do
		run "$RURU" log "$opt" $'x\ry' message
		[ "$status" -eq 4 ] || { echo "$opt: $status $output"; return 1; }
	done
	run "$RURU" pause --reason $'why\x1b'
	[ "$status" -eq 4 ]
	run "$RURU" task link $'TASK-\xff'
	[ "$status" -eq 4 ]
	echo hi >in.txt
	run "$RURU" artifact add --name $'n\xe2\x80\xa9' in.txt
	[ "$status" -eq 4 ]
	run "$RURU" confirm propose --target $'t\x01.txt' --content in.txt
	[ "$status" -eq 4 ]
	[ "$(sum "$f")" = "$h" ]
	[ -z "$(ls .ruru/sessions/*/artifacts)" ]
}

@test "empty messages and empty rationales are refused with exit 2" {
	"$RURU" new "Empty" >/dev/null
	f=$(log_of)
	h=$(sum "$f")
	run "$RURU" log ""
	[ "$status" -eq 2 ]
	run "$RURU" log $'  \n\t'
	[ "$status" -eq 2 ]
	run "$RURU" log --type confirm-skip ""
	[ "$status" -eq 2 ]
	run env RURU="$RURU" bash -c 'printf "" | "$RURU" log -'
	[ "$status" -eq 2 ]
	[ "$(sum "$f")" = "$h" ]
	echo new >t.txt
	echo old >target.txt
	a=$("$RURU" confirm propose --target target.txt --content t.txt)
	run "$RURU" confirm skip "$a" --rationale "  "
	[ "$status" -eq 2 ]
}

@test "duplicate tags are written once and check passes on every log ruru wrote" {
	"$RURU" new "Tags" --tag x --tag x --tag y --tag x >/dev/null
	grep -qx 'tags = \["x", "y"\]' "$(log_of)"
	run "$RURU" new "Blank" --tag ""
	[ "$status" -eq 2 ]
	mkdir -p .ruru/templates/toml-md
	printf '+++\nid = ""\ntitle = ""\nstatus = ""\nstart_time = ""\nend_time = ""\ncoordinator = ""\nrelated_tasks = "TASK-1"\nrelated_artifacts = [1, "a", "a"]\ntags = "x" # a comment\n+++\n\n# Session Log\n\n## Goal\n\n## Log Entries\n\n- [YYYY-MM-DD HH:MM:SS] example\n' \
		>.ruru/templates/toml-md/19_mdtm_session.md
	"$RURU" new "From template" >/dev/null
	f=$(log_of)
	grep -qx 'tags = \["x"\] # a comment' "$f"
	grep -qx 'related_tasks = \["TASK-1"\]' "$f"
	grep -qx 'related_artifacts = \["a"\]' "$f"
	"$RURU" new "From template with tags" --tag x --tag z >/dev/null
	grep -qx 'tags = \["x", "z"\] # a comment' "$(log_of)"
	run "$RURU" check
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "a description line '#' does not cut the goal in show and continue" {
	"$RURU" new "Goal" --description $'first\n#\nsecond\n#\tthird\n####### seven is text' >/dev/null
	run "$RURU" show --json
	goal=$(jq -r .goal <<<"$output")
	[[ "$goal" == *first* && "$goal" == *second* && "$goal" == *third* && "$goal" == *seven* ]] || {
		echo "$goal"
		return 1
	}
}

@test "control characters in arguments are escaped in error messages" {
	run "$RURU" $'cmd\x1b[31m'
	[ "$status" -eq 2 ]
	[[ "$output" != *$'\x1b'* ]]
	[[ "$output" == *'cmd\x1b[31m'* ]]
	run "$RURU" show $'no\x1b]0;title\x07such'
	[ "$status" -eq 3 ]
	[[ "$output" != *$'\x1b'* && "$output" != *$'\x07'* ]]
	[[ "$output" == *'\x1b]0;title\x07'* ]]
	run "$RURU" log --type $'bad\x9btype' x
	[[ "$output" != *$'\x9b'* ]]
	run "$RURU" toml get $'/nonexistent/\x1bfile' k
	[[ "$output" != *$'\x1b'* ]]
}

@test "property: random bytes are refused (exit 4/2) or read back byte for byte by ruru, tomllib and two CommonMark readers" {
	for seed in 1 2 3; do
		rm -rf .ruru/sessions/*
		/usr/bin/python3 "$BATS_TEST_DIRNAME/text_property.py" "$RURU" 300 "$seed"
	done
}

@test "MCP: the text rule and unique tags hold over MCP too" {
	req() {
		printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
			'{"jsonrpc":"2.0","method":"notifications/initialized"}' "$@"
	}
	out=$(req '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"session_new","arguments":{"goal":"M","tags":["a","a","b"]}}}' |
		"$RURU" mcp 2>/dev/null)
	grep -q '"id":1' <<<"$out"
	grep -qx 'tags = \["a", "b"\]' "$(log_of)"
	out=$(req '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"session_log","arguments":{"message":"forged\rheading"}}}' \
		'{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"session_log","arguments":{"message":""}}}' \
		'{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"session_new","arguments":{"goal":"x","tags":["a\nb"]}}}' |
		"$RURU" mcp 2>/dev/null)
	[[ "$(grep '"id":2' <<<"$out")" == *"byte offset 6"* ]]
	[[ "$(grep '"id":3' <<<"$out")" == *"empty"* ]]
	[[ "$(grep '"id":4' <<<"$out")" == *"line break"* ]]
	! grep -q forged "$(log_of)"
	"$RURU" check
}

@test "a cloned log holding bytes that are not text is shown, never dropped or obeyed" {
	"$RURU" new "Hostile" >/dev/null
	f=$(log_of)
	printf -- '- [2026-11-24 03:15:20Z] **note**: bad \xff byte, \x1b[2Jclear and a\tTab\n' >>"$f"
	run "$RURU" show --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.entries[-1].message' <<<"$output")" = $'bad \xef\xbf\xbd byte, \x1b[2Jclear and a\tTab' ]
	run "$RURU" show
	[[ "$output" != *$'\x1b'* ]]
	[[ "$output" == *'bad \xff byte, \x1b[2Jclear and a'$'\t''Tab'* ]]
	out=$(printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
		'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"session_show","arguments":{}}}' | "$RURU" mcp --toolsets admin 2>/dev/null)
	[[ "$(grep '"id":1' <<<"$out")" == *'bad \ufffd byte'* || "$(grep '"id":1' <<<"$out")" == *'bad �'* ]]
}
