#!/usr/bin/env bats
# agent.bats — what trips
# a model driving ruru from its help and tool descriptions alone.  Each
# test is a scenario run through the real binary.

load helpers
setup() {
	use_spec
	setup_workspace
}
teardown() { teardown_workspace; }

with_template() {
	mkdir -p .ruru/templates/toml-md
	cp "$V7_SESSION" .ruru/templates/toml-md/
}

# ------------------------------------------------------------ item 1

@test "new --description reaches the log when the workspace has the session template" {
	with_template
	id=$("$RURU" new "Ship it" --description "Move login to JWT.")
	f=$(log_of "$id")
	grep -qx 'Move login to JWT.' "$f"
	# the template's comments stay, the goal is a section of its own
	comment=$(grep -m1 -o '# (Array of Strings, Optional) .*' "$V7_SESSION")
	[ -n "$comment" ] && grep -qF "$comment" "$f"
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

# ------------------------------------------------------------ item 7

@test "messages and goals that start with - are operands, not options" {
	id=$("$RURU" new "-5 tests failing")
	[ "$id" = "SESSION-5_tests_failing-2611240315" ]
	grep -qx 'title = "-5 tests failing"' "$(log_of)"
	"$RURU" log "- fixed the bug"
	"$RURU" log -t decision "-tired of flaky tests, pin the seed"
	"$RURU" log "--not-an-option with spaces"
	"$RURU" log -- --type
	"$RURU" log "after the message" --type decision --mode dev
	run "$RURU" --json show -n 5
	[ "$status" -eq 0 ]
	[ "$(jq -r '.entries[].message' <<<"$output")" = "$(printf '%s\n' '- fixed the bug' \
		'-tired of flaky tests, pin the seed' '--not-an-option with spaces' '--type' 'after the message')" ]
	[ "$(jq -r '.entries[1].type, .entries[4].type, .entries[4].mode' <<<"$output")" = $'decision\ndecision\ndev' ]
}

@test "toml set and get take values and keys that start with -" {
	printf 'a = 1\n-b = 2\n' >f.toml
	"$RURU" toml set f.toml a -1
	grep -qx 'a = -1' f.toml
	"$RURU" toml set f.toml a -inf
	grep -qx 'a = -inf' f.toml
	run "$RURU" toml get f.toml -b
	[ "$status" -eq 0 ]
	[ "$output" = "2" ]
}

@test "an unknown option error names the word that was given" {
	"$RURU" new G >/dev/null
	run "$RURU" log --typo x
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "--typo"'* ]]
	run "$RURU" show -5
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "-5"'* ]]
	run "$RURU" show "- x"
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "- " in "- x"'* ]]
	[[ "$output" != *'"show"'* ]]
	run "$RURU" log -t
	[ "$status" -eq 2 ]
	[[ "$output" == *'-t needs a value'* ]]
}

# ------------------------------------------------------------ item 3

# A log of 5,000 hand-appended entries in ruru's own format, plus an open
# delegation and a three-line newest entry.
big_session() {
	id=$("$RURU" new "Big" --description "The goal.")
	f=$(log_of "$id")
	python3 - "$f" <<'PY'
import sys
with open(sys.argv[1], 'a') as f:
    for i in range(5000):
        f.write('- [2026-11-24 03:16:%02dZ] **note**: entry number %d, with a few words to make it longer\n' % (i % 60, i))
PY
	"$RURU" log --type delegation --mode dev-a --task TASK-A-1 "open delegation"
	"$RURU" log $'newest line one\nline two\nline three'
}

# Every line of the entries section is an entry or its continuation.
entries_whole() {
	awk '/^## Last entries/ {on=1; next} on && NF {
		if ($0 !~ /^- \[/ && $0 !~ /^  /) { print "stray: " $0; bad=1 } }
		END { exit bad }' "$1"
}

@test "the digest is bounded to 8,000 bytes by default, header and open items kept, oldest entries cut" {
	big_session
	before=$(sum "$f")
	"$RURU" show --digest >d.txt
	[ "$(sum "$f")" = "$before" ] # show --digest changes nothing
	[ "$(wc -c <d.txt)" -le 8000 ]
	[ "$(wc -c <d.txt)" -ge 7000 ]
	head -1 d.txt | grep -qx "# Session $id"
	grep -qx 'Goal: Big' d.txt
	grep -q '^- delegation to dev-a, task TASK-A-1 has no result yet: open delegation' d.txt
	grep -qx '  The goal.' d.txt # the goal text indented: it cannot forge a heading
	# the newest entry whole, the oldest left out and counted
	grep -A2 'newest line one' d.txt | tail -1 | grep -qx '  line three'
	! grep -q 'entry number 0,' d.txt
	heading=$(grep '^## Last entries' d.txt)
	[[ "$heading" =~ \(([0-9]+)\ of\ ([0-9]+)\;\ ([0-9]+)\ older\ left\ out\) ]]
	shown=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]} left=${BASH_REMATCH[3]}
	[ "$total" -eq 5003 ]
	[ $((shown + left)) -eq "$total" ]
	[ "$(grep -c '^- \[' d.txt)" -eq "$shown" ]
	entries_whole d.txt
	run "$RURU" --json show --digest
	[ "$(jq -r .entries_omitted <<<"$output")" -eq "$left" ]
	[ "$(jq -r '.open_items[0].kind' <<<"$output")" = delegation ]
}

