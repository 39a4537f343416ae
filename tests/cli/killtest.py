#!/usr/bin/env python3
"""killtest.py RURU LOG N — run `ruru log` in a loop and SIGKILL it at random
moments N times.  Afterwards the log must parse and hold every entry whose
command exited 0.  Half the writes change the front matter (a rewrite), half
are appends."""
import random, subprocess, sys, time

from killing import assert_kept, kill_if_running, shown_messages

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
    k, ok = kill_if_running(p)
    killed += k
    if ok:
        acked.append(msg)

out = subprocess.run([ruru, "toml", "decode", log], capture_output=True)
assert out.returncode == 0, ("log does not parse", out.stderr)
messages = shown_messages(ruru)
assert_kept(acked, messages, messages)
print(f"{killed} kills, {len(acked)} acknowledged writes, {len(messages)} entries", file=sys.stderr)
