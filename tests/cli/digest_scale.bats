#!/usr/bin/env bats
# digest_scale.bats — the digest of a session whose every entry is an
# open item (bench/gen_sessions.py's SESSION-Big: 100,000 delegations,
# none answered) is built in linear work.  The digest shrinks its open
# items section a line at a time to fit its bound; each step used to
# measure every line still shown, so 100,000 open items cost about a
# minute of CPU (10,000 took a third of a second).  The bound below is not
# a measurement: linear work takes well under a second here, and the
# limit only stops a run that has gone quadratic from hanging the suite.

load helpers
setup() {
	setup_workspace
	python3 "$BATS_TEST_DIRNAME/../../bench/gen_sessions.py" "$PWD"
}
teardown() { teardown_workspace; }

@test "show --digest of 100,000 open delegations finishes, bounded, with every item counted" {
	run timeout 20 "$RURU" -s SESSION-Big show --digest
	[ "$status" -eq 0 ]
	[ "${#output}" -le 8000 ]
	# the items shown (oldest first) and the count of the rest add up
	shown=$(grep -c '^- delegation to dev-python, task TASK-DEV-' <<<"$output")
	more=$(sed -n 's/^- … \([0-9]*\) more not shown$/\1/p' <<<"$output")
	[ "$shown" -gt 0 ]
	[ $((shown + more)) -eq 100000 ]
	[[ "$output" == *"task TASK-DEV-0 has no result yet"* ]]
}

@test "--json show --digest of 100,000 open delegations lists them all" {
	run timeout 20 "$RURU" -s SESSION-Big --json show --digest
	[ "$status" -eq 0 ]
	n=$(printf '%s' "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for o in d["open_items"] if o["kind"] == "delegation"))')
	[ "$n" -eq 100000 ]
}
