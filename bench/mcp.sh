#!/bin/sh
# mcp.sh — token thrift of `ruru mcp`: the byte size of the tools/list
# result (sent to the model with every request; target: under 11 KB for the
# 24 tools of DESIGN §11, every argument described), of
# the initialize result and of prompts/list.  Figures only.
set -eu
summary='
import json, sys
names = {1: "initialize", 2: "tools/list", 3: "prompts/list"}
for line in sys.stdin:
    m = json.loads(line)
    # the result as the server sends it: compact JSON, UTF-8
    size = len(json.dumps(m["result"], separators=(",", ":"), ensure_ascii=False).encode())
    extra = ""
    if m["id"] == 2:
        verdict = "ok" if size < 11264 else "OVER"
        n = len(m["result"]["tools"])
        extra = "  (%d tools, %d bytes a tool; target < 11264: %s)" % (n, size // n, verdict)
    print("   %-13s result: %6d bytes%s" % (names[m["id"]], size, extra))
'
BUILD=${BUILD:-build}
RURU="$PWD/$BUILD/ruru"
ws=$(mktemp -d "${TMPDIR:-/tmp}/ruru-bench-mcp.XXXXXX")
trap 'rm -rf "$ws"' EXIT
printf '%s\n' \
	'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
	'{"jsonrpc":"2.0","id":2,"method":"tools/list"}' \
	'{"jsonrpc":"2.0","id":3,"method":"prompts/list"}' |
	(cd "$ws" && "$RURU" mcp 2>/dev/null) | python3 -c "$summary"
