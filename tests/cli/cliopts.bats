#!/usr/bin/env bats
# cliopts.bats — options bound at compile time and the
# command line as a model reads it from `--help` alone: the
# rule for operands that start with "-", and what a two-day coordinator
# scenario tripped over.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

# ------------------------------------------------------ options by index

@test "a bad number names the option as typed once (serve --port, list --limit, show -n)" {
	run "$RURU" serve --port x
	[ "$status" -eq 2 ]
	[[ "$output" == *'ruru: --port needs a whole number from 0 to 65535, not "x"'* ]]
	[[ "$output" != *'----port'* ]]
	run "$RURU" list --limit -3
	[ "$status" -eq 2 ]
	[[ "$output" == *'--limit needs a non-negative number, not "-3"'* ]]
	"$RURU" new G >/dev/null
	run "$RURU" show -n many
	[ "$status" -eq 2 ]
	[[ "$output" == *'--entries needs a non-negative number, not "many"'* ]]
	run "$RURU" continue --max-chars 1e3
	[ "$status" -eq 2 ]
	[[ "$output" == *'--max-chars needs a non-negative number, not "1e3"'* ]]
}

@test "the parser checks every value against its row: range, words, before the command runs" {
	# a range: the row's bounds, the same message for every option
	run "$RURU" serve --port 70000
	[ "$status" -eq 2 ]
	[[ "$output" == *'--port needs a whole number from 0 to 65535, not "70000"'* ]]
	run "$RURU" prime --max-chars 0
	[ "$status" -eq 2 ]
	[[ "$output" == *'--max-chars needs a whole number of at least 1, not "0"'* ]]
	run "$RURU" search q --limit 99999999999999999999999
	[ "$status" -eq 2 ]
	[[ "$output" == *'--limit needs a non-negative number'* ]]
	for c in "list --since soon" "search q --since soon" "search q --until soon"; do
		run "$RURU" $c
		[ "$status" -eq 2 ]
		[[ "$output" == *' needs a date (YYYY-MM-DD) or a date-time, not "soon"'* ]]
	done
	# words: every option whose row has words, also where the library or
	# the body checked them before (each in one message form, with usage)
	for c in "log --outcome maybe m" "confirm list --status maybe" "prime --hook maybe" \
		"confirm adopt X --target t.txt --kind maybe" "search q --in maybe" \
		"search q --in entries --in maybe" "log -t maybe m" "task status T-1 maybe"; do
		run "$RURU" $c
		[ "$status" -eq 2 ]
		[[ "$output" == *' is one of '*', not "maybe"'* ]]
		[[ "$output" == *'usage: ruru '* ]]
	done
	[ -z "$(ls .ruru/sessions)" ]
	# a required option (the row's, or the command's), and exactly one of
	# a pair: the command and the option named, with what it means
	run "$RURU" task claim T-1
	[ "$status" -eq 2 ]
	[[ "$output" == *'ruru: task claim needs --by MODE: who takes the task'* ]]
	run "$RURU" confirm skip X --rationale=
	[ "$status" -eq 2 ]
	[[ "$output" == *'ruru: confirm skip needs --rationale TEXT: why the edit is routine'* ]]
	run "$RURU" confirm propose --target t.txt --content a --diff b
	[ "$status" -eq 2 ]
	[[ "$output" == *'ruru: confirm propose needs exactly one of --content FILE|- and --diff FILE|-'* ]]
}

@test "shared option tables: the decision options of approve and skip, withdraw's reason" {
	"$RURU" new G >/dev/null
	printf 'old\n' >t.txt
	printf 'new\n' >n.txt
	a=$("$RURU" confirm propose --target t.txt --content n.txt)
	run "$RURU" confirm skip "$a" --reason "not the flag of skip"
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "--reason"'* ]]
	"$RURU" confirm skip "$a" --rationale "one-word typo"
	run "$RURU" --json confirm show "$a"
	[ "$(jq -r '.status, .rationale' <<<"$output")" = $'skipped\none-word typo' ]
	b=$("$RURU" confirm propose --target t.txt --content n.txt --supersedes "$a")
	"$RURU" confirm approve "$b" --reason "looks right"
	run "$RURU" --json confirm show "$b"
	[ "$(jq -r '.status, .rationale' <<<"$output")" = $'approved\nlooks right' ]
	run "$RURU" confirm withdraw "$b" --sign
	[ "$status" -eq 2 ]
	"$RURU" confirm withdraw "$b" --reason "not needed after all"
	run "$RURU" --json confirm show "$b"
	[ "$(jq -r .status <<<"$output")" = withdrawn ]
}

