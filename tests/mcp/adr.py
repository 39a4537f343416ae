#!/usr/bin/env python3
"""adr.py — session_log's `adr` over raw JSON-RPC: a
path relative to the root, stored normalised; outside the root is a tool
error (isError) and nothing is written; a missing ADR file is logged with
a warning; an entry that repeats one a host's hook captured is not
written, and the answer says so with the line it repeats.  Prints TAP.

    RURU=build/ruru python3 tests/mcp/adr.py
"""
import hashlib
import os
import subprocess

from tap import RURU, Server, clean_env, ok, run


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main(ws):
    subprocess.run([RURU, "init"], cwd=ws, check=True, stderr=subprocess.DEVNULL)
    os.makedirs(os.path.join(ws, "docs/adr"))
    with open(os.path.join(ws, "docs/adr/0001.md"), "w") as f:
        f.write("# ADR 1\n")
    s = Server(ws, "adr")
    sid = s.call("session_new", {"goal": "MCP ADR"})["structuredContent"]["id"]
    log = os.path.join(ws, ".ruru/sessions", sid, "session_log.md")

    r = s.call("session_log", {"type": "decision", "message": "use SQLite", "adr": "./docs//adr/0001.md"})
    ok(not r.get("isError") and "warning" not in r.get("structuredContent", {}),
       "session_log with an existing ADR relative to the root", r)
    ok("adr `docs/adr/0001.md`: use SQLite" in open(log, encoding="utf-8").read(),
       "the ADR is stored normalised, relative to the root")

    before = digest(log)
    for bad in ("/etc/passwd", "../outside.md", os.path.join(os.path.dirname(ws), "x.md")):
        r = s.call("session_log", {"type": "decision", "message": "d", "adr": bad})
        text = r.get("content", [{}])[0].get("text", "") if isinstance(r.get("content"), list) else ""
        ok(r.get("isError") is True and "outside" in text and "--" not in text,
           "adr %s outside the root is a tool error naming no CLI flag" % bad, r)
    ok(digest(log) == before, "nothing was written for the refused ADRs")

    r = s.call("session_log", {"type": "decision", "message": "later", "adr": "docs/adr/0009.md"})
    sc = r.get("structuredContent", {})
    ok(not r.get("isError") and "ADR" in sc.get("warning", "") and "Warning" in r["content"][0]["text"],
       "a missing ADR file is logged with a warning", r)
    ok("adr `docs/adr/0009.md`: later" in open(log, encoding="utf-8").read(), "and the entry is there")

    # The same event as one a host's hook captured: not written, and
    # the answer says so, with the line of the captured entry.
    subprocess.run([RURU, "capture", "--hook", "claude"], cwd=ws, check=True,
                   env=clean_env("2026-11-24T03:15:20Z"),
                   input=b'{"hook_event_name":"UserPromptSubmit","prompt":"ship it"}')
    text = open(log, encoding="utf-8").read()
    line = next(i + 1 for i, l in enumerate(text.split("\n")) if "claude hook" in l)
    r = s.call("session_log", {"type": "prompt", "message": "ship it"})
    sc = r.get("structuredContent", {})
    ok(not r.get("isError") and sc.get("duplicate_of") == line and "not written" in sc.get("warning", "")
       and r["content"][0]["text"].startswith("Not logged"),
       "session_log of an event a hook captured says it was not written, and which line it repeats", r)
    ok(open(log, encoding="utf-8").read() == text, "and the log is unchanged")
    s.close()

    # A server started in a subfolder (the root found above it) takes
    # paths relative to the root too, without changing directory.
    os.makedirs(os.path.join(ws, "src/sub"))
    s = Server(os.path.join(ws, "src/sub"), "adr-subfolder")
    r = s.call("session_log", {"type": "decision", "message": "from below", "adr": "docs/adr/0001.md"})
    ok(not r.get("isError") and "warning" not in r.get("structuredContent", {}),
       "from a subfolder, the ADR path is the root's", r)
    ok("adr `docs/adr/0001.md`: from below" in open(log, encoding="utf-8").read(),
       "and it is stored relative to the root")
    r = s.call("confirm_propose", {"target": "docs/adr/0001.md", "content": "# ADR 1, revised\n"})
    sc = r.get("structuredContent", {})
    ok(not r.get("isError") and sc.get("target") == "docs/adr/0001.md",
       "from a subfolder, a confirm target is the root's", r)
    s.close()


run("ruru-mcp-adr-", main)
