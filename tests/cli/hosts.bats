#!/usr/bin/env bats
# hosts.bats — `ruru init --host` for every agent host, `ruru prime` (also as
# Claude Code's hook) and `ruru instructions` (doc/design.md §13).
# Fixtures under tests/fixtures/hosts/HOST/ are written from each host's
# documented examples (settings, servers, hooks, rules that are not ruru's).

load helpers

FIX="$BATS_TEST_DIRNAME/../fixtures/hosts"

setup() {
	setup_workspace >/dev/null
	BIN=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ruru-bin.XXXXXX")
	ln -s "$RURU" "$BIN/ruru"
}
teardown() {
	rm -rf "$BIN"
	teardown_workspace
}

# Every file outside .ruru/ with its hash, and every folder: the project's state.
snap() {
	find . -path ./.ruru -prune -o \( -type f -o -type d \) -print | LC_ALL=C sort |
		while read -r f; do
			if [ -f "$f" ]; then echo "$f $(sum "$f")"; else echo "$f/"; fi
		done
}

# The files each host writes (instructions first) and the fixture folder.
files_of() {
	case $1 in
	claude) echo "CLAUDE.md .mcp.json .claude/settings.json .claude/commands/continue-session.md .claude/commands/pause-session.md .claude/commands/propose-edit.md" ;;
	codex) echo "AGENTS.md .codex/config.toml .codex/hooks.json" ;;
	gemini) echo "GEMINI.md .gemini/settings.json" ;;
	cursor) echo ".cursor/rules/ruru.mdc .cursor/mcp.json" ;;
	cline) echo ".clinerules/ruru.md" ;;
	kilo) echo ".kilocode/rules/ruru.md .kilocode/mcp.json .kilo/kilo.json" ;;
	zoo) echo ".zoo/rules/ruru.md .zoo/mcp.json" ;;
	roo) echo ".roo/rules/ruru.md .roo/mcp.json" ;;
	esac
}
fixture_of() { echo "$1"; }

# The documented shape of each file ruru wrote, decoded by Python.
check_shape() {
	python3 - "$1" <<'PY'
import json, sys, tomllib, re
host = sys.argv[1]
def jload(p):
    t = open(p).read()
    if p.endswith("kilo.json") or p.endswith(".gemini/settings.json"):   # JSONC: drop comments and trailing commas
        t = re.sub(r"^\s*//.*$", "", t, flags=re.M)
        t = re.sub(r",(\s*[}\]])", r"\1", t)
    return json.loads(t)
std = {"command": "ruru", "args": ["mcp"]}
def server(p, key="mcpServers"):
    d = jload(p)
    return d[key]["ruru"]
def block(p):
    t = open(p).read()
    assert t.count("<!-- ruru:begin -->") == 1 and t.count("<!-- ruru:end -->") == 1, p
    assert "ruru log" in t and "ruru confirm propose" in t and "ruru prime" in t, p
    return t
def hooks(p, host, events):
    h = jload(p)["hooks"]
    cmd = "ruru prime --hook " + host
    for ev in events:
        groups = [g for g in h[ev] if any(x.get("command") == cmd for x in g["hooks"])]
        assert len(groups) == 1 and "matcher" not in groups[0], (ev, h[ev])
        assert groups[0]["hooks"] == [{"type": "command", "command": cmd}]
if host == "claude":
    s = server(".mcp.json"); assert s["command"] == "ruru" and s["args"] == ["mcp"], s
    block("CLAUDE.md")
    hooks(".claude/settings.json", "claude", ("SessionStart", "PreCompact"))
    for c in ("continue-session", "pause-session", "propose-edit"):
        t = open(f".claude/commands/{c}.md").read()
        assert t.startswith("---\ndescription: ") and "$ARGUMENTS" in t, c
elif host == "codex":
    block("AGENTS.md")
    d = tomllib.load(open(".codex/config.toml", "rb"))
    assert d["mcp_servers"]["ruru"] == std, d
    hooks(".codex/hooks.json", "codex", ("SessionStart",))
elif host == "gemini":
    block("GEMINI.md"); assert server(".gemini/settings.json") == std
    hooks(".gemini/settings.json", "gemini", ("SessionStart",))
elif host == "cursor":
    t = block(".cursor/rules/ruru.mdc")
    assert t.startswith("---\ndescription: ") and "\nalwaysApply: true\n---\n" in t, t[:200]
    import yaml
    fm = yaml.safe_load(t.split("---\n")[1])
    assert fm["alwaysApply"] is True and "call ruru" in fm["description"], fm
    assert server(".cursor/mcp.json") == std
elif host == "cline":
    block(".clinerules/ruru.md")
elif host == "kilo":
    block(".kilocode/rules/ruru.md")
    assert server(".kilocode/mcp.json")["command"] == "ruru"
    k = server(".kilo/kilo.json", "mcp")
    assert k == {"type": "local", "command": ["ruru", "mcp"], "enabled": True}, k
elif host == "zoo":
    block(".zoo/rules/ruru.md"); assert server(".zoo/mcp.json") == std
else:
    block(".roo/rules/ruru.md"); assert server(".roo/mcp.json") == std
PY
}

