#!/usr/bin/env python3
"""torn_killtest.py RURU LOG N — SIGKILL `ruru log -` while it
appends 1 MB messages, N times.  A torn entry may survive a kill, but never
the next command: after each kill `ruru show --json` must list only whole
messages (every big one byte for byte), `check` may report at most the torn
tail, and after the next write nothing torn is left anywhere.  Every
acknowledged entry reads back."""
import json, os, random, subprocess, sys, time

from killing import assert_kept, kill_if_running, shown_messages

ruru, log, kills = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(4242)
MB = 1 << 20


def big(i):
    # distinct, checkable content; lines so that the entry has continuation lines
    line = (f"big-{i}-" + "x" * 70 + "\n").encode()
    body = line * (MB // len(line))
    return f"BIG {i} START\n".encode() + body + f"BIG {i} END".encode()


def whole(msgs, what):
    for m in msgs:
        if m.startswith("BIG "):
            i = int(m.split()[1])
            assert m.encode() == big(i), f"{what}: entry BIG {i} is torn ({len(m)} bytes)"


acked, killed, i, torn_seen = [], 0, 0, 0
while killed < kills:
    i += 1
    data = big(i)
    size0 = os.stat(log).st_size
    p = subprocess.Popen([ruru, "log", "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.stdin.write(data)
        p.stdin.close()
    except BrokenPipeError:
        pass
    # aim at the write itself: kill as soon as the log starts to grow
    # (every other try at a random moment)
    if i % 2:
        deadline = time.monotonic() + 2
        while p.poll() is None and os.stat(log).st_size == size0 and time.monotonic() < deadline:
            pass
    else:
        time.sleep(random.uniform(0.002, 0.06))
    k, ok = kill_if_running(p)
    killed += k
    if ok:
        acked.append(i)
    # a reader never sees a torn entry as an entry
    whole(shown_messages(ruru), "show after a kill")
    chk = subprocess.run([ruru, "--json", "check"], capture_output=True)
    rep = json.loads(chk.stdout)
    codes = {p["code"] for p in rep["problems"] if p["severity"] == "error"}
    assert codes <= {"torn-entry"}, ("check", rep["problems"])
    torn_seen += "torn-entry" in codes
    # the next write cuts the torn tail back: nothing torn survives it
    subprocess.run([ruru, "log", f"after-{i}"], check=True, capture_output=True)
    chk = subprocess.run([ruru, "check", "--errors-only"], capture_output=True)
    assert chk.returncode == 0, chk.stderr
msgs = shown_messages(ruru)
whole(msgs, "at the end")
assert_kept(acked, {int(m.split()[1]) for m in msgs if m.startswith("BIG ")}, msgs)
print(f"{killed} kills, {len(acked)} acknowledged, {torn_seen} torn tails cut back",
      file=sys.stderr)
