#!/usr/bin/env bats
# apply_refusals.bats — a refused `confirm apply` names
# the proposal's own state (withdrawn, rejected, pending, already applied)
# even when its session has ended since; exit 5 and nothing written
# (doc/design.md §6, §11).  Only an approved proposal of an ended session is
# refused for the session's state.

load helpers
setup() {
	setup_workspace
	"$RURU" new "Refusals" >/dev/null
	echo old >f.txt
}
teardown() { teardown_workspace; }

# Apply $1 once the session is ended ($2: complete, fail or pause): exit 5,
# the message has $3, the log and the sidecar are unchanged.
refused_for() {
	"$RURU" "$2" >/dev/null
	local log side before_log before_side
	log=$(log_of)
	side=${1%.md}.toml
	before_log=$(sum "$log")
	before_side=$(sum "$side")
	run --separate-stderr "$RURU" confirm apply "$1"
	[ "$status" -eq 5 ] || { echo "status $status: $stderr"; return 1; }
	[[ "$stderr" == *"$3"* ]] || { echo "want \"$3\" in: $stderr"; return 1; }
	[[ "$stderr" != *"not active"* ]] || { echo "names the session's state: $stderr"; return 1; }
	[ "$(sum "$log")" = "$before_log" ]
	[ "$(sum "$side")" = "$before_side" ]
	[ "$(cat f.txt)" = old ]
}

@test "apply of a withdrawn proposal in a completed session says withdrawn" {
	a=$(echo new | "$RURU" confirm propose --target f.txt --content -)
	"$RURU" confirm withdraw "$a" --reason "not needed"
	refused_for "$a" complete "was withdrawn"
}

@test "apply of a rejected proposal in a failed session says rejected" {
	a=$(echo new | "$RURU" confirm propose --target f.txt --content -)
	"$RURU" confirm reject "$a" --reason "no"
	refused_for "$a" fail "was rejected"
}

@test "apply of a pending proposal in a paused session says it was never approved" {
	a=$(echo new | "$RURU" confirm propose --target f.txt --content -)
	refused_for "$a" pause "never approved or skipped"
}

@test "apply of an applied proposal in a completed session says already applied" {
	a=$(echo new | "$RURU" confirm propose --target f.txt --content -)
	"$RURU" confirm approve "$a"
	"$RURU" confirm apply "$a" >/dev/null
	[ "$(cat f.txt)" = new ]
	echo old >f.txt # as refused_for expects; an applied proposal is never re-applied
	refused_for "$a" complete "already applied"
}

@test "an approved proposal of a completed session is refused for the session's state" {
	a=$(echo new | "$RURU" confirm propose --target f.txt --content -)
	"$RURU" confirm approve "$a"
	"$RURU" complete >/dev/null
	before=$(sum "$(log_of)")
	run --separate-stderr "$RURU" confirm apply "$a"
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"not active"* ]] || { echo "$stderr"; return 1; }
	[ "$(sum "$(log_of)")" = "$before" ]
	[ "$(cat f.txt)" = old ]
	# once resumed it applies
	"$RURU" resume >/dev/null
	run "$RURU" confirm apply "$a"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(cat f.txt)" = new ]
}

@test "a diff that no longer fits: the line that differs, no temp path; forced, nothing written and still approved" {
	mkdir src; printf 'a\nb\nc\n' > src/t
	printf -- '--- a/src/t\n+++ b/src/t\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n' > d
	# at proposal: the line of the target, by its path in the root
	printf 'a\nx\nc\n' > src/t
	run --separate-stderr "$RURU" confirm propose --target src/t --diff d
	[ "$status" -eq 4 ]
	[[ "$stderr" == *'line 2 of "src/t" is not the line the diff expects there'* ]]
	[[ "$stderr" != *"/tmp"* && "$stderr" != *"rej"* && "$stderr" != *"hunk"* ]]
	printf 'a\nb\n' > src/t
	printf -- '--- a/src/t\n+++ b/src/t\n@@ -1,3 +1,3 @@\n a\n b\n-c\n+C\n' > d2
	run --separate-stderr "$RURU" confirm propose --target src/t --diff d2
	[ "$status" -eq 4 ]
	[[ "$stderr" == *'it expects a line 3 of "src/t", which has 2'* ]]
	# forced over a target the diff no longer fits
	printf 'a\nb\nc\n' > src/t
	a=$("$RURU" confirm propose --target src/t --diff d)
	"$RURU" confirm approve "$a"
	printf 'a\nx\nc\n' > src/t
	log=$(log_of); before=$(sum "$log")
	run --separate-stderr "$RURU" confirm apply --force "$a"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *'line 2 of "src/t" is not the line the diff expects there; nothing was written and "'"$a"'" stays approved'* ]]
	[[ "$stderr" != *"/tmp"* ]]
	[ "$(sum "$log")" = "$before" ]
	[ "$(sed -n 's/^status = "\(.*\)"$/\1/p' "${a%.md}.toml")" = approved ]
	[ "$(cat src/t)" = "$(printf 'a\nx\nc')" ]
}
