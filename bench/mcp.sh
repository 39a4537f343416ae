#!/bin/sh
# mcp.sh — token thrift of `ruru mcp`: the byte size of the tools/list
# result (sent to the model with every request), of the initialize result
# and of prompts/list.  Figures only, per toolset (the
# default `core` is held under 6,000 bytes by tests/mcp); the line also gives the floor, the same list with every
# description emptied (names, types, enums, required, annotations), which
# no wording can go below.  tests/mcp/client.mjs holds the budget (12 KB).
set -eu
summary='
import copy, json, sys
names = {1: "initialize", 2: "tools/list", 3: "prompts/list"}
def size(v):
    # the result as the server sends it: compact JSON, UTF-8
    return len(json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode())
for line in sys.stdin:
    m = json.loads(line)
    n = size(m["result"])
    extra = ""
    if m["id"] == 2:
        tools = m["result"]["tools"]
        bare = copy.deepcopy(m["result"])
        for t in bare["tools"]:
            t["description"] = ""
            for p in t["inputSchema"]["properties"].values():
                p["description"] = ""
        floor = size(bare)
        args = sum(len(t["inputSchema"]["properties"]) for t in tools)
        extra = "  (%d tools, %d arguments; without description text %d; target < 8192: %s)" % (
            len(tools), args, floor, "met" if n < 8192 else "NOT MET")
    print("   %-13s result: %6d bytes%s" % (names[m["id"]], n, extra))
'
BUILD=${BUILD:-build}
RURU="$PWD/$BUILD/ruru"
ws=$(mktemp -d "${TMPDIR:-/tmp}/ruru-bench-mcp.XXXXXX")
trap 'rm -rf "$ws"' EXIT
(cd "$ws" && "$RURU" init >/dev/null 2>&1)
printf '%s\n' \
	'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
	'{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	'{"jsonrpc":"2.0","id":2,"method":"tools/list"}' \
	'{"jsonrpc":"2.0","id":3,"method":"prompts/list"}' |
	(cd "$ws" && "$RURU" mcp 2>/dev/null) | python3 -c "$summary"
# tools/list per toolset (the default is core, held under 6,000 bytes)
for ts in core tasks review admin all; do
	printf '%s\n' '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' |
		(cd "$ws" && "$RURU" mcp --toolsets "$ts" 2>/dev/null) |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print("   tools/list --toolsets %-6s %6d bytes (%d tools)" % (sys.argv[1], len(json.dumps(r,separators=(",",":"),ensure_ascii=False).encode()), len(r["tools"])))' "$ts"
done