# What the fixture held (other than ruru's) must still be there, equal.
check_kept() {
	python3 - "$1" "$2" <<'PY'
import json, os, re, sys, tomllib
host, fix = sys.argv[1], sys.argv[2]
def jload(t, jsonc):
    if jsonc:
        t = re.sub(r"^\s*//.*$", "", t, flags=re.M)
        t = re.sub(r",(\s*[}\]])", r"\1", t)
    return json.loads(t)
for root, _, files in os.walk(fix):
    for f in files:
        src = os.path.join(root, f)
        rel = os.path.relpath(src, fix)
        old, new = open(src).read(), open(rel).read()
        if rel.endswith(".json"):
            jc = "kilo.json" in rel or "gemini" in rel
            o, n = jload(old, jc), jload(new, jc)
            key = "mcp" if "kilo.json" in rel else "mcpServers"
            if key in n: n[key].pop("ruru", None)
            if "hooks" in n:
                for ev, groups in n["hooks"].items():
                    n["hooks"][ev] = [g for g in groups if g["hooks"] != [{"type": "command", "command": "ruru prime --hook " + host}]]
                n["hooks"] = {k: v for k, v in n["hooks"].items() if v}
                if not n["hooks"] and "hooks" not in o:
                    del n["hooks"]
            assert n == o, (rel, o, n)
            assert list(n) == list(o), rel
        elif rel.endswith(".toml"):
            n = tomllib.loads(new); n["mcp_servers"].pop("ruru")
            assert n == tomllib.loads(old), rel
            assert new.startswith(old), rel      # bytes before ruru's table unchanged
        else:
            assert new.startswith(old), rel       # the text stays, the block follows
PY
}

# Run a check for every host; the test stops at the first failing command
# (bats runs with errexit, which an `||` around the call would switch off).
for_each_host() {
	for h in claude codex gemini cursor cline kilo zoo roo; do
		echo "# host $h"
		"$@" "$h"
	done
}

