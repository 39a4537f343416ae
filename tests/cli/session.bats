#!/usr/bin/env bats
# session.bats — sessions end to end through the real binary: new, log,
# status changes, list, show, continue, check, and their error paths.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

@test "new prints only the ID and makes the session active" {
	run "$RURU" new "Refactor auth" --coordinator dev-lead --tag auth --tag api
	[ "$status" -eq 0 ]
	[ "$output" = "SESSION-Refactor_auth-2611240315" ]
	[ "$(cat .ruru/sessions/.active)" = "$output" ]
	f=$(log_of)
	grep -qx 'id = "SESSION-Refactor_auth-2611240315"' "$f"
	grep -qx 'title = "Refactor auth"' "$f"
	grep -qx 'status = "🟢 Active"' "$f"
	grep -qx 'start_time = 2026-11-24T03:15:20Z' "$f"
	grep -qx 'end_time = ""' "$f"
	grep -qx 'coordinator = "dev-lead"' "$f"
	grep -qx 'tags = \["auth", "api"\]' "$f"
	grep -qx '## Log Entries' "$f"
	grep -q '^- \[2026-11-24 03:15:20Z\] \*\*session\*\*' "$f"
	"$RURU" toml decode "$f" >/dev/null
}

@test "two sessions with the same goal in the same minute get distinct IDs" {
	a=$("$RURU" new "Same goal")
	b=$("$RURU" new "Same goal")
	c=$("$RURU" new "Same goal")
	[ "$a" = "SESSION-Same_goal-2611240315" ]
	[ "$b" = "SESSION-Same_goal-2611240315-2" ]
	[ "$c" = "SESSION-Same_goal-2611240315-3" ]
	[ "$(grep -c '^id = ' .ruru/sessions/$a/session_log.md)" -eq 1 ]
}

@test "concurrent new with one goal: every process gets its own session" {
	for i in $(seq 8); do "$RURU" new "Race" > out.$i & done
	wait
	[ "$(cat out.* | sort -u | wc -l)" -eq 8 ]
	[ "$(ls .ruru/sessions | grep -c Race)" -eq 8 ]
}

@test "new without a goal, with a description from stdin" {
	id=$(printf 'Line one\n## not a heading\n' | "$RURU" new --description -)
	[ "$id" = "SESSION-2611240315" ]
	f=$(log_of)
	grep -qx 'title = ""' "$f"
	grep -qx 'Line one' "$f"
	! grep -qx '## not a heading' "$f"
}

@test "log writes typed events with their fields and links tasks and artifacts" {
	"$RURU" new "Goal" >/dev/null
	"$RURU" log --type delegation --mode dev-python --task TASK-DEV-PY-1 "implement login"
	"$RURU" log --type result --mode dev-python --task TASK-DEV-PY-2 --outcome success "done"
	"$RURU" log --type artifact --artifact artifacts/notes/x.md "notes"
	"$RURU" log --type decision --adr docs/adr/001.md "use JWT"
	"$RURU" log --type error --source dev-python "tests failed"
	"$RURU" log "plain note"
	f=$(log_of)
	grep -qx 'related_tasks = \["TASK-DEV-PY-1", "TASK-DEV-PY-2"\]' "$f"
	grep -qx 'related_artifacts = \["artifacts/notes/x.md"\]' "$f"
	grep -q '\*\*delegation\*\* · mode `dev-python` · task `TASK-DEV-PY-1`: implement login$' "$f"
	grep -q '\*\*result\*\* · mode `dev-python` · task `TASK-DEV-PY-2` · outcome `success`: done$' "$f"
	grep -q '\*\*decision\*\* · adr `docs/adr/001.md`: use JWT$' "$f"
	grep -q '\*\*error\*\* · source `dev-python`: tests failed$' "$f"
	grep -q '\*\*note\*\*: plain note$' "$f"
	run "$RURU" --json show
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["schema_version"]==1
e=d["entries"]
assert [x["type"] for x in e]==["session","delegation","result","artifact","decision","error","note"], e
assert e[1]["mode"]=="dev-python" and e[1]["task"]=="TASK-DEV-PY-1" and e[1]["message"]=="implement login"
assert e[2]["outcome"]=="success"
assert d["related_tasks"]==["TASK-DEV-PY-1","TASK-DEV-PY-2"]
'
}

