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