@test "--max-chars counts bytes, includes the header, never cuts an entry in the middle" {
	big_session
	for n in 2000 1234 700; do
		"$RURU" show --digest --max-chars $n >d.txt
		[ "$(wc -c <d.txt)" -le $n ]
		entries_whole d.txt
	done
	# whatever the bound, the three-line newest entry is there whole or not at all
	for n in $(seq 600 7 1100); do
		"$RURU" show --digest --max-chars $n >d.txt
		[ "$(wc -c <d.txt)" -le $n ]
		if grep -q 'newest line one' d.txt; then grep -qx '  line three' d.txt; fi
		! grep -q '^  line' d.txt || grep -q 'newest line one' d.txt
	done
	"$RURU" show --digest --max-chars 0 >all.txt
	[ "$(wc -c <all.txt)" -gt 400000 ]
	grep -q 'entry number 0,' all.txt
	grep -q '^## Last entries (all 5003)' all.txt
	run "$RURU" show --digest --max-chars x
	[ "$status" -eq 2 ]
	# show's entries are bounded too (text): --max-chars is no longer
	# only the digest's
	run "$RURU" show --max-chars 100
	[ "$status" -eq 0 ]
	[[ "$output" == *"older entries left out"* ]]
}

@test "continue is bounded like show --digest and logs only a resume" {
	big_session
	n=$(grep -c '^- \[' "$f")
	"$RURU" continue >c.txt
	[ "$(wc -c <c.txt)" -le 8000 ]
	head -1 c.txt | grep -qx "# Continuing session $id"
	# already active: reading, nothing logged
	[ "$(grep -c '^- \[' "$f")" -eq "$n" ]
	"$RURU" pause >/dev/null
	n=$(grep -c '^- \[' "$f")
	"$RURU" continue >/dev/null
	[ "$(grep -c '^- \[' "$f")" -eq $((n + 1)) ]
	"$RURU" show --digest >/dev/null
	[ "$(grep -c '^- \[' "$f")" -eq $((n + 1)) ]
	"$RURU" continue --max-chars 3000 >c.txt
	[ "$(wc -c <c.txt)" -le 3000 ]
}

# ------------------------------------------------------------ item 4

@test "continue without an ID never reopens a completed or failed session" {
	a=$("$RURU" new "Done one")
	"$RURU" complete
	before=$(sum "$(log_of "$a")")
	run "$RURU" continue
	[ "$status" -eq 3 ]
	[[ "$output" == *"\"$a\" is completed"* ]]
	[[ "$output" == *"recent sessions"* ]]
	[[ "$output" == *"$a"* ]]
	[ "$(sum "$(log_of "$a")")" = "$before" ]
	grep -qx 'status = "🏁 Completed"' "$(log_of "$a")"
	b=$("$RURU" new "Failed one")
	"$RURU" fail --reason broken
	run "$RURU" continue
	[ "$status" -eq 3 ]
	grep -qx 'status = "🔴 Error"' "$(log_of "$b")"
}