empty_project() {
	local h=$1 before after
	rm -rf ./* ./.[!.]* 2>/dev/null || true
	"$RURU" init >/dev/null
	before=$(snap)
	run "$RURU" init --host "$h"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	for f in $(files_of "$h"); do
		[ -f "$f" ] || { echo "missing $f"; return 1; }
		[[ "$output" == *"created $f"* ]] || { echo "not reported: $f"; return 1; }
	done
	check_shape "$h"
	after=$(snap)
	run "$RURU" init --host "$h"
	[ "$status" -eq 0 ] && [ "$(snap)" = "$after" ] || { echo "re-run changed files"; return 1; }
	[[ "$output" != *created* && "$output" != *updated* ]]
	run "$RURU" init --host "$h" --remove
	[ "$status" -eq 0 ] && [ "$(snap)" = "$before" ] || { echo "remove left: $(snap)"; return 1; }
}

@test "init --host: every host into an empty project; re-run byte-identical; --remove leaves nothing" {
	for_each_host empty_project
}

existing_project() {
	local h=$1 fx orig after
	rm -rf ./* ./.[!.]* 2>/dev/null || true
	"$RURU" init >/dev/null
	fx="$FIX/$(fixture_of "$h")"
	cp -R "$fx/." .
	orig=$(snap)
	run "$RURU" init --host "$h"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	check_shape "$h"
	check_kept "$h" "$fx"
	after=$(snap)
	run "$RURU" init --host "$h"
	[ "$(snap)" = "$after" ] || { echo "re-run changed files"; return 1; }
	run "$RURU" init --host "$h" --remove
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(snap)" = "$orig" ] || { diff <(echo "$orig") <(snap); return 1; }
}

@test "init --host: every host into a project with its own settings, servers, hooks and text; --remove gives back the original bytes" {
	for_each_host existing_project
}

dry_run() {
	local h=$1 before
	rm -rf ./* ./.[!.]* 2>/dev/null || true
	"$RURU" init >/dev/null
	cp -R "$FIX/$(fixture_of "$h")/." .
	before=$(snap)
	run "$RURU" init --host "$h" --dry-run
	[ "$status" -eq 0 ] && [ "$(snap)" = "$before" ] || { echo "dry run wrote"; return 1; }
	for f in $(files_of "$h"); do
		[[ "$output" == *"+++ b/$f"* ]] || { echo "no diff for $f"; return 1; }
	done
	# The diff is a real one: applied with patch it gives what init writes.
	mkdir ../dry.$$ && cp -R . ../dry.$$/ && (cd ../dry.$$ && echo "$output" | patch -p1 -s) || return 1
	"$RURU" init --host "$h" >/dev/null 2>&1
	for f in $(files_of "$h"); do cmp "$f" "../dry.$$/$f" || return 1; done
	rm -rf ../dry.$$
}

@test "init --host --dry-run prints a unified diff that patch applies, and writes nothing" {
	for_each_host dry_run
}

@test "init --host --dry-run shows a file's control characters escaped, never raw" {
	printf '# notes\nlast line \033]0;pwned\007 \342\200\256x\n' > AGENTS.md
	run "$RURU" init --host codex --dry-run
	[ "$status" -eq 0 ]
	[[ "$output" == *'last line \x1b]0;pwned\x07 \u202ex'* ]]
	! grep -q $'\033\|\342\200\256' <<<"$output"
}

@test "init --host --dry-run shows each change as diff -u does (the library's one diff)" {
	# one line without a newline: GNU diff's "@@ -1 +1,N @@" and its
	# "\ No newline at end of file"
	mkdir .cursor
	printf '{}' >.cursor/mcp.json
	cp .cursor/mcp.json "$BATS_TEST_TMPDIR/before.json"
	run "$RURU" init --host cursor --dry-run
	[ "$status" -eq 0 ]
	"$RURU" init --host cursor >/dev/null
	expected=$(diff -u --label a/.cursor/mcp.json --label b/.cursor/mcp.json \
		"$BATS_TEST_TMPDIR/before.json" .cursor/mcp.json) || [ $? -eq 1 ]
	[[ "$expected" == *"@@ -1 +1,"* ]]
	[[ "$output" == *"$expected"* ]] || { echo "$output"; echo "want: $expected"; return 1; }
}

@test "init --host --dry-run --remove shows what --remove would take out" {
	"$RURU" init --host cursor >/dev/null
	before=$(snap)
	run "$RURU" init --host cursor --remove --dry-run
	[ "$status" -eq 0 ]
	[ "$(snap)" = "$before" ]
	[[ "$output" == *"--- a/.cursor/mcp.json"* && "$output" == *"+++ /dev/null"* ]]
}

@test "init --host: a file that cannot be parsed is left alone, exit 4 with FILE:LINE:COL, nothing else written" {
	mkdir .claude
	printf '{\n  "hooks": {\n    "SessionStart": [,]\n  }\n}\n' >.claude/settings.json
	before=$(snap)
	run "$RURU" init --host claude
	[ "$status" -eq 4 ]
	[[ "$output" == *".claude/settings.json:3:"* ]]
	[ "$(snap)" = "$before" ]
	mkdir -p .codex && printf 'model = \n' >.codex/config.toml
	run "$RURU" init --host codex
	[ "$status" -eq 4 ]
	[[ "$output" == *".codex/config.toml:1:"* ]]
	printf 'x\n<!-- ruru:begin -->\nhalf a block\n' >GEMINI.md
	run "$RURU" init --host gemini
	[ "$status" -eq 4 ]
	[[ "$output" == *"GEMINI.md:2:1:"* ]]
	[ ! -e .gemini ]
}

@test "init --host: a block already there is replaced in place, text around it kept" {
	printf '# Mine\n\n<!-- ruru:begin -->\nold words\n<!-- ruru:end -->\n\n## After\n' >AGENTS.md
	run "$RURU" init --host codex
	[ "$status" -eq 0 ]
	head -2 AGENTS.md | grep -q '^# Mine$'
	tail -2 AGENTS.md | grep -q '^## After$'
	! grep -q 'old words' AGENTS.md
	[ "$(grep -c 'ruru:begin' AGENTS.md)" -eq 1 ]
}

@test "init --host: CRLF instructions files stay CRLF" {
	printf '# Rules\r\n\r\nBe kind.\r\n' >CLAUDE.md
	"$RURU" init --host claude >/dev/null
	! grep -q $'[^\r]$' <(grep -v '^$' CLAUDE.md)
	"$RURU" init --host claude --remove >/dev/null
	[ "$(printf '# Rules\r\n\r\nBe kind.\r\n' | sha256sum | cut -d' ' -f1)" = "$(sum CLAUDE.md)" ]
}

@test "init --host: CLAUDE.md as a symlink to AGENTS.md stays a symlink; the block lands once in AGENTS.md" {
	printf '# Shared\n' >AGENTS.md
	ln -s AGENTS.md CLAUDE.md
	run "$RURU" init --host claude,codex
	[ "$status" -eq 0 ]
	[ -L CLAUDE.md ] && [ "$(readlink CLAUDE.md)" = AGENTS.md ]
	[ "$(grep -c 'ruru:begin' AGENTS.md)" -eq 1 ]
	"$RURU" init --host claude,codex --remove >/dev/null
	[ -L CLAUDE.md ] && [ "$(cat AGENTS.md)" = "# Shared" ]
}

@test "init --host detect picks the hosts whose folders exist; none is exit 3" {
	run "$RURU" init --host detect
	[ "$status" -eq 3 ]
	mkdir .cursor .gemini
	run "$RURU" init --host detect
	[ "$status" -eq 0 ]
	[ -f .cursor/mcp.json ] && [ -f GEMINI.md ] && [ ! -e CLAUDE.md ] && [ ! -e AGENTS.md ]
	run "$RURU" --json init --host detect --dry-run
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["hosts"]["hosts"]==["gemini","cursor"], d' "$output"
}

@test "init --host: unknown host and stray flags are usage errors" {
	run "$RURU" init --host vim
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown host "vim"'* ]]
	run "$RURU" init --dry-run
	[ "$status" -eq 2 ]
	[ ! -e CLAUDE.md ]
}

@test "init --host: a symlinked config leading out of the project is refused (exit 6)" {
	out=$(mktemp -d)
	ln -s "$out" .cursor
	run "$RURU" init --host cursor
	[ "$status" -eq 6 ]
	[ -z "$(ls -A "$out")" ]
	rm -rf "$out"
}

@test "init --host: a failed write at any file leaves every file as it was" {
	cp -R "$FIX/claude/." .
	before=$(snap)
	for n in 1 2 3 4 5 6; do
		RURU_FAULT=rename:$n run "$RURU" init --host claude
		[ "$status" -ne 0 ] || { echo "rename:$n did not fail"; return 1; }
		[ "$(snap)" = "$before" ] || { echo "after rename:$n"; diff <(echo "$before") <(snap); return 1; }
	done
	"$RURU" init --host claude >/dev/null
	after=$(snap)
	RURU_FAULT=dirsync:2 run "$RURU" init --host claude --remove
	[ "$status" -ne 0 ]
	[ "$(snap)" = "$after" ] || { diff <(echo "$after") <(snap); return 1; }
}

@test "instructions prints the block for a host and writes nothing" {
	before=$(snap)
	run "$RURU" instructions --host claude
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "<!-- ruru:begin -->" && "$output" == *"/continue-session"* ]]
	[ "$(snap)" = "$before" ]
	run "$RURU" instructions --host cline
	[[ "$output" != *"/continue-session"* && "$output" == *"ruru confirm apply"* ]]
	# Every event type of the library's table is named.
	types=$(event_types)
	[ "$(wc -l <<<"$types")" -ge 12 ]
	for t in $types; do
		[[ "$output" == *"$t"* ]] || { echo "missing $t"; return 1; }
	done
	# It is the block init writes.
	"$RURU" init --host cline >/dev/null
	[ "$(cat .clinerules/ruru.md)" = "$("$RURU" instructions --host cline)" ]
}

# ------------------------------------------------------------------ prime

# A session with a pending confirmation and an open delegation, then N
# entries appended in ruru's format.
big_session() {
	"$RURU" new "Ship the login page" >/dev/null
	"$RURU" log --type delegation --mode dev-python --task TASK-OPEN-7 "build the form" >/dev/null
	"$RURU" log --type delegation --mode dev-css --task TASK-DONE "style it" >/dev/null
	"$RURU" log --type result --mode dev-css --task TASK-DONE --outcome success "styled" >/dev/null
	"$RURU" log --type decision "use JWT for sessions" >/dev/null
	echo hello >target.txt
	"$RURU" confirm propose --target target.txt --content - <<<"new" >/dev/null
	python3 - "$(log_of)" "$1" <<'PY'
import sys
with open(sys.argv[1], "a") as f:
    for i in range(int(sys.argv[2])):
        f.write(f"- [2026-11-24 04:{i // 60 % 60:02d}:{i % 60:02d}Z] **note** · mode `dev-python`: filler entry {i} with some words\n")
PY
}

@test "prime: pending confirmations and open delegations come first, within 2,000 bytes, whatever the number of entries" {
	big_session 100000
	run "$RURU" prime
	[ "$status" -eq 0 ]
	[ "${#output}" -le 2000 ]
	first=$(printf '%s' "$output" | head -c 2000)
	[[ "$first" == *"Ship the login page"* ]]
	[[ "$first" == *"CONFIRM-target.txt"*"target.txt"* ]]
	[[ "$first" == *"TASK-OPEN-7"* ]]
	[[ "$first" == *"use JWT for sessions"* ]]
	[[ "$first" == *"filler entry 99999"* ]]
	[[ "${lines[-1]}" == *"ruru log"* ]]
	# Deterministic.
	[ "$("$RURU" prime)" = "$output" ]
}

@test "prime: many open delegations are cut with a count, pending confirmations stay" {
	"$RURU" new "Many" >/dev/null
	echo x >t.txt
	"$RURU" confirm propose --target t.txt --content - <<<"y" >/dev/null
	for i in $(seq 1 60); do "$RURU" log --type delegation --mode m --task "TASK-$i" "work item $i with a longer description" >/dev/null; done
	run "$RURU" prime
	[ "${#output}" -le 2000 ]
	[[ "$output" == *"CONFIRM-t.txt"* && "$output" == *"TASK-60"* && "$output" == *"more (ruru show --digest)"* ]]
	run "$RURU" prime --max-chars 500
	[ "$(printf '%s\n' "$output" | wc -c)" -le 501 ]
	[[ "$output" == *"CONFIRM-t.txt"* ]]
}

@test "prime: no active session lists the recent ones" {
	run "$RURU" prime
	[ "$status" -eq 0 ]
	[[ "$output" == *"no active session"* ]]
	id=$("$RURU" new "Old work")
	"$RURU" complete >/dev/null
	rm -f .ruru/sessions/.active
	run "$RURU" prime
	[[ "$output" == *"no active session"* && "$output" == *"$id"* && "$output" == *"Old work"* ]]
	run "$RURU" --json prime
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["session"] is None and d["recent_sessions"][0]["title"]=="Old work"' "$output"
}

@test "prime --json gives the parts" {
	big_session 10
	run "$RURU" --json prime
	python3 - "$output" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["schema_version"] == 1 and d["status"] == "active"
assert [o["task"] for o in d["open_items"]] == ["TASK-OPEN-7"], d["open_items"]
assert d["pending_confirmations"][0]["target"] == "target.txt"
assert d["last_decision"]["message"] == "use JWT for sessions"
assert len(d["text"].encode()) <= 2000
PY
}

@test "prime: what closes an open item (result of the task or mode; a later success from the error's source)" {
	"$RURU" new "Items" >/dev/null
	"$RURU" log --type delegation --mode dev-a --task TASK-A "a" >/dev/null
	"$RURU" log --type delegation --mode dev-b "b without a task" >/dev/null
	"$RURU" log --type delegation --mode dev-c "c without a task" >/dev/null
	"$RURU" log --type error --source ci "first failure" >/dev/null
	"$RURU" log --type result --mode dev-b --outcome success "b done" >/dev/null
	"$RURU" log --type error --source ci "second failure" >/dev/null
	"$RURU" log --type result --mode dev-x --task TASK-A --outcome failure "a failed" >/dev/null
	run "$RURU" --json prime
	python3 - "$output" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
got = [o["message"] for o in d["open_items"]]
# newest first: both errors from ci (no success from ci after them), c (no
# result for dev-c); the digest lists the same ones
assert got == ["second failure", "first failure", "c without a task"], got
assert d["open_item_count"] == 3
PY
}

# Run the hook exactly as .claude/settings.json says, with Claude Code's
# documented stdin for the event.
run_claude_hook() {
	local ev=$1 input=$2 cmd
	cmd=$(python3 -c 'import json,sys; print(json.load(open(".claude/settings.json"))["hooks"][sys.argv[1]][0]["hooks"][0]["command"])' "$ev")
	printf '%s' "$input" | PATH="$BIN:$PATH" sh -c "$cmd"
}

@test "Claude Code hook: SessionStart prints hookSpecificOutput.additionalContext within the limit on a 100,000-entry session" {
	"$RURU" init --host claude >/dev/null
	big_session 100000
	for src in startup resume clear compact; do
		run run_claude_hook SessionStart "{\"session_id\":\"abc123\",\"transcript_path\":\"/tmp/t.jsonl\",\"cwd\":\"$PWD\",\"hook_event_name\":\"SessionStart\",\"source\":\"$src\"}"
		[ "$status" -eq 0 ]
		python3 - "$output" <<'PY'
import json, sys
out = sys.argv[1]
d = json.loads(out)
assert list(d) == ["hookSpecificOutput"], d
h = d["hookSpecificOutput"]
assert h["hookEventName"] == "SessionStart"
ctx = h["additionalContext"]
assert len(ctx.encode()) <= 2000 and len(out.encode()) < 10000, len(ctx.encode())
assert "TASK-OPEN-7" in ctx and "CONFIRM-target.txt" in ctx
PY
	done
}

@test "Claude Code hook: PreCompact prints the digest as plain text (PreCompact takes no additionalContext)" {
	"$RURU" init --host claude >/dev/null
	big_session 10
	run run_claude_hook PreCompact '{"session_id":"abc123","transcript_path":"/tmp/t.jsonl","hook_event_name":"PreCompact","trigger":"auto","custom_instructions":""}'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Keep the ruru session ID and the open items below in the summary." ]]
	[[ "${lines[1]}" == "ruru session SESSION-"* ]]
	[[ "$output" == *"TASK-OPEN-7"* ]]
}

@test "prime --hook: unknown host is a usage error; no stdin is fine" {
	run "$RURU" prime --hook vim
	[ "$status" -eq 2 ]
	run "$RURU" prime --hook gemini </dev/null
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["hookSpecificOutput"]["hookEventName"]=="SessionStart"' "$output"
}

# ------------------------------------------------------- root discovery

@test "root discovery stops at the git top level: a .ruru above a repository never takes it over" {
	# The workspace of setup_workspace plays the stray ~/.ruru.
	"$RURU" new "stray home session" >/dev/null
	mkdir -p repo/sub && git -C repo init -q
	cd repo/sub
	run "$RURU" prime
	[ "$status" -eq 0 ]
	[[ "$output" != *"stray home session"* ]] || { echo "$output"; return 1; }
	run "$RURU" --json list
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["sessions"]==[], d' "$output"
	"$RURU" new "repo work" >/dev/null
	[ -d ../.ruru/sessions ] && ls ../.ruru/sessions | grep -q '^SESSION-repo_work-'
	# Outside any git work tree the nearest .ruru above still counts.
	mkdir -p "$WS/plain/deep" && cd "$WS/plain/deep"
	run "$RURU" prime
	[[ "$output" == *"stray home session"* ]]
}

# ------------------------------------------------- every host as it is today

@test "Zoo Code: --host zoo writes .zoo/ (read before .roo/), detect finds .zoo/; .roo/ alone is Roo Code's; init --mcp follows .zoo/" {
	mkdir .zoo .roo
	run "$RURU" init --host detect
	[ "$status" -eq 0 ]
	[ -f .zoo/rules/ruru.md ] && [ -f .zoo/mcp.json ]
	[ ! -e .roo/mcp.json ] && [ ! -e .roo/rules ]
	rm -rf .zoo
	run "$RURU" --json init --host detect --dry-run
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["hosts"]["hosts"]==["roo"], d' "$output"
	mkdir .zoo
	"$RURU" init --mcp 2>/dev/null
	python3 -c 'import json; assert json.load(open(".zoo/mcp.json"))["mcpServers"]["ruru"]=={"command":"ruru","args":["mcp"]}'
	[ ! -e .roo/mcp.json ]
}

@test "Gemini CLI: comments in .gemini/settings.json are read and kept, Claude's settings with comments stay refused; SessionStart runs ruru prime --hook gemini" {
	mkdir .gemini .claude
	printf '{\n  // mine\n  "general": {"vimMode": true} /* on */\n}\n' >.gemini/settings.json
	cp .gemini/settings.json gemini.orig
	run "$RURU" init --host gemini
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	grep -q '// mine' .gemini/settings.json && grep -q '/\* on \*/' .gemini/settings.json
	grep -q '"command": "ruru prime --hook gemini"' .gemini/settings.json
	"$RURU" init --host gemini --remove >/dev/null
	cmp gemini.orig .gemini/settings.json
	printf '{\n  // mine\n  "env": {}\n}\n' >.claude/settings.json
	run "$RURU" init --host claude
	[ "$status" -eq 4 ]
	[[ "$output" == *".claude/settings.json:2:"* ]]
	# The hook's answer is what Gemini CLI reads (one JSON object).
	run bash -c 'echo "{\"hook_event_name\":\"SessionStart\",\"source\":\"startup\"}" | "$0" prime --hook gemini' "$RURU"
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["hookSpecificOutput"]["hookEventName"]=="SessionStart"' "$output"
}

