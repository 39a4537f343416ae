#!/usr/bin/env bats
# agent.bats — issue #11 (agent-proof), items 1, 2, 3, 4, 7, 12: what trips
# a model driving ruru from its help and tool descriptions alone.  Each
# test is a scenario run through the real binary.

load helpers
setup() {
	SPEC=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)/shared/spec
	setup_workspace
}
teardown() { teardown_workspace; }

with_template() {
	mkdir -p .ruru/templates/toml-md
	cp "$SPEC/v7/.ruru/templates/toml-md/19_mdtm_session.md" .ruru/templates/toml-md/
}

# ------------------------------------------------------------ item 1

@test "new --description reaches the log when the workspace has the session template" {
	with_template
	id=$("$RURU" new "Ship it" --description "Move login to JWT.")
	f=$(log_of "$id")
	grep -qx 'Move login to JWT.' "$f"
	# the template's comments stay, the goal is a section of its own
	grep -q '# (Array of Strings, Optional) List of formal MDTM Task IDs' "$f"
	grep -qx '## Goal' "$f"
	run "$RURU" --json show "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .goal <<<"$output")" = "Move login to JWT." ]
	"$RURU" check "$f"
}

@test "a template with its own Goal section gets the description there" {
	mkdir -p .ruru/templates/toml-md
	printf '+++\nid = ""\ntitle = ""\nstatus = ""\nstart_time = ""\nend_time = ""\ncoordinator = ""\nrelated_tasks = []\nrelated_artifacts = []\ntags = []\n+++\n\n# Log\n\n## Goal\n\n[Describe the goal]\n\n## Log Entries\n\n- [YYYY-MM-DD HH:MM:SS] example\n' \
		>.ruru/templates/toml-md/19_mdtm_session.md
	id=$(printf 'First line\n+++ not front matter\n' | "$RURU" new "G" --description -)
	f=$(log_of "$id")
	[ "$(grep -c '^## Goal' "$f")" -eq 1 ]
	! grep -q 'Describe the goal' "$f"
	run "$RURU" --json show "$id"
	[ "$(jq -r .goal <<<"$output")" = $'First line\n+++ not front matter' ]
}

@test "show --json gives the goal as written, without the escapes of +++, # and fence lines" {
	desc=$'Intro\n+++\n# Title\n```\ncode\n```\n\\# literal backslash kept'
	id=$("$RURU" new "G" --description "$desc")
	f=$(log_of "$id")
	grep -qx '\\+++' "$f"
	[ "$(grep -cx '+++' "$f")" -eq 2 ]
	run "$RURU" --json show "$id"
	[ "$(jq -r .goal <<<"$output")" = "$desc" ]
	"$RURU" check "$f"
}

# ------------------------------------------------------------ item 7

@test "messages and goals that start with - are operands, not options" {
	id=$("$RURU" new "-5 tests failing")
	[ "$id" = "SESSION-5_tests_failing-2611240315" ]
	grep -qx 'title = "-5 tests failing"' "$(log_of)"
	"$RURU" log "- fixed the bug"
	"$RURU" log -t decision "-tired of flaky tests, pin the seed"
	"$RURU" log "--not-an-option with spaces"
	"$RURU" log -- --type
	"$RURU" log "after the message" --type decision --mode dev
	run "$RURU" --json show -n 5
	[ "$status" -eq 0 ]
	[ "$(jq -r '.entries[].message' <<<"$output")" = "$(printf '%s\n' '- fixed the bug' \
		'-tired of flaky tests, pin the seed' '--not-an-option with spaces' '--type' 'after the message')" ]
	[ "$(jq -r '.entries[1].type, .entries[4].type, .entries[4].mode' <<<"$output")" = $'decision\ndecision\ndev' ]
}

@test "toml set and get take values and keys that start with -" {
	printf 'a = 1\n-b = 2\n' >f.toml
	"$RURU" toml set f.toml a -1
	grep -qx 'a = -1' f.toml
	"$RURU" toml set f.toml a -inf
	grep -qx 'a = -inf' f.toml
	run "$RURU" toml get f.toml -b
	[ "$status" -eq 0 ]
	[ "$output" = "2" ]
}

@test "an unknown option error names the word that was given" {
	"$RURU" new G >/dev/null
	run "$RURU" log --typo x
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "--typo"'* ]]
	run "$RURU" show -5
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "-5"'* ]]
	run "$RURU" show "- x"
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "- " in "- x"'* ]]
	[[ "$output" != *'"show"'* ]]
	run "$RURU" log -t
	[ "$status" -eq 2 ]
	[[ "$output" == *'-t needs a value'* ]]
}
