#!/usr/bin/env bats
# v7.bats — Roo Commander V7 and later: typed artifacts,
# the artifact scaffold, MDTM tasks with leases, summaries, and sessions
# in the v8 / v8.1 layouts, driven through the real binary.  Files ruru
# writes are read back by our TOML engine and by Python's tomllib, and
# compared with the templates of $SPEC_DIR (shared/spec) when it is beside
# the repository, else with the repository's own copies and fixtures
# (templates/v7, tests/fixtures; see use_spec in helpers.bash).

load helpers
setup() {
	setup_workspace
	use_spec
	use_compat
}
teardown() { teardown_workspace; }

# Front matter of a TOML+Markdown file as JSON (tomllib), keys sorted.
# Python starts once per content: the answer is kept under the content's
# checksum for the rest of the test (a test reads one file many times).
fm_json() {
	local sum cache
	sum=$(cksum < "$1") || return 1
	cache="$BATS_TEST_TMPDIR/fm.${sum// /-}"
	if [ ! -f "$cache" ]; then
		python3 - "$1" > "$cache.tmp" <<'EOF' || { rm -f "$cache.tmp"; return 1; }
import sys, tomllib, json, datetime
text = open(sys.argv[1], encoding="utf-8").read()
assert text.startswith("+++\n"), "no front matter"
toml = text[4:text.index("\n+++\n", 3) + 1]
def conv(o):
    if isinstance(o, (datetime.datetime, datetime.date)): return "DT:" + o.isoformat()
    raise TypeError(o)
print(json.dumps(tomllib.loads(toml), default=conv, sort_keys=True, ensure_ascii=False))
EOF
		mv "$cache.tmp" "$cache"
	fi
	cat "$cache"
}

# Keys of a front matter (one per line, sorted).
fm_keys() { fm_json "$1" | jq -r 'keys[]'; }

# A value of a front matter by key (compact JSON; null when absent).
fm_get() { fm_json "$1" | jq -c --arg k "$2" '.[$k]'; }

# A summary without the lines that hold the time it was made.
timeless() { grep -v '^id = "SESSUM-\|^summary_creation_date = ' "$1"; }

TYPES="note:notes:NOTE:31_session_note.md
learning:learnings:LEARNING:32_session_learning.md
environment:environment:ENV:33_session_environment.md
doc:docs:DOC:34_session_doc_snippet.md
research:research:RESEARCH:35_session_research.md
blocker:blockers:BLOCKER:36_session_blocker.md
question:questions:QUESTION:37_session_qna.md
snippet:snippets:SNIPPET:38_session_snippet.md
feedback:feedback:FDBK:39_session_feedback_item.md
feature:features:FEATURE:40_session_feature_note.md
context:context:CONTEXT:41_session_context_item.md
deferred:deferred:DEFERRED:42_session_deferred.md"

