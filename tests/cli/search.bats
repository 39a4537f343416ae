#!/usr/bin/env bats
# search.bats — `ruru search`, `ruru reindex`, the index (in the user's
# cache folder) and `ruru list` read from it (doc/design.md §14).

load helpers

setup() {
	setup_workspace
	export NO_COLOR=
	ID=$("$RURU" new "Refactor auth" --tag backend --description "move the login flow to tokens")
	"$RURU" log --type decision "we decided to use JWT tokens for the auth module"
	"$RURU" log --type delegation --mode dev-python --task TASK-PY-1 "implement the login endpoint"
	"$RURU" log "a note about caching strategy"
	printf 'first line\nsecond line mentions quokka here\n' > notes.txt
	"$RURU" artifact add notes.txt >/dev/null
	IDX=$(index_dir "$WS")
	mkdir -p "$IDX"
}

# Where the index of the workspace DIR lives: the SHA-256 of its real path
# under $XDG_CACHE_HOME/ruru.
index_dir() { echo "$XDG_CACHE_HOME/ruru/$(printf %s "$(realpath "$1")" | sha256sum | cut -d' ' -f1)"; }

teardown() { teardown_workspace; }

hits() { "$RURU" --json search --limit 0 "$@" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"]))'; }

@test "search finds entries, the session and artifacts; --json has the documented shape" {
	run "$RURU" --json search tokens
	[ "$status" -eq 0 ]
	python3 - "$output" "$ID" <<-'EOF'
	import json, sys
	d = json.loads(sys.argv[1]); sid = sys.argv[2]
	assert d["schema_version"] == 1 and d["query"] == "tokens", d
	kinds = sorted(h["kind"] for h in d["hits"])
	assert kinds == ["entry", "session"], kinds
	for h in d["hits"]:
	    assert set(h) == {"kind", "session", "path", "line", "time", "zone", "type", "mode", "task", "snippet"}, h
	    assert h["session"] == sid and h["path"].endswith("/session_log.md"), h
	    assert "[tokens]" in h["snippet"], h
	e = [h for h in d["hits"] if h["kind"] == "entry"][0]
	assert e["type"] == "decision" and e["mode"] is None and e["time"] == "2026-11-24T03:15:20Z", e
	assert e["zone"] == "Z", e
	s = [h for h in d["hits"] if h["kind"] == "session"][0]
	assert s["line"] == 1 and s["type"] is None and s["zone"] == "Z", s
	EOF
	run "$RURU" --json search quokka
	[[ "$output" == *'"zone":"Z"'* ]]
	[[ "$output" == *'"kind":"artifact"'* ]]
	[[ "$output" == *'"path":".ruru/sessions/'"$ID"'/artifacts/notes.txt","line":2'* ]]
	[[ "$output" == *'"snippet":"first line second line mentions [quokka] here"'* ]]
}

@test "a zone-less entry stamp is no UTC time in text or JSON; a stamp's own zone is kept" {
	mkdir -p .ruru/sessions/SESSION-Zone-2506050329
	log=.ruru/sessions/SESSION-Zone-2506050329/session_log.md
	printf '+++\nid = "SESSION-Zone-2506050329"\ntitle = "zone"\nstart_time = "2025-06-05 03:29:14"\n+++\n\n## Log Entries\n\n- [2025-06-05 03:29:14] **note**: numbat without a zone\n- [2025-06-05 13:29:14+10:00] **note**: bilby in Brisbane\n' > "$log"
	run "$RURU" search numbat --in entries
	[ "$status" -eq 0 ]
	[ "$output" = "$log:9	SESSION-Zone-2506050329	2025-06-05T03:29:14	note	-	-	**note**: [numbat] without a zone" ]
	n=$("$RURU" --json search numbat) b=$("$RURU" --json search bilby) s=$("$RURU" --json search --in sessions zone)
	python3 - "$n" "$b" "$s" <<-'EOF'
	import json, sys
	n, b, s = (json.loads(a)["hits"] for a in sys.argv[1:])
	assert len(n) == 1 and n[0]["time"] == "2025-06-05T03:29:14" and n[0]["zone"] is None, n
	assert len(b) == 1 and b[0]["time"] == "2025-06-05T03:29:14Z" and b[0]["zone"] == "+10:00", b
	assert len(s) == 1 and s[0]["time"] == "2025-06-05T03:29:14" and s[0]["zone"] is None, s
	EOF
	# the same rendering as show's entry JSON
	run "$RURU" --json show SESSION-Zone-2506050329
	[[ "$output" == *'"time":"2025-06-05T03:29:14","zone":null'* ]]
	[[ "$output" == *'"time":"2025-06-05T03:29:14Z","zone":"+10:00"'* ]]
}

@test "text output: FILE:LINE, session, time, type, mode, task, snippet with [marks]" {
	run "$RURU" search endpoint
	[ "$status" -eq 0 ]
	log=$(log_of "$ID")
	line=$(grep -n endpoint "$log" | cut -d: -f1)
	[ "$output" = "$log:$line	$ID	2026-11-24T03:15:20Z	delegation	dev-python	TASK-PY-1	implement the login [endpoint]" ]
	run "$RURU" search quokka
	[[ "$output" == *"notes.txt:2	$ID	"*"	(artifact)	-	-	"* ]]
}

@test "matches are bold on a terminal, [marked] under NO_COLOR" {
	command -v script >/dev/null || skip "script(1) missing"
	run script -qec "env -u NO_COLOR $RURU search endpoint" /dev/null
	[[ "$output" == *$'\e[1mendpoint\e[22m'* ]]
	run script -qec "env NO_COLOR=1 $RURU search endpoint" /dev/null
	[[ "$output" == *"[endpoint]"* ]]
	[[ "$output" != *$'\e['* ]]
}

@test "query language: AND, phrases, prefix*, -word, OR" {
	[ "$(hits --in entries jwt auth)" -eq 1 ]
	[ "$(hits --in entries jwt login)" -eq 0 ]
	[ "$(hits --in entries '"auth module"')" -eq 1 ]
	[ "$(hits --in entries '"module auth"')" -eq 0 ]
	[ "$(hits --in entries 'cach*')" -eq 1 ]
	[ "$(hits --in entries cach)" -eq 0 ]
	[ "$(hits --in entries 'jwt OR endpoint')" -eq 2 ]
	[ "$(hits --in entries 'the -jwt')" -eq 1 ]
	[ "$(hits --in entries 'the -"auth module"')" -eq 1 ]
	# an excluded word may stand as a word of its own on the command line
	[ "$(hits --in entries the -jwt)" -eq 1 ]
	[ "$(hits the --in entries -jwt)" -eq 1 ]
	# case and diacritics do not matter
	[ "$(hits --in entries JWT)" -eq 1 ]
	"$RURU" log "café au lait"
	[ "$(hits --in entries cafe)" -eq 1 ]
	# the words AND, OR (lowercase), NOT and NEAR are words, not operators
	"$RURU" log "NOT this and NEAR that or else"
	[ "$(hits --in entries 'NOT NEAR and or')" -eq 1 ]
}

@test "ranked by bm25, then newest first" {
	RURU_NOW=2026-11-24T05:00:00Z "$RURU" log "zebra"
	RURU_NOW=2026-11-24T06:00:00Z "$RURU" log "zebra"
	RURU_NOW=2026-11-24T04:00:00Z "$RURU" log "zebra zebra zebra"
	run "$RURU" --json search zebra
	python3 - "$output" <<-'EOF'
	import json, sys
	t = [h["time"] for h in json.loads(sys.argv[1])["hits"]]
	assert t == ["2026-11-24T04:00:00Z", "2026-11-24T06:00:00Z", "2026-11-24T05:00:00Z"], t
	EOF
}

@test "filters: --type --mode --task -s --status --tag --since --until --in --limit" {
	other=$("$RURU" new "Other work" --tag frontend)
	RURU_NOW=2026-11-30T10:00:00Z "$RURU" log --type decision --mode dev-react "other tokens decision"
	[ "$(hits tokens --in entries)" -eq 2 ]
	[ "$(hits tokens --type decision)" -eq 2 ]
	[ "$(hits tokens --type decision --mode dev-react)" -eq 1 ]
	[ "$(hits login --task TASK-PY-1)" -eq 1 ]
	[ "$(hits tokens -s "$other")" -eq 1 ]
	[ "$(hits tokens -s SESSION-Oth)" -eq 1 ]
	[ "$(hits tokens --tag BACKEND)" -eq 2 ]
	[ "$(hits tokens --tag frontend --in entries)" -eq 1 ]
	"$RURU" pause "$ID"
	[ "$(hits tokens --status paused --in entries)" -eq 1 ]
	[ "$(hits tokens --status active)" -eq 1 ]
	[ "$(hits tokens --since 2026-11-25 --in entries)" -eq 1 ]
	[ "$(hits tokens --until 2026-11-24 --in entries)" -eq 1 ]
	[ "$(hits tokens --until '2026-11-24 03:15:19' --in entries)" -eq 0 ]
	[ "$(hits tokens --in sessions)" -eq 1 ]
	[ "$(hits quokka --in artifacts --in entries)" -eq 1 ]
	run "$RURU" --json search -n 1 tokens
	[ "$(echo "$output" | grep -o '"kind"' | wc -l)" -eq 1 ]
	[[ "$output" == *'"total":3}' ]]
	run "$RURU" --json search -n 1 tokens --type decision
	[[ "$output" == *'"total":2}' ]]
	run "$RURU" --json search tokens
	[[ "$output" == *'"total":3}' ]]
	# the total of a cut query, counted while ranking: AND, OR and NOT too
	for q in 'tokens' 'tokens -decision' 'tokens OR quokka' 'tokens session*'; do
		all=$("$RURU" --json search -n 0 "$q" | grep -o '"kind"' | wc -l)
		run "$RURU" --json search -n 1 "$q"
		[[ "$output" == *"\"total\":$all}" ]] || { echo "$q: $all: $output"; return 1; }
	done
	# text: a last line when the limit cut the hits
	run --separate-stderr "$RURU" search -n 2 tokens
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[2]}" = "the best 2 of 3 hits (raise the limit for more)" ]
	[ -z "$stderr" ]
	run --separate-stderr "$RURU" search tokens
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" != "the best"* ]]
	[ -z "$stderr" ]
	run "$RURU" search nosuchwordanywhere
	[ "$status" -eq 0 ]
	[ "$output" = "No hits for nosuchwordanywhere." ]
	run "$RURU" search tokens -s SESSION-Nope
	[ "$status" -eq 3 ]
	[[ "$output" == *'unknown session "SESSION-Nope"'* ]]
	run "$RURU" search tokens --status done
	[ "$status" -eq 2 ]
	run "$RURU" search tokens --since yesterday
	[ "$status" -eq 2 ]
	run "$RURU" search tokens --in everything
	[ "$status" -eq 2 ]
	run "$RURU" search tokens --type nonsense
	[ "$status" -eq 2 ]
}

