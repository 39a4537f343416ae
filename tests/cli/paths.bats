#!/usr/bin/env bats
# paths.bats — reserved folder names in any
# letter case, failed commands that leave nothing behind, transient files
# git-ignored, and `toml set` on symlinks and hard links.

load helpers
setup() { setup_workspace; }
teardown() { teardown_workspace; }

@test ".git and .ruru/sessions are reserved in any letter case and with trailing dots or spaces" {
	"$RURU" new "Reserved" >/dev/null
	mkdir -p .GIT .Git. ".git " .RURU/SESSIONS docs
	for t in .GIT/config .Git./config ".git /config" "docs/.gIt/hooks/pre-commit" \
		.RURU/SESSIONS/x.md ".ruru./sessions/y.md" ".Ruru/Sessions /z.md" .RURU; do
		run "$RURU" confirm propose --target "$t" --content - <<<"x"
		[ "$status" -eq 6 ] || { echo "$t: status $status: $output"; return 1; }
	done
	# names that only look alike are ordinary
	for t in docs/.github/x.yml docs/.gitx docs/git/x .rurux/y; do
		run "$RURU" confirm propose --target "$t" --content - <<<"x"
		[ "$status" -eq 0 ] || { echo "$t: status $status: $output"; return 1; }
	done
}

@test "a failed artifact add with a 2,000-level name removes every folder it made" {
	"$RURU" new "Deep" >/dev/null
	adir=$(dirname "$(log_of)")/artifacts
	before=$(find .ruru -type d | wc -l)
	# the last name is longer than NAME_MAX: the write fails after the folders
	name=$(python3 -c 'print("d/" * 2000 + "x" * 300)')
	run "$RURU" artifact add --name "$name" - <<<"data"
	[ "$status" -ne 0 ]
	[ "$(find .ruru -type d | wc -l)" -eq "$before" ] || { echo "left: $(find "$adir" -maxdepth 3)"; return 1; }
	[ ! -e "$adir/d" ]
	# a 4,005-byte path git could not check out is refused before any folder
	name=$(python3 -c 'print("e/" * 2000 + "f.txt")')
	run "$RURU" artifact add --name "$name" - <<<"data"
	[ "$status" -eq 6 ]
	[ ! -e "$adir/e" ]
	# an injected failure of the write, with a deep name within the bounds
	name=$(python3 -c 'print("e/" * 400 + "f.txt")')
	run env RURU_FAULT=write "$RURU" artifact add --name "$name" - <<<"data"
	[ "$status" -ne 0 ]
	[ ! -e "$adir/e" ]
	# and the same name succeeds when nothing fails
	run "$RURU" artifact add --name "$name" - <<<"data"
	[ "$status" -eq 0 ]
	[ "$(find "$adir/e" -type f | wc -l)" -eq 1 ]
	"$RURU" check
}

@test "locks, caches and temp files are git-ignored; an older .ruru/.gitignore is completed" {
	git init -q .
	"$RURU" new "Ignored" >/dev/null
	s=$(dirname "$(log_of)")
	for f in "$s/.lock" "$s/.state" "$s/.state.tmp" "$s/.session_log.md.ruru-Ab3dE9" \
		"$s/.session_log.md.AbC123" "$s/artifacts/.notes.md.ruru-zz99QQ" \
		".ruru/temp/.lock" ".ruru/temp/.CONFIRM-x.md.ruru-x1y2z3" .ruru/sessions/.active; do
		touch "$f"
		git check-ignore -q "$f" || { echo "not ignored: $f"; return 1; }
	done
	# what ruru keeps is not ignored
	for f in "$s/session_log.md" "$s/artifacts/notes.md" .ruru/temp/decisions.log; do
		touch "$f"
		! git check-ignore -q "$f" || { echo "ignored: $f"; return 1; }
	done
	# a workspace made by an older ruru: its .gitignore gains the missing lines
	printf '# mine\nsessions/*/.lock\nsessions/*/.state\nsessions/.active\ntemp/.lock\nlocal/\n' > .ruru/.gitignore
	"$RURU" new "Again" >/dev/null
	grep -qx '# mine' .ruru/.gitignore
	grep -qx 'local/' .ruru/.gitignore
	[ "$(grep -cx 'sessions/\*/.lock' .ruru/.gitignore)" -eq 1 ]
	git check-ignore -q "$s/.session_log.md.ruru-Ab3dE9"
	git check-ignore -q "$s/.state.tmp"
	h=$(sum .ruru/.gitignore)
	"$RURU" init 2>/dev/null
	[ "$(sum .ruru/.gitignore)" = "$h" ]
}

@test "a rewrite killed with SIGKILL leaves only git-ignored temp files" {
	git init -q .
	"$RURU" new "Killed" >/dev/null
	f=$(log_of)
	python3 - "$f" <<'PY'
import sys
with open(sys.argv[1], "a") as f:
    for i in range(40000):
        f.write(f"- [2026-11-24 03:15:20Z] **note**: filler line {i} " + "x" * 80 + "\n")
PY
	git add -A && git -c user.name=t -c user.email=t@t commit -qm base
	for i in $(seq 30); do
		"$RURU" log --type delegation --task "TASK-$i" "rewrite $i" & p=$!
		sleep "0.0$((RANDOM % 9))"
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	# whatever the kills left behind, git does not see it
	run git status --porcelain --untracked-files=all
	! echo "$output" | grep '^??' || { echo "$output"; return 1; }
	"$RURU" check
}

@test "toml set on a symlink or a hard link is refused (exit 6), nothing changed" {
	printf 'a = 1\nc = []\n' > real.toml
	ln -s real.toml link.toml
	run "$RURU" toml set link.toml a 2
	[ "$status" -eq 6 ]
	[[ "$output" == *'"link.toml": is a symbolic link to "real.toml"'* ]]
	[ -L link.toml ] && [ "$(head -n 1 real.toml)" = "a = 1" ]
	# the target itself is edited as usual
	"$RURU" toml set real.toml a 2
	[ "$(head -n 1 real.toml)" = "a = 2" ] && [ -L link.toml ]
	ln real.toml hard.toml
	for cmd in "set hard.toml a 3" "unset hard.toml a" "append hard.toml c 1"; do
		run "$RURU" toml $cmd
		[ "$status" -eq 6 ] || { echo "$cmd: $status $output"; return 1; }
		[[ "$output" == *"has 2 hard links"* ]]
	done
	[ "$(stat -c %h real.toml)" -eq 2 ] && [ "$(stat -c %i real.toml)" = "$(stat -c %i hard.toml)" ]
	[ "$(cat real.toml)" = "$(printf 'a = 2\nc = []')" ]
	# a session log that is a symlink or hard link: the same
	"$RURU" new "Links" >/dev/null
	log=$(log_of)
	ln "$log" ../outside-log.$$
	run "$RURU" toml set "$log" title '"x"'
	[ "$status" -eq 6 ]
	rm -f ../outside-log.$$
}
