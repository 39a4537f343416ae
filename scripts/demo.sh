#!/bin/sh
# demo.sh — run ruru through a session workflow in a throwaway workspace and
# show the files it leaves behind.  `make demo` runs it after building.
set -eu
BUILD=${BUILD:-build}
RURU=${RURU:-$BUILD/ruru}   # the binary to show (tests/cli/demo.bats passes its own)
case $RURU in /*) ;; *) RURU="$PWD/$RURU" ;; esac
base=$(mktemp -d "${TMPDIR:-/tmp}/ruru-demo.XXXXXX")
trap 'rm -rf "$base"' EXIT
trap 'exit 130' HUP INT TERM   # so that the EXIT trap cleans up
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
# The command as one would type it: words with spaces or specials in quotes.
quoted() {
	for w; do
		case $w in
		*[\"\$\`]*) printf " '%s'" "$w" ;;
		'' | *[!A-Za-z0-9_./:=@,+%-]*) printf ' "%s"' "$w" ;;
		*) printf ' %s' "$w" ;;
		esac
	done
}
run() { step "ruru$(quoted "$@")"; "$RURU" "$@"; }
# Nothing here reads or writes the user's own settings: a HOME and
# XDG_CONFIG_HOME of the demo's own (ruru's user config, the ssh key the
# signed approval makes), no system git config, no ssh-agent, and a git
# identity given to the demo's repository alone.
mkdir "$base/home" "$base/config" "$base/work" "$base/app"
export HOME="$base/home" XDG_CONFIG_HOME="$base/config" GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL="$base/home/.gitconfig"
unset SSH_AUTH_SOCK GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE RURU_ROOT ROOCOM_SESSION_ID RURU_FAULT RURU_LOCK_TIMEOUT_MS
app="$base/app" ws="$base/work"
cd "$ws"
echo "ruru demo in a throwaway workspace: $ws"
run --version
export RURU_NOW=2026-11-24T03:15:20Z   # a fixed clock, so the demo reads the same every time

# A coordinator's session, end to end.
run init
step 'ruru new "Refactor auth" --coordinator roo-commander --tag auth --description "Move login to JWT."'
id=$("$RURU" new "Refactor auth" --coordinator roo-commander --tag auth --description "Move login to JWT.")
echo "$id"
run log --type prompt "User: please move login to JWT"
run log --type decision --adr docs/adr/007-jwt.md "Use short-lived JWTs with refresh tokens"
run log --type delegation --mode dev-python --task TASK-DEV-PY-20261124-031602 "Implement the token endpoint"
mkdir -p .ruru/tasks/DEV_PY
cat > .ruru/tasks/DEV_PY/TASK-DEV-PY-20261124-031602.md <<'TASK'
+++
id = "TASK-DEV-PY-20261124-031602"
title = "Implement the token endpoint"
status = "🔵 In Progress"
type = "🌟 Feature"
assigned_to = "dev-python"
+++
# Implement the token endpoint
TASK
printf '# Research\n\nRFC 7519 claims we need: iss, sub, exp.\n' > research.md
run artifact add --name research/jwt.md research.md
printf 'Multi-line result:\n- endpoint done\n- tests green\n' | {
	step "printf 'Multi-line result:...' | ruru log --type result --mode dev-python --task TASK-DEV-PY-20261124-031602 --outcome success -"
	"$RURU" log --type result --mode dev-python --task TASK-DEV-PY-20261124-031602 --outcome success -
}
RURU_NOW=2026-11-24T04:00:00Z run pause --reason "waiting for review"
run list
RURU_NOW=2026-11-24T09:30:00Z run continue "$id" --max-chars 1500
run show --entries 3
run --json show --entries 1
step "cat .ruru/sessions/$id/session_log.md"
cat ".ruru/sessions/$id/session_log.md"
run check
step "ruru log --type nonsense x   # a usage error: exit 2, file untouched"
"$RURU" log --type nonsense x || echo "(exit $?)"

# Agent hosts: wire ruru into Claude Code, then what its hooks print.
step "ruru init --host claude   # MCP entry, CLAUDE.md block, hooks, slash commands"
"$RURU" init --host claude 2>&1
step "find CLAUDE.md .mcp.json .claude -type f"
find CLAUDE.md .mcp.json .claude -type f | sort
step "cat .mcp.json"
cat .mcp.json
step "sed -n '/ruru:begin/,/ruru:end/p' CLAUDE.md | head -12   # the instructions block"
sed -n '/ruru:begin/,/ruru:end/p' CLAUDE.md | head -12
run prime   # what SessionStart and PreCompact give the model: at most 2,000 bytes

# Search: every session, entry and artifact, from a derived index.
run search refresh
run search '"token endpoint"' --type delegation

# The confirmation workflow (standard §7): nothing applied that was not approved.
export RURU_NOW=2026-11-24T09:45:00Z
step "the confirmation workflow: propose, approve, delegate, apply"
mkdir -p src
printf 'int answer(void)\n{\n\treturn 41;\n}\n' > src/answer.c
printf 'int answer(void)\n{\n\treturn 42;\n}\n' > answer.new
step "cat src/answer.c   # before"
cat src/answer.c
step "ruru confirm propose --target src/answer.c --content answer.new"
art=$("$RURU" confirm propose --target src/answer.c --content answer.new)
echo "$art"
run confirm show "$art"
run confirm approve --reason "the answer is 42" "$art"
run confirm delegate --to dev-c --task TASK-DEMO-1 "$art"
run confirm apply "$art"
step "cat src/answer.c   # after"
cat src/answer.c
run confirm list
run show --entries 6

# Approvals no agent can forge: the user signs the decision with an
# SSH key, ruru verifies it, applies and commits exactly the target in git, and
# exports what it applied as Agent Trace records.  In a throwaway git repository,
# with a throwaway key in the demo's own HOME.
step "signed approvals, in a throwaway git repository with a throwaway ssh key"
mkdir -m 700 "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -C demo -f "$HOME/.ssh/id_ed25519"
echo "ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519   # (the demo's own HOME: $HOME)"
cd "$app"
git init -q
git config user.name "Demo User"
git config user.email demo@example.org
git config user.signingkey "$HOME/.ssh/id_ed25519"
printf 'int answer(void)\n{\n\treturn 41;\n}\n' > answer.c
git add answer.c
GIT_AUTHOR_DATE=$RURU_NOW GIT_COMMITTER_DATE=$RURU_NOW git commit -q -m "answer"
echo "git init; git config user.email/user.signingkey; git commit answer.c   # in $app"
step "ruru init --signing   # key and identity from git's user.signingkey and user.email"
"$RURU" init --signing
step "cat \$XDG_CONFIG_HOME/ruru/allowed_signers   # the user's trust anchor, outside every workspace"
cat "$XDG_CONFIG_HOME/ruru/allowed_signers"
"$RURU" new "Fix the answer" >/dev/null
printf 'int answer(void)\n{\n\treturn 42;\n}\n' > ../answer.new
step "ruru confirm propose --target answer.c --content ../answer.new"
signed=$("$RURU" confirm propose --target answer.c --content ../answer.new)
echo "$signed"
run confirm approve --sign --reason "the answer is 42" "$signed"
step "ruru verify   # every proposal vs its payload, decision record and signature"
"$RURU" verify && echo "(exit 0: all sound)"
export GIT_AUTHOR_DATE=$RURU_NOW GIT_COMMITTER_DATE=$RURU_NOW
run confirm apply --commit "$signed"
step "git log -1 --stat   # exactly the target, with Ruru-* trailers"
git log -1 --format='%h %an <%ae>%n%n%B' --stat
step "ruru export --agent-trace | jq -c .files   # one Agent Trace record per applied confirmation"
"$RURU" export --agent-trace > trace.jsonl
jq -c .files trace.jsonl
echo "($(wc -l < trace.jsonl) record; vcs revision $(jq -r .vcs.revision trace.jsonl | cut -c1-12))"
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
export RURU_NOW=2026-11-24T09:50:00Z
printf 'int answer(void)\n{\n\treturn 0;\n}\n' > ../answer.bad
forged=$("$RURU" confirm propose --target answer.c --content ../answer.bad)
step "ruru confirm approve <proposal>   # an agent approves without the user's key..."
"$RURU" confirm approve "$forged"
step "ruru confirm apply <proposal>   # ...and is refused (exit 5)"
"$RURU" confirm apply "$forged" || echo "(exit $?)"
step "ruru verify   # and verify names the unsigned decision (exit 4)"
"$RURU" verify || echo "(exit $?)"
cd "$ws"


# V7: a typed note, a task spawned by a delegation, a lease, a summary.
export RURU_NOW=2026-11-24T10:00:00Z
step "V7: typed artifacts, MDTM tasks with leases, a session summary"
step 'ruru new "Add rate limiting" --scaffold'
v7=$("$RURU" new "Add rate limiting" --scaffold)
echo "$v7"
step "ls .ruru/sessions/$v7/artifacts"
ls ".ruru/sessions/$v7/artifacts"
printf 'Limit per API key, 100 requests a minute; 429 with Retry-After.\n' > plan.md
run artifact add --type note --title "Rate limit plan" --tag api plan.md
step "cat .ruru/sessions/$v7/artifacts/notes/NOTE-rate_limit_plan-2611241000.md"
cat ".ruru/sessions/$v7/artifacts/notes/NOTE-rate_limit_plan-2611241000.md"
step 'ruru log --type delegation --new-task --title "Token bucket middleware" --mode dev-api "Implement the limiter"'
task=$("$RURU" log --type delegation --new-task --title "Token bucket middleware" --mode dev-api "Implement the limiter")
echo "$task"
run task claim "$task" --by dev-api --ttl 30m
step "ruru task claim $task --by dev-other   # taken: exit 5 naming the holder"
"$RURU" task claim "$task" --by dev-other || echo "(exit $?)"
run task status "$task" review
run task release "$task" --by dev-api --status review
run task list
run log --type result --mode dev-api --task "$task" --outcome success "Limiter merged"
run log --type error --source ci "Load test times out"
run summarize
step "cat .ruru/sessions/$v7/artifacts/summaries/SESSUM-$v7-2611241000.md"
cat ".ruru/sessions/$v7/artifacts/summaries/SESSUM-$v7-2611241000.md"

# The TOML engine underneath, on a hand-written front matter: decode it, set a status,
# link a task, and show that comments and the Markdown body are untouched.
cat > session_log.md <<'LOG'
+++
# Session metadata (ruru keeps these comments)
id = "SESSION-RefactorAuth-2611240315"
title = "Refactor auth"
status = "🟢 Active"   # changes on pause/complete
start_time = 2026-11-24T03:15:20Z
end_time = ""
coordinator = "roo-commander"
related_tasks = [
    # MDTM task IDs
]
tags = ["auth"]
+++
# Session Log

## Log Entries

- [2026-11-24 03:15:20Z] **Session started** · goal "Refactor auth"
LOG
run toml decode session_log.md
run toml set session_log.md status '"🏁 Completed"'
run toml set session_log.md end_time 2026-11-24T05:00:00Z
run toml append session_log.md related_tasks '"TASK-DEV-20261124-031602"'
run toml get session_log.md status
step "cat session_log.md"
cat session_log.md
step "ruru toml set session_log.md status 'not a literal'   # refused, file unchanged"
"$RURU" toml set session_log.md status 'not a literal' || echo "(exit $?)"
