#!/usr/bin/env python3
"""scenario.py — the workflow seen from the model's side: a
two-day coordinator scenario through raw MCP, calling tools only as their
descriptions in tools/list say (new session, prompts, decisions,
delegations with tasks, results, artifacts, a confirmed edit proposed,
shown, decided, delegated and applied, a withdrawn proposal, pause,
continue the next day, search, summarize, complete).  Then every tool is
made to fail at least once, and no error text may name a CLI flag (--x)
or a CLI command (ruru x): a model can only call tools.  Prints TAP.

    RURU=build/ruru python3 tests/mcp/scenario.py
"""
import json
import os
import re
import shutil
import subprocess
import sys

import tap
from tap import ok, run

RURU = os.path.abspath(os.environ.get("RURU", "build/ruru"))
ERRORS = []  # (tool, text) of every isError result, from every server
RESULTS = []  # (tool, text, structuredContent) of every other result
CLI_WORDS = re.compile(r"--[a-z]|\bruru (init|new|log|pause|resume|complete|fail|list|show|continue|"
                       r"artifact|task|confirm|check|toml|mcp|merge-driver|search|summarize|"
                       r"verify|prime|serve|export|reindex)\b")


def env_at(now):
    env = dict(os.environ, RURU_NOW=now)
    for k in ("ROOCOM_SESSION_ID", "RURU_ROOT", "RURU_FAULT"):
        env.pop(k, None)
    return env


class Server(tap.Server):
    """One `ruru mcp` process (one working day), initialized as a client does;
    every tool failure is collected for the wording checks."""

    def __init__(self, ws, now):
        super().__init__(ws, "scenario", now=now)
        self.errors = ERRORS

    def call(self, tool, **args):
        """(ok, structuredContent, text); a JSON-RPC error is a failure here:
        tool failures and bad arguments are results with isError."""
        r = self.rpc("tools/call", {"name": tool, "arguments": args})
        if "result" not in r:
            ok(False, f"{tool} answers with a result, not a JSON-RPC error", r)
            return False, {}, ""
        res = r["result"]
        text = "".join(c.get("text", "") for c in res.get("content", []))
        if res.get("isError"):
            self.errors.append((tool, text))
        else:
            RESULTS.append((tool, text, res.get("structuredContent")))
        return not res.get("isError"), res.get("structuredContent") or {}, text

    def close(self):
        super().close()
        err = self.err.decode(errors="replace")
        ok("Sanitizer" not in err and "runtime error" not in err, "the server reported no sanitizer error",
           err[-2000:])


def tools_list_tests(s):
    tools = s.rpc("tools/list").get("result", {}).get("tools", [])
    ok(len(tools) >= 25, f"tools/list lists the tools ({len(tools)})")
    undescribed = [(t["name"], k) for t in tools
                   for k, p in t["inputSchema"].get("properties", {}).items()
                   if not (p.get("description") or "").strip()]
    ok(not undescribed, "every argument of every tool has a description", undescribed)
    untyped = [(t["name"], k) for t in tools for k, p in t["inputSchema"].get("properties", {}).items()
               if "type" not in p]
    ok(not untyped, "every argument has a type (Gemini CLI drops tools with untyped ones)", untyped)
    # Annotations state what differs from the spec's defaults, and only that.
    defaults = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False,
                "openWorldHint": True}
    restated = [(t["name"], k) for t in tools for k, v in t.get("annotations", {}).items()
                if defaults.get(k) == v]
    ok(not restated, "no annotation restates a default", restated)
    ok(all(t.get("annotations", {}).get("openWorldHint") is False for t in tools),
       "every tool says it works in a closed world (openWorldHint false)")
    meaningless = [t["name"] for t in tools if t.get("annotations", {}).get("readOnlyHint")
                   and ({"destructiveHint", "idempotentHint"} & set(t["annotations"]))]
    ok(not meaningless, "read-only tools carry no writer hints", meaningless)
    ann = {t["name"]: t.get("annotations", {}) for t in tools}
    ok(ann.get("confirm_apply", {}).get("idempotentHint") is True and
       "destructiveHint" not in ann.get("confirm_apply", {}) and
       ann.get("session_log", {}).get("destructiveHint") is False and
       ann.get("session_show", {}).get("readOnlyHint") is True,
       "apply is destructive and idempotent, log additive, show read-only", ann)
    named = [t["name"] for t in tools if t["name"] in t["description"]]
    ok(not named, "no description repeats its tool name", named)
    return {t["name"] for t in tools}