# ------------------------------------------- operands that start with "-"

@test "free-text operands: leading -, options after the text, -- and unknown --words" {
	id=$("$RURU" new "-5 tests failing" --tag ci)
	[ "$id" = "SESSION-5_tests_failing-2611240315" ]
	"$RURU" log "- fixed the bug"
	"$RURU" log -- "--type is a flag"
	"$RURU" log -- --type
	"$RURU" log "fixed it" --type result --outcome success --mode dev
	"$RURU" log "use --force to override, not --no-verify"
	"$RURU" log "-->"
	run "$RURU" log --force
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "--force" (text that starts with "--" goes after --)'* ]]
	run "$RURU" log "text" --verbose
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "--verbose"'* ]]
	run "$RURU" --json show
	[ "$(jq -r '.tags[]' <<<"$output")" = ci ]
	[ "$(jq -r '.entries[1:][] | .type + "|" + .message' <<<"$output")" = "$(printf '%s\n' \
		'note|- fixed the bug' 'note|--type is a flag' 'note|--type' 'result|fixed it' \
		'note|use --force to override, not --no-verify' 'note|-->')" ]
	[ "$(jq -r '.entries[4].outcome, .entries[4].mode' <<<"$output")" = $'success\ndev' ]
	printf 'k = 1\n' >f.toml
	"$RURU" toml set f.toml k -1
	grep -qx 'k = -1' f.toml
	run "$RURU" toml get f.toml k
	[ "$output" = "-1" ]
}

@test "search takes its options after the query and -word as an excluded word" {
	"$RURU" new G >/dev/null
	"$RURU" log --type decision "use jwt tokens"
	"$RURU" log "jwt cookies are out"
	run "$RURU" search jwt --type decision
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[[ "$output" == *'decision'* ]]
	run "$RURU" search jwt -cookies
	[ "$status" -eq 0 ]
	[[ "$output" == *'use [jwt] tokens'* ]]
	[[ "$output" != *'cookies'* ]]
	run "$RURU" search jwt --typo decision
	[ "$status" -eq 2 ]
	[[ "$output" == *'unknown option "--typo"'* ]]
}

@test "--option=VALUE with blanks in the value is the option, not an operand" {
	id=$("$RURU" new --description="Move login to JWT." "Ship it")
	[ "$id" = "SESSION-Ship_it-2611240315" ]
	run "$RURU" --json show
	[ "$(jq -r .goal <<<"$output")" = "Move login to JWT." ]
	"$RURU" log --source="the user" --type=prompt "hello there"
	run "$RURU" --json show -n 1
	[ "$(jq -r '.entries[0] | .type + "|" + .source + "|" + .message' <<<"$output")" = 'prompt|the user|hello there' ]
}

@test "a flag given a value says it takes none" {
	"$RURU" new G >/dev/null
	run "$RURU" log --new-task=yes "x"
	[ "$status" -eq 2 ]
	[[ "$output" == *'option --new-task takes no value ("--new-task=yes")'* ]]
	run "$RURU" confirm apply --force=1 X
	[ "$status" -eq 2 ]
	[[ "$output" == *'option --force takes no value'* ]]
}

@test "--help of a free-text command states the operand rule; others do not" {
	for c in new log search "toml set" "toml get"; do
		run "$RURU" $c --help
		[ "$status" -eq 0 ]
		[[ "$output" == *'Options may stand before or after the operands.'* ]] || { echo "$c"; return 1; }
		[[ "$output" == *'every word after "--" is an operand.'* ]]
	done
	run "$RURU" show --help
	[[ "$output" != *'Options may stand before'* ]]
}

