#!/usr/bin/env python3
"""agents.py — what a coordinator model meets in `ruru mcp` (raw JSON-RPC):
toolsets and the size of tools/list per toolset, required arguments,
repeats of idempotent tools answered with success and the state, the
session forms ruru prints, the id of an oversized request, the
session_log.artifact description, roots/list when started outside any
workspace, and a one-line stderr banner.  Prints TAP.

    RURU=build/ruru python3 tests/mcp/agents.py
"""
import json
import os
import subprocess

from tap import RURU, ok, run

INIT = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}


def env(**extra):
    e = {k: v for k, v in os.environ.items()
         if k not in ("ROOCOM_SESSION_ID", "RURU_ROOT", "RURU_FAULT", "RURU_MCP_TOOLSETS")}
    e.update(extra)
    return e


def session(ws, msgs, args=(), **extra):
    """One server, the messages in, every reply out (and stderr)."""
    data = "".join(json.dumps(m) + "\n" for m in [INIT, *msgs])
    p = subprocess.run([RURU, "mcp", *args], cwd=ws, env=env(**extra), input=data,
                       capture_output=True, text=True, timeout=60)
    return [json.loads(x) for x in p.stdout.splitlines()][1:], p.stderr, p.returncode


def calls(ws, cs, args=("--toolsets", "all")):
    msgs = [{"jsonrpc": "2.0", "id": i + 1, "method": "tools/call", "params": {"name": n, "arguments": a}}
            for i, (n, a) in enumerate(cs)]
    out, _, _ = session(ws, msgs, args)
    return [r.get("result", r) for r in out]


def text(r):
    return "".join(c.get("text", "") for c in r.get("content", []))


def size(v):
    return len(json.dumps(v, separators=(",", ":"), ensure_ascii=False).encode())


def tools_list(ws, args=(), **extra):
    out, _, rc = session(ws, [{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}], args, **extra)
    return out[0]["result"] if out and "result" in out[0] else None, rc


def toolsets(ws):
    sizes, names = {}, {}
    for ts in ("core", "tasks", "review", "admin", "all"):
        r, _ = tools_list(ws, ("--toolsets", ts))
        sizes[ts], names[ts] = size(r), {t["name"] for t in r["tools"]}
        print(f"# tools/list --toolsets {ts}: {sizes[ts]} bytes, {len(names[ts])} tools")
    default, _ = tools_list(ws)
    ok(default and {t["name"] for t in default["tools"]} == names["core"], "the default toolset is core")
    ok(sizes["core"] < 6000, f"core tools/list is under 6,000 bytes ({sizes['core']})")
    want = {"session_new", "session_log", "session_set_status", "session_search", "artifact_add",
            "confirm_propose", "confirm_show", "confirm_decide", "confirm_apply"}
    ok(want <= names["core"], "core holds start, log, status, search, artifact, propose, show, decide, apply",
       want - names["core"])
    ok("session_continue" in names["core"] or "session_digest" in names["core"], "core holds a digest")
    ok(names["tasks"] | names["review"] | names["admin"] | names["core"] == names["all"],
       "every tool is in a toolset; all is their union")
    ok(len(names["all"]) >= 25, f"all offers every tool ({len(names['all'])})")
    r, _ = tools_list(ws, RURU_MCP_TOOLSETS="tasks")
    ok(r and {t["name"] for t in r["tools"]} == names["tasks"], "RURU_MCP_TOOLSETS chooses the toolsets")
    r, _ = tools_list(ws, ("--toolsets", "core,tasks"))
    ok(r and {t["name"] for t in r["tools"]} == names["core"] | names["tasks"], "--toolsets core,tasks adds up")
    _, rc = tools_list(ws, ("--toolsets", "nope"))
    ok(rc == 2, "an unknown toolset is a usage error (exit 2)")
    r = calls(ws, [("task_new", {"type": "feature", "title": "x"})], ())
    ok(r[0].get("error", {}).get("code") == -32602 and "tasks" in r[0]["error"].get("message", ""),
       "a tool outside the toolsets is refused, naming its toolset", r)


def required(ws):
    r, _ = tools_list(ws)
    new = next(t for t in r["tools"] if t["name"] == "session_new")
    ok(new["inputSchema"].get("required") == ["goal"], "session_new requires goal in its schema", new["inputSchema"])
    r = calls(ws, [("session_new", {})])
    ok(r[0].get("isError") and "goal" in text(r[0]), "session_new without a goal is refused", r)
    ok(not os.listdir(os.path.join(ws, ".ruru", "sessions")) or
       all(not d.startswith("SESSION-2") for d in os.listdir(os.path.join(ws, ".ruru", "sessions"))),
       "  and no session was started")


def artifact_description(ws):
    r, _ = tools_list(ws)
    log = next(t for t in r["tools"] if t["name"] == "session_log")
    d = log["inputSchema"]["properties"]["artifact"]["description"]
    ok("from the root" not in d and "session folder" in d and "artifacts/" in d,
       "session_log.artifact says what is accepted: a file in the session folder", d)


