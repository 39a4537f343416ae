#!/usr/bin/env bats
# entries.bats — whole entries and honest reading:
# unclosed fences, torn tails after a kill or a
# file-size limit, "+++" in front matter edits, check's severities, drifted
# logs read without pretending.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

@test "an unclosed fence in a hand-written entry hides no later entry; check reports it" {
	"$RURU" new "Fence" >/dev/null
	f=$(log_of)
	printf -- '- [2026-11-24 03:15:30] hand-written note with a traceback\n```\nTraceback (most recent call last):\n' >>"$f"
	run "$RURU" log "after the fence"
	[ "$status" -eq 0 ]
	"$RURU" log --type decision "second after the fence"
	run "$RURU" show --json
	[ "$(jq -r '.entries[-2].message' <<<"$output")" = "after the fence" ]
	[ "$(jq -r '.entries[-1].message' <<<"$output")" = "second after the fence" ]
	[ "$(jq -r '.entries[-1].type' <<<"$output")" = "decision" ]
	run "$RURU" show
	[[ "$output" == *"second after the fence"* ]]
	run "$RURU" show --digest
	[[ "$output" == *"second after the fence"* ]] || [[ "$output" == *"unknown option"* ]]
	run "$RURU" check
	[ "$status" -eq 4 ]
	[[ "$output" == *"session_log.md:"*": error: code fence never closed"*"[unclosed-fence]"* ]]
}

@test "a torn entry left by a killed append is ignored, reported by check and cut by the next write" {
	"$RURU" new "Torn" >/dev/null
	"$RURU" log "first"
	f=$(log_of)
	d=$(dirname "$f")
	good=$(sum "$f")
	size=$(stat -c %s "$f")
	ino=$(stat -c %i "$f")
	# what a writer killed in the middle of a 200-byte append leaves behind
	printf 'append-pending %s 200 %s\n' "$size" "$ino" >"$d/.state"
	printf -- '- [2026-11-24 03:15:20Z] **note**: this entry was cut sh' >>"$f"
	run "$RURU" show --json
	[ "$(jq -r '.entries[-1].message' <<<"$output")" = "first" ]
	run "$RURU" check
	[ "$status" -eq 4 ]
	[[ "$output" == *"error: torn entry"*"[torn-entry]"* ]]
	run "$RURU" --json check
	[ "$(jq -r '.problems[0].code' <<<"$output")" = "torn-entry" ]
	"$RURU" log "second"
	run "$RURU" show --json
	[ "$(jq -r '[.entries[].message] | join(",")' <<<"$output")" = "Session started with goal: Torn,first,second" ]
	! grep -q "cut sh" "$f"
	"$RURU" check
	# a forged intent (a cache is anybody's file) cannot make ruru cut text
	# that does not look like what ruru appends
	size=$(stat -c %s "$f")
	printf 'append-pending %s 100 %s\n' "$((size - 7))" "$(stat -c %i "$f")" >"$d/.state"
	h=$(sum "$f")
	"$RURU" check
	run "$RURU" show --json
	[ "$(jq -r '.entries[-1].message' <<<"$output")" = "second" ]
	"$RURU" log "third"
	[ "$(head -c "$size" "$f" | sha256sum | cut -d' ' -f1)" = "$h" ]
	# an intent whose append completed is no torn tail
	size=$(stat -c %s "$f")
	printf 'append-pending %s 10 %s\n' "$((size - 10))" "$(stat -c %i "$f")" >"$d/.state"
	h=$(sum "$f")
	"$RURU" check
	"$RURU" pause
	run "$RURU" show --json
	[ "$(jq -r '.entries[-2].message' <<<"$output")" = "third" ]
}

@test "SIGKILL during 1 MB appends: no torn entry survives the next command" {
	"$RURU" new "Kill" >/dev/null
	python3 "$BATS_TEST_DIRNAME/torn_killtest.py" "$RURU" "$(log_of)" 12
}

@test "a write past ulimit -f fails like a full disk and leaves no torn entry" {
	"$RURU" new "Ulimit" >/dev/null
	f=$(log_of)
	h=$(sum "$f")
	head -c 2000000 /dev/zero | tr '\0' 'a' >big.txt
	run bash -c 'ulimit -f 1000; "$0" log - <big.txt' "$RURU"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot append"* ]]
	[ "$(sum "$f")" = "$h" ]
	"$RURU" log "still fine"
	"$RURU" check
	# and through a rewrite (a front matter change) too
	run bash -c 'ulimit -f 1000; "$0" log --type delegation --task TASK-BIG-1 - <big.txt' "$RURU"
	[ "$status" -ne 0 ]
	run "$RURU" show --json
	[ "$(jq -r '.entries[-1].message' <<<"$output")" = "still fine" ]
	[ -z "$(ls -A "$(dirname "$f")" | grep -v '^\.lock$\|^\.state$\|^artifacts$\|^session_log.md$')" ]
}

@test "toml set and append refuse a value that puts a +++ line into a front matter" {
	"$RURU" new "Fm" >/dev/null
	f=$(log_of)
	h=$(sum "$f")
	run "$RURU" toml set "$f" title $'"""\nbefore\n+++\nafter"""'
	[ "$status" -eq 4 ]
	[[ "$output" == *'"+++"'* ]]
	run "$RURU" toml set "$f" title $'"""\n+++\r\n"""'
	[ "$status" -eq 4 ]
	run "$RURU" toml append "$f" tags $'"""\n+++\n"""'
	[ "$status" -eq 4 ]
	[ "$(sum "$f")" = "$h" ]
	"$RURU" log "the session can still be written"
	# a "+++" that is not a whole line is fine, and plain TOML files are not front matter
	"$RURU" toml set "$f" title $'"""\n+++ not a fence\n"""'
	"$RURU" check
	printf 'a = 1\n' >plain.toml
	"$RURU" toml set plain.toml a $'"""\n+++\n"""'
}

