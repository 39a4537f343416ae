#!/usr/bin/env python3
"""killtest.py RURU LOG N — run `ruru log` in a loop and SIGKILL it at random
moments N times.  Afterwards the log must parse and hold every entry whose
command exited 0.  Half the writes change the front matter (a rewrite), half
are appends."""
import json, os, random, signal, subprocess, sys, time

ruru, log, kills = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(12345)
acked, killed, i = [], 0, 0
while killed < kills:
    i += 1
    msg = f"kill-test-{i}"
    args = [ruru, "log", msg]
    if i % 2:
        args = [ruru, "log", "--type", "delegation", "--task", f"TASK-K-{i}", msg]
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.uniform(0, 0.004))
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
        killed += 1
    if p.wait() == 0:
        acked.append(msg)

out = subprocess.run([ruru, "toml", "decode", log], capture_output=True)
assert out.returncode == 0, ("log does not parse", out.stderr)
show = json.loads(subprocess.run([ruru, "--json", "show"], capture_output=True, check=True).stdout)
messages = [e["message"] for e in show["entries"]]
missing = [m for m in acked if m not in messages]
assert not missing, ("acknowledged entries lost", missing[:5])
assert len(messages) == len(set(messages)), "an entry was doubled"
print(f"{killed} kills, {len(acked)} acknowledged writes, {len(messages)} entries", file=sys.stderr)
