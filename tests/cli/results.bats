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
