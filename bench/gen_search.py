#!/usr/bin/env python3
"""gen_search.py ROOT SESSIONS ENTRIES ARTIFACTS — a workspace for the search
benchmark: SESSIONS session logs of ENTRIES entries each in ruru's format
(messages of 8-20 words drawn Zipf-like from a 5,000-word vocabulary, so a
few words are in most entries and most words are rare), ARTIFACTS text
artifacts of about 4 KB spread over the sessions, the word "xylophonic"
in exactly 10 entries (the rare word) and "status" in about half of them
(the common word).  Deterministic (fixed seed)."""
import os, random, sys

root, nsess, nent, nart = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(14)
syll = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "ve", "da", "gu", "fe", "zo", "bi"]
vocab = sorted({"".join(rnd.choice(syll) for _ in range(rnd.randint(2, 4))) for _ in range(6000)})[:5000]
cum = []
acc = 0.0
for i in range(len(vocab)):
    acc += 1.0 / (i + 1)
    cum.append(acc)
types = ["note", "decision", "delegation", "result", "prompt", "response"]
modes = ["dev-python", "dev-react", "util-writer", "design-ui"]
rare_at = set(rnd.sample(range(nsess * nent), 10))
sessions = os.path.join(root, ".ruru", "sessions")
k = 0
for s in range(nsess):
    sid = f"SESSION-Bench_{s:05d}-2611{s % 28 + 1:02d}0315"
    d = os.path.join(sessions, sid)
    os.makedirs(os.path.join(d, "artifacts"), exist_ok=True)
    out = [f'+++\nid = "{sid}"\ntitle = "Benchmark session {s}"\nstatus = "🟢 Active"\n'
           f'start_time = 2026-11-{s % 28 + 1:02d}T03:15:20Z\nend_time = ""\n'
           'coordinator = "roo-commander"\nrelated_tasks = []\nrelated_artifacts = []\n'
           'tags = ["bench"]\n+++\n\n# Session Log\n\n## Goal\n\nMeasure search.\n\n## Log Entries\n\n']
    for i in range(nent):
        words = rnd.choices(vocab, cum_weights=cum, k=rnd.randint(8, 20))
        if k in rare_at:
            words.append("xylophonic")
        if rnd.random() < 0.5:
            words.insert(rnd.randrange(len(words)), "status")
        k += 1
        t = rnd.choice(types)
        fields = f" · mode `{rnd.choice(modes)}`" if t == "delegation" else ""
        out.append(f"- [2026-11-{s % 28 + 1:02d} {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z] "
                   f"**{t}**{fields}: {' '.join(words)}\n")
    with open(os.path.join(d, "session_log.md"), "w", encoding="utf-8") as f:
        f.write("".join(out))
for a in range(nart):
    s = a * nsess // max(nart, 1)
    sid = f"SESSION-Bench_{s:05d}-2611{s % 28 + 1:02d}0315"
    lines = [" ".join(rnd.choices(vocab, cum_weights=cum, k=12)) for _ in range(50)]
    with open(os.path.join(sessions, sid, "artifacts", f"notes-{a}.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
