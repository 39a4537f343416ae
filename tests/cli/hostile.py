#!/usr/bin/env python3
"""hostile.py — a cloned workspace is hostile input (doc/design.md §1).

For every kind of symlink an attacker can commit (the session folder, its
log, .lock, .state, .state.tmp, artifacts/ and a folder below it,
.ruru/temp, .ruru/sessions, .ruru itself, .active, .ruru/.gitignore, the
session template, a confirmed edit's target folder and target, the CONFIRM
payload and its sidecar), a repository is built, committed and cloned; for
hard links and FIFOs (which git cannot carry, but a tarball or a shared
folder can) the clone is altered after cloning.  Then every writing
command runs in a fresh copy of the clone, through the CLI and through
`ruru mcp` (raw JSON-RPC), and:
  - no file outside the clone changed (checksum of a canary tree that the
    links point into, and of the folder around the clone);
  - a command that touches the hostile object is refused: exit 6 from the
    CLI, isError with an "unsafe path" message from MCP;
  - no command hangs (a FIFO opened for reading or writing would block).
Prints TAP.

    RURU=build/ruru python3 tests/cli/hostile.py [KIND...]
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

RURU = os.path.abspath(os.environ.get("RURU", "build/ruru"))
NOW = "2026-11-24T03:15:20Z"
SID = "SESSION-Hostile-2611240315"
TIMEOUT = 20
n = 0
failed = 0


def ok(cond, name, detail=None):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + f" {n} - {name}")
    if not cond:
        failed += 1
        if detail is not None:
            for line in str(detail)[:3000].splitlines():
                print("# " + line)
    sys.stdout.flush()
    return cond


def env():
    e = dict(os.environ)
    for k in ("ROOCOM_SESSION_ID", "RURU_ROOT", "RURU_FAULT"):
        e.pop(k, None)
    if os.environ.get("HOSTILE_FAULT"):  # e.g. openat2: run on the fallback walk
        e["RURU_FAULT"] = os.environ["HOSTILE_FAULT"]
    e["RURU_NOW"] = NOW
    e["RURU_LOCK_TIMEOUT_MS"] = "2000"
    e["GIT_CONFIG_GLOBAL"] = "/dev/null"
    e["GIT_AUTHOR_NAME"] = e["GIT_COMMITTER_NAME"] = "t"
    e["GIT_AUTHOR_EMAIL"] = e["GIT_COMMITTER_EMAIL"] = "t@example.invalid"
    return e


def run(args, cwd, stdin=b""):
    return subprocess.run(args, cwd=cwd, env=env(), input=stdin, capture_output=True,
                          timeout=TIMEOUT)


def must(args, cwd, stdin=b""):
    r = run(args, cwd, stdin)
    if r.returncode != 0:
        raise RuntimeError(f"{args}: {r.returncode} {r.stderr!r}")
    return r.stdout.decode().strip()


def tree_sum(top):
    """Every name below `top` with its kind, mode, link target or content."""
    h = hashlib.sha256()
    for dirpath, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            h.update(f"{os.path.relpath(p, top)}\0{st.st_mode}\0".encode())
            if os.path.islink(p):
                h.update(os.readlink(p).encode())
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def outside_sum(base, clone):
    """The canary tree and every other name around the clone."""
    h = hashlib.sha256()
    for name in sorted(os.listdir(base)):
        p = os.path.join(base, name)
        if p == clone:
            continue
        h.update(name.encode() + b"\0")
        if os.path.isdir(p) and not os.path.islink(p):
            h.update(tree_sum(p).encode())
    return h.hexdigest()


# ---------------------------------------------------------------- origin

def make_origin(base):
    """A workspace with one session, an artifact, and an approved edit of
    docs/x.md; returns (origin, confirm artifact, its sidecar)."""
    origin = os.path.join(base, "origin")
    os.mkdir(origin)
    must(["git", "init", "-q"], origin)
    must([RURU, "init"], origin)
    sid = must([RURU, "new", "Hostile"], origin)
    assert sid == SID, sid
    must([RURU, "artifact", "add", "--name", "notes/first.txt", "-"], origin, b"first\n")
    os.makedirs(os.path.join(origin, "docs"))
    with open(os.path.join(origin, "docs/x.md"), "w") as f:
        f.write("old\n")
    art = must([RURU, "confirm", "propose", "--target", "docs/x.md", "--content", "-"], origin,
               b"new\n")
    must([RURU, "confirm", "approve", art], origin)
    side = art[:-3] + ".toml" if art.endswith(".md") else art + ".toml"
    os.makedirs(os.path.join(origin, ".ruru/templates/toml-md"))
    return origin, art, side


def make_canary(base, origin):
    """Files the links point at: copies of what ruru would happily write."""
    c = os.path.join(base, "canary")
    os.mkdir(c)
    with open(os.path.join(c, "bashrc"), "w") as f:
        f.write("# the user's own file\n")
    os.mkdir(os.path.join(c, "dir"))
    with open(os.path.join(c, "dir/file"), "w") as f:
        f.write("keep\n")
    sdir = os.path.join(origin, ".ruru/sessions", SID)
    shutil.copytree(sdir, os.path.join(c, "sess"), symlinks=True)
    shutil.copy(os.path.join(sdir, "session_log.md"), os.path.join(c, "log.md"))
    shutil.copytree(os.path.join(origin, ".ruru/sessions"), os.path.join(c, "sessions"),
                    symlinks=True)
    shutil.copytree(os.path.join(origin, ".ruru"), os.path.join(c, "ruru"), symlinks=True)
    with open(os.path.join(c, "old.md"), "w") as f:
        f.write("old\n")  # what docs/x.md holds, so that apply gets as far as writing
    with open(os.path.join(c, "tpl.md"), "w") as f:
        f.write('+++\nid = ""\ntitle = ""\nstatus = ""\n+++\n# secret template\n')
    return c


# What each kind plants, and which commands must be refused.  `where` is
# relative to the workspace root; `link` is relative to the canary folder
# (None: a FIFO or hard link made after cloning).
SESSION_CMDS = {"log", "pause", "artifact", "task", "continue", "propose"}
# `continue` of the active session only reads (nothing logged, no lock
# taken): a hostile lock, state file or hard-linked log is never touched,
# so it is refused only where reading is (a symlinked folder or log, a FIFO
# log); outside_sum still proves nothing outside changed.
WRITE_CMDS = SESSION_CMDS - {"continue"}
KINDS = [
    # name, where, symlink target in canary, post-clone action, refused commands
    ("session-folder", f".ruru/sessions/{SID}", "sess", None, SESSION_CMDS | {"apply"}),
    ("log", f".ruru/sessions/{SID}/session_log.md", "log.md", None, SESSION_CMDS | {"apply"}),
    ("lock", f".ruru/sessions/{SID}/.lock", "bashrc", None, WRITE_CMDS | {"apply"}),
    ("lock-dangling", f".ruru/sessions/{SID}/.lock", "new-lock", None, WRITE_CMDS | {"apply"}),
    ("state", f".ruru/sessions/{SID}/.state", "bashrc", None, WRITE_CMDS | {"apply"}),
    ("state-tmp", f".ruru/sessions/{SID}/.state.tmp", "bashrc", None, set()),
    ("artifacts", f".ruru/sessions/{SID}/artifacts", "dir", None, {"artifact"}),
    ("artifacts-sub", f".ruru/sessions/{SID}/artifacts/notes", "dir", None, {"artifact"}),
    ("temp", ".ruru/temp", "dir", None, {"propose-temp", "new", "init"}),
    ("sessions", ".ruru/sessions", "sessions", None,
     SESSION_CMDS | {"apply", "new", "init"}),
    ("dot-ruru", ".ruru", "ruru", None,
     SESSION_CMDS | {"apply", "new", "init", "propose-temp"}),
    ("active", ".ruru/sessions/.active", "bashrc", None, {"new", "continue"}),
    ("gitignore", ".ruru/.gitignore", "bashrc", None, {"new", "init"}),
    ("template", ".ruru/templates/toml-md/19_mdtm_session.md", "tpl.md", None, {"new"}),
    ("target-folder", "docs", "dir", None, {"apply", "propose", "propose-temp"}),
    ("target", "docs/x.md", "bashrc", None, {"apply", "propose", "propose-temp"}),
    ("payload", "@ART", "bashrc", None, {"apply"}),
    ("sidecar", "@SIDE", "bashrc", None, {"apply"}),
    # not committable: made in the clone
    ("fifo-log", f".ruru/sessions/{SID}/session_log.md", None, "fifo", SESSION_CMDS | {"apply"}),
    ("fifo-lock", f".ruru/sessions/{SID}/.lock", None, "fifo", WRITE_CMDS | {"apply"}),
    ("fifo-state", f".ruru/sessions/{SID}/.state", None, "fifo", WRITE_CMDS | {"apply"}),
    ("fifo-target", "docs/x.md", None, "fifo", {"apply", "propose", "propose-temp"}),
    ("fifo-payload", "@ART", None, "fifo", {"apply"}),
    ("hardlink-log", f".ruru/sessions/{SID}/session_log.md", None, "hard:log.md",
     WRITE_CMDS | {"apply"}),
    ("hardlink-lock", f".ruru/sessions/{SID}/.lock", None, "hard:bashrc",
     WRITE_CMDS | {"apply"}),
    ("hardlink-state", f".ruru/sessions/{SID}/.state", None, "hard:bashrc",
     WRITE_CMDS | {"apply"}),
    ("hardlink-target", "docs/x.md", None, "hard:old.md", {"apply"}),
]


def commands(art):
    """name -> (CLI argv, stdin, MCP tool, MCP arguments)"""
    s = ["-s", SID]
    return {
        "log": ([RURU, *s, "log", "hello"], b"", "session_log",
                {"session": SID, "message": "hello"}),
        "pause": ([RURU, *s, "pause"], b"", "session_set_status",
                  {"session": SID, "status": "paused"}),
        "artifact": ([RURU, *s, "artifact", "add", "--name", "notes/x.txt", "-"], b"data\n",
                     "artifact_add", {"session": SID, "name": "notes/x.txt", "content": "data\n"}),
        "task": ([RURU, *s, "task", "link", "TASK-X-20261124-031520"], b"", "task_link",
                 {"session": SID, "task": "TASK-X-20261124-031520"}),
        "continue": ([RURU, "continue", SID], b"", "session_continue", {"session": SID}),
        "propose": ([RURU, *s, "confirm", "propose", "--target", "docs/x.md", "--content", "-"],
                    b"newer\n", "confirm_propose",
                    {"session": SID, "target": "docs/x.md", "content": "newer\n"}),
        "propose-temp": ([RURU, "confirm", "propose", "--target", "docs/x.md", "--content", "-"],
                         b"newer\n", "confirm_propose", {"target": "docs/x.md",
                                                         "content": "newer\n"}),
        "apply": ([RURU, "confirm", "apply", art], b"", "confirm_apply", {"artifact": art}),
        "new": ([RURU, "new", "Other"], b"", "session_new", {"goal": "Other"}),
        "init": ([RURU, "init"], b"", None, None),
    }


def mcp_call(cwd, tool, args):
    """One tools/call through a fresh `ruru mcp`; returns the result or an error dict."""
    msgs = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": {"name": "hostile", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
         "params": {"name": tool, "arguments": args}},
    ]
    data = "".join(json.dumps(m) + "\n" for m in msgs).encode()
    r = run([RURU, "mcp", "--toolsets", "all"], cwd, data)
    for line in r.stdout.decode(errors="replace").splitlines():
        m = json.loads(line)
        if m.get("id") == 2:
            return m.get("result", m)
    return {"no reply": r.stdout[-500:], "stderr": r.stderr[-500:], "rc": r.returncode}


def plant(kind, ws, canary, art, side):
    name, where, link, post, _ = kind
    where = where.replace("@ART", art).replace("@SIDE", side)
    p = os.path.join(ws, where)
    if link is not None:
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        elif os.path.lexists(p):
            os.unlink(p)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.symlink(os.path.join(canary, link), p)
        return
    if os.path.lexists(p):
        os.unlink(p)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if post == "fifo":
        os.mkfifo(p)
    elif post.startswith("hard:"):
        os.link(os.path.join(canary, post[5:]), p)


def check_kind(kind, base, origin, art, side, only_cmds=None):
    name, where, link, post, refused = kind
    canary = os.path.join(base, "canary")
    repo = os.path.join(base, f"repo-{name}")
    shutil.copytree(origin, repo, symlinks=True)
    # The attacker commits everything, the machine-local files included;
    # no active session (.active is ignored by git), unless that is the bait.
    if name != "active":
        os.unlink(os.path.join(repo, ".ruru/sessions/.active"))
    if link is not None:
        plant(kind, repo, canary, art, side)
    must(["git", "add", "-A", "-f", "."], repo)
    must(["git", "commit", "-q", "-m", "hostile"], repo)
    pristine = os.path.join(base, f"clone-{name}")
    must(["git", "clone", "-q", repo, pristine], base)
    if link is not None:
        wl = os.path.join(pristine, where.replace("@ART", art).replace("@SIDE", side))
        if not ok(os.path.islink(wl), f"{name}: the clone holds the committed symlink"):
            return
    for cmd, (argv, stdin, tool, margs) in commands(art).items():
        if only_cmds and cmd not in only_cmds:
            continue
        for via in ("cli", "mcp"):
            if via == "mcp" and (tool is None or cmd not in refused):
                continue  # MCP: the commands that must be refused
            ws = os.path.join(base, "work")
            if os.path.lexists(ws):
                shutil.rmtree(ws)
            shutil.copytree(pristine, ws, symlinks=True)
            if post:  # FIFOs and hard links: made in the clone
                plant(kind, ws, canary, art, side)
            before = outside_sum(base, ws)
            try:
                if via == "cli":
                    r = run(argv, ws, stdin)
                    got = r.returncode
                    detail = r.stderr.decode(errors="replace")
                else:
                    res = mcp_call(ws, tool, margs)
                    got = "refused" if res.get("isError") and "unsafe path" in json.dumps(
                        res) else ("error" if res.get("isError") else 0)
                    detail = json.dumps(res)[:1500]
            except subprocess.TimeoutExpired:
                got, detail = "hung", "timed out"
            after = outside_sum(base, ws)
            label = f"{name}: {via} {cmd}"
            ok(after == before, f"{label}: nothing outside the clone changed", detail)
            if cmd in refused:
                want = 6 if via == "cli" else "refused"
                ok(got == want, f"{label}: refused ({want})", f"got {got}: {detail}")
            else:
                ok(got != "hung" and (not isinstance(got, int) or got in range(0, 7)),
                   f"{label}: ends normally", f"got {got}: {detail}")
            shutil.rmtree(ws, ignore_errors=True)


def main():
    want = set(sys.argv[1:])
    base = tempfile.mkdtemp(prefix="ruru-hostile.")
    try:
        origin, art, side = make_origin(base)
        make_canary(base, origin)
        kinds = [k for k in KINDS if not want or k[0] in want]
        ok(len(kinds) > 0, "kinds selected", sys.argv[1:])
        for kind in kinds:
            check_kind(kind, base, origin, art, side)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
