#!/bin/sh
# web.sh — the human view's weight over 1,000 sessions: the first sessions
# page of `ruru serve` as sent (bytes raw and gzip-compressed, elements in
# it, time to answer) and `ruru export --html` (files, bytes, time).  The
# page's weight is checked (no time is: the machine decides those): 100
# sessions on it, at most 128 KB raw, 8 KB as sent, 2,500 elements; the
# script fails when it is heavier.
set -eu
. bench/common.sh
srv=""
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$out"' EXIT
mkdir -p "$out/ws/.ruru"
python3 bench/gen_sessions.py "$out/ws" --many 1000

echo "== ruru serve: the sessions page over 1,000 sessions (20 entries each)"
"$RURU" --root "$out/ws" serve --port 0 >"$out/url" 2>"$out/serve.err" &
srv=$!
i=0
while [ ! -s "$out/url" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
heavy=0
python3 - "$(head -n 1 "$out/url")" <<'PY' || heavy=1
import gzip, html.parser, http.client, re, sys, time
m = re.match(r"http://([^/]+)/([0-9a-f]+)/\?token=([0-9a-f]+)", sys.argv[1])
host, prefix, token = m.groups()
def get(path, headers):
    c = http.client.HTTPConnection(host, timeout=60)
    c.request("GET", f"/{prefix}/{path}", headers={"Host": host, **headers})
    r = c.getresponse()
    return r, r.read()
r, _ = get(f"?token={token}", {})
cookie = r.getheader("Set-Cookie").split(";")[0]
times = []
for _ in range(5):
    t = time.perf_counter()
    r, z = get("", {"Cookie": cookie, "Accept-Encoding": "gzip"})
    times.append(time.perf_counter() - t)
page = gzip.decompress(z) if r.getheader("Content-Encoding") == "gzip" else z
class Count(html.parser.HTMLParser):
    n = 0
    def handle_starttag(self, tag, attrs):
        self.n += 1
c = Count()
c.feed(page.decode())
times.sort()
pages = re.search(rb"Page 1 of ([0-9]+)", page)
pages = pages.group(1).decode() if pages else "1"
print(f"   page 1 of {pages}: "
      f"{len(page) / 1024:.1f} KB, {len(z) / 1024:.1f} KB as sent (gzip), {c.n} elements, "
      f"{times[len(times) // 2] * 1e3:.0f} ms median of 5")
rows = page.count(b"<tr><td><a")
heavy = [w for w, bad in (("not 100 sessions on it", rows != 100), ("over 128 KB", len(page) > 128 * 1024),
                          ("over 8 KB as sent", len(z) > 8 * 1024), ("over 2,500 elements", c.n > 2500)) if bad]
print(f"   page weight: {'ok' if not heavy else 'TOO HEAVY: ' + ', '.join(heavy)} ({rows} sessions)")
sys.exit(1 if heavy else 0)
PY
kill "$srv" 2>/dev/null || true
wait "$srv" 2>/dev/null || true
srv=""

echo "== ruru export --html of 1,000 sessions"
t0=$(date +%s.%N)
"$RURU" --root "$out/ws" export --html "$out/site" >/dev/null
t1=$(date +%s.%N)
files=$(find "$out/site" -type f | wc -l)
bytes=$(find "$out/site" -type f -exec cat {} + | wc -c)
echo "   $files files, $(awk "BEGIN{printf \"%.1f\", $bytes/1048576}") MB in them, $(awk "BEGIN{printf \"%.1f\", $t1-$t0}") s"
exit $heavy