@test "malformed queries are usage errors (exit 2) with a message" {
	for q in '"unclosed' '-only -excluded' 'OR auth' 'auth OR' 'auth OR OR jwt' 'auth OR -jwt' '' '   ' '*' '"a"b'; do
		run "$RURU" search -- "$q"
		[ "$status" -eq 2 ] || { echo "query <$q>: status $status: $output"; return 1; }
		[[ "$output" == "ruru: "* ]] || { echo "query <$q>: $output"; return 1; }
		[[ "$output" != *SQL* && "$output" != *fts5* ]] || { echo "query <$q>: $output"; return 1; }
	done
}

@test "hostile queries never reach FTS5 or SQL syntax" {
	"$RURU" log 'quote"inside and star* and NEAR(x y) and text:col'
	for q in 'quote"inside' 'star*' 'NEAR(x y)' 'text:col' 'fts:auth' '"NEAR"' 'auth AND' \
		"'; DROP TABLE docs; --" 'x" OR "1' '^auth' '{text}: auth' 'auth + jwt' '(auth)' \
		'***' 'auth*jwt' '"' '""' 'ẞtraße' $'tab\tsep'; do
		run "$RURU" --json search -- "$q"
		[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || { echo "query <$q>: $status $output"; return 1; }
	done
	[ "$(hits 'NEAR(x y)')" -eq 1 ]
	[ "$(hits 'text:col')" -eq 1 ]
	[ "$(hits "'; DROP TABLE docs; --")" -eq 0 ]
	[ "$(hits --in entries tokens)" -eq 1 ]  # the index is intact
	# 10 KB of text: a query, not a crash
	big=$(python3 -c 'print(" ".join(["tokens"] * 1500))')
	run "$RURU" --json search -- "$big"
	[ "$status" -eq 0 ]
	big=$(python3 -c 'import random; random.seed(1); print("".join(random.choice("ab\"*-() :^") for _ in range(10240)))')
	run "$RURU" --json search -- "$big"
	[ "$status" -eq 0 ] || [ "$status" -eq 2 ]
}

mcp_session() {
	{
		echo '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
		echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
		cat
	} | "$RURU" mcp --toolsets all 2>/dev/null
}

@test "a NUL in a query over MCP is refused as an invalid argument" {
	run mcp_session <<-'EOF'
	{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"session_search","arguments":{"query":"auth\u0000x"}}}
	EOF
	[ "$status" -eq 0 ]
	# an invalid argument is a tool result with isError (MCP 2025-11-25)
	[[ "$output" == *'"id":2,"result":{"content":[{"type":"text","text":"argument \"query\" holds U+0000"}],"isError":true}'* ]]
}

@test "MCP session_search returns hits as structured content with the same filters" {
	run mcp_session <<-'EOF'
	{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"session_search","arguments":{"query":"tokens","type":"decision","in":"entries"}}}
	{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"session_search","arguments":{"query":"\"open"}}}
	{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"session_search","arguments":{"query":"the","limit":1,"since":"2026-11-24","until":"2026-11-24"}}}
	{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"session_search","arguments":{"query":"the","since":"last week"}}}
	EOF
	[ "$status" -eq 0 ]
	python3 - "$output" <<-'EOF'
	import json, sys
	r = {m["id"]: m for m in map(json.loads, sys.argv[1].splitlines()) if "id" in m}
	sc = r[2]["result"]["structuredContent"]
	assert sc["query"] == "tokens" and len(sc["hits"]) == 1 and sc["total"] == 1, sc
	assert sc["hits"][0]["type"] == "decision", sc
	assert r[3]["result"]["isError"] is True, r[3]
	assert "unclosed quote" in r[3]["result"]["content"][0]["text"], r[3]
	assert len(r[4]["result"]["structuredContent"]["hits"]) == 1, r[4]
	assert r[5]["result"]["isError"] is True and "since" in r[5]["result"]["content"][0]["text"], r[5]
	EOF
}

