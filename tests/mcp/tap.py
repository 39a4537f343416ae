"""tap.py — what the raw-MCP tests here share (protocol.py, v7.py, adr.py,
scenario.py): `ok` prints one numbered TAP result, `done` the plan and
exits with 1 when anything failed; `Server` is one `ruru mcp` process
(raw lines, or initialized with a fixed clock), the one every test here
drives."""
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading

RURU = os.path.abspath(os.environ.get("RURU", "build/ruru"))
TIMEOUT = float(os.environ.get("MCP_TEST_TIMEOUT", "30"))

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


def run(prefix, body):
    """body(folder) in a new temporary folder, removed afterwards; a crash
    of the harness is a failure, never a pass; then the plan (done)."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        body(tmp)
    except Exception as e:
        ok(False, f"harness raised {type(e).__name__}: {e}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    done()


def clean_env(now=None):
    """The environment a test runs ruru in: none of the variables that pick
    a root, a session or a fault; RURU_NOW when `now` is given."""
    env = {k: v for k, v in os.environ.items() if k not in ("ROOCOM_SESSION_ID", "RURU_ROOT", "RURU_FAULT")}
    if now:
        env["RURU_NOW"] = now
    return env


class Server:
    """One `ruru mcp --toolsets all` process in `ws`.  Bytes in, lines out,
    read by a thread so that a missing answer times out (MCP_TEST_TIMEOUT
    seconds) instead of hanging the suite.  Unless `raw`, it is initialized
    as a client does (`init` holds the answer).  `now` fixes the clock
    (None: the environment's)."""

    def __init__(self, ws, client="test", now="2026-11-24T03:15:20Z", raw=False):
        self.p = subprocess.Popen([RURU, "mcp", "--toolsets", "all"], cwd=ws, env=clean_env(now),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.q = queue.Queue()
        self.err = b""
        self.id = 0
        self.err_reader = threading.Thread(target=self._read_err, daemon=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.err_reader.start()
        if not raw:
            self.init = self.rpc("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                                "clientInfo": {"name": client, "version": "1"}}).get("result", {})
            self.send('{"jsonrpc":"2.0","method":"notifications/initialized"}\n')

    def _read(self):
        for line in self.p.stdout:
            self.q.put(line)
        self.q.put(None)

    def _read_err(self):
        self.err = self.p.stderr.read()

    def send(self, data):
        """A message (dict or list), a text or raw bytes, written as given."""
        if isinstance(data, (dict, list)):
            data = json.dumps(data)
        if isinstance(data, str):
            data = data.encode()
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def line(self):
        """The next line of output (bytes), or None after the timeout."""
        try:
            return self.q.get(timeout=TIMEOUT)
        except queue.Empty:
            return None

    def reply(self):
        raw = self.line()
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return {"not json": raw[:200]}

    def request(self, msg):
        """Send one JSON-RPC message, return the next reply."""
        self.send(json.dumps(msg, ensure_ascii=False) + "\n")
        return self.reply()

    def rpc(self, method, params=None):
        self.id += 1
        msg = {"jsonrpc": "2.0", "id": self.id, "method": method}
        if params is not None:
            msg["params"] = params
        return self.request(msg) or {"error": {"message": "no answer"}}

    def call(self, tool, args):
        r = self.rpc("tools/call", {"name": tool, "arguments": args})
        return r.get("result", r)

    def alive(self, tag):
        """The server still answers: a ping with a fresh id comes back next."""
        r = self.request({"jsonrpc": "2.0", "id": f"ping-{tag}", "method": "ping"})
        return r == {"jsonrpc": "2.0", "id": f"ping-{tag}", "result": {}}

    def close(self):
        """End input; the exit status and any lines still unread."""
        self.p.stdin.close()
        rest = []
        while True:
            raw = self.line()
            if raw is None:
                break
            rest.append(raw)
        rc = self.p.wait(timeout=TIMEOUT)
        self.err_reader.join(TIMEOUT)  # all of stderr is in self.err
        return rc, rest
