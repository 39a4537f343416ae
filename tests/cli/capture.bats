#!/usr/bin/env bats
# capture.bats — the log that writes itself: `init --host HOST --capture`,
# `capture --hook HOST` fed the hosts' documented hook payloads
# (tests/fixtures/hosts/HOST/hooks/), one entry per event whoever logs it
# first, and `import HOST FILE` of the transcripts in
# tests/fixtures/transcripts/ (written by gen.py there).

load helpers

FIX="$BATS_TEST_DIRNAME/../fixtures/hosts"
TR="$BATS_TEST_DIRNAME/../fixtures/transcripts"

setup() {
	setup_workspace >/dev/null 2>&1
}
teardown() { teardown_workspace; }

# Entries of the active session's log with this source.
captured() { grep -c "source \`$1\`" "$(log_of "${2:-}")" || true; }
entries() { grep -c '^- \[' "$(log_of "${1:-}")"; }

hook() { "$RURU" capture --hook "$1" <"$FIX/$1/hooks/$2.json"; }

@test "init --host claude --capture adds the capture hooks beside ruru's others; a re-run changes nothing" {
	mkdir .claude
	printf '{\n  "model": "opus",\n  "hooks": {\n    "PreCompact": [{"hooks": [{"type": "command", "command": "echo keep"}]}]\n  }\n}' >.claude/settings.json
	cp .claude/settings.json orig.json
	run "$RURU" init --host claude --capture
	[ "$status" -eq 0 ]
	run python3 - <<-'PY'
	import json
	d = json.load(open(".claude/settings.json"))
	h = d["hooks"]
	cmds = lambda ev: [x["command"] for g in h.get(ev, []) for x in g["hooks"]]
	assert d["model"] == "opus"
	assert cmds("SessionStart") == ["ruru prime --hook claude"]
	assert cmds("PreCompact") == ["echo keep", "ruru prime --hook claude", "ruru capture --hook claude"]
	for ev in ("UserPromptSubmit", "PreToolUse", "PostToolUse", "SessionEnd"):
	    assert cmds(ev) == ["ruru capture --hook claude"], ev
	assert [g.get("matcher") for g in h["PreToolUse"]] == ["Task|Agent"]
	PY
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	before=$(sum .claude/settings.json)
	"$RURU" init --host claude --capture
	[ "$(sum .claude/settings.json)" = "$before" ]
}

@test "a capture hook is recognised by what it runs; --capture --remove takes those alone out, byte for byte" {
	mkdir .claude
	printf '{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "make lint"}]}]}}' >.claude/settings.json
	"$RURU" init --host claude
	cp .claude/settings.json wired.json
	"$RURU" init --host claude --capture
	sed -i 's|"ruru capture --hook claude"|"/opt/bin/ruru capture --hook claude"|' .claude/settings.json
	"$RURU" init --host claude --capture
	[ "$(grep -c 'capture --hook claude' .claude/settings.json)" -eq 5 ]
	"$RURU" init --host claude --capture --remove
	cmp .claude/settings.json wired.json
	"$RURU" init --host claude --capture
	"$RURU" init --host claude --remove
	[ "$(cat .claude/settings.json)" = '{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "make lint"}]}]}}' ]
}

@test "init --capture for codex (.codex/hooks.json) and gemini (.gemini/settings.json); --remove is byte-exact" {
	mkdir .gemini .codex
	printf '{\n  "theme": "Dracula",\n  "hooks": {"BeforeTool": [{"matcher": "write_file", "hooks": [{"type": "command", "command": "./lint.sh"}]}]}\n}' >.gemini/settings.json
	cp .gemini/settings.json gemini.orig
	run "$RURU" init --host codex,gemini --capture
	[ "$status" -eq 0 ]
	[[ "$output" == *"codex_hooks = true"* ]]
	grep -q '"UserPromptSubmit"' .codex/hooks.json
	grep -q '"SubagentStop"' .codex/hooks.json
	grep -q 'ruru capture --hook codex' .codex/hooks.json
	grep -q '"BeforeAgent"' .gemini/settings.json
	grep -q '"AfterTool"' .gemini/settings.json
	grep -q '"./lint.sh"' .gemini/settings.json
	"$RURU" init --host codex,gemini --capture --remove
	! grep -q 'ruru capture' .gemini/settings.json
	grep -q '"mcpServers"' .gemini/settings.json
	# ruru's SessionStart (prime) hook stays: only the capture hooks went.
	! grep -q 'ruru capture' .codex/hooks.json
	grep -q 'ruru prime --hook codex' .codex/hooks.json
	"$RURU" init --host codex,gemini --capture
	"$RURU" init --host codex,gemini --remove
	cmp .gemini/settings.json gemini.orig
	[ ! -e .codex/hooks.json ]
}