def repeats(ws):
    with open(os.path.join(ws, "f.txt"), "w") as f:
        f.write("old\n")
    r = calls(ws, [("session_new", {"goal": "repeats"}),
                   ("confirm_propose", {"target": "f.txt", "content": "new\n"})])
    sid = r[0]["structuredContent"]["id"]
    art = r[1]["structuredContent"]["artifact"]
    r = calls(ws, [("confirm_decide", {"artifact": art, "decision": "approve"}),
                   ("confirm_decide", {"artifact": art, "decision": "approve"}),
                   ("confirm_decide", {"artifact": art, "decision": "reject", "reason": "no"}),
                   ("confirm_apply", {"artifact": art}),
                   ("confirm_apply", {"artifact": art}),
                   ("session_set_status", {"session": sid, "status": "completed"}),
                   ("session_set_status", {"session": sid, "status": "completed"})])
    ok(not r[1].get("isError") and "already approved" in text(r[1])
       and r[1]["structuredContent"]["already"] is True, "a repeated approve is success: already approved", r[1])
    ok(r[2].get("isError"), "  a different decision after it is still refused", r[2])
    ok(not r[4].get("isError") and "already applied" in text(r[4]), "a repeated apply is success: already applied", r[4])
    ok(open(os.path.join(ws, "f.txt")).read() == "new\n", "  and the target holds the change once")
    ok(not r[6].get("isError") and "already" in text(r[6]) and "completed" in text(r[6]),
       "a repeated complete is success: already completed", r[6])
    r = calls(ws, [("task_new", {"type": "feature", "title": "lease"})])
    task = r[0]["structuredContent"]["id"]
    r = calls(ws, [("task_claim", {"task": task, "by": "dev", "ttl": "2h"}),
                   ("task_claim", {"task": task, "by": "dev"}),
                   ("task_release", {"task": task, "by": "dev"}),
                   ("task_release", {"task": task, "by": "dev"})])
    first, again = (x["structuredContent"]["claimed_until"] for x in r[:2])
    ok(again >= first, "a repeated claim by the holder never shortens the lease", (first, again))
    ok(not r[3].get("isError") and r[3]["structuredContent"]["status"] == r[2]["structuredContent"]["status"]
       and r[3]["structuredContent"].get("claimed_until") is None, "releasing a free task is success with its state", r[3])


def session_forms(ws):
    r = calls(ws, [("session_new", {"goal": "Forms"})])
    sid = r[0]["structuredContent"]["id"]
    forms = [f".ruru/sessions/{sid}", f"./.ruru/sessions/{sid}/", f".ruru/sessions/{sid}/session_log.md",
             sid.lower()[:14], sid.upper()]
    r = calls(ws, [("session_show", {"session": f}) for f in forms])
    for f, x in zip(forms, r):
        ok(not x.get("isError") and x["structuredContent"]["id"] == sid, f"session \"{f}\" names {sid}", x)
    r = calls(ws, [("session_set_status", {"session": sid, "status": "completed"}),
                   ("session_continue", {"session": sid})])
    ok(r[1].get("isError") and "reopen" in text(r[1]), "session_continue of a completed session names reopen", r[1])


def oversized(ws):
    for id_, line in ((7, b'{"jsonrpc":"2.0","id":7,"method":"ping","params":{"x":"' + b"a" * (9 << 20) + b'"}}'),
                      ("late", b'{"jsonrpc":"2.0","method":"ping","params":{"x":"' + b"\\\"}" * (5 << 20)
                       + b'"},"id":"late"}')):
        p = subprocess.run([RURU, "mcp"], cwd=ws, env=env(), input=line + b"\n", capture_output=True, timeout=60)
        r = json.loads(p.stdout.splitlines()[0])
        ok(r.get("id") == id_ and r["error"]["code"] == -32600,
           f"a request over the size limit is answered with its own id ({id_!r})", r)


def roots(tmp):
    outside = os.path.join(tmp, "nowhere")
    proj = os.path.join(tmp, "proj dir")
    os.makedirs(outside)
    os.makedirs(proj)
    subprocess.run([RURU, "init"], cwd=proj, env=env(), check=True, capture_output=True)
    init = dict(INIT, params=dict(INIT["params"], capabilities={"roots": {"listChanged": True}}))
    data = "\n".join(json.dumps(m) for m in [
        init, {"jsonrpc": "2.0", "method": "notifications/initialized"}]) + "\n"
    p = subprocess.Popen([RURU, "mcp"], cwd=outside, env=env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    p.stdin.write(data)
    p.stdin.flush()
    p.stdout.readline()  # initialize
    ask = json.loads(p.stdout.readline())
    ok(ask.get("method") == "roots/list" and "id" in ask, "started outside any workspace, it asks for roots", ask)
    uri = "file://" + proj.replace(" ", "%20")
    p.stdin.write(json.dumps({"jsonrpc": "2.0", "id": ask.get("id"), "result": {"roots": [{"uri": uri}]}}) + "\n")
    p.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                              "params": {"name": "session_new", "arguments": {"goal": "rooted"}}}) + "\n")
    p.stdin.flush()
    r = json.loads(p.stdout.readline())
    _, err = p.communicate(timeout=30)
    ok(not r["result"].get("isError") and any(d.startswith("SESSION-rooted")
       for d in os.listdir(os.path.join(proj, ".ruru", "sessions"))), "  and works in the first root", r)
    ok(not os.path.exists(os.path.join(outside, ".ruru")), "  nothing is written where it was started")
    # Inside a workspace it asks nothing.
    p = subprocess.run([RURU, "mcp"], cwd=proj, env=env(), input=data, capture_output=True, text=True, timeout=60)
    ok(len(p.stdout.splitlines()) == 1, "inside a workspace it does not ask for roots", p.stdout)
    lines = p.stderr.splitlines()
    ok(len(lines) == 1 and not any(w in lines[0].lower() for w in ("error", "warn", "fail")),
       "the stderr banner is one line a host does not take for an error", p.stderr)


def main(tmp):
    ws = os.path.join(tmp, "ws")
    os.makedirs(ws)
    subprocess.run([RURU, "init"], cwd=ws, env=env(), check=True, capture_output=True)
    toolsets(ws)
    required(ws)
    artifact_description(ws)
    repeats(ws)
    session_forms(ws)
    oversized(ws)
    roots(tmp)


run("ruru-mcp-agents-", main)
