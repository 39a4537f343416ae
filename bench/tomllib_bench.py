#!/usr/bin/env python3
"""tomllib_bench.py FILE RUNS — median seconds of one tomllib.loads()."""
import statistics
import sys
import time
import tomllib

text = open(sys.argv[1], encoding='utf-8').read()
times = []
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    tomllib.loads(text)
    times.append(time.perf_counter() - t0)
print(f'{statistics.median(times):.6f}')
