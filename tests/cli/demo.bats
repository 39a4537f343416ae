#!/usr/bin/env bats
# demo.bats — `make demo` (scripts/demo.sh) keeps working as features land,
# shows each capability, and neither reads nor writes the user's own
# settings: run here with a HOME whose ruru config requires signed decisions
# and whose git config has no identity, both of which would break the demo
# if it used them.
load helpers

setup() {
	RURU=${RURU:-$BATS_TEST_DIRNAME/../../build/ruru}
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ruru-demo-test.XXXXXX")
	mkdir -p "$T/home/.config/ruru" "$T/tmp"
	printf '[confirm]\nrequire_signature = true\n' > "$T/home/.config/ruru/config.toml"
	: > "$T/home/.config/ruru/allowed_signers"
	printf '[user]\n\tuseConfigOnly = true\n' > "$T/home/.gitconfig"
	(cd "$T/home" && find . -type f -exec sha256sum {} + | sort) > "$T/before"
}

teardown() {
	rm -rf "$T"
}

@test "make demo: runs the whole workflow, exit 0, without the user's HOME, and cleans up" {
	cd "$BATS_TEST_DIRNAME/../.."
	HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" TMPDIR="$T/tmp" \
		RURU=$(cd "$(dirname "$RURU")" && pwd)/$(basename "$RURU") \
		run sh scripts/demo.sh
	[ "$status" -eq 0 ] || { echo "$output" | tail -20; return 1; }
	for want in 'ruru init --host claude' '.claude/settings.json' 'ruru prime' \
		'ruru search refresh' 'Use short-lived JWTs with [refresh] tokens' \
		'ruru init --signing' 'ruru confirm approve --sign' '(exit 0: all sound)' \
		'Ruru-Signed-By: demo@example.org' 'ruru export --agent-trace' '"path":"answer.c"' \
		'is not signed, and signed decisions are required' 'ruru summarize' 'ruru toml set'; do
		[[ "$output" == *"$want"* ]] || { echo "missing from the demo: $want"; return 1; }
	done
	# nothing of the user's changed, and the demo's temporary tree is gone
	(cd "$T/home" && find . -type f -exec sha256sum {} + | sort) > "$T/after"
	cmp "$T/before" "$T/after"
	[ -z "$(ls -A "$T/tmp")" ]
}