@test "new entries are found by the next search; a rewritten log is re-read" {
	[ "$(hits platypus)" -eq 0 ]
	"$RURU" log "the platypus arrived"
	[ "$(hits platypus)" -eq 1 ]
	"$RURU" log "a second platypus"
	[ "$(hits platypus)" -eq 2 ]
	"$RURU" pause
	[ "$(hits platypus --status paused)" -eq 2 ]
	run "$RURU" list
	[[ "$output" == "$ID	paused	"* ]]
}

@test "deleting the index loses nothing; reindex rebuilds and says what it indexed" {
	before=$("$RURU" --json search --limit 0 the)
	rm -f "$IDX"/index.sqlite3*
	[ "$("$RURU" --json search --limit 0 the)" = "$before" ]
	run "$RURU" reindex
	[ "$status" -eq 0 ]
	[ "$output" = "indexed 1 session, 5 entries, 1 artifact (0.0 MB read) into $IDX/index.sqlite3" ]
	run "$RURU" --json reindex
	[[ "$output" == '{"schema_version":1,"sessions":1,"logs":1,"entries":5,"artifacts":1,'* ]]
	[ "$("$RURU" --json search --limit 0 the)" = "$before" ]
}

@test "a corrupt index (random bytes) and an old-version index are rebuilt" {
	"$RURU" search tokens >/dev/null
	head -c 65536 /dev/urandom > "$IDX"/index.sqlite3
	rm -f "$IDX"/index.sqlite3-wal "$IDX"/index.sqlite3-shm
	[ "$(hits --in entries tokens)" -eq 1 ]
	# a truncated database
	"$RURU" reindex >/dev/null
	truncate -s 3000 "$IDX"/index.sqlite3
	[ "$(hits --in entries tokens)" -eq 1 ]
	# an index written by another version of ruru
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version=1"); c.commit()' "$IDX"/index.sqlite3
	[ "$(hits --in entries tokens)" -eq 1 ]
	python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$IDX"/index.sqlite3 | grep -qv '^1$'
	# a database of someone else's tables
	rm -f "$IDX"/index.sqlite3*
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table files(x)"); c.commit()' "$IDX"/index.sqlite3
	[ "$(hits --in entries tokens)" -eq 1 ]
}