# ------------------------------------------------- help a model can use

# The words of an option's "one of:" block in `ruru CMD --help`, one a line.
help_words() {
	"$RURU" $1 --help | awk -v opt="$2" '
		index($0, opt " ") && /^  / { on = 1; next }
		on && /^ +one of:/ { sub(/^ +one of:/, ""); print; next }
		on && match($0, /^ +[a-z]/) && RLENGTH == 32 { print; next }
		{ on = 0 }' | tr ',' '\n' | tr -d ' ' | grep .
}
# The words an error lists after "one of" (the library's own list).
error_words() { sed -E 's/.*one of:? ([^)]*)(\)|, not).*/\1/' | head -1 | tr ',' '\n' | tr -d ' ' | grep .; }

@test "--help lists the words an option takes, the same words the command accepts" {
	"$RURU" new G >/dev/null
	[ "$(help_words log --type)" = "$("$RURU" log --type bogus x 2>&1 | error_words)" ]
	[ "$(help_words log --type | wc -l)" -eq 12 ]
	[ "$(help_words search --type)" = "$(help_words log --type)" ]
	[ "$(help_words list --status)" = "$("$RURU" list --status bogus 2>&1 | error_words)" ]
	[ "$(help_words search --status)" = "$(help_words list --status)" ]
	[ "$(help_words 'artifact add' --type)" = "$("$RURU" artifact add --type bogus --title t 2>&1 | error_words)" ]
	help_words 'artifact add' --type | grep -qx deferred
	[ "$(help_words 'artifact list' --type)" = "$(help_words 'artifact add' --type)" ]
	[ "$(help_words 'task new' --type)" = "$("$RURU" task new --type bogus --title t 2>&1 | error_words)" ]
	[ "$(help_words log --task-type)" = "$(help_words 'task new' --type)" ]
	[ "$(help_words 'task release' --status)" = "$("$RURU" task release T --status bogus 2>&1 | error_words)" ]
	help_words 'confirm list' --status | grep -qx unadopted
	run "$RURU" task status --help
	[[ "$output" == *'STATUS is one of: todo, in-progress,'* ]]
	[[ "$output" != *'...'* ]]
}

@test "a library error about an argument names the command's flag (new --tag)" {
	run "$RURU" new G --tag " "
	[ "$status" -eq 2 ]
	[[ "$output" == *'a tag cannot be empty (--tag TAG)'* ]]
	[ ! -e .ruru/sessions/.active ] || [ -z "$(ls .ruru/sessions)" ]
}

@test "text-rule errors name the flag: --rationale, --mode, artifact/task --title" {
	"$RURU" new G >/dev/null
	echo hi >f
	run "$RURU" artifact add --type note --title "" f
	[ "$status" -eq 2 ]
	[[ "$output" == *'the title is empty (--title TEXT)'* ]]
	run "$RURU" artifact add --type note --title $'a\x01' f
	[ "$status" -eq 4 ]
	[[ "$output" == *'(--title TEXT)'* ]]
	run "$RURU" log --type decision x --mode $'a\nb'
	[ "$status" -eq 2 ]
	[[ "$output" == *'(--mode SLUG)'* ]]
	echo new >tgt
	a=$("$RURU" confirm propose --target tgt --content tgt)
	run "$RURU" confirm skip "$a" --rationale $'x\x01y'
	[ "$status" -eq 4 ]
	[[ "$output" == *'(--rationale TEXT)'* ]]
	run "$RURU" task new --type feature --title " "
	[ "$status" -eq 2 ]
	[[ "$output" == *'the task title is empty (--title TEXT)'* ]]
}

@test "pause \"end of day\": a reason in the place of the ID is a usage error that names --reason" {
	id=$("$RURU" new G)
	for c in pause complete fail; do
		run "$RURU" $c "end of day"
		[ "$status" -eq 2 ]
		[[ "$output" == *'"end of day" is not a session ID; give the reason with --reason TEXT'* ]]
	done
	run "$RURU" --json show "$id"
	[ "$(jq -r .status <<<"$output")" = active ]
	"$RURU" pause --reason "end of day" "$id"
	[ "$(jq -r .status <<<"$("$RURU" --json show "$id")")" = paused ]
}

