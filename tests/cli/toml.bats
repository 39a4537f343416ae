#!/usr/bin/env bats
# toml.bats — `ruru toml ...` end to end: exit codes, one-line errors,
# stdin and front matter decoding, in-place edits that leave a file
# byte-identical when they fail.

bats_require_minimum_version 1.5.0

setup() {
	RURU=${RURU:-$BATS_TEST_DIRNAME/../../build/ruru}
	cd "$BATS_TEST_TMPDIR"
	printf '+++\n# meta\nid = "S-1"\nstatus = "🟢 Active" # state\nrelated_tasks = [\n    # ids\n]\n+++\n# Session Log\n\nstatus = "body"\n' > log.md
}

@test "decode prints tagged JSON from stdin" {
	run "$RURU" toml decode < <(printf 'a = 1\nb = "x"\n')
	[ "$status" -eq 0 ]
	[ "$output" = '{"a":{"type":"integer","value":"1"},"b":{"type":"string","value":"x"}}' ]
}

@test "decode of a TOML+Markdown file decodes its front matter" {
	run "$RURU" toml decode log.md
	[ "$status" -eq 0 ]
	[[ "$output" == *'"id":{"type":"string","value":"S-1"}'* ]]
	[[ "$output" != *body* ]]
}

@test "invalid TOML: exit 4 and one line FILE:LINE:COL on stderr" {
	printf 'a = 1\ntitle "x"\n' > bad.toml
	run --separate-stderr "$RURU" toml decode bad.toml
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[ "$stderr" = "ruru: bad.toml:2:7: expected '=' after key \"title\", found '\"'" ]
	run --separate-stderr "$RURU" toml decode - < bad.toml
	[ "$status" -eq 4 ]
	[[ "$stderr" == "ruru: <stdin>:2:7: "* ]]
}

@test "errors in front matter count lines of the whole file" {
	printf '+++\na = 1\nb =\n+++\nbody\n' > fm.md
	run "$RURU" toml decode fm.md
	[ "$status" -eq 4 ]
	[[ "$output" == "ruru: fm.md:3:4: "* ]]
}

@test "get prints strings raw, scalars as TOML, --json tagged" {
	run "$RURU" toml get log.md status
	[ "$output" = "🟢 Active" ]
	printf 'n = 0x10\nd = 2026-11-24T03:15:20Z\n[t]\nk = [1]\n' > g.toml
	run "$RURU" toml get g.toml n
	[ "$output" = "16" ]
	run "$RURU" toml get g.toml d
	[ "$output" = "2026-11-24T03:15:20Z" ]
	run "$RURU" toml get g.toml t.k
	[ "$output" = '[{"type":"integer","value":"1"}]' ]
	run "$RURU" --json toml get g.toml n
	[ "$output" = '{"schema_version":1,"value":{"type":"integer","value":"16"}}' ]
	run "$RURU" toml get g.toml nope
	[ "$status" -eq 3 ]
}

@test "set edits the front matter in place, keeping comments and the body" {
	run "$RURU" toml set log.md status '"🏁 Completed"'
	[ "$status" -eq 0 ]
	[ "$(cat log.md)" = "$(printf '+++\n# meta\nid = "S-1"\nstatus = "🏁 Completed" # state\nrelated_tasks = [\n    # ids\n]\n+++\n# Session Log\n\nstatus = "body"')" ]
	run "$RURU" toml append log.md related_tasks '"TASK-1"'
	[ "$status" -eq 0 ]
	grep -q '^    "TASK-1"$' log.md
	run "$RURU" toml remove-at log.md related_tasks 0
	[ "$status" -eq 0 ]
	run "$RURU" toml unset log.md id
	[ "$status" -eq 0 ]
	! grep -q '^id' log.md
}

@test "a failed edit leaves the file byte-identical" {
	cp log.md before.md
	run "$RURU" toml set log.md status 'not-a-value'
	[ "$status" -eq 4 ]
	cmp log.md before.md
	run "$RURU" toml set log.md 'a..b' '1'
	[ "$status" -eq 2 ]
	run "$RURU" toml unset log.md missing
	[ "$status" -eq 3 ]
	run "$RURU" toml append log.md status '"x"'
	[ "$status" -eq 5 ]
	run "$RURU" toml remove-at log.md related_tasks x
	[ "$status" -eq 2 ]
	cmp log.md before.md
	run "$RURU" toml set nosuchfile k 1
	[ "$status" -eq 3 ]
	printf 'a = = 1\n' > bad.toml
	run "$RURU" toml set bad.toml a 1
	[ "$status" -eq 4 ]
	[[ "$output" == "ruru: bad.toml:1:5: "* ]]
	[ "$(cat bad.toml)" = "a = = 1" ]
	ls -A | grep -v -e '^log.md$' -e '^before.md$' -e '^bad.toml$' && return 1 || true
}

@test "set keeps CRLF and the file mode" {
	printf 'a = 1\r\n' > crlf.toml
	chmod 640 crlf.toml
	run "$RURU" toml set crlf.toml b 2
	[ "$status" -eq 0 ]
	[ "$(od -An -c crlf.toml | tr -s ' ')" = "$(printf 'a = 1\r\nb = 2\r\n' | od -An -c | tr -s ' ')" ]
	[ "$(stat -c %a crlf.toml)" = 640 ]
}
