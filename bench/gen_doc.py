#!/usr/bin/env python3
"""gen_doc.py — write a representative TOML document of at least SIZE MB
(default 6) for the decode benchmark: session-log-like tables with strings,
date-times, arrays of strings, integers, floats, booleans, inline tables,
comments, multi-line strings and arrays of tables.

  bench/gen_doc.py OUT [SIZE_MB]
"""
import random
import sys

out, size = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 6
rnd = random.Random(42)
words = 'auth refactor login api cache queue deploy build test docs fix perf ui db sync'.split()
parts = ['# generated benchmark document\ntitle = "ruru bench"\nversion = 3\n\n']
total = 0
i = 0
while total < size * 1e6:
    i += 1
    w = rnd.sample(words, 3)
    s = (f'[[session]]\n'
         f'# session number {i}\n'
         f'id = "SESSION-{w[0].title()}{w[1].title()}-26112{i % 10}{i % 60:02d}"\n'
         f'title = "{w[0]} the {w[1]} of {w[2]} \\u00e9 {i}"\n'
         f'status = "🟢 Active"\n'
         f'start_time = 2026-11-24T03:{i % 60:02d}:20Z\n'
         f'end_time = 2026-11-24T05:{i % 60:02d}:21.123+01:00\n'
         f'coordinator = \'roo-commander\'\n'
         f'related_tasks = [\n    "TASK-DEV-{i}",\n    "TASK-QA-{i}", # reviewed\n]\n'
         f'related_artifacts = ["artifacts/{w[0]}.md", "artifacts/{w[1]}_{i}.txt"]\n'
         f'tags = {rnd.sample(words, 4)!r}\n'.replace("'", '"') +
         f'entries = {rnd.randint(0, 10**6)}\n'
         f'ratio = {rnd.random():.6f}\n'
         f'big = 1_000_{i % 1000:03d}\n'
         f'hex = 0x{i:04x}\n'
         f'done = {"true" if i % 2 else "false"}\n'
         f'owner = {{ name = "{w[2]}", mode = "dev-{w[0]}", since = 2026-01-0{1 + i % 9} }}\n'
         f'notes = """\nline one of {w[0]}\nline two\n"""\n'
         f'limits.max_entries = {i * 7}\n'
         f'limits.window = "{i % 24}h"\n\n')
    parts.append(s)
    total += len(s.encode())
with open(out, 'w') as f:
    f.write(''.join(parts))