@test "the built-in templates are the spec's files byte for byte" {
	[ -n "$SPEC_DIR" ] || skip "the V7 spec templates are not beside the repository (set SPEC_DIR)"
	for f in "$BATS_TEST_DIRNAME"/../../templates/v7/*.md; do
		b=$(basename "$f")
		if [ "$b" = session_artifact_subdir_readme.md ]; then src="$SPEC_DIR/v7/.ruru/templates/plain-md/$b"; else src="$V7_TOML/$b"; fi
		cmp "$f" "$src" || { echo "differs from the spec: $b"; return 1; }
	done
	[ "$(ls "$BATS_TEST_DIRNAME"/../../templates/v7/*.md | wc -l)" -eq 20 ]
}

@test "every type, built-in template: name, folder, front matter (ruru and tomllib), spec keys, log" {
	"$RURU" new "Typed" >/dev/null
	sid=$(cat .ruru/sessions/.active)
	while IFS=: read -r type folder prefix tpl; do
		printf 'text of %s\n' "$type" > body.txt
		run "$RURU" artifact add --type "$type" --title "My $type: one/two" --task TASK-DEV-20261124-031520 --tag extra body.txt
		[ "$status" -eq 0 ] || { echo "$type: $output"; return 1; }
		rel=$output
		[ "$rel" = "artifacts/$folder/$prefix-my_${type}_one_two-2611240315.md" ] || { echo "name: $rel"; return 1; }
		f=".ruru/sessions/$sid/$rel"
		"$RURU" toml decode "$f" > /dev/null || { echo "ruru cannot decode $f"; return 1; }
		# Same keys as the spec template, values filled.
		diff <(fm_keys "$V7_TOML/$tpl") <(fm_keys "$f") || { echo "keys differ: $type"; return 1; }
		[ "$(fm_get "$f" id)" = "\"$prefix-my_${type}_one_two-2611240315\"" ]
		[ "$(fm_get "$f" session_id)" = "\"$sid\"" ]
		[ "$(fm_get "$f" created_time)" = '"DT:2026-11-24T03:15:20+00:00"' ]
		[ "$(fm_get "$f" related_task_id)" = '"TASK-DEV-20261124-031520"' ]
		fm_get "$f" tags | grep -q '"extra"'
		# Template comments kept; the title heads the body, then the text.
		grep -q '# (String, Required) ID of the parent session log.' "$f"
		grep -q ": My $type: one/two\$" "$f"
		tail -n1 "$f" | grep -qx "text of $type"
		grep -qF "\"$rel\"" "$(log_of)" || { echo "not in related_artifacts: $rel"; return 1; }
		grep -qF "**artifact** · task \`TASK-DEV-20261124-031520\` · artifact \`$rel\`: $type: My $type: one/two" "$(log_of)" ||
			{ echo "no entry for $rel"; return 1; }
	done <<< "$TYPES"
	"$RURU" check
	run "$RURU" --json artifact list --type blocker
	[ "$(echo "$output" | python3 -c 'import json,sys; a=json.load(sys.stdin)["artifacts"]; print(len(a), a[0]["type"])')" = "1 blocker" ]
}

@test "the workspace's own template is used with its comments, tags appended to its array" {
	mkdir -p .ruru/templates/toml-md
	cp "$V7_TOML/36_session_blocker.md" .ruru/templates/toml-md/
	sed -i 's/^issue = ""/# a comment only this workspace has\nissue = ""/' .ruru/templates/toml-md/36_session_blocker.md
	"$RURU" new >/dev/null
	rel=$("$RURU" artifact add --type BLOCKER --title "CI red" --tag ci --tag flaky)
	f=".ruru/sessions/$(cat .ruru/sessions/.active)/$rel"
	grep -q "^# a comment only this workspace has$" "$f"
	[ "$(fm_get "$f" tags)" = '["session","artifact","blocker","ci","flaky"]' ]
	[ "$(fm_get "$f" resolution_status)" = '"⚪ Unresolved"' ]
	# Without a FILE the template's sections stay, under the title.
	grep -q '^# Session Blocker: CI red$' "$f"
	grep -q '^## Issue Description$' "$f"
}

@test "a second typed artifact in the same minute gets a distinct name; bad input is refused" {
	"$RURU" new >/dev/null
	a=$(echo one | "$RURU" artifact add --type note --title "Plan" -)
	b=$(echo two | "$RURU" artifact add --type note --title "Plan" -)
	[ "$a" = artifacts/notes/NOTE-plan-2611240315.md ]
	[ "$b" = artifacts/notes/NOTE-plan-2611240315-2.md ]
	run "$RURU" artifact add --type nonsense --title x
	[ "$status" -eq 2 ]
	run "$RURU" artifact add --type note
	[ "$status" -eq 2 ]
	run "$RURU" artifact add --type note --title "$(printf 'a\001b')"
	[ "$status" -eq 4 ]
	[[ "$output" == *"control character (byte 0x01) at byte offset 1"* ]]
	run "$RURU" artifact add --type note --title "$(printf 'ok\377')"
	[ "$status" -eq 4 ]
	[[ "$output" == *"invalid UTF-8 (byte 0xff) at byte offset 2"* ]]
	run "$RURU" task new --type bug --title "$(printf 'x\ny')"
	[ "$status" -eq 2 ]
	[[ "$output" == *"must be one line"* ]]
	"$RURU" pause
	run "$RURU" artifact add --type note --title "late"
	[ "$status" -eq 5 ]
	[ ! -e ".ruru/sessions/$(cat .ruru/sessions/.active)/artifacts/notes/NOTE-late-2611240315.md" ]
}

@test "new copies the workspace's scaffold; --scaffold makes the twelve folders" {
	mkdir -p .ruru/templates
	cp -r "$V7_SCAFFOLD" .ruru/templates/
	id=$("$RURU" new "With scaffold")
	diff -r "$V7_SCAFFOLD" ".ruru/sessions/$id/artifacts"
	rm -r .ruru/templates/session_artifact_scaffold
	id=$("$RURU" new "No scaffold")
	[ -z "$(ls -A ".ruru/sessions/$id/artifacts")" ]
	id=$("$RURU" new "Built-in" --scaffold)
	[ "$(ls ".ruru/sessions/$id/artifacts" | wc -l)" -eq 12 ]
	for d in notes learnings environment docs research blockers questions snippets feedback features context deferred; do
		[ -f ".ruru/sessions/$id/artifacts/$d/README.md" ] || { echo "no README in $d"; return 1; }
	done
	grep -q '^# Session Artifacts: Blockers$' ".ruru/sessions/$id/artifacts/blockers/README.md"
	! grep -q 'This Subdirectory Type' ".ruru/sessions/$id/artifacts/notes/README.md"
}

@test "a scaffold holding a symlink is refused and nothing is created" {
	mkdir -p .ruru/templates
	cp -r "$V7_SCAFFOLD" .ruru/templates/
	echo secret > ../outside-$$
	ln -s "$PWD/../outside-$$" .ruru/templates/session_artifact_scaffold/notes/leak.md
	before=$(ls .ruru/sessions | wc -l)
	run "$RURU" new "Leaky"
	rm -f ../outside-$$
	[ "$status" -eq 6 ]
	[[ "$output" == *symlink* ]]
	[ "$(ls .ruru/sessions | wc -l)" -eq "$before" ]
}

@test "task new: every type from the spec template, ID shape, session set and linked" {
	sid=$("$RURU" new "Tasks")
	n=0
	for type in feature bug chore documentation test spike; do
		n=$((n + 1))
		run env RURU_NOW="2026-11-24T03:15:2${n}Z" "$RURU" task new --type $type --title "Do $type" --assign dev-python
		[ "$status" -eq 0 ]
		id=$output
		[ "$id" = "TASK-DEV-PYTHON-20261124-03152$n" ] || { echo "id: $id"; return 1; }
		f=.ruru/tasks/$id.md
		tpl=$(ls "$V7_TOML/"0?_mdtm_$type.md)
		# The spec's keys, plus RooComSessionID.
		diff <( (fm_keys "$tpl"; echo RooComSessionID) | sort) <(fm_keys "$f")
		[ "$(fm_get "$f" RooComSessionID)" = "\"$sid\"" ]
		[ "$(fm_get "$f" title)" = "\"Do $type\"" ]
		[ "$(fm_get "$f" assigned_to)" = '"dev-python"' ]
		[ "$(fm_get "$f" created_date)" = '"2026-11-24"' ]
		grep -q "^# Do $type\$" "$f"
		grep -qF "\"$id\"" "$(log_of)"
	done
	# Same second, same team: -2.
	a=$("$RURU" task new --type chore --title a --team ops)
	b=$("$RURU" task new --type chore --title b --team ops)
	[ "$a" = TASK-OPS-20261124-031520 ] && [ "$b" = TASK-OPS-20261124-031520-2 ]
	run "$RURU" task new --type epic --title x
	[ "$status" -eq 2 ]
}

@test "task status edits only the status (and updated_date), emoji written, words and text accepted" {
	"$RURU" new >/dev/null
	id=$(RURU_NOW=2026-11-20T00:00:00Z "$RURU" task new --type feature --title "Edit me")
	f=.ruru/tasks/$id.md
	cp "$f" before.md
	"$RURU" task status "$id" review
	diff before.md "$f" | grep '^[<>]' | sed 's/^[<>] //' | cut -d= -f1 | sort -u > changed
	printf '%s\n' 'status ' 'updated_date ' | diff - changed
	grep -q '^status = "🟣 Review"$' "$f"
	grep -q '^updated_date = "2026-11-24"$' "$f"
	"$RURU" task status "$id" "🟢 Done"
	grep -q '^status = "🟢 Done"$' "$f"
	"$RURU" task status "$id" "In Progress"
	grep -q '^status = "🔵 In Progress"$' "$f"
	run "$RURU" task status "$id" "finished-ish"
	[ "$status" -eq 2 ]
	run "$RURU" task status TASK-NOPE-1 done
	[ "$status" -eq 3 ]
}

@test "claim and release: holder named on conflict, lease expiry, every other byte kept" {
	"$RURU" new >/dev/null
	id=$("$RURU" task new --type bug --title "Race")
	f=.ruru/tasks/$id.md
	cp "$f" before.md
	run "$RURU" task claim "$id" --by dev-a --ttl 10m
	[ "$status" -eq 0 ]
	diff before.md "$f" | grep '^[<>]' | sed 's/^[<>] //' | cut -d= -f1 | sort -u > changed
	printf '%s\n' 'assigned_to ' 'claimed_until ' 'status ' | diff - changed
	[ "$(fm_get "$f" claimed_until)" = '"DT:2026-11-24T03:25:20+00:00"' ]
	run "$RURU" task claim "$id" --by dev-b
	[ "$status" -eq 5 ]
	[[ "$output" == *'claimed by "dev-a" until 2026-11-24T03:25:20Z'* ]]
	run "$RURU" task claim "$id" --by dev-a --ttl 1h # the holder renews
	[ "$status" -eq 0 ]
	run env RURU_NOW=2026-11-24T04:15:21Z "$RURU" task claim "$id" --by dev-b
	[ "$status" -eq 0 ] # expired: taken
	grep -q '^assigned_to = "dev-b"$' "$f"
	run "$RURU" task release "$id" --by dev-a
	[ "$status" -eq 5 ]
	run env RURU_NOW=2026-11-24T04:15:22Z "$RURU" task release "$id" --by dev-b
	[ "$status" -eq 0 ]
	! grep -q claimed_until "$f"
	grep -q '^status = "🟡 To Do"$' "$f"
	# Back to the original apart from assigned_to.
	diff before.md "$f" | grep '^[<>]' | sed 's/^[<>] //' | cut -d= -f1 | sort -u > changed
	printf '%s\n' 'assigned_to ' | diff - changed
	run "$RURU" task claim "$id" --by dev-c --ttl soon
	[ "$status" -eq 2 ]
	"$RURU" task status "$id" done
	run "$RURU" task claim "$id" --by dev-c
	[ "$status" -eq 5 ]
	[[ "$output" == *"is done"* ]]
}

@test "8 processes claim one task at once, 50 rounds: exactly one winner each round" {
	"$RURU" new >/dev/null
	id=$("$RURU" task new --type chore --title "Contended")
	for round in $(seq 1 50); do
		for p in 1 2 3 4 5 6 7 8; do
			( set +e; "$RURU" task claim "$id" --by "mode-$p" > "out.$p" 2> "err.$p"; echo $? > "rc.$p" ) &
		done
		wait
		wins=$(cat rc.* | grep -cx 0)
		losers=$(cat rc.* | grep -cx 5)
		[ "$wins" -eq 1 ] && [ "$losers" -eq 7 ] || { echo "round $round: $wins winners, $losers losers"; cat err.*; return 1; }
		winner=$(grep -l . out.* | head -1)
		who=$(sed -n 's/.* · assigned to \([^ ]*\) · .*/\1/p' "$winner")
		[ -n "$who" ]
		for e in err.*; do
			[ -s "$e" ] || continue
			grep -q "claimed by \"$who\"" "$e" || { echo "round $round: loser does not name $who"; cat "$e"; return 1; }
		done
		"$RURU" task release "$id" > /dev/null
		rm -f out.* err.* rc.*
	done
	"$RURU" toml decode ".ruru/tasks/$id.md" > /dev/null
}