@test "capture of Claude Code's documented payloads: prompt, delegation, result, compaction, each with source \"claude hook\"" {
	"$RURU" new "capture test" >/dev/null
	for e in UserPromptSubmit PreToolUse-Task PostToolUse-Task PostToolUse-Write PostToolUseFailure-Task PreCompact; do
		run hook claude "$e"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
	log=$(log_of)
	grep -q '\*\*prompt\*\* · source `claude hook`: Write a function to calculate the factorial' "$log"
	grep -q '\*\*delegation\*\* · mode `code-reviewer` · source `claude hook`: Review the auth change' "$log"
	grep -q '\*\*result\*\* · mode `code-reviewer` · outcome `success` · source `claude hook`: The change looks right' "$log"
	grep -q '\*\*result\*\* · mode `test-runner` · outcome `failure` · source `claude hook`: Agent stopped' "$log"
	grep -q '\*\*note\*\* · source `claude hook`: Context compaction (manual): Keep the session ID' "$log"
	# a tool that is no subagent is not logged
	[ "$(captured 'claude hook')" -eq 5 ]
	# read back through show and the digest
	run "$RURU" --json show
	[[ "$output" == *'"source":"claude hook"'* ]]
	run "$RURU" show --digest
	[[ "$output" == *"Write a function to calculate the factorial"* ]]
}

@test "capture of Codex's and Gemini CLI's documented payloads" {
	"$RURU" new "hosts" >/dev/null
	for e in UserPromptSubmit SubagentStart SubagentStop PreCompact; do hook codex "$e"; done
	for e in BeforeAgent AfterTool-agent AfterTool-read_file PreCompress; do hook gemini "$e"; done
	log=$(log_of)
	grep -q '\*\*prompt\*\* · source `codex hook`: Find every use of session expiry' "$log"
	grep -q '\*\*delegation\*\* · mode `explorer` · source `codex hook`' "$log"
	grep -q '\*\*result\*\* · mode `explorer` · outcome `success` · source `codex hook`: Found 4 uses' "$log"
	grep -q '\*\*note\*\* · source `codex hook`: Context compaction (auto)' "$log"
	grep -q '\*\*prompt\*\* · source `gemini hook`: Map where session expiry is read' "$log"
	grep -q '\[2026-03-14 09:26:53Z\] \*\*delegation\*\* · mode `codebase_investigator` · source `gemini hook`' "$log"
	grep -q '\*\*result\*\* · mode `codebase_investigator` · outcome `success` · source `gemini hook`: Expiry is read' "$log"
	[ "$(captured 'gemini hook')" -eq 4 ]
	# a project's own Gemini agent is an agent too
	mkdir -p .gemini/agents && printf -- '---\nname: doc-writer\n---\n' >.gemini/agents/doc-writer.md
	sed 's/codebase_investigator/doc-writer/' "$FIX/gemini/hooks/AfterTool-agent.json" | "$RURU" capture --hook gemini
	grep -q 'mode `doc-writer`' "$log"
}

