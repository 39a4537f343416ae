/*
 * render.c — the pages of the human view (see render.h for the layout).
 * Server-rendered HTML, no script: every page works without JavaScript.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include <jansson.h>

#include "web/render.h"
#include "banned.h"

const char web_css[] =
	":root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;"
	"--card:#f6f8fa;--accent:#0550ae;--badge:#ddf4ff;--badge-fg:#0a3069;--ok:#116329;--ok-bg:#dafbe1;"
	"--bad:#a40e26;--bad-bg:#ffebe9;--warn:#6c4400;--warn-bg:#fff8c5;--vio:#6639ba;--vio-bg:#fbefff;"
	"--num:#6e7781;--btn-ok:#1a7f37;--btn-bad:#c9252d}\n"
	"@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;"
	"--line:#3d444d;--card:#151b23;--accent:#4493f8;--badge:#1f3a5f;--badge-fg:#cae8ff;--ok:#56d364;"
	"--ok-bg:#12261e;--bad:#ff7b72;--bad-bg:#301a1f;--warn:#e3b341;--warn-bg:#2e2611;--vio:#bc8cff;"
	"--vio-bg:#271f3b;--num:#9198a1;--btn-ok:#1a7f37;--btn-bad:#b62324}}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:72rem;padding:1rem;background:var(--bg);color:var(--fg);"
	"font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif}\n"
	"a{color:var(--accent)}:focus-visible{outline:3px solid var(--accent);outline-offset:2px}\n"
	"nav{display:flex;gap:1rem;flex-wrap:wrap;align-items:center;border-bottom:1px solid var(--line);"
	"padding-bottom:.5rem;margin-bottom:1rem}nav .brand{font-weight:700;text-decoration:none;color:var(--fg)}"
	"nav a[aria-current]{font-weight:600;text-decoration:none;color:var(--fg)}\n"
	"h1{font-size:1.6rem;margin:.5rem 0;overflow-wrap:anywhere}h2{font-size:1.25rem;margin-top:2rem}\n"
	"table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;"
	"border-bottom:1px solid var(--line);vertical-align:top}th a{color:inherit}\n"
	"main{overflow-wrap:break-word}.meta,td a,td code{overflow-wrap:anywhere}"
	"td a.badge{white-space:normal}td.nw a{overflow-wrap:normal}table.sessions th:first-child{width:30%}"
	"table.tasks td{overflow-wrap:anywhere}\n"
	".nw,time{white-space:nowrap}.id{display:block;color:var(--muted);font-size:.85rem;overflow-wrap:anywhere}\n"
	".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;"
	"margin:.75rem 0}\n"
	"table.fm{table-layout:fixed}table.fm th{width:12rem;color:var(--muted);font-weight:normal}"
	"table.fm td,table.fm th{overflow-wrap:anywhere}table.fm tr:last-child>*{border-bottom:0}\n"
	".card dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}\n"
	"dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}\n"
	".timeline{list-style:none;padding:0}.timeline li{border-left:4px solid var(--line);"
	"padding:.25rem 0 .75rem 1rem;margin-left:.25rem}\n"
	".timeline li.ok{border-color:var(--ok)}.timeline li.bad{border-color:var(--bad)}"
	".timeline li.warn{border-color:var(--warn)}.timeline li.vio{border-color:var(--vio)}"
	".timeline li.info{border-color:var(--accent)}\n"
	".timeline .meta{margin:0}.timeline .meta>b,.timeline .meta>i{font-weight:normal;font-style:normal;"
	"display:inline-block;background:var(--badge);color:var(--badge-fg);border-radius:1rem;"
	"padding:0 .55rem;font-size:.85rem;white-space:nowrap}\n"
	".timeline li.ok .meta>b,.timeline li.ok .meta>i{background:var(--ok-bg);color:var(--ok)}"
	".timeline li.bad .meta>b,.timeline li.bad .meta>i{background:var(--bad-bg);color:var(--bad)}"
	".timeline li.warn .meta>b,.timeline li.warn .meta>i{background:var(--warn-bg);color:var(--warn)}"
	".timeline li.vio .meta>b,.timeline li.vio .meta>i{background:var(--vio-bg);color:var(--vio)}\n"
	".meta{color:var(--muted);font-size:.9rem;display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline}\n"
	".badge{display:inline-block;background:var(--badge);color:var(--badge-fg);border-radius:1rem;"
	"padding:0 .55rem;font-size:.85rem;white-space:nowrap;text-decoration:none}\n"
	".badge.ok{background:var(--ok-bg);color:var(--ok)}.badge.bad{background:var(--bad-bg);color:var(--bad)}"
	".badge.warn{background:var(--warn-bg);color:var(--warn)}.badge.vio{background:var(--vio-bg);color:var(--vio)}\n"
	"a.badge:hover{text-decoration:underline}\n"
	".msg{white-space:pre-wrap;overflow-wrap:anywhere;margin:.25rem 0 0}\n"
	"pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.75rem;"
	"overflow-x:auto}\n"
	".board{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem}\n"
	".board section{background:var(--card);border:1px solid var(--line);border-radius:8px;"
	"padding:.5rem .75rem}\n"
	".board h2{margin:.25rem 0;font-size:1.05rem}\n"
	".board ul{list-style:none;padding:0;margin:0}.board li{margin:.5rem 0;padding:.5rem;"
	"background:var(--bg);border:1px solid var(--line);border-radius:6px;overflow-wrap:anywhere}\n"
	".board li:target{outline:3px solid var(--accent)}\n"
	".muted{color:var(--muted)}\n"
	".doc img{max-width:100%}.doc table{width:auto}.doc td,.doc th{border:1px solid var(--line)}\n"
	".filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.5rem 0}"
	".filters label{display:flex;gap:.4rem;align-items:center}\n"
	"input,select,button,textarea{font:inherit;color:inherit;background:var(--bg);"
	"border:1px solid var(--line);border-radius:6px;padding:.3rem .6rem}\n"
	"button{cursor:pointer;background:var(--card)}\n"
	".proposal{border:1px solid var(--line);border-radius:8px;margin:1rem 0;overflow:hidden}\n"
	".proposal>header{background:var(--card);padding:.6rem 1rem;border-bottom:1px solid var(--line)}\n"
	".proposal>header h2,.proposal>header h3{margin:0 0 .25rem;font-size:1.1rem;overflow-wrap:anywhere}\n"
	".proposal>.body{padding:.5rem 1rem}\n"
	".warn{color:var(--bad);font-weight:600}.notice{border-left:4px solid var(--ok)}\n"
	".diff{overflow-x:auto;border:1px solid var(--line);border-radius:6px;margin:.5rem 0}\n"
	".diff table{font:.85rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;width:100%}\n"
	".diff td{border:0;padding:0 .5rem;white-space:pre}.diff td.n{color:var(--num);text-align:right;"
	"width:1%;user-select:none}\n"
	".diff tr.a{background:var(--ok-bg)}.diff tr.d{background:var(--bad-bg)}"
	".diff tr.h td{background:var(--badge);color:var(--badge-fg)}\n"
	".diff tr.a td.c::before{content:'+'}.diff tr.d td.c::before{content:'-'}"
	".diff tr.x td.c::before{content:' '}\n"
	".decide{display:grid;gap:.5rem;margin-top:.75rem}.decide textarea{width:100%;min-height:3.5rem}\n"
	".decide .buttons{display:flex;flex-wrap:wrap;gap:.5rem}\n"
	"button.approve{background:var(--btn-ok);color:#fff;border-color:var(--btn-ok);font-weight:600}"
	"button.reject{background:var(--btn-bad);color:#fff;border-color:var(--btn-bad);font-weight:600}\n"
	".pages{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}\n"
	"footer{margin-top:2rem;color:var(--muted);font-size:.85rem}\n"
	".hits li{margin:.5rem 0}\n"
	"@media (max-width:40rem){body{padding:.75rem}table.sessions thead{position:absolute;width:1px;"
	"height:1px;overflow:hidden;clip:rect(0 0 0 0)}table.sessions,table.sessions tbody,"
	"table.sessions tr,table.sessions td{display:block}table.sessions tr{border:1px solid var(--line);"
	"border-radius:8px;margin:.5rem 0;padding:.5rem .75rem;background:var(--card)}"
	"table.sessions td{border:0;padding:.1rem 0}table.sessions td[data-label]::before{"
	"content:attr(data-label) ': ';color:var(--muted)}.card dl{grid-template-columns:1fr}table.fm th{width:40%}"
	"dd{margin-bottom:.35rem}}\n";

void web_escape(struct ruru_buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': ruru_buf_addstr(out, "&amp;"); break;
		case '<': ruru_buf_addstr(out, "&lt;"); break;
		case '>': ruru_buf_addstr(out, "&gt;"); break;
		case '"': ruru_buf_addstr(out, "&quot;"); break;
		case '\'': ruru_buf_addstr(out, "&#39;"); break;
		case '\0': ruru_buf_addstr(out, "\xef\xbf\xbd"); break;
		default: ruru_buf_addch(out, s[i]);
		}
	}
}

void web_href(struct ruru_buf *out, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			ruru_buf_addch(out, (char)*p);
		else
			ruru_buf_addf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

/* Workspace text: redacted when the site redacts, then escaped. */
static void text(struct web_site *site, struct ruru_buf *out, const char *s, size_t len)
{
	if (!s)
		return;
	if (!site->redact) {
		web_escape(out, s, len);
		return;
	}
	struct ruru_buf r = RURU_BUF_INIT;
	ruru_redact(&r, s, len);
	web_escape(out, r.ptr, r.len);
	ruru_buf_release(&r);
}

static void str(struct web_site *site, struct ruru_buf *out, const char *s)
{
	text(site, out, s, s ? strlen(s) : 0);
}

/* href="ROOT + path" with path percent-encoded. */
static void href(struct ruru_buf *out, const char *root, const char *path)
{
	ruru_buf_addstr(out, " href=\"");
	web_escape(out, root, strlen(root));
	struct ruru_buf h = RURU_BUF_INIT;
	web_href(&h, path);
	web_escape(out, h.ptr, h.len);
	ruru_buf_release(&h);
	ruru_buf_addch(out, '"');
}

