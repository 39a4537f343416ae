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
