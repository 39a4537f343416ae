"""tap.py — what the raw-MCP tests here share (protocol.py, v7.py, adr.py,
scenario.py): `ok` prints one numbered TAP result, `done` the plan and
exits with 1 when anything failed; `Server` is one `ruru mcp` process,
initialized, with a fixed clock."""
import json
import os
import subprocess
import sys

RURU = os.path.abspath(os.environ.get("RURU", "build/ruru"))

count = 0
failed = 0


def ok(cond, name, detail=None):
    global count, failed
    count += 1
    print(f"{'ok' if cond else 'not ok'} {count} - {name}")
    if not cond:
        failed += 1
        if detail is not None:
            print("# " + repr(detail)[:2000])
    sys.stdout.flush()
    return cond


def done():
    print(f"1..{count}")
    sys.exit(1 if failed else 0)


class Server:
    def __init__(self, ws, client="test"):
        env = {k: v for k, v in os.environ.items() if k not in ("ROOCOM_SESSION_ID", "RURU_ROOT", "RURU_FAULT")}
        env["RURU_NOW"] = "2026-11-24T03:15:20Z"
        self.p = subprocess.Popen([RURU, "mcp", "--toolsets", "all"], cwd=ws, env=env, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.id = 0
        self.rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                "clientInfo": {"name": client, "version": "1"}})

    def rpc(self, method, params):
        self.id += 1
        self.p.stdin.write(json.dumps({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params}) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def call(self, tool, args):
        r = self.rpc("tools/call", {"name": tool, "arguments": args})
        return r.get("result", r)

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)
