#!/bin/sh
# npm_ci.sh DIR PACKAGE WHAT — make DIR/node_modules hold PACKAGE at the
# version DIR/package.json pins, installing with `npm ci` (the lock file)
# the first time or when the pin moved; node_modules is git-ignored.  When
# node/npm are missing or the install fails, prints a TAP "not ok" line
# (WHAT names the test that needs it) and exits 1: never a skip.
set -u
dir=$1
pkg=$2
what=$3
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "not ok - node and npm are needed for $what (Debian: nodejs npm)"
	exit 1
fi
want=$(sed -n "s|.*\"$pkg\": *\"\([^\"]*\)\".*|\1|p" "$dir/package.json")
have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
	"$dir/node_modules/$pkg/package.json" 2>/dev/null | head -n 1)
if [ "$have" != "$want" ]; then
	if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$dir/npm.log" 2>&1; then
		echo "not ok - npm ci of $pkg@$want failed (no network?); see tests/$(basename "$dir")/npm.log"
		sed 's/^/# /' "$dir/npm.log" | tail -n 20
		exit 1
	fi
	rm -f "$dir/npm.log"
fi
