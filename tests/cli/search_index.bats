#!/usr/bin/env bats
# search_index.bats — where the search index lives (the user's cache
# folder, one per root's real path, never the work tree), how it is
# opened (a foreign schema is rebuilt, a planted work-tree index never
# read), `reindex --prune`, and reading commands leaving `git status` as
# it was.

load helpers

setup() {
	setup_workspace
	export NO_COLOR=
}

teardown() { teardown_workspace; }

# Where the index of the workspace DIR lives: the SHA-256 of its real path
# under $XDG_CACHE_HOME/ruru.
index_dir() { echo "$XDG_CACHE_HOME/ruru/$(printf %s "$(realpath "$1")" | sha256sum | cut -d' ' -f1)"; }

# AddressSanitizer reserves terabytes of address space: no `ulimit -v` then.
sanitized() { ldd "$RURU" 2>/dev/null | grep -q libasan; }

@test "the index of a plain folder is in \$XDG_CACHE_HOME/ruru/<sha256 of its real path>, with its root named" {
	"$RURU" new "Plain" >/dev/null
	"$RURU" log "wombat here"
	run "$RURU" --json search wombat
	[ "$status" -eq 0 ]
	[[ "$output" == *'"kind":"entry"'* ]]
	idx=$(index_dir "$WS")
	[ -s "$idx/index.sqlite3" ]
	[ "$(cat "$idx/root")" = "$(realpath "$WS")" ]
	[ -z "$(find "$WS" -name 'index*')" ]
	# reached through a symlink, the same root has the same index
	ln -s "$WS" "$BATS_TEST_TMPDIR/alias"
	"$RURU" --root "$BATS_TEST_TMPDIR/alias" list >/dev/null
	[ "$(ls "$XDG_CACHE_HOME/ruru" | wc -l)" -eq 1 ]
	# without XDG_CACHE_HOME: ~/.cache
	run env -u XDG_CACHE_HOME HOME="$BATS_TEST_TMPDIR/home" "$RURU" reindex
	[ "$status" -eq 0 ]
	[[ "$output" == *" into $BATS_TEST_TMPDIR/home/.cache/ruru/"*"/index.sqlite3" ]]
	# a relative XDG_CACHE_HOME does not count
	run env XDG_CACHE_HOME=rel HOME="$BATS_TEST_TMPDIR/home" "$RURU" reindex
	[[ "$output" == *" into $BATS_TEST_TMPDIR/home/.cache/ruru/"* ]]
	[ ! -e rel ]
	# no cache folder at all: in memory, nothing written anywhere
	run env -u XDG_CACHE_HOME -u HOME "$RURU" reindex
	[ "$status" -eq 0 ]
	[[ "$output" == *"kept in memory only"* ]]
}

@test "a git repository and its worktree each have their own index; the .git file chooses nothing" {
	command -v git >/dev/null || skip "git missing"
	cd "$BATS_TEST_TMPDIR" && git init -q repo && cd repo
	git config user.email t@example.com && git config user.name t
	"$RURU" init 2>/dev/null
	"$RURU" new "In repo" >/dev/null
	"$RURU" log "kangaroo in the main checkout"
	git add -A && git commit -qm one
	git worktree add -q ../wt
	cd ../wt
	"$RURU" log -s "$(ls .ruru/sessions | grep SESSION)" "platypus in the worktree"
	run "$RURU" --json search platypus
	[[ "$output" == *'"kind":"entry"'* ]]
	[ -s "$(index_dir "$BATS_TEST_TMPDIR/wt")/index.sqlite3" ]
	cd ../repo
	run "$RURU" --json search platypus
	[[ "$output" == *'"hits":[]'* ]]
	[ -s "$(index_dir "$BATS_TEST_TMPDIR/repo")/index.sqlite3" ]
	[ "$(ls "$XDG_CACHE_HOME/ruru" | wc -l)" -eq 2 ]
	# from a subfolder: the same root, the same index
	mkdir -p sub && cd sub
	"$RURU" list >/dev/null
	[ "$(ls "$XDG_CACHE_HOME/ruru" | wc -l)" -eq 2 ]
}