@test "a capture never gets in the host's way: no stdout, one line on stderr, exit 0; no active session starts none" {
	run --separate-stderr "$RURU" capture --hook claude <"$FIX/claude/hooks/UserPromptSubmit.json"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ "$stderr" == *"no active session"* ]]
	[ -z "$(ls .ruru/sessions)" ]
	"$RURU" new "x" >/dev/null
	before=$(sum "$(log_of)")
	for bad in 'not json' '[1,2]' '' '{"hook_event_name": 7}'; do
		run --separate-stderr "$RURU" capture --hook claude <<<"$bad"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
	[ "$(sum "$(log_of)")" = "$before" ]
	# Gemini CLI reads a hook's stdout as JSON: "{}", whatever happened
	run --separate-stderr "$RURU" capture --hook gemini <<<'not json'
	[ "$status" -eq 0 ]
	[ "$output" = "{}" ]
	run --separate-stderr "$RURU" capture --hook gemini <"$FIX/gemini/hooks/BeforeAgent.json"
	[ "$output" = "{}" ]
	[ -z "$stderr" ]
	run --separate-stderr "$RURU" capture --hook nosuchhost <"$FIX/claude/hooks/UserPromptSubmit.json"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[ "$(grep -c 'source `gemini hook`' "$(log_of)")" -eq 1 ]
}

@test "capture.start = true in .ruru/config.toml starts a session named after the prompt" {
	printf '[capture]\nstart = true\n' >.ruru/config.toml
	run --separate-stderr "$RURU" capture --hook claude <"$FIX/claude/hooks/UserPromptSubmit.json"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	id=$(cat .ruru/sessions/.active)
	[[ "$id" == SESSION-Write_a_function_to_calculate_the_fact* ]]
	[ "$(captured 'claude hook')" -eq 1 ]
}

@test "captured text is redacted like exports and bounded: long text goes to an artifact the entry names" {
	"$RURU" new "secrets" >/dev/null
	long=$(python3 -c 'print("x" * 5000)')
	python3 -c '
import json, sys
print(json.dumps({"hook_event_name": "UserPromptSubmit", "session_id": "s",
  "prompt": "deploy with AKIAIOSFODNN7EXAMPLE and password=hunter2-secret then " + "y" * 5000}))' |
		"$RURU" capture --hook claude
	log=$(log_of)
	! grep -rq 'AKIAIOSFODNN7EXAMPLE\|hunter2' .ruru/sessions/
	grep -q '\[REDACTED:aws-access-key\]' "$log"
	art=$(grep -o 'artifacts/captured/claude-prompt-[0-9a-f-]*\.md' "$log" | head -1)
	[ -n "$art" ]
	grep -q "artifact \`$art\`" "$log"
	grep -q "bytes more: $art" "$log"
	f=".ruru/sessions/$(cat .ruru/sessions/.active)/$art"
	grep -q 'y\{5000\}' "$f"
	grep -q "\"$art\"" "$log"  # in related_artifacts
	line=$(grep -n 'source `claude hook`' "$log" | cut -d: -f1)
	[ "$(sed -n "${line}p" "$log" | wc -c)" -lt 1200 ]
}

@test "property: a captured event and the model's own log of it within the minute give one entry, in either order" {
	"$RURU" new "dedup" >/dev/null
	log=$(log_of)
	for i in $(seq 1 24); do
		kind=$((i % 4))
		export RURU_NOW=$(printf '2026-11-24T04:%02d:%02dZ' $((i * 2)) $((i % 50)))
		later=$(printf '2026-11-24T04:%02d:%02dZ' $((i * 2)) $((i % 50 + 9)))
		case $kind in
		0) payload='{"hook_event_name":"UserPromptSubmit","prompt":"prompt number '$i'"}'
		   model=(log --type prompt "the user asked for thing $i") ;;
		1) payload='{"hook_event_name":"PreToolUse","tool_name":"Task","tool_input":{"description":"job '$i'","subagent_type":"mode-'$i'"}}'
		   model=(log --type delegation --mode "mode-$i" "delegated job $i") ;;
		2) payload='{"hook_event_name":"PostToolUse","tool_name":"Agent","tool_input":{"subagent_type":"mode-'$i'"},"tool_response":{"content":[{"type":"text","text":"done '$i'"}]}}'
		   model=(log --type result --mode "mode-$i" --outcome success "result of job $i") ;;
		3) payload='{"hook_event_name":"PreCompact","trigger":"auto"}'
		   model=(log --type note "Context compaction (auto)") ;;
		esac
		n=$(entries)
		if [ $((i % 2)) -eq 0 ]; then
			"$RURU" capture --hook claude <<<"$payload"
			RURU_NOW=$later "$RURU" "${model[@]}"
		else
			"$RURU" "${model[@]}"
			RURU_NOW=$later "$RURU" capture --hook claude <<<"$payload"
		fi
		[ "$(entries)" -eq $((n + 1)) ] || { echo "case $i kind $kind: $(tail -3 "$log")"; false; }
		# the same hook run twice is one entry too
		RURU_NOW=$later "$RURU" capture --hook claude <<<"$payload"
		[ "$(entries)" -eq $((n + 1)) ] || { echo "case $i repeated"; false; }
	done
}

