#!/usr/bin/env bats
# guarantees.bats — doc/design.md §8 proven with the real binary: concurrent
# writers lose nothing, failed writes leave files byte-identical, SIGKILL
# never leaves a broken log, appends stay appends.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

count_entries() {
	"$RURU" --json show | python3 -c 'import json,sys; print(json.load(sys.stdin)["entry_count"])'
}

@test "16 processes x 100 log calls: exactly 1600 new entries, none lost or doubled" {
	"$RURU" new "Concurrency" >/dev/null
	for p in $(seq 16); do
		( for i in $(seq 100); do "$RURU" log "p$p-i$i" || echo "FAIL p$p i$i" >&2; done ) &
	done
	wait
	[ "$(count_entries)" -eq 1601 ]
	f=$(log_of)
	[ "$(grep -cE '^- \[.*\*\*note\*\*: p[0-9]+-i[0-9]+$' "$f")" -eq 1600 ]
	[ "$(grep -oE 'p[0-9]+-i[0-9]+$' "$f" | sort -u | wc -l)" -eq 1600 ]
	"$RURU" check
}

@test "concurrent artifact add and task link lose no array element" {
	"$RURU" new "Arrays" >/dev/null
	for p in $(seq 8); do
		( for i in $(seq 10); do
			echo "$p $i" | "$RURU" artifact add --name "a-$p-$i.txt" - >/dev/null
			"$RURU" task link "TASK-$p-$i"
		done ) &
	done
	wait
	"$RURU" --json show | python3 -c '
import json,sys
d=json.load(sys.stdin)
assert len(d["related_artifacts"])==80, len(d["related_artifacts"])
assert len(set(d["related_tasks"]))==80 and len(d["related_tasks"])==80
assert d["entry_count"]==81
'
}

@test "an injected write, fsync or rename failure leaves the log byte-identical" {
	"$RURU" new "Faults" >/dev/null
	f=$(log_of)
	for step in write fsync rename open; do
		h=$(sum "$f")
		# A front-matter change (atomic rewrite) and a plain append.
		run env RURU_FAULT=$step "$RURU" log --type delegation --task "TASK-$step" "x"
		[ "$status" -ne 0 ] || { echo "$step: rewrite succeeded"; return 1; }
		[ "$(sum "$f")" = "$h" ]
		run env RURU_FAULT=$step "$RURU" log "plain"
		[ "$status" -ne 0 ] || [ "$step" = rename ] || { echo "$step: append succeeded"; return 1; }
		[ "$status" -eq 0 ] || [ "$(sum "$f")" = "$h" ]
		run env RURU_FAULT=$step "$RURU" pause
		[ "$status" -ne 0 ]
		[ "$(ls -a "$(dirname "$f")" | grep -c '^\.session_log')" -eq 0 ]
	done
	"$RURU" check
}

@test "an append's intent is written through the storage layer: when it cannot be recorded, nothing is appended" {
	"$RURU" new "Intent" >/dev/null
	"$RURU" log "one"
	f=$(log_of)
	# an append opens the session lock (open 1), records the intent in
	# .state (open 2, write 1), then appends (open 3, write 2)
	for fault in open:2 write:1; do
		h=$(sum "$f")
		run env RURU_FAULT=$fault "$RURU" log "lost $fault"
		[ "$status" -ne 0 ] || { echo "$fault: the append went ahead"; return 1; }
		[[ "$output" == *".state"* ]] || { echo "$fault: not the intent: $output"; return 1; }
		[ "$(sum "$f")" = "$h" ]
		! grep -q "lost" "$f"
	done
	# the next append finds the log whole and appends after it
	"$RURU" log "two"
	[ "$(count_entries)" -eq 3 ]
	[ "$(tail -n 1 "$f" | grep -c 'two$')" -eq 1 ]
	"$RURU" check
}

@test "a failed artifact add leaves neither the artifact nor a log change" {
	"$RURU" new "Faults" >/dev/null
	f=$(log_of)
	h=$(sum "$f")
	echo x > a.txt
	run env RURU_FAULT=rename "$RURU" artifact add a.txt
	[ "$status" -ne 0 ]
	[ "$(sum "$f")" = "$h" ]
	[ ! -e "$(dirname "$f")/artifacts/a.txt" ]
}

