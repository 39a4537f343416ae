#!/usr/bin/env python3
"""layers.py — the library's module graph read from its object files.

    scripts/layers.py [BUILD]        (default: build)

`nm` on every build/src/lib/LAYER/*.o says which file defines each global
symbol and which files use it; a use of a symbol another library file
defines is an edge between the two files.  The layer of a file is its
folder, ranked as doc/HACKING.md draws them:

    base < store < toml < log < confirm < flow < index = hosts = export

A file may call its own layer and the ones below it, never one above; and
no two files may call each other, directly or round a longer circle (one
layer's files form a graph without circles too).  Prints every upward call
and every circle, then one line "N circles, N upward calls"; exits 1 when
either is not 0.
"""
import collections, glob, os, subprocess, sys

RANK = {'base': 0, 'store': 1, 'toml': 2, 'log': 3, 'confirm': 4, 'flow': 5,
        'index': 6, 'hosts': 6, 'export': 6}

build = sys.argv[1] if len(sys.argv) > 1 else 'build'
objs = sorted(glob.glob(os.path.join(build, 'src/lib/*/*.o')))
if not objs:
    sys.exit(f'layers.py: no object files under {build}/src/lib (run make first)')

def name(o):
    return os.path.relpath(o, os.path.join(build, 'src/lib'))[:-2] + '.c'

defines, uses = {}, collections.defaultdict(set)
bad = []
for o in objs:
    layer = name(o).split('/')[0]
    if layer not in RANK:
        bad.append(f'{name(o)}: folder "{layer}" has no rank in scripts/layers.py')
    out = subprocess.run(['nm', '-P', o], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        sym, kind = f[0], f[1]
        if kind == 'U':
            uses[name(o)].add(sym)
        elif kind in 'TDRBCGSV':       # global: text, data, rodata, bss, common
            defines[sym] = name(o)

edges = collections.defaultdict(lambda: collections.defaultdict(set))
for user, syms in uses.items():
    for s in syms:
        d = defines.get(s)
        if d and d != user:
            edges[user][d].add(s)

def rank(f):
    return RANK.get(f.split('/')[0], 99)

upward = []
for a in sorted(edges):
    for b in sorted(edges[a]):
        if rank(b) > rank(a):
            upward.append(f'up: {a} calls {b}: {" ".join(sorted(edges[a][b]))}')

# circles: the strongly connected components of more than one file (Tarjan)
index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
sys.setrecursionlimit(10000)
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v:
                break
        if len(c) > 1:
            comps.append(sorted(c))
for v in sorted({name(o) for o in objs}):
    if v not in index:
        visit(v)
circles = []
for c in comps:
    inside = [f'{a} -> {b} ({" ".join(sorted(edges[a][b])[:3])})'
              for a in c for b in sorted(edges[a]) if b in c]
    circles.append(f'circle of {len(c)} files: ' + '; '.join(inside))

for line in bad + upward + circles:
    print(line)
print(f'{len(circles)} circles, {len(upward)} upward calls')
sys.exit(1 if bad or upward or circles else 0)