@test "task list finds task files that name the session in any of the ways real files do" {
	sid=$("$RURU" new "Find")
	mkdir -p .ruru/tasks/sub .mdtm/tasks
	w() { printf '+++\nid = "%s"\ntitle = "%s"\nstatus = "🟡 To Do"\n%s\n+++\n# x\n' "$1" "$1" "$2" > "$3"; }
	w TASK-A-1 "RooComSessionID = \"$sid\"" .ruru/tasks/a.md
	w TASK-B-1 "session_id = \"$sid\"" .ruru/tasks/sub/b.md
	w TASK-C-1 "parent_task = \"$sid\"" .ruru/tasks/c.md
	w TASK-D-1 "coordinator = \"roo-commander ($sid)\"" .ruru/tasks/d.md
	w TASK-E-1 "related_docs = [\".ruru/sessions/$sid/artifacts/notes/x.md\"]" .mdtm/tasks/e.md
	w TASK-F-1 "RooComSessionID = \"$sid-2\"" .ruru/tasks/f.md
	w TASK-G-1 "related_docs = [\".ruru/sessions/${sid}-2/x.md\"]" .ruru/tasks/g.md
	run "$RURU" --json task list
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json,sys
t={x["id"]:x for x in json.load(sys.stdin)["tasks"]}
assert sorted(t)==["TASK-A-1","TASK-B-1","TASK-C-1","TASK-D-1","TASK-E-1"], sorted(t)
assert t["TASK-B-1"]["via"]=="session_id" and t["TASK-E-1"]["via"]=="related_docs"
assert t["TASK-E-1"]["file"]==".mdtm/tasks/e.md" and not t["TASK-A-1"]["linked"]'
	"$RURU" task link TASK-C-1
	run "$RURU" --json task list
	echo "$output" | python3 -c '
import json,sys
t=json.load(sys.stdin)["tasks"]
assert t[0]["id"]=="TASK-C-1" and t[0]["linked"] and t[0]["status"]=="🟡 To Do", t
assert len(t)==5'
}

