#!/usr/bin/env python3
"""ask_pty.py RURU ARTIFACT ANSWER OUT [NEW_PAYLOAD NEW_TARGET]

Run `RURU confirm ask ARTIFACT` under a real pseudo-terminal (pty.fork, a
120x500 window so nothing is paged), wait for its y/N prompt, and, when
NEW_PAYLOAD and NEW_TARGET are given, do what a hostile agent would while
the question is on screen: rewrite the CONFIRM file with NEW_PAYLOAD's
bytes and its sidecar's payload_sha256, result_sha256 and target_path to
match, both in place (same inode, so nothing watching the folder sees a
new file).  Then answer ANSWER, write everything the terminal received to
OUT (raw bytes) and exit with ask's exit status.
"""
import fcntl
import hashlib
import os
import pty
import re
import select
import struct
import sys
import termios


def rewrite_in_place(path, data):
    with open(path, "r+b") as f:
        f.seek(0)
        f.write(data)
        f.truncate()


def main():
    ruru, artifact, answer, out = sys.argv[1:5]
    new_payload = sys.argv[5] if len(sys.argv) > 5 else None
    new_target = sys.argv[6] if len(sys.argv) > 6 else None
    env = dict(os.environ, PAGER="cat", NO_COLOR="1", TERM="xterm")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(ruru, [ruru, "confirm", "ask", artifact], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 500, 120, 0, 0))
    seen = b""
    answered = False
    while True:
        r, _, _ = select.select([fd], [], [], 20)
        if not r:
            sys.stderr.write("ask_pty: no output for 20 s\n")
            os.kill(pid, 9)
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"[y/N]" in seen:
            if new_payload:
                data = open(new_payload, "rb").read()
                side = artifact[:-3] + ".toml" if artifact.endswith(".md") else artifact + ".toml"
                text = open(side, encoding="utf-8").read()
                h = hashlib.sha256(data).hexdigest()
                text = re.sub(r'(?m)^payload_sha256 = ".*"$', f'payload_sha256 = "{h}"', text)
                text = re.sub(r'(?m)^result_sha256 = ".*"$', f'result_sha256 = "{h}"', text)
                text = re.sub(r'(?m)^target_path = ".*"$', f'target_path = "{new_target}"', text)
                rewrite_in_place(artifact, data)
                rewrite_in_place(side, text.encode("utf-8"))
            os.write(fd, answer.encode() + b"\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    with open(out, "wb") as f:
        f.write(seen)
    sys.exit(os.waitstatus_to_exitcode(status))


main()
