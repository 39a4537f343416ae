#!/bin/sh
# demo.sh — run ruru through a session workflow in a throwaway workspace and
# show the files it leaves behind.  `make demo` runs it after building.
set -eu
BUILD=${BUILD:-build}
RURU="$PWD/$BUILD/ruru"
ws=$(mktemp -d "${TMPDIR:-/tmp}/ruru-demo.XXXXXX")
trap 'rm -rf "$ws"' EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "ruru $*"; "$RURU" "$@"; }
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


# V7 (issue #12): a typed note, a task spawned by a delegation, a lease, a summary.
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