@test "task list marks the tasks an open delegation or error holds open" {
	"$RURU" new "Marks" >/dev/null
	t=$("$RURU" log --type delegation --new-task --title "Token" --mode dev-api "Do it")
	u=$("$RURU" task new --type bug --title other)
	"$RURU" log --type error --source ci --task "$u" "tests fail" >/dev/null
	run "$RURU" task list
	[ "$status" -eq 0 ]
	[[ "$output" == *"$t"*"Token"$'\t'"open: delegation"* ]]
	[[ "$output" == *"$u"*"other"$'\t'"open: error"* ]]
	[ "$("$RURU" --json task list | jq -r '[.tasks[].open] | join(",")')" = delegation,error ]
	"$RURU" log --type result --mode dev-api --task "$t" --outcome success "done" >/dev/null
	[ "$("$RURU" --json task list | jq -c '[.tasks[].open]')" = '[null,"error"]' ]
	run "$RURU" task list
	[[ "$output" != *"open: delegation"* ]]
}

@test "task link refuses what is not an MDTM ID and warns when no file has it" {
	"$RURU" new >/dev/null
	run "$RURU" task link "not a task"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not an MDTM task ID"* ]]
	! grep -q "not a task" "$(log_of)"
	run "$RURU" task link TASK-GHOST-1
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: linked \"TASK-GHOST-1\", but no task file has that ID"* ]]
}

