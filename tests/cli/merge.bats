#!/usr/bin/env bats
# merge.bats — the session-log merge driver with real git in throwaway
# repositories: `ruru init --git`, then branches that both log to one
# session are merged, rebased and cherry-picked, and the result is compared
# entry by entry with what each side wrote.

setup() {
	RURU=${RURU:-$BATS_TEST_DIRNAME/../../build/ruru}
	RURU=$(cd "$(dirname "$RURU")" && pwd)/$(basename "$RURU")
	# tmpfs when there is one: ruru and git fsync a lot, and durability is
	# not what this suite is about
	local tmp=${BATS_TMPDIR:-/tmp}
	[ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm
	WS=$(mktemp -d "$tmp/ruru-merge.XXXXXX")
	cd "$WS" || return 1
	unset ROOCOM_SESSION_ID RURU_ROOT RURU_FAULT GIT_DIR GIT_WORK_TREE
	# git finds the driver as `ruru` on PATH: the binary under test first.
	export PATH="$(dirname "$RURU"):$PATH"
	export HOME="$WS" GIT_CONFIG_NOSYSTEM=1
	export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com
	export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
	export RURU_NOW=2026-11-24T03:15:20Z
	mkdir repo && cd repo
	git init -q -b main .
	"$RURU" init --git
	ID=$("$RURU" new --tag auth "Refactor auth")
	LOG=.ruru/sessions/$ID/session_log.md
}

teardown() { cd / && rm -rf "$WS"; }

at() { RURU_NOW=$1 "$RURU" "${@:2}"; }
commit() { git add -A && git commit -qm "$1"; }
# Entry lines of a log (first lines, CR removed), in file order.
entries() { tr -d '\r' <"$1" | grep -E '^- \[' || true; }
# Entry lines of a log as committed on a branch.
entries_at() { git show "$1:$LOG" | tr -d '\r' | grep -E '^- \[' || true; }
# The union of two entry lists, each line once.
union() { sort -u <(entries_at "$1") <(entries_at "$2"); }
# Assert: the pattern is not in the file (bats ignores a failing `! cmd`).
nogrep() { if grep -q -- "$1" "$2"; then echo "unexpected \"$1\" in $2"; return 1; fi; }
# Assert: no entry appears twice and stamps are in time order.
once_in_order() {
	[ -z "$(entries "$1" | sort | uniq -d)" ] || { echo "duplicate entries"; entries "$1"; return 1; }
	entries "$1" | sed -E 's/^- \[([^]]*)\].*/\1/' | sort -c || { echo "out of order"; return 1; }
}

@test "init --git writes .gitattributes once and registers the driver" {
	[ "$(grep -c 'merge=ruru' .gitattributes)" -eq 1 ]
	grep -qx '.ruru/sessions/\*\*/session_log.md merge=ruru' .gitattributes
	[ "$(git config merge.ruru.driver)" = "ruru merge-driver %O %A %B %P" ]
	[ -n "$(git config merge.ruru.name)" ]
	cp .gitattributes before
	run "$RURU" init --git
	[ "$status" -eq 0 ]
	cmp .gitattributes before
	[ "$(git config --get-all merge.ruru.driver | wc -l)" -eq 1 ]
	run "$RURU" --json init --git
	[[ "$output" == *'"gitattributes_changed":false'* ]]
	# the attribute really applies to session logs
	[[ "$(git check-attr merge -- "$LOG")" == *": merge: ruru" ]]
}

@test "init --git keeps an existing .gitattributes and completes its last line" {
	printf '*.png binary' >.gitattributes
	"$RURU" init --git
	[ "$(cat .gitattributes)" = $'*.png binary\n.ruru/sessions/**/session_log.md merge=ruru' ]
}

@test "init --git from a linked worktree writes the shared config" {
	commit base
	git worktree add -q ../wt -b side
	git config --unset merge.ruru.driver
	(cd ../wt && "$RURU" init --git)
	[ "$(git config merge.ruru.driver)" = "ruru merge-driver %O %A %B %P" ]
	[ "$(git -C ../wt config merge.ruru.driver)" = "ruru merge-driver %O %A %B %P" ]
}

@test "init --git outside a git repository fails with exit 3" {
	mkdir ../plain
	cd ../plain
	run env GIT_CEILING_DIRECTORIES="$WS" "$RURU" init --git
	[ "$status" -eq 3 ]
	[[ "$output" == *"not inside a git work tree"* ]]
}

@test "two branches log, link and pause: merged with no conflict, nothing lost" {
	# comments in the front matter, also inside an array, must survive
	sed -i 's/^related_tasks = \[\]$/related_tasks = [\n  # tasks linked by the team\n]/' "$LOG"
	sed -i '/^title = /a # a comment of the team' "$LOG"
	commit base
	git checkout -qb feature
	at 2026-11-24T03:20:00Z log --type delegation --mode dev-python --task TASK-B "implement login"
	at 2026-11-24T03:20:30Z log --type artifact --artifact artifacts/b.md "spec from feature"
	at 2026-11-24T03:22:00Z pause --reason "lunch"
	commit feature
	git checkout -q main
	at 2026-11-24T03:18:00Z log "ours note"
	at 2026-11-24T03:21:00Z task link TASK-A
	at 2026-11-24T03:21:00Z log --type artifact --artifact artifacts/a.md "spec from main"
	at 2026-11-24T03:23:00Z log "later note on main"
	commit main
	run git merge --no-edit feature
	[ "$status" -eq 0 ]
	nogrep '<<<<<<<' "$LOG"
	# every entry of both sides exactly once, in time order
	diff <(entries "$LOG" | sort) <(union main feature)
	once_in_order "$LOG"
	# arrays united, in order of first appearance; the pause wins (newer event)
	run "$RURU" toml get "$LOG" related_tasks
	[[ "$output" == *'"TASK-A"'*'"TASK-B"'* ]]
	run "$RURU" toml get "$LOG" related_artifacts
	[[ "$output" == *'"artifacts/a.md"'*'"artifacts/b.md"'* ]]
	grep -q '^status = "⏸️ Paused"' "$LOG"
	grep -q '^end_time = 2026-11-24T03:22:00Z' "$LOG"
	# valid TOML, comments kept
	"$RURU" toml decode "$LOG" >/dev/null
	grep -qx '# a comment of the team' "$LOG"
	grep -qx '  # tasks linked by the team' "$LOG"
	run "$RURU" check
	[ "$status" -eq 0 ]
}

@test "the side whose session event is newer sets status: resume after pause" {
	commit base
	git checkout -qb feature
	at 2026-11-24T03:20:00Z pause
	commit feature
	git checkout -q main
	at 2026-11-24T03:19:00Z pause
	at 2026-11-24T03:25:00Z resume
	commit main
	git merge --no-edit feature
	grep -q '^status = "🟢 Active"' "$LOG"
	grep -q '^end_time = ""' "$LOG"
	once_in_order "$LOG"
	diff <(entries "$LOG" | sort) <(union main feature)
}

@test "entries with identical timestamps: ours first, then theirs" {
	commit base
	git checkout -qb feature
	at 2026-11-24T03:20:00Z log "theirs one"
	at 2026-11-24T03:20:00Z log "theirs two"
	commit feature
	git checkout -q main
	at 2026-11-24T03:20:00Z log "ours one"
	commit main
	git merge --no-edit feature
	run entries "$LOG"
	[ "${lines[1]}" = '- [2026-11-24 03:20:00Z] **note**: ours one' ]
	[ "${lines[2]}" = '- [2026-11-24 03:20:00Z] **note**: theirs one' ]
	[ "${lines[3]}" = '- [2026-11-24 03:20:00Z] **note**: theirs two' ]
	[ "${#lines[@]}" -eq 4 ]
}

# Entry $1 logged on the base; a feature branch edits the log by hand
# (the sed script $2, committed as $3) while main logs "ours later"; the
# feature branch merged into main.
merge_hand_edit() {
	at 2026-11-24T03:16:00Z log "$1"
	commit base
	git checkout -qb feature
	sed -i "$2" "$LOG"
	commit "$3"
	git checkout -q main
	at 2026-11-24T03:17:00Z log "ours later"
	commit main
	git merge --no-edit feature
}

@test "a branch that rewrote an entry: the rewrite replaces it, nothing else is lost" {
	merge_hand_edit "typo in messgae" 's/typo in messgae/typo fixed in message/' "fix typo"
	nogrep 'messgae' "$LOG"
	[ "$(grep -c 'typo fixed in message' "$LOG")" -eq 1 ]
	grep -q 'ours later' "$LOG"
	once_in_order "$LOG"
}

@test "an entry deleted on one side stays deleted" {
	merge_hand_edit "remove me" '/remove me/d' "drop entry"
	nogrep 'remove me' "$LOG"
	grep -q 'ours later' "$LOG"
}

@test "both sides change the title differently: a conflict with markers, entries kept" {
	commit base
	git checkout -qb feature
	"$RURU" toml set "$LOG" title '"Refactor auth (theirs)"'
	at 2026-11-24T03:20:00Z log "theirs entry"
	commit feature
	git checkout -q main
	"$RURU" toml set "$LOG" title '"Refactor auth (ours)"'
	at 2026-11-24T03:19:00Z log "ours entry"
	commit main
	run git merge --no-edit feature
	[ "$status" -ne 0 ]
	[[ "$output" == *CONFLICT* ]]
	grep -qx '<<<<<<< ours' "$LOG"
	grep -qx 'title = "Refactor auth (ours)"' "$LOG"
	grep -qx 'title = "Refactor auth (theirs)"' "$LOG"
	grep -qx '>>>>>>> theirs' "$LOG"
	# the entries themselves were merged: only the title needs a decision
	grep -q 'ours entry' "$LOG"
	grep -q 'theirs entry' "$LOG"
	[ "$(grep -c '<<<<<<<' "$LOG")" -eq 1 ]
}

@test "a title changed on one side only wins" {
	commit base
	git checkout -qb feature
	"$RURU" toml set "$LOG" title '"Renamed"'
	commit feature
	git checkout -q main
	at 2026-11-24T03:19:00Z log "ours entry"
	commit main
	git merge --no-edit feature
	grep -qx 'title = "Renamed"' "$LOG"
}

@test "a CRLF log keeps CRLF line endings" {
	sed -i 's/$/\r/' "$LOG"
	printf '* -text\n' >>.gitattributes
	commit base
	git checkout -qb feature
	at 2026-11-24T03:20:00Z log --type delegation --mode m --task TASK-B "theirs entry"
	commit feature
	git checkout -q main
	at 2026-11-24T03:19:00Z log "ours entry"
	commit main
	git merge --no-edit feature
	# every line ends with CRLF
	[ -z "$(grep -v $'\r$' "$LOG")" ]
	diff <(entries "$LOG" | sort) <(union main feature)
	once_in_order "$LOG"
	tr -d '\r' <"$LOG" | grep -q '"TASK-B"'
}

@test "rebase and cherry-pick use the driver too" {
	commit base
	git checkout -qb feature
	at 2026-11-24T03:20:00Z log "feature one"
	commit f1
	at 2026-11-24T03:22:00Z log "feature two"
	commit f2
	git checkout -q main
	at 2026-11-24T03:21:00Z log "main one"
	commit m1
	# cherry-pick the feature's second commit onto main
	run git cherry-pick feature
	[ "$status" -eq 0 ]
	grep -q 'feature two' "$LOG"
	nogrep 'feature one' "$LOG"
	once_in_order "$LOG"
	# rebase the feature onto main: the picked entry must not be doubled
	git checkout -q feature
	run git rebase main
	[ "$status" -eq 0 ]
	diff <(entries "$LOG" | sort) <(printf '%s\n' \
		'- [2026-11-24 03:15:20Z] **session** · mode `roo-commander`: Session started with goal: Refactor auth' \
		'- [2026-11-24 03:20:00Z] **note**: feature one' \
		'- [2026-11-24 03:21:00Z] **note**: main one' \
		'- [2026-11-24 03:22:00Z] **note**: feature two' | sort)
	once_in_order "$LOG"
}

@test "merge-driver: invalid TOML or no front matter is a conflict (exit 1), never a guess" {
	cp "$LOG" base.md
	cp "$LOG" ours.md
	cp "$LOG" theirs.md
	printf -- '- [2026-11-24 03:20:00Z] **note**: theirs\n' >>theirs.md
	sed -i 's/^title = .*/title = = broken/' ours.md
	run "$RURU" merge-driver base.md ours.md theirs.md "$LOG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid TOML"* ]]
	grep -qx '<<<<<<< ours' ours.md
	grep -qx 'title = = broken' ours.md
	printf 'just text\n' >ours.md
	run "$RURU" --json merge-driver base.md ours.md theirs.md
	[ "$status" -eq 1 ]
	[[ "$output" == *'"merged":false'* ]]
	grep -qx 'just text' ours.md
	grep -qx '>>>>>>> theirs' ours.md
}

