#!/bin/sh
# run.sh RURU — the browser test of `ruru serve` (issue #15), TAP on stdout.
#   browser.mjs drives Debian's /usr/bin/chromium with playwright-core,
#   pinned in package.json / package-lock.json and installed by `npm ci`
#   into tests/web/node_modules/ (git-ignored) the first time.  A missing
#   node/npm/chromium or a failed install is reported as "not ok", never
#   skipped.  Screenshots go to build/screenshots/ (for people).
set -u
here=$(cd "$(dirname "$0")" && pwd)
RURU=${1:-$here/../../build/ruru}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "not ok - node and npm are needed for the browser test (Debian: nodejs npm)"
	exit 1
fi
if [ ! -x "$CHROMIUM" ]; then
	echo "not ok - $CHROMIUM is needed for the browser test (Debian: chromium)"
	exit 1
fi
want=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' "$here/package.json")
have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
	"$here/node_modules/playwright-core/package.json" 2>/dev/null | head -n 1)
if [ "$have" != "$want" ]; then
	if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >"$here/npm.log" 2>&1; then
		echo "not ok - npm ci of playwright-core@$want failed (no network?); see tests/web/npm.log"
		sed 's/^/# /' "$here/npm.log" | tail -n 20
		exit 1
	fi
	rm -f "$here/npm.log"
fi
exec node "$here/browser.mjs" "$RURU" "$here/../../${BUILD:-build}/screenshots"