@test "continue ID reopens an ended session only with --reopen" {
	a=$("$RURU" new "Done one")
	"$RURU" complete
	before=$(sum "$(log_of "$a")")
	run "$RURU" continue "$a"
	[ "$status" -eq 5 ]
	[[ "$output" == *"--reopen"* ]]
	[ "$(sum "$(log_of "$a")")" = "$before" ]
	run "$RURU" continue "$a" --reopen
	[ "$status" -eq 0 ]
	grep -qx 'status = "🟢 Active"' "$(log_of "$a")"
	grep -q 'Session resumed: reopened and continued' "$(log_of "$a")"
	# a paused session needs no --reopen
	"$RURU" pause
	run "$RURU" continue
	[ "$status" -eq 0 ]
}

@test "new while another session is active says so on stderr and in JSON and leaves it alone" {
	a=$("$RURU" new "First")
	before=$(sum "$(log_of "$a")")
	run --separate-stderr "$RURU" new "Second"
	[ "$status" -eq 0 ]
	[ "$output" = "SESSION-Second-2611240315" ]
	[[ "$stderr" == *"$a is still active"* ]]
	[ "$(sum "$(log_of "$a")")" = "$before" ]
	run --separate-stderr "$RURU" --json new "Third"
	[ "$(jq -r .other_active <<<"$output")" = "SESSION-Second-2611240315" ]
	"$RURU" pause
	run --separate-stderr "$RURU" --json new "Fourth"
	[ "$(jq -r .other_active <<<"$output")" = null ]
	[ -z "$stderr" ]
}

# ------------------------------------------------------------ item 2

@test "artifact add --name artifacts/x is artifacts/x, not artifacts/artifacts/x" {
	"$RURU" new G >/dev/null
	echo hi >x.md
	run "$RURU" artifact add --name artifacts/notes/x.md x.md
	[ "$status" -eq 0 ]
	[ "$output" = "artifacts/notes/x.md" ]
	[ -f "$(dirname "$(log_of)")/artifacts/notes/x.md" ]
	[ ! -e "$(dirname "$(log_of)")/artifacts/artifacts" ]
}

@test "log --artifact stores the path relative to the session whatever form it was given in" {
	id=$("$RURU" new G)
	s=.ruru/sessions/$id
	mkdir -p "$s/artifacts/notes" sub
	for f in a b c d e g; do echo $f >"$s/artifacts/$f.md"; done
	echo n >"$s/artifacts/notes/n.md"
	"$RURU" log --type artifact --artifact artifacts/a.md "relative to the session"
	"$RURU" log --type artifact --artifact b.md "relative to artifacts/"
	"$RURU" log --type artifact --artifact notes/n.md "relative to artifacts/, deeper"
	"$RURU" log --type artifact --artifact "$s/artifacts/c.md" "relative to the root"
	"$RURU" log --type artifact --artifact "$PWD/$s/artifacts/d.md" "absolute"
	(cd sub && "$RURU" log --type artifact --artifact "../$s/artifacts/e.md" "relative to the cwd")
	"$RURU" log --type artifact --artifact "./artifacts//g.md" "not normalised"
	run "$RURU" --json show
	[ "$(jq -c .related_artifacts <<<"$output")" = \
		'["artifacts/a.md","artifacts/b.md","artifacts/notes/n.md","artifacts/c.md","artifacts/d.md","artifacts/e.md","artifacts/g.md"]' ]
	[ "$(jq -r '[.entries[] | select(.type == "artifact") | .artifact] | join(" ")' <<<"$output")" = \
		'artifacts/a.md artifacts/b.md artifacts/notes/n.md artifacts/c.md artifacts/d.md artifacts/e.md artifacts/g.md' ]
	run "$RURU" artifact list
	[ "$status" -eq 0 ]
	! grep -q 'unrecorded\|missing' <<<"$output"
	[ "$(grep -c $'\trecorded\t[0-9]* bytes$' <<<"$output")" -eq 7 ]
	"$RURU" check
}