@test "merge-driver: clean merge exits 0, missing file exits 3 and leaves OURS alone" {
	cp "$LOG" base.md
	cp "$LOG" ours.md
	cp "$LOG" theirs.md
	printf -- '- [2026-11-24 03:20:00Z] **note**: theirs\n' >>theirs.md
	printf -- '- [2026-11-24 03:19:00Z] **note**: ours\n' >>ours.md
	run "$RURU" --json merge-driver base.md ours.md theirs.md
	[ "$status" -eq 0 ]
	[[ "$output" == *'"merged":true'* ]]
	[ "$(tail -n 2 ours.md)" = $'- [2026-11-24 03:19:00Z] **note**: ours\n- [2026-11-24 03:20:00Z] **note**: theirs' ]
	cp ours.md keep.md
	run "$RURU" merge-driver base.md ours.md nope.md
	[ "$status" -eq 3 ]
	cmp ours.md keep.md
	run "$RURU" merge-driver base.md ours.md
	[ "$status" -eq 2 ]
}

@test "same ID created on two machines: the merge conflicts, check reports a union" {
	commit base
	# both branches add a session folder with one ID but different sessions
	git checkout -qb machine2
	mkdir -p .ruru/sessions/SESSION-X-2611240400
	sed -e "s/$ID/SESSION-X-2611240400/" -e 's/Refactor auth/Goal two/g' \
		-e 's/03:15:20/04:00:30/g' "$LOG" >.ruru/sessions/SESSION-X-2611240400/session_log.md
	commit m2
	git checkout -q main
	mkdir -p .ruru/sessions/SESSION-X-2611240400
	sed -e "s/$ID/SESSION-X-2611240400/" -e 's/Refactor auth/Goal one/g' \
		-e 's/03:15:20/04:00:10/g' "$LOG" >.ruru/sessions/SESSION-X-2611240400/session_log.md
	commit m1
	run git merge --no-edit machine2
	[ "$status" -ne 0 ]
	# someone "resolves" it by keeping both sides' lines
	X=.ruru/sessions/SESSION-X-2611240400/session_log.md
	git show main:$X >$X
	git show machine2:$X | grep -E '^- \[' >>$X
	run "$RURU" check "$X"
	[ "$status" -eq 4 ]
	[[ "$output" == *"started twice"* ]]
}

