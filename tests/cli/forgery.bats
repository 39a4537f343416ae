#!/usr/bin/env bats
# forgery.bats — forgeries and replays of confirmation decisions under
# require_signature, as an agent that can write the whole workspace (but
# not the user's ~/.config or keys) would try them: a proposal is used
# once (its nonce, recorded by apply), a signature expires, a sidecar's
# result or nonce cannot be swapped, apply --commit names a signer only
# after checking the signature, and git runs with literal pathspecs and
# no repository hooks.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

# A signed approval of t: old -> new; echoes the artifact.
signed_proposal() {
	printf 'old\n' > t; printf 'new\n' > p
	a=$("$RURU" confirm propose --target t --content p)
	"$RURU" confirm approve --key keys/alice --as alice@example.org "$a" >/dev/null
	echo "$a"
}

@test "a proposal carries a 128-bit nonce that its decision record and signature cover" {
	signing_setup
	"$RURU" new "Nonce" >/dev/null
	a=$(signed_proposal)
	n=$(nonce_of "$a")
	[[ "$n" =~ ^[0-9a-f]{32}$ ]]
	grep -q "nonce \`$n\`" "$(log_of)"
	# two proposals never share one
	printf 'x\n' > q
	b=$("$RURU" confirm propose --target t --content q)
	[ "$(nonce_of "$b")" != "$n" ]
}

@test "replay: apply, a deliberate revert, the sidecar set back to approved -> refused (exit 5); verify reports it" {
	signing_setup
	"$RURU" new "Replay" >/dev/null
	a=$(signed_proposal)
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = new ]
	n=$(nonce_of "$a")
	grep -q "\*\*result\*\*.*nonce \`$n\`" "$(log_of)"
	printf 'old\n' > t                      # the user reverts the change
	sed -i 's/^status = "applied"/status = "approved"/' "$(sidecar "$a")"
	run -5 "$RURU" confirm apply "$a"
	[[ "$output" == *"already applied"*"nonce $n"* ]]
	[ "$(cat t)" = old ]
	run -4 "$RURU" verify
	[[ "$output" == *"nonce"*"applied"* ]]
	# a fresh nonce in the sidecar does not escape it: the decision names the old one
	sed -i "s/^nonce = \".*\"/nonce = \"0123456789abcdef0123456789abcdef\"/" "$(sidecar "$a")"
	run -5 "$RURU" confirm apply "$a"
	[ "$(cat t)" = old ]
}