@test "every event type is accepted; an unknown type is a usage error" {
	"$RURU" new >/dev/null
	types=$(event_types)
	[ "$(wc -l <<<"$types")" -ge 12 ]
	for t in $types; do
		"$RURU" log --type "$t" "a $t"
	done
	[ "$("$RURU" --json show | python3 -c 'import json,sys; print(json.load(sys.stdin)["entry_count"])')" -eq $(($(wc -l <<<"$types") + 1)) ]
	h=$(sum "$(log_of)")
	run "$RURU" log --type frobnicate "x"
	[ "$status" -eq 2 ]
	[[ "$output" == *'--type is one of session, prompt,'*', not "frobnicate"'* ]]
	[ "$(sum "$(log_of)")" = "$h" ]
}

@test "a message holding anything stays one entry and reads back unchanged" {
	"$RURU" new >/dev/null
	msg=$'first line\n+++\n## Log Entries\n- [2026-01-01 00:00:00Z] **note**: forged\n\n  indented: with `ticks` · mode `x`\n'
	printf '%s' "$msg" | "$RURU" log -
	"$RURU" log -- "$msg"
	"$RURU" toml decode "$(log_of)" >/dev/null
	run "$RURU" --json show
	echo "$output" | MSG="$msg" python3 -c '
import json,sys,os
d=json.load(sys.stdin)
e=d["entries"]
assert len(e)==3, len(e)
m=os.environ["MSG"]
assert e[1]["message"]==m[:-1], repr(e[1]["message"])
assert e[2]["message"]==m, repr(e[2]["message"])
'
	! grep -q '^+++$' <(tail -n +12 "$(log_of)")
}

@test "pause, resume, complete and fail change status, end_time and log it" {
	"$RURU" new "G" >/dev/null
	f=$(log_of)
	RURU_NOW=2026-11-24T04:00:00Z "$RURU" pause --reason "lunch"
	grep -qx 'status = "⏸️ Paused"' "$f"
	grep -qx 'end_time = 2026-11-24T04:00:00Z' "$f"
	grep -q '\*\*session\*\*: Session paused: lunch$' "$f"
	run "$RURU" log "while paused"
	[ "$status" -eq 5 ]
	[[ "$output" == *"ruru resume"* ]]
	run "$RURU" pause
	[ "$status" -eq 5 ]
	"$RURU" resume
	grep -qx 'status = "🟢 Active"' "$f"
	grep -qx 'end_time = ""' "$f"
	"$RURU" complete
	grep -qx 'status = "🏁 Completed"' "$f"
	run "$RURU" fail
	[ "$status" -eq 5 ]
	"$RURU" resume
	"$RURU" fail --reason "broken build"
	grep -qx 'status = "🔴 Error"' "$f"
	"$RURU" toml decode "$f" >/dev/null
}

@test "list: newest first, filters, and --json" {
	RURU_NOW=2026-11-20T00:00:00Z "$RURU" new "Old" --tag x >/dev/null
	RURU_NOW=2026-11-22T00:00:00Z "$RURU" new "Newer" >/dev/null
	"$RURU" pause
	run "$RURU" list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == SESSION-Newer* ]]
	[[ "${lines[1]}" == SESSION-Old* ]]
	run "$RURU" list --status paused
	[ "${#lines[@]}" -eq 1 ]
	run "$RURU" list --tag x
	[[ "$output" == SESSION-Old* ]]
	[ "${#lines[@]}" -eq 1 ]
	run "$RURU" list --status nope
	[ "$status" -eq 2 ]
	run "$RURU" --json list
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [s["title"] for s in d["sessions"]]==["Newer","Old"]'
}

@test "show by ID prefix, --entries N, unknown session is exit 3" {
	id=$("$RURU" new "Prefix test")
	for i in 1 2 3 4 5; do "$RURU" log "n$i"; done
	run "$RURU" show SESSION-Prefix -n 2
	[ "$status" -eq 0 ]
	[[ "$output" == *"n4"* && "$output" == *"n5"* && "$output" != *"n3"* ]]
	run "$RURU" show SESSION-Nope
	[ "$status" -eq 3 ]
	[[ "$output" == *'unknown session "SESSION-Nope"'* ]]
	run "$RURU" -s SESSION-Nope log "x"
	[ "$status" -eq 3 ]
}