@test "a delegation can create its task: log --type delegation --new-task" {
	sid=$("$RURU" new "Delegate")
	run "$RURU" log --type delegation --new-task --title "Build the API" --task-type feature --mode dev-api "please build it"
	[ "$status" -eq 0 ]
	id=$output
	[ "$id" = TASK-DEV-API-20261124-031520 ]
	f=.ruru/tasks/$id.md
	[ "$(fm_get "$f" assigned_to)" = '"dev-api"' ]
	[ "$(fm_get "$f" RooComSessionID)" = "\"$sid\"" ]
	grep -qF "**delegation** · mode \`dev-api\` · task \`$id\`: please build it" "$(log_of)"
	grep -qF "related_tasks = [\"$id\"]" "$(log_of)"
	run "$RURU" log --type note --new-task --title x y
	[ "$status" -eq 2 ]
	"$RURU" pause
	run "$RURU" log --type delegation --new-task --title "late" --mode m "x"
	[ "$status" -eq 5 ]
	[ "$(ls .ruru/tasks | wc -l)" -eq 1 ]
}

@test "summarize: outcomes, decisions, open items, artifacts; deterministic; new --from-summary" {
	sid=$("$RURU" new "Summed" --tag alpha)
	"$RURU" log --type delegation --mode dev-a --task TASK-A-1 "build a"
	"$RURU" log --type delegation --mode dev-b --task TASK-B-1 "build b"
	"$RURU" log --type result --mode dev-a --task TASK-A-1 --outcome success "a is built"
	"$RURU" log --type decision --adr docs/adr/1.md "use sqlite"
	"$RURU" log --type error --source ci "tests fail"
	echo hi | "$RURU" artifact add --type learning --title "Cache keys" - >/dev/null
	"$RURU" artifact add --name plain.txt - <<< "x" >/dev/null
	"$RURU" pause --reason "waiting for review"
	rel=$("$RURU" summarize)
	[ "$rel" = "artifacts/summaries/SESSUM-$sid-2611240315.md" ]
	f=".ruru/sessions/$sid/$rel"
	"$RURU" toml decode "$f" >/dev/null
	fm_json "$f" > s.json
	python3 - s.json "$sid" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1])); sid = sys.argv[2]
assert s["id"] == "SESSUM-%s-2611240315" % sid
assert s["original_session_id"] == sid and s["original_session_title"] == "Summed"
assert s["status_at_summary"] == "Paused" and s["summarized_by_mode"] == "ruru"
assert s["summary_creation_date"] == "20261124031520"
assert s["key_outcomes_achieved"] == ["a is built (mode dev-a, task TASK-A-1)"], s["key_outcomes_achieved"]
assert s["key_decisions_made"] == ["use sqlite (adr docs/adr/1.md)"]
b = s["outstanding_blockers_or_issues"]
# the open items, as the digest words them
assert b == ["delegation to dev-b, task TASK-B-1 has no result yet: build b (2026-11-24 03:15:20Z)",
             "error from ci has no later success: tests fail (2026-11-24 03:15:20Z)"], b
