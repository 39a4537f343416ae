#!/usr/bin/env python3
"""differential.py — ruru's TOML parser against Python's tomllib, on
documents this script writes: the TOML engine is held without the official
toml-test cases (which live outside the repository).

  tests/toml/differential.py RURU [COUNT] [SEED]

A seeded generator writes COUNT documents (tables, arrays of tables,
dotted and quoted keys, inline tables, nested arrays, every string form with
escapes and Unicode, integers in four bases with underscores, floats with
exponents, inf and nan, booleans, the four date-time kinds; keys spelled
bare, quoted and escaped, so that some collide and make the document
invalid, which tomllib and ruru must both notice) and, from each,
an invalid one by one mutation known to break TOML (a duplicate key, a
table defined twice, an unclosed string or array, a bad escape, a leading
zero, a missing value, a newline in an inline table, a control character).
For every document `RURU toml decode FILE` must agree with tomllib: the same
tagged JSON (compared as compare.py compares toml-test's) when tomllib
accepts it, exit status 4 and one "ruru: FILE:LINE:COL: message" line when
tomllib refuses it.  One TAP line per document; a failure shows the file.
"""
import datetime
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import LINE, same  # noqa: E402


# ------------------------------------------------------------ tagged JSON

def tagged(v):
    """A Python value from tomllib as toml-test's tagged JSON."""
    if isinstance(v, bool):
        return {"type": "bool", "value": "true" if v else "false"}
    if isinstance(v, int):
        # TOML 1.0: an integer that does not fit in 64 bits is an error;
        # tomllib keeps Python's unbounded int.
        if not -2**63 <= v < 2**63:
            raise OverflowError(v)
        return {"type": "integer", "value": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            s = "nan"
        elif math.isinf(v):
            s = "inf" if v > 0 else "-inf"
        else:
            s = repr(v)
        return {"type": "float", "value": s}
    if isinstance(v, str):
        return {"type": "string", "value": v}
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            return {"type": "datetime-local", "value": v.isoformat()}
        off = v.utcoffset()
        utc = (v - off).replace(tzinfo=None)
        return {"type": "datetime", "value": utc.isoformat() + "Z"}
    if isinstance(v, datetime.date):
        return {"type": "date-local", "value": v.isoformat()}
    if isinstance(v, datetime.time):
        return {"type": "time-local", "value": v.isoformat()}
    if isinstance(v, list):
        return [tagged(x) for x in v]
    if isinstance(v, dict):
        return {k: tagged(x) for k, x in v.items()}
    raise TypeError(type(v))


# -------------------------------------------------------------- generator

WORDS = ["alpha", "beta", "gamma", "delta", "name", "key", "value", "port", "x", "y",
         "über", "日本", "a b", "tab\tkey", "q\"uote", "1234", "true", "inf", "-", "_"]
BARE = [w for w in WORDS if all(c.isascii() and (c.isalnum() or c in "-_") for c in w)]


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    def key(self):
        w = self.r.choice(WORDS)
        if w in BARE and self.r.random() < 0.7:
            return w
        if self.r.random() < 0.5 and "'" not in w and "\t" not in w:
            return "'" + w + "'"
        return self.basic(w)

    def basic(self, s):
        out = []
        for c in s:
            if c == '"':
                out.append('\\"')
            elif c == "\\":
                out.append("\\\\")
            elif c == "\t":
                out.append(self.r.choice(["\\t", "\t", "\\u0009"]))
            elif ord(c) > 127 and self.r.random() < 0.4:
                cp = ord(c)
                out.append("\\u%04X" % cp if cp < 0x10000 else "\\U%08X" % cp)
            else:
                out.append(c)
        return '"' + "".join(out) + '"'

    def string(self):
        text = self.r.choice(["", "plain", "with \"quotes\"", "back\\slash", "é ñ 中文 😀",
                              "tab\there", "line\nbreak", "  spaces  ", "$ # = [ ] { }"])
        kind = self.r.randrange(4)
        if kind == 0 or "\n" in text and kind == 1:
            return self.basic(text).replace("\n", "\\n")
        if kind == 1 and "'" not in text and "\n" not in text:
            return "'" + text + "'"
        if kind == 2:
            body = text.replace("\\", "\\\\").replace('"""', '""\\"')
            lead = "\n" if self.r.random() < 0.5 else ""
            cont = "\\\n   " if self.r.random() < 0.3 else ""
            return '"""' + lead + body + cont + '"""'
        if "'''" not in text:
            lead = "\n" if self.r.random() < 0.5 else ""
            return "'''" + lead + text + "'''"
        return self.basic(text).replace("\n", "\\n")

    def integer(self):
        n = self.r.choice([0, 1, -1, 7, 42, 1000, 123456789, -9223372036854775808,
                           9223372036854775807, self.r.randrange(-10**6, 10**6)])
        form = self.r.randrange(5)
        if n >= 0 and form == 1:
            return hex(n).replace("0x", "0x").upper().replace("0X", "0x")
        if n >= 0 and form == 2:
            return "0o" + format(n, "o")
        if n >= 0 and form == 3:
            return "0b" + format(n, "b")
        s = str(n)
        if form == 4 and len(s.lstrip("-+")) > 3:
            digits = s.lstrip("-")
            grouped = "_".join(digits[max(0, i - 3):i] for i in range(len(digits), 0, -3)[::-1])
            s = ("-" if n < 0 else "") + grouped
        elif n > 0 and self.r.random() < 0.2:
            s = "+" + s
        return s

    def float_(self):
        return self.r.choice(["0.0", "-0.0", "+1.5", "3.14159", "1e10", "1E-7", "-2.5e+3",
                              "6.02_214e23", "1_000.000_1", "inf", "-inf", "+inf", "nan",
                              "-nan", "5e-324", "1.7976931348623157e308", "0.1",
                              repr(self.r.uniform(-1e6, 1e6))])

    def datetime_(self):
        d = "%04d-%02d-%02d" % (self.r.randrange(1, 9999), self.r.randrange(1, 13),
                                self.r.randrange(1, 29))
        t = "%02d:%02d:%02d" % (self.r.randrange(24), self.r.randrange(60), self.r.randrange(60))
        if self.r.random() < 0.3:
            t += "." + str(self.r.randrange(1, 999999)).rjust(self.r.choice([1, 3, 6]), "0")[:6]
        off = self.r.choice(["Z", "z", "+00:00", "-07:00", "+05:30", ""])
        sep = self.r.choice(["T", "t", " "])
        kind = self.r.randrange(4)
        if kind == 0:
            return d
        if kind == 1:
            return t
        if kind == 2:
            return d + sep + t
        return d + sep + t + (off or "Z")

    def scalar(self):
        k = self.r.randrange(6)
        return [self.string, self.integer, self.float_, lambda: self.r.choice(["true", "false"]),
                self.datetime_, self.string][k]()

    def value(self, depth=0):
        k = self.r.randrange(10)
        if depth < 3 and k == 0:
            items = [self.value(depth + 1) for _ in range(self.r.randrange(4))]
            sep = self.r.choice([", ", ",", ",\n  "])
            trail = "," if items and self.r.random() < 0.3 else ""
            return "[" + sep.join(items) + trail + "]"
        if depth < 3 and k == 1:
            return self.inline(depth + 1)
        return self.scalar()

    def inline(self, depth):
        keys = []
        parts = []
        for _ in range(self.r.randrange(4)):
            k = self.key()
            if k in keys:
                continue
            keys.append(k)
            parts.append(k + " = " + self.value(depth))
        return "{" + ", ".join(parts) + "}" if parts else "{}"

    def pairs(self, used):
        lines = []
        for _ in range(self.r.randrange(1, 5)):
            k = self.key()
            if self.r.random() < 0.2:
                k = k + "." + self.key()
            head = k.split(".")[0]
            if k in used or head in used:
                continue
            used.add(k)
            used.add(head)
            comment = "  # note" if self.r.random() < 0.2 else ""
            lines.append(k + " = " + self.value() + comment)
        return lines

    def document(self):
        lines = ["# generated"]
        used = set()
        lines += self.pairs(used)
        tables = set()
        for _ in range(self.r.randrange(4)):
            name = self.key()
            if name in used or name in tables:
                continue
            if self.r.random() < 0.3:
                tables.add(name)
                used.add(name)
                for _ in range(self.r.randrange(1, 3)):
                    lines.append("")
                    lines.append("[[" + name + "]]")
                    lines += self.pairs(set())
                continue
            tables.add(name)
            used.add(name)
            lines.append("")
            lines.append("[" + name + "]")
            lines += self.pairs(set())
            if self.r.random() < 0.3:
                sub = self.key()
                lines.append("[" + name + "." + sub + "]")
                lines += self.pairs(set())
        eol = "\r\n" if self.r.random() < 0.1 else "\n"
        return eol.join(lines) + eol


MUTATIONS = [
    lambda d, r: d + "dup = 1\ndup = 2\n",
    lambda d, r: d + "[t]\n[t]\n",
    lambda d, r: d + 's = "unclosed\n',
    lambda d, r: d + "a = [1, 2\n",
    lambda d, r: d + 'e = "\\q"\n',
    lambda d, r: d + "n = 012\n",
    lambda d, r: d + "m =\n",
    lambda d, r: d + "i = {a = 1,\n b = 2}\n",
    lambda d, r: d + 'c = "bell\x07"\n',
    lambda d, r: d + "k = 1979-13-01\n",
    lambda d, r: d + "= 1\n",
    lambda d, r: d + "x = 1 2\n",
    lambda d, r: d + "u = 9223372036854775808\n",
    lambda d, r: d + "t = 24:00:00\n",
]


# ------------------------------------------------------------------- run

def decode(ruru, path):
    return subprocess.run([ruru, "toml", "decode", path], capture_output=True, timeout=5)


def main():
    ruru = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 150
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261124
    rnd = random.Random(seed)
    g = Gen(rnd)
    docs = []
    for i in range(count):
        d = g.document()
        docs.append(("doc-%03d" % i, d))  # valid but for near-miss duplicate keys
        docs.append(("mutant-%03d" % i, rnd.choice(MUTATIONS)(d, rnd)))
    print("1..%d" % len(docs))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="ruru-toml-diff-") as tmp:
        for n, (name, text) in enumerate(docs, 1):
            path = os.path.join(tmp, name + ".toml")
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            try:
                want = tagged(tomllib.loads(text))
            except (tomllib.TOMLDecodeError, OverflowError):
                want = None
            r = decode(ruru, path)
            why = None
            if want is not None:
                if r.returncode != 0 or r.stderr:
                    why = "tomllib accepts it, ruru exits %d: %s" % (
                        r.returncode, r.stderr.decode(errors="replace").strip())
                else:
                    got = json.loads(r.stdout)
                    if not same(want, got):
                        why = "decoded differently:\n  want %s\n  got  %s" % (
                            json.dumps(want)[:600], r.stdout.decode(errors="replace")[:600])
            else:
                lines = r.stderr.decode(errors="replace").splitlines()
                if r.returncode != 4:
                    why = "tomllib refuses it, ruru exits %d" % r.returncode
                elif len(lines) != 1 or not LINE.match(lines[0]):
                    why = "stderr is not one FILE:LINE:COL line: %r" % lines
            if why:
                failed += 1
                print("not ok %d - %s" % (n, name))
                for line in (why + "\ndocument:\n" + text).splitlines():
                    print("# " + line)
            else:
                print("ok %d - %s (%s)" % (n, name, "accepted" if want is not None else "refused"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
