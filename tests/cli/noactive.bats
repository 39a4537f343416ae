#!/usr/bin/env bats
# noactive.bats — doc/design.md §1/§5: `.ruru/sessions/.active` naming a completed
# or failed session means that no session is active.  A proposal then goes
# to .ruru/temp/ and a task belongs to no session, as with no .active at
# all; a session named explicitly (-s, ROOCOM_SESSION_ID) that has ended is
# still refused, and writes that need a session fail saying how to start
# one or reopen the old one (the MCP wording).

load helpers

setup() {
	setup_workspace
	printf 'old\n' > t.txt
	printf 'new\n' > p.txt
}

teardown() { teardown_workspace; }

@test "after complete or fail, confirm propose without -s goes to .ruru/temp/" {
	for end in complete fail; do
		id=$("$RURU" new "Ended by $end" 2>/dev/null)
		"$RURU" $end
		before=$(sum "$(log_of "$id")")
		run --separate-stderr "$RURU" confirm propose --target t.txt --content p.txt
		[ "$status" -eq 0 ]
		[[ "$output" == .ruru/temp/CONFIRM-t.txt-* ]]
		[ "$(cat "$output")" = new ]
		[ "$(sum "$(log_of "$id")")" = "$before" ]
		"$RURU" confirm withdraw "$output"
	done
}

@test "after complete, task new without -s makes a task of no session" {
	id=$("$RURU" new "Done")
	"$RURU" complete
	before=$(sum "$(log_of "$id")")
	run --separate-stderr "$RURU" task new --type chore --title "Later"
	[ "$status" -eq 0 ]
	[[ "$output" == TASK-* ]]
	f=$(ls .ruru/tasks/"$output"*.md)
	! grep -q "$id" "$f"
	[ "$(sum "$(log_of "$id")")" = "$before" ]
}

@test "an ended session named with -s or ROOCOM_SESSION_ID is still refused" {
	id=$("$RURU" new "Done")
	"$RURU" complete
	before=$(sum "$(log_of "$id")")
	run "$RURU" -s "$id" confirm propose --target t.txt --content p.txt
	[ "$status" -eq 5 ]
	[[ "$output" == *"\"$id\" is 🏁 Completed, not active"* ]]
	run "$RURU" -s "$id" task new --type chore --title "Later"
	[ "$status" -eq 5 ]
	ROOCOM_SESSION_ID=$id run "$RURU" confirm propose --target t.txt --content p.txt
	[ "$status" -eq 5 ]
	ROOCOM_SESSION_ID=$id run "$RURU" task new --type chore --title "Later"
	[ "$status" -eq 5 ]
	[ -z "$(ls .ruru/temp | grep CONFIRM)" ]
	[ -z "$(ls .ruru/tasks)" ]
	[ "$(sum "$(log_of "$id")")" = "$before" ]
}

@test "a paused session is still the active one: a proposal is refused, not sent to temp" {
	"$RURU" new "Paused" >/dev/null
	"$RURU" pause
	run "$RURU" confirm propose --target t.txt --content p.txt
	[ "$status" -eq 5 ]
	[[ "$output" == *"ruru resume"* ]]
	[ -z "$(ls .ruru/temp | grep CONFIRM)" ]
}

@test "log without a session after complete fails, naming how to reopen it or start another" {
	id=$("$RURU" new "Done")
	"$RURU" complete
	before=$(sum "$(log_of "$id")")
	for cmd in "log after" "artifact add --name a.txt p.txt" "task link TASK-A-20260101-000000"; do
		run $RURU $cmd
		[ "$status" -eq 5 ] || { echo "$cmd: $status $output"; return 1; }
		[[ "$output" == *"\"$id\" is 🏁 Completed, not active"* ]]
		[[ "$output" == *"ruru continue $id\` (--reopen if it ended)"* ]]
		[[ "$output" == *"start another with \`ruru new\`"* ]]
	done
	[ "$(sum "$(log_of "$id")")" = "$before" ]
	# and the step it names works
	run "$RURU" continue "$id" --reopen
	[ "$status" -eq 0 ]
	"$RURU" log "after all"
}