n = s["identified_next_steps_from_session"]
assert n[1:] == ["Collect the result of the " + b[0], "Resolve the " + b[1]], n
assert s["critical_learnings_or_insights"] == ["Cache keys (artifacts/learnings/LEARNING-cache_keys-2611240315.md)"], s["critical_learnings_or_insights"]
assert s["identified_next_steps_from_session"][0] == "Resume where the session paused: waiting for review"
assert s["tags"][-1] == "alpha"
p = [a["path"] for a in s["primary_context_artifacts"]]
assert p == ["learnings/LEARNING-cache_keys-2611240315.md", "plain.txt"], p
assert s["primary_context_artifacts"][0]["artifact_type"] == "learning"
assert "relevant_code_areas" not in s
assert len(s["critical_learnings_or_insights"]) == 1
EOF
	# The template's comments stay; example tables are gone.
	grep -q '^# --- Key Information (Optional but Recommended) ---$' "$f"
	! grep -q 'NOTE-example_artifact_name' "$f"
	# Paused: written, not recorded.
	! grep -q SESSUM "$(log_of)"
	# Deterministic: another minute changes only the time.
	rel2=$(RURU_NOW=2026-11-24T04:20:00Z "$RURU" summarize)
	f2=".ruru/sessions/$sid/$rel2"
	[ "$f" != "$f2" ]
	diff <(timeless "$f") <(timeless "$f2")
	# An active session records its summary.
	"$RURU" resume
	rel3=$(RURU_NOW=2026-11-24T05:00:00Z "$RURU" summarize)
	grep -qF "\"$rel3\"" "$(log_of)"
	# A new session starting from it.
	new=$("$RURU" new "Next" --from-summary ".ruru/sessions/$sid/$rel3")
	grep -qF "source_summaries = [\".ruru/sessions/$sid/$rel3\"]" ".ruru/sessions/$new/session_log.md"
	# Its summary points back at the one it started from.
	rel4=$("$RURU" summarize)
	[ "$(fm_get ".ruru/sessions/$new/$rel4" related_summaries)" = "[\".ruru/sessions/$sid/$rel3\"]" ]
	run "$RURU" new "Bad" --from-summary nowhere.md
	[ "$status" -eq 3 ]
}

@test "summarize a session of 5,000 open delegations lists every one, in order" {
	sid=$("$RURU" new "Crowded")
	# written in the format ruru log writes (5,000 ruru log runs would take long)
	python3 - "$(log_of)" <<'EOF'
import sys
with open(sys.argv[1], "a", encoding="utf-8") as f:
    for i in range(5000):
        f.write(f"- [2026-11-24 03:{i // 60 % 60:02d}:{i % 60:02d}Z] **delegation** · "
                f"mode `dev-x` · task `TASK-X-{i}`: job {i}\n")
EOF
	rel=$("$RURU" summarize)
	f=".ruru/sessions/$sid/$rel"
	"$RURU" toml decode "$f" >/dev/null
	fm_json "$f" > s.json
	python3 - s.json <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
b = s["outstanding_blockers_or_issues"]
assert len(b) == 5000, len(b)
for i, x in enumerate(b):
    assert x.startswith("delegation to dev-x, task TASK-X-%d has no result yet: job %d (" % (i, i)), (i, x)
n = s["identified_next_steps_from_session"]
assert n[-5000:] == ["Collect the result of the " + x for x in b], n[-3:]
EOF
	# the JSON answer names the summary it wrote
	"$RURU" --json summarize > j.json
	python3 -c 'import json, sys; print(json.load(open("j.json")))' | grep -q SESSUM
}

@test "task new --body and summarize --body: file or stdin, text rule, nothing written on refusal" {
	sid=$("$RURU" new "Bodies")
	printf '# Fix it\n\nSteps:\n- one\n' > body.md
	id=$("$RURU" task new --type bug --title "Fix it" --body body.md)
	f=.ruru/tasks/$id.md
	[ "$(fm_get "$f" title)" = '"Fix it"' ]
	[ "$(sed -n '/^+++$/,/^+++$/!p' "$f")" = "$(printf '\n# Fix it\n\nSteps:\n- one')" ]
	id2=$(printf 'from stdin' | "$RURU" task new --type chore --title b --team ops --body -)
	[ "$(tail -c 12 ".ruru/tasks/$id2.md")" = "$(printf '\nfrom stdin\n')" ]
	ls .ruru/tasks > before
	printf 'a\033[2Jb' > bad.md
	run "$RURU" task new --type chore --title c --team zz --body - < bad.md
	[ "$status" -ne 0 ] && [[ "$output" == *body* ]]
	ls .ruru/tasks | diff before -
	run "$RURU" task new --type chore --title c --body missing.md
	[ "$status" -ne 0 ]
	rel=$(printf 'Ask dev-a about the cache.\n' | "$RURU" summarize --body -)
	s=".ruru/sessions/$sid/$rel"
	grep -q '^## 8. Pointers for Continuity' "$s"
	[ "$(tail -n 3 "$s")" = "$(printf '## Notes from the coordinator\n\nAsk dev-a about the cache.')" ]
	ls ".ruru/sessions/$sid/artifacts/summaries" > sums
	printf 'bad\007' > bad.md
	run "$RURU" summarize --body bad.md
	[ "$status" -ne 0 ] && [[ "$output" == *body* ]]
	ls ".ruru/sessions/$sid/artifacts/summaries" | diff sums -
}

