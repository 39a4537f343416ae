#!/bin/sh
# toml-test.sh — the official toml-test cases (TOML 1.0.0) against
# `ruru toml decode`, one TAP line per case (see compare.py).
set -eu
cd "$(dirname "$0")/../.."
RURU=${RURU:-$PWD/${BUILD:-build}/ruru}
dir=${TOML_TEST_DIR:-../shared/toml-test}
# The cases live outside the repository: without them, one line says so
# (differential.sh holds the parser to tomllib meanwhile).
[ -f "$dir/files-toml-1.0.0" ] || { echo "1..0 # skip the official toml-test cases are not in $dir (set TOML_TEST_DIR)"; exit 0; }
exec python3 tests/toml/compare.py "$RURU" "$dir"