@test "Codex: .codex/hooks.json gets SessionStart running ruru prime --hook codex, whose answer is Codex's hook JSON" {
	run "$RURU" init --host codex
	[ "$status" -eq 0 ]
	python3 - <<'PY'
import json
h = json.load(open(".codex/hooks.json"))["hooks"]
assert h == {"SessionStart": [{"hooks": [{"type": "command", "command": "ruru prime --hook codex"}]}]}, h
PY
	"$RURU" new "codex work" >/dev/null
	run bash -c 'echo "{\"hook_event_name\":\"SessionStart\",\"source\":\"startup\",\"cwd\":\".\"}" | "$0" prime --hook codex' "$RURU"
	[ "$status" -eq 0 ]
	python3 -c '
import json,sys
d = json.loads(sys.argv[1])
o = d["hookSpecificOutput"]
assert set(d) == {"hookSpecificOutput"} and o["hookEventName"] == "SessionStart", d
assert "codex work" in o["additionalContext"], o' "$output"
}

@test "Cline: a single-file .clinerules gets ruru's block (and gives it back); the suggested global entry carries --root" {
	printf '# Rules\n\nKeep it short.' >.clinerules
	cp .clinerules rules.orig
	run "$RURU" init --host cline
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ -f .clinerules ] && grep -q 'ruru:begin' .clinerules
	[[ "$output" == *'"args": ["--root","'"$(pwd -P)"'","mcp"]'* ]] || { echo "$output"; return 1; }
	run "$RURU" init --host cline --dry-run
	[ "$status" -eq 0 ] && [[ "$output" != *"+++"* ]]
	"$RURU" init --host cline --remove >/dev/null
	cmp rules.orig .clinerules
}

