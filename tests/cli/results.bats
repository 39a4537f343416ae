#!/usr/bin/env bats
# results.bats — a result is rendered once, by the library: what a command
# prints and the text content of its MCP twin are the same bytes.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

# The text content of one MCP tool call.
mcp_text() {
	printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
		'{"jsonrpc":"2.0","method":"notifications/initialized"}' \
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"$1\",\"arguments\":$2}}" |
		"$RURU" mcp --toolsets all 2>/dev/null | jq -j 'select(.id == 1) | .result.content[0].text'
}

@test "artifact list, task list, check and the task edits print the text their MCP tools send" {
	id=$("$RURU" new "One text")
	printf '+++\nid = "TASK-A-1"\ntitle = "t\\u001b[31m"\nstatus = "🟡 To Do"\nRooComSessionID = "%s"\n+++\n# b\n' "$id" >.ruru/tasks/TASK-A-1.md
	"$RURU" log --type error --task TASK-A-1 "fails" >/dev/null
	echo hi >f
	"$RURU" artifact add f >/dev/null
	echo x >".ruru/sessions/$id/artifacts/stray"
	[ "$("$RURU" artifact list)" = "$(mcp_text artifact_list '{}')" ]
	[ "$("$RURU" task list)" = "$(mcp_text task_list '{}')" ]
	[[ "$("$RURU" task list)" == *$'\topen: error' ]]
	[ "$("$RURU" check 2>&1)" = "$(mcp_text session_check '{}')" ]
	[ "$("$RURU" task claim TASK-A-1 --by dev-a)" = "$(mcp_text task_claim '{"task":"TASK-A-1","by":"dev-a"}')" ]
	[ "$("$RURU" task release TASK-A-1 --by dev-a)" = "$(mcp_text task_release '{"task":"TASK-A-1","by":"dev-a"}')" ]
	[ "$("$RURU" task status TASK-A-1 review)" = "$(mcp_text task_status '{"task":"TASK-A-1","status":"review"}')" ]
	[[ "$("$RURU" task status TASK-A-1 review)" == "TASK-A-1 is 🟣 Review · assigned to dev-a (.ruru/tasks/TASK-A-1.md)." ]]
}

# The text content of the continue_session prompt.
mcp_prompt() {
	printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
		'{"jsonrpc":"2.0","method":"notifications/initialized"}' \
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":\"continue_session\",\"arguments\":$1}}" |
		"$RURU" mcp 2>/dev/null | jq -j 'select(.id == 1) | .result.messages[0].content.text'
}

@test "show --digest, continue and prime print the digest their MCP tools, prompt, hook and JSON give" {
	id=$("$RURU" new "Digest" --description "the goal")
	printf '+++\nid = "TASK-D-1"\ntitle = "t\\u001b[31m"\nstatus = "🟡 To Do"\nRooComSessionID = "%s"\n+++\n# b\n' "$id" >.ruru/tasks/TASK-D-1.md
	"$RURU" log --type delegation --mode dev --task TASK-D-1 "dig" >/dev/null
	"$RURU" log --type decision "by hand" >/dev/null
	digest=$("$RURU" show --digest)
	[[ "$digest" == "# Session $id"* ]]
	[[ "$digest" == *'t\x1b[31m'* ]]
	[ "$digest" = "$(mcp_text session_digest '{}')" ]
	[ "$digest" = "$("$RURU" --json show --digest | jq -j .digest)" ]
	# continue: the session is active and the active one, so nothing is
	# written and each call gives the same digest
	cont=$("$RURU" continue)
	[[ "$cont" == "# Continuing session $id"* ]]
	[ "$cont" = "$(mcp_text session_continue '{}')" ]
	[ "$cont" = "$(mcp_prompt '{}')" ]
	[ "$cont" = "$("$RURU" --json continue | jq -j .digest)" ]
	prime=$("$RURU" prime)
	[[ "$prime" == "ruru session $id [active]"* ]]
	[[ "$prime" == *$'Last decision:\n- ['*'] decision: by hand'* ]]
	[ "$prime" = "$("$RURU" --json prime | jq -j .text)" ]
	[ "$prime" = "$("$RURU" prime --hook claude </dev/null | jq -j .hookSpecificOutput.additionalContext)" ]
	[ "$prime" = "$(echo '{"hook_event_name":"PreCompact"}' | "$RURU" prime --hook claude | tail -n +2)" ]
}

