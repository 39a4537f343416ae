#!/usr/bin/env python3
"""search_stress.py RURU WORKSPACE kill|race — the index under crashes and races.

kill: a corpus of logs, then `ruru reindex` and incremental updates killed
      with SIGKILL at random moments; after each kill a search must succeed
      and find exactly the entries the files hold.
race: 4 writers log entries (`ruru log`) while 4 searchers search; no
      command may fail, and once the writers are done every acknowledged
      entry is found, once.
"""
import json, os, random, signal, subprocess, sys, time

ruru, ws, mode = sys.argv[1], sys.argv[2], sys.argv[3]
rnd = random.Random(7)
env = dict(os.environ, RURU_ROOT=ws)
env.pop("ROOCOM_SESSION_ID", None)


def search(q, *extra):
    p = subprocess.run([ruru, "--json", "search", "--limit", "0", *extra, "--", q],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        print(f"not ok - search {q!r} failed ({p.returncode}): {p.stderr.strip()}")
        sys.exit(1)
    return json.loads(p.stdout)["hits"]


def write_log(sid, n, word):
    d = os.path.join(ws, ".ruru", "sessions", sid)
    os.makedirs(d, exist_ok=True)
    lines = ["+++", f'id = "{sid}"', 'title = "stress"', 'status = "🟢 Active"',
             "start_time = 2026-11-24T03:15:20Z", "+++", "", "## Log Entries", ""]
    for i in range(n):
        lines.append(f"- [2026-11-24 03:{i // 60 % 60:02d}:{i % 60:02d}Z] **note**: {word} entry "
                     f"filler text number {i} lorem ipsum dolor sit amet")
    with open(os.path.join(d, "session_log.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if mode == "kill":
    nsess, nent = 120, 60
    for s in range(nsess):
        write_log(f"SESSION-k{s:03d}-2611240315", nent, "kword")
    total = nsess * nent
    kills = 0
    for round_ in range(12):
        if round_ % 2 == 0:
            cmd = [ruru, "reindex"]
        else:  # an incremental update: grow many logs, then search
            for s in rnd.sample(range(nsess), 30):
                with open(os.path.join(ws, ".ruru", "sessions", f"SESSION-k{s:03d}-2611240315",
                                       "session_log.md"), "a") as f:
                    f.write(f"- [2026-11-24 04:00:{round_:02d}Z] **note**: kword appended {round_}\n")
                total += 1
            cmd = [ruru, "search", "kword"]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rnd.uniform(0.002, 0.06))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
        hits = search("kword", "--in", "entries")
        if len(hits) != total:
            print(f"not ok - after kill {round_}: {len(hits)} hits, want {total}")
            sys.exit(1)
    print(f"ok - {kills} killed index updates, every search right afterwards")
    sys.exit(0)

if mode == "race":
    sids = []
    for w in range(4):
        p = subprocess.run([ruru, "new", f"race{w}"], capture_output=True, text=True, env=env,
                           check=True)
        sids.append(p.stdout.strip())
    per = int(os.environ.get("RACE_ENTRIES", "20"))
    writers = []
    for w, sid in enumerate(sids):
        script = ("import subprocess,sys\n"
                  "ok=[]\n"
                  f"for i in range({per}):\n"
                  f"    m='raceword w{w}x'+str(i)+' unique{w}x'+str(i)\n"
                  f"    r=subprocess.run([{ruru!r},'-s',{sid!r},'log',m],capture_output=True)\n"
                  "    if r.returncode: print('log failed', r.stderr, file=sys.stderr); sys.exit(1)\n")
        writers.append(subprocess.Popen([sys.executable, "-c", script], env=env))
    stop = os.path.join(ws, "stop")
    searchers = []
    for s in range(4):
        script = ("import os,subprocess,sys,json\n"
                  "n=0\n"
                  f"while not os.path.exists({stop!r}) or n == 0:\n"
                  f"    r=subprocess.run([{ruru!r},'--json','search','raceword'],capture_output=True)\n"
                  "    if r.returncode: print('search failed', r.stderr, file=sys.stderr); sys.exit(1)\n"
                  "    json.loads(r.stdout); n+=1\n"
                  "print(n)\n")
        searchers.append(subprocess.Popen([sys.executable, "-c", script], env=env,
                                          stdout=subprocess.PIPE, text=True))
    bad = [w.wait() for w in writers]
    open(stop, "w").close()
    runs = []
    for s in searchers:
        out, _ = s.communicate()
        if s.returncode:
            print("not ok - a searcher failed")
            sys.exit(1)
        runs.append(int(out.strip() or 0))
    if any(bad):
        print("not ok - a writer failed")
        sys.exit(1)
    hits = search("raceword", "--in", "entries")
    if len(hits) != 4 * per:
        print(f"not ok - {len(hits)} hits after the race, want {4 * per}")
        sys.exit(1)
    for w in range(4):
        for i in range(per):
            h = search(f"unique{w}x{i}", "--in", "entries")
            if len(h) != 1:
                print(f"not ok - unique{w}x{i}: {len(h)} hits")
                sys.exit(1)
    print(f"ok - 4 writers x {per} entries beside 4 searchers ({sum(runs)} searches): "
          "all found once")
    sys.exit(0)

print("usage: search_stress.py RURU WORKSPACE kill|race")
sys.exit(2)