kilo_existing() {
	local f=$1
	rm -rf .kilo kilo.json kilo.jsonc .kilocode
	mkdir -p "$(dirname "$f")"
	printf '{\n  "$schema": "https://app.kilo.ai/config.json",\n  "mcp": {\n    "my-local-server": {\n      "type": "local",\n      "command": ["node", "/path/to/server.js"]\n    } // the local one\n  }\n}\n' >"$f"
	cp "$f" kilo.orig
	run "$RURU" init --host kilo
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	for g in kilo.json kilo.jsonc .kilo/kilo.json .kilo/kilo.jsonc; do
		[ "$g" = "$f" ] || [ ! -e "$g" ] || { echo "second file $g beside $f"; return 1; }
	done
	grep -q '^    }, // the local one$' "$f" || { cat "$f"; return 1; }
	python3 - "$f" <<'PY'
import json, re, sys
t = re.sub(r" // .*", "", open(sys.argv[1]).read())
assert json.loads(t)["mcp"]["ruru"] == {"type": "local", "command": ["ruru", "mcp"], "enabled": True}
PY
	"$RURU" init --host kilo --remove >/dev/null
	cmp kilo.orig "$f"
}

@test "Kilo: an existing kilo.json, kilo.jsonc or .kilo/kilo.jsonc is edited, not joined by a second file; a trailing comment stays where it was" {
	for f in kilo.json kilo.jsonc .kilo/kilo.jsonc; do
		echo "# $f"
		kilo_existing "$f"
	done
	# detect finds Kilo by a settings file at the root too
	printf '{}\n' >kilo.jsonc
	run "$RURU" --json init --host detect --dry-run
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["hosts"]["hosts"]==["kilo"], d' "$output"
}

