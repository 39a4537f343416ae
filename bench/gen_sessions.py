#!/usr/bin/env python3
"""gen_sessions.py ROOT — make the benchmark workspaces' sessions:
  SESSION-Small (10 entries), SESSION-Big (100,000 entries); with
  --many N, N sessions of 20 entries each instead; with --entries N, one
  session SESSION-N<N> of N entries instead; in ruru's own format."""
import os, sys

def log(path, sid, n, title):
    os.makedirs(os.path.join(path, "artifacts"), exist_ok=True)
    with open(os.path.join(path, "session_log.md"), "w", encoding="utf-8") as f:
        f.write(f'+++\nid = "{sid}"\ntitle = "{title}"\nstatus = "🟢 Active"\n'
                f'start_time = 2026-11-{1 + n % 28:02d}T03:15:20Z\nend_time = ""\n'
                'coordinator = "roo-commander"\nrelated_tasks = []\nrelated_artifacts = []\n'
                'tags = ["bench"]\n+++\n\n# Session Log\n\n## Goal\n\n## Log Entries\n\n')
        for i in range(n):
            f.write(f"- [2026-11-24 03:{i // 60 % 60:02d}:{i % 60:02d}Z] **delegation** · "
                    f"mode `dev-python` · task `TASK-DEV-{i}`: entry number {i} of the benchmark\n")

root = sys.argv[1]
sessions = os.path.join(root, ".ruru", "sessions")
if "--many" in sys.argv:
    n = int(sys.argv[sys.argv.index("--many") + 1])
    for k in range(n):
        sid = f"SESSION-Bench_{k:05d}-2611{k % 28 + 1:02d}0315"
        log(os.path.join(sessions, sid), sid, 20, f"Benchmark session {k}")
elif "--entries" in sys.argv:
    n = int(sys.argv[sys.argv.index("--entries") + 1])
    log(os.path.join(sessions, f"SESSION-N{n}"), f"SESSION-N{n}", n, f"{n} entries")
else:
    log(os.path.join(sessions, "SESSION-Small"), "SESSION-Small", 10, "small")
    log(os.path.join(sessions, "SESSION-Big"), "SESSION-Big", 100000, "big")