def no_session_yet(ws, s):
    """Before any session: every tool that needs one says how to get one."""
    before = len(s.errors)
    for tool, args in [("session_log", {"message": "m"}), ("session_set_status", {"status": "paused"}),
                       ("session_show", {}), ("session_continue", {}), ("artifact_add", {"name": "a", "content": "x"}),
                       ("artifact_list", {}), ("task_link", {"task": "TASK-X-20260101-000000"}), ("task_list", {}),
                       ("session_summarize", {})]:
        s.call(tool, **args)
    new = s.errors[before:]
    ok(len(new) == 9 and all("session_new" in x for _, x in new),
       "with no session every tool that needs one names session_new", new)


def day_one(ws, s):
    good, r, _ = s.call("session_new", goal="JWT login", description="Move login to JWT tokens.",
                        tags=["auth"])
    sid = r.get("id", "")
    ok(good and sid.startswith("SESSION-JWT_login-"), "session_new starts the session", r)
    good, _, _ = s.call("session_log", type="prompt", message="Please move login to JWT.", source="user")
    ok(good, "session_log records the user prompt")
    good, _, _ = s.call("session_log", type="decision", message="Use PyJWT", adr="docs/adr/0001-jwt.md")
    ok(good, "session_log records a decision with its ADR")
    good, r, _ = s.call("task_new", type="feature", title="Implement JWT login", assign="dev-python")
    task = r.get("id", "")
    ok(good and task.startswith("TASK-DEV-PYTHON-") and r.get("session") == sid,
       "task_new makes a task of the session", r)
    good, _, _ = s.call("session_log", type="delegation", message="Implement JWT login", mode="dev-python",
                        task=task)
    ok(good, "session_log records the delegation with its task")
    good, r, _ = s.call("task_claim", task=task, by="dev-python")
    ok(good and r.get("assigned_to") == "dev-python", "task_claim leases the task", r)
    good, r, _ = s.call("task_release", task=task, by="dev-python", status="review")
    ok(good and r.get("status") == "🟣 Review", "task_release sets the status it is given", r)
    good, _, _ = s.call("session_log", type="result", message="JWT login works", mode="dev-python", task=task,
                        outcome="success")
    ok(good, "session_log records the result")
    good, r, _ = s.call("task_status", task=task, status="done")
    ok(good and r.get("status") == "🟢 Done", "task_status sets done", r)
    good, r, _ = s.call("artifact_add", name="notes/design.md", content="# Design\n\nTokens expire in 1h.\n",
                        description="design notes")
    ok(good and r.get("path") == "artifacts/notes/design.md", "artifact_add saves a named artifact", r)
    good, r, _ = s.call("artifact_add", type="research", title="JWT libraries", content="PyJWT wins.\n")
    ok(good and r.get("path", "").startswith("artifacts/research/RESEARCH-"), "artifact_add saves a typed one", r)

    # A confirmed edit: propose, show, (the user says yes), decide, delegate, apply.
    good, r, _ = s.call("confirm_propose", target="src/auth.py",
                        content="def login():\n    return issue_jwt()\n")
    art = r.get("artifact", "")
    ok(good and r.get("status") == "pending", "confirm_propose proposes the edit", r)
    good, r, _ = s.call("confirm_show", artifact=art)
    ok(good and "+    return issue_jwt()" in r.get("diff", ""), "confirm_show gives the diff to show the user", r)
    good, r, _ = s.call("confirm_decide", artifact=art, decision="approve", reason="the user said yes")
    ok(good and r.get("status") == "approved" and r.get("decided_by") == "user",
       "confirm_decide records the answer of the user", r)
    good, r, _ = s.call("confirm_delegate", artifact=art, to="dev-python", task=task)
    ok(good and "User confirmed. No re-confirm needed." in r.get("message", ""),
       "confirm_delegate returns the executor message", r)
    good, r, _ = s.call("confirm_apply", artifact=art)
    ok(good and r.get("status") == "applied", "confirm_apply writes the target", r)
    with open(os.path.join(ws, "src/auth.py")) as f:
        ok(f.read() == "def login():\n    return issue_jwt()\n", "the target holds the approved content")

    # A diff proposal, skipped as low risk, delegated: the executor message
    # says how to apply it in tool terms, never as a CLI command.
    diff = ("--- a/src/auth.py\n+++ b/src/auth.py\n@@ -1,2 +1,2 @@\n def login():\n"
            "-    return issue_jwt()\n+    return issue_jwt(ttl=3600)\n")
    good, r, _ = s.call("confirm_propose", target="src/auth.py", diff=diff)
    art2 = r.get("artifact", "")
    ok(good and r.get("kind") == "diff", "confirm_propose takes a unified diff", r)
    good, _, _ = s.call("confirm_decide", artifact=art2, decision="skip", reason="one-line constant")
    ok(good, "confirm_decide skip with a reason")
    good, r, _ = s.call("confirm_delegate", artifact=art2, to="dev-python")
    msg = r.get("message", "")
    ok(good and "confirm_apply" in msg and art2 in msg and not CLI_WORDS.search(msg),
       "the executor message of a diff names confirm_apply, not a CLI command", msg)
    good, r, _ = s.call("confirm_withdraw", artifact=art2, reason="the user prefers a config value")
    ok(good and r.get("status") == "withdrawn", "confirm_withdraw closes the proposal", r)
    good, r, _ = s.call("confirm_list")
    ok(good and sorted(c["status"] for c in r.get("confirmations", [])) == ["applied", "withdrawn"],
       "confirm_list shows one applied, one withdrawn", r)
    good, r, _ = s.call("session_set_status", status="paused", reason="end of day")
    ok(good and r.get("status") == "paused", "session_set_status pauses for the night", r)
    log = os.path.join(ws, ".ruru/sessions", sid, "session_log.md")
    with open(log) as f:
        text = f.read()
    ok(not CLI_WORDS.search(text.split("## Log Entries")[-1]), "no log entry names a CLI command",
       [ln for ln in text.splitlines() if CLI_WORDS.search(ln)])
    return sid, task