@test "init --host recognises ruru's hooks by what they run: a hook with another path to ruru is not added again" {
	"$RURU" init --host claude,codex >/dev/null
	sed -i 's|"ruru prime --hook claude"|"/opt/tools/bin/ruru prime --hook claude"|' .claude/settings.json
	sed -i 's|"ruru prime --hook codex"|"\\"$HOME/bin/ruru\\" prime --hook codex"|' .codex/hooks.json
	sed -i 's|"command": "ruru"|"command": "/opt/tools/bin/ruru"|' .mcp.json
	before=$(snap)
	run "$RURU" init --host claude,codex
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(snap)" = "$before" ] || { echo "changed:"; cat .claude/settings.json; return 1; }
	[ "$(grep -c 'prime --hook claude' .claude/settings.json)" -eq 2 ]
	[ "$(grep -c 'prime --hook codex' .codex/hooks.json)" -eq 1 ]
}

@test "ruru's own server entry is ruru's alone: a differing one is left and reported (exit 5) naming loader env keys; --force replaces it whole" {
	printf '{\n  "mcpServers": {\n    "ruru": {"command": "ruru", "args": ["mcp"], "env": {"LD_PRELOAD": "./x.so", "PATH": "./bin:/usr/bin", "TOKEN": "t"}, "cwd": "tools"}\n  }\n}\n' >.mcp.json
	mkdir -p .codex
	printf '[mcp_servers.ruru]\ncommand = "ruru"\nargs = ["mcp", "--root", "/elsewhere"]\n\n[mcp_servers.ruru.env]\nNODE_OPTIONS = "--require ./hook.js"\n' >.codex/config.toml
	rm -rf .ruru
	before=$(snap)
	run "$RURU" init --host claude
	[ "$status" -eq 5 ]
	[[ "$output" == *".mcp.json"*"env"*"cwd"* && "$output" == *LD_PRELOAD* && "$output" == *PATH* ]]
	[[ "$output" != *TOKEN* ]]
	[ "$(snap)" = "$before" ] && [ ! -e .ruru ]
	run "$RURU" init --host codex
	[ "$status" -eq 5 ]
	[[ "$output" == *"args"* && "$output" == *NODE_OPTIONS* ]]
	[ "$(snap)" = "$before" ]
	run "$RURU" init --host claude,codex --force
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *LD_PRELOAD* ]]
	python3 - <<'PY'
