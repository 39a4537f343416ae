#!/bin/sh
# install.sh — bring Backlog.md (the version package.json pins, from the
# lock file beside it) into bench/backlog/node_modules/ (git-ignored), for
# the comparison figures of bench/search.sh; nothing is installed when it
# is there already.  Prints the path of its `backlog` command, or one line
# saying why there is none (and exits 1).
#
# `npm install --no-save` rather than `npm ci`: Backlog.md lists a binary
# package per platform as optional dependencies, a lock file made on one
# platform holds only its own, and `npm ci` refuses such a lock.  The lock
# still pins the versions and their integrity hashes, and is left as is.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
bin="$dir/node_modules/.bin/backlog"
want=$(sed -n 's|.*"backlog.md": *"\([^"]*\)".*|\1|p' "$dir/package.json")
have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
	"$dir/node_modules/backlog.md/package.json" 2>/dev/null | head -n 1)
if [ "$have" != "$want" ] || [ ! -x "$bin" ]; then
	if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
		echo "Backlog.md not installed: node and npm are missing (Debian: nodejs npm)"
		exit 1
	fi
	if ! (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error) \
		>"$dir/npm.log" 2>&1; then
		echo "Backlog.md $want could not be installed from npm (see bench/backlog/npm.log)"
		exit 1
	fi
	rm -f "$dir/npm.log"
fi
echo "$bin"