@test "reading commands leave git status unchanged (no .ruru/.gitignore to hide anything)" {
	command -v git >/dev/null || skip "git missing"
	cd "$BATS_TEST_TMPDIR" && git init -q repo && cd repo
	git config user.email t@example.com && git config user.name t
	"$RURU" init 2>/dev/null
	ID=$("$RURU" new "Status" --tag x)
	"$RURU" log --type decision "dingo decision"
	echo "artifact text" > a.txt && "$RURU" artifact add a.txt >/dev/null && rm a.txt
	rm .ruru/.gitignore
	git add -A && git commit -qm one
	[ -z "$(git status --porcelain --ignored)" ]
	"$RURU" list >/dev/null
	"$RURU" --json list >/dev/null
	"$RURU" search dingo >/dev/null
	"$RURU" show >/dev/null
	"$RURU" show --digest >/dev/null
	"$RURU" prime >/dev/null
	"$RURU" check >/dev/null
	"$RURU" reindex >/dev/null
	run git status --porcelain --ignored
	[ -z "$output" ] || { echo "$output"; return 1; }
}

@test "a planted .ruru/index.sqlite3 (a fake session row, a recursive view) is never opened; check warns" {
	ID=$("$RURU" new "Real")
	"$RURU" log "emu entry"
	python3 - .ruru/index.sqlite3 <<-'EOF'
	import sqlite3, sys
	c = sqlite3.connect(sys.argv[1])
	c.execute("CREATE TABLE sessions(start, id, sdir, file_id, path, valid, problem, status, end, tags_lc, keys, layout)")
	c.execute("INSERT INTO sessions VALUES(9999999999, 'SESSION-planted-2611240315', '.ruru/sessions/SESSION-planted-2611240315', 1, 'x', 1, NULL, 1, 0, '', '', 0)")
	c.execute("CREATE VIEW loop AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT n FROM r")
	c.execute("PRAGMA user_version=11")
	c.commit()
	EOF
	before=$(sha256sum .ruru/index.sqlite3)
	run timeout 20 "$RURU" list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "$ID	"* ]]
	run timeout 20 "$RURU" --json search emu
	[ "$status" -eq 0 ]
	[[ "$output" == *'"kind":"entry"'* ]]
	[ "$(sha256sum .ruru/index.sqlite3)" = "$before" ]
	run "$RURU" check
	[ "$status" -eq 0 ]
	[[ "$output" == *".ruru/index.sqlite3:1:1: warning: a search index in the work tree"*"[stray-index]"* ]]
	[[ "$output" != *"logs checked"* ]]
	# from a folder below the root, and with --root from outside it: the
	# planted index is looked for in the workspace, not in the cwd
	mkdir -p sub/deeper
	run sh -c 'cd sub/deeper && "$0" check' "$RURU"
	[ "$status" -eq 0 ]
	[[ "$output" == *"[stray-index]"* ]]
	run sh -c 'cd / && "$0" --root "$1" check' "$RURU" "$PWD"
	[ "$status" -eq 0 ]
	[[ "$output" == *"[stray-index]"* ]]
}

@test "an index in the cache with anything but ruru's schema (a view, a trigger, a table) is rebuilt" {
	ID=$("$RURU" new "Real")
	"$RURU" log "quoll entry"
	"$RURU" list >/dev/null
	idx=$(index_dir "$WS")/index.sqlite3
	for extra in \
		"CREATE VIEW loop AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT n FROM r" \
		"CREATE TRIGGER t AFTER INSERT ON docs BEGIN DELETE FROM files; END" \
		"CREATE TABLE extra(x)"; do
		python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$idx" "$extra"
		run timeout 20 "$RURU" list
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -eq 1 ] || { echo "$extra: $output"; return 1; }
		run timeout 20 "$RURU" --json search quoll
		[[ "$output" == *'"kind":"entry"'* ]]
		"$RURU" reindex >/dev/null
	done
	python3 -c 'import sqlite3,sys; n=[r[0] for r in sqlite3.connect(sys.argv[1]).execute("select name from sqlite_master where type in (\"view\",\"trigger\") or name = \"extra\"")]; assert n == [], n' "$idx"
}