def day_two(ws, s, sid, task):
    # The read-only digest: the same digest, and the log is not touched.
    log = os.path.join(ws, ".ruru", "sessions", sid, "session_log.md")
    before = open(log, "rb").read()
    good, r, text = s.call("session_digest")
    ok(good and sid in text and r.get("digest") == text and open(log, "rb").read() == before,
       "session_digest reads the digest and writes nothing", text[:300])
    good, r, text = s.call("session_continue")
    ok(good and sid in text and "Move login to JWT tokens." in text, "session_continue picks the work up", text[:500])
    # Claude Code and VS Code give the model only structuredContent when a
    # result has one: the digest must be there too, not only in the text.
    ok(r.get("digest") == text and r.get("resumed") is True,
       "session_continue: the digest reaches a client that reads only structuredContent", sorted(r))
    # The delegated proposal that was withdrawn is no open item: nobody is
    # to apply it (continue, prime and summarize agree).
    ok("has no result yet" not in text, "the digest lists no open delegation (one applied, one withdrawn)",
       [ln for ln in text.splitlines() if "no result" in ln])
    p = subprocess.run([RURU, "prime"], cwd=ws, env=env_at("2026-11-25T09:31:00Z"), capture_output=True, text=True)
    ok(p.returncode == 0 and "Open items" not in p.stdout and "Recent entries" in p.stdout,
       "prime lists no open delegation of a withdrawn proposal", p.stdout)
    good, r, _ = s.call("session_search", query="JWT", status="active")
    ok(good and r.get("total", 0) >= 1, "session_search finds the work", r)
    good, r, _ = s.call("session_search", query="PyJWT", type="decision")
    ok(good and any(h.get("type") == "decision" for h in r.get("hits", [])), "session_search filters by type", r)
    good, r, _ = s.call("task_list")
    ok(good and any(t.get("id") == task for t in r.get("tasks", [])), "task_list shows the task", r)
    good, r, _ = s.call("artifact_list")
    ok(good and len(r.get("artifacts", [])) == 4, "artifact_list shows notes, research and two proposals", r)
    good, r, _ = s.call("session_check")
    ok(good and r.get("ok") is True, "session_check finds the log clean", r)
    good, r, _ = s.call("confirm_verify")
    ok(good and r.get("problems") == [], "confirm_verify finds the decisions intact", r)
    good, r, _ = s.call("session_summarize")
    ok(good and r.get("path", "").startswith("artifacts/summaries/SESSUM-"), "session_summarize writes it", r)
    ok(not [b for b in r.get("outstanding_blockers_or_issues", []) if "Delegation" in b],
       "the summary has no delegation left open", r.get("outstanding_blockers_or_issues"))
    good, r, _ = s.call("session_set_status", status="completed", reason="shipped")
    ok(good and r.get("status") == "completed", "session_set_status completes the session", r)
    good, r, _ = s.call("session_show", entries=1)
    ok(good and r.get("status") == "completed" and len(r.get("entries", [])) == 1,
       "session_show reads the ended session", r)
    r = s.rpc("prompts/get", {"name": "continue_session", "arguments": {"session": sid}})
    ok(r.get("error", {}).get("code") == -32602 and "reopen" in r["error"].get("message", "") and
       not CLI_WORDS.search(r["error"].get("message", "")),
       "prompts/get on an ended session is -32602 (the caller's to fix), saying how to reopen", r)
    # prompts have no isError: invalid arguments are -32602 (MCP 2025-11-25, prompts/get)
    r = s.rpc("prompts/get", {"name": "continue_session", "arguments": {"max_chars": "a lot"}})
    ok(r.get("error", {}).get("code") == -32602 and "max_chars" in r["error"].get("message", ""),
       "prompts/get with a bad max_chars is -32602 naming it", r)


