#!/usr/bin/env bats
# append_calls.bats — one `ruru log` reaches the session log through as
# few opens as its guarantees need: one to read the front matter (kept
# open for the duplicate check and the last byte), one O_APPEND write.
# Counted with strace(1) when it is installed (scripts/deps.sh bench).

load helpers

setup() {
	command -v strace >/dev/null 2>&1 || skip "strace not installed"
	setup_workspace
	"$RURU" new "Calls" >/dev/null
	TRACE="$WS.trace"
}

teardown() {
	rm -f "$TRACE"
	teardown_workspace
}

# Opens of the session log by one `ruru log $1` (read and append).
# (LeakSanitizer cannot run under ptrace: off for a SANITIZE=1 build.)
log_opens() {
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat,openat2 -o "$TRACE" \
		"$RURU" log "$1" >/dev/null
	grep -c 'session_log\.md"' "$TRACE"
}

@test "the first append to a session opens its log twice: read, then append" {
	run log_opens "first entry"
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	grep -q 'first entry' .ruru/sessions/*/session_log.md
}

@test "a later append (with the .state cache) opens its log twice too" {
	"$RURU" log "first entry" >/dev/null
	run log_opens "second entry"
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(grep -c 'entry' .ruru/sessions/*/session_log.md)" = 2 ]
}

@test "a small log's duplicate is found in the text already read, with its line" {
	log=$(ls .ruru/sessions/*/session_log.md)
	RURU_NOW=2026-11-24T04:00:00Z "$RURU" capture --hook claude <<<'{"hook_event_name":"UserPromptSubmit","prompt":"ship it"}'
	line=$(grep -n 'source `claude hook`' "$log" | tail -1 | cut -d: -f1)
	before=$(cat "$log")
	run --separate-stderr env RURU_NOW=2026-11-24T04:00:09Z "$RURU" log --type prompt "ship it"
	[ "$status" -eq 0 ]
	[ "$(cat "$log")" = "$before" ]
	[[ "$stderr" == *"repeats the entry at line $line of the log"* ]] || { echo "$stderr (want $line)"; false; }
}
