#!/usr/bin/env python3
"""search_diff.py RURU WORKSPACE [SEED] — differential test of `ruru search`.

Builds a corpus of session logs (in ruru's entry format) and text artifacts
from a model kept here, runs random queries through `ruru search --json
--limit 0` and compares the set of hits with what a plain scan of the model
finds.  Then it changes the files the ways people and tools do — entries
appended in place, a hand edit in the middle of a log (same inode), a
deleted session, a renamed session folder, a truncated log, a new artifact,
an artifact rewritten — and after each change the next searches must agree
with the scan again.  Prints TAP-ish progress; exits 1 on the first
disagreement with the query and both answers.
"""
import json, os, random, re, shutil, subprocess, sys

ruru, ws = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rnd = random.Random(seed)
WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
         "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee "
         "zulu auth token login cache parser index merge branch deploy schema widget "
         "gadget").split()
# Zipf-like: a few common words, many rare ones.
WEIGHTS = [1.0 / (i + 1) for i in range(len(WORDS))]
TYPES = ["note", "decision", "delegation", "result", "error", "prompt"]
MODES = [None, "dev-python", "dev-react", "util-writer"]
sdir = os.path.join(ws, ".ruru", "sessions")


def words(n):
    return " ".join(rnd.choices(WORDS, WEIGHTS, k=n))


def tokens(text):
    return re.findall(r"[0-9a-z]+", (text or "").lower())


class Session:
    def __init__(self, sid):
        self.sid = sid
        self.title = words(3)
        self.goal = words(8)
        self.tags = rnd.sample(WORDS, 2)
        self.entries = []  # [type, mode, task, message]
        self.artifacts = {}  # name -> text
        for _ in range(rnd.randint(1, 25)):
            self.entries.append(new_entry())

    def render(self):
        """Text of the log and, per entry, its line number."""
        head = ["+++", f'id = "{self.sid}"', f'title = "{self.title}"', 'status = "🟢 Active"',
                "start_time = 2026-11-24T03:15:20Z", 'end_time = ""',
                'coordinator = "roo-commander"', "related_tasks = []",
                "related_artifacts = []",
                "tags = [" + ", ".join(f'"{t}"' for t in self.tags) + "]", "+++", "",
                "# Session Log", "", "## Goal", "", self.goal, "", "## Log Entries", ""]
        lines = list(head)
        at = []
        for i, (typ, mode, task, msg) in enumerate(self.entries):
            at.append(len(lines) + 1)
            stamp = f"2026-11-24 {3 + i // 3600 % 20:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z"
            first = f"- [{stamp}] **{typ}**"
            if mode:
                first += f" · mode `{mode}`"
            if task:
                first += f" · task `{task}`"
            msg_lines = msg.split("\n")
            lines.append(first + ": " + msg_lines[0])
            lines.extend("  " + m for m in msg_lines[1:])
        return "\n".join(lines) + "\n", at

    def folder(self):
        return os.path.join(sdir, self.sid)

    def write(self, inplace=False):
        os.makedirs(os.path.join(self.folder(), "artifacts"), exist_ok=True)
        text, _ = self.render()
        path = os.path.join(self.folder(), "session_log.md")
        if inplace:  # same inode, like an editor that writes in place
            with open(path, "r+", encoding="utf-8") as f:
                f.seek(0)
                f.write(text)
                f.truncate()
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        for name, body in self.artifacts.items():
            with open(os.path.join(self.folder(), "artifacts", name), "w") as f:
                f.write(body)


def new_entry():
    msg = words(rnd.randint(2, 12))
    if rnd.random() < 0.2:
        msg += "\n" + words(rnd.randint(1, 6))
    task = f"TASK-{rnd.choice(WORDS).upper()}-{rnd.randint(1, 9)}" if rnd.random() < 0.3 else None
    return [rnd.choice(TYPES), rnd.choice(MODES), task, msg]