@test "not the same event: more than a minute apart, another mode, or a task the capture lacks" {
	"$RURU" new "distinct" >/dev/null
	p='{"hook_event_name":"PreToolUse","tool_name":"Task","tool_input":{"description":"x","subagent_type":"dev"}}'
	n=$(entries)
	RURU_NOW=2026-11-24T05:00:00Z "$RURU" capture --hook claude <<<"$p"
	RURU_NOW=2026-11-24T05:01:30Z "$RURU" log --type delegation --mode dev "too late"
	RURU_NOW=2026-11-24T05:01:31Z "$RURU" log --type delegation --mode other "another mode"
	RURU_NOW=2026-11-24T06:00:00Z "$RURU" capture --hook claude <<<"$p"
	RURU_NOW=2026-11-24T06:00:05Z "$RURU" log --type delegation --mode dev --task TASK-DEV-20261124-060005 "with its task"
	[ "$(entries)" -eq $((n + 5)) ]
	# two prompts of the user in one minute are two prompts
	"$RURU" capture --hook claude <<<'{"hook_event_name":"UserPromptSubmit","prompt":"one"}'
	"$RURU" capture --hook claude <<<'{"hook_event_name":"UserPromptSubmit","prompt":"two"}'
	[ "$(entries)" -eq $((n + 7)) ]
}

@test "the end of the host's session pauses the session when nothing is open, else notes what is open" {
	"$RURU" new "end" >/dev/null
	"$RURU" log --type delegation --mode dev "open work"
	hook claude SessionEnd
	run "$RURU" --json show
	[[ "$output" == *'"status":"active"'* ]]
	grep -q '\*\*note\*\* · source `claude hook`: Claude Code session ended (prompt_input_exit); 1 open item, so the session stays active' "$(log_of)"
	"$RURU" log --type result --mode dev --outcome success "done"
	hook claude SessionEnd
	run "$RURU" --json show
	[[ "$output" == *'"status":"paused"'* ]]
	grep -q '\*\*session\*\* · source `claude hook`: Session paused: Claude Code session ended' "$(log_of)"
	# once paused, a later end says nothing and changes nothing
	before=$(sum "$(log_of)")
	hook claude SessionEnd
	[ "$(sum "$(log_of)")" = "$before" ]
}

