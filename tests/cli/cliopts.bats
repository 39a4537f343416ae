#!/usr/bin/env bats
# cliopts.bats — options bound at compile time (issue #10 item 6) and the
# command line as a model reads it from `--help` alone (issue #11): the
# rule for operands that start with "-", and what a two-day coordinator
# scenario tripped over.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

# ------------------------------------------------------ options by index

@test "a bad number names the option as typed once (serve --port, list --limit, show -n)" {
	run "$RURU" serve --port x
	[ "$status" -eq 2 ]
	[[ "$output" == *'ruru: --port needs a non-negative number, not "x"'* ]]
	[[ "$output" != *'----port'* ]]
	run "$RURU" list --limit -3
	[ "$status" -eq 2 ]
	[[ "$output" == *'--limit needs a non-negative number, not "-3"'* ]]
	"$RURU" new G >/dev/null
	run "$RURU" show -n many
	[ "$status" -eq 2 ]
	[[ "$output" == *'--entries needs a non-negative number, not "many"'* ]]
	run "$RURU" continue --max-chars 1e3
	[ "$status" -eq 2 ]
	[[ "$output" == *'--max-chars needs a non-negative number, not "1e3"'* ]]
}

@test "shared option tables: the decision options of approve and skip, withdraw's reason" {
	"$RURU" new G >/dev/null
	printf 'old\n' >t.txt
	printf 'new\n' >n.txt
	a=$("$RURU" confirm propose --target t.txt --content n.txt)
	run "$RURU" confirm skip "$a" --reason "not the flag of skip"
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "--reason"'* ]]
	"$RURU" confirm skip "$a" --rationale "one-word typo"
	run "$RURU" --json confirm show "$a"
	[ "$(jq -r '.status, .rationale' <<<"$output")" = $'skipped\none-word typo' ]
	b=$("$RURU" confirm propose --target t.txt --content n.txt --supersedes "$a")
	"$RURU" confirm approve "$b" --reason "looks right"
	run "$RURU" --json confirm show "$b"
	[ "$(jq -r '.status, .rationale' <<<"$output")" = $'approved\nlooks right' ]
	run "$RURU" confirm withdraw "$b" --sign
	[ "$status" -eq 2 ]
	"$RURU" confirm withdraw "$b" --reason "not needed after all"
	run "$RURU" --json confirm show "$b"
	[ "$(jq -r .status <<<"$output")" = withdrawn ]
}
