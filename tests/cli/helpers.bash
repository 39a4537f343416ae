bats_require_minimum_version 1.5.0

# helpers.bash — shared set-up for the bats suites: a throwaway workspace
# per test and the ruru binary under test.

setup_workspace() {
	RURU=${RURU:-$BATS_TEST_DIRNAME/../../build/ruru}
	WS=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ruru-test.XXXXXX")
	cd "$WS" || return 1
	unset ROOCOM_SESSION_ID RURU_ROOT RURU_FAULT
	export RURU_NOW=2026-11-24T03:15:20Z
	# the search index lives in the user's cache folder: one per test
	export XDG_CACHE_HOME="$WS.cache"
	"$RURU" init
}

teardown_workspace() {
	cd / && rm -rf "$WS" "$WS.cache"
}

# The active session's log.
log_of() { echo ".ruru/sessions/${1:-$(cat .ruru/sessions/.active)}/session_log.md"; }

# A file's SHA-256, to prove byte-identity.
sum() { sha256sum "$1" | cut -d' ' -f1; }