@test "a symlinked cache folder or index file is refused (exit 6); the target is untouched" {
	"$RURU" new "Real" >/dev/null
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
	mkdir -p "$XDG_CACHE_HOME/ruru"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$(index_dir "$WS")"
	run "$RURU" search anything
	[ "$status" -eq 6 ]
	[[ "$output" == *"refusing to use the cache folder"*"it is a symlink"* ]]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
	# list still answers from the logs
	run "$RURU" list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	rm "$(index_dir "$WS")"
	rmdir "$XDG_CACHE_HOME/ruru"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$XDG_CACHE_HOME/ruru"
	run "$RURU" search anything
	[ "$status" -eq 6 ]
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ]
}

@test "reindex --prune removes the indexes of roots that are gone, and only those" {
	mkdir -p "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	for d in a b; do
		"$RURU" --root "$BATS_TEST_TMPDIR/$d" init 2>/dev/null
		"$RURU" --root "$BATS_TEST_TMPDIR/$d" new "In $d" >/dev/null
		"$RURU" --root "$BATS_TEST_TMPDIR/$d" list >/dev/null
	done
	"$RURU" list >/dev/null
	mkdir "$XDG_CACHE_HOME/ruru/not-ours"
	[ "$(ls "$XDG_CACHE_HOME/ruru" | wc -l)" -eq 4 ]
	gone=$(index_dir "$BATS_TEST_TMPDIR/a")
	rm -rf "$BATS_TEST_TMPDIR/a"
	run "$RURU" reindex --prune
	[ "$status" -eq 0 ]
	[ "$output" = "removed the index of 1 workspace that no longer exists" ]
	[ ! -e "$gone" ]
	[ -d "$(index_dir "$BATS_TEST_TMPDIR/b")" ]
	[ -d "$(index_dir "$WS")" ]
	[ -d "$XDG_CACHE_HOME/ruru/not-ours" ]
	run "$RURU" --json reindex --prune
	[ "$output" = '{"schema_version":1,"pruned":0}' ]
}

@test "the cache folders are private and made through the store: fault injection reaches their making and removal" {
	"$RURU" new "Cache" >/dev/null
	"$RURU" log "bilby here"
	# a failed mkdir makes no cache folder; the search still answers (in memory)
	mkdir -p "$XDG_CACHE_HOME"
	run env RURU_FAULT=mkdir:1 "$RURU" --json search bilby
	[ "$status" -eq 0 ]
	[[ "$output" == *'"kind":"entry"'* ]]
	[ ! -e "$XDG_CACHE_HOME/ruru" ]
	"$RURU" list >/dev/null
	[ "$(stat -c %a "$XDG_CACHE_HOME/ruru")" = 700 ]
	[ "$(stat -c %a "$(index_dir "$WS")")" = 700 ]
	# a failed removal stops --prune with an error; the next one finishes
	mkdir -p "$BATS_TEST_TMPDIR/gone"
	"$RURU" --root "$BATS_TEST_TMPDIR/gone" init 2>/dev/null
	"$RURU" --root "$BATS_TEST_TMPDIR/gone" list >/dev/null
	gone=$(index_dir "$BATS_TEST_TMPDIR/gone")
	rm -rf "$BATS_TEST_TMPDIR/gone"
	run env RURU_FAULT=remove:1 "$RURU" reindex --prune
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot remove"* ]]
	[ -d "$gone" ]
	run "$RURU" reindex --prune
	[ "$status" -eq 0 ]
	[ ! -e "$gone" ]
	[ -d "$(index_dir "$WS")" ]
}

# docs/sessions rows of the index of $WS
index_count() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$(index_dir "$WS")/index.sqlite3" "$1"; }

