#!/usr/bin/env bats
# adr.bats — `log --adr PATH` is a path like --target:
# relative to the current directory, stored relative to the root, refused
# outside the root (exit 6); a missing ADR file is logged with a warning.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

@test "--adr from a subfolder is stored relative to the root" {
	"$RURU" new "ADR paths" >/dev/null
	mkdir -p docs/adr src/sub
	echo "# ADR 1" >docs/adr/0001.md
	cd src/sub
	run "$RURU" log --type decision --adr ../../docs/adr/0001.md "use SQLite"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" != *warning* ]]
	cd "$WS"
	grep -q '\*\*decision\*\* · adr `docs/adr/0001.md`: use SQLite' "$(log_of)" ||
		{ tail -n 3 "$(log_of)"; return 1; }
	run "$RURU" show --json
	[[ "$output" == *'"adr":"docs/adr/0001.md"'* || "$output" == *'"adr": "docs/adr/0001.md"'* ]]
	"$RURU" check
}

@test "--adr absolute inside the root is stored relative to the root" {
	"$RURU" new "ADR absolute" >/dev/null
	mkdir -p docs/adr && echo x >docs/adr/0002.md
	run "$RURU" log --type decision --adr "$WS/docs/adr/0002.md" "absolute"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	grep -q 'adr `docs/adr/0002.md`: absolute' "$(log_of)"
	! grep -q "$WS" "$(log_of)"
}

@test "--adr outside the root is refused with exit 6 and nothing is written" {
	"$RURU" new "ADR outside" >/dev/null
	before=$(sum "$(log_of)")
	for p in /etc/passwd ../outside.md "$WS/../elsewhere/0001.md"; do
		run "$RURU" log --type decision --adr "$p" "d"
		[ "$status" -eq 6 ] || { echo "$p: status $status: $output"; return 1; }
		[[ "$output" == *outside* ]] || { echo "$p: $output"; return 1; }
	done
	mkdir sub && cd sub
	run "$RURU" log --type decision --adr ../../x.md "d"
	[ "$status" -eq 6 ]
	cd "$WS"
	[ "$(sum "$(log_of)")" = "$before" ]
}

@test "an ADR that does not exist yet is logged with a warning on stderr" {
	"$RURU" new "ADR later" >/dev/null
	run --separate-stderr "$RURU" log --type decision --adr docs/adr/0009-later.md "written later"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *warning*docs/adr/0009-later.md* ]] || { echo "$stderr"; return 1; }
	grep -q 'adr `docs/adr/0009-later.md`: written later' "$(log_of)"
}
