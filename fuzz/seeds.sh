#!/bin/sh
# seeds.sh TARGET CORPUS — copy the seed inputs of a fuzz target into its
# corpus folder (scripts/fuzz.sh calls this before every run).
#   fuzz_mcp: fuzz/seeds/mcp/*.jsonl, JSON-RPC sessions one message a line
set -eu
target=$1
corpus=$2
case $target in
fuzz_mcp) cp "$(dirname "$0")"/seeds/mcp/*.jsonl "$corpus"/ ;;
esac