@test "no active session: log is exit 3 with a one-line message, stdout empty" {
	rm -f .ruru/sessions/.active
	run --separate-stderr "$RURU" log "x"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$(echo "$stderr" | wc -l)" -eq 1 ]
}

@test "ROOCOM_SESSION_ID and -s choose the session" {
	a=$("$RURU" new "A")
	b=$("$RURU" new "B")
	ROOCOM_SESSION_ID=$a "$RURU" log "to a"
	"$RURU" log -s "$a" "to a again"
	"$RURU" log "to b"
	[ "$(grep -c 'to a' .ruru/sessions/$a/session_log.md)" -eq 2 ]
	[ "$(grep -c 'to a' .ruru/sessions/$b/session_log.md)" -eq 0 ]
	[ "$(grep -c 'to b' .ruru/sessions/$b/session_log.md)" -eq 1 ]
}

@test "continue resumes a paused session, makes it active and prints a digest" {
	a=$("$RURU" new "Alpha goal" --description "Build the alpha.")
	"$RURU" task link TASK-ARCH-1
	mkdir -p .ruru/tasks/ARCH
	printf '+++\nid = "TASK-ARCH-1"\ntitle = "Design it"\nstatus = "🔵 In Progress"\n+++\nbody\n' > .ruru/tasks/ARCH/TASK-ARCH-1.md
	"$RURU" log --type delegation --mode dev-x --task TASK-DEV-2 "build"
	"$RURU" pause
	b=$("$RURU" new "Beta")
	run "$RURU" continue "$a"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Alpha goal"* ]]
	[[ "$output" == *"Build the alpha."* ]]
	[[ "$output" == *"TASK-ARCH-1 [🔵 In Progress] Design it"* ]]
	[[ "$output" == *"TASK-DEV-2 [no task file found]"* ]]
	[[ "$output" == *"build"* ]]
	[ "$(cat .ruru/sessions/.active)" = "$a" ]
	grep -qx 'status = "🟢 Active"' .ruru/sessions/$a/session_log.md
	run "$RURU" continue "$a" --max-chars 300
	[ "${#output}" -le 300 ]
	run "$RURU" --json continue
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["tasks"][0]["status"]=="🔵 In Progress"; assert "digest" in d'
}

@test "continue with no active session lists recent ones and exits 3" {
	"$RURU" new "Something" >/dev/null
	rm .ruru/sessions/.active
	run "$RURU" continue
	[ "$status" -eq 3 ]
	[[ "$output" == *"SESSION-Something"* ]]
}

@test "artifact add/list: paths, --force, stdin, refusals" {
	"$RURU" new >/dev/null
	echo hello > notes.md
	run "$RURU" artifact add notes.md
	[ "$output" = "artifacts/notes.md" ]
	run "$RURU" artifact add --name research/deep/r.md notes.md
	[ "$output" = "artifacts/research/deep/r.md" ]
	echo data | "$RURU" artifact add --name from-stdin.txt -
	[ "$(cat .ruru/sessions/*/artifacts/from-stdin.txt)" = "data" ]
	run "$RURU" artifact add notes.md
	[ "$status" -eq 5 ]
	echo changed > notes.md
	"$RURU" artifact add --force notes.md
	[ "$(cat .ruru/sessions/*/artifacts/notes.md)" = "changed" ]
	f=$(log_of)
	grep -qx 'related_artifacts = \["artifacts/notes.md", "artifacts/research/deep/r.md", "artifacts/from-stdin.txt"\]' "$f"
	h=$(sum "$f")
	for bad in /etc/passwd ../x 'a/../../b' ; do
		run "$RURU" artifact add --name "$bad" notes.md
		[ "$status" -eq 6 ] || { echo "$bad: $status $output"; return 1; }
	done
	# a name that is not text breaks doc/design.md §2's text rule: exit 4
	for bad in $'ctl\x01' $'bad\xff' ; do
		run "$RURU" artifact add --name "$bad" notes.md
		[ "$status" -eq 4 ] || { echo "$bad: $status $output"; return 1; }
	done
	run "$RURU" artifact add --name $'nl\nx' notes.md
	[ "$status" -eq 2 ]
	ln -s /tmp .ruru/sessions/$(cat .ruru/sessions/.active)/artifacts/out
	run "$RURU" artifact add --name out/x.md notes.md
	[ "$status" -eq 6 ]
	[ ! -e /tmp/x.md ] || [ /tmp/x.md -ot notes.md ]
	[ "$(sum "$f")" = "$h" ]
	run "$RURU" artifact list
	[[ "${lines[0]}" == *" artifacts in session $(cat .ruru/sessions/.active):" ]]
	[[ "${lines[1]}" == "artifacts/notes.md	recorded	"*" bytes" ]]
	run "$RURU" -s nope artifact list
	[ "$status" -eq 3 ]
}