@test "two levels: list reads front matter only and indexes no text; it answers when text indexing fails" {
	ID=$("$RURU" new "Levels" --tag lv)
	for i in 1 2 3; do "$RURU" log "numbat entry $i"; done
	run "$RURU" list
	[ "$status" -eq 0 ]
	[[ "$output" == "$ID	active	"*"	Levels	tags: lv" ]]
	[ "$(index_count 'select count(*) from sessions')" -eq 1 ]
	[ "$(index_count 'select count(*) from docs')" -eq 0 ]
	[ "$(index_count 'select count(*) from files')" -eq 0 ]
	# the MCP listing is the same call
	run "$RURU" --json list
	[[ "$output" == *'"title":"Levels"'* ]]
	# search brings the second level up to date
	run "$RURU" --json search numbat
	[ "$(echo "$output" | grep -o '"kind":"entry"' | wc -l)" -eq 3 ]
	[ "$(index_count 'select count(*) from docs')" -ge 4 ]
	# a search whose text indexing fails (every write refused) leaves
	# list answering, and a status change shows at once
	"$RURU" log "numbat entry 4"
	"$RURU" pause
	for k in 1 2 3; do
		run env RURU_FAULT=write:$k "$RURU" search numbat
		run "$RURU" list
		[ "$status" -eq 0 ]
		[[ "$output" == "$ID	paused	"* ]] || { echo "write:$k: $output"; return 1; }
	done
	# a log whose body cannot be indexed (a 40 MB entry under a small
	# memory limit) does not stop list: it reads the front matter only
	python3 - "$(log_of "$ID")" <<-'PY'
	import sys
	with open(sys.argv[1], "a") as f:
	    f.write("- [2026-11-24 03:15:20Z] **note**: " + "bilby " * 7_000_000 + "\n")
	PY
	if sanitized; then run "$RURU" list; else run bash -c "ulimit -v 200000; \"$RURU\" list"; fi
	[ "$status" -eq 0 ]
	[[ "$output" == "$ID	paused	"* ]]
}

@test "streaming: a 66 MB log is indexed under a 40 MB address-space limit, lines right, and its appends too" {
	ID=$("$RURU" new "Big")
	log=$(log_of "$ID")
	python3 - "$log" <<-'PY'
	import sys
	filler = "a" * 1000
	with open(sys.argv[1], "a") as f:
	    for i in range(64000):
	        f.write(f"- [2026-11-24 03:15:20Z] **note**: w{i} {filler}\n")
	        if i % 5000 == 0:
	            f.write("  continued here\n")
	PY
	[ "$(stat -c %s "$log")" -gt 66000000 ]
	limited() { bash -c 'ulimit -v 40000; exec "$@"' limited "$@"; }
	sanitized && limited() { "$@"; }
	run limited "$RURU" --json search --limit 0 w0 w63999 w31999 continued
	[ "$status" -eq 0 ]
	run limited "$RURU" --json search --limit 0 w63999
	[ "$status" -eq 0 ]
	[[ "$output" == *"\"line\":$(grep -n ' w63999 ' "$log" | cut -d: -f1),"* ]]
	run limited "$RURU" --json search --limit 0 w31999
	[[ "$output" == *"\"line\":$(grep -n ' w31999 ' "$log" | cut -d: -f1),"* ]]
	run limited "$RURU" --json search --limit 0 continued
	[ "$(echo "$output" | grep -o '"kind":"entry"' | wc -l)" -eq 13 ]
	# an append is indexed from the last entry on, under the same limit
	"$RURU" log "the zebra came last"
	run limited "$RURU" --json search zebra
	[ "$status" -eq 0 ]
	[[ "$output" == *"\"line\":$(grep -n zebra "$log" | cut -d: -f1),"* ]]
	# a change in the middle (same inode) is caught: the log is read again
	python3 - "$log" <<-'PY'
	import sys
	p = sys.argv[1]; b = open(p, "rb").read(); i = b.index(b" w5000 ")
	open(p, "r+b").write(b[:i] + b" q5000 " + b[i + 7:])
	PY
	run limited "$RURU" --json search q5000
	[[ "$output" == *'"kind":"entry"'* ]]
	run limited "$RURU" --json search w5000
	[[ "$output" == *'"hits":[]'* ]]
	run limited "$RURU" list
	[[ "$output" == "$ID	active	"* ]]
}