@test "a symlinked index, -wal or lock file is refused (exit 6), its target untouched" {
	echo "precious" > "$BATS_TEST_TMPDIR/target"
	rm -f "$IDX"/index.sqlite3*
	ln -s "$BATS_TEST_TMPDIR/target" "$IDX"/index.sqlite3
	run "$RURU" search tokens
	[ "$status" -eq 6 ]
	[[ "$output" == *"refusing to use $IDX/index.sqlite3: it is a symlink"* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/target")" = precious ]
	run "$RURU" reindex
	[ "$status" -eq 6 ]
	# list falls back to reading the logs
	run "$RURU" list
	[ "$status" -eq 0 ]
	[[ "$output" == "$ID	active	"* ]]
	rm "$IDX"/index.sqlite3
	ln -s "$BATS_TEST_TMPDIR/target" "$IDX"/index.sqlite3-wal
	run "$RURU" search tokens
	[ "$status" -eq 6 ]
	rm "$IDX"/index.sqlite3-wal
	ln -s "$BATS_TEST_TMPDIR/target" "$IDX"/index.lock
	run "$RURU" search tokens
	[ "$status" -eq 6 ]
	[ "$(cat "$BATS_TEST_TMPDIR/target")" = precious ]
}

@test "symlinks, FIFOs, binary and big files in session folders are not indexed" {
	mkdir -p "$BATS_TEST_TMPDIR/outside"
	echo "secretword outside" > "$BATS_TEST_TMPDIR/outside/secret.txt"
	art=".ruru/sessions/$ID/artifacts"
	ln -s "$BATS_TEST_TMPDIR/outside/secret.txt" "$art/link.txt"
	ln -s "$BATS_TEST_TMPDIR/outside" "$art/linkdir"
	mkfifo "$art/fifo"
	printf 'secretword\0binary' > "$art/bin.dat"
	python3 -c 'print("secretword " * 120000)' > "$art/big.txt"
	mkdir -p ".ruru/sessions/SESSION-evil-2611240315"
	ln -s "$BATS_TEST_TMPDIR/outside/secret.txt" ".ruru/sessions/SESSION-evil-2611240315/session_log.md"
	ln -s "$BATS_TEST_TMPDIR/outside" ".ruru/sessions/SESSION-linked-2611240315"
	run timeout 20 "$RURU" --json search secretword
	[ "$status" -eq 0 ]
	[[ "$output" == '{"schema_version":1,"query":"secretword","hits":[],"total":0}' ]]
}

@test "sessions of the later layouts (.mdtm/sessions, .roo/commander/sessions) are searched" {
	mkdir -p .mdtm/sessions/SESSION-v81-2611240315 .roo/commander/sessions/SESSION-v8-2611240315
	printf '+++\nid = "SESSION-v81-2611240315"\ntitle = "v81"\n+++\n\n## Log Entries\n\n- [2026-11-24 03:15:20Z] **note**: wombat in v8.1\n' \
		> .mdtm/sessions/SESSION-v81-2611240315/session_log.md
	printf '+++\nid = "SESSION-v8-2611240315"\ntitle = "v8"\n+++\n\n## Log Entries\n\n- [2026-11-24 03:15:20Z] **note**: wombat in v8\n' \
		> .roo/commander/sessions/SESSION-v8-2611240315/session_log.md
	run "$RURU" --json search wombat --in entries
	[[ "$output" == *'"path":".mdtm/sessions/SESSION-v81-2611240315/session_log.md"'* ]]
	[[ "$output" == *'"path":".roo/commander/sessions/SESSION-v8-2611240315/session_log.md"'* ]]
}

@test "a read-only workspace still searches (index in memory), and writes nothing" {
	command -v setpriv >/dev/null || skip "setpriv missing"
	rm -f "$IDX"/index.sqlite3* "$IDX"/index.lock
	chmod -R a+rX "$WS"
	chmod 755 "$WS" .ruru
	d=$WS
	while [ "$d" != / ]; do d=$(dirname "$d"); chmod a+x "$d" 2>/dev/null || true; done
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$RURU" --root "$WS" --json search --in entries tokens
	[ "$status" -eq 0 ]
	[[ "$output" == *'"type":"decision"'* ]]
	[ ! -e "$IDX"/index.sqlite3 ]
	# and a read-only copy of an existing index is not needed either
	"$RURU" search tokens >/dev/null
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$RURU" --root "$WS" reindex
	[ "$status" -eq 0 ]
	[[ "$output" == *"kept in memory only"* ]]
}

@test "list reads the index: same rows as reading the logs; --limit, --since" {
	for g in one two three; do RURU_NOW=2026-11-2${#g}T10:00:00Z "$RURU" new "$g" >/dev/null; done
	mkdir -p .mdtm/sessions/SESSION-v81-2611200000
	printf '+++\nid = "SESSION-v81-2611200000"\ntitle = "v8.1"\nstatus = "Paused"\nstart_time = 2026-11-20T00:00:00Z\ntags = ["x"]\n+++\n' \
		> .mdtm/sessions/SESSION-v81-2611200000/session_log.md
	"$RURU" list > "$BATS_TEST_TMPDIR/indexed"
	grep -q '^SESSION-v81-2611200000	paused	' "$BATS_TEST_TMPDIR/indexed"
	[ -s "$IDX"/index.sqlite3 ]
	rm -f "$IDX"/index.sqlite3*
	ln -s /nonexistent "$IDX"/index.sqlite3   # refused: list reads the logs
	"$RURU" list > "$BATS_TEST_TMPDIR/plain"
	rm "$IDX"/index.sqlite3
	diff "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/indexed"
	"$RURU" --json list > "$BATS_TEST_TMPDIR/indexed.json"
	rm -f "$IDX"/index.sqlite3*
	ln -s /nonexistent "$IDX"/index.sqlite3
	"$RURU" --json list > "$BATS_TEST_TMPDIR/plain.json"
	rm "$IDX"/index.sqlite3
	diff "$BATS_TEST_TMPDIR/plain.json" "$BATS_TEST_TMPDIR/indexed.json"
	grep -q '"layout":"v8.1"' "$BATS_TEST_TMPDIR/indexed.json"
	run "$RURU" list --limit 2
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == SESSION-three-* ]]
	run "$RURU" list --since 2026-11-24
	[ "${#lines[@]}" -eq 2 ]
	run "$RURU" list --since 2026-11-24T03:15:21Z
	[ "${#lines[@]}" -eq 1 ]
	run "$RURU" list --since 2026-11-26
	[ "${#lines[@]}" -eq 0 ]
	run "$RURU" list --since nonsense
	[ "$status" -eq 2 ]
	# a new session and a status change show at once
	"$RURU" pause
	run "$RURU" list --status paused
	[ "${#lines[@]}" -eq 2 ]   # and the v8.1 one
	[[ "${lines[0]}" == SESSION-three-* ]]
}