/* The icon (favicon.svg beside style.css): a green check on a rounded square. */
const char web_icon[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
	"<rect width=\"16\" height=\"16\" rx=\"3\" fill=\"#1a7f37\"/>"
	"<path d=\"M4 8.5l2.5 2.5L12 5\" stroke=\"#fff\" stroke-width=\"2\" fill=\"none\"/></svg>\n";

/* An export's pages may be opened from anywhere: nothing outside the
 * site loads (no remote image can tell anyone the page was read). */
#define EXPORT_CSP                                                                 \
	"default-src 'none'; style-src 'self' file:; img-src 'self' file: data:; " \
	"base-uri 'none'; form-action 'none'"

static void head(struct web_site *site, struct ruru_buf *out, const char *root, const char *title)
{
	ruru_buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
	if (!site->server)
		ruru_buf_addstr(out, "<meta http-equiv=\"Content-Security-Policy\" content=\"" EXPORT_CSP "\">\n");
	ruru_buf_addstr(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			     "<title>");
	str(site, out, title);
	ruru_buf_addstr(out, " · ruru</title>\n<link rel=\"icon\" type=\"image/svg+xml\"");
	href(out, root, "favicon.svg");
	ruru_buf_addstr(out, ">\n<link rel=\"stylesheet\"");
	href(out, root, "style.css");
	ruru_buf_addstr(out, ">\n</head>\n<body>\n<nav aria-label=\"site\"><a class=\"brand\"");
	href(out, root, "index.html");
	ruru_buf_addstr(out, ">ruru</a>");
	static const char *const pages[][2] = { { "index.html", "Sessions" },
						{ "tasks.html", "Tasks" },
						{ "confirm.html", "Confirmations" } };
	for (size_t i = 0; i < 3; i++) {
		ruru_buf_addstr(out, " <a");
		href(out, root, pages[i][0]);
		ruru_buf_addf(out, "%s>%s</a>", !strcmp(title, pages[i][1]) ? " aria-current=\"page\"" : "",
			      pages[i][1]);
	}
	if (site->server)
		ruru_buf_addstr(out, " <span id=\"live\" class=\"muted\" aria-live=\"polite\"></span>");
	ruru_buf_addstr(out, "</nav>\n<main>\n");
}

/* An instant as "2026-12-07 18:55 UTC" (absolute: an export is read later). */
static void utc(struct ruru_buf *out, time_t t, bool seconds)
{
	char iso[40], shown[40];
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(shown, sizeof shown, seconds ? "%Y-%m-%d %H:%M:%S UTC" : "%Y-%m-%d %H:%M UTC", &tm);
	ruru_buf_addf(out, "<time datetime=\"%s\">%s</time>", iso, shown);
}

static void foot(struct web_site *site, struct ruru_buf *out, const char *root)
{
	ruru_buf_addstr(out, "</main>\n");
	if (!site->server) {
		ruru_buf_addstr(out, "<footer>Exported by ruru on ");
		utc(out, site->now, false);
		ruru_buf_addstr(out, site->redact ? "; secrets redacted.</footer>\n" : ".</footer>\n");
	} else {
		/* live updates (the only script; the pages work without it) */
		ruru_buf_addstr(out, "<script");
		ruru_buf_addstr(out, " src=\"");
		web_escape(out, root, strlen(root));
		ruru_buf_addstr(out, "live.js\"></script>\n");
	}
	ruru_buf_addstr(out, "</body>\n</html>\n");
}

/* "3 min ago" etc. */
static void relative(struct ruru_buf *out, time_t now, time_t t)
{
	long long d = (long long)(now - t);
	const char *fut = d < 0 ? "in " : "";
	const char *ago = d < 0 ? "" : " ago";
	if (d < 0)
		d = -d;
	if (d < 60)
		ruru_buf_addstr(out, "just now");
	else if (d < 3600)
		ruru_buf_addf(out, "%s%lld min%s", fut, d / 60, ago);
	else if (d < 86400)
		ruru_buf_addf(out, "%s%lld h%s", fut, d / 3600, ago);
	else
		ruru_buf_addf(out, "%s%lld d%s", fut, d / 86400, ago);
}

/* An entry's time: as written, with the time relative to now on the
 * server; an export shows the instant in UTC instead (a relative time
 * would be frozen at the export). */
static void stamp(struct web_site *site, struct ruru_buf *out, const struct ruru_entry *e)
{
	if (!e->stamp)
		return;
	if (e->when_valid && e->has_zone) {
		if (!site->server) {
			/* the instant itself, written as a machine reads it too */
			char shown[40];
			struct tm tm;
			gmtime_r(&e->when, &tm);
			strftime(shown, sizeof shown, "%Y-%m-%d %H:%M:%SZ", &tm);
			ruru_buf_addf(out, "<time>%s</time>", shown);
			return;
		}
		char iso[32];
		struct tm tm;
		gmtime_r(&e->when, &tm);
		strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
		ruru_buf_addf(out, "<time datetime=\"%s\">", iso);
		str(site, out, e->stamp);
		ruru_buf_addstr(out, "</time> <span class=\"nw\">(");
		relative(out, site->now, e->when);
		ruru_buf_addstr(out, ")</span>");
	} else {
		ruru_buf_addstr(out, "<span class=\"nw\">");
		str(site, out, e->stamp);
		ruru_buf_addstr(out, "</span>");
	}
}

int web_sessions(struct web_site *site, struct ruru_session **list, size_t *n,
		 struct ruru_error *err)
{
	struct ruru_session *all;
	size_t nall;
	if (ruru_session_list(site->ws, site->status, site->tag, &all, &nall, err) < 0)
		return -1;
	if (!site->ids) {
		*list = all;
		*n = nall;
		return 0;
	}
	/* keep the named ones, in list order */
	size_t k = 0;
	for (size_t i = 0; i < nall; i++) {
		bool keep = false;
		for (size_t j = 0; j < site->nids && !keep; j++)
			keep = strcmp(all[i].id, site->ids[j]) == 0;
		if (keep)
			all[k++] = all[i];
		else
			ruru_session_release(&all[i]);
	}
	*list = all;
	*n = k;
	return 0;
}

static const char *status_class(const struct ruru_session *s)
{
	switch (s->status) {
	case RURU_STATUS_ACTIVE: return "badge ok";
	case RURU_STATUS_PAUSED: return "badge warn";
	case RURU_STATUS_ERROR: return "badge bad";
	default: return "badge";
	}
}

static void status_cell(struct web_site *site, struct ruru_buf *out, const struct ruru_session *s)
{
	ruru_buf_addf(out, "<span class=\"%s\">", status_class(s));
	str(site, out, s->status != RURU_STATUS_UNKNOWN ? ruru_status_string(s->status)
						       : (s->status_text ? s->status_text : "?"));
	ruru_buf_addstr(out, "</span>");
}

/* <a class="CLS" href="ROOT PAGE VALUE">VALUE</a>, VALUE percent-encoded
 * in the href (PAGE ends in "?tag=" or "#task-"). */
static void value_link(struct web_site *site, struct ruru_buf *out, const char *cls, const char *root,
		       const char *page, const char *value)
{
	ruru_buf_addf(out, "<a%s%s%s href=\"", *cls ? " class=\"" : "", cls, *cls ? "\"" : "");
	web_escape(out, root, strlen(root));
	ruru_buf_addstr(out, page);
	struct ruru_buf h = RURU_BUF_INIT;
	web_href(&h, value);
	web_escape(out, h.ptr, h.len);
	ruru_buf_release(&h);
	ruru_buf_addstr(out, "\">");
	str(site, out, value);
	ruru_buf_addstr(out, "</a>");
}

/* A tag: on the server a link to the sessions with it, in an export a badge. */
static void tag_link(struct web_site *site, struct ruru_buf *out, const char *root, const char *tag)
{
	if (!site->server) {
		ruru_buf_addstr(out, "<span class=\"badge\">");
		str(site, out, tag);
		ruru_buf_addstr(out, "</span> ");
		return;
	}
	value_link(site, out, "badge", root, "index.html?tag=", tag);
	ruru_buf_addch(out, ' ');
}

/* A task ID: a link to its card on the task board. */
static void task_link(struct web_site *site, struct ruru_buf *out, const char *root, const char *task)
{
	value_link(site, out, "", root, "tasks.html#task-", task);
}

/* ---- the sessions page's search box (ruru serve): full-text search */

#define WEB_SEARCH_SHOWN 100 /* matching entries listed under the sessions */

/* Marks around matches in snippets: bytes a one-line snippet never holds
 * but for them (control characters are not words). */
#define MARK_OPEN "\x01"
#define MARK_CLOSE "\x02"

/* The page of hit `h` (relative to the site root): an artifact's page, a
 * proposal's sidecar's CONFIRM page, else the session at the entry. */
static void hit_link(struct ruru_buf *out, const struct ruru_search_hit *h)
{
	const char *sid = h->session;
	const char *kind = h->kind;
	const char *path = h->path;
	struct ruru_buf p = RURU_BUF_INIT, r = RURU_BUF_INIT;
	ruru_buf_addf(&p, "sessions/%s/", sid ? sid : "");
	if (kind && !strcmp(kind, "artifact") && path && sid && *sid) {
		/* the path is the session folder's ".ruru/sessions/ID/" + rel */
		const char *at = strstr(path, p.ptr);
		if (at && at[p.len])
			ruru_buf_addstr(&r, at + p.len);
		/* a proposal's sidecar has no page: its CONFIRM file has */
		const char *base = strrchr(r.ptr ? r.ptr : "", '/');
		base = base ? base + 1 : r.ptr;
		if (r.len > 5 && !strcmp(r.ptr + r.len - 5, ".toml") && base && !strncmp(base, "CONFIRM-", 8)) {
			r.len -= 5;
			r.ptr[r.len] = '\0';
			ruru_buf_addstr(&r, ".md");
		}
	}
	if (r.len) {
		ruru_buf_addf(&p, "%s.html", r.ptr);
		href(out, "", p.ptr);
	} else if (sid && *sid) {
		ruru_buf_addstr(&p, "index.html");
		href(out, "", p.ptr);
		if (kind && !strcmp(kind, "entry")) {
			/* the timeline's entries carry id="L<line>"; ?line= opens
			 * the timeline's page that holds it */
			long long line = (long long)h->line;
			out->ptr[--out->len] = '\0';
			ruru_buf_addf(out, "?line=%lld#L%lld\"", line, line);
		}
	} else {
		href(out, "", "confirm.html");
	}
	ruru_buf_release(&p);
	ruru_buf_release(&r);
}

/* A snippet: redacted when the site redacts, escaped, matches in <mark>. */
static void hit_snippet(struct web_site *site, struct ruru_buf *out, const char *snip)
{
	struct ruru_buf r = RURU_BUF_INIT;
	if (site->redact)
		ruru_redact(&r, snip, strlen(snip));
	else
		ruru_buf_addstr(&r, snip);
	bool open = false; /* balanced <mark>s, whatever the marks */
	size_t from = 0;
	for (size_t i = 0; i < r.len; i++) {
		bool o = r.ptr[i] == MARK_OPEN[0], c = r.ptr[i] == MARK_CLOSE[0];
		if (!o && !c)
			continue;
		web_escape(out, r.ptr + from, i - from);
		from = i + 1;
		if (o != open) {
			ruru_buf_addstr(out, o ? "<mark>" : "</mark>");
			open = o;
		}
	}
	web_escape(out, r.ptr + from, r.len - from);
	if (open)
		ruru_buf_addstr(out, "</mark>");
	ruru_buf_release(&r);
}

/* Keep the sessions with a hit (or whose ID holds the query), in list order. */
static size_t keep_hit_sessions(struct web_site *site, struct ruru_session *all, size_t nall,
				const struct ruru_search_hits *hits)
{
	size_t k = 0;
	for (size_t i = 0; i < nall; i++) {
		bool keep = strcasestr(all[i].id, site->query) != NULL;
		for (size_t j = 0; hits && j < hits->n; j++) {
			const char *sid = hits->hits[j].session;
			if (keep || (sid && !strcmp(sid, all[i].id))) {
				keep = true;
				break;
			}
		}
		if (keep)
			all[k++] = all[i];
		else
			ruru_session_release(&all[i]);
	}
	return k;
}

static const char *title_of(const struct ruru_session *list, size_t n, const char *id)
{
	for (size_t i = 0; id && i < n; i++)
		if (!strcmp(list[i].id, id))
			return list[i].title && *list[i].title ? list[i].title : list[i].id;
	return id && *id ? id : "proposal without a session";
}

static void search_results(struct web_site *site, struct ruru_buf *out,
			   const struct ruru_search_hits *hits, const struct ruru_session *list,
			   size_t n)
{
	size_t total = hits->total;
	ruru_buf_addf(out, "<h2>Matches</h2>\n<p class=\"muted\">%zu match%s", total,
		      total == 1 ? "" : "es");
	if (total > WEB_SEARCH_SHOWN)
		ruru_buf_addf(out, ", the best %d shown", WEB_SEARCH_SHOWN);
	ruru_buf_addstr(out, "</p>\n");
	if (!hits->n)
		return;
	ruru_buf_addstr(out, "<ol class=\"hits\">\n");
	for (size_t i = 0; i < hits->n && i < WEB_SEARCH_SHOWN; i++) {
		const struct ruru_search_hit *h = &hits->hits[i];
		const char *kind = h->kind, *type = h->type, *snip = h->snippet;
		ruru_buf_addstr(out, "<li><span class=\"badge\">");
		str(site, out, kind && strcmp(kind, "entry") ? kind : (type ? type : "entry"));
		ruru_buf_addstr(out, "</span> <a");
		hit_link(out, h);
		ruru_buf_addstr(out, ">");
		str(site, out, title_of(list, n, h->session));
		ruru_buf_addstr(out, "</a>");
		if (h->has_time) {
			char when[40];
			struct tm tm;
			gmtime_r(&h->time, &tm);
			/* a local time of unknown zone has no "Z" */
			strftime(when, sizeof when, h->zone ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S", &tm);
			ruru_buf_addstr(out, " <small class=\"muted nw\">");
			str(site, out, when);
			ruru_buf_addstr(out, "</small>");
		}
		ruru_buf_addstr(out, "<div class=\"msg\">");
		hit_snippet(site, out, snip ? snip : "");
		ruru_buf_addstr(out, "</div></li>\n");
	}
	ruru_buf_addstr(out, "</ol>\n");
}

/* The href of index page `p` (from 1): the server's query string keeps
 * the filters; an export has a file per page. */
static void page_href(struct web_site *site, struct ruru_buf *out, size_t p)
{
	ruru_buf_addstr(out, " href=\"");
	if (!site->server) {
		if (p <= 1)
			ruru_buf_addstr(out, "index.html\"");
		else
			ruru_buf_addf(out, "index-%zu.html\"", p);
		return;
	}
	struct ruru_buf q = RURU_BUF_INIT;
	ruru_buf_addf(&q, "index.html?page=%zu", p);
	if (site->status != RURU_STATUS_UNKNOWN)
		ruru_buf_addf(&q, "&status=%s", ruru_status_word(site->status));
	if (site->tag) {
		ruru_buf_addstr(&q, "&tag=");
		web_href(&q, site->tag);
	}
	if (site->query && *site->query) {
		ruru_buf_addstr(&q, "&q=");
		web_href(&q, site->query);
	}
	if (site->sort && *site->sort) {
		ruru_buf_addstr(&q, "&sort=");
		web_href(&q, site->sort);
	}
	web_escape(out, q.ptr, q.len);
	ruru_buf_addch(out, '"');
	ruru_buf_release(&q);
}

static const char *title_key(const struct ruru_session *s)
{
	return s->title && *s->title ? s->title : s->id;
}

/* Sort orders of the sessions page; ties keep the list's order (newest first). */
static int by_title(const void *a, const void *b)
{
	const struct ruru_session *x = a, *y = b;
	int c = strcasecmp(title_key(x), title_key(y));
	return c ? c : strcmp(y->id, x->id);
}

static int by_status(const void *a, const void *b)
{
	const struct ruru_session *x = a, *y = b;
	int c = (int)x->status - (int)y->status;
	return c ? c : by_title(a, b);
}

/* A column header; on the server a link that sorts by it (`key` "" is
 * the default order), marked with aria-sort when it is the order shown. */
static void sort_header(struct web_site *site, struct ruru_buf *out, const char *label, const char *key)
{
	bool current = site->sort && *site->sort ? !strcmp(site->sort, key) : !*key;
	ruru_buf_addf(out, "<th scope=\"col\"%s>",
		      !current || !site->server ? "" : *key ? " aria-sort=\"ascending\"" : " aria-sort=\"descending\"");
	if (!site->server) {
		ruru_buf_addf(out, "%s</th>", label);
		return;
	}
	const char *saved = site->sort;
	site->sort = key;
	ruru_buf_addstr(out, "<a");
	page_href(site, out, 1);
	ruru_buf_addf(out, ">%s</a></th>", label);
	site->sort = saved;
}

static void pager(struct web_site *site, struct ruru_buf *out, size_t page, size_t pages)
{
	if (pages <= 1)
		return;
	ruru_buf_addstr(out, "<nav class=\"pages\" aria-label=\"pages\">");
	if (page > 1) {
		ruru_buf_addstr(out, "<a rel=\"prev\"");
		page_href(site, out, page - 1);
		ruru_buf_addstr(out, ">← Newer</a>");
	}
	ruru_buf_addf(out, "<span>Page %zu of %zu</span>", page, pages);
	if (page < pages) {
		ruru_buf_addstr(out, "<a rel=\"next\"");
		page_href(site, out, page + 1);
		ruru_buf_addstr(out, ">Older →</a>");
	}
	ruru_buf_addstr(out, "</nav>\n");
}

/* ---- open items: the library's one definition (ruru_open_items), the
 * same list the digest, prime and summarize give */

#define WEB_OPEN_SHOWN 50 /* open items listed on a session page */

/* A session's open items (NULL, as good as none, when the session cannot
 * be read). */
static struct ruru_open_items *open_items_of(struct web_site *site, const char *id)
{
	struct ruru_error e = { 0 };
	return ruru_open_items(site->ws, id, &e);
}

/* An open item's badge, by its kind's word and its status: what it waits
 * for, coloured by how bad it is. */
static void open_badge(struct web_site *site, struct ruru_buf *out, const char *kind, const char *st)
{
	kind = kind ? kind : "";
	const char *cls = "badge warn", *label = kind;
	if (!strcmp(kind, "delegation"))
		label = "awaiting result";
	else if (!strcmp(kind, "error"))
		cls = "badge bad", label = "error, no later success";
	else if (!strcmp(kind, "blocker"))
		cls = "badge bad", label = "blocker";
	else if (!strcmp(kind, "confirmation"))
		label = !st || !strcmp(st, "pending") ? "awaiting decision"
			: !strcmp(st, "failed")	      ? (cls = "badge bad", "apply failed")
						      : (cls = "badge", "awaiting apply");
	else if (!strcmp(kind, "task")) {
		enum ruru_task_status ts = st ? ruru_task_status_parse(st) : RURU_TASK_UNKNOWN;
		cls = ts == RURU_TASK_BLOCKED || ts == RURU_TASK_ERROR ? "badge bad" : "badge warn";
		ruru_buf_addf(out, "<span class=\"%s\">task ", cls);
		str(site, out, st ? st : "?");
		ruru_buf_addstr(out, "</span>");
		return;
	}
	ruru_buf_addf(out, "<span class=\"%s\">", cls);
	str(site, out, label);
	ruru_buf_addstr(out, "</span>");
}

/* A task held open by an open item (ruru_task_list's "open": the kind of
 * that item), as the item's badge. */
static void task_open_badge(struct web_site *site, struct ruru_buf *out,
			    const struct ruru_task_info *task)
{
	if (!task->open)
		return;
	ruru_buf_addch(out, ' ');
	open_badge(site, out, task->open, NULL);
}

/* The open items that are entries, by line (sorted, for bsearch). */
struct open_line {
	size_t line;
	const struct ruru_open_item *item;
};

static int cmp_open_line(const void *a, const void *b)
{
	size_t x = ((const struct open_line *)a)->line, y = ((const struct open_line *)b)->line;
	return x < y ? -1 : x > y;
}

static struct open_line *open_lines(const struct ruru_open_items *open, size_t *n)
{
	size_t count = open ? open->n : 0, k = 0;
	struct open_line *v = calloc(count + 1, sizeof *v);
	if (!v)
		abort();
	for (size_t i = 0; i < count; i++)
		if (open->v[i].line > 0)
			v[k++] = (struct open_line){ open->v[i].line, &open->v[i] };
	qsort(v, k, sizeof *v, cmp_open_line);
	*n = k;
	return v;
}

static void session_row(struct web_site *site, struct ruru_buf *out, const struct ruru_session *ls)
{
	struct ruru_session full;
	struct ruru_error e = { 0 };
	const struct ruru_session *s = ls;
	bool loaded = ruru_session_load(site->ws, ls->id, RURU_LOAD_ENTRIES, &full, &e) == 0;
	if (loaded)
		s = &full;
	ruru_buf_addstr(out, "<tr><td><a");
	struct ruru_buf p = RURU_BUF_INIT;
	ruru_buf_addf(&p, "sessions/%s/index.html", s->id);
	href(out, "", p.ptr);
	ruru_buf_release(&p);
	ruru_buf_addstr(out, ">");
	str(site, out, s->title && *s->title ? s->title : s->id);
	ruru_buf_addstr(out, "</a><span class=\"id\">");
	str(site, out, s->id);
	ruru_buf_addstr(out, "</span></td><td data-label=\"Status\">");
	status_cell(site, out, s);
	/* what is open, by the library's one definition (as the digest says) */
	struct ruru_open_items *open = open_items_of(site, s->id);
	size_t nopen = open ? open->n : 0;
	ruru_open_items_free(open);
	ruru_buf_addstr(out, "</td><td data-label=\"Open\" class=\"nw\">");
	if (nopen) {
		struct ruru_buf p2 = RURU_BUF_INIT;
		ruru_buf_addf(&p2, "sessions/%s/index.html", s->id);
		ruru_buf_addstr(out, "<a");
		href(out, "", p2.ptr);
		out->ptr[--out->len] = '\0';
		ruru_buf_addf(out, "#open\">%zu open</a>", nopen);
		ruru_buf_release(&p2);
	} else {
		ruru_buf_addstr(out, "<span class=\"muted\">none</span>");
	}
	ruru_buf_addstr(out, "</td><td data-label=\"Started\" class=\"nw\">");
	if (s->start)
		utc(out, s->start, false);
	else
		str(site, out, s->start_text);
	ruru_buf_addstr(out, "</td><td data-label=\"Last activity\">");
	if (loaded && s->nentries)
		stamp(site, out, &s->entries[s->nentries - 1]);
	ruru_buf_addf(out, "</td><td data-label=\"Entries\">%zu</td><td>", loaded ? s->nentries : 0);
	for (size_t t = 0; t < s->ntags; t++)
		tag_link(site, out, "", s->tags[t]);
	ruru_buf_addstr(out, "</td></tr>\n");
	if (loaded)
		ruru_session_release(&full);
}

int web_page_index(struct web_site *site, struct ruru_buf *out, struct ruru_error *err)
{
	struct ruru_session *list;
	size_t n;
	/* a query: the library's full-text search, with the page's filters */
	bool searching = site->query && *site->query;
	struct ruru_search_hits *hits = NULL;
	struct ruru_error serr = { 0 };
	ruru_error_clear(&serr);
	if (searching) {
		struct ruru_search_opts o = { 0 };
		o.query = site->query;
		o.query_len = strlen(site->query);
		o.tag = site->tag;
		o.status = site->status;
		o.limit = 0;
		o.mark_open = MARK_OPEN;
		o.mark_close = MARK_CLOSE;
		hits = ruru_search(site->ws, &o, &serr);
	}
	if (web_sessions(site, &list, &n, err) < 0) {
		ruru_search_hits_free(hits);
		return -1;
	}
	/* hits are labelled by their session's title: from the whole list */
	struct ruru_session *titles = NULL;
	size_t ntitles = 0;
	if (searching) {
		struct ruru_error te = { 0 };
		if (ruru_session_list(site->ws, RURU_STATUS_UNKNOWN, NULL, &titles, &ntitles, &te) < 0)
			titles = NULL, ntitles = 0;
		n = keep_hit_sessions(site, list, n, hits);
	}
	if (site->sort && !strcmp(site->sort, "title"))
		qsort(list, n, sizeof *list, by_title);
	else if (site->sort && !strcmp(site->sort, "status"))
		qsort(list, n, sizeof *list, by_status);
	size_t pages = n ? (n + WEB_PAGE_SESSIONS - 1) / WEB_PAGE_SESSIONS : 1;
	size_t page = site->page < 1 ? 1 : site->page > pages ? pages : site->page;
	site->npages = pages;
	head(site, out, "", "Sessions");
	ruru_buf_addstr(out, "<h1>Sessions</h1>\n");
	if (site->server) {
		static const enum ruru_status sts[] = { RURU_STATUS_ACTIVE, RURU_STATUS_PAUSED,
							RURU_STATUS_COMPLETED, RURU_STATUS_ERROR };
		ruru_buf_addstr(out, "<form class=\"filters\" method=\"get\" action=\"index.html\" role=\"search\">"
				     "<label>Search <input type=\"search\" id=\"q\" name=\"q\" value=\"");
		str(site, out, site->query ? site->query : "");
		ruru_buf_addstr(out, "\"></label> <label>Status <select name=\"status\">"
				     "<option value=\"\">any</option>");
		for (size_t i = 0; i < 4; i++)
			ruru_buf_addf(out, "<option value=\"%s\"%s>%s</option>", ruru_status_word(sts[i]),
				      site->status == sts[i] ? " selected" : "",
				      ruru_status_string(sts[i]));
		ruru_buf_addstr(out, "</select></label> <label>Tag <input id=\"tag\" name=\"tag\" value=\"");
		str(site, out, site->tag ? site->tag : "");
		ruru_buf_addstr(out, "\"></label> <button type=\"submit\">Filter</button></form>\n");
	}
	if (searching && !hits) {
		ruru_buf_addstr(out, "<p class=\"warn\">Search: ");
		web_escape(out, serr.msg, strlen(serr.msg));
		ruru_buf_addstr(out, "</p>\n");
	}
	size_t from = (page - 1) * WEB_PAGE_SESSIONS;
	size_t to = from + WEB_PAGE_SESSIONS < n ? from + WEB_PAGE_SESSIONS : n;
	if (pages > 1)
		ruru_buf_addf(out, "<p class=\"muted\">%zu sessions, %zu to %zu shown</p>\n", n, from + 1, to);
	else
		ruru_buf_addf(out, "<p class=\"muted\">%zu session%s</p>\n", n, n == 1 ? "" : "s");
	if (n) {
		ruru_buf_addstr(out, "<table class=\"sessions\">\n<thead><tr>");
		sort_header(site, out, "Session", "title");
		sort_header(site, out, "Status", "status");
		ruru_buf_addstr(out, "<th scope=\"col\">Open</th>");
		sort_header(site, out, "Started", "");
		ruru_buf_addstr(out, "<th scope=\"col\">Last activity</th><th scope=\"col\">Entries</th>"
				     "<th scope=\"col\">Tags</th></tr></thead>\n<tbody>\n");
		for (size_t i = from; i < to; i++)
			session_row(site, out, &list[i]);
		ruru_buf_addstr(out, "</tbody></table>\n");
	}
	pager(site, out, page, pages);
	if (hits)
		search_results(site, out, hits, titles ? titles : list, titles ? ntitles : n);
	foot(site, out, "");
	ruru_session_list_free(list, n);
	if (titles)
		ruru_session_list_free(titles, ntitles);
	ruru_search_hits_free(hits);
	return 0;
}

/* "../" for each folder of a page's path, to reach the site root. */
static void root_of(struct ruru_buf *root, const char *page)
{
	for (const char *p = page; *p; p++)
		if (*p == '/')
			ruru_buf_addstr(root, "../");
}

/* Is `path` an artifact of the list that is there to show? */
static bool listed_artifact(const struct ruru_artifact_list *arts, const char *path)
{
	const struct ruru_artifact_info *a = ruru_artifact_list_find(arts, path);
	return a && a->exists;
}

/* An entry's colour: errors and failures red, successes and approvals
 * green, decisions violet, confirmation steps amber, delegations and
 * artifacts blue; "" for the rest. */
static const char *entry_class(const struct ruru_entry *e)
{
	const char *o = e->outcome ? e->outcome : "";
	switch (e->type) {
	case RURU_EV_ERROR: return "bad";
	case RURU_EV_RESULT:
		return !strcmp(o, "failure") ? "bad" : !strcmp(o, "success") ? "ok" : "info";
	case RURU_EV_CONFIRM_RESPONSE:
		return !strcmp(o, "rejected") ? "bad" : !strcmp(o, "approved") ? "ok" : "warn";
	case RURU_EV_CONFIRM_REQUEST:
	case RURU_EV_CONFIRM_SKIP: return "warn";
	case RURU_EV_DECISION: return "vio";
	case RURU_EV_DELEGATION:
	case RURU_EV_ARTIFACT: return "info";
	default: return "";
	}
}

/* A path from the root (an ADR, a target) shown as code. */
static void field(struct web_site *site, struct ruru_buf *out, const char *label, const char *v)
{
	if (!v || !*v)
		return;
	ruru_buf_addf(out, " <span>%s <code>", label);
	str(site, out, v);
	ruru_buf_addstr(out, "</code></span>");
}

/* The entry that starts on `line` or holds it: the last one starting at
 * or before it (entries are in line order; 0 when none). */
static size_t entry_at(const struct ruru_session *s, size_t line)
{
	size_t lo = 0, hi = s->nentries; /* the answer is below hi */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->entries[mid].line <= line)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The href of timeline page `p` of `pages`, from the session's page: the
 * last (the newest entries) is index.html itself; on the server the
 * others are ?page=N, in an export index-N.html. */
static void entry_page_href(struct web_site *site, struct ruru_buf *out, size_t p, size_t pages)
{
	if (p >= pages)
		ruru_buf_addstr(out, " href=\"index.html\"");
	else
		ruru_buf_addf(out, site->server ? " href=\"index.html?page=%zu\"" : " href=\"index-%zu.html\"", p);
}

/* The timeline's pager (links, so it works without JavaScript). */
static void entry_pager(struct web_site *site, struct ruru_buf *out, size_t page, size_t pages, const char *where)
{
	if (pages <= 1)
		return;
	ruru_buf_addf(out, "<nav class=\"pages\" aria-label=\"timeline pages, %s\">", where);
	if (page > 1) {
		ruru_buf_addstr(out, "<a");
		entry_page_href(site, out, 1, pages);
		ruru_buf_addstr(out, ">« Oldest</a><a rel=\"prev\"");
		entry_page_href(site, out, page - 1, pages);
		ruru_buf_addstr(out, ">← Older</a>");
	}
	ruru_buf_addf(out, "<span>Page %zu of %zu</span>", page, pages);
	if (page < pages) {
		ruru_buf_addstr(out, "<a rel=\"next\"");
		entry_page_href(site, out, page + 1, pages);
		ruru_buf_addstr(out, ">Newer →</a><a");
		entry_page_href(site, out, pages, pages);
		ruru_buf_addstr(out, ">Newest »</a>");
	}
	ruru_buf_addstr(out, "</nav>\n");
}

/* The timeline: an entry is a line of facts (type, time, mode, task,
 * artifact, ADR, source, outcome) over its message, oldest first,
 * WEB_PAGE_ENTRIES a page (the last page, the newest entries, unless
 * site->entry_page or site->entry_line names another).  Kept lean: an
 * export of a thousand sessions is mostly these. */
static void timeline(struct web_site *site, struct ruru_buf *out, const struct ruru_session *s,
		     const struct ruru_artifact_list *arts, const struct ruru_task_list *tasks,
		     const struct open_line *open_at, size_t nopen_lines)
{
	const char *root = "../../";
	size_t n = s->nentries;
	size_t pages = n ? (n + WEB_PAGE_ENTRIES - 1) / WEB_PAGE_ENTRIES : 1;
	size_t page = site->entry_page < 1 || site->entry_page > pages ? pages : site->entry_page;
	if (site->entry_line)
		page = n ? entry_at(s, site->entry_line) / WEB_PAGE_ENTRIES + 1 : 1;
	site->entry_pages = pages;
	size_t from = (page - 1) * WEB_PAGE_ENTRIES;
	size_t to = from + WEB_PAGE_ENTRIES < n ? from + WEB_PAGE_ENTRIES : n;
	ruru_buf_addstr(out, "<h2 id=\"timeline\">Timeline</h2>\n");
	if (pages > 1)
		ruru_buf_addf(out, "<p class=\"muted\">%zu entries, oldest first; %zu to %zu shown</p>\n", n,
			      from + 1, to);
	else
		ruru_buf_addf(out, "<p class=\"muted\">%zu entr%s</p>\n", n, n == 1 ? "y" : "ies");
	entry_pager(site, out, page, pages, "top");
	ruru_buf_addf(out, "<ol class=\"timeline\" start=\"%zu\">\n", from + 1);
	for (size_t i = from; i < to; i++) {
		const struct ruru_entry *e = &s->entries[i];
		const char *cls = entry_class(e);
		ruru_buf_addf(out, "<li id=\"L%zu\"%s%s%s><p class=\"meta\"><b>", e->line,
			      *cls ? " class=\"" : "", cls, *cls ? "\"" : "");
		str(site, out, e->type_name ? e->type_name : "note");
		ruru_buf_addstr(out, "</b> ");
		struct open_line key = { e->line, NULL };
		const struct open_line *ol = bsearch(&key, open_at, nopen_lines, sizeof *open_at, cmp_open_line);
		if (ol) {
			/* still open (the library's rule): its item's badge */
			open_badge(site, out, ruru_open_kind_name(ol->item->kind), ol->item->status);
			ruru_buf_addch(out, ' ');
		}
		stamp(site, out, e);
		/* plain words are items of the line as they are (a flex box) */
		if (e->mode) {
			ruru_buf_addstr(out, " mode ");
			str(site, out, e->mode);
		}
		if (e->task) {
			/* a link to its card when the board shows it */
			bool on_board = false;
			for (size_t k = 0; k < tasks->n; k++)
				on_board = on_board || !strcmp(tasks->v[k].id, e->task);
			ruru_buf_addstr(out, on_board ? " <span>task " : " task ");
			if (on_board)
				task_link(site, out, root, e->task);
			else
				str(site, out, e->task);
			if (on_board)
				ruru_buf_addstr(out, "</span>");
		}
		if (e->artifact) {
			ruru_buf_addstr(out, " <span>artifact ");
			if (listed_artifact(arts, e->artifact)) {
				struct ruru_buf p = RURU_BUF_INIT;
				ruru_buf_addf(&p, "%s.html", e->artifact);
				ruru_buf_addstr(out, "<a");
				href(out, "", p.ptr);
				ruru_buf_addstr(out, ">");
				str(site, out, e->artifact);
				ruru_buf_addstr(out, "</a>");
				ruru_buf_release(&p);
			} else {
				str(site, out, e->artifact);
			}
			ruru_buf_addstr(out, "</span>");
		}
		field(site, out, "ADR", e->adr);
		if (e->source) {
			ruru_buf_addstr(out, " from ");
			str(site, out, e->source);
		}
		if (e->outcome) {
			ruru_buf_addstr(out, " <i>");
			str(site, out, e->outcome);
			ruru_buf_addstr(out, "</i>");
		}
		ruru_buf_addstr(out, "</p><p class=\"msg\">");
		text(site, out, e->message, e->message_len);
		ruru_buf_addstr(out, "</p></li>\n");
	}
	ruru_buf_addstr(out, "</ol>\n");
	entry_pager(site, out, page, pages, "bottom");
}

/* The href of the timeline entry on `line`: its page, at its anchor. */
static void entry_href(struct web_site *site, struct ruru_buf *out, const struct ruru_session *s, size_t line)
{
	size_t n = s->nentries, at = n ? entry_at(s, line) : 0;
	size_t pages = n ? (n + WEB_PAGE_ENTRIES - 1) / WEB_PAGE_ENTRIES : 1;
	entry_page_href(site, out, n ? at / WEB_PAGE_ENTRIES + 1 : 1, pages);
	out->ptr[--out->len] = '\0'; /* the closing quote */
	ruru_buf_addf(out, "#L%zu\"", line);
}

/* The session's open items, each with its badge and a link to where it
 * is: its entry, its task's card, its proposal or blocker artifact. */
static void open_section(struct web_site *site, struct ruru_buf *out, const struct ruru_session *s,
			 const struct ruru_open_items *open, const struct ruru_artifact_list *arts)
{
	size_t n = open ? open->n : 0;
	ruru_buf_addf(out, "<h2 id=\"open\">Open items <span class=\"muted\">(%zu)</span></h2>\n", n);
	if (!n) {
		ruru_buf_addstr(out, "<p class=\"muted\">Nothing open.</p>\n");
		return;
	}
	/* a page stays small: the newest WEB_OPEN_SHOWN (the timeline marks
	 * every open entry) */
	size_t from = n > WEB_OPEN_SHOWN ? n - WEB_OPEN_SHOWN : 0;
	if (from)
		ruru_buf_addf(out, "<p class=\"muted\">The newest %d shown; the %zu older ones are marked "
				   "in the timeline.</p>\n", WEB_OPEN_SHOWN, from);
	ruru_buf_addstr(out, "<ul class=\"open\">\n");
	for (size_t i = from; i < n; i++) {
		const struct ruru_open_item *it = &open->v[i];
		const char *text_ = it->text, *task = it->task, *art = it->artifact;
		ruru_buf_addstr(out, "<li>");
		open_badge(site, out, ruru_open_kind_name(it->kind), it->status);
		bool linked = true;
		if (it->line > 0) {
			ruru_buf_addstr(out, " <a");
			entry_href(site, out, s, it->line);
		} else if (it->kind == RURU_OPEN_TASK && task) {
			ruru_buf_addstr(out, " <a href=\"../../tasks.html#task-");
			struct ruru_buf h = RURU_BUF_INIT;
			web_href(&h, task);
			web_escape(out, h.ptr, h.len);
			ruru_buf_release(&h);
			ruru_buf_addch(out, '"');
		} else if (art && listed_artifact(arts, art)) {
			struct ruru_buf h = RURU_BUF_INIT;
			ruru_buf_addf(&h, "%s.html", art);
			ruru_buf_addstr(out, " <a");
			href(out, "", h.ptr);
			ruru_buf_release(&h);
		} else {
			linked = false; /* nothing to open */
			ruru_buf_addstr(out, " <span");
		}
		ruru_buf_addstr(out, ">");
		str(site, out, text_ ? text_ : "");
		ruru_buf_addstr(out, linked ? "</a></li>\n" : "</span></li>\n");
	}
	ruru_buf_addstr(out, "</ul>\n");
}

/* The front-matter card: every key of the library's key table but the
 * title (the page's heading), under its label; the status, the times and
 * the tags in their richer forms, any other key as its text. */
static void session_keys(struct web_site *site, struct ruru_buf *out, const struct ruru_session *s,
			 const char *root)
{
	struct ruru_session_key key;
	for (size_t k = 0; ruru_session_key(k, &key); k++) {
		if (!strcmp(key.name, "title"))
			continue;
		size_t n;
		const char *const *v = ruru_session_key_value(s, k, &n);
		bool start = !strcmp(key.name, "start_time"), end = !strcmp(key.name, "end_time");
		ruru_buf_addstr(out, "\n<dt>");
		str(site, out, key.label);
		ruru_buf_addstr(out, start || end ? "</dt><dd class=\"nw\">" : "</dt><dd>");
		if (!strcmp(key.name, "status"))
			status_cell(site, out, s);
		else if ((start && s->start) || (end && s->end))
			utc(out, start ? s->start : s->end, false);
		else if (!strcmp(key.name, "tags") && n)
			for (size_t t = 0; t < n; t++)
				tag_link(site, out, root, v[t]);
		else {
			size_t shown = 0;
			for (size_t i = 0; i < n; i++)
				if (v[i] && *v[i]) {
					ruru_buf_addstr(out, shown++ ? ", " : "");
					str(site, out, v[i]);
				}
			if (!shown)
				ruru_buf_addstr(out, "—");
		}
		ruru_buf_addstr(out, "</dd>");
	}
}

/* A session page's page `site->entry_page` (or the one holding
 * `site->entry_line`), from what was read once for all its pages. */
static void session_page(struct web_site *site, const struct ruru_session *sp,
			 const struct ruru_task_list *tasks, const struct ruru_artifact_list *arts,
			 const struct ruru_open_items *open, const struct open_line *open_at,
			 size_t nopen_lines, struct ruru_buf *out)
{
	const struct ruru_session s = *sp;
	const char *root = "../../";
	head(site, out, root, s.title && *s.title ? s.title : s.id);
	ruru_buf_addstr(out, "<h1>");
	str(site, out, s.title && *s.title ? s.title : s.id);
	ruru_buf_addstr(out, "</h1>\n<section class=\"card\" aria-label=\"front matter\"><dl>");
	session_keys(site, out, &s, root);
	ruru_buf_addstr(out, "\n<dt>Log</dt><dd><code>");
	str(site, out, s.path);
	ruru_buf_addstr(out, "</code></dd>\n</dl></section>\n");
	if (s.goal && *s.goal) {
		ruru_buf_addstr(out, "<h2>Goal</h2>\n<div class=\"msg\">");
		str(site, out, s.goal);
		ruru_buf_addstr(out, "</div>\n");
	}
	open_section(site, out, &s, open, arts);
	timeline(site, out, &s, arts, tasks, open_at, nopen_lines);

	ruru_buf_addstr(out, "<h2>Tasks</h2>\n");
	if (!tasks->n)
		ruru_buf_addstr(out, "<p class=\"muted\">No tasks.</p>\n");
	else
		ruru_buf_addstr(out, "<table class=\"tasks\"><thead><tr><th scope=\"col\">Task</th>"
				     "<th scope=\"col\">ID</th><th scope=\"col\">Status</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < tasks->n; i++) {
		const struct ruru_task_info *v = &tasks->v[i];
		ruru_buf_addstr(out, "<tr><td>");
		str(site, out, v->title ? v->title : "(no task file)");
		ruru_buf_addstr(out, "</td><td>");
		task_link(site, out, root, v->id);
		ruru_buf_addstr(out, "</td><td><span class=\"nw\">");
		str(site, out, v->status ? v->status : "—");
		ruru_buf_addstr(out, "</span>");
		task_open_badge(site, out, v);
		ruru_buf_addstr(out, "</td></tr>\n");
	}
	if (tasks->n)
		ruru_buf_addstr(out, "</tbody></table>\n");

	ruru_buf_addstr(out, "<h2>Artifacts</h2>\n");
	if (!arts->n)
		ruru_buf_addstr(out, "<p class=\"muted\">No artifacts.</p>\n");
	else
		ruru_buf_addstr(out, "<ul>\n");
	for (size_t i = 0; i < arts->n; i++) {
		const char *p = arts->v[i].path;
		ruru_buf_addstr(out, "<li>");
		if (arts->v[i].exists) {
			struct ruru_buf h = RURU_BUF_INIT;
			ruru_buf_addf(&h, "%s.html", p);
			ruru_buf_addstr(out, "<a");
			href(out, "", h.ptr);
			ruru_buf_addstr(out, ">");
			str(site, out, p);
			ruru_buf_addf(out, "</a> <span class=\"muted\">%lld bytes</span>", arts->v[i].bytes);
			ruru_buf_release(&h);
		} else {
			str(site, out, p);
			ruru_buf_addstr(out, " <span class=\"muted\">(recorded, missing on disk)</span>");
		}
		ruru_buf_addstr(out, "</li>\n");
	}
	if (arts->n)
		ruru_buf_addstr(out, "</ul>\n");
	foot(site, out, root);
}

int web_session_pages(struct web_site *site, const char *id, web_page_fn *emit, void *ctx,
		      struct ruru_buf *out, struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(site->ws, id, RURU_LOAD_ENTRIES, &s, err) < 0)
		return -1;
	/* one computation of the open items serves the tasks' marks and the
	 * open items section */
	struct ruru_open_items *open = NULL;
	struct ruru_task_list *tasks = ruru_task_list_open(site->ws, id, &open, err);
	struct ruru_artifact_list *arts = tasks ? ruru_artifact_list(site->ws, id, err) : NULL;
	if (!arts) {
		ruru_open_items_free(open);
		ruru_task_list_free(tasks);
		ruru_session_release(&s);
		return -1;
	}
	size_t nlines;
	struct open_line *lines = open_lines(open, &nlines);
	int rc = 0;
	if (!emit) {
		session_page(site, &s, tasks, arts, open, lines, nlines, out);
	} else {
		/* the newest page first (index.html), then the older ones */
		site->entry_page = 0;
		site->entry_line = 0;
		session_page(site, &s, tasks, arts, open, lines, nlines, out);
		size_t pages = site->entry_pages;
		rc = emit(ctx, pages, pages, out, err);
		for (size_t p = 1; rc == 0 && p < pages; p++) {
			site->entry_page = p;
			session_page(site, &s, tasks, arts, open, lines, nlines, out);
			rc = emit(ctx, p, pages, out, err);
		}
		site->entry_page = 0;
	}
	free(lines);
	ruru_open_items_free(open);
	ruru_task_list_free(tasks);
	ruru_artifact_list_free(arts);
	ruru_session_release(&s);
	return rc;
}

int web_page_session(struct web_site *site, const char *id, struct ruru_buf *out,
		     struct ruru_error *err)
{
	return web_session_pages(site, id, NULL, NULL, out, err);
}

/* Biggest artifact shown in a page. */
#define SHOW_MAX (8u * 1024 * 1024)

static bool is_markdown(const char *rel)
{
	size_t n = strlen(rel);
	return (n > 3 && !strcmp(rel + n - 3, ".md")) || (n > 9 && !strcmp(rel + n - 9, ".markdown"));
}

/* A typed artifact's TOML front matter as a table: key, value (strings
 * as text, arrays of strings joined, anything else as written). */
static void front_matter(struct web_site *site, struct ruru_buf *out, const char *toml, size_t len)
{
	struct ruru_error e = { 0 };
	struct ruru_toml *doc = ruru_toml_parse(toml, len, &e);
	if (!doc) {
		ruru_buf_addstr(out, "<pre tabindex=\"0\">");
		text(site, out, toml, len);
		ruru_buf_addstr(out, "</pre>\n");
		return;
	}
	const struct ruru_toml_value *root = ruru_toml_root(doc);
	ruru_buf_addstr(out, "<div class=\"card\"><table class=\"fm\" aria-label=\"front matter\"><tbody>\n");
	for (size_t i = 0; i < ruru_toml_table_len(root); i++) {
		size_t kl;
		const char *k = ruru_toml_table_key(root, i, &kl);
		const struct ruru_toml_value *v = ruru_toml_table_at(root, i);
		ruru_buf_addstr(out, "<tr><th scope=\"row\">");
		text(site, out, k, kl);
		ruru_buf_addstr(out, "</th><td>");
		enum ruru_toml_kind kind = ruru_toml_kind(v);
		if (kind == RURU_TOML_STRING) {
			size_t sl;
			const char *sv = ruru_toml_string(v, &sl);
			if (sl)
				text(site, out, sv, sl);
			else
				ruru_buf_addstr(out, "<span class=\"muted\">—</span>");
		} else if (kind == RURU_TOML_ARRAY) {
			for (size_t j = 0; j < ruru_toml_array_len(v); j++) {
				const struct ruru_toml_value *x = ruru_toml_array_at(v, j);
				size_t sl;
				if (ruru_toml_kind(x) == RURU_TOML_STRING) {
					const char *sv = ruru_toml_string(x, &sl);
					ruru_buf_addstr(out, "<span class=\"badge\">");
					text(site, out, sv, sl);
					ruru_buf_addstr(out, "</span> ");
				} else {
					struct ruru_toml_span sp = ruru_toml_value_span(x);
					text(site, out, toml + sp.start, sp.end - sp.start);
					ruru_buf_addstr(out, " ");
				}
			}
		} else {
			struct ruru_toml_span sp = ruru_toml_value_span(v);
			ruru_buf_addstr(out, "<code>");
			text(site, out, toml + sp.start, sp.end - sp.start);
			ruru_buf_addstr(out, "</code>");
		}
		ruru_buf_addstr(out, "</td></tr>\n");
	}
	ruru_buf_addstr(out, "</tbody></table></div>\n");
	ruru_toml_free(doc);
}

/* What a link inside an artifact may point at: the artifacts of its session. */
struct links {
	struct web_site *site;
	const char *rel; /* the page's artifact, relative to the session folder */
	const struct ruru_artifact_list *arts;
};

static void one_proposal(struct web_site *site, struct ruru_buf *out, const char *art,
			 bool unadopted, bool held_open, const char *open_status, bool own_page);
static void markdown(struct ruru_buf *out, const char *md, size_t len, const struct links *l);

static int artifact_body(struct web_site *site, const char *id, const char *rel,
			 const struct ruru_artifact_list *arts,
			 struct ruru_buf *data, int kind, struct ruru_buf *out, struct ruru_error *err)
{
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	if (kind == 1 && is_markdown(rel) && !strncmp(base, "CONFIRM-", 8)) {
		/* a proposal: its review card (ruru's diff), not its payload as Markdown */
		struct ruru_session s;
		struct ruru_error e = { 0 };
		if (ruru_session_load(site->ws, id, 0, &s, &e) == 0) {
			struct ruru_buf art = RURU_BUF_INIT;
			const char *slash = strrchr(s.path, '/');
			ruru_buf_addf(&art, "%.*s/%s", slash ? (int)(slash - s.path) : 0, s.path, rel);
			one_proposal(site, out, art.ptr, false, false, NULL, true);
			ruru_buf_release(&art);
			ruru_session_release(&s);
			return 0;
		}
	}
	if (kind == 1 && is_markdown(rel)) {
		struct ruru_buf r = RURU_BUF_INIT;
		if (site->redact)
			ruru_redact(&r, data->ptr, data->len);
		else
			ruru_buf_add(&r, data->ptr, data->len);
		struct ruru_frontmatter fm;
		size_t body = 0;
		if (ruru_frontmatter_split(r.ptr, r.len, &fm)) {
			front_matter(site, out, r.ptr + fm.toml, fm.toml_end - fm.toml);
			body = fm.body;
		}
		struct links l = { site, rel, arts };
		ruru_buf_addstr(out, "<article class=\"doc\">\n");
		markdown(out, r.ptr + body, r.len - body, &l);
		ruru_buf_addstr(out, "</article>\n");
		ruru_buf_release(&r);
	} else if (kind == 1) {
		ruru_buf_addstr(out, "<pre tabindex=\"0\">");
		text(site, out, data->ptr, data->len);
		ruru_buf_addstr(out, "</pre>\n");
	} else if (site->files) {
		ruru_buf_addf(out, "<p>Binary file, %zu bytes: <a", data->len);
		struct ruru_buf h = RURU_BUF_INIT;
		ruru_buf_addstr(&h, "files/");
		ruru_buf_addstr(&h, base);
		href(out, "", h.ptr);
		ruru_buf_release(&h);
		ruru_buf_addstr(out, " download>download</a></p>\n");
	} else {
		ruru_buf_addf(out, "<p class=\"muted\">Binary file, %zu bytes, not included: redaction "
				   "cannot look inside it (export with --no-redact to include it).</p>\n",
			      data->len);
	}
	(void)err;
	return 0;
}

int web_page_artifact(struct web_site *site, const char *id, const char *rel,
		      struct ruru_buf *out, struct ruru_error *err)
{
	struct ruru_buf data = RURU_BUF_INIT, root = RURU_BUF_INIT, page = RURU_BUF_INIT;
	int kind = ruru_export_read_artifact(site->ws, id, rel, SHOW_MAX, &data, err);
	if (kind < 0 && err->code != RURU_EINVALID) {
		ruru_buf_release(&data);
		return -1;
	}
	struct ruru_error ae = { 0 };
	struct ruru_artifact_list *arts = ruru_artifact_list(site->ws, id, &ae);
	ruru_buf_addf(&page, "sessions/%s/%s", id, rel);
	root_of(&root, page.ptr);
	head(site, out, root.ptr, rel);
	site->root = root.ptr;
	ruru_buf_addstr(out, "<p><a href=\"");
	for (const char *p = rel; *p; p++)
		if (*p == '/')
			ruru_buf_addstr(out, "../");
	ruru_buf_addstr(out, "index.html\">← ");
	/* back to the session, by its title */
	struct ruru_session sess;
	struct ruru_error se = { 0 };
	if (ruru_session_load(site->ws, id, 0, &sess, &se) == 0) {
		str(site, out, sess.title && *sess.title ? sess.title : id);
		ruru_session_release(&sess);
	} else {
		str(site, out, id);
	}
	ruru_buf_addstr(out, "</a></p>\n<h1>");
	str(site, out, rel);
	ruru_buf_addstr(out, "</h1>\n");
	if (kind < 0) {
		ruru_buf_addstr(out, "<p class=\"muted\">");
		web_escape(out, err->msg, strlen(err->msg));
		ruru_buf_addstr(out, ".</p>\n");
		ruru_error_clear(err);
	} else {
		artifact_body(site, id, rel, arts, &data, kind, out, err);
	}
	foot(site, out, root.ptr);
	site->root = NULL;
	ruru_artifact_list_free(arts);
	ruru_buf_release(&data);
	ruru_buf_release(&root);
	ruru_buf_release(&page);
	return 0;
}

/* A column's anchor: its status in lowercase, spaces as '-'. */
static void column_id(struct ruru_buf *out, const char *name)
{
	for (const char *p = name; *p; p++)
		ruru_buf_addch(out, *p == ' ' ? '-' : (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
}

int web_page_tasks(struct web_site *site, struct ruru_buf *out, struct ruru_error *err)
{
	struct ruru_session *list;
	size_t n;
	if (web_sessions(site, &list, &n, err) < 0)
		return -1;
	/* one column per MDTM status, in workflow order; tasks no file
	 * describes go to the last column */
	static const enum ruru_task_status order[] = {
		RURU_TASK_TODO,	 RURU_TASK_IN_PROGRESS, RURU_TASK_GENERATING, RURU_TASK_TESTING,
		RURU_TASK_REVIEW, RURU_TASK_BLOCKED,	 RURU_TASK_ERROR,      RURU_TASK_DONE,
		RURU_TASK_UNKNOWN,
	};
	size_t ncol = sizeof order / sizeof order[0];
	/* a card: a task and the session it is shown under */
	struct card {
		const struct ruru_task_info *t;
		const char *session;
		size_t col;
	} *cards = NULL;
	size_t ncards = 0, cap = 0;
	struct ruru_task_list **lists = calloc(n ? n : 1, sizeof(*lists));
	json_t *seen = json_object();
	if (!lists)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct ruru_error e = { 0 };
		lists[i] = ruru_task_list(site->ws, list[i].id, &e);
		for (size_t k = 0; lists[i] && k < lists[i]->n; k++) {
			const struct ruru_task_info *t = &lists[i]->v[k];
			enum ruru_task_status ts = t->status ? ruru_task_status_parse(t->status)
							     : RURU_TASK_UNKNOWN;
			size_t c = ncol - 1;
			for (size_t j = 0; j < ncol; j++)
				if (order[j] == ts)
					c = j;
			/* a task linked from several sessions: one card, the first */
			if (json_object_get(seen, t->id))
				continue;
			json_object_set_new(seen, t->id, json_true());
			if (ncards == cap) {
				cap = cap ? 2 * cap : 32;
				if (!(cards = realloc(cards, cap * sizeof(*cards))))
					abort();
			}
			cards[ncards++] = (struct card){ t, list[i].id, c };
		}
	}
	head(site, out, "", "Tasks");
	ruru_buf_addstr(out, "<h1>Tasks</h1>\n<div class=\"board\">\n");
	for (size_t c = 0; c < ncol; c++) {
		size_t count = 0;
		for (size_t k = 0; k < ncards; k++)
			count += cards[k].col == c;
		const char *name = order[c] == RURU_TASK_UNKNOWN ? "No task file"
								 : ruru_task_status_string(order[c]);
		struct ruru_buf cid = RURU_BUF_INIT;
		column_id(&cid, name);
		ruru_buf_addstr(out, "<section aria-labelledby=\"col-");
		web_escape(out, cid.ptr, cid.len);
		ruru_buf_addstr(out, "\"><h2 id=\"col-");
		web_escape(out, cid.ptr, cid.len);
		ruru_buf_addstr(out, "\"><a href=\"#col-");
		web_escape(out, cid.ptr, cid.len);
		ruru_buf_addstr(out, "\">");
		str(site, out, name);
		ruru_buf_addf(out, "</a> <span class=\"muted\">(%zu)</span></h2>\n%s\n", count,
			      count ? "<ul>" : "<p class=\"muted\">none</p>");
		ruru_buf_release(&cid);
		for (size_t k = 0; k < ncards; k++) {
			if (cards[k].col != c)
				continue;
			const struct ruru_task_info *t = cards[k].t;
			const char *title = t->title, *tid = t->id, *sess = cards[k].session;
			ruru_buf_addstr(out, "<li id=\"task-");
			str(site, out, tid);
			ruru_buf_addstr(out, "\"><strong>");
			str(site, out, title && *title ? title : tid);
			ruru_buf_addstr(out, "</strong>");
			if (title && *title)
				value_link(site, out, "id", "", "#task-", tid);
			task_open_badge(site, out, t);
			ruru_buf_addstr(out, "<a class=\"id\"");
			struct ruru_buf p = RURU_BUF_INIT;
			ruru_buf_addf(&p, "sessions/%s/index.html", sess);
			href(out, "", p.ptr);
			ruru_buf_release(&p);
			ruru_buf_addstr(out, ">");
			str(site, out, title_of(list, n, sess));
			ruru_buf_addstr(out, "</a></li>\n");
		}
		ruru_buf_addstr(out, count ? "</ul></section>\n" : "</section>\n");
	}
	ruru_buf_addstr(out, "</div>\n");
	foot(site, out, "");
	json_decref(seen);
	free(cards);
	for (size_t i = 0; i < n; i++)
		ruru_task_list_free(lists[i]);
	free(lists);
	ruru_session_list_free(list, n);
	return 0;
}

/* Raw HTML in Markdown becomes text: an HTML block a code block, inline
 * HTML a text node (doc/design.md §15: raw HTML escaped, not dropped). */
/* The nodes of type `a` or `b` in document order (caller frees the array). */
static cmark_node **collect(cmark_node *doc, cmark_node_type a, cmark_node_type b, size_t *count)
{
	size_t n = 0, cap = 16;
	cmark_node **found = malloc(cap * sizeof *found);
	if (!found)
		abort();
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (ev != CMARK_EVENT_ENTER || (t != a && t != b))
			continue;
		if (n == cap) {
			cap *= 2;
			if (!(found = realloc(found, cap * sizeof *found)))
				abort();
		}
		found[n++] = node;
	}
	cmark_iter_free(it);
	*count = n;
	return found;
}

static void defuse_html(cmark_node *doc)
{
	size_t n;
	cmark_node **found = collect(doc, CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE, &n);
	for (size_t i = 0; i < n; i++) {
		cmark_node *old = found[i];
		bool block = cmark_node_get_type(old) == CMARK_NODE_HTML_BLOCK;
		cmark_node *nw = cmark_node_new(block ? CMARK_NODE_CODE_BLOCK : CMARK_NODE_TEXT);
		const char *lit = cmark_node_get_literal(old);
		cmark_node_set_literal(nw, lit ? lit : "");
		cmark_node_replace(old, nw);
		cmark_node_free(old);
	}
	free(found);
}

/* Replace `node` by its children (a link that must not be one: its text stays). */
static void unlink_keep_text(cmark_node *node)
{
	cmark_node *ch;
	while ((ch = cmark_node_first_child(node)))
		cmark_node_insert_before(node, ch);
	cmark_node_free(node);
}

static bool has_scheme(const char *u, size_t *n)
{
	size_t i = 0;
	while (u[i] && u[i] != ':' && u[i] != '/' && u[i] != '?' && u[i] != '#')
		i++;
	*n = i;
	return u[i] == ':' && i > 0;
}

/* `url` (relative to the artifact `l->rel`) resolved inside the session
 * folder into `out`, "." and ".." applied; false when it leaves it. */
static bool resolve(const char *rel, const char *url, size_t ulen, struct ruru_buf *out)
{
	struct ruru_buf path = RURU_BUF_INIT;
	const char *slash = strrchr(rel, '/');
	if (slash)
		ruru_buf_add(&path, rel, (size_t)(slash - rel) + 1);
	/* %-decoding: cmark keeps the URL as written */
	for (size_t i = 0; i < ulen; i++) {
		if (url[i] == '%' && i + 2 < ulen && isxdigit((unsigned char)url[i + 1]) &&
		    isxdigit((unsigned char)url[i + 2])) {
			char hex[3] = { url[i + 1], url[i + 2], '\0' };
			ruru_buf_addch(&path, (char)strtol(hex, NULL, 16));
			i += 2;
		} else {
			ruru_buf_addch(&path, url[i]);
		}
	}
	ruru_buf_reset(out);
	bool ok = true;
	for (size_t i = 0; i < path.len && ok;) {
		const char *sl = memchr(path.ptr + i, '/', path.len - i);
		size_t e = sl ? (size_t)(sl - path.ptr) : path.len;
		size_t n = e - i;
		if (n == 0 || (n == 1 && path.ptr[i] == '.')) {
			/* nothing */
		} else if (n == 2 && path.ptr[i] == '.' && path.ptr[i + 1] == '.') {
			char *up = out->len ? strrchr(out->ptr, '/') : NULL;
			if (!out->len)
				ok = false;
			else if (up) {
				out->len = (size_t)(up - out->ptr);
				out->ptr[out->len] = '\0';
			} else
				ruru_buf_reset(out);
		} else {
			if (out->len)
				ruru_buf_addch(out, '/');
			ruru_buf_add(out, path.ptr + i, n);
		}
		i = e + 1;
	}
	ruru_buf_release(&path);
	return ok && out->len && !memchr(out->ptr, '\0', out->len);
}

/* Links and images inside an artifact: one to another artifact of the
 * session goes to its page (an image to its bytes when the site has
 * them); http(s), mailto and in-page anchors stay; anything else
 * (javascript:, data:, a file outside the session) is shown as text. */
static void rewrite_links(cmark_node *doc, const struct links *l)
{
	size_t n;
	cmark_node **found = collect(doc, CMARK_NODE_LINK, CMARK_NODE_IMAGE, &n);
	struct ruru_buf to = RURU_BUF_INIT, url = RURU_BUF_INIT;
	for (size_t i = n; i-- > 0;) {
		cmark_node *node = found[i];
		bool image = cmark_node_get_type(node) == CMARK_NODE_IMAGE;
		const char *u = cmark_node_get_url(node);
		u = u ? u : "";
		size_t sn;
		if (!*u || *u == '#')
			continue;
		if (has_scheme(u, &sn)) {
			bool web = (sn == 4 && !strncasecmp(u, "http", 4)) || (sn == 5 && !strncasecmp(u, "https", 5)) ||
				   (!image && sn == 6 && !strncasecmp(u, "mailto", 6));
			if (!web)
				unlink_keep_text(node);
			continue;
		}
		size_t ulen = strcspn(u, "?#");
		const char *frag = strchr(u, '#');
		if (!l || *u == '/' || !resolve(l->rel, u, ulen, &to) || !listed_artifact(l->arts, to.ptr)) {
			unlink_keep_text(node);
			continue;
		}
		ruru_buf_reset(&url);
		for (const char *p = l->rel; *p; p++)
			if (*p == '/')
				ruru_buf_addstr(&url, "../");
		if (image && l->site->files) {
			/* DIR/files/NAME: the bytes of DIR/NAME */
			const char *sl = strrchr(to.ptr, '/');
			if (sl)
				ruru_buf_add(&url, to.ptr, (size_t)(sl - to.ptr) + 1);
			ruru_buf_addstr(&url, "files/");
			web_href(&url, sl ? sl + 1 : to.ptr);
			cmark_node_set_url(node, url.ptr);
			continue;
		}
		web_href(&url, to.ptr);
		ruru_buf_addstr(&url, ".html");
		if (frag && !image)
			ruru_buf_addstr(&url, frag);
		if (image) {
			/* no bytes to show (a redacted export): a link to its page */
			cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
			cmark_node_set_url(link, url.ptr);
			cmark_node *ch;
			while ((ch = cmark_node_first_child(node)))
				cmark_node_append_child(link, ch);
			cmark_node_replace(node, link);
			cmark_node_free(node);
		} else {
			cmark_node_set_url(node, url.ptr);
		}
	}
	ruru_buf_release(&to);
	ruru_buf_release(&url);
	free(found);
}

/* Copy cmark's HTML, labelling task-list checkboxes and making code
 * blocks (which may scroll) reachable from the keyboard. */
static void polish(struct ruru_buf *out, const char *html)
{
	static const struct {
		const char *from, *to;
	} sub[] = {
		{ "<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
		  "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"done\" />" },
		{ "<input type=\"checkbox\" disabled=\"\" />",
		  "<input type=\"checkbox\" disabled=\"\" aria-label=\"not done\" />" },
		{ "<pre>", "<pre tabindex=\"0\">" },
		{ "<pre lang=", "<pre tabindex=\"0\" lang=" },
	};
	for (const char *p = html; *p;) {
		const char *lt = strchr(p, '<');
		if (!lt) {
			ruru_buf_addstr(out, p);
			break;
		}
		ruru_buf_add(out, p, (size_t)(lt - p));
		p = lt;
		size_t k = 0;
		for (; k < sizeof sub / sizeof sub[0]; k++)
			if (!strncmp(p, sub[k].from, strlen(sub[k].from)))
				break;
		if (k < sizeof sub / sizeof sub[0]) {
			ruru_buf_addstr(out, sub[k].to);
			p += strlen(sub[k].from);
		} else {
			ruru_buf_addch(out, '<');
			p++;
		}
	}
}

static void markdown(struct ruru_buf *out, const char *md, size_t len, const struct links *l)
{
	cmark_gfm_core_extensions_ensure_registered();
	/* no CMARK_OPT_UNSAFE: raw HTML is turned into text below, and
	 * rewrite_links() leaves only safe links */
	int opts = CMARK_OPT_DEFAULT;
	cmark_parser *p = cmark_parser_new(opts);
	static const char *const exts[] = { "table", "strikethrough", "autolink", "tasklist" };
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	/* cmark reads NUL as U+FFFD itself */
	cmark_parser_feed(p, md, len);
	cmark_node *doc = cmark_parser_finish(p);
	defuse_html(doc);
	rewrite_links(doc, l);
	char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
	polish(out, html);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
}

void web_markdown(struct ruru_buf *out, const char *md, size_t len)
{
	markdown(out, md, len, NULL);
}

/* ------------------------------------------------------- confirmations */

#define DIFF_LINES_SHOWN 5000 /* a bigger diff is cut, with a note */

/* A unified diff as a table: old and new line numbers, each line coloured
 * whole (added, removed, context), hunk headers as separator rows.  The
 * file headers (---, +++) are left out: the card names the target. */
static void diff_table(struct web_site *site, struct ruru_buf *out, const char *target,
		       const char *d, size_t len)
{
	ruru_buf_addstr(out, "<div class=\"diff\" tabindex=\"0\" role=\"region\" aria-label=\"changes to ");
	str(site, out, target);
	ruru_buf_addstr(out, "\"><table><tbody>\n");
	long o = 0, n = 0;
	bool in_hunk = false;
	size_t shown = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(d + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - d) : len;
		const char *l = d + i;
		size_t ll = e - i;
		i = e + 1;
		if (!in_hunk && ll >= 4 && (!strncmp(l, "--- ", 4) || !strncmp(l, "+++ ", 4)))
			continue;
		if (++shown > DIFF_LINES_SHOWN) {
			ruru_buf_addstr(out, "<tr class=\"h\"><td colspan=\"3\">… the rest of the diff is not shown</td></tr>\n");
			break;
		}
		if (ll >= 2 && l[0] == '@' && l[1] == '@') {
			long a1 = 0, c1 = 0;
			char buf[64];
			size_t k = ll < sizeof buf - 1 ? ll : sizeof buf - 1;
			memcpy(buf, l, k);
			buf[k] = '\0';
			if (sscanf(buf, "@@ -%ld%*[^+]+%ld", &a1, &c1) == 2) {
				o = a1, n = c1;
				in_hunk = true;
			}
			ruru_buf_addstr(out, "<tr class=\"h\"><td colspan=\"3\">");
			text(site, out, l, ll);
			ruru_buf_addstr(out, "</td></tr>\n");
			continue;
		}
		char c = ll ? l[0] : ' ';
		const char *cls = c == '+' ? "a" : c == '-' ? "d" : c == '\\' ? "h" : "x";
		ruru_buf_addf(out, "<tr class=\"%s\"><td class=\"n\">", cls);
		if (c == ' ' || c == '-')
			ruru_buf_addf(out, "%ld", o++);
		ruru_buf_addstr(out, "</td><td class=\"n\">");
		if (c == ' ' || c == '+')
			ruru_buf_addf(out, "%ld", n++);
		ruru_buf_addstr(out, "</td><td class=\"c\">");
		text(site, out, ll ? l + 1 : l, ll ? ll - 1 : 0);
		ruru_buf_addstr(out, "</td></tr>\n");
	}
	ruru_buf_addstr(out, "</tbody></table></div>\n");
}

