#!/usr/bin/env python3
"""gen_log.py ROOT SESSION-ID TITLE (--entries N | --mb M)

One session log of N note entries, or of at least M megabytes of them,
under ROOT/.ruru/sessions/SESSION-ID/, written in chunks so that a log of
hundreds of megabytes costs no more memory than a small one."""
import os
import sys


def main():
    if len(sys.argv) != 6 or sys.argv[4] not in ("--entries", "--mb"):
        sys.exit(__doc__.split("\n\n")[0])
    root, sid, title, what, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    d = os.path.join(root, ".ruru", "sessions", sid)
    os.makedirs(d, exist_ok=True)
    # "A long session": "entry 7 of the long session"; a log sized in
    # megabytes has more words per entry to index
    adj = title.split()[1].lower()
    tail = ", words to index" if what == "--mb" else ""
    with open(os.path.join(d, "session_log.md"), "w") as f:
        f.write(f'+++\nid = "{sid}"\ntitle = "{title}"\nstatus = "🟢 Active"\n'
                'start_time = 2026-11-01T03:15:20Z\n+++\n\n# Session Log\n\n## Log Entries\n\n')
        i, size, chunk = 0, 0, []
        more = (lambda: i < n) if what == "--entries" else (lambda: size < n * 1000000)
        while more():
            line = f"- [2026-11-01 03:15:20Z] **note**: entry {i} of the {adj} session{tail}\n"
            chunk.append(line)
            size += len(line)
            i += 1
            if len(chunk) == 100000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))


main()