# A session folder with a log of front matter only: ID STATUS [DAY of
# November 2026, default 01].
mk() {
	mkdir -p ".ruru/sessions/$1"
	printf '+++\nid = "%s"\ntitle = "t %s"\nstatus = "%s"\nstart_time = 2026-11-%sT03:15:20Z\n+++\n\n## Log Entries\n\n' \
		"$1" "$1" "$2" "${3:-01}" > ".ruru/sessions/$1/session_log.md"
}

# The indexed list equals the list read from the logs (the index made to
# look missing for the second).
same() {
	"$RURU" list > "$BATS_TEST_TMPDIR/indexed"
	# the index set aside with its write-ahead log (commits live there
	# until a checkpoint), the shared-memory index made again from it
	mv "$IDX"/index.sqlite3 "$BATS_TEST_TMPDIR/keep"
	[ ! -e "$IDX"/index.sqlite3-wal ] || mv "$IDX"/index.sqlite3-wal "$BATS_TEST_TMPDIR/keep-wal"
	rm -f "$IDX"/index.sqlite3-shm
	ln -s /nonexistent "$IDX"/index.sqlite3
	"$RURU" list > "$BATS_TEST_TMPDIR/plain"
	rm "$IDX"/index.sqlite3
	mv "$BATS_TEST_TMPDIR/keep" "$IDX"/index.sqlite3
	[ ! -e "$BATS_TEST_TMPDIR/keep-wal" ] || mv "$BATS_TEST_TMPDIR/keep-wal" "$IDX"/index.sqlite3-wal
	diff "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/indexed"
}

