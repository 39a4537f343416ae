#!/usr/bin/env bats
# append_keeps.bats — logging an event to a real log (the compatibility
# corpus, $COMPAT_DIR, else tests/fixtures/compat) never hides the entries it had: afterwards the log
# reads back with one entry more, the new one last, the old ones unchanged.
# A pre-V5 log (a "**Log Entries:**" paragraph, no "## Log Entries"
# heading) used to get the heading appended, after which only the new
# entry was read (found by fuzz/fuzz_entry.c).

load helpers
setup() {
	setup_workspace
	use_compat
}
teardown() { teardown_workspace; }

entries_json() { "$RURU" --json show "$1" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin).get("entries", [])))'; }

@test "logging to any corpus log keeps its entries readable" {
	n=0
	checked=""
	for f in $(cd "$COMPAT_DIR" && find . -name session_log.md | sort); do
		n=$((n + 1))
		id="$(basename "$(dirname "$f")")-a$n"
		mkdir -p ".ruru/sessions/$id"
		cp "$COMPAT_DIR/$f" ".ruru/sessions/$id/session_log.md"
		"$RURU" show "$id" | grep -q '^invalid:' && continue
		# only an active session takes events: resume the others first
		# (an active one refuses; then `log` below tells)
		"$RURU" resume "$id" >/dev/null 2>&1 || true
		entries_json "$id" > before.json
		"$RURU" -s "$id" log --type note "appended by the test" || { echo "log failed: $f"; return 1; }
		entries_json "$id" > after.json
		python3 - before.json after.json "$f" <<'PY' || return 1
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
strip = lambda e: {k: v for k, v in e.items() if k != "line"}
assert len(b) == len(a) + 1, "%s: %d entries before, %d after" % (sys.argv[3], len(a), len(b))
assert [strip(e) for e in b[:-1]] == [strip(e) for e in a], sys.argv[3] + ": old entries changed"
assert b[-1]["type"] == "note" and b[-1]["message"] == "appended by the test", sys.argv[3]
PY
		checked="$checked $f"
	done
	# the pre-V5 log of the corpus is among those checked
	[[ "$checked" == *"$COMPAT_PREV5"* ]]
}