@test "check: severities, folded repeats, per-file summary, --json objects, --errors-only" {
	"$RURU" new "Clean" --tag a --tag a >/dev/null
	"$RURU" log "one"
	run "$RURU" check
	[ "$status" -eq 0 ]
	mkdir -p .ruru/sessions/S-DRIFT
	{
		printf '+++\nid = "S-DRIFT"\ntitle = "Drifted"\nstatus = "Active"\nstart_time = "2025-05-01 10:00"\n+++\n\n## Log Entries\n\n'
		for i in $(seq 10 59); do printf -- '- [2025-05-01 10:%s] step %s\n' "$i" "$i"; done
		printf -- '- [YYYY-MM-DD HH:MM:SS] Created artifact: `[path]`\n'
		printf -- '- [{{timestamp}}] template line\n'
	} >.ruru/sessions/S-DRIFT/session_log.md
	run "$RURU" check
	# drift ruru reads fine: warnings, exit 0, one line for 50 zone-less stamps
	[ "$status" -eq 0 ]
	[ "$(grep -c 'no time zone' <<<"$output")" -eq 1 ]
	[[ "$output" == *"S-DRIFT/session_log.md:10:1: warning: entry timestamp \"2025-05-01 10:10\" has no time zone"*"(50 times in this file; the first is shown) [timestamp-no-zone]"* ]]
	[ "$(grep -c 'warning: placeholder' <<<"$output")" -eq 1 ]
	[[ "$output" == *"S-DRIFT/session_log.md: 0 errors, 2 warnings"* ]]
	[[ "$output" == *"2 logs checked: 0 errors, 2 warnings"* ]]
	run "$RURU" check --errors-only
	[ "$status" -eq 0 ]
	[[ "$output" != *warning* ]]
	run "$RURU" --json check
	[ "$status" -eq 0 ]
	p=$(jq -c '.problems[] | select(.code == "timestamp-no-zone")' <<<"$output")
	[ "$(jq -r '[.file, .line, .column, .severity, .count] | join(" ")' <<<"$p")" = ".ruru/sessions/S-DRIFT/session_log.md 10 1 warning 50" ]
	[ "$(jq -r '.problems[] | select(.code == "placeholder") | .count' <<<"$output")" = 2 ]
	[ "$(jq -r '.warnings' <<<"$output")" = 2 ]
	[ "$(jq -r '.files | length' <<<"$output")" = 2 ]
	# an error makes it exit 4; --errors-only keeps it
	sed -i 's/^status = "Active"/status = "bogus"/' .ruru/sessions/S-DRIFT/session_log.md
	run "$RURU" check --errors-only
	[ "$status" -eq 4 ]
	[[ "$output" == *"error: unknown status \"bogus\" [unknown-status]"* ]]
	[[ "$output" != *warning* ]]
	run "$RURU" --json check --errors-only
	[ "$(jq -r '[.problems[].severity] | unique | join(",")' <<<"$output")" = "error" ]
	[ "$(jq -r '.ok' <<<"$output")" = false ]
}

@test "drifted logs read honestly: guessed types marked, zone-less stamps without a zone" {
	mkdir -p .ruru/sessions/S-OLD
	printf '+++\nid = "S-OLD"\ntitle = "Old"\nstatus = "Active"\nstart_time = 2025-05-01T10:00:00+10:00\n+++\n\n## Log Entries\n\n- [2025-05-01 10:00:00+10:00] **note**: written with a type\n- [2025-05-01 10:05] Delegated the parser to dev-python\n- [2025-05-01 10:06:07Z] Assumed user confirmed\n' \
		>.ruru/sessions/S-OLD/session_log.md
	run "$RURU" show S-OLD --json
	[ "$status" -eq 0 ]
	e="$output"
	[ "$(jq -r '.entries[0] | [.type, .type_inferred, .zone, .time] | join(" ")' <<<"$e")" = "note false +10:00 2025-05-01T00:00:00Z" ]
	[ "$(jq -r '.entries[1].type_inferred' <<<"$e")" = true ]
	[ "$(jq -r '.entries[1].zone' <<<"$e")" = null ]
	[ "$(jq -r '.entries[1].time' <<<"$e")" = "2025-05-01T10:05:00" ]
	[ "$(jq -r '.entries[2].zone' <<<"$e")" = Z ]
	run "$RURU" show S-OLD
	[[ "$output" == *"] delegation? mode?=dev-python: Delegated the parser"* ]]
	[ "$(jq -c '[.entries[] | .fields_inferred]' <<<"$e")" = '[[],["mode"],[]]' ]
	[[ "$output" == *"] confirm-response?: Assumed user confirmed"* ]]
	[[ "$output" == *"] note: written with a type"* ]]
}

@test "a log whose front matter ends lines with CRLF and whose body with LF: an appended entry reads back as written" {
	"$RURU" new "Mixed" >/dev/null
	f=$(log_of)
	python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
t = open(p, "rb").read()
end = t.index(b"\n+++", 3) + 4
open(p, "wb").write(t[:end].replace(b"\n", b"\r\n") + t[end:])
PY
	"$RURU" log "$(printf 'first line\n  indented\n\nlast')"
	run "$RURU" show --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.entries[-1].message' <<<"$output")" = "$(printf 'first line\n  indented\n\nlast')" ]
	# the entry took the body's line ending, not the front matter's
	! tail -n 4 "$f" | grep -q $'\r'
	run "$RURU" check
	[ "$status" -eq 0 ]
}
