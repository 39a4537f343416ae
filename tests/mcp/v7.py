#!/usr/bin/env python3
"""v7.py — the V7 MCP tools over raw JSON-RPC: artifact_add
with type/title, session_summarize, task_new, task_status, task_claim,
task_release.  Files written are read back with tomllib.  Prints TAP.

    RURU=build/ruru python3 tests/mcp/v7.py
"""
import os
import subprocess
import tomllib

from tap import Server, ok, run

RURU = os.path.abspath(os.environ.get("RURU", "build/ruru"))


def front_matter(path):
    text = open(path, encoding="utf-8").read()
    return tomllib.loads(text[4:text.index("\n+++\n", 3) + 1])


def main(ws):
    subprocess.run([RURU, "init"], cwd=ws, check=True)
    s = Server(ws, "v7")
    names = {t["name"] for t in s.rpc("tools/list", {})["result"]["tools"]}
    ok({"session_summarize", "task_new", "task_status", "task_claim", "task_release"} <= names,
       "tools/list has the V7 tools", names)
    sid = s.call("session_new", {"goal": "MCP V7"})["structuredContent"]["id"]
    r = s.call("artifact_add", {"type": "learning", "title": "Cache keys", "content": "use the hash\n",
                                "tags": ["cache"]})
    sc = r.get("structuredContent", {})
    ok(not r.get("isError") and sc.get("path") == "artifacts/learnings/LEARNING-cache_keys-2611240315.md"
       and sc.get("type") == "learning", "artifact_add with type/title writes a typed artifact", r)
    fm = front_matter(os.path.join(ws, ".ruru/sessions", sid, sc.get("path", "x")))
    ok(fm["session_id"] == sid and fm["type"] == "learning" and fm["tags"][-1] == "cache",
       "its front matter reads back with tomllib", fm)
    r = s.call("artifact_add", {"type": "note"})
    ok(r.get("isError") is True and "title" in r["content"][0]["text"] and "--" not in r["content"][0]["text"],
       "a typed artifact without title is a tool error naming the argument", r)
    r = s.call("artifact_add", {"name": "plain.md", "content": "x"})
    ok(not r.get("isError"), "artifact_add by name still works", r)

    r = s.call("task_new", {"type": "bug", "title": "Login fails", "assign": "dev-python"})
    task = r.get("structuredContent", {}).get("id", "")
    ok(task == "TASK-DEV-PYTHON-20261124-031520", "task_new returns the new ID", r)
    tf = os.path.join(ws, r.get("structuredContent", {}).get("file", "x"))
    ok(front_matter(tf)["RooComSessionID"] == sid, "the task names the session", tf)
    r = s.call("task_claim", {"task": task, "by": "dev-a", "ttl": "10m"})
    ok(not r.get("isError") and r["structuredContent"]["status"] == "🔵 In Progress"
       and r["structuredContent"]["assigned_to"] == "dev-a", "task_claim leases the task", r)
    r = s.call("task_claim", {"task": task, "by": "dev-b"})
    ok(r.get("isError") is True and '"dev-a"' in r["content"][0]["text"], "a second claimer gets an error naming the holder", r)
    r = s.call("task_claim", {"task": task, "by": "dev-b", "ttl": "soon"})
    ok(r.get("isError") is True, "a bad ttl is a tool error", r)
    r = s.call("task_release", {"task": task, "by": "dev-a"})
    ok(not r.get("isError") and r["structuredContent"]["status"] == "🟡 To Do"
       and "claimed_until" not in front_matter(tf), "task_release gives it back", r)
    r = s.call("task_status", {"task": task, "status": "done"})
    ok(not r.get("isError") and front_matter(tf)["status"] == "🟢 Done", "task_status sets the MDTM status", r)
    r = s.call("task_list", {})
    ok([t["id"] for t in r["structuredContent"]["tasks"]] == [task], "task_list shows it", r)
    ok(r["structuredContent"]["tasks"][0]["via"] == "related_tasks", "linked by task_new", r)

    r = s.call("task_link", {"task": "not a task"})
    ok(r.get("isError") is True and "not an MDTM task ID" in r["content"][0]["text"],
       "task_link refuses what is not an MDTM task ID", r)
    r = s.call("task_link", {"task": "TASK-GHOST-1"})
    ok(not r.get("isError") and r["structuredContent"].get("warning") and r["structuredContent"]["file"] is None,
       "task_link warns when no task file has the ID", r)
    r = s.call("task_link", {"task": task})
    ok(not r.get("isError") and "warning" not in r["structuredContent"]
       and r["structuredContent"]["file"] == f".ruru/tasks/{task}.md", "task_link names the task file", r)
    r = s.call("session_summarize", {})
    path = r.get("structuredContent", {}).get("path", "")
    ok(not r.get("isError") and path == f"artifacts/summaries/SESSUM-{sid}-2611240315.md",
       "session_summarize writes a SESSUM file", r)
    fm = front_matter(os.path.join(ws, ".ruru/sessions", sid, path))
    ok(fm["original_session_id"] == sid and
       [a["path"] for a in fm["primary_context_artifacts"]] == ["learnings/LEARNING-cache_keys-2611240315.md", "plain.md"],
       "the summary lists the session's artifacts", fm)

    r = s.call("task_new", {"type": "chore", "title": "With body", "body": "# With body\n\nSteps:\n- a\n"})
    tf = os.path.join(ws, r.get("structuredContent", {}).get("file", "x"))
    text = open(tf, encoding="utf-8").read() if os.path.exists(tf) else ""
    ok(not r.get("isError") and text.endswith("\n+++\n\n# With body\n\nSteps:\n- a\n")
       and front_matter(tf)["title"] == "With body", "task_new body replaces the template's body", text)
    before = sorted(os.listdir(os.path.join(ws, ".ruru/tasks")))
    r = s.call("task_new", {"type": "chore", "title": "Bad body", "body": "x\u001b[2Jy"})
    ok(r.get("isError") is True and "body" in r["content"][0]["text"]
       and sorted(os.listdir(os.path.join(ws, ".ruru/tasks"))) == before,
       "task_new refuses a body with a control character and writes nothing", r)
    r = s.call("session_summarize", {"body": "Ask dev-a about the cache."})
    path = r.get("structuredContent", {}).get("path", "")
    text = open(os.path.join(ws, ".ruru/sessions", sid, path), encoding="utf-8").read() if path else ""
    ok(not r.get("isError") and "## 8. Pointers for Continuity" in text
       and text.endswith("\n## Notes from the coordinator\n\nAsk dev-a about the cache.\n"),
       "session_summarize adds the body after the computed sections", text)
    r = s.call("session_summarize", {"body": "bad\u0007"})
    ok(r.get("isError") is True and "body" in r["content"][0]["text"],
       "session_summarize refuses a body with a control character", r)
    # the task of a typed artifact, as `ruru artifact add --task` takes it
    r = s.call("artifact_add", {"type": "blocker", "title": "CI red", "task": "TASK-DEV-PY-7"})
    sc = r.get("structuredContent", {})
    fm = front_matter(os.path.join(ws, ".ruru/sessions", sid, sc.get("path", "x"))) if sc.get("path") else {}
    ok(not r.get("isError") and fm.get("related_task_id") == "TASK-DEV-PY-7",
       "artifact_add with task writes related_task_id", (r, fm))
    r = s.call("artifact_add", {"name": "plain2.md", "content": "x", "task": "TASK-DEV-PY-7"})
    ok(r.get("isError") is True and "type" in r["content"][0]["text"]
       and not os.path.exists(os.path.join(ws, ".ruru/sessions", sid, "artifacts/plain2.md")),
       "task without type is a tool error, and nothing is saved", r)
    s.close()
    apply_commit(os.path.join(ws, "repo"))


