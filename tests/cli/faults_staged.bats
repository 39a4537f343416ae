#!/usr/bin/env bats
# faults_staged.bats — fault injection on every write of `confirm
# approve|reject|skip`, `confirm delegate`, `confirm withdraw`, `summarize`
# and `artifact add --type`: each is one log transaction
# (begin, check, stage, log, commit), so a fault at any storage step
# (RURU_FAULT=STEP:N, every N in turn until the command succeeds) leaves the
# workspace byte for byte as it was — no sidecar changed, no record in
# .ruru/temp/decisions.log, no summary or typed artifact, no folder, no
# temp file — and the command then succeeds.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

STEPS="open write fsync chmod rename link mkdir lock dirsync remove"

# Run "$@" with each fault in turn; every failure must leave
# workspace_snap() as it was.  $1: the most occurrences to try.
each_fault() {
	local max=$1
	shift
	local step n before
	for step in $STEPS; do
		for n in $(seq 1 "$max"); do
			before=$(workspace_snap)
			run env RURU_FAULT="$step:$n" "$@"
			if [ "$status" -eq 0 ]; then
				"$RURU" check >/dev/null || { echo "$step:$n: check fails after success"; "$RURU" check; return 1; }
				break
			fi
			[ "$(workspace_snap)" = "$before" ] || {
				echo "$step:$n: failed ($output) and changed the workspace:"
				diff <(echo "$before") <(workspace_snap)
				return 1
			}
		done
		[ "$status" -eq 0 ] || { echo "$step: still failing at $max"; return 1; }
		after_success "$step"
	done
}

propose() {
	printf 'new %s\n' "$1" | "$RURU" confirm propose --target "docs/$1.md" --content -
}

# --- decide ----------------------------------------------------------

# each_fault passes its arguments as given: a proposal named at run time
# goes through a small wrapper.
wrap() {
	cat >"$BATS_TEST_TMPDIR/w" <<EOF
#!/bin/sh
exec "$RURU" "\$@" "\$(cat "$BATS_TEST_TMPDIR/a")"
EOF
	chmod +x "$BATS_TEST_TMPDIR/w"
}

# A field of the current proposal (the one in $BATS_TEST_TMPDIR/a) as
# `confirm show --json` gives it ("None" when it has none).
field_of_current() {
	"$RURU" --json confirm show "$(cat "$BATS_TEST_TMPDIR/a")" |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1]))' "$1"
}

# Runs `confirm VERB [OPTION...]` (from $5 on) on one fresh proposal
# after another (docs/$1N.md: old -> new), with each fault in turn
# (each_fault); after each success the proposal's field $2 must read $3.
# $4, when not empty, is a decision made on each proposal first (approve).
proposal_faults() {
	local prefix=$1 field=$2 want=$3 first=$4
	shift 4
	mkdir -p docs
	wrap
	i=0
	next() {
		i=$((i + 1))
		printf 'old\n' >"docs/$prefix$i.md"
		propose "$prefix$i" >"$BATS_TEST_TMPDIR/a"
		[ -s "$BATS_TEST_TMPDIR/a" ]
		if [ -n "$first" ]; then
			"$RURU" confirm "$first" "$(cat "$BATS_TEST_TMPDIR/a")" >/dev/null
		fi
	}
	after_success() {
		local got
		got=$(field_of_current "$field")
		[ "$got" = "$want" ] || { echo "$1: $field $got, not $want"; return 1; }
		next
	}
	next
	each_fault 60 "$BATS_TEST_TMPDIR/w" confirm "$@"
}

decide_run() {
	proposal_faults d status approved "" approve
	proposal_faults d status rejected "" reject
	proposal_faults d status skipped "" skip --rationale routine
}

@test "confirm approve/reject/skip in a session: a fault at any write changes nothing" {
	"$RURU" new "Decide" >/dev/null
	decide_run
}

# The old decide restored the sidecar by hand but not decisions.log: its
# header, or a record whose fsync failed, stayed behind.
@test "confirm approve/reject/skip with no session (decisions.log): a fault at any write changes nothing" {
	decide_run
	grep -c '^\[\[decision\]\]' .ruru/temp/decisions.log
}

# --- delegate, withdraw ---------------------------------------------

delegate_run() {
	proposal_faults g delegated_to dev-x approve delegate --to dev-x --task TASK-F-1
}

@test "confirm delegate: a fault at any write changes nothing (session and temp)" {
	"$RURU" new "Delegate" >/dev/null
	delegate_run
	rm .ruru/sessions/.active
	delegate_run
}

withdraw_run() {
	proposal_faults w status withdrawn "" withdraw --reason "not needed"
}

@test "confirm withdraw: a fault at any write changes nothing (session and temp)" {
	"$RURU" new "Withdraw" >/dev/null
	withdraw_run
	rm .ruru/sessions/.active
	withdraw_run
	grep -q 'withdrawn' .ruru/temp/decisions.log
}

# --- summarize, typed artifacts ---------------------------------------

@test "summarize: a fault at any write leaves no summary, no folder, no log change" {
	"$RURU" new "Summarize" >/dev/null
	"$RURU" log --type decision "pin the seed" >/dev/null
	k=0
	after_success() {
		k=$((k + 1))
		# the summary and its log entry, together
		[ "$(find . -name 'SESSUM-*.md' | wc -l)" -eq "$k" ]
		[ "$(grep -c 'summary: ' "$(log_of)")" -eq "$k" ]
	}
	each_fault 60 "$RURU" summarize
}

@test "artifact add --type: a fault at any write leaves no note, no folder, no log change" {
	"$RURU" new "Typed" >/dev/null
	k=0
	after_success() {
		k=$((k + 1))
		[ "$(grep -c 'learning: A lesson' "$(log_of)")" -eq "$k" ]
		[ "$("$RURU" --json show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["related_artifacts"]))')" -eq "$k" ]
	}
	echo "what was learned" >"$BATS_TEST_TMPDIR/body"
	each_fault 60 "$RURU" artifact add --type learning --title "A lesson" --task TASK-T-1 "$BATS_TEST_TMPDIR/body"
}