@test "list over enough sessions for the threaded walk agrees with the logs through every kind of change" {
	for i in $(seq 10 79); do mk "SESSION-many_$i-26110${i:1:1}0315" Active "1${i:1:1}"; done
	same
	[ "$(wc -l < "$BATS_TEST_TMPDIR/indexed")" -eq 71 ]
	same   # from a fresh index now
	sed -i 's/status = "Active"/status = "Paused"/' .ruru/sessions/SESSION-many_42-2611020315/session_log.md
	same
	grep -q '^SESSION-many_42-2611020315	paused	' "$BATS_TEST_TMPDIR/indexed"
	rm -rf .ruru/sessions/SESSION-many_13-2611030315   # a deletion alone
	same
	! grep -q 'SESSION-many_13-' "$BATS_TEST_TMPDIR/indexed"
	mk SESSION-many_new-2611090315 Completed 19
	mv .ruru/sessions/SESSION-many_20-2611000315 .ruru/sessions/SESSION-many_renamed-2611000315
	mkdir .ruru/sessions/SESSION-nolog-2611010315
	same
	[ "$(wc -l < "$BATS_TEST_TMPDIR/indexed")" -eq 71 ]
	grep -q '^SESSION-many_new-2611090315	completed	' "$BATS_TEST_TMPDIR/indexed"
	grep -q '^SESSION-many_renamed-2611000315	' "$BATS_TEST_TMPDIR/indexed"
	mk SESSION-nolog-2611010315 Active 11   # a folder without a log gets one
	same
	grep -q '^SESSION-nolog-2611010315	active	' "$BATS_TEST_TMPDIR/indexed"
	truncate -s 0 .ruru/sessions/SESSION-many_55-2611050315/session_log.md
	same
	# a session folder replaced by a symlink is not listed through the link
	mv .ruru/sessions/SESSION-many_66-2611060315 "$WS/outside"
	ln -s "$WS/outside" .ruru/sessions/SESSION-many_66-2611060315
	"$RURU" list > "$BATS_TEST_TMPDIR/indexed"
	! grep -q 'SESSION-many_66-' "$BATS_TEST_TMPDIR/indexed"
}