@test "summaries of every corpus log: valid TOML, every listed artifact exists, deterministic" {
	n=0
	while read -r log; do
		n=$((n + 1))
		id="C$n"
		mkdir -p ".ruru/sessions/$id"
		cp -r "$(dirname "$log")"/. ".ruru/sessions/$id/"
		run "$RURU" summarize "$id"
		if [ "$status" -eq 4 ]; then
			# refused as continue refuses it: a log ruru cannot read
			[ "$("$RURU" --json show "$id" | jq -r .valid)" = false ] || { echo "$log: $output"; return 1; }
			[ ! -d ".ruru/sessions/$id/artifacts/summaries" ]
			continue
		fi
		[ "$status" -eq 0 ] || { echo "$log: $output"; return 1; }
		f=".ruru/sessions/$id/$output"
		"$RURU" toml decode "$f" > /dev/null || { echo "ruru cannot decode the summary of $log"; return 1; }
		fm_json "$f" > s.json || { echo "tomllib refuses the summary of $log"; return 1; }
		python3 - s.json ".ruru/sessions/$id" <<'EOF' || { echo "$log"; return 1; }
import json, os, sys
s = json.load(open(sys.argv[1]))
for a in s.get("primary_context_artifacts", []):
    p = os.path.join(sys.argv[2], "artifacts", a["path"])
    assert os.path.isfile(p), p
EOF
		# The same log again (an active session recorded the first one).
		cp "$log" ".ruru/sessions/$id/session_log.md"
		run env RURU_NOW=2026-11-25T00:00:00Z "$RURU" summarize "$id"
		f2=".ruru/sessions/$id/$output"
		diff <(timeless "$f") <(timeless "$f2") ||
			{ echo "not deterministic: $log"; return 1; }
	done < <(find "$COMPAT_DIR" -name session_log.md | sort)
	[ "$n" -ge "$COMPAT_MIN" ]
}

