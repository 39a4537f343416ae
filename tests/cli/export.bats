#!/usr/bin/env bats
# export.bats — `ruru export --md` and `--json` (doc/design.md §15):
# one session as one document, secrets redacted by default, artifacts read
# from the session only.  Fake secrets are assembled from pieces so that
# none sits verbatim in the repository.

load helpers

setup() {
	setup_workspace
	AWS="AKIA$(printf 'ABCDEFGHIJKLMNOP')"
	GH="gh""p_$(printf 'aB3dE5fG7hJ9kLmN2pQrS4tUvW6xYz8aB3dE')"
	ANT="sk-""ant-api03-$(printf 'x%.0s' {1..40})Q1"
	JWT="ey""JhbGciOiJIUzI1NiJ9.ey""JzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	KEYBLOCK=$(printf -- '-----BEGIN OPENSSH PRIVATE %s-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE %s-----' KEY KEY)
	ID=$("$RURU" new "Deploy service" --tag ops --description "deploy with DB_PASSWORD=goal-secret-1")
	"$RURU" log --type note "used $AWS and token $GH"
	"$RURU" log --type result "connect postgres://admin:pw-in-url-9@db.example.com/app
second line <script>alert(1)</script> and $JWT"
	printf '# Runbook\n\nkey %s\n\n%s\n' "$ANT" "$KEYBLOCK" > runbook.md
	"$RURU" artifact add runbook.md >/dev/null
	printf '\x00\x01binary' > blob.bin
	"$RURU" artifact add blob.bin >/dev/null
}

teardown() { teardown_workspace; }

# Every secret of setup(), one per line.
secrets() {
	printf '%s\n' "$AWS" "$GH" "$ANT" "$JWT" goal-secret-1 pw-in-url-9 b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ
}

no_secret_in() {
	local s
	while read -r s; do
		if grep -qF -- "$s" "$1"; then
			echo "secret survived: $s"
			return 1
		fi
	done < <(secrets)
}

@test "export --md: one readable document, every secret redacted" {
	run "$RURU" export --md "$ID"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > out.md
	no_secret_in out.md
	grep -qF '# Deploy service' out.md
	grep -qF '| Status | 🟢 Active |' out.md
	grep -qF '[REDACTED:aws-access-key]' out.md
	grep -qF '[REDACTED:github-token]' out.md
	grep -qF '[REDACTED:anthropic-key]' out.md
	grep -qF '[REDACTED:jwt]' out.md
	grep -qF '[REDACTED:private-key]' out.md
	grep -qF 'postgres://admin:[REDACTED:url-password]@db.example.com/app' out.md
	grep -qF 'DB_PASSWORD=[REDACTED:password]' out.md
	# the entries, with their types and multi-line messages, kept as text
	grep -qF '**2026-11-24 03:15:20Z** · ` result `' out.md
	grep -qF '  second line <script>alert(1)</script>' out.md
	# the Markdown artifact inlined, the binary one listed
	grep -qF '### artifacts/runbook.md' out.md
	grep -qF '# Runbook' out.md
	grep -qF 'Not inlined: binary' out.md
}

@test "export --md renders as CommonMark without raw HTML from messages" {
	command -v cmark-gfm >/dev/null || skip "cmark-gfm not installed"
	"$RURU" export --md "$ID" | cmark-gfm -e table > out.html
	! grep -q '<script>' out.html
	grep -qF '&lt;script&gt;' out.html
	grep -q '<table>' out.html
}

@test "export --json: session, entries, tasks, artifacts with their text, redacted" {
	run "$RURU" export --json "$ID"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > out.json
	no_secret_in out.json
	python3 - out.json "$ID" <<-'EOF'
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["schema_version"] == 1 and d["redacted"] is True, d
	assert d["redactions"] == 7, d["redactions"]
	s = d["session"]
	assert s["id"] == sys.argv[2] and s["entry_count"] == 5, s
	arts = {a["path"]: a for a in d["artifacts"]}
	assert arts["artifacts/runbook.md"]["text"].startswith("# Runbook"), arts
	assert arts["artifacts/blob.bin"]["text"] is None, arts
	assert d["tasks"] == []
	EOF
}

@test "--no-redact keeps every secret" {
	"$RURU" export --md --no-redact "$ID" > out.md
	"$RURU" export --json --no-redact "$ID" > out.json
	while read -r s; do
		grep -qF -- "$s" out.md
	done < <(secrets)
	grep -qF -- "$AWS" out.json
	! grep -q REDACTED out.md
	python3 -c 'import json,sys; d=json.load(open("out.json")); assert d["redacted"] is False and d["redactions"] == 0'
}

@test "export without an ID takes the active session" {
	"$RURU" export --md > a.md
	"$RURU" export --md "$ID" > b.md
	cmp a.md b.md
}

@test "an artifact symlinked out of the session is not inlined" {
	echo "outside secret text" > "$WS/outside.txt"
	ln -s "$WS/outside.txt" ".ruru/sessions/$ID/artifacts/link.md"
	run "$RURU" export --json "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" != *"outside secret text"* ]]
	run "$RURU" export --md "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" != *"outside secret text"* ]]
}