@test "list takes the session folders of an unchanged sessions folder from the index, and still sees every change inside them" {
	for i in $(seq 10 59); do mk "SESSION-kept_$i-2611010315" Active; done
	mkdir .ruru/sessions/SESSION-empty-2611010315
	# an old mtime: the folder's stat is trusted (a fresh one is read again)
	old() { touch -d '2020-01-02 03:04:05' .ruru/sessions; }
	"$RURU" list >/dev/null # the folder just changed: its stat is not trusted yet
	old
	same # nothing else changed: this one records the folder's stat
	[ "$(wc -l < "$BATS_TEST_TMPDIR/indexed")" -eq 51 ] # and the session of setup()
	python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute("select mtime, nolog from layouts where layout = 0").fetchone(); assert r[0] > 0 and r[1] == b"SESSION-empty-2611010315\0", r' "$IDX/index.sqlite3"
	# a hand edit in place (same inode), and one through a rename
	printf '+++\nid = "SESSION-kept_11-2611010315"\ntitle = "edited"\nstatus = "Paused"\nstart_time = 2026-11-01T03:15:20Z\n+++\n' \
		> .ruru/sessions/SESSION-kept_11-2611010315/session_log.md
	sed -i 's/status = "Active"/status = "Completed"/' .ruru/sessions/SESSION-kept_12-2611010315/session_log.md
	same
	grep -q '^SESSION-kept_11-2611010315	paused	.*	edited$' "$BATS_TEST_TMPDIR/indexed"
	grep -q '^SESSION-kept_12-2611010315	completed	' "$BATS_TEST_TMPDIR/indexed"
	# a log made in the folder that had none; a log removed
	mk SESSION-empty-2611010315 Active
	rm .ruru/sessions/SESSION-kept_13-2611010315/session_log.md
	[ "$(stat -c %Y .ruru/sessions)" -eq "$(date -d '2020-01-02 03:04:05' +%s)" ]
	same
	grep -q '^SESSION-empty-2611010315	active	' "$BATS_TEST_TMPDIR/indexed"
	! grep -q 'SESSION-kept_13-' "$BATS_TEST_TMPDIR/indexed"
	# the log comes back into the folder that lost it
	mk SESSION-kept_13-2611010315 Active
	same
	grep -q '^SESSION-kept_13-2611010315	' "$BATS_TEST_TMPDIR/indexed"
	# the sessions folder itself replaced (another inode, the same old mtime)
	mv .ruru/sessions .ruru/sessions.old
	cp -a .ruru/sessions.old .ruru/sessions
	rm -rf .ruru/sessions/SESSION-kept_14-2611010315
	old
	same
	! grep -q 'SESSION-kept_14-' "$BATS_TEST_TMPDIR/indexed"
	rm -rf .ruru/sessions.old
}

@test "differential: random queries agree with a scan, through appends, edits, deletes, renames, truncation" {
	mkdir corpus && "$RURU" --root corpus init
	python3 "$BATS_TEST_DIRNAME/search_diff.py" "$RURU" "$WS/corpus" 1
}

@test "crash safety: SIGKILL during index updates, then search: no error, right results" {
	mkdir corpus && "$RURU" --root corpus init
	python3 "$BATS_TEST_DIRNAME/search_stress.py" "$RURU" "$WS/corpus" kill
}

@test "concurrency: 4 writers logging beside 4 searchers; every acknowledged entry found" {
	unset RURU_NOW
	mkdir corpus && "$RURU" --root corpus init
	python3 "$BATS_TEST_DIRNAME/search_stress.py" "$RURU" "$WS/corpus" race
}

