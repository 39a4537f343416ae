#!/usr/bin/env python3
"""compare.py — run ruru against the official toml-test cases and print TAP.

  tests/toml/compare.py RURU TOML_TEST_DIR

Valid cases: `RURU toml decode FILE` must exit 0 with nothing on stderr and
print tagged JSON equal to the expected .json under toml-test's rules
(floats as float64 with nan == nan, datetimes as instants, integers exactly).
Invalid cases: exit status 4 and exactly one stderr line
`ruru: FILE:LINE:COL: message`.  Every case gets 1 s.
Also usable as a module: `same(a, b)` compares two tagged JSON values.
"""
import datetime
import json
import math
import re
import subprocess
import sys

DT = re.compile(r'^(?:(\d{4})-(\d{2})-(\d{2}))?[Tt ]?(?:(\d{2}):(\d{2}):(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?$')


def instant(kind, text):
    m = DT.match(text)
    if not m:
        return ('bad', text)
    y, mo, d, h, mi, s, frac, off = m.groups()
    ns = int((frac[1:] + '000000000')[:9]) if frac else 0
    days = datetime.date(int(y), int(mo), int(d)).toordinal() if y else 0
    secs = days * 86400 + (int(h) * 3600 + int(mi) * 60 + int(s) if h else 0)
    if kind == 'datetime':
        if not off:
            return ('bad', text)
        if off not in 'Zz':
            sign = -1 if off[0] == '-' else 1
            secs -= sign * (int(off[1:3]) * 3600 + int(off[4:6]) * 60)
    elif off:
        return ('bad', text)
    return (secs, ns)


def scalar_same(a, b):
    t = a.get('type')
    if t != b.get('type'):
        return False
    x, y = a.get('value'), b.get('value')
    if not isinstance(x, str) or not isinstance(y, str):
        return False
    if t == 'float':
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        return (math.isnan(fx) and math.isnan(fy)) or fx == fy
    if t == 'integer':
        try:
            return int(x) == int(y)
        except ValueError:
            return False
    if t in ('datetime', 'datetime-local', 'date-local', 'time-local'):
        return instant(t, x) == instant(t, y) and instant(t, x)[0] != 'bad'
    return x == y


def is_scalar(v):
    return isinstance(v, dict) and set(v) == {'type', 'value'} and isinstance(v.get('type'), str)


def same(a, b):
    if is_scalar(a) or is_scalar(b):
        return is_scalar(a) and is_scalar(b) and scalar_same(a, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return False


LINE = re.compile(r'^ruru: (.+):(\d+):(\d+): \S.*$')


def main():
    ruru, root = sys.argv[1], sys.argv[2]
    with open(f'{root}/files-toml-1.0.0') as f:
        cases = [c.strip() for c in f if c.strip().endswith('.toml')]
    print(f'1..{len(cases)}')
    failed = 0
    for n, case in enumerate(cases, 1):
        path = f'{root}/{case}'
        why = None
        try:
            r = subprocess.run([ruru, 'toml', 'decode', path], capture_output=True, timeout=1)
        except subprocess.TimeoutExpired:
            r, why = None, 'timed out (1 s)'
        if r is not None and case.startswith('valid/'):
            with open(path[:-5] + '.json', 'rb') as f:
                want = json.load(f)
            if r.returncode != 0 or r.stderr:
                why = f'exit {r.returncode}: {r.stderr.decode(errors="replace").strip()}'
            else:
                try:
                    got = json.loads(r.stdout)
                except ValueError as e:
                    got, why = None, f'bad JSON: {e}'
                if why is None and not same(want, got):
                    why = 'decoded differently:\n#   want ' + json.dumps(want)[:400] + \
                          '\n#   got  ' + r.stdout.decode(errors='replace')[:400]
        elif r is not None:
            lines = r.stderr.decode(errors='replace').splitlines()
            if r.returncode != 4:
                why = f'exit {r.returncode}, want 4'
            elif len(lines) != 1 or not LINE.match(lines[0]) or not lines[0].startswith(f'ruru: {path}:'):
                why = f'stderr is not one FILE:LINE:COL line: {lines!r}'
            elif r.stdout:
                why = 'printed something on stdout'
        if why:
            failed += 1
            print(f'not ok {n} - {case}')
            for line in why.splitlines():
                print(f'# {line}')
        else:
            print(f'ok {n} - {case}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
