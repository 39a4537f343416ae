#!/usr/bin/env bats
# hostile.bats — a cloned workspace is hostile input (DESIGN §1):
# repositories that commit symlinks (and clones given FIFOs and hard links)
# are cloned and every writing command runs in them through the CLI and
# MCP; nothing outside the clone may change and the commands touching the
# hostile object exit 6.  The cases live in hostile.py (TAP on failure).

load helpers

hostile() {
	run python3 "$BATS_TEST_DIRNAME/hostile.py" "$@"
	echo "$output" | grep -v '^ok ' >&2 || true
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^ok '
	! echo "$output" | grep -q '^not ok '
}

@test "committed symlinks in a session folder: session, log, .lock, .state, .state.tmp, artifacts" {
	hostile session-folder log lock lock-dangling state state-tmp artifacts artifacts-sub
}

@test "committed symlinks of .ruru's folders and files: .ruru, sessions, temp, .active, .gitignore, template" {
	hostile dot-ruru sessions temp active gitignore template
}

@test "committed symlinks on a confirmed edit: target folder, target, payload, sidecar" {
	hostile target-folder target payload sidecar
}

@test "FIFOs where ruru reads or writes: log, .lock, .state, target, payload (no command hangs)" {
	hostile fifo-log fifo-lock fifo-state fifo-target fifo-payload
}

@test "hard links to files outside: log, .lock, .state, target" {
	hostile hardlink-log hardlink-lock hardlink-state hardlink-target
}