@test "while another process holds the index lock past the wait, search answers from the last complete index" {
	command -v flock >/dev/null || skip "flock(1) missing"
	"$RURU" search tokens >/dev/null
	"$RURU" log "fresh tokens entry"
	flock "$IDX"/index.lock sleep 3 &
	sleep 0.5
	RURU_LOCK_TIMEOUT_MS=300 run "$RURU" --json search --in entries tokens
	[ "$status" -eq 0 ]
	# whole but not yet updated: the entry logged after the last update is missing
	[ "$(echo "$output" | grep -o '"kind"' | wc -l)" -eq 1 ]
	wait
	[ "$(hits --in entries tokens)" -eq 2 ]
}

@test "failed writes of an index update (RURU_FAULT) leave a usable index; the next search is right" {
	n=1
	for step in write fsync truncate open; do
		for k in 1 2 3 5 8 13 21; do
			"$RURU" log "tokens again $step $k"
			n=$((n + 1))
			run env RURU_FAULT=$step:$k "$RURU" --json search --in entries tokens
			[ "$status" -eq 0 ] || { [ "$status" -eq 1 ] && [[ "$output" == "ruru: "* ]]; } ||
				{ echo "$step:$k: $status $output"; return 1; }
			[ "$(hits --in entries tokens)" -eq "$n" ] || { echo "$step:$k: wrong hits"; return 1; }
		done
	done
	python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0]; assert r == "ok", r' "$IDX"/index.sqlite3
}

# search -s with an ambiguous prefix names the candidates, as show does
@test "search -s with an ambiguous session prefix names the candidates (CLI and MCP)" {
	RURU_NOW=2026-11-24T03:15:20Z "$RURU" new "Alpha" >/dev/null
	RURU_NOW=2026-11-24T03:16:20Z "$RURU" new "Alpine" >/dev/null 2>&1
	"$RURU" log "hello there"
	run "$RURU" search -s SESSION-Alp hello
	[ "$status" -eq 3 ]
	[[ "$output" == *'session prefix "SESSION-Alp" matches 2 sessions: "SESSION-Alpha-2611240315", "SESSION-Alpine-2611240316"'* ]]
	run "$RURU" search -s SESSION-Alpi hello
	[ "$status" -eq 0 ]
	[[ "$output" == *"SESSION-Alpine-2611240316"*"hello"* ]]
	out=$(printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
		'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"session_search","arguments":{"query":"hello","session":"SESSION-Alp"}}}' |
		"$RURU" mcp 2>/dev/null | grep '"id":1')
	[[ "$out" == *'"isError":true'* ]]
	[[ "$out" == *'matches 2 sessions: \"SESSION-Alpha-2611240315\", \"SESSION-Alpine-2611240316\"'* ]]
}

@test "scripts without spaces: a word is found inside a longer run (trigram beside unicode61)" {
	"$RURU" log "仕様は日本語テキストで書かれている"
	"$RURU" log "ภาษาไทยไม่มีช่องว่าง"
	run "$RURU" --json search 日本語
	[[ "$output" == *'"snippet":"仕様は[日本語]テキストで書かれている"'* ]]
	run "$RURU" --json search テキスト
	[[ "$output" == *'"kind":"entry"'* ]]
	run "$RURU" --json search ไม่มี
	[[ "$output" == *'"kind":"entry"'* ]]
	# mixed with a word, and excluded
	run "$RURU" --json search "日本語 -tokens"
	[ "$(echo "$output" | grep -o '"kind"' | wc -l)" -eq 1 ]
	run "$RURU" --json search "日本語 JWT"
	[[ "$output" == *'"hits":[]'* ]]
	# Latin words are still whole words (no substring hits)
	run "$RURU" --json search oken
	[[ "$output" == *'"hits":[]'* ]]
	# an edit that removes the text removes the hit
	sed -i 's/日本語テキスト/English/' "$(log_of)"
	run "$RURU" --json search 日本語
	[[ "$output" == *'"hits":[]'* ]]
}

@test "text output shows bidi and C1 controls of a hit escaped, the marks kept" {
	printf 'weta \xe2\x80\xaeevil\xc2\x9b31m red\n' > bidi.txt
	"$RURU" artifact add bidi.txt >/dev/null
	run "$RURU" search weta
	[ "$status" -eq 0 ]
	[[ "$output" == *'[weta] \u202eevil\u009b31m red'* ]]
	! grep -q $'\xe2\x80\xae\|\xc2\x9b' <<<"$output"
	# MCP sends the same text
	out=$(printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
		'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"session_search","arguments":{"query":"weta"}}}' |
		"$RURU" mcp 2>/dev/null | tail -1)
	[[ "$out" == *'[weta] \\u202eevil\\u009b31m red'* ]]
}