def gen_query():
    """(query text, predicate over a list of token lists (one per column))."""
    parts, preds = [], []
    for _ in range(rnd.randint(1, 3)):
        alts = []
        for _ in range(1 if rnd.random() < 0.7 else 2):
            r = rnd.random()
            w = rnd.choices(WORDS, WEIGHTS)[0]
            if r < 0.65:
                alts.append((w, lambda cols, w=w: any(w in c for c in cols)))
            elif r < 0.82:
                p = w[: rnd.randint(2, 3)]
                alts.append((p + "*", lambda cols, p=p: any(t.startswith(p) for c in cols for t in c)))
            else:
                w2 = rnd.choices(WORDS, WEIGHTS)[0]
                alts.append((f'"{w} {w2}"', lambda cols, a=w, b=w2: any(
                    c[i] == a and c[i + 1] == b for c in cols for i in range(len(c) - 1))))
        parts.append(" OR ".join(a[0] for a in alts))
        preds.append(lambda cols, alts=alts: any(a[1](cols) for a in alts))
    negs = []
    if rnd.random() < 0.3:
        n = rnd.choices(WORDS, WEIGHTS)[0]
        parts.append("-" + n)
        negs.append(n)
    text = " ".join(parts)

    def match(cols):
        return all(p(cols) for p in preds) and not any(n in c for c in cols for n in negs)
    return text, match


def expected(sessions, match):
    hits = set()
    for s in sessions.values():
        log = f".ruru/sessions/{s.sid}/session_log.md"
        _, at = s.render()
        for (typ, mode, task, msg), line in zip(s.entries, at):
            if match([tokens(msg), tokens(typ), tokens(mode), tokens(task)]):
                hits.add(("entry", log, line))
        if match([tokens(s.title + "\n" + s.goal + "\n" + "\n".join(s.tags))]):
            hits.add(("session", log, 1))
        for name, body in s.artifacts.items():
            if match([tokens(body)]):
                hits.add(("artifact", f".ruru/sessions/{s.sid}/artifacts/{name}", 0))
    return hits


