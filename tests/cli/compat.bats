#!/usr/bin/env bats
# compat.bats — every real session log of the compatibility corpus
# ($COMPAT_DIR; without it, the repository's own logs in
# tests/fixtures/compat) is listed and shown by the real binary, with the
# entry counts recorded (by reading each file) in its table.

load helpers
setup() {
	setup_workspace
	use_compat
	TSV=$COMPAT_TSV
}
teardown() { teardown_workspace; }

# Copy each corpus log into the workspace as .ruru/sessions/<folder>-<n>/.
import_corpus() {
	n=0
	grep -v '^#' "$TSV" | while IFS="$(printf '\t')" read -r rel count _; do
		[ -n "$rel" ] || continue
		n=$((n + 1))
		id="$(basename "$(dirname "$rel")")-c$n"
		mkdir -p ".ruru/sessions/$id"
		cp "$COMPAT_DIR/$rel" ".ruru/sessions/$id/session_log.md"
		printf '%s\t%s\t%s\n' "$id" "$count" "$rel"
	done > corpus.map
}

@test "every session log of the corpus is in the table, and the other way round" {
	(cd "$COMPAT_DIR" && find . -name session_log.md | sed 's|^\./||' | sort) > found
	grep -v '^#' "$TSV" | cut -f1 | sed '/^$/d' | sort > listed
	diff found listed
}

@test "every corpus log is listed, shown, and its entries counted as recorded" {
	import_corpus
	run "$RURU" --json list
	[ "$status" -eq 0 ]
	echo "$output" > list.json
	while IFS="$(printf '\t')" read -r id count rel; do
		python3 -c '
import json,sys
ids=[s["id"] for s in json.load(open("list.json"))["sessions"]]
assert sys.argv[1] in ids, sys.argv[1]' "$id" || { echo "not listed: $rel"; return 1; }
		got=$("$RURU" --json show "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entry_count"])') ||
			{ echo "show failed: $rel"; return 1; }
		[ "$got" -eq "$count" ] || { echo "$rel: $got entries, expected $count"; return 1; }
	done < corpus.map
}

@test "the corpus log with invalid TOML is shown as invalid and never written" {
	import_corpus
	id=$(grep "$COMPAT_INVALID" corpus.map | cut -f1)
	f=".ruru/sessions/$id/session_log.md"
	h=$(sum "$f")
	run "$RURU" show "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"invalid:"*"session_log.md:"*":"* ]]
	for cmd in "log x" "pause" "complete" "task link TASK-T-1"; do
		run "$RURU" -s "$id" $cmd
		[ "$status" -eq 4 ] || { echo "$cmd: $status $output"; return 1; }
		[[ "$output" == *"session_log.md:"[0-9]*":"[0-9]*": "* ]]
	done
	[ "$(sum "$f")" = "$h" ]
}

@test "logging to a valid corpus log keeps everything before the new entry byte for byte" {
	import_corpus
	while IFS="$(printf '\t')" read -r id count rel; do
		f=".ruru/sessions/$id/session_log.md"
		"$RURU" show "$id" | grep -q '^status:  *🟢' || continue
		"$RURU" show "$id" | grep -q '^invalid:' && continue
		cp "$f" before
		"$RURU" -s "$id" log "appended by the test" || { echo "log failed: $rel"; return 1; }
		size=$(stat -c %s before)
		# The old bytes are a prefix, unless the log has sections after its entries.
		if cmp -s -n "$size" before "$f"; then :; else
			python3 - before "$f" <<'PY' || { echo "changed: $rel"; return 1; }
import sys
a=open(sys.argv[1],"rb").read(); b=open(sys.argv[2],"rb").read()
i=b.index(b"appended by the test")
start=b.rindex(b"\n- [",0,i)+1
end=b.index(b"\n",i)+1
assert b[:start]+b[end:] in (a, a+b"\n") or (b[:start]+b[end:]).rstrip(b"\n")==a.rstrip(b"\n"), sys.argv[2]
PY
		fi
		got=$("$RURU" --json show "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entry_count"])')
		[ "$got" -eq $((count + 1)) ] || { echo "$rel: $got after append, expected $((count + 1))"; return 1; }
	done < corpus.map
}
