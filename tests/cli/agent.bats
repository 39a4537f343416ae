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