def actual(query):
    p = subprocess.run([ruru, "--root", ws, "--json", "search", "--limit", "0", "--", query],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(f"not ok - ruru search {query!r} exited {p.returncode}: {p.stderr}")
        sys.exit(1)
    out = json.loads(p.stdout)
    return {(h["kind"], h["path"], h["line"] if h["kind"] != "artifact" else 0)
            for h in out["hits"]}


checks = 0


def word_query(w):
    return w, lambda cols: any(w in c for c in cols)


def agree(sessions, label, n=12, focus=()):
    """n random queries, and one query per word of `focus` (the words a
    change touched, where a stale index would show)."""
    global checks
    focus = sorted(set(tokens(" ".join(focus))))
    for k in range(n + len(focus)):
        q, match = gen_query() if k < n else word_query(focus[k - n])
        want, got = expected(sessions, match), actual(q)
        checks += 1
        if want != got:
            print(f"not ok - after {label}: query {q!r}")
            print("  missing:", sorted(want - got)[:5])
            print("  extra:  ", sorted(got - want)[:5])
            sys.exit(1)
    print(f"ok - {label}: {n + len(focus)} queries agree")


sessions = {}
for i in range(40):
    s = Session(f"SESSION-diff{i:03d}-2611240315")
    if rnd.random() < 0.3:
        s.artifacts["notes.md"] = words(30) + "\n" + words(20) + "\n"
    sessions[s.sid] = s
    s.write()
agree(sessions, "first build", 25)


def age_folders():
    """Folders an hour old: the index then trusts the names it knows in
    every folder whose stat did not change (no readdir), so what follows
    tests that cache too."""
    old = os.stat(ws).st_mtime - 3600
    for d, subdirs, _ in os.walk(os.path.join(ws, ".ruru", "sessions")):
        os.utime(d, (old, old))


age_folders()
agree(sessions, "folders aged (read from the rows)", 12)
agree(sessions, "again, nothing changed", 6)

for round_ in range(3):
    # appends in place (O_APPEND, as ruru log does)
    touched = []
    for s in rnd.sample(list(sessions.values()), 6):
        old_text = s.render()[0].encode()
        touched.append(s.entries[-1][3])
        for _ in range(rnd.randint(1, 3)):
            s.entries.append(new_entry())
        new_text = s.render()[0].encode()
        assert new_text.startswith(old_text)
        with open(os.path.join(s.folder(), "session_log.md"), "ab") as f:
            f.write(new_text[len(old_text):])
        touched += [e[3] for e in s.entries[-3:]]
    agree(sessions, f"round {round_}: appends", focus=touched)

    # a hand edit in the middle of a log, written in place
    s = rnd.choice([s for s in sessions.values() if len(s.entries) > 3])
    i = rnd.randrange(1, len(s.entries) - 1)
    touched = [s.entries[i][3]]
    s.entries[i][3] = words(rnd.randint(1, 15))
    touched.append(s.entries[i][3])
    s.write(inplace=True)
    # and an edit that keeps the size but changes a word
    s2 = rnd.choice(list(sessions.values()))
    e = s2.entries[0]
    touched.append(e[3])
    e[3] = " ".join(sorted(e[3].split(" "), reverse=True)) if "\n" not in e[3] else e[3]
    s2.write(inplace=True)
    agree(sessions, f"round {round_}: hand edits in the middle", focus=touched)

    # the worst case for an incremental index: a same-length edit before
    # the last entry and an entry appended, in one in-place write (only
    # the hash of what precedes the last entry can tell)
    s = rnd.choice([s for s in sessions.values() if len(s.entries) > 2])
    i = rnd.randrange(0, len(s.entries) - 1)
    old_msg = s.entries[i][3]
    new_msg = "".join(c if c in " \n" else rnd.choice("xyzqj") for c in old_msg)
    s.entries[i][3] = new_msg
    s.entries.append(new_entry())
    s.write(inplace=True)
    agree(sessions, f"round {round_}: same-size edit and append", focus=[old_msg, new_msg])

    # a deleted session
    s = rnd.choice(list(sessions.values()))
    shutil.rmtree(s.folder())
    del sessions[s.sid]
    agree(sessions, f"round {round_}: deleted session", focus=[e[3] for e in s.entries])

    # a renamed session folder
    s = rnd.choice(list(sessions.values()))
    old = s.folder()
    del sessions[s.sid]
    s.sid = s.sid.replace("diff", f"moved{round_}")
    os.rename(old, s.folder())
    sessions[s.sid] = s
    agree(sessions, f"round {round_}: renamed folder", focus=[s.title])

    # a truncated log (cut back to an entry boundary)
    s = rnd.choice([s for s in sessions.values() if len(s.entries) > 2])
    cut = rnd.randint(1, len(s.entries) - 1)
    touched = [e[3] for e in s.entries[cut:]]
    s.entries = s.entries[:cut]
    text, _ = s.render()
    os.truncate(os.path.join(s.folder(), "session_log.md"), len(text.encode()))
    agree(sessions, f"round {round_}: truncated log", focus=touched)

    # artifacts: a new one, one rewritten
    s = rnd.choice(list(sessions.values()))
    s.artifacts[f"new{round_}.txt"] = words(40) + "\n"
    touched = [s.artifacts[f"new{round_}.txt"]]
    for name in list(s.artifacts):
        touched.append(s.artifacts[name])
        s.artifacts[name] = words(25) + "\n"
    s.write()
    agree(sessions, f"round {round_}: artifacts", focus=touched)

    # new sessions
    for k in range(3):
        n = Session(f"SESSION-new{round_}x{k}-2611240316")
        sessions[n.sid] = n
        n.write()
    agree(sessions, f"round {round_}: new sessions")
    age_folders()
    agree(sessions, f"round {round_}: folders aged", 4)

print(f"# {checks} queries agreed with the scan")