@test "export --md is the text and export --json the JSON of one export" {
	id=$("$RURU" new "Export")
	printf 'key AKIAIOSFODNN7EXAMPLE\n' >keys.txt
	"$RURU" artifact add keys.txt >/dev/null
	md=$("$RURU" export --md)
	[[ "$md" == "# Export"* ]]
	[[ "$md" == *'key [REDACTED:aws-access-key]'* ]]
	[ "$("$RURU" --json export --json | jq -j '.artifacts[0].text')" = 'key [REDACTED:aws-access-key]' ]
	[[ "$("$RURU" export --md --no-redact)" == *'key AKIAIOSFODNN7EXAMPLE'* ]]
	[ "$("$RURU" --json export --json | jq -c '[.redacted, .redactions, .session.id]')" = "[true,1,\"$id\"]" ]
}

@test "an open item whose message is not UTF-8 (a log written in Latin-1) stays in the digest, prime and summarize, text and JSON" {
	id=$("$RURU" new "Latin")
	"$RURU" log --type delegation --mode dev "cafe order" >/dev/null
	sed -i 's/cafe order/caf\xe9 order/' ".ruru/sessions/$id/session_log.md"
	[[ "$("$RURU" show --digest)" == *'- delegation to dev has no result yet: caf\xe9 order ('* ]]
	[ "$("$RURU" --json show --digest | jq -c '[.open_items[].message]')" = '["caf� order"]' ]
	[ "$("$RURU" --json prime | jq -c '[.open_item_count, (.open_items | length)]')" = '[1,1]' ]
	[ "$("$RURU" --json summarize | jq -c '[(.open_items | length), (.outstanding_blockers_or_issues | length), (.identified_next_steps_from_session | length)]')" = '[1,1,1]' ]
}

@test "a task ID that two task files name the session with is listed once, from the first file walked" {
	id=$("$RURU" new "Dup")
	mkdir -p .ruru/tasks/a .ruru/tasks/b
	for d in a b; do
		printf '+++\nid = "TASK-Z-1"\ntitle = "from %s"\nstatus = "🟡 To Do"\nRooComSessionID = "%s"\n+++\n' "$d" "$id" >".ruru/tasks/$d/TASK-Z-1.md"
	done
	printf '+++\nid = "TASK-A-1"\ntitle = "a"\nstatus = "🟡 To Do"\nsession_id = "%s"\n+++\n' "$id" >.ruru/tasks/TASK-A-1.md
	[ "$("$RURU" --json task list | jq -c '[.tasks[] | [.id, .title, .via]]')" = '[["TASK-A-1","a","session_id"],["TASK-Z-1","from a","RooComSessionID"]]' ]
	[ "$("$RURU" --json show --digest | jq -c '[.open_items[].text]')" = '["task TASK-A-1 [🟡 To Do] a","task TASK-Z-1 [🟡 To Do] from a"]' ]
}

@test "list prints the text session_list sends, byte for byte, hostile front matter shown, never sent" {
	RURU_NOW=2026-11-20T00:00:00Z "$RURU" new "Old" --tag x --tag 'y z' >/dev/null
	RURU_NOW=2026-11-22T00:00:00Z "$RURU" new "Newer" >/dev/null 2>&1
	mkdir -p .ruru/sessions/S-EVIL .ruru/sessions/S-BROKEN
	printf '+++\nid = "S-EVIL"\ntitle = "evil \\u001b[31mred\\ttab"\nstatus = "Paused"\nstart_time = "2026-11-21T00:00:00Z"\ntags = ["\\u001b]0;pwned\\u0007"]\n+++\n\n## Log Entries\n' >.ruru/sessions/S-EVIL/session_log.md
	printf '+++\nid = "S-BROKEN"\ntags = ["a" "b"]\n+++\n' >.ruru/sessions/S-BROKEN/session_log.md
	"$RURU" list >"$BATS_TEST_TMPDIR/cli"
	mcp_text session_list '{}' >"$BATS_TEST_TMPDIR/mcp"
	cmp "$BATS_TEST_TMPDIR/cli" "$BATS_TEST_TMPDIR/mcp"
	# one line per session, no control byte reaches the terminal
	[ "$(wc -l <"$BATS_TEST_TMPDIR/cli")" -eq 4 ]
	! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$BATS_TEST_TMPDIR/cli"
	grep -q $'^S-EVIL\tpaused\t2026-11-21T00:00:00Z\tevil \\\\x1b\\[31mred\\\\ttab\ttags: \\\\x1b\\]0;pwned\\\\x07$' "$BATS_TEST_TMPDIR/cli"
	grep -q $'^S-BROKEN\tinvalid\t-\t.ruru/sessions/S-BROKEN/session_log.md:3:13: expected ' "$BATS_TEST_TMPDIR/cli"
	grep -q $'^SESSION-Old-[0-9]*\tactive\t2026-11-20T00:00:00Z\tOld\ttags: x, y z$' "$BATS_TEST_TMPDIR/cli"
	# past the limit: the MCP listing is counted and says what it left out
	[ "$(mcp_text session_list '{"limit":1}' | tail -n 1)" = "3 older of 4 left out: pass a larger limit, or status or tag to narrow." ]
	[ "$(mcp_text session_list '{"tag":"none"}')" = "No sessions." ]
	[ -z "$("$RURU" list --tag none)" ]
}

