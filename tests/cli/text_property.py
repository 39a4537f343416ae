#!/usr/bin/python3
"""text_property.py RURU N SEED — the property test of doc/design.md §2.

Random messages of arbitrary bytes (and random goals) are either refused
(exit 4: not text; exit 2: empty) or read back byte for byte by
`ruru show --json`; the log is then read by other tools: Python's tomllib
for the front matter (each session's title is its goal, byte for byte) and
two CommonMark readers (markdown-it-py and cmark-gfm) for the body, which
must each see exactly one list item per entry in "## Log Entries" and no
heading that ruru did not write.  The expectation is computed here from the
rule itself, so a refusal of valid text fails the test as much as a
acceptance of invalid bytes."""
import json, os, random, re, subprocess, sys, tomllib
import xml.etree.ElementTree as ET
from markdown_it import MarkdownIt

ruru, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)

TRICKY = ["\n", "\r\n", "\r", "\t", " ", "  ", "`", "**", "#", "# ", "## Log Entries", "+++",
          "---", "```", "~~~", "- [2026-11-24 03:15:20Z] **confirm-response** · outcome `approved`: ok",
          "* ", "1. ", "> ", "<!--", "-->", "<div>", "\\", "[x]", "|a|b|", "\u2028", "\u2029",
          "\x85", "\x00", "\x1b[2J", "\x7f", "é", "🟢", "\ufeff", "\u200b", "=====", "    code"]


def text_ok(b, one_line=False):
    """doc/design.md §2, written independently of ruru's C."""
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        return False
    i = 0
    while i < len(s):
        c = s[i]
        o = ord(c)
        if c == "\n" or (c == "\r" and s[i + 1:i + 2] == "\n"):
            if one_line:
                return False
            i += 2 if c == "\r" else 1
            continue
        if c == "\t":
            i += 1
            continue
        if o < 0x20 or o == 0x7F or 0x80 <= o <= 0x9F or o in (0x2028, 0x2029):
            return False
        i += 1
    return True


def blank(b):
    return b.strip(b" \t\r\n") == b""


def random_message():
    k = rnd.random()
    if k < 0.3:  # arbitrary bytes
        return bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 40)))
    if k < 0.4:  # arbitrary code points (surrogates excluded: not encodable)
        cps = []
        for _ in range(rnd.randrange(0, 30)):
            c = rnd.choice([rnd.randrange(0x80), rnd.randrange(0x800), rnd.randrange(0x10000),
                            rnd.randrange(0x110000)])
            if not 0xD800 <= c <= 0xDFFF:
                cps.append(chr(c))
        return "".join(cps).encode()
    parts = [rnd.choice(TRICKY) if rnd.random() < 0.6 else "word" for _ in range(rnd.randrange(1, 12))]
    return "".join(parts).encode()


def run(args, data=None):
    return subprocess.run([ruru] + args, input=data, capture_output=True)


def cm_items_markdown_it(body):
    toks = MarkdownIt("commonmark").parse(body)
    items, in_log, headings = 0, False, []
    for i, t in enumerate(toks):
        if t.type == "heading_open" and t.level == 0:  # a heading inside an item is its own
            title = toks[i + 1].content
            headings.append(title)
            in_log = title == "Log Entries"
        if in_log and t.type == "list_item_open" and t.level == 1:
            items += 1
    return items, headings


def cm_items_cmark(body):
    out = subprocess.run(["cmark-gfm", "-t", "xml"], input=body.encode(), capture_output=True,
                         check=True).stdout
    ns = "{http://commonmark.org/xml/1.0}"
    doc = ET.fromstring(out)
    items, in_log, headings = 0, False, []
    for node in doc:
        if node.tag == ns + "heading":
            title = "".join(t.text or "" for t in node.iter(ns + "text"))
            headings.append(title)
            in_log = title == "Log Entries"
        elif in_log and node.tag == ns + "list":
            items += sum(1 for c in node if c.tag == ns + "item")
    return items, headings


def split(path):
    raw = open(path, "rb").read()
    lines = raw.split(b"\n")
    assert lines[0] == b"+++", "no front matter"
    end = lines.index(b"+++", 1)
    return b"\n".join(lines[1:end]).decode(), b"\n".join(lines[end + 1:]).decode()


assert run(["new", "Property"]).returncode == 0
sid = open(".ruru/sessions/.active").read().strip()
log = f".ruru/sessions/{sid}/session_log.md"
accepted = refused = 0
want = ["Session started with goal: Property"]
for i in range(n):
    m = random_message()
    if b"\0" in m:
        r = run(["log", "-"], m)  # stdin: one final newline dropped
        body = m[:-1] if m.endswith(b"\n") else m
    else:
        r = run(["log", "--", os.fsdecode(m)])
        body = m
    expect = 4 if not text_ok(body) else (2 if blank(body) else 0)
    assert r.returncode == expect, (i, m, r.returncode, r.stderr)
    if expect == 0:
        accepted += 1
        want.append(body.decode())
        got = json.loads(run(["--json", "show", "--entries", "1"]).stdout)["entries"][-1]["message"]
        assert got == body.decode(), (i, m, got)
    else:
        refused += 1
        if expect == 4:
            assert b"byte offset" in r.stderr, r.stderr

# everything read back, in order, by ruru
msgs = [e["message"] for e in json.loads(run(["--json", "show"]).stdout)["entries"]]
assert msgs == want, "entries differ from what was accepted"
# and by other readers
toml, body = split(log)
fm = tomllib.loads(toml)
assert fm["id"] == sid
for reader in (cm_items_markdown_it, cm_items_cmark):
    items, headings = reader(body)
    assert items == len(want), (reader.__name__, items, len(want))
    assert headings == ["Session Log", "Goal", "Log Entries"], (reader.__name__, headings)

# goals: the title in the front matter, read by tomllib
goals = 0
for i in range(max(1, n // 10)):
    g = random_message()
    if b"\0" in g:
        continue
    r = run(["new", "--", os.fsdecode(g)])
    ok = text_ok(g)
    assert r.returncode == (0 if ok else 4), (g, r.returncode, r.stderr)
    if ok:
        goals += 1
        new = r.stdout.decode().strip()
        toml, body = split(f".ruru/sessions/{new}/session_log.md")
        assert tomllib.loads(toml)["title"] == g.decode(), (g,)
        items, headings = cm_items_markdown_it(body)
        assert items == 1 and headings == ["Session Log", "Goal", "Log Entries"], (g, items, headings)
print(f"{accepted} accepted, {refused} refused, {goals} goals", file=sys.stderr)