@test "import of each host's transcript: the events with their times, the conversation as an artifact, problems with their line" {
	"$RURU" new "keep me active" >/dev/null
	active=$(cat .ruru/sessions/.active)
	for h in claude codex gemini; do
		run --separate-stderr "$RURU" import "$h" "$TR/$h.jsonl"
		[ "$status" -eq 0 ] || { echo "$stderr"; false; }
		id=$output
		[ -d ".ruru/sessions/$id" ]
		log=".ruru/sessions/$id/session_log.md"
		# the malformed line is reported with its line number, and skipped
		bad=$(python3 -c '
import json, sys
for n, l in enumerate(open(sys.argv[1]), 1):
    try:
        json.loads(l)
    except ValueError:
        print(n)' "$TR/$h.jsonl")
		[ -n "$bad" ]
		[[ "$stderr" == *"$h.jsonl:$bad: malformed JSON"* ]] || { echo "want line $bad: $stderr"; false; }
		[ "$(grep -c "source \`$h transcript\`" "$log")" -eq 15 ]
		[ "$(grep -c '\*\*prompt\*\*' "$log")" -eq 8 ]
		[ "$(grep -c '\*\*delegation\*\*' "$log")" -eq 2 ]
		[ "$(grep -c '\*\*result\*\*.*outcome `success`' "$log")" -eq 1 ]
		[ "$(grep -c '\*\*result\*\*.*outcome `failure`' "$log")" -eq 1 ]
		[ "$(grep -c '\*\*note\*\*.*ompaction' "$log")" -eq 1 ]
		grep -q '^- \[2026-03-14 09:26:53Z\] \*\*session\*\*' "$log"
		grep -q '^start_time = 2026-03-14T09:26:53Z' "$log"
		grep -q '^status = "⏸️ Paused"' "$log"
		art=".ruru/sessions/$id/$(grep -o 'artifacts/transcript-[a-z]*-[0-9-]*\.md' "$log" | head -1)"
		[ -f "$art" ]
		grep -q 'unknown kind' "$art"
		grep -q 'Refactor the auth module' "$art"
		# planted secrets are redacted in the log and in the artifact
		! grep -rq 'AKIAIOSFODNN7EXAMPLE\|ghp_a1B2\|hunter2' ".ruru/sessions/$id"
		grep -q 'REDACTED:github-token' "$art"
	done
	[ "$(cat .ruru/sessions/.active)" = "$active" ]
	run "$RURU" check
	[ "$status" -eq 0 ]
}

@test "import: Gemini's saved chat as one document, JSON report, stdin, unknown host" {
	run --separate-stderr "$RURU" --json import gemini - <"$TR/gemini.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"entries":15'* ]]
	[[ "$output" == *'"unknown":1'* ]]
	[[ "$output" == *'"problems":[]'* ]]
	run "$RURU" import cursor "$TR/claude.jsonl"
	[ "$status" -eq 2 ]
	# a transcript of nothing but garbage still makes a session, and says so
	printf 'garbage\n{"type":"mystery"}\n' >junk.jsonl
	run --separate-stderr "$RURU" import claude junk.jsonl
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"junk.jsonl:1: malformed JSON"* ]]
}

@test "a fault at any storage step of import or capture changes nothing" {
	head -40 "$TR/claude.jsonl" >small.jsonl
	"$RURU" new "faults" >/dev/null
	long=$(printf 'z%.0s' $(seq 1 1500))
	for step in open write fsync chmod rename link mkdir lock dirsync; do
		for n in $(seq 1 30); do
			before=$(workspace_snap)
			run --separate-stderr env RURU_FAULT="$step:$n" "$RURU" import claude small.jsonl
			[ "$status" -eq 0 ] && break
			[ "$(workspace_snap)" = "$before" ] || { echo "import $step:$n changed the workspace"; diff <(echo "$before") <(workspace_snap); false; }
		done
		[ "$status" -eq 0 ] || { echo "import $step: still failing"; false; }
		for n in $(seq 1 30); do
			before=$(workspace_snap)
			run --separate-stderr env RURU_FAULT="$step:$n" "$RURU" capture --hook claude \
				<<<"{\"hook_event_name\":\"UserPromptSubmit\",\"prompt\":\"$step $long\"}"
			[ "$status" -eq 0 ] && [ -z "$output" ]
			[ -z "$stderr" ] && break
			[ "$(workspace_snap)" = "$before" ] || { echo "capture $step:$n changed the workspace"; diff <(echo "$before") <(workspace_snap); false; }
		done
		[ -z "$stderr" ] || { echo "capture $step: still failing"; false; }
		grep -q "prompt\*\* · artifact \`artifacts/captured/claude-prompt-" "$(log_of)"
	done
	run "$RURU" check
	[ "$status" -eq 0 ]
}

@test "import codex: a rollout of the older form (response items without the payload wrapper)" {
	run --separate-stderr "$RURU" import codex "$TR/codex-legacy.jsonl"
	[ "$status" -eq 0 ]
	log=".ruru/sessions/$output/session_log.md"
	grep -q '\*\*prompt\*\* · source `codex transcript`: Add a health check endpoint' "$log"
	[ "$(grep -c '\*\*prompt\*\*' "$log")" -eq 1 ]
	grep -q '^start_time = 2025-07-01T10:00:00Z' "$log"
	[[ "$stderr" == *"0 of an unknown kind"* ]]
}

@test "Claude Code's SubagentStop (not installed by init: PostToolUse gives the result) logs a result when a user wires it" {
	"$RURU" new "subagent stop" >/dev/null
	hook claude SubagentStop
	grep -q '\*\*result\*\* · mode `code-reviewer` · outcome `success` · source `claude hook`: Review done: one nit in tokens.py' "$(log_of)"
}

@test "import gemini: content as parts, and header updates ({\"\$set\": ...}) are bookkeeping, not unknown records" {
	run --separate-stderr "$RURU" --json import gemini "$TR/gemini-updates.jsonl"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"unknown":0'* ]]
	id=$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["session"])')
	grep -q '\*\*prompt\*\* · source `gemini transcript`: hello there' ".ruru/sessions/$id/session_log.md"
}

@test "init --capture for a host without hooks says so and adds none" {
	run "$RURU" init --host cursor --capture
	[ "$status" -eq 0 ]
	[[ "$output" == *"Cursor: no hooks to capture from"* ]]
	! grep -rq 'ruru capture' .cursor
}

@test "import claude: an image in a prompt is marked in the artifact, its bytes stay with the host" {
	run --separate-stderr "$RURU" import claude "$TR/claude-image.jsonl"
	[ "$status" -eq 0 ]
	! grep -rq 'iVBORw0KGgo' ".ruru/sessions/$output"
	grep -q '\] image$' ".ruru/sessions/$output"/artifacts/transcript-claude-*.md
	grep -q '\*\*prompt\*\* · source `claude transcript`: what is in this screenshot?' ".ruru/sessions/$output/session_log.md"
}

@test "a log skipped as the same event as a captured one says so on stderr, with the line it repeats (exit 0); --json names it" {
	"$RURU" new "said" >/dev/null
	log=$(log_of)
	# a log longer than the tail that dedup reads, so the line counts the
	# whole file
	for i in $(seq 1 120); do
		RURU_NOW=2026-11-24T03:00:00Z "$RURU" log "filler note number $i, long enough to fill the tail of the log quickly: the tail that dedup reads is sixteen kilobytes" >/dev/null
	done
	[ "$(wc -c <"$log")" -gt 16384 ]
	RURU_NOW=2026-11-24T04:00:00Z "$RURU" capture --hook claude <<<'{"hook_event_name":"UserPromptSubmit","prompt":"ship it"}'
	line=$(grep -n 'source `claude hook`' "$log" | tail -1 | cut -d: -f1)
	n=$(entries)
	run --separate-stderr env RURU_NOW=2026-11-24T04:00:09Z "$RURU" log --type prompt "ship it"
	[ "$status" -eq 0 ]
	[ "$(entries)" -eq "$n" ]
	[[ "$stderr" == *"entry not written: it repeats the entry at line $line of the log"* ]] || { echo "$stderr (want line $line)"; false; }
	run --separate-stderr env RURU_NOW=2026-11-24T04:00:10Z "$RURU" --json log --type prompt "ship it"
	[ "$status" -eq 0 ]
	[ "$(jq .duplicate_of <<<"$output")" -eq "$line" ]
	# a logged entry says nothing of the kind
	run --separate-stderr env RURU_NOW=2026-11-24T04:05:00Z "$RURU" log --type prompt "another thing"
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
}
