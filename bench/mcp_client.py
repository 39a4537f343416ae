"""mcp_client.py — a running `ruru mcp` for the bench scripts: start it on a
workspace, initialize, call tools and time the calls (one copy of the
JSON-RPC exchange, shared by bench/search.sh's measurements)."""
import json
import statistics
import subprocess
import time


class Server:
    def __init__(self, ruru, ws, toolsets="all"):
        self.p = subprocess.Popen([ruru, "--root", ws, "mcp", "--toolsets", toolsets],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        self.n = 0
        self.call("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                 "clientInfo": {"name": "bench", "version": "1"}})
        self.p.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n')

    def call(self, method, params):
        self.n += 1
        self.p.stdin.write(json.dumps({"jsonrpc": "2.0", "id": self.n, "method": method,
                                       "params": params}) + "\n")
        self.p.stdin.flush()
        while True:
            r = json.loads(self.p.stdout.readline())
            if r.get("id") == self.n:
                return r

    def tool(self, name, args):
        return self.call("tools/call", {"name": name, "arguments": args})

    def median_ms(self, name, args, runs):
        """The median wall time of `runs` calls, after one that brings the index up to date."""
        self.tool(name, args)
        t = []
        for _ in range(runs):
            t0 = time.perf_counter()
            self.tool(name, args)
            t.append((time.perf_counter() - t0) * 1e3)
        return statistics.median(t)

    def close(self):
        self.p.stdin.close()
        self.p.wait()
