#!/bin/sh
# toml-test.sh — the official toml-test cases (TOML 1.0.0) against
# `ruru toml decode`, one TAP line per case (see compare.py).
set -eu
cd "$(dirname "$0")/../.."
RURU=${RURU:-$PWD/${BUILD:-build}/ruru}
dir=${TOML_TEST_DIR:-../shared/toml-test}
[ -f "$dir/files-toml-1.0.0" ] || { echo "not ok 1 - toml-test not found in $dir (set TOML_TEST_DIR)"; exit 1; }
exec python3 tests/toml/compare.py "$RURU" "$dir"