import json, tomllib
assert json.load(open(".mcp.json"))["mcpServers"]["ruru"] == {"command": "ruru", "args": ["mcp"]}
assert tomllib.load(open(".codex/config.toml", "rb"))["mcp_servers"]["ruru"] == {"command": "ruru", "args": ["mcp"]}
PY
	# A kept entry (alwaysAllow) that runs ruru the same way is ruru's own,
	# and so is what `claude mcp add --scope project ruru -- ruru mcp` writes.
	printf '{"mcpServers": {"ruru": {"command": "ruru", "args": ["mcp"], "alwaysAllow": ["session_log"], "disabled": false}}}\n' >.mcp.json
	run "$RURU" init --host claude
	[ "$status" -eq 0 ]
	grep -q alwaysAllow .mcp.json
	printf '{\n  "mcpServers": {\n    "ruru": {\n      "type": "stdio",\n      "command": "ruru",\n      "args": [\n        "mcp"\n      ],\n      "env": {}\n    }\n  }\n}\n' >.mcp.json
	cp .mcp.json added.json
	run "$RURU" init --host claude
	[ "$status" -eq 0 ] && cmp added.json .mcp.json
}

@test "--remove gives back files without a final newline byte for byte (AGENTS.md, CLAUDE.md, config.toml)" {
	printf '# Agents\n\nBe brief.' >AGENTS.md
	printf '# Claude' >CLAUDE.md
	mkdir .codex && printf 'model = "gpt-5-codex"' >.codex/config.toml
	before=$(snap)
	"$RURU" init --host claude,codex >/dev/null
	grep -q 'ruru:begin' AGENTS.md && grep -q 'mcp_servers.ruru' .codex/config.toml
	python3 -c 'import tomllib; tomllib.load(open(".codex/config.toml","rb"))'
	"$RURU" init --host claude,codex --remove >/dev/null
	[ "$(snap)" = "$before" ] || { diff <(echo "$before") <(snap); return 1; }
}

