#!/bin/sh
# run.sh RURU — the browser test of `ruru serve` and `export --html`, TAP on stdout.
#   browser.mjs drives Debian's /usr/bin/chromium with playwright-core and
#   checks each page with axe-core, both pinned in package.json / package-lock.json and installed by `npm ci`
#   into tests/web/node_modules/ (git-ignored) the first time.  A missing
#   node/npm/chromium or a failed install is reported as "not ok", never
#   skipped.  Screenshots go to build/screenshots/ (for people).
set -u
here=$(cd "$(dirname "$0")" && pwd)
RURU=${1:-$here/../../build/ruru}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
if [ ! -x "$CHROMIUM" ]; then
	echo "not ok - $CHROMIUM is needed for the browser test (Debian: chromium)"
	exit 1
fi
sh "$here/../npm_ci.sh" "$here" playwright-core "the browser test" || exit 1
sh "$here/../npm_ci.sh" "$here" axe-core "the accessibility check (axe-core)" || exit 1
exec node "$here/browser.mjs" "$RURU" "$here/../../${BUILD:-build}/screenshots"
