#!/bin/sh
# run.sh — the MCP suite, TAP on stdout:
#   1. protocol.py: raw JSON-RPC lines against `ruru mcp` (python3);
#      v7.py: the V7 tools; scenario.py: a model driving the tools through
#      two working days, then every tool's refusals (raw JSON-RPC too);
#   2. client.mjs: the official MCP TypeScript SDK client (pinned in
#      package.json / package-lock.json) drives a whole session.  The SDK
#      is installed by `npm ci` into tests/mcp/node_modules/ (git-ignored)
#      the first time; a missing node/npm or a failed install is reported
#      as "not ok", never skipped.
# RURU names the binary under test (default build/ruru).
set -u
here=$(cd "$(dirname "$0")" && pwd)
RURU=${RURU:-$here/../../build/ruru}
export RURU
rc=0
python3 "$here/protocol.py" || rc=1
python3 "$here/v7.py" || rc=1 # V7 tools
python3 "$here/scenario.py" || rc=1 # a model driving the tools for two days
python3 "$here/adr.py" || rc=1 # session_log adr paths
python3 "$here/agents.py" || rc=1 # toolsets, repeats, session forms, oversized ids, roots

sh "$here/../npm_ci.sh" "$here" @modelcontextprotocol/sdk "the SDK client test" || exit 1
node "$here/client.mjs" || rc=1
# what a model driving the tools trips over
node "$here/agent.mjs" || rc=1
exit $rc