def failures(ws, s, names):
    """Make every tool fail at least once; collect the texts."""
    s.call("session_log", message="after the end")
    s.call("session_set_status", status="paused")
    s.call("session_list", status="closed")
    s.call("session_show", session="SESSION-nope")
    s.call("session_continue", session="SESSION-nope")
    s.call("session_continue")
    ok("SESSION-JWT_login-" in s.errors[-1][1] and "to session_continue" in s.errors[-1][1],
       "nothing to continue: the recent sessions and how to continue one", s.errors[-1])
    s.call("artifact_add", content="no name")
    s.call("artifact_add", name="../up.md", content="x")
    s.call("artifact_list", session="SESSION-nope")
    s.call("task_link", task="not a task")
    s.call("task_list", session="SESSION-nope")
    s.call("session_check", session="SESSION-nope")
    s.call("confirm_propose", target="../outside.txt", content="x")
    s.call("confirm_propose", target="src/auth.py")
    s.call("confirm_show", artifact="CONFIRM-none.md")
    s.call("confirm_decide", artifact="CONFIRM-none.md", decision="approve")
    s.call("confirm_decide", artifact="CONFIRM-none.md", decision="maybe")
    s.call("confirm_delegate", artifact="CONFIRM-none.md", to="dev")
    s.call("confirm_apply", artifact="CONFIRM-none.md")
    s.call("confirm_withdraw", artifact="CONFIRM-none.md")
    s.call("confirm_list", status="open")
    s.call("confirm_verify", sessions=["SESSION-nope"])
    s.call("session_search", query="")
    s.call("session_search", query="x", since="last week")
    s.call("session_search", query="x", status="done")
    s.call("session_search", query="x", type="decisions")
    ok('"type"' in s.errors[-1][1] and "decision" in s.errors[-1][1],
       "a search type no entry can have is refused, naming the argument", s.errors[-1])
    s.call("session_summarize", session="SESSION-nope")
    s.call("task_new", type="bug", title="")
    s.call("task_status", task="TASK-NONE-20260101-000000", status="done")
    s.call("task_claim", task="TASK-NONE-20260101-000000", by="dev", ttl="forever")
    s.call("task_release", task="TASK-NONE-20260101-000000")
    s.call("session_new", goal="x", tags="not an array")
    # A pending, then a stale proposal in a follow-up session.
    with open(os.path.join(ws, "notes.txt"), "w") as f:
        f.write("one\n")
    good, r, _ = s.call("session_new", goal="Follow-up")
    sid2 = r.get("id", "")
    ok(good and r.get("other_active") is None, "session_new after the end: no other active session", r)
    # An outcome belongs to its type: a result succeeds or fails, a
    # confirm-response is approved or rejected (doc/design.md §3).
    before = len(s.errors)
    s.call("session_log", type="result", message="done", outcome="approved")
    s.call("session_log", type="confirm-response", message="yes", outcome="success")
    ok(len(s.errors) == before + 2 and all('"outcome"' in x for _, x in s.errors[before:]),
       "an outcome of the wrong type is refused, naming the argument", s.errors[before:])
    good, r, _ = s.call("confirm_propose", target="notes.txt", content="two\n")
    art = r.get("artifact", "")
    ok(good and r.get("status") == "pending", "confirm_propose in the follow-up session", r)
    s.call("confirm_apply", artifact=art)
    s.call("confirm_decide", artifact=art, decision="skip")
    s.call("confirm_decide", artifact=art, decision="skip", reason="typo fix")
    with open(os.path.join(ws, "notes.txt"), "w") as f:
        f.write("changed meanwhile\n")
    s.call("confirm_apply", artifact=art)
    # More of each tool's refusals.
    s.call("artifact_add", name="/etc/x", content="x")
    s.call("artifact_add", name="CONFIRM-x.toml", content="x")
    s.call("artifact_add", type="note", content="no title")
    s.call("artifact_add", type="note", title="t", name="named")
    s.call("artifact_add", name="dup.md", content="1")
    s.call("artifact_add", name="dup.md", content="2")
    s.call("session_log", message="")
    s.call("session_log", message="m", mode="a`b")
    s.call("session_log", message="m", type="artifact", artifact="../../../x.md")
    s.call("session_log", message="m", entries=3)
    s.call("session_log", message="m\u0000")
    s.call("session_show", entries=-1)
    s.call("session_show", entries="3")
    s.call("session_set_status", status="active")
    s.call("session_continue", max_chars="10")
    s.call("session_digest", session="SESSION-nope")
    s.call("confirm_propose", target="notes.txt", diff="not a diff")
    s.call("confirm_propose", target="notes.txt", content="x", diff="y")
    s.call("confirm_propose", target=".ruru/sessions/x.md", content="x")
    s.call("confirm_propose", target="src", content="x")
    s.call("confirm_propose", target="notes.txt", content="x", supersedes="CONFIRM-none.md")
    s.call("confirm_delegate", artifact=art, to="dev")
    s.call("confirm_delegate", artifact=art, to="")
    s.call("task_claim", task="TASK-NONE-20260101-000000", by="dev")
    s.call("session_search", query="\"unclosed")
    s.call("session_search", query="x", session="SESSION-")
    with open(os.path.join(ws, ".ruru/sessions", sid2, "artifacts", "CONFIRM-stray-20260101-000000.md"), "w") as f:
        f.write("x\n")
    s.call("confirm_apply", artifact="CONFIRM-stray-20260101-000000.md")
    good, r, _ = s.call("task_new", type="chore", title="lease")
    t = r.get("id", "")
    s.call("task_claim", task=t, by="a")
    s.call("task_claim", task=t, by="b")
    s.call("task_release", task=t, by="b")
    s.call("task_status", task=t, status="finished")
    s.call("session_set_status", status="paused")
    s.call("session_log", message="while paused")
    s.call("artifact_add", name="p.md", content="x")
    s.call("session_set_status", status="completed")
    s.call("session_continue", session=sid2)
    s.call("session_log", message="after the end")
    ok("reopen: true" in s.errors[-1][1] and "session_set_status" in s.errors[-1][1],
       "writing to an ended session: the hint says how to reopen it (reopen: true)", s.errors[-1])
    failed_tools = {t for t, _ in s.errors}
    missing = sorted(names - failed_tools)
    ok(not missing, f"every tool was made to fail at least once ({len(s.errors)} errors)", missing)
    bad = [(t, x) for t, x in s.errors if CLI_WORDS.search(x)]
    ok(not bad, "no error text names a CLI flag or command", bad)
    texts = dict(s.errors)
    ok("force argument" in " ".join(x for t, x in s.errors if t == "confirm_apply"),
       "a changed target names the force argument", texts.get("confirm_apply"))
    ok('"status"' in " ".join(x for t, x in s.errors if t == "session_search"),
       "a bad search status names the argument", [x for t, x in s.errors if t == "session_search"])