static const char *proposal_class(const char *status)
{
	if (!strcmp(status, "pending"))
		return "badge warn";
	if (!strcmp(status, "approved") || !strcmp(status, "skipped") || !strcmp(status, "applied"))
		return "badge ok";
	if (!strcmp(status, "rejected") || !strcmp(status, "failed"))
		return "badge bad";
	return "badge";
}

/* The card's anchor: "p-" and the CONFIRM file's name. */
static void card_id(struct ruru_buf *out, const char *prefix, const char *art)
{
	const char *b = strrchr(art, '/');
	ruru_buf_addstr(out, prefix);
	web_href(out, b ? b + 1 : art);
}

static void decision_form(struct web_site *site, struct ruru_buf *out, const struct ruru_confirm *c)
{
	struct ruru_buf rid = RURU_BUF_INIT;
	card_id(&rid, "reason-", c->artifact);
	/* the form posts to the site root's confirm: from an artifact page too */
	ruru_buf_addstr(out, "<form class=\"decide\" method=\"post\" action=\"");
	web_escape(out, site->root ? site->root : "", strlen(site->root ? site->root : ""));
	ruru_buf_addstr(out, "confirm\"><input type=\"hidden\" name=\"csrf\" value=\"");
	web_escape(out, site->csrf, strlen(site->csrf));
	ruru_buf_addstr(out, "\"><input type=\"hidden\" name=\"artifact\" value=\"");
	web_escape(out, c->artifact, strlen(c->artifact));
	/* what the page showed: a decision binds exactly this change */
	ruru_buf_addstr(out, "\"><input type=\"hidden\" name=\"target\" value=\"");
	web_escape(out, c->target, strlen(c->target));
	ruru_buf_addf(out, "\"><input type=\"hidden\" name=\"payload_sha256\" value=\"%s\">"
			   "<input type=\"hidden\" name=\"result_sha256\" value=\"%s\">"
			   "<input type=\"hidden\" name=\"target_sha256\" value=\"%s\">",
		      c->payload_sha256, c->result_sha256, c->target_sha256);
	ruru_buf_addstr(out, "<label for=\"");
	web_escape(out, rid.ptr, rid.len);
	ruru_buf_addstr(out, "\">Reason <span class=\"muted\">(optional to approve or reject; "
			     "the coordinator's rationale to skip)</span></label><textarea id=\"");
	web_escape(out, rid.ptr, rid.len);
	ruru_buf_addstr(out, "\" name=\"reason\" rows=\"2\"></textarea><div class=\"buttons\">"
			     "<button class=\"approve\" name=\"action\" value=\"approve\">Approve</button>"
			     "<button class=\"reject\" name=\"action\" value=\"reject\">Reject</button>"
			     "<button class=\"skip\" name=\"action\" value=\"skip\">Skip confirmation</button>"
			     "</div></form>\n");
	ruru_buf_release(&rid);
}