# ------------------------------------- a two-day coordinator, from --help

@test "a two-day coordinator scenario, driven as --help describes it" {
	git init -q .
	export RURU_NOW=2026-11-27T09:00:00Z
	id=$("$RURU" new "Move login to JWT" --description "Replace cookies with JWT." --tag auth)
	"$RURU" log --type prompt --source user "please move our login to JWT"
	"$RURU" log "Use RS256 with key rotation" --type decision --adr docs/adr/0007-jwt.md
	task=$("$RURU" log --type delegation --mode dev-backend --new-task --title "Issue JWTs" \
		"Implement token issuing")
	[[ "$task" == TASK-DEV-BACKEND-* ]]
	export RURU_NOW=2026-11-27T11:30:00Z
	"$RURU" log --type result --task "$task" --mode dev-backend --outcome success "issuing done"
	printf '# Design\nRS256\n' >design.md
	[ "$("$RURU" artifact add design.md --description "JWT design")" = artifacts/design.md ]
	mkdir -p src && printf 'SESSION_COOKIE=1\n' >src/config.env && printf 'JWT_ALG=RS256\n' >new.env
	a=$("$RURU" confirm propose --target src/config.env --content new.env)
	run "$RURU" confirm show "$a"
	[[ "$output" == *'+JWT_ALG=RS256'* ]]
	run "$RURU" confirm ask "$a" </dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"ruru confirm approve $a"* ]]
	"$RURU" confirm approve "$(basename "$a" .md)" --reason "user said yes"
	[ "$("$RURU" confirm apply "artifacts/$(basename "$a")")" = src/config.env ]
	grep -qx 'JWT_ALG=RS256' src/config.env
	b=$("$RURU" confirm propose --target src/config.env --content design.md)
	"$RURU" confirm withdraw "$b" --reason "wrong file"
	"$RURU" pause --reason "end of day"
	run "$RURU" log "after hours"
	[ "$status" -eq 5 ]
	export RURU_NOW=2026-11-28T08:30:00Z
	run "$RURU" continue
	[ "$status" -eq 0 ]
	[[ "$output" == *"# Continuing session $id"* ]]
	"$RURU" log --type delegation --mode dev-backend --task "$task" "add revocation"
	"$RURU" log --type error --source ci "revocation tests fail: clock skew"
	"$RURU" log --type result --mode dev-backend --task "$task" --outcome success "revocation done"
	run "$RURU" search revocation --type error
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[[ "$("$RURU" summarize)" == artifacts/summaries/SESSUM-* ]]
	"$RURU" task status "$task" done
	"$RURU" complete --reason shipped
	run "$RURU" continue
	[ "$status" -eq 3 ]
	run "$RURU" check
	[ "$status" -eq 0 ]
	run "$RURU" --json confirm list
	[ "$(jq -r '[.confirmations[].status] | sort | join(",")' <<<"$output")" = "applied,withdrawn" ]
	run "$RURU" --json show "$id"
	[ "$(jq -r '.status, (.related_tasks | join(","))' <<<"$output")" = "$(printf 'completed\n%s' "$task")" ]
}

@test "a delegation or result names an MDTM task ID, as task link does (CLI and the same rule for MCP)" {
	"$RURU" new G >/dev/null
	run "$RURU" log --type delegation --mode dev --task "not a task" "go"
	[ "$status" -eq 2 ]
	[[ "$output" == *'"not a task" is not an MDTM task ID'*'(--task TASK-ID)'* ]]
	run "$RURU" log --type result --task T-1 --outcome success "done"
	[ "$status" -eq 2 ]
	! grep -q 'not a task\|T-1' .ruru/sessions/*/session_log.md
	"$RURU" log --type note --task "free words" "a note may name anything"
	"$RURU" log --type delegation --mode dev --task TASK-DEV-20261124-031500 "go"
	grep -q 'related_tasks = \["TASK-DEV-20261124-031500"\]' .ruru/sessions/*/session_log.md
}
