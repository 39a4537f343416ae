#!/usr/bin/env python3
"""search_watch.py RURU WORKSPACE [exhausted|text-exhausted] — a running `ruru
mcp` keeps its index fresh from inotify reports: what another process logs is
found by the next search over MCP, and a search with nothing changed reads no
session log's stat (when strace(1) is there to count them).  With `exhausted`,
the kernel's watches run out at the server's fourth one, its session folder
(RURU_FAULT=watch:4): the answers must stay as fresh, from the stat sweep,
which then runs on every search.  With `text-exhausted` they run out at its
seventh, the first below a session folder (the session's artifacts folder,
watched after the session folders and the temp and tasks folders): searches
sweep, but session_list still answers from the watch, without a stat."""
import json, os, shutil, subprocess, sys, tempfile

ruru, ws = sys.argv[1], sys.argv[2]
exhausted = sys.argv[3:] == ["exhausted"]
text_exhausted = sys.argv[3:] == ["text-exhausted"]
trace = os.path.join(tempfile.mkdtemp(), "trace")
cmd = [ruru, "mcp", "--toolsets", "all"]
if shutil.which("strace"):
    cmd = ["strace", "-f", "-qq", "-e", "trace=newfstatat,fstatat64,statx,stat,lstat", "-o", trace] + cmd
env = dict(os.environ)
env.pop("RURU_FAULT", None)
senv = dict(env, RURU_FAULT="watch:4") if exhausted else env
if text_exhausted:
    senv = dict(env, RURU_FAULT="watch:7")
srv = subprocess.Popen(cmd, cwd=ws, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=senv)
n = 0

def call(method, params=None):
    global n
    n += 1
    srv.stdin.write(json.dumps({"jsonrpc": "2.0", "id": n, "method": method, "params": params or {}}) + "\n")
    srv.stdin.flush()
    while True:
        r = json.loads(srv.stdout.readline())
        if r.get("id") == n:
            return r

def tool(name, args):
    r = call("tools/call", {"name": name, "arguments": args})
    assert "result" in r and not r["result"].get("isError"), r
    return r["result"]["structuredContent"]

def log_stats():
    if not os.path.exists(trace):
        return None
    with open(trace) as f:
        return sum("session_log.md" in line for line in f)

def fail(msg):
    print("not ok - " + msg)
    srv.kill()
    sys.exit(1)

call("initialize", {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}})
srv.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
srv.stdin.flush()

hits = lambda q: tool("session_search", {"query": q})["hits"]
if hits("ocelot"):
    fail("nothing logged yet")
first = len(tool("session_list", {})["sessions"])
before = log_stats()
for _ in range(3):  # warm: nothing changed, nothing swept
    if hits("ocelot") or len(tool("session_list", {})["sessions"]) != first:
        fail("warm answers changed")
after = log_stats()
if before is not None and not exhausted and not text_exhausted and after != before:
    fail(f"a warm search looked at the logs ({before} -> {after} stats)")
if before is not None and (exhausted or text_exhausted) and after == before:
    fail("out of watches, a search did not look at the logs")
if text_exhausted:
    before = log_stats()
    for _ in range(3):
        if len(tool("session_list", {})["sessions"]) != first:
            fail("warm listings changed")
    after = log_stats()
    if before is not None and after != before:
        fail(f"out of watches below the session folders only, a listing looked at the logs ({before} -> {after} stats)")

def held_deleted_index():
    """Does the server (or, under strace, its child) hold an index file
    that was deleted (made again by another process)?"""
    pids = [str(srv.pid)]
    try:
        with open(f"/proc/{srv.pid}/task/{srv.pid}/children") as f:
            pids += f.read().split()
    except OSError:
        pass
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                t = os.readlink(f"/proc/{pid}/fd/{fd}")
                if "index.sqlite3" in t and t.endswith("(deleted)"):
                    return True
        except OSError:
            pass
    return False

# The connection kept between calls follows an index made again by another
# process (`reindex`), though the workspace did not change.
subprocess.run([ruru, "reindex"], cwd=ws, check=True, env=env, stdout=subprocess.DEVNULL)
if hits("ocelot") or len(tool("session_list", {})["sessions"]) != first:
    fail("answers changed after another process's reindex")
if held_deleted_index():
    fail("the server still reads the index file another process's reindex replaced")

subprocess.run([ruru, "log", "an ocelot was seen"], cwd=ws, check=True, env=env)
h = hits("ocelot")
if len(h) != 1 or h[0]["kind"] != "entry":
    fail(f"the entry logged by another process is not found: {h}")
subprocess.run([ruru, "new", "Second session"], cwd=ws, check=True, env=env, stdout=subprocess.DEVNULL)
subprocess.run([ruru, "log", "a second ocelot"], cwd=ws, check=True, env=env)
if len(tool("session_list", {})["sessions"]) != first + 1:
    fail("a session made by another process is not listed")
if len(hits("ocelot")) != 2:
    fail("the second session's entry is not found")
os.makedirs(os.path.join(ws, "notes"), exist_ok=True)
with open(os.path.join(ws, "notes", "n.txt"), "w") as f:
    f.write("an artifact about a margay\n")
subprocess.run([ruru, "artifact", "add", "notes/n.txt"], cwd=ws, check=True, env=env, stdout=subprocess.DEVNULL)
if [x["kind"] for x in hits("margay")] != ["artifact"]:
    fail("an artifact added by another process is not found")
srv.stdin.close()
srv.wait()
print("ok - a running ruru mcp sees what other processes write, "
      + ("from the sweep when out of watches" if exhausted
         else "listing from the watch when out of watches for the text" if text_exhausted
         else "without sweeping when nothing changed"))