/* One proposal's review card.  `p`: {artifact} at least. `own_page`: on
 * the CONFIRM file's own page (no link to itself). */
static void one_proposal(struct web_site *site, struct ruru_buf *out, const char *art,
			 bool unadopted, bool held_open, const char *open_status, bool own_page)
{
	struct ruru_confirm c = { 0 };
	struct ruru_error e = { 0 };
	struct ruru_buf id = RURU_BUF_INIT;
	card_id(&id, "p-", art);
	ruru_buf_addstr(out, "<section class=\"proposal\" id=\"");
	web_escape(out, id.ptr, id.len);
	ruru_buf_addstr(out, "\"><header>");
	ruru_buf_release(&id);
	if (unadopted) {
		ruru_buf_addstr(out, "<h2><code>");
		str(site, out, art);
		ruru_buf_addstr(out, "</code></h2></header><div class=\"body\"><p class=\"muted\">A CONFIRM "
				     "file without a sidecar: adopt it with <code>ruru confirm adopt</code> "
				     "first.</p></div></section>\n");
		return;
	}
	if (ruru_confirm_load(site->ws, art, &c, &e) < 0) {
		ruru_buf_addstr(out, "<h2><code>");
		str(site, out, art);
		ruru_buf_addstr(out, "</code></h2></header><div class=\"body\"><p class=\"warn\">");
		web_escape(out, e.msg, strlen(e.msg));
		ruru_buf_addstr(out, "</p></div></section>\n");
		return;
	}
	const char *status = ruru_confirm_status_word(c.status);
	bool tampered = !c.payload_intact;
	bool open = c.status == RURU_CONFIRM_PENDING || c.status == RURU_CONFIRM_APPROVED ||
		    c.status == RURU_CONFIRM_SKIPPED;
	bool stale = !c.target_unchanged && open;
	bool differs = c.record && !strcmp(c.record, "differs");
	ruru_buf_addstr(out, "<h2><code>");
	str(site, out, c.target);
	ruru_buf_addf(out, "</code></h2><div class=\"meta\"><span class=\"%s\">", proposal_class(status));
	str(site, out, status);
	ruru_buf_addstr(out, "</span>");
	if (stale)
		ruru_buf_addstr(out, " <span class=\"badge bad\">stale</span>");
	if (held_open) {
		ruru_buf_addch(out, ' ');
		open_badge(site, out, ruru_open_kind_name(RURU_OPEN_CONFIRMATION), open_status);
	}
	ruru_buf_addf(out, " <span>%s</span> <span>proposed ",
		      c.kind == RURU_CONFIRM_DIFF ? "a diff" : "new content");
	if (c.created)
		utc(out, c.created, false);
	ruru_buf_addstr(out, "</span>");
	if (c.session) {
		ruru_buf_addstr(out, " <span>session <a");
		struct ruru_buf h = RURU_BUF_INIT;
		ruru_buf_addf(&h, "sessions/%s/index.html", c.session);
		href(out, site->root ? site->root : "", h.ptr);
		ruru_buf_release(&h);
		ruru_buf_addstr(out, ">");
		str(site, out, title_of(site->titles, site->ntitles, c.session));
		ruru_buf_addstr(out, "</a></span>");
		const char *sdir = strstr(c.artifact, c.session);
		if (!own_page && sdir) {
			sdir += strlen(c.session) + 1;
			ruru_buf_addstr(out, " <a");
			struct ruru_buf h2 = RURU_BUF_INIT;
			ruru_buf_addf(&h2, "sessions/%s/%s.html", c.session, sdir);
			href(out, site->root ? site->root : "", h2.ptr);
			ruru_buf_release(&h2);
			ruru_buf_addstr(out, ">");
			str(site, out, sdir);
			ruru_buf_addstr(out, "</a>");
		}
	}
	ruru_buf_addstr(out, "</div></header>\n<div class=\"body\">\n");
	if (tampered)
		ruru_buf_addstr(out, "<p class=\"warn\">Tampered: the payload changed since it was "
				     "proposed; it cannot be decided or applied (propose again).</p>\n");
	if (stale)
		ruru_buf_addstr(out, c.status == RURU_CONFIRM_PENDING
					     ? "<p class=\"warn\">Stale: the target changed since the proposal; "
					       "it cannot be decided (propose again). The diff below is "
					       "against the target as it is now.</p>\n"
					     : "<p class=\"warn\">Stale: the target changed since the decision; "
					       "apply will refuse it (propose again). The diff below is "
					       "against the target as it is now, not the one decided.</p>\n");
	if (differs)
		ruru_buf_addstr(out, "<p class=\"warn\">The decision record disagrees with the sidecar "
				     "(run <code>ruru verify</code>).</p>\n");
	if (c.decided_by && *c.decided_by) {
		ruru_buf_addstr(out, "<p><strong>");
		str(site, out, status);
		ruru_buf_addstr(out, "</strong> by ");
		str(site, out, c.decided_by);
		if (c.decided_at) {
			ruru_buf_addstr(out, " on ");
			utc(out, c.decided_at, false);
		}
		if (c.rationale && *c.rationale) {
			ruru_buf_addstr(out, ": ");
			str(site, out, c.rationale);
		}
		ruru_buf_addstr(out, "</p>\n");
	}
	struct ruru_buf d = RURU_BUF_INIT;
	if (c.status == RURU_CONFIRM_APPLIED) {
		/* the change the apply recorded: the target holds the result now */
		ruru_buf_addstr(out, "<p><strong>Applied</strong>");
		if (c.applied_at) {
			ruru_buf_addstr(out, " on ");
			utc(out, c.applied_at, false);
		}
		if (c.forced)
			ruru_buf_addstr(out, " (forced over a target changed since the proposal)");
		if (c.applied_diff && ruru_confirm_diff(site->ws, &c, &d, &e) == 0 && d.len) {
			ruru_buf_addstr(out, ": the change that was applied, as recorded then.</p>\n");
			diff_table(site, out, c.target, d.ptr, d.len);
		} else if (!c.applied_recorded) {
			ruru_buf_addstr(out, ". The change was not recorded (applied by an older ruru; "
					     "git has it).</p>\n");
		} else if (!strcmp(c.applied_from_sha256, c.result_sha256)) {
			ruru_buf_addstr(out, ". The target already held the result: the change was made "
					     "outside ruru.</p>\n");
		} else {
			ruru_buf_addf(out, ". The change was not kept (its diff is longer than %u KiB; git "
					   "has it).</p>\n", RURU_APPLIED_DIFF_MAX / 1024);
		}
	} else if (ruru_confirm_diff(site->ws, &c, &d, &e) == 0) {
		if (d.len)
			diff_table(site, out, c.target, d.ptr, d.len);
		else
			ruru_buf_addstr(out, "<p class=\"muted\">No difference: the target already holds "
					     "the proposed content.</p>\n");
	} else {
		ruru_buf_addstr(out, "<p class=\"warn\">No diff: ");
		web_escape(out, e.msg, strlen(e.msg));
		ruru_buf_addstr(out, "</p>\n");
	}
	ruru_buf_release(&d);
	if (site->server && site->csrf && c.status == RURU_CONFIRM_PENDING && !tampered && !stale && !differs)
		decision_form(site, out, &c);
	ruru_buf_addstr(out, "</div></section>\n");
	ruru_confirm_release(&c);
}