# Keys whose values a model passes to its next call (doc/design.md §12: the text
# rendering carries every identifier, for clients that show only the text).
ID_KEYS = ("id", "session", "artifact", "path", "target", "task", "file", "other_active")


def identifiers(tool, sc):
    """The identifiers of a result: ID_KEYS at the top and in its lists of
    objects (sessions, artifacts, tasks, proposals, hits, entries,
    problems)."""
    if tool == "session_continue":  # the digest is bounded; it names the session
        return [sc["id"]]
    objs = [sc]
    for k, v in sc.items():
        if isinstance(v, list) and k != "primary_context_artifacts":  # summary: in its file
            objs += [x for x in v if isinstance(x, dict)]
    if tool == "session_check":
        objs += sc["problems"]["problems"]
    keys = [k for k in ID_KEYS if not (tool == "session_list" and k == "path")]  # the log: by its ID
    return [o[k] for o in objs for k in keys if isinstance(o.get(k), str) and o[k]]


def text_renderings(ws, names):
    """Every tool's text content is a short rendering, not the JSON again,
    and carries the identifiers of its result."""
    s = Server(ws, "2026-11-26T09:00:00Z")
    # problems for session_check and confirm_verify to render
    os.makedirs(os.path.join(ws, ".ruru/sessions/S-BAD"))
    with open(os.path.join(ws, ".ruru/sessions/S-BAD/session_log.md"), "w") as f:
        f.write('+++\nid = "S-BAD"\ntitle = 3\nstatus = "weird"\n+++\n## Log Entries\n- [nonsense] x\n')
    good, r, text = s.call("session_check")
    ok(good and r.get("ok") is False and ".ruru/sessions/S-BAD/session_log.md:3:9: error: " in text,
       "session_check renders problems as FILE:LINE:COL: severity: message", text)
    shutil.rmtree(os.path.join(ws, ".ruru/sessions/S-BAD"))
    good, r, text = s.call("session_new", goal="Texts")
    good, r, text = s.call("task_link", task="TASK-DEV-20260101-000000")
    ok(good and "TASK-DEV-20260101-000000" in text and "no task file" in text,
       "task_link says when no task file has that ID", text)
    good, r, text = s.call("session_list")
    ok(good and len(r["sessions"]) == 3 and len(text.splitlines()) == 3 and
       all(ln.startswith(x["id"] + "\t") for ln, x in zip(text.splitlines(), r["sessions"])),
       "session_list: one line per session, as `ruru list` prints it", text)
    good, r, text = s.call("session_search", query="JWT", limit=1)
    ok(good and r["total"] > 1 and "the best 1 of" in text, "session_search says when hits were left out", text)
    s.close()
    seen = {t for t, _, _ in RESULTS}
    ok(not sorted(names - seen), "every tool returned a result", sorted(names - seen))
    json_text = []
    for tool, text, sc in RESULTS:
        try:
            json_text += [tool] if isinstance(json.loads(text), dict) else []
        except ValueError:
            pass
    ok(not json_text, f"no text content is a JSON object ({len(RESULTS)} results)", json_text)
    missing = [(t, i) for t, text, sc in RESULTS for i in identifiers(t, sc) if i not in text]
    ok(not missing, "every text content names the identifiers of its result", missing[:20])
    ok(all(sc and sc.get("schema_version") == 1 for _, _, sc in RESULTS),
       "every result has structuredContent with schema_version")
    big = max(RESULTS, key=lambda x: len(json.dumps(x[2])))
    ok(all(len(text.encode()) < len(json.dumps(sc, ensure_ascii=False).encode())
           for t, text, sc in RESULTS if t != "session_continue"),
       "each text is shorter than its JSON", big[0])