@test "a replacing artifact add whose log write fails puts the old file back, leaves no temp file" {
	"$RURU" new "Staged" >/dev/null
	f=$(log_of)
	echo old > a.txt
	"$RURU" artifact add a.txt >/dev/null
	h=$(sum "$f")
	echo new > a.txt
	# staging writes and syncs the temp file (write:1, fsync:1), publishing
	# renames it (rename:1) and flushes the folder (dirsync:1); then the
	# entry is appended to the log (write:2, fsync:2)
	for step in rename:1 dirsync:1 write:2 fsync:2; do
		run env RURU_FAULT=$step "$RURU" artifact add --force a.txt
		[ "$status" -ne 0 ] || { echo "$step did not fail"; return 1; }
		[ "$(sum "$f")" = "$h" ] || { echo "$step changed the log"; return 1; }
		[ "$(cat "$(dirname "$f")/artifacts/a.txt")" = old ] || { echo "$step lost the old artifact"; return 1; }
		[ -z "$(ls -A "$(dirname "$f")/artifacts" | grep -v '^a.txt$')" ] ||
			{ echo "$step left: $(ls -A "$(dirname "$f")/artifacts")"; return 1; }
	done
	run "$RURU" artifact add --force a.txt
	[ "$status" -eq 0 ]
	[ "$(cat "$(dirname "$f")/artifacts/a.txt")" = new ]
}

@test "lock timeout is exit 5" {
	"$RURU" new "Locked" >/dev/null
	lock="$(dirname "$(log_of)")/.lock"
	flock "$lock" sleep 3 &
	sleep 0.3
	run env RURU_LOCK_TIMEOUT_MS=200 "$RURU" log "x"
	[ "$status" -eq 5 ]
	[[ "$output" == *"lock"* ]]
	wait
}

@test "200 SIGKILLs during a loop of writes never break the log or lose an acknowledged entry" {
	"$RURU" new "Kill" >/dev/null
	python3 "$BATS_TEST_DIRNAME/killtest.py" "$RURU" "$(log_of)" 200
	"$RURU" check
}

@test "appending does not rewrite the log (inode and earlier bytes unchanged)" {
	"$RURU" new "Append" >/dev/null
	f=$(log_of)
	"$RURU" log "one"
	ino=$(stat -c %i "$f")
	head_before=$(head -c 200 "$f" | sha256sum)
	"$RURU" log "two"
	"$RURU" log --type prompt "three"
	[ "$(stat -c %i "$f")" = "$ino" ]
	[ "$(head -c 200 "$f" | sha256sum)" = "$head_before" ]
	"$RURU" log --type delegation --task TASK-T-1 "front matter changes: a rewrite"
	[ "$(stat -c %i "$f")" != "$ino" ]
}

@test "appending after a hand edit that added a section lands in Log Entries" {
	"$RURU" new "Edit" >/dev/null
	f=$(log_of)
	"$RURU" log "one"
	printf '\n## Notes\n\nhand written\n' >> "$f"
	"$RURU" log "two"
	python3 - "$f" <<'PY'
import sys
t=open(sys.argv[1],encoding="utf-8").read()
assert t.index("two") < t.index("## Notes"), t
PY
	"$RURU" log "three"
	python3 - "$f" <<'PY'
import sys
t=open(sys.argv[1],encoding="utf-8").read()
assert t.index("three") < t.index("## Notes") and t.index("two") < t.index("three"), t
PY
}

@test "a log without final newline gets its last line completed before the entry" {
	mkdir -p .ruru/sessions/S
	printf '+++\nid = "S"\nstatus = "🟢 Active"\n+++\n## Log Entries\n- [2026-01-01 10:00:00Z] one' > .ruru/sessions/S/session_log.md
	"$RURU" -s S log "two"
	"$RURU" -s S log "three"
	[ "$(grep -c '^- \[' .ruru/sessions/S/session_log.md)" -eq 3 ]
	grep -qx -- '- \[2026-01-01 10:00:00Z\] one' .ruru/sessions/S/session_log.md
}