/* A proposal on the confirmations page: as listed, and the open item
 * that holds it open (NULL: none). */
struct card {
	struct ruru_confirm c;
	bool open;         /* an open item holds it open */
	char *open_status; /* that item's status (owned; NULL when none) */
};

/* When a card's proposal was last decided, else proposed. */
static time_t card_when(const struct card *x)
{
	return x->c.decided_at ? x->c.decided_at : x->c.created;
}

/* Pending first, oldest first; then decided ones, newest decision first. */
static int cmp_proposals(const void *a, const void *b)
{
	const struct card *x = a, *y = b;
	bool px = x->c.status == RURU_CONFIRM_PENDING, py = y->c.status == RURU_CONFIRM_PENDING;
	if (px != py)
		return px ? -1 : 1;
	if (px) {
		if (x->c.created != y->c.created)
			return x->c.created < y->c.created ? -1 : 1;
		return strcmp(x->c.artifact, y->c.artifact);
	}
	if (card_when(x) != card_when(y))
		return card_when(x) > card_when(y) ? -1 : 1;
	return strcmp(y->c.artifact, x->c.artifact);
}

int web_page_confirm(struct web_site *site, const char *notice, struct ruru_buf *out,
		     struct ruru_error *err)
{
	struct ruru_session *list;
	size_t n;
	if (web_sessions(site, &list, &n, err) < 0)
		return -1;
	/* every session's proposals and .ruru/temp/'s (not in an export of
	 * chosen sessions), once each, the session's own listing first */
	struct card *cards = NULL;
	size_t np = 0, cap = 0, npending = 0, nopen = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n && site->ids)
			break;
		struct ruru_error e = { 0 };
		struct ruru_confirm_list *l =
			ruru_confirm_list(site->ws, i < n ? list[i].id : NULL, NULL, &e);
		/* which of a session's proposals are open, and waiting for what:
		 * its open items say (the library's one definition) */
		struct ruru_open_items *open = i < n && l && l->n ? open_items_of(site, list[i].id) : NULL;
		for (size_t k = 0; l && k < l->n; k++) {
			const char *a = l->items[k].artifact;
			bool dup = !a;
			for (size_t q = 0; !dup && q < np; q++)
				dup = !strcmp(cards[q].c.artifact, a);
			if (dup)
				continue;
			if (np == cap && !(cards = realloc(cards, (cap = cap ? 2 * cap : 16) * sizeof *cards)))
				abort();
			struct card *cd = &cards[np++];
			cd->c = l->items[k]; /* taken */
			memset(&l->items[k], 0, sizeof(l->items[k]));
			cd->open = false;
			cd->open_status = NULL;
			const char *in = i < n ? strstr(a = cd->c.artifact, list[i].id) : NULL;
			for (size_t j = 0; in && open && j < open->n; j++) {
				const struct ruru_open_item *it = &open->v[j];
				if (it->artifact && it->kind == RURU_OPEN_CONFIRMATION &&
				    !strcmp(in + strlen(list[i].id) + 1, it->artifact)) {
					cd->open = true;
					if (it->status && !(cd->open_status = strdup(it->status)))
						abort();
					break;
				}
			}
			npending += cd->c.status == RURU_CONFIRM_PENDING;
			nopen += cd->open;
		}
		ruru_open_items_free(open);
		ruru_confirm_list_free(l);
	}
	if (np)
		qsort(cards, np, sizeof *cards, cmp_proposals);
	head(site, out, "", "Confirmations");
	ruru_buf_addstr(out, "<h1>Confirmations</h1>\n");
	if (notice && *notice) {
		ruru_buf_addstr(out, "<p role=\"status\" class=\"card notice\">");
		web_escape(out, notice, strlen(notice));
		ruru_buf_addstr(out, "</p>\n");
	}
	if (!np)
		ruru_buf_addstr(out, "<p class=\"muted\">No proposals.</p>\n");
	else
		ruru_buf_addf(out, "<p class=\"muted\">%zu waiting for a decision, %zu decided "
				   "(newest decision first); %zu still open, waiting for a decision "
				   "or an apply</p>\n",
			      npending, np - npending, nopen);
	site->titles = list;
	site->ntitles = n;
	for (size_t i = 0; i < np; i++)
		one_proposal(site, out, cards[i].c.artifact, !cards[i].c.sidecar, cards[i].open,
			     cards[i].open_status, false);
	site->titles = NULL;
	site->ntitles = 0;
	foot(site, out, "");
	for (size_t i = 0; i < np; i++) {
		ruru_confirm_release(&cards[i].c);
		free(cards[i].open_status);
	}
	free(cards);
	ruru_session_list_free(list, n);
	return 0;
}

void web_page_refused(struct web_site *site, unsigned status, const char *msg, const char *reason,
		      struct ruru_buf *out)
{
	(void)status;
	head(site, out, "", "Not recorded");
	ruru_buf_addstr(out, "<h1>Not recorded</h1>\n<p class=\"warn\" role=\"alert\">");
	web_escape(out, msg, strlen(msg));
	ruru_buf_addstr(out, "</p>\n");
	if (reason && *reason) {
		ruru_buf_addstr(out, "<p>The reason you typed, to copy:</p>\n<pre tabindex=\"0\">");
		web_escape(out, reason, strlen(reason));
		ruru_buf_addstr(out, "</pre>\n");
	}
	ruru_buf_addstr(out, "<p><a href=\"confirm.html\">← Back to the confirmations</a> "
			     "(the proposal as it is now)</p>\n");
	/* no live updates: this page answers a POST and cannot be fetched again */
	ruru_buf_addstr(out, "</main>\n</body>\n</html>\n");
}