@test "export: usage errors and unknown sessions" {
	run "$RURU" export
	[ "$status" -eq 2 ]
	[[ "$output" == *"say what to export"* ]]
	run "$RURU" export --md --json "$ID"
	[ "$status" -eq 2 ]
	run "$RURU" export --md "$ID" "$ID"
	[ "$status" -eq 2 ]
	run "$RURU" export --md SESSION-nope
	[ "$status" -eq 3 ]
}

@test "every redaction pattern of the table is listed in the man page" {
	src="$BATS_TEST_DIRNAME/../../src/lib/base/redact.c"
	man="$BATS_TEST_DIRNAME/../../doc/ruru.1"
	kinds=$(sed -n '/patterns\[\] = {/,/{ NULL, NULL }/p' "$src" | grep -oE '^\s*\{ "[a-z-]+"' | grep -oE '[a-z-]+')
	[ "$(echo "$kinds" | wc -l)" -ge 10 ]
	for k in $kinds; do
		grep -qF "[REDACTED:${k//-/\\-}]" "$man" || { echo "kind $k not in man page"; return 1; }
	done
}

# Every page of the static site passes tidy without errors.
tidy_clean() {
	local f rc
	while IFS= read -r f; do
		rc=0
		tidy -q -e "$f" >/dev/null 2>tidy.err || rc=$?
		[ "$rc" -lt 2 ] || { echo "tidy errors in $f:"; cat tidy.err; return 1; }
	done < <(find "$1" -name '*.html')
}

@test "export --html: a static site, tidy-clean, every link resolves, secrets redacted" {
	run "$RURU" export --html site
	[ "$status" -eq 0 ]
	[ "$output" = "site/index.html" ]
	[ -f site/style.css ] && [ -f site/tasks.html ]
	[ -f "site/sessions/$ID/index.html" ]
	[ -f "site/sessions/$ID/artifacts/runbook.md.html" ]
	tidy_clean site
	python3 "$BATS_TEST_DIRNAME/site_check.py" site
	cat $(find site -type f) > all.txt
	no_secret_in all.txt
	grep -qF '[REDACTED:private-key]' "site/sessions/$ID/artifacts/runbook.md.html"
	# the timeline: types, a multi-line message as text, never as HTML
	grep -qF '<b>result</b>' "site/sessions/$ID/index.html"
	grep -qF 'second line &lt;script&gt;alert(1)&lt;/script&gt;' "site/sessions/$ID/index.html"
	grep -qF '<h1>Runbook</h1>' "site/sessions/$ID/artifacts/runbook.md.html"
	# a binary artifact is not copied while redacting (redaction cannot see inside)
	[ ! -e "site/sessions/$ID/artifacts/files/blob.bin" ]
	grep -qF 'not included' "site/sessions/$ID/artifacts/blob.bin.html"
}

@test "export --html: raw HTML and javascript: links in Markdown artifacts are inert" {
	printf '# T\n\n<script>alert(1)</script>\n\ninline <img src=x onerror=alert(2)> and [x](javascript:alert(3))\n' > evil.md
	"$RURU" artifact add evil.md >/dev/null
	"$RURU" export --html site >/dev/null
	page="site/sessions/$ID/artifacts/evil.md.html"
	! grep -q '<script' "$page"
	! grep -q '<img' "$page"
	! grep -q 'javascript:' "$page"
	grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$page"
	grep -qF '&lt;img src=x onerror=alert(2)&gt;' "$page"
	tidy_clean site
}

@test "export --html --no-redact keeps secrets and offers binary artifacts as downloads" {
	"$RURU" export --html site --no-redact >/dev/null
	cmp blob.bin "site/sessions/$ID/artifacts/files/blob.bin"
	grep -qF 'href="files/blob.bin" download' "site/sessions/$ID/artifacts/blob.bin.html"
	grep -qF -- "$AWS" "site/sessions/$ID/index.html"
	python3 "$BATS_TEST_DIRNAME/site_check.py" site
}

@test "export --html ID...: only the named sessions; unknown ones fail" {
	OTHER=$("$RURU" new "Other work")
	"$RURU" export --html site "$OTHER" >/dev/null
	[ -f "site/sessions/$OTHER/index.html" ]
	[ ! -e "site/sessions/$ID" ]
	! grep -qF "$ID" site/index.html
	python3 "$BATS_TEST_DIRNAME/site_check.py" site
	run "$RURU" export --html site2 SESSION-nope
	[ "$status" -eq 3 ]
	run "$RURU" export --html site --md
	[ "$status" -eq 2 ]
}

@test "export --html: an artifact symlinked out of the session is not read, a symlinked DIR is refused below" {
	echo "outside secret text" > "$WS/outside.txt"
	ln -s "$WS/outside.txt" ".ruru/sessions/$ID/artifacts/link.md"
	"$RURU" export --html site >/dev/null
	! grep -rqF "outside secret text" site
	mkdir elsewhere
	rm -rf site && mkdir -p site/sessions
	ln -s "$WS/elsewhere" "site/sessions/$ID"
	run "$RURU" export --html site
	[ "$status" -eq 6 ]
	[ -z "$(ls elsewhere)" ]
}