@test "a progress line on a terminal's stderr for a long index update, none otherwise" {
	command -v script >/dev/null || skip "script(1) missing"
	for i in 1 2 3; do "$RURU" new "Session $i" >/dev/null 2>&1; "$RURU" log "kiwi $i"; done
	# the delay lowered to 0 ms, so that any update reports
	run script -qec "env RURU_PROGRESS_MS=0 $RURU search kiwi" /dev/null
	[[ "$output" == *$'\rindexing 3/3 sessions, 0 MB, done.'* ]] || { echo "$output" | cat -v; return 1; }
	"$RURU" log "kiwi 4"
	run script -qec "env RURU_PROGRESS_MS=0 $RURU list" /dev/null
	[[ "$output" == *$'\rindexing 1/1 session, 0 MB, done.'* ]]
	# nothing to do: no line
	run script -qec "env RURU_PROGRESS_MS=0 $RURU list" /dev/null
	[[ "$output" != *indexing* ]]
	# not a terminal: no line
	"$RURU" log "kiwi 5"
	run env RURU_PROGRESS_MS=0 "$RURU" search kiwi
	[[ "$output" != *indexing* ]]
}

@test "a running ruru mcp keeps the index fresh from inotify: another process's log is found, no sweep when nothing changed" {
	"$RURU" new "Watched" >/dev/null
	"$RURU" log "first entry"
	python3 "$BATS_TEST_DIRNAME/search_watch.py" "$RURU" "$WS"
}

@test "out of inotify watches (RURU_FAULT=watch), a running ruru mcp falls back to the sweep: still fresh" {
	"$RURU" new "Exhausted" >/dev/null
	"$RURU" log "first entry"
	python3 "$BATS_TEST_DIRNAME/search_watch.py" "$RURU" "$WS" exhausted
}

@test "out of inotify watches below the session folders only (RURU_FAULT=watch:7), a running ruru mcp lists from the watch and searches from the sweep" {
	"$RURU" new "Half watched" >/dev/null
	"$RURU" log "first entry"
	find .ruru -type d | sort
	[ -d .ruru/sessions/*/artifacts ]
	python3 "$BATS_TEST_DIRNAME/search_watch.py" "$RURU" "$WS" text-exhausted
}

@test "the index is kept in WAL mode (readers go on while a writer writes; a commit needs no fsync of a journal), also when made by a search" {
	"$RURU" new "Journal" >/dev/null
	"$RURU" log "an entry about a quokka"
	run "$RURU" search quokka
	[ "$status" -eq 0 ]
	[ "$(index_count 'PRAGMA journal_mode')" = wal ]
	"$RURU" log "a second quokka"
	run "$RURU" list
	[ "$(index_count 'PRAGMA journal_mode')" = wal ]
	[ ! -e "$(index_dir "$WS")/index.sqlite3-journal" ]
}

@test "after a rebuild the write-ahead log is cut back (it held the whole index)" {
	"$RURU" new "Rebuilt" >/dev/null
	for i in 1 2 3 4 5 6 7 8; do "$RURU" log "entry $i about a numbat and its burrow"; done
	"$RURU" reindex >/dev/null
	wal="$(index_dir "$WS")/index.sqlite3-wal"
	[ ! -e "$wal" ] || [ "$(stat -c %s "$wal")" -eq 0 ]
	[ "$(index_count 'PRAGMA journal_mode')" = wal ]
	run "$RURU" search numbat
	[ "$status" -eq 0 ]
	[ "$(grep -c numbat <<<"$output")" -eq 8 ]
}