@test "task link is unique and needs an active session" {
	"$RURU" new >/dev/null
	"$RURU" task link TASK-A
	"$RURU" task link TASK-B
	"$RURU" task link TASK-A
	grep -qx 'related_tasks = \["TASK-A", "TASK-B"\]' "$(log_of)"
	run "$RURU" task list
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == "2 tasks of session "*":" ]]
	"$RURU" complete
	run "$RURU" task link TASK-C
	[ "$status" -eq 5 ]
}

@test "check reports problems as FILE:LINE:COL and exits 4" {
	"$RURU" new "Good" >/dev/null
	run "$RURU" check
	[ "$status" -eq 0 ]
	mkdir -p .ruru/sessions/S-BAD
	printf '+++\nid = "S-BAD"\ntitle = 3\nstatus = "weird"\n+++\n## Log Entries\n- [nonsense] x\n' > .ruru/sessions/S-BAD/session_log.md
	run "$RURU" check
	[ "$status" -eq 4 ]
	[[ "$output" == *".ruru/sessions/S-BAD/session_log.md:3:9: error: \"title\" must be a string"* ]]
	[[ "$output" == *"session_log.md:4:10: error: unknown status"* ]]
	[[ "$output" == *"missing key \"start_time\""* ]]
	printf '+++\nid = = 1\n+++\n' > bad.md
	run "$RURU" check bad.md
	[ "$status" -eq 4 ]
	[[ "$output" == bad.md:2:* ]]
}

@test "a log with invalid front matter is listed and shown as invalid, and never written" {
	mkdir -p .ruru/sessions/SESSION-Broken
	printf '+++\nid = "SESSION-Broken"\ntags = ["a" "b"]\nstatus = "🟢 Active"\n+++\n\n## Log Entries\n\n- [2026-01-01 10:00:00Z] **note**: one' > .ruru/sessions/SESSION-Broken/session_log.md
	h=$(sum .ruru/sessions/SESSION-Broken/session_log.md)
	run "$RURU" list
	[[ "$output" == *"SESSION-Broken	invalid"* ]]
	run "$RURU" show SESSION-Broken
	[ "$status" -eq 0 ]
	[[ "$output" == *"invalid:"*"session_log.md:3:"* ]]
	[[ "$output" == *"entries:           1"* ]]
	for cmd in "log x" "pause" "task link TASK-T" "complete"; do
		run "$RURU" -s SESSION-Broken $cmd
		[ "$status" -eq 4 ] || { echo "$cmd: $status"; return 1; }
		[[ "$output" == *"session_log.md:3:"* ]]
	done
	[ "$(sum .ruru/sessions/SESSION-Broken/session_log.md)" = "$h" ]
}