def after_the_end(ws):
    """doc/design.md §1/§5: an .active naming an ended session means none is
    active: a proposal goes to .ruru/temp/, a task to no session; a session
    named in the call is still refused; session_log says how to go on."""
    s = Server(ws, "2026-11-27T09:00:00Z")
    good, r, _ = s.call("session_new", goal="Short one")
    sid = r.get("id", "")
    s.call("session_set_status", status="completed")
    with open(os.path.join(ws, "late.txt"), "w") as f:
        f.write("a\n")
    good, r, text = s.call("confirm_propose", target="late.txt", content="b\n")
    ok(good and r.get("artifact", "").startswith(".ruru/temp/CONFIRM-late.txt-") and r.get("session") is None,
       "after the session completed, confirm_propose without session goes to .ruru/temp/", (r, text))
    good, r, text = s.call("task_new", type="chore", title="after the end")
    ok(good and r.get("session") is None and "no session" in text,
       "after the session completed, task_new without session makes a task of no session", (r, text))
    good, r, text = s.call("confirm_propose", session=sid, target="late.txt", content="c\n")
    ok(not good and "not active" in text, "confirm_propose naming the ended session is refused", text)
    good, r, text = s.call("task_new", session=sid, type="chore", title="x")
    ok(not good and "not active" in text, "task_new naming the ended session is refused", text)
    good, r, text = s.call("session_log", message="late")
    ok(not good and "reopen: true" in text and "session_new" in text and not CLI_WORDS.search(text),
       "session_log after the end names session_continue with reopen and session_new", text)
    s.close()