def apply_commit(ws):
    """confirm_apply with commit: the target alone committed with git, as
    `ruru confirm apply --commit` does; message goes with commit."""
    os.mkdir(ws)
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run(git + ["init", "-q"], cwd=ws, check=True)
    with open(os.path.join(ws, "f.txt"), "w") as f:
        f.write("old\n")
    subprocess.run(git + ["add", "f.txt"], cwd=ws, check=True)
    subprocess.run(git + ["commit", "-qm", "start"], cwd=ws, check=True)
    subprocess.run([RURU, "init"], cwd=ws, check=True, capture_output=True)
    subprocess.run(["git", "config", "user.name", "T"], cwd=ws, check=True)
    subprocess.run(["git", "config", "user.email", "t@example.com"], cwd=ws, check=True)
    s = Server(ws, "v7-commit")
    s.call("session_new", {"goal": "commit"})
    art = s.call("confirm_propose", {"target": "f.txt", "content": "new\n"})["structuredContent"]["artifact"]
    s.call("confirm_decide", {"artifact": art, "decision": "skip", "reason": "trivial"})
    r = s.call("confirm_apply", {"artifact": art, "message": "m"})
    ok(r.get("isError") is True and "commit" in r["content"][0]["text"]
       and open(os.path.join(ws, "f.txt")).read() == "old\n",
       "confirm_apply: message without commit is refused before anything is written", r)
    r = s.call("confirm_apply", {"artifact": art, "commit": True, "message": "f: new"})
    sc = r.get("structuredContent", {})
    head = subprocess.run(["git", "log", "-1", "--format=%H%n%s%n%b", "--name-only"], cwd=ws,
                          capture_output=True, text=True).stdout.split("\n")
    ok(not r.get("isError") and sc.get("status") == "applied" and sc.get("commit") == head[0]
       and head[1] == "f: new" and "Ruru-Confirm: " + art in head
       and head[-2:] == ["f.txt", ""] and sc["commit"][:12] in r["content"][0]["text"],
       "confirm_apply with commit commits exactly the target, with the trailers", (r, head))
    s.close()


run("ruru-mcp-v7-", main)