@test "a failed init --host leaves nothing behind, .ruru/ included (exit 3, 4, 5)" {
	rm -rf .ruru
	mkdir .claude && printf '{ bad' >.claude/settings.json
	before=$(snap)
	run "$RURU" init --host claude
	[ "$status" -eq 4 ] && [ ! -e .ruru ] && [ "$(snap)" = "$before" ]
	rm -rf .claude
	printf '{"mcpServers": {"ruru": {"command": "sh", "args": ["-c", "evil"]}}}\n' >.mcp.json
	before=$(snap)
	run "$RURU" init --host claude
	[ "$status" -eq 5 ] && [ ! -e .ruru ] && [ "$(snap)" = "$before" ]
	rm .mcp.json
	run "$RURU" init --host detect
	[ "$status" -eq 3 ] && [ ! -e .ruru ]
}

@test "Codex servers as an inline table: ruru's entry joins mcp_servers = { ... } (not 'already defined'); --remove gives it back" {
	mkdir .codex
	printf '# mine\nmcp_servers = { context7 = { command = "npx", args = ["-y", "@upstash/context7-mcp"] } }\nmodel = "o3"\n' >.codex/config.toml
	cp .codex/config.toml toml.orig
	run "$RURU" init --host codex
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	python3 - <<'PY'
import tomllib
d = tomllib.load(open(".codex/config.toml", "rb"))
assert d["mcp_servers"]["ruru"] == {"command": "ruru", "args": ["mcp"]}, d
assert d["mcp_servers"]["context7"]["command"] == "npx" and d["model"] == "o3", d
PY
	head -1 .codex/config.toml | grep -q '^# mine$'
	run "$RURU" init --host codex
	[ "$status" -eq 0 ] && [[ "$output" != *updated* ]]
	"$RURU" init --host codex --remove >/dev/null
	cmp toml.orig .codex/config.toml
}
