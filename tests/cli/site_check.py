#!/usr/bin/env python3
"""site_check.py DIR — every page of a static site exported by
`ruru export --html`: every href/src resolves to a file of the site
(relative links only, never out of DIR), and no page holds a <script>."""
import html.parser, os, sys, urllib.parse

root = os.path.realpath(sys.argv[1])
problems = []


class Links(html.parser.HTMLParser):
    def __init__(self, page):
        super().__init__()
        self.page = page

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            problems.append(f"{self.page}: <script>")
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                check(self.page, v)


def check(page, url):
    u = urllib.parse.urlsplit(url)
    if u.scheme or u.netloc or url.startswith("/"):
        problems.append(f"{page}: not a relative link: {url}")
        return
    if not u.path:
        return
    target = os.path.normpath(os.path.join(os.path.dirname(page), urllib.parse.unquote(u.path)))
    if not (target == root or target.startswith(root + os.sep)):
        problems.append(f"{page}: link leaves the site: {url}")
    elif not os.path.isfile(target):
        problems.append(f"{page}: broken link: {url}")


pages = 0
for d, _, files in os.walk(root):
    for f in files:
        if f.endswith(".html"):
            p = os.path.join(d, f)
            Links(p).feed(open(p, encoding="utf-8").read())
            pages += 1
if pages == 0:
    problems.append("no pages")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