@test "check: start_time that disagrees with the first session start is reported" {
	sed -i 's/^start_time = .*/start_time = 2026-11-24T03:15:50Z/' "$LOG"
	run "$RURU" check "$LOG"
	[ "$status" -eq 4 ]
	[[ "$output" == *"start_time"*"does not match"* ]]
}

@test "property: random interleavings of appends on two branches merge to the union" {
	python3 "$BATS_TEST_DIRNAME/merge_property.py" "$RURU" "$WS/prop" 5
}

@test "text a branch added between entries survives the merge; line endings follow the file" {
	at 2026-11-24T03:16:00Z log "base entry"
	commit base
	git checkout -qb feature
	at 2026-11-24T03:20:00Z log "theirs one"
	printf '\n### Afternoon\n\nNotes written by hand between entries.\n\n---\n\n' >>"$LOG"
	at 2026-11-24T03:25:00Z log $'theirs two\r\nwith a CRLF inside its message'
	commit feature
	git checkout -q main
	at 2026-11-24T03:22:00Z log "ours one"
	commit main
	run git merge --no-edit feature
	[ "$status" -eq 0 ]
	nogrep '<<<<<<<' "$LOG"
	grep -qx '### Afternoon' "$LOG"
	grep -qx 'Notes written by hand between entries.' "$LOG"
	grep -qx -- '---' "$LOG"
	# an LF file stays LF: only the message's own CR is there
	[ "$(grep -c $'\r' "$LOG")" -eq 1 ]
	run "$RURU" show --json
	[ "$(jq -r '.entries[-1].message' <<<"$output")" = $'theirs two\r\nwith a CRLF inside its message' ]
	run "$RURU" check
	[ "$status" -eq 0 ]
}