@test "log --artifact outside the session folder is refused with exit 6 and nothing written" {
	id=$("$RURU" new G)
	other=$("$RURU" new Other)
	"$RURU" resume "$id" 2>/dev/null || true
	echo x >outside.md
	mkdir -p .ruru/sessions/$other/artifacts && echo y >.ruru/sessions/$other/artifacts/y.md
	f=$(log_of "$other")
	before=$(sum "$f")
	for p in outside.md "$PWD/outside.md" ../x.md "artifacts/../../x.md" \
		".ruru/sessions/$id/artifacts/y.md/../../../$id/session_log.md" "$PWD/.ruru/sessions/$id/artifacts/y.md" \
		session_log.md; do
		run "$RURU" -s "$other" log --type artifact --artifact "$p" "nope"
		[ "$status" -eq 6 ] || { echo "$p: $status $output"; return 1; }
	done
	[ "$(sum "$f")" = "$before" ]
}

@test "artifact entries name the path once and carry --description" {
	"$RURU" new G >/dev/null
	echo hello >notes.md
	"$RURU" artifact add --description "JWT research notes" --name research/jwt.md notes.md
	"$RURU" artifact add --force --name research/jwt.md notes.md
	f=$(log_of)
	line=$(grep 'JWT research' "$f")
	[ "$(grep -o 'artifacts/research/jwt.md' <<<"$line" | wc -l)" -eq 1 ]
	[[ "$line" == *': Added (6 bytes): JWT research notes' ]]
	grep -q ': Replaced (6 bytes)$' "$f"
	run "$RURU" artifact add --help
	[[ "$output" == *"--description TEXT"* ]]
}

# ------------------------------------------------------------ item 12

@test "init --git outside git changes nothing; init says what it made on stderr" {
	mkdir ../plain-$$ && cd ../plain-$$
	run env GIT_CEILING_DIRECTORIES="$(dirname "$PWD")" "$RURU" init --git
	[ "$status" -eq 3 ]
	[ -z "$(ls -A)" ]
	run --separate-stderr "$RURU" init
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"made .ruru/"* ]]
	run --separate-stderr "$RURU" init
	[[ "$stderr" == *"kept the existing .ruru/"* ]]
	cd "$WS" && rm -rf ../plain-$$
}

@test "list escapes control characters so a title cannot break its row" {
	"$RURU" new $'two\nlines\tand a tab \\ and a backslash' >/dev/null
	"$RURU" new "plain" >/dev/null
	run --separate-stderr "$RURU" list
	[ "${#lines[@]}" -eq 2 ]
	for l in "${lines[@]}"; do [ "$(awk -F'\t' '{print NF}' <<<"$l")" -eq 4 ]; done
	[[ "$output" == *$'\t''two\nlines\tand a tab \\ and a backslash'* ]]
	run "$RURU" --json list
	[ "$(jq -r '.sessions[] | select(.title | startswith("two")) | .title' <<<"$output")" = \
		$'two\nlines\tand a tab \\ and a backslash' ]
}

@test "an ambiguous ID prefix names the candidates" {
	RURU_NOW=2026-11-24T03:15:20Z "$RURU" new "Alpha" >/dev/null
	RURU_NOW=2026-11-24T03:16:20Z "$RURU" new "Alpine" >/dev/null
	run "$RURU" show SESSION-Alp
	[ "$status" -eq 3 ]
	[[ "$output" == *'matches 2 sessions: "SESSION-Alpha-2611240315", "SESSION-Alpine-2611240316"'* ]]
}

@test "help shows required options without brackets and every outcome; --max-chars counts bytes" {
	run "$RURU" help --all
	[[ "$output" == *"ruru confirm propose --target PATH (--content FILE|- | --diff FILE|-)"* ]]
	[[ "$output" == *"ruru confirm delegate --to SLUG [--task TASK-ID] ARTIFACT"* ]]
	[[ "$output" == *"ruru confirm skip --rationale TEXT "* ]]
	[[ "$output" == *"ruru task new --type TYPE --title TEXT [--team TEAM]"* ]]
	[[ "$output" == *"ruru task claim --by MODE [--ttl DURATION] TASK-ID"* ]]
	[[ "$output" == *"--outcome success|failure|approved|rejected"* ]]
	run "$RURU" continue --help
	[[ "$output" == *"--max-chars N"*"bytes"* ]]
	[[ "$output" == *"--reopen"* ]]
	run "$RURU" show --help
	[[ "$output" == *"--digest"* ]]
	"$RURU" new G >/dev/null
	"$RURU" log --type confirm-response --outcome approved "the user said yes"
	run "$RURU" log --outcome maybe x
	[ "$status" -eq 2 ]
	[[ "$output" == *'--outcome is one of success, failure, approved, rejected, not "maybe"'* ]]
}