@test "a hand-edited log without final newline, CRLF, sections after the entries" {
	mkdir -p .ruru/sessions/S1
	printf '+++\r\nid = "S1"\r\ntitle = "t"\r\nstatus = "🟢 Active" # keep me\r\n+++\r\n\r\n## Log Entries\r\n\r\n- [2026-01-01 10:00:00Z] **note**: one' > .ruru/sessions/S1/session_log.md
	"$RURU" -s S1 log "two"
	f=.ruru/sessions/S1/session_log.md
	tail -c 60 "$f" | od -c | grep -q '\\r  \\n'
	grep -q 'one'$'\r''$' "$f"
	grep -q 'two'$'\r''$' "$f"
	mkdir -p .ruru/sessions/S2
	printf '+++\nid = "S2"\nstatus = "Active"\n+++\n## Log Entries\n- [2026-01-01 10:00:00Z] one\n\n## Notes\n\nkeep\n' > .ruru/sessions/S2/session_log.md
	"$RURU" -s S2 log --type delegation --task TASK-T-9 "two"
	python3 - .ruru/sessions/S2/session_log.md <<'PY'
import sys
t=open(sys.argv[1],encoding="utf-8").read()
assert t.index("two") < t.index("## Notes"), t
assert t.endswith("## Notes\n\nkeep\n"), t
assert 'related_tasks = ["TASK-T-9"]' in t
PY
}

@test "a big listing (read by two threads) has every session once, newest first" {
	id=$("$RURU" new "Seed")
	"$RURU" pause
	for i in $(seq 700); do
		d=".ruru/sessions/SESSION-Copy-$i"
		mkdir "$d"
		t=$(printf '2026-01-01T00:%02d:%02dZ' $((i / 60)) $((i % 60)))
		sed -e "s/^id = .*/id = \"SESSION-Copy-$i\"/" -e "s/^start_time = .*/start_time = $t/" \
			".ruru/sessions/$id/session_log.md" > "$d/session_log.md"
	done
	run "$RURU" list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 701 ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -f1 | sort -u | wc -l)" -eq 701 ]
	[[ "${lines[0]}" == "$id"* ]]
	[[ "${lines[1]}" == "SESSION-Copy-700	"* ]]
	[[ "${lines[700]}" == "SESSION-Copy-1	"* ]]
	run "$RURU" --json list
	echo "$output" | python3 -c 'import json,sys; s=json.load(sys.stdin)["sessions"]; assert all(x["valid"] for x in s); assert len(s)==701' 
	run "$RURU" list --status paused
	[ "${#lines[@]}" -eq 701 ]
	run "$RURU" list --status active
	[ "${#lines[@]}" -eq 0 ]
}

@test "show makes control characters of a hand-written front matter visible, as list does" {
	mkdir -p .ruru/sessions/S1
	printf '+++\nid = "S1"\ntitle = "evil \\u001b[31mred"\nstatus = "Active"\nstart_time = "2026-01-01T00:00:00Z"\ncoordinator = "x\\u001b]0;pwned\\u0007"\ntags = ["\\u001b[2J", "b"]\n+++\n\n## Log Entries\n\n- [2026-01-01 10:00:00Z] **note**: one\n' >.ruru/sessions/S1/session_log.md
	run "$RURU" -s S1 show
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\x1b'* && "$output" != *$'\a'* ]]
	[[ "$output" == *'title:             evil \x1b[31mred'* ]]
	[[ "$output" == *'coordinator:       x\x1b]0;pwned\x07'* ]]
	[[ "$output" == *'tags:              \x1b[2J b'* ]]
}

@test "task list and artifact list escape control characters in their tab-separated rows" {
	id=$("$RURU" new "x")
	mkdir -p .ruru/tasks ".ruru/sessions/$id/artifacts"
	printf '+++\nid = "TASK-A-1"\ntitle = "t\\u001b[31m\\tx"\nstatus = "🟡 To Do"\ntype = "🌟 Feature"\nRooComSessionID = "%s"\n+++\n# body\n' "$id" >.ruru/tasks/TASK-A-1.md
	printf 'x' >".ruru/sessions/$id/artifacts/a"$'\x1b'"[31m.md"
	run "$RURU" task list
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\x1b'* ]]
	[ "$output" = "1 task of session $id:"$'\nTASK-A-1\t🟡 To Do\tRooComSessionID\t.ruru/tasks/TASK-A-1.md\tt\\x1b[31m\\tx' ]
	run "$RURU" artifact list
	[ "$status" -eq 0 ]
	[ "$output" = "1 artifact in session $id:"$'\nartifacts/a\\x1b[31m.md\tunrecorded\t1 byte' ]
}
