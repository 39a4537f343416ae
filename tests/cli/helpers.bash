bats_require_minimum_version 1.5.0

# helpers.bash — shared set-up for the bats suites: a throwaway workspace
# per test and the ruru binary under test.

# An empty folder of its own, entered, with the environment ruru runs in
# there (a fixed clock, no root, session or fault from outside).
enter_workspace() {
	RURU=${RURU:-$BATS_TEST_DIRNAME/../../build/ruru}
	WS=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ruru-test.XXXXXX")
	cd "$WS" || return 1
	unset ROOCOM_SESSION_ID RURU_ROOT RURU_FAULT
	export RURU_NOW=2026-11-24T03:15:20Z
	# the search index lives in the user's cache folder: one per test
	export XDG_CACHE_HOME="$WS.cache"
}

# The same, made a workspace by `ruru init`.
setup_workspace() {
	enter_workspace || return 1
	"$RURU" init
}

teardown_workspace() {
	cd / && rm -rf "$WS" "$WS.cache"
}

# The event types the library knows (RURU_EVENTS in ruru.h), one a line,
# read from its usage error, so that a test of every type covers one added
# there.
event_types() {
	"$RURU" log --type no-such-type x 2>&1 | sed -nE 's/.* is one of (.*), not ".*/\1/p' | head -n 1 |
		tr -d ',' | tr ' ' '\n'
}

# The active session's log.
log_of() { echo ".ruru/sessions/${1:-$(cat .ruru/sessions/.active)}/session_log.md"; }

# A file's SHA-256, to prove byte-identity.
sum() { sha256sum "$1" | cut -d' ' -f1; }

# Every path under the workspace with the bytes of every file, but ruru's
# caches (rebuilt from the files; readers may write them) and lock files:
# what a failed command must leave as it was.
workspace_snap() {
	local skip=(\( -name '.index*' -o -name '*.lock' -o -name '.lock' -o -name '.state*' \) -prune -o)
	find . "${skip[@]}" -print | LC_ALL=C sort
	find . "${skip[@]}" -type f -exec sha256sum {} + | LC_ALL=C sort -k2
}

# A command that must fail (a plain `! cmd` never fails a bats test).
refute() { ! "$@"; }

# A confirmation artifact's sidecar, and a key of it: its status, its nonce.
sidecar() { echo "${1%.md}.toml"; }
status_of() { sed -n 's/^status = "\(.*\)"$/\1/p' "$(sidecar "$1")"; }
nonce_of() { sed -n 's/^nonce = "\(.*\)"$/\1/p' "$(sidecar "$1")"; }

# A throwaway user configuration for signed decisions: keys for alice and
# mallory (in keys/), allowed_signers naming alice only, and
# require_signature on.
signing_setup() {
	export XDG_CONFIG_HOME=$WS/.userconf
	mkdir -p "$XDG_CONFIG_HOME/ruru" keys
	ssh-keygen -q -t ed25519 -N '' -C alice -f keys/alice
	ssh-keygen -q -t ed25519 -N '' -C mallory -f keys/mallory
	echo "alice@example.org $(cut -d' ' -f1,2 keys/alice.pub)" > "$XDG_CONFIG_HOME/ruru/allowed_signers"
	printf '[confirm]\nrequire_signature = true\n' > "$XDG_CONFIG_HOME/ruru/config.toml"
}

# The outside data a few suites compare with, when it is beside the
# repository (../shared), else the repository's own (tests/fixtures and
# the built-in templates; see tests/fixtures/README.md):
#   use_spec:   SPEC_DIR ("" without the spec), V7_TOML (the V7 toml-md
#               templates), V7_SCAFFOLD (an artifact scaffold), V81 (a
#               v8.1 workspace with .roo/ and .mdtm/)
#   use_compat: COMPAT_DIR (session logs in older forms), COMPAT_TSV (their
#               entry counts), COMPAT_MIN (how many logs at least),
#               COMPAT_INVALID and COMPAT_PREV5 (the folder names of a log
#               with invalid TOML and of a pre-V5 log)
use_spec() {
	local top; top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	SPEC_DIR=${SPEC_DIR:-$top/../shared/spec}
	if [ -d "$SPEC_DIR/v7" ] && [ -d "$SPEC_DIR/v8.1" ]; then
		V7_TOML="$SPEC_DIR/v7/.ruru/templates/toml-md"
		V7_SCAFFOLD="$SPEC_DIR/v7/.ruru/templates/session_artifact_scaffold"
		V81="$SPEC_DIR/v8.1"
		V7_SESSION="$V7_TOML/19_mdtm_session.md"
	else
		SPEC_DIR=
		V7_TOML="$top/templates/v7"
		V7_SCAFFOLD="$top/tests/fixtures/v7/session_artifact_scaffold"
		V81="$top/tests/fixtures/v81"
		V7_SESSION="$top/tests/fixtures/v7/toml-md/19_mdtm_session.md"
	fi
}

use_compat() {
	local top; top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	COMPAT_DIR=${COMPAT_DIR:-$top/../shared/compat-corpus}
	case $COMPAT_DIR in /*) ;; *) COMPAT_DIR="$top/$COMPAT_DIR" ;; esac
	if [ -d "$COMPAT_DIR" ] && [ "$COMPAT_DIR" != "$top/tests/fixtures/compat" ]; then
		COMPAT_TSV="$top/tests/data/compat-entries.tsv"
		COMPAT_MIN=20
		COMPAT_INVALID=SESSION-PRIME-20250505-231645
		COMPAT_PREV5=SESS-CMD-20250503-002535
	else
		COMPAT_DIR="$top/tests/fixtures/compat"
		COMPAT_TSV="$COMPAT_DIR/entries.tsv"
		COMPAT_MIN=6
		COMPAT_INVALID=SESSION-Broken_Front_Matter-2505010900
		COMPAT_PREV5=SESS-PRE-20250420-101500
	fi
}
