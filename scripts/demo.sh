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
run --help

# The TOML engine on a session log's front matter: decode it, set a status,
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
# ---- confirmation workflow (standard §7) — owned by the confirm branch ----
step "the confirmation workflow: propose, approve, delegate, apply"
"$RURU" init >/dev/null
"$RURU" new "Demo confirmation" >/dev/null
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
step "the session log"
cat .ruru/sessions/*/session_log.md
# ---- end of the confirmation workflow block ----