@test "replay in temp mode: the deleted pair restored after apply is refused (exit 5); verify reports it" {
	signing_setup
	a=$(signed_proposal)
	[[ "$a" == .ruru/temp/* ]]
	cp "$a" saved.md; cp "$(sidecar "$a")" saved.toml
	"$RURU" confirm apply "$a"
	[ "$(cat t)" = new ] && [ ! -e "$a" ]
	grep -q "^nonce = \"$(sed -n 's/^nonce = "\(.*\)"$/\1/p' saved.toml)\"" .ruru/temp/decisions.log
	printf 'old\n' > t
	cp saved.md "$a"; cp saved.toml "$(sidecar "$a")"
	run -5 "$RURU" confirm apply "$a"
	[[ "$output" == *"already applied"* ]]
	[ "$(cat t)" = old ]
	run -4 "$RURU" verify
	[[ "$output" == *"applied"* ]]
}

@test "a signature expires: 7 days by default, confirm.signature_ttl in the user's config; the workspace cannot lengthen it" {
	signing_setup
	"$RURU" new "Expiry" >/dev/null
	a=$(signed_proposal)
	grep -q 'Signed by `alice@example.org` until 2026-12-01T03:15:20Z' "$(log_of)"
	run -5 env RURU_NOW=2026-12-02T00:00:00Z "$RURU" confirm apply "$a"
	[[ "$output" == *"expired at 2026-12-01T03:15:20Z"* ]]
	[ "$(cat t)" = old ]
	# verify says so (a note: nothing was tampered with)
	run -0 env RURU_NOW=2026-12-02T00:00:00Z "$RURU" verify
	[[ "$output" == *"note: the signature of the decision on $a expired at 2026-12-01T03:15:20Z"* ]]
	run -0 env RURU_NOW=2026-11-30T00:00:00Z "$RURU" confirm apply "$a"
	# a workspace asking for 90 days gets the user's 7; the user's 30d counts
	printf '[confirm]\nsignature_ttl = "90d"\n' > .ruru/config.toml
	b=$(signed_proposal)
	grep -q 'until 2026-12-01T03:15:20Z' "$(log_of)"
	printf '[confirm]\nrequire_signature = true\nsignature_ttl = "30d"\n' > "$XDG_CONFIG_HOME/ruru/config.toml"
	c=$(signed_proposal)
	grep -q 'until 2026-12-24T03:15:20Z' "$(log_of)"
	run -0 env RURU_NOW=2026-12-20T00:00:00Z "$RURU" confirm apply "$c"
}

@test "a signed decision copied onto a new proposal of the same change is refused" {
	signing_setup
	"$RURU" new "Copy" >/dev/null
	a=$(signed_proposal)
	"$RURU" confirm apply "$a"
	printf 'old\n' > t
	# the agent proposes the same change again and forges the approval:
	# the old signature and signer, the log line re-pointed at the new one
	b=$("$RURU" confirm propose --target t --content p)
	sb=$(sidecar "$b")
	sig=$(sed -n 's/^signature = //p' "$(sidecar "$a")")
	sed -i 's/^status = "pending"/status = "approved"/' "$sb"
	printf 'signed_by = "alice@example.org"\nsignature = %s\n' "$sig" >> "$sb"
	python3 - "$(log_of)" "$a" "$b" "$(nonce_of "$a")" "$(nonce_of "$b")" <<'PY'
import re, sys
log, a, b, na, nb = sys.argv[1:]
t = open(log, encoding="utf-8").read()
ra, rb = a.split("/", 3)[3], b.split("/", 3)[3]
lines = [l for l in t.splitlines(True) if "confirm-response" in l and ra in l]
first = t.index(lines[0])
entry = t[first:]
entry = entry[: entry.index("\n- [", 1) + 1] if "\n- [" in entry[1:] else entry
forged = entry.replace(ra, rb).replace(na, nb)
open(log, "a", encoding="utf-8").write(forged)
PY
	run -5 "$RURU" confirm apply "$b"
	[[ "$output" == *"signature"* ]]
	[ "$(cat t)" = old ]
}

@test "a sidecar whose result_sha256 was swapped cannot be decided or applied" {
	"$RURU" new "Result" >/dev/null
	printf 'a\nb\nc\n' > t
	printf -- '--- a/t\n+++ b/t\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n' > d.diff
	a=$("$RURU" confirm propose --target t --diff d.diff)
	sed -i 's/^result_sha256 = ".*"/result_sha256 = "'"$(printf 'evil\n' | sha256sum | cut -d' ' -f1)"'"/' "$(sidecar "$a")"
	run -5 "$RURU" confirm approve "$a"
	[[ "$output" == *"result_sha256"* ]]
	run -5 "$RURU" confirm show "$a"
	[ "$(status_of "$a")" = pending ]
}

@test "apply --commit: Ruru-Signed-By only for a signature this apply verified" {
	export XDG_CONFIG_HOME=$WS/.userconf
	mkdir -p "$XDG_CONFIG_HOME/ruru" keys
	ssh-keygen -q -t ed25519 -N '' -C mallory -f keys/mallory
	ssh-keygen -q -t ed25519 -N '' -C alice -f keys/alice
	git init -q . && git config user.email me@example.org && git config user.name Me
	printf 'old\n' > t && git add t && git commit -qm init
	"$RURU" new "Trailer" >/dev/null
	# signed with a key nobody allowed (no allowed_signers, nothing required)
	printf 'new\n' > p
	a=$("$RURU" confirm propose --target t --content p)
	"$RURU" confirm approve --key keys/mallory --as alice@example.org "$a"
	"$RURU" confirm apply --commit "$a"
	[ "$(cat t)" = new ]
	refute grep -q "^Ruru-Signed-By" <(git log -1 --format=%B)
	# signed by an allowed signer: the trailer, after the check
	echo "alice@example.org $(cut -d' ' -f1,2 keys/alice.pub)" > "$XDG_CONFIG_HOME/ruru/allowed_signers"
	printf 'newer\n' > p
	b=$("$RURU" confirm propose --target t --content p)
	"$RURU" confirm approve --key keys/alice --as alice@example.org "$b"
	"$RURU" confirm apply --commit "$b"
	git log -1 --format=%B | git interpret-trailers --parse | grep -qx 'Ruru-Signed-By: alice@example.org'
}

@test "apply --commit: a target named like pathspec magic commits only itself; repository hooks and fsmonitor never run" {
	git init -q . && git config user.email me@example.org && git config user.name Me
	mkdir -p ci ':(glob)ci'
	printf 'one\n' > ci/a.yml; printf 'two\n' > ci/b.yml; printf 'x\n' > ':(glob)ci/**'
	git add -A && git commit -qm init
	# the other files change too, unstaged: only the target may be committed
	printf 'ONE\n' > ci/a.yml; printf 'TWO\n' > ci/b.yml
	printf '#!/bin/sh\ntouch "%s/hook-ran"\n' "$WS" > .git/hooks/pre-commit
	cp .git/hooks/pre-commit .git/hooks/post-commit
	chmod +x .git/hooks/pre-commit .git/hooks/post-commit
	printf '#!/bin/sh\ntouch "%s/fsmonitor-ran"\n' "$WS" > fsm.sh && chmod +x fsm.sh
	git config core.fsmonitor "$WS/fsm.sh"
	git config core.hooksPath .git/hooks
	"$RURU" new "Magic" >/dev/null
	printf 'y\n' > p
	a=$("$RURU" confirm propose --target ':(glob)ci/**' --content p)
	"$RURU" confirm approve "$a"
	run -0 "$RURU" confirm apply --commit "$a" || { echo "$output"; return 1; }
	[ "$(git -c core.fsmonitor=false show --name-only --format= HEAD)" = ':(glob)ci/**' ]
	[ "$(git -c core.fsmonitor=false show HEAD:ci/a.yml)" = one ]
	[ ! -e "$WS/hook-ran" ]
	[ ! -e "$WS/fsmonitor-ran" ]
}