@test "open items: delegations without a result, errors without a later success, tasks not done (once: with the delegation that names it)" {
	"$RURU" new G >/dev/null
	mkdir -p .ruru/tasks
	printf '+++\nid = "TASK-DONE-1"\ntitle = "Finished"\nstatus = "🟢 Done"\n+++\n' >.ruru/tasks/TASK-DONE-1.md
	printf '+++\nid = "TASK-OPEN-1"\ntitle = "Still to do"\nstatus = "🟡 To Do"\n+++\n' >.ruru/tasks/TASK-OPEN-1.md
	"$RURU" log --type delegation --mode dev-a --task TASK-DONE-1 "closed by its result"
	"$RURU" log --type delegation --mode dev-b --task TASK-OPEN-1 "still open"
	"$RURU" log --type delegation --mode dev-c "open, no task"
	"$RURU" log --type delegation --mode dev-d "closed by a result from dev-d"
	"$RURU" log --type error --source dev-a "build broke"
	"$RURU" log --type error --source dev-e "flaky network"
	"$RURU" log --type result --mode dev-a --task TASK-DONE-1 --outcome success "done"
	"$RURU" log --type result --mode dev-d --outcome failure "tried"
	run "$RURU" --json show --digest
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.open_items[] | .kind + ":" + .text] | join("\n")' <<<"$output" | cut -d'(' -f1 | sed 's/ *$//')" = \
"$(printf '%s\n' 'delegation:delegation to dev-b, task TASK-OPEN-1 [🟡 To Do] has no result yet: still open' \
	'delegation:delegation to dev-c has no result yet: open, no task' \
	'error:error from dev-e has no later success: flaky network')" ]
	"$RURU" show --digest | grep -q '^## Open items'
}

@test "a v8.1 session keeps artifact paths relative to its own folder (typed folders there)" {
	rm -rf .ruru
	cp -r "$V81/.roo" "$V81/.mdtm" .
	id=$("$RURU" new "Classic")
	d=.mdtm/sessions/$id
	echo n >"$d/notes/n.md"
	"$RURU" log --type artifact --artifact notes/n.md "typed folder"
	"$RURU" log --type artifact --artifact "$d/notes/n.md" "from the root"
	"$RURU" log --type artifact --artifact learnings/l.md "not there yet"
	run "$RURU" --json show
	[ "$(jq -c .related_artifacts <<<"$output")" = '["notes/n.md","learnings/l.md"]' ]
	run "$RURU" log --type artifact --artifact ../other/x.md "outside"
	[ "$status" -eq 6 ]
}

@test "the continue digest lists the tasks that name the session, not only the linked ones (doc/design.md §5, §7)" {
	id=$("$RURU" new "x")
	mkdir -p .ruru/tasks
	printf '+++\nid = "TASK-A-1"\ntitle = "found by its field"\nstatus = "🟡 To Do"\nRooComSessionID = "%s"\n+++\n' "$id" >.ruru/tasks/TASK-A-1.md
	printf '+++\nid = "TASK-A-2"\ntitle = "finished"\nstatus = "🟢 Done"\nsession_id = "%s"\n+++\n' "$id" >.ruru/tasks/TASK-A-2.md
	printf '+++\nid = "TASK-B-1"\ntitle = "another session"\nstatus = "🟡 To Do"\nsession_id = "SESSION-other"\n+++\n' >.ruru/tasks/TASK-B-1.md
	run "$RURU" show --digest
	[ "$status" -eq 0 ]
	[[ "$output" == *'- task TASK-A-1 [🟡 To Do] found by its field'* ]]     # open item
	[[ "$output" != *'- task TASK-A-2'* ]]                                   # done: not open
	[[ "$output" == *'- TASK-A-2 [🟢 Done] finished (.ruru/tasks/TASK-A-2.md; names this session in session_id)'* ]]
	[[ "$output" != *TASK-B-1* ]]
	run "$RURU" --json show --digest
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert [(t["id"], t["linked"], t["via"]) for t in d["tasks"]] == [("TASK-A-1", False, "RooComSessionID"), ("TASK-A-2", False, "session_id")], d["tasks"]' "$output"
}