@test "the writing verbs: MCP sends each result's text, --json its JSON, the CLI the ID or path" {
	id=$("$RURU" new "Writes")
	[[ "$id" == SESSION-Writes-* ]]
	[ "$(mcp_text session_log '{"message":"m","type":"decision","adr":"docs/none.md"}')" = "Logged decision in $id. Warning: logged, but no ADR file has that path (yet)." ]
	[ "$(mcp_text session_set_status '{"status":"active"}')" = "Session $id is already 🟢 Active (active)." ]
	[ "$(mcp_text task_link '{"task":"TASK-NONE-1"}')" = "Linked TASK-NONE-1 to session $id; no task file has that ID." ]
	echo hi >f
	[ "$("$RURU" artifact add f)" = "artifacts/f" ]
	[ "$(mcp_text artifact_add '{"name":"g","content":"x"}')" = "Saved artifacts/g in session $id (logged)." ]
	run "$RURU" --json log --adr docs/none.md "again"
	[[ "$output" == *'"task":null,"duplicate_of":null,"warning":"logged, but no ADR file has that path (yet)"}' ]]
	run "$RURU" pause
	[ -z "$output" ]
	run "$RURU" pause
	[ "$status" -eq 5 ]
}

@test "show prints the text session_show sends, byte for byte, hostile log text shown, never sent" {
	mkdir -p .ruru/sessions/S-EVIL
	printf '+++\nid = "S-EVIL"\ntitle = "evil \\u001b[31mred"\nstatus = "🟢 Active"\nstart_time = 2026-11-21T00:00:00Z\ncoordinator = "x\\u001b]0;pwned\\u0007"\ntags = ["a", "b"]\nrelated_tasks = ["TASK-A-1"]\n+++\n\n## Goal\n\nfirst \033[2J line\nsecond\tline\n\n## Log Entries\n\n- [2026-11-21 00:00:00Z] **note**: one \033]0;t\007\n  continued\n- [2026-11-21 00:01:00Z] **delegation** · mode `dev` · task `TASK-A-1`: two\n' >.ruru/sessions/S-EVIL/session_log.md
	"$RURU" show S-EVIL >"$BATS_TEST_TMPDIR/cli"
	mcp_text session_show '{"session":"S-EVIL"}' >"$BATS_TEST_TMPDIR/mcp"
	cmp "$BATS_TEST_TMPDIR/cli" "$BATS_TEST_TMPDIR/mcp"
	! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$BATS_TEST_TMPDIR/cli"
	grep -q '^title: *evil \\x1b\[31mred$' "$BATS_TEST_TMPDIR/cli"
	grep -q '^log: *.ruru/sessions/S-EVIL/session_log.md$' "$BATS_TEST_TMPDIR/cli"
	grep -q '^goal: *first \\x1b\[2J line$' "$BATS_TEST_TMPDIR/cli"
	grep -q '^entries: *2$' "$BATS_TEST_TMPDIR/cli"
	grep -q 'one \\x1b\]0;t\\x07' "$BATS_TEST_TMPDIR/cli"
	# the last N entries: the same bytes again
	[ "$("$RURU" show S-EVIL -n 1)" = "$(mcp_text session_show '{"session":"S-EVIL","entries":1}')" ]
	[[ "$("$RURU" show S-EVIL -n 1)" == *"] delegation mode=dev task=TASK-A-1: two" ]]
}