@test "a v8.1 workspace from the v8.1 templates: new, list, show, log, artifact, task, summary, continue" {
	rm -rf .ruru
	cp -r "$V81/.roo" "$V81/.mdtm" .
	mkdir sub && cd sub
	run "$RURU" new "Classic goal"
	[ "$status" -eq 0 ]
	id=$output
	[ "$id" = SESSION-Classic_goal-20261124-031520 ]
	cd ..
	[ ! -e .ruru ]
	d=.mdtm/sessions/$id
	[ -d "$d/notes" ] && [ -d "$d/learnings" ] && [ -d "$d/summaries" ]
	# Started from the v8.1 session template, comments kept.
	grep -q '^# Session Log V6$' "$d/session_log.md"
	grep -q '"session", "log",' "$d/session_log.md"
	[ "$(fm_get "$d/session_log.md" title)" = '"Classic goal"' ]
	run "$RURU" --json list
	echo "$output" | python3 -c '
import json,sys
s=json.load(sys.stdin)["sessions"]
assert [(x["id"],x["layout"]) for x in s]==[(sys.argv[1],"v8.1")], s' "$id"
	"$RURU" log --type decision "keep it classic"
	rel=$(echo body | "$RURU" artifact add --type note --title "Classic note" -)
	[ "$rel" = notes/NOTE-classic_note-2611240315.md ]
	[ -f "$d/$rel" ]
	grep -qF "\"$rel\"" "$d/session_log.md"
	run "$RURU" artifact list --type note
	[[ "${lines[1]}" == "notes/NOTE-classic_note-2611240315.md	note	recorded	"*" bytes" ]]
	t=$("$RURU" task new --type test --title "Classic test")
	[ -f ".mdtm/tasks/$t.md" ]
	run "$RURU" task list
	[[ "${lines[1]}" == "$t"$'\t'* ]]
	run "$RURU" show
	[ "$status" -eq 0 ]
	[[ "$output" == *"keep it classic"* ]]
	s=$("$RURU" summarize)
	[ "$s" = "summaries/SESSUM-$id-2611240315.md" ]
	fm_json "$d/$s" > s.json
	python3 -c '
import json,sys
s=json.load(open("s.json"))
assert [a["path"] for a in s["primary_context_artifacts"]]==["notes/NOTE-classic_note-2611240315.md"], s' 
	# The later layout's session files are ruru's, not a confirmation's target.
	echo x > new.txt
	run "$RURU" confirm propose --target "$d/session_log.md" --content new.txt
	[ "$status" -eq 6 ]
	[[ "$output" == *"lies inside .mdtm/sessions/"* ]]
	# The confirmation workflow works in a v8.1 session too.
	echo before > target.txt
	a=$("$RURU" confirm propose --target target.txt --content new.txt)
	[[ "$a" == "$d/artifacts/CONFIRM-target.txt-"*.md ]]
	"$RURU" confirm approve "$(basename "$a")"
	"$RURU" confirm apply "$a"
	[ "$(cat target.txt)" = x ]
	grep -q "\*\*result\*\* · artifact \`artifacts/CONFIRM-target.txt" "$d/session_log.md"
	# ruru's own files in the user's folders stay out of git.
	git init -q . && git add -A
	git status --porcelain --ignored | grep -E '\.lock|\.state|\.active' | grep -v '^!!' && return 1
	"$RURU" task claim "$t" --by dev-x
	git status --porcelain | grep -E '\.lock' && return 1
	"$RURU" pause
	run "$RURU" continue "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Continuing session $id"* ]]
	"$RURU" check
	# A v8 session next to it is listed with its layout too.
	mkdir -p .roo/commander/sessions/SESSION-V8-20260101-000000
	printf '+++\nid = "SESSION-V8-20260101-000000"\ntitle = "v8"\nstatus = "⏸️ Paused"\nstart_time = 2026-01-01T00:00:00Z\n+++\n\n## Log Entries\n\n- [2026-01-01 00:00:00Z] **note**: hi\n' > .roo/commander/sessions/SESSION-V8-20260101-000000/session_log.md
	run "$RURU" --json list
	echo "$output" | python3 -c '
import json,sys
s={x["id"]:x["layout"] for x in json.load(sys.stdin)["sessions"]}
assert s["SESSION-V8-20260101-000000"]=="v8", s'
	run "$RURU" show SESSION-V8
	[ "$status" -eq 0 ]
	[[ "$output" == *"hi"* ]]
	"$RURU" resume SESSION-V8-20260101-000000
	"$RURU" -s SESSION-V8-20260101-000000 log "into v8"
	grep -q 'into v8' .roo/commander/sessions/SESSION-V8-20260101-000000/session_log.md
}

@test "ruru init in a v8.1 workspace does not divert new sessions from .mdtm/sessions" {
	cp -r "$V81/.mdtm" .
	[ -d .ruru/sessions ] && [ -z "$(ls .ruru/sessions)" ]
	id=$("$RURU" new "Still classic")
	[ -f ".mdtm/sessions/$id/session_log.md" ]
	[[ "$id" == SESSION-Still_classic-20261124-031520 ]]
	# Once .ruru/sessions holds a session, new ones go there.
	mkdir .ruru/sessions/SESSION-Old-2601010000
	id=$("$RURU" new "Back to ruru")
	[ -f ".ruru/sessions/$id/session_log.md" ]
}

@test "a typed artifact, a summary or a task that fails to write leaves no file, folder or entry" {
	sid=$("$RURU" new "Faults")
	log=$(log_of)
	h=$(sum "$log")
	run env RURU_FAULT=write "$RURU" artifact add --type research --title "Lost" - <<< "text"
	[ "$status" -ne 0 ]
	[ ! -e ".ruru/sessions/$sid/artifacts/research" ]
	run env RURU_FAULT=write "$RURU" summarize
	[ "$status" -ne 0 ]
	[ ! -e ".ruru/sessions/$sid/artifacts/summaries" ]
	rm -r .ruru/tasks
	run env RURU_FAULT=write "$RURU" task new --type chore --title "Lost"
	[ "$status" -ne 0 ]
	[ ! -e .ruru/tasks ]
	[ "$(sum "$log")" = "$h" ]
	# A write that fails while the log takes the entry removes the artifact.
	run env RURU_FAULT=write:2 "$RURU" artifact add --type research --title "Lost" - <<< "text"
	[ "$status" -ne 0 ]
	[ -z "$(find ".ruru/sessions/$sid/artifacts" -name 'RESEARCH-*')" ]
	[ "$(sum "$log")" = "$h" ]
}