def bounded_answers(ws):
    """A model is never handed megabytes: a 2 MB entry in the log, then every
    answer that carries log text stays under 70 KB."""
    sid = subprocess.run([RURU, "new", "big"], cwd=ws, env=env_at("2026-11-26T09:00:00Z"),
                         capture_output=True, text=True).stdout.strip()
    log = os.path.join(ws, ".ruru", "sessions", sid, "session_log.md")
    with open(log, "a") as f:
        f.write("- [2026-11-26 09:00:01Z] **note**: " + "y" * 2_000_000 + "\n")
        f.write("- [2026-11-26 09:00:02Z] **note**: the newest entry\n")
    s = Server(ws, "2026-11-26T09:10:00Z")
    sizes = {}
    for name, method, params in [
            ("session_show", "tools/call", {"name": "session_show", "arguments": {"session": sid}}),
            ("session_continue max_chars 0", "tools/call",
             {"name": "session_continue", "arguments": {"session": sid, "max_chars": 0}}),
            ("session_digest", "tools/call", {"name": "session_digest", "arguments": {"session": sid}}),
            ("resources/read", "resources/read", {"uri": "ruru://sessions/" + sid}),
            ("prompts/get", "prompts/get",
             {"name": "continue_session", "arguments": {"session": sid, "max_chars": "0"}})]:
        r = s.rpc(method, params)
        raw = json.dumps(r, ensure_ascii=False).encode()
        sizes[name] = len(raw)
        ok("result" in r and len(raw) < 70_000 and b"the newest entry" in raw,
           f"{name} answers in {len(raw)} bytes (under 70,000) with the newest entry", str(r)[:300])
    s.close()
    print("# MCP answer sizes with a 2 MB entry: " + ", ".join(f"{k} {v}" for k, v in sizes.items()))


def bounded_list(ws):
    """session_list on a workspace of many sessions answers the newest 50,
    says how many there are, and how to see more."""
    os.makedirs(os.path.join(ws, ".ruru/sessions"))
    for i in range(130):
        sid = f"SESSION-many-{i:03d}"
        os.makedirs(os.path.join(ws, ".ruru/sessions", sid))
        with open(os.path.join(ws, ".ruru/sessions", sid, "session_log.md"), "w") as f:
            f.write(f'+++\nid = "{sid}"\ntitle = "many {i}"\nstatus = "🟢 Active"\n'
                    f'start_time = 2026-11-{1 + i // 24:02d}T{i % 24:02d}:00:00Z\n+++\n\n## Log Entries\n')
    s = Server(ws, "2026-11-26T09:00:00Z")
    r = s.rpc("tools/call", {"name": "session_list", "arguments": {}})
    raw = json.dumps(r, ensure_ascii=False).encode()
    good, sc, text = s.call("session_list")
    ok(good and len(sc["sessions"]) == 50 and sc["total"] == 130 and sc["omitted"] == 80 and
       sc["sessions"][0]["id"] == "SESSION-many-129" and "80 older of 130 left out" in text and
       "limit" in text and len(raw) < 30_000,
       f"session_list answers the newest 50 of 130 in {len(raw)} bytes, with total and how to see more",
       text[-200:])
    good, sc, text = s.call("session_list", limit=200)
    ok(good and len(sc["sessions"]) == 130 and sc["omitted"] == 0 and "left out" not in text,
       "session_list with a larger limit answers them all", sc.get("total") if good else text)
    good, sc, text = s.call("session_list", limit=0)
    ok(good and not sc["sessions"] and sc["total"] == 130 and text.startswith("130 older of 130 left out"),
       "session_list with limit 0 answers only the count", text[:200])
    good, sc, text = s.call("session_list", status="active", limit=10)
    ok(good and len(sc["sessions"]) == 10 and sc["total"] == 130 and sc["omitted"] == 120 and
       sc["sessions"][9]["id"] == "SESSION-many-120",
       "session_list with a status filter and a limit counts every match", sc.get("total") if good else text)
    good, sc, text = s.call("session_list", status="paused")
    ok(good and not sc["sessions"] and sc["total"] == 0, "session_list of a status no session has: none",
       sc if good else text)
    # one row gives search's limit: 20 hits over MCP, 100 from the CLI
    good, sc, text = s.call("session_search", query="many", **{"in": "sessions"})
    ok(good and len(sc["hits"]) == 20 and sc["total"] == 130,
       "session_search answers the best 20 by default (the row's MCP default)",
       (len(sc.get("hits", [])), sc.get("total")) if good else text)
    p = subprocess.run([RURU, "--json", "search", "many", "--in", "sessions"], cwd=ws,
                       env=env_at("2026-11-26T09:00:00Z"), capture_output=True, text=True)
    ok(p.returncode == 0 and len(json.loads(p.stdout)["hits"]) == 100,
       "ruru search answers the best 100 by default (the same row)", p.stderr)
    s.close()


