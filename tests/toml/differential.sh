#!/bin/sh
# differential.sh — ruru's TOML parser against Python's tomllib on 300
# generated documents (tests/toml/differential.py): runs everywhere, with or
# without the official toml-test cases.
set -eu
cd "$(dirname "$0")/../.."
RURU=${RURU:-$PWD/${BUILD:-build}/ruru}
exec python3 tests/toml/differential.py "$RURU" 150 20261124