ALL_KEYS_LOG = """+++
id = "SESSION-all"
title = "All keys"
status = "🟡 Paused"
start_time = 2026-11-20T08:00:00Z
end_time = 2026-11-20T09:30:00Z
coordinator = "coord-zz"
related_tasks = ["TASK-A-20261120-080000"]
related_artifacts = ["artifacts/a-zz.md"]
tags = ["tag-zz"]
source_summaries = ["SESSUM-zz.md"]
+++

## Log Entries
"""


def every_key_shown(ws):
    """session_show's text shows every front-matter key `ruru show` lists
    (the library's key table), each with its value."""
    os.makedirs(os.path.join(ws, ".ruru/sessions/SESSION-all"))
    with open(os.path.join(ws, ".ruru/sessions/SESSION-all/session_log.md"), "w") as f:
        f.write(ALL_KEYS_LOG)
    out = subprocess.run([RURU, "show", "SESSION-all"], cwd=ws, env=env_at("2026-11-26T09:00:00Z"),
                         capture_output=True, text=True).stdout
    keys = [ln.split(":", 1) for ln in out.splitlines() if not ln.startswith(("entries:", " "))]
    s = Server(ws, "2026-11-26T09:00:00Z")
    good, sc, text = s.call("session_show", session="SESSION-all")
    s.close()
    missing = [k for k, v in keys if v.strip() not in text]
    ok(good and len(keys) >= 10 and not missing,
       f"session_show's text shows all {len(keys)} keys `ruru show` lists", (missing, text))


def main(ws):
    subprocess.run([RURU, "init"], cwd=ws, env=env_at("2026-11-24T09:00:00Z"), check=True,
                   capture_output=True)
    os.makedirs(os.path.join(ws, "src"))
    with open(os.path.join(ws, "src/auth.py"), "w") as f:
        f.write("def login():\n    return False\n")
    s = Server(ws, "2026-11-24T09:00:00Z")
    ok("session_continue" in s.init.get("instructions", ""), "initialize gives instructions in tool terms")
    names = tools_list_tests(s)
    no_session_yet(ws, s)
    sid, task = day_one(ws, s)
    s.close()
    s = Server(ws, "2026-11-25T09:30:00Z")
    day_two(ws, s, sid, task)
    failures(ws, s, names)
    s.close()
    text_renderings(ws, names)
    after_the_end(ws)
    bounded_answers(ws)
    many = os.path.join(ws, "many")
    os.makedirs(many)
    bounded_list(many)
    every_key_shown(many)
    # The CLI words the same step its own way.
    os.makedirs(os.path.join(ws, "cli"))
    p = subprocess.run([RURU, "new", "cli side"], cwd=ws, env=env_at("2026-11-25T10:00:00Z"),
                       capture_output=True, text=True)
    d = subprocess.run([RURU, "confirm", "propose", "--target", "src/auth.py", "--diff", "-"], cwd=ws,
                       env=env_at("2026-11-25T10:00:00Z"), capture_output=True, text=True,
                       input="--- a/src/auth.py\n+++ b/src/auth.py\n@@ -1,2 +1,2 @@\n def login():\n"
                             "-    return issue_jwt()\n+    return None\n")
    a = d.stdout.strip()
    subprocess.run([RURU, "confirm", "skip", a, "--rationale", "tiny"], cwd=ws,
                   env=env_at("2026-11-25T10:00:00Z"), capture_output=True)
    m = subprocess.run([RURU, "confirm", "delegate", a, "--to", "dev"], cwd=ws,
                       env=env_at("2026-11-25T10:00:00Z"), capture_output=True, text=True)
    ok(p.returncode == 0 and m.returncode == 0 and f"`ruru confirm apply {a}`" in m.stdout,
       "the CLI's executor message names its own command", (p.stderr, d.stderr, m.stdout, m.stderr))


run("ruru-mcp-scenario-", main)
