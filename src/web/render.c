/*
 * render.c — the pages of the human view (see render.h for the layout).
 * Server-rendered HTML, no script: every page works without JavaScript.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "web/render.h"
#include "banned.h"

const char web_css[] =
	":root{color-scheme:light dark;--bg:#fff;--fg:#1b1f23;--muted:#57606a;--line:#d0d7de;"
	"--card:#f6f8fa;--accent:#0969da;--badge:#ddf4ff}\n"
	"@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;"
	"--line:#30363d;--card:#161b22;--accent:#58a6ff;--badge:#1f3a5f}}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:72rem;padding:1rem;background:var(--bg);color:var(--fg);"
	"font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif}\n"
	"a{color:var(--accent)}a:focus-visible,summary:focus-visible{outline:3px solid var(--accent);"
	"outline-offset:2px}\n"
	"nav{display:flex;gap:1rem;flex-wrap:wrap;border-bottom:1px solid var(--line);"
	"padding-bottom:.5rem;margin-bottom:1rem}\n"
	"h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;"
	"border-bottom:1px solid var(--line);vertical-align:top}\n"
	".card{background:var(--card);border:1px solid var(--line);border-radius:8px;"
	"padding:.75rem 1rem}\n"
	".card dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}\n"
	".card dt{color:var(--muted)}.card dd{margin:0;overflow-wrap:anywhere}\n"
	".timeline{list-style:none;padding:0}.timeline li{border-left:3px solid var(--line);"
	"padding:.25rem 0 .75rem 1rem;margin-left:.25rem}\n"
	".meta{color:var(--muted);font-size:.9rem;display:flex;flex-wrap:wrap;gap:.25rem .75rem}\n"
	".badge{background:var(--badge);border-radius:1rem;padding:0 .5rem;font-size:.85rem}\n"
	".msg{white-space:pre-wrap;overflow-wrap:anywhere;margin-top:.25rem}\n"
	"pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.75rem;"
	"overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}\n"
	".board{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem}\n"
	".board section{background:var(--card);border:1px solid var(--line);border-radius:8px;"
	"padding:.5rem .75rem}\n"
	".board h2{margin:.25rem 0;font-size:1.05rem}\n"
	".board ul{list-style:none;padding:0}.board li{margin:.5rem 0}\n"
	".muted{color:var(--muted)}\n"
	".doc img{max-width:100%}\n"
	".filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:.5rem 0}\n"
	"input,select,button,textarea{font:inherit;color:inherit;background:var(--bg);"
	"border:1px solid var(--line);border-radius:6px;padding:.25rem .5rem}\n"
	"button{cursor:pointer;background:var(--card)}\n"
	".proposal{border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin:1rem 0}\n"
	".proposal h2{margin-top:0}\n"
	".warn{color:#cf222e;font-weight:600}\n"
	".diff .add{background:rgba(46,160,67,.2)}.diff .del{background:rgba(248,81,73,.2)}"
	".diff .hunk{color:var(--muted)}\n"
	".diff pre{white-space:pre;overflow-x:auto}\n"
	".sbs{width:100%;table-layout:fixed;font-family:monospace;font-size:.85rem}"
	".sbs td{white-space:pre-wrap;overflow-wrap:anywhere;padding:0 .4rem;border:0}\n"
	".decide{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-top:.5rem}\n";

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

static void head(struct web_site *site, struct ruru_buf *out, const char *root, const char *title)
{
	ruru_buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			     "<title>");
	str(site, out, title);
	ruru_buf_addstr(out, " · ruru</title>\n<link rel=\"stylesheet\"");
	href(out, root, "style.css");
	ruru_buf_addstr(out, ">\n</head>\n<body>\n<nav aria-label=\"site\"><a");
	href(out, root, "index.html");
	ruru_buf_addstr(out, ">Sessions</a> <a");
	href(out, root, "tasks.html");
	ruru_buf_addstr(out, ">Tasks</a>");
	if (site->server) {
		ruru_buf_addstr(out, " <a");
		href(out, root, "confirm.html");
		ruru_buf_addstr(out, ">Confirmations</a> <span id=\"live\" class=\"muted\" "
				     "aria-live=\"polite\"></span>");
	}
	ruru_buf_addstr(out, "</nav>\n<main>\n");
}

static void foot(struct web_site *site, struct ruru_buf *out, const char *root)
{
	ruru_buf_addstr(out, "</main>\n");
	if (site->server) {
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

static void stamp(struct web_site *site, struct ruru_buf *out, const struct ruru_entry *e)
{
	if (!e->stamp)
		return;
	if (e->when_valid && e->has_zone) {
		char iso[32];
		struct tm tm;
		gmtime_r(&e->when, &tm);
		strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
		ruru_buf_addf(out, "<time datetime=\"%s\">", iso);
		str(site, out, e->stamp);
		ruru_buf_addstr(out, "</time> <span>(");
		relative(out, site->now, e->when);
		ruru_buf_addstr(out, ")</span>");
	} else {
		ruru_buf_addstr(out, "<span>");
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

static void status_cell(struct web_site *site, struct ruru_buf *out, const struct ruru_session *s)
{
	str(site, out, s->status != RURU_STATUS_UNKNOWN ? ruru_status_string(s->status)
						       : (s->status_text ? s->status_text : "?"));
}

/* ---- the sessions page's search box (ruru serve): full-text search */

#define WEB_SEARCH_SHOWN 100 /* matching entries listed under the sessions */

/* Marks around matches in snippets: bytes a one-line snippet never holds
 * but for them (control characters are not words). */
#define MARK_OPEN "\x01"
#define MARK_CLOSE "\x02"

/* The session ID of hit `h`, and its page (relative to the site root). */
static void hit_link(struct ruru_buf *out, json_t *h)
{
	const char *sid = json_string_value(json_object_get(h, "session"));
	const char *kind = json_string_value(json_object_get(h, "kind"));
	const char *path = json_string_value(json_object_get(h, "path"));
	struct ruru_buf p = RURU_BUF_INIT;
	ruru_buf_addf(&p, "sessions/%s/", sid);
	const char *rel = NULL;
	if (kind && !strcmp(kind, "artifact") && path) {
		/* the path is the session folder's ".ruru/sessions/ID/" + rel */
		const char *at = strstr(path, p.ptr);
		if (at && at[p.len])
			rel = at + p.len;
	}
	if (rel) {
		ruru_buf_addf(&p, "%s.html", rel);
		href(out, "", p.ptr);
	} else {
		ruru_buf_addstr(&p, "index.html");
		href(out, "", p.ptr);
		if (kind && !strcmp(kind, "entry")) {
			/* the timeline's entries carry id="L<line>": reopen the
			 * attribute href() closed for the fragment */
			out->ptr[--out->len] = '\0';
			ruru_buf_addf(out, "#L%lld\"", (long long)json_integer_value(json_object_get(h, "line")));
		}
	}
	ruru_buf_release(&p);
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
				json_t *hits)
{
	size_t k = 0;
	for (size_t i = 0; i < nall; i++) {
		bool keep = strcasestr(all[i].id, site->query) != NULL;
		size_t j;
		json_t *h;
		json_array_foreach(hits, j, h) {
			const char *sid = json_string_value(json_object_get(h, "session"));
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

static void search_results(struct web_site *site, struct ruru_buf *out, json_t *hits, size_t total)
{
	ruru_buf_addf(out, "<h2>Matches</h2>\n<p class=\"muted\">%zu match%s", total,
		      total == 1 ? "" : "es");
	if (total > WEB_SEARCH_SHOWN)
		ruru_buf_addf(out, ", the best %d shown", WEB_SEARCH_SHOWN);
	ruru_buf_addstr(out, "</p>\n");
	if (!json_array_size(hits))
		return;
	ruru_buf_addstr(out, "<ol class=\"hits\">\n");
	size_t i;
	json_t *h;
	json_array_foreach(hits, i, h) {
		if (i >= WEB_SEARCH_SHOWN)
			break;
		const char *kind = json_string_value(json_object_get(h, "kind"));
		const char *type = json_string_value(json_object_get(h, "type"));
		const char *snip = json_string_value(json_object_get(h, "snippet"));
		ruru_buf_addstr(out, "<li><span class=\"badge\">");
		str(site, out, kind && strcmp(kind, "entry") ? kind : (type ? type : "entry"));
		ruru_buf_addstr(out, "</span> <a");
		hit_link(out, h);
		ruru_buf_addstr(out, ">");
		str(site, out, json_string_value(json_object_get(h, "session")));
		ruru_buf_addstr(out, "</a>");
		const char *when = json_string_value(json_object_get(h, "time"));
		if (when) {
			ruru_buf_addstr(out, " <small class=\"muted\">");
			str(site, out, when);
			ruru_buf_addstr(out, "</small>");
		}
		ruru_buf_addstr(out, "<div class=\"msg\">");
		hit_snippet(site, out, snip ? snip : "");
		ruru_buf_addstr(out, "</div></li>\n");
	}
	ruru_buf_addstr(out, "</ol>\n");
}

int web_page_index(struct web_site *site, struct ruru_buf *out, struct ruru_error *err)
{
	struct ruru_session *list;
	size_t n;
	/* a query: the library's full-text search, with the page's filters */
	bool searching = site->query && *site->query;
	json_t *hits = NULL;
	size_t total = 0;
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
		hits = ruru_search(site->ws, &o, &total, &serr);
	}
	if (web_sessions(site, &list, &n, err) < 0) {
		json_decref(hits);
		return -1;
	}
	if (searching) {
		json_t *none = json_array();
		n = keep_hit_sessions(site, list, n, hits ? hits : none);
		json_decref(none);
	}
	head(site, out, "", "Sessions");
	ruru_buf_addstr(out, "<h1>Sessions</h1>\n");
	if (site->server) {
		static const enum ruru_status sts[] = { RURU_STATUS_ACTIVE, RURU_STATUS_PAUSED,
							RURU_STATUS_COMPLETED, RURU_STATUS_ERROR };
		ruru_buf_addstr(out, "<form class=\"filters\" method=\"get\" action=\"index.html\">"
				     "<label>Search <input type=\"search\" name=\"q\" value=\"");
		str(site, out, site->query ? site->query : "");
		ruru_buf_addstr(out, "\"></label> <label>Status <select name=\"status\">"
				     "<option value=\"\">any</option>");
		for (size_t i = 0; i < 4; i++)
			ruru_buf_addf(out, "<option value=\"%s\"%s>%s</option>", ruru_status_word(sts[i]),
				      site->status == sts[i] ? " selected" : "",
				      ruru_status_string(sts[i]));
		ruru_buf_addstr(out, "</select></label> <label>Tag <input name=\"tag\" value=\"");
		str(site, out, site->tag ? site->tag : "");
		ruru_buf_addstr(out, "\"></label> <button type=\"submit\">Filter</button></form>\n");
	}
	if (searching && !hits) {
		ruru_buf_addstr(out, "<p class=\"warn\">Search: ");
		web_escape(out, serr.msg, strlen(serr.msg));
		ruru_buf_addstr(out, "</p>\n");
	}
	ruru_buf_addf(out, "<p class=\"muted\">%zu session%s</p>\n", n, n == 1 ? "" : "s");
	ruru_buf_addstr(out, "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Status</th>"
			     "<th scope=\"col\">Title</th><th scope=\"col\">Started</th>"
			     "<th scope=\"col\">Last activity</th><th scope=\"col\">Entries</th>"
			     "<th scope=\"col\">Tags</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		struct ruru_session full;
		struct ruru_error e = { 0 };
		const struct ruru_session *s = &list[i];
		bool loaded = ruru_session_load(site->ws, s->id, RURU_LOAD_ENTRIES, &full, &e) == 0;
		if (loaded)
			s = &full;
		ruru_buf_addstr(out, "<tr><td>");
		status_cell(site, out, s);
		ruru_buf_addstr(out, "</td><td><a");
		struct ruru_buf p = RURU_BUF_INIT;
		ruru_buf_addf(&p, "sessions/%s/index.html", s->id);
		href(out, "", p.ptr);
		ruru_buf_release(&p);
		ruru_buf_addstr(out, ">");
		str(site, out, s->title && *s->title ? s->title : s->id);
		ruru_buf_addstr(out, "</a><br><small class=\"muted\">");
		str(site, out, s->id);
		ruru_buf_addstr(out, "</small></td><td>");
		str(site, out, s->start_text);
		ruru_buf_addstr(out, "</td><td>");
		if (loaded && s->nentries)
			stamp(site, out, &s->entries[s->nentries - 1]);
		ruru_buf_addf(out, "</td><td>%zu</td><td>", loaded ? s->nentries : 0);
		for (size_t t = 0; t < s->ntags; t++) {
			ruru_buf_addstr(out, "<span class=\"badge\">");
			str(site, out, s->tags[t]);
			ruru_buf_addstr(out, "</span> ");
		}
		ruru_buf_addstr(out, "</td></tr>\n");
		if (loaded)
			ruru_session_release(&full);
	}
	ruru_buf_addstr(out, "</tbody></table></div>\n");
	if (hits)
		search_results(site, out, hits, total);
	foot(site, out, "");
	ruru_session_list_free(list, n);
	json_decref(hits);
	return 0;
}

/* "../" for each folder of a page's path, to reach the site root. */
static void root_of(struct ruru_buf *root, const char *page)
{
	for (const char *p = page; *p; p++)
		if (*p == '/')
			ruru_buf_addstr(root, "../");
}

static bool listed_artifact(json_t *arts, const char *path)
{
	size_t i;
	json_t *a;
	json_array_foreach(arts, i, a) {
		const char *p = json_string_value(json_object_get(a, "path"));
		if (p && !strcmp(p, path) && json_is_true(json_object_get(a, "exists")))
			return true;
	}
	return false;
}

int web_page_session(struct web_site *site, const char *id, struct ruru_buf *out,
		     struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(site->ws, id, RURU_LOAD_ENTRIES, &s, err) < 0)
		return -1;
	json_t *tasks = ruru_task_list(site->ws, id, err);
	json_t *arts = tasks ? ruru_artifact_list(site->ws, id, err) : NULL;
	if (!arts) {
		json_decref(tasks);
		ruru_session_release(&s);
		return -1;
	}
	const char *root = "../../";
	head(site, out, root, s.title && *s.title ? s.title : s.id);
	ruru_buf_addstr(out, "<h1>");
	str(site, out, s.title && *s.title ? s.title : s.id);
	ruru_buf_addstr(out, "</h1>\n<section class=\"card\" aria-label=\"front matter\"><dl>\n<dt>Session</dt><dd>");
	str(site, out, s.id);
	ruru_buf_addstr(out, "</dd>\n<dt>Status</dt><dd>");
	status_cell(site, out, &s);
	ruru_buf_addstr(out, "</dd>\n<dt>Started</dt><dd>");
	str(site, out, s.start_text && *s.start_text ? s.start_text : "—");
	ruru_buf_addstr(out, "</dd>\n<dt>Ended</dt><dd>");
	str(site, out, s.end_text && *s.end_text ? s.end_text : "—");
	ruru_buf_addstr(out, "</dd>\n<dt>Coordinator</dt><dd>");
	str(site, out, s.coordinator ? s.coordinator : "—");
	ruru_buf_addstr(out, "</dd>\n<dt>Tags</dt><dd>");
	for (size_t t = 0; t < s.ntags; t++) {
		ruru_buf_addstr(out, "<span class=\"badge\">");
		str(site, out, s.tags[t]);
		ruru_buf_addstr(out, "</span> ");
	}
	if (!s.ntags)
		ruru_buf_addstr(out, "—");
	ruru_buf_addstr(out, "</dd>\n<dt>Log</dt><dd>");
	str(site, out, s.path);
	ruru_buf_addstr(out, "</dd>\n</dl></section>\n");
	if (s.goal && *s.goal) {
		ruru_buf_addstr(out, "<h2>Goal</h2>\n<div class=\"msg\">");
		str(site, out, s.goal);
		ruru_buf_addstr(out, "</div>\n");
	}

	ruru_buf_addf(out, "<h2>Timeline</h2>\n<p class=\"muted\">%zu entr%s</p>\n<ol class=\"timeline\">\n",
		      s.nentries, s.nentries == 1 ? "y" : "ies");
	for (size_t i = 0; i < s.nentries; i++) {
		const struct ruru_entry *e = &s.entries[i];
		ruru_buf_addf(out, "<li id=\"L%zu\"><div class=\"meta\"><span class=\"badge\">", e->line);
		str(site, out, e->type_name ? e->type_name : "note");
		ruru_buf_addstr(out, "</span> ");
		stamp(site, out, e);
		if (e->mode) {
			ruru_buf_addstr(out, " <span>mode ");
			str(site, out, e->mode);
			ruru_buf_addstr(out, "</span>");
		}
		if (e->task) {
			ruru_buf_addstr(out, " <span>task ");
			str(site, out, e->task);
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
		if (e->outcome) {
			ruru_buf_addstr(out, " <span>outcome ");
			str(site, out, e->outcome);
			ruru_buf_addstr(out, "</span>");
		}
		ruru_buf_addstr(out, "</div>\n<div class=\"msg\">");
		text(site, out, e->message, e->message_len);
		ruru_buf_addstr(out, "</div></li>\n");
	}
	ruru_buf_addstr(out, "</ol>\n");

	size_t i;
	json_t *v;
	ruru_buf_addstr(out, "<h2>Tasks</h2>\n");
	if (!json_array_size(tasks))
		ruru_buf_addstr(out, "<p class=\"muted\">No tasks.</p>\n");
	else
		ruru_buf_addstr(out, "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Task</th>"
				     "<th scope=\"col\">Title</th><th scope=\"col\">Status</th></tr></thead><tbody>\n");
	json_array_foreach(tasks, i, v) {
		const char *t = json_string_value(json_object_get(v, "title"));
		const char *st = json_string_value(json_object_get(v, "status"));
		ruru_buf_addstr(out, "<tr><td>");
		str(site, out, json_string_value(json_object_get(v, "id")));
		ruru_buf_addstr(out, "</td><td>");
		str(site, out, t ? t : "(no task file)");
		ruru_buf_addstr(out, "</td><td>");
		str(site, out, st ? st : "—");
		ruru_buf_addstr(out, "</td></tr>\n");
	}
	if (json_array_size(tasks))
		ruru_buf_addstr(out, "</tbody></table></div>\n");

	ruru_buf_addstr(out, "<h2>Artifacts</h2>\n");
	if (!json_array_size(arts))
		ruru_buf_addstr(out, "<p class=\"muted\">No artifacts.</p>\n");
	else
		ruru_buf_addstr(out, "<ul>\n");
	json_array_foreach(arts, i, v) {
		const char *p = json_string_value(json_object_get(v, "path"));
		ruru_buf_addstr(out, "<li>");
		if (json_is_true(json_object_get(v, "exists"))) {
			struct ruru_buf h = RURU_BUF_INIT;
			ruru_buf_addf(&h, "%s.html", p);
			ruru_buf_addstr(out, "<a");
			href(out, "", h.ptr);
			ruru_buf_addstr(out, ">");
			str(site, out, p);
			ruru_buf_addf(out, "</a> <span class=\"muted\">%lld bytes</span>",
				      (long long)json_integer_value(json_object_get(v, "bytes")));
			ruru_buf_release(&h);
		} else {
			str(site, out, p);
			ruru_buf_addstr(out, " <span class=\"muted\">(recorded, missing on disk)</span>");
		}
		ruru_buf_addstr(out, "</li>\n");
	}
	if (json_array_size(arts))
		ruru_buf_addstr(out, "</ul>\n");
	foot(site, out, root);
	json_decref(tasks);
	json_decref(arts);
	ruru_session_release(&s);
	return 0;
}

/* Biggest artifact shown in a page. */
#define SHOW_MAX (8u * 1024 * 1024)

static bool is_markdown(const char *rel)
{
	size_t n = strlen(rel);
	return (n > 3 && !strcmp(rel + n - 3, ".md")) || (n > 9 && !strcmp(rel + n - 9, ".markdown"));
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
	ruru_buf_addf(&page, "sessions/%s/%s", id, rel);
	root_of(&root, page.ptr);
	head(site, out, root.ptr, rel);
	ruru_buf_addstr(out, "<p><a href=\"");
	for (const char *p = rel; *p; p++)
		if (*p == '/')
			ruru_buf_addstr(out, "../");
	ruru_buf_addstr(out, "index.html\">← ");
	str(site, out, id);
	ruru_buf_addstr(out, "</a></p>\n<h1>");
	str(site, out, rel);
	ruru_buf_addstr(out, "</h1>\n");
	if (kind < 0) {
		ruru_buf_addstr(out, "<p class=\"muted\">");
		web_escape(out, err->msg, strlen(err->msg));
		ruru_buf_addstr(out, ".</p>\n");
		ruru_error_clear(err);
	} else if (kind == 1 && is_markdown(rel)) {
		ruru_buf_addstr(out, "<article class=\"doc\">\n");
		if (site->redact) {
			struct ruru_buf r = RURU_BUF_INIT;
			ruru_redact(&r, data.ptr, data.len);
			web_markdown(out, r.ptr, r.len);
			ruru_buf_release(&r);
		} else {
			web_markdown(out, data.ptr, data.len);
		}
		ruru_buf_addstr(out, "</article>\n");
	} else if (kind == 1) {
		ruru_buf_addstr(out, "<pre>");
		text(site, out, data.ptr, data.len);
		ruru_buf_addstr(out, "</pre>\n");
	} else if (site->files) {
		const char *base = strrchr(rel, '/');
		ruru_buf_addf(out, "<p>Binary file, %zu bytes: <a", data.len);
		struct ruru_buf h = RURU_BUF_INIT;
		ruru_buf_addstr(&h, "files/");
		ruru_buf_addstr(&h, base ? base + 1 : rel);
		href(out, "", h.ptr);
		ruru_buf_release(&h);
		ruru_buf_addstr(out, " download>download</a></p>\n");
	} else {
		ruru_buf_addf(out, "<p class=\"muted\">Binary file, %zu bytes, not included: redaction "
				   "cannot look inside it (export with --no-redact to include it).</p>\n",
			      data.len);
	}
	foot(site, out, root.ptr);
	ruru_buf_release(&data);
	ruru_buf_release(&root);
	ruru_buf_release(&page);
	return 0;
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
	json_t *cols = json_array();
	for (size_t c = 0; c < ncol; c++)
		json_array_append_new(cols, json_array());
	for (size_t i = 0; i < n; i++) {
		struct ruru_error e = { 0 };
		json_t *tasks = ruru_task_list(site->ws, list[i].id, &e);
		size_t k;
		json_t *t;
		json_array_foreach(tasks, k, t) {
			const char *st = json_string_value(json_object_get(t, "status"));
			enum ruru_task_status ts = st ? ruru_task_status_parse(st) : RURU_TASK_UNKNOWN;
			size_t c = ncol - 1;
			for (size_t j = 0; j < ncol; j++)
				if (order[j] == ts)
					c = j;
			json_object_set_new(t, "session", json_string(list[i].id));
			json_array_append(json_array_get(cols, c), t);
		}
		json_decref(tasks);
	}
	head(site, out, "", "Tasks");
	ruru_buf_addstr(out, "<h1>Tasks</h1>\n<div class=\"board\">\n");
	for (size_t c = 0; c < ncol; c++) {
		json_t *col = json_array_get(cols, c);
		ruru_buf_addstr(out, "<section><h2>");
		str(site, out, order[c] == RURU_TASK_UNKNOWN ? "No task file"
							    : ruru_task_status_string(order[c]));
		ruru_buf_addf(out, " <span class=\"muted\">(%zu)</span></h2>\n%s\n", json_array_size(col),
			      json_array_size(col) ? "<ul>" : "<p class=\"muted\">none</p>");
		size_t k;
		json_t *t;
		json_array_foreach(col, k, t) {
			const char *title = json_string_value(json_object_get(t, "title"));
			ruru_buf_addstr(out, "<li><strong>");
			str(site, out, json_string_value(json_object_get(t, "id")));
			ruru_buf_addstr(out, "</strong><br>");
			str(site, out, title ? title : "");
			ruru_buf_addstr(out, "<br><a");
			struct ruru_buf p = RURU_BUF_INIT;
			ruru_buf_addf(&p, "sessions/%s/index.html", json_string_value(json_object_get(t, "session")));
			href(out, "", p.ptr);
			ruru_buf_release(&p);
			ruru_buf_addstr(out, "><small>");
			str(site, out, json_string_value(json_object_get(t, "session")));
			ruru_buf_addstr(out, "</small></a></li>\n");
		}
		ruru_buf_addstr(out, json_array_size(col) ? "</ul></section>\n" : "</section>\n");
	}
	ruru_buf_addstr(out, "</div>\n");
	foot(site, out, "");
	json_decref(cols);
	ruru_session_list_free(list, n);
	return 0;
}

/* Raw HTML in Markdown becomes text: an HTML block a code block, inline
 * HTML a text node (DESIGN §14: raw HTML escaped, not dropped). */
static void defuse_html(cmark_node *doc)
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
		if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_HTML_BLOCK && t != CMARK_NODE_HTML_INLINE))
			continue;
		if (n == cap) {
			cap *= 2;
			found = realloc(found, cap * sizeof *found);
			if (!found)
				abort();
		}
		found[n++] = node;
	}
	cmark_iter_free(it);
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

void web_markdown(struct ruru_buf *out, const char *md, size_t len)
{
	cmark_gfm_core_extensions_ensure_registered();
	/* no CMARK_OPT_UNSAFE: javascript:, vbscript:, file: and data: links
	 * (but images) are dropped */
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
	char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
	ruru_buf_addstr(out, html);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
}

/* ------------------------------------------------------- confirmations */

/* The unified diff, line by line, with classes for added/removed lines. */
static void diff_unified(struct web_site *site, struct ruru_buf *out, const char *d, size_t len)
{
	ruru_buf_addstr(out, "<pre>");
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(d + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - d) : len;
		const char *cls = d[i] == '+' ? "add" : d[i] == '-' ? "del" : d[i] == '@' ? "hunk" : NULL;
		if (cls && e > i && (e - i < 3 || (strncmp(d + i, "+++", 3) && strncmp(d + i, "---", 3))))
			ruru_buf_addf(out, "<span class=\"%s\">", cls);
		else
			cls = NULL;
		text(site, out, d + i, e - i);
		if (cls)
			ruru_buf_addstr(out, "</span>");
		ruru_buf_addch(out, '\n');
		i = e + 1;
	}
	ruru_buf_addstr(out, "</pre>\n");
}

static void sbs_cell(struct web_site *site, struct ruru_buf *out, const char *cls, const char *s,
		     size_t n)
{
	ruru_buf_addf(out, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	if (s)
		text(site, out, s, n);
	ruru_buf_addstr(out, "</td>");
}

/* Side by side: context on both sides, a run of removed lines beside the
 * run of added lines that follows it. */
static void diff_side_by_side(struct web_site *site, struct ruru_buf *out, const char *d, size_t len)
{
	const char *del[512], *add[512];
	size_t dl[512], al[512], nd = 0, na = 0;
	ruru_buf_addstr(out, "<div class=\"scroll\"><table class=\"sbs\"><thead><tr><th scope=\"col\">"
			     "Current target</th><th scope=\"col\">Proposed</th></tr></thead><tbody>\n");
	for (size_t i = 0; i <= len;) {
		const char *nl = i < len ? memchr(d + i, '\n', len - i) : NULL;
		size_t e = i < len ? (nl ? (size_t)(nl - d) : len) : len;
		char c = i < len ? d[i] : 0;
		bool header = e - i >= 3 && (!strncmp(d + i, "+++", 3) || !strncmp(d + i, "---", 3));
		if (c == '-' && !header && nd < 512) {
			del[nd] = d + i + 1, dl[nd++] = e - i - 1;
		} else if (c == '+' && !header && na < 512) {
			add[na] = d + i + 1, al[na++] = e - i - 1;
		} else {
			for (size_t k = 0; k < nd || k < na; k++) {
				ruru_buf_addstr(out, "<tr>");
				sbs_cell(site, out, k < nd ? "del" : NULL, k < nd ? del[k] : NULL, k < nd ? dl[k] : 0);
				sbs_cell(site, out, k < na ? "add" : NULL, k < na ? add[k] : NULL, k < na ? al[k] : 0);
				ruru_buf_addstr(out, "</tr>\n");
			}
			nd = na = 0;
			if (c == ' ') {
				ruru_buf_addstr(out, "<tr>");
				sbs_cell(site, out, NULL, d + i + 1, e - i - 1);
				sbs_cell(site, out, NULL, d + i + 1, e - i - 1);
				ruru_buf_addstr(out, "</tr>\n");
			} else if (c == '@') {
				ruru_buf_addstr(out, "<tr>");
				sbs_cell(site, out, "hunk", d + i, e - i);
				sbs_cell(site, out, "hunk", d + i, e - i);
				ruru_buf_addstr(out, "</tr>\n");
			}
		}
		if (i >= len)
			break;
		i = e + 1;
	}
	ruru_buf_addstr(out, "</tbody></table></div>\n");
}

static int cmp_proposals(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	bool px = !strcmp(json_string_value(json_object_get(x, "status")), "pending");
	bool py = !strcmp(json_string_value(json_object_get(y, "status")), "pending");
	if (px != py)
		return px ? -1 : 1;
	return strcmp(json_string_value(json_object_get(y, "artifact")),
		      json_string_value(json_object_get(x, "artifact")));
}

static void one_proposal(struct web_site *site, struct ruru_buf *out, const char *csrf, json_t *p)
{
	const char *art = json_string_value(json_object_get(p, "artifact"));
	const char *status = json_string_value(json_object_get(p, "status"));
	struct ruru_confirm c = { 0 };
	struct ruru_error e = { 0 };
	ruru_buf_addstr(out, "<section class=\"proposal\"><h2>");
	str(site, out, json_string_value(json_object_get(p, "target")));
	ruru_buf_addstr(out, "</h2>\n<div class=\"meta\"><span class=\"badge\">");
	str(site, out, status);
	ruru_buf_addstr(out, "</span> <span>");
	str(site, out, json_string_value(json_object_get(p, "kind")));
	ruru_buf_addstr(out, "</span> <span>proposed ");
	str(site, out, json_string_value(json_object_get(p, "created")));
	ruru_buf_addstr(out, "</span> <span>");
	str(site, out, art);
	ruru_buf_addstr(out, "</span></div>\n");
	if (!strcmp(status, "unadopted")) {
		ruru_buf_addstr(out, "<p class=\"muted\">A CONFIRM file without a sidecar: adopt it "
				     "with <code>ruru confirm adopt</code> first.</p></section>\n");
		return;
	}
	if (ruru_confirm_load(site->ws, art, &c, &e) < 0) {
		ruru_buf_addstr(out, "<p class=\"warn\">");
		web_escape(out, e.msg, strlen(e.msg));
		ruru_buf_addstr(out, "</p></section>\n");
		return;
	}
	bool tampered = !c.payload_intact;
	bool stale = !c.target_unchanged && c.status == RURU_CONFIRM_PENDING;
	bool differs = c.record && !strcmp(c.record, "differs");
	if (tampered)
		ruru_buf_addstr(out, "<p class=\"warn\">Tampered: the payload changed since it was "
				     "proposed; it cannot be decided (propose again).</p>\n");
	if (stale)
		ruru_buf_addstr(out, "<p class=\"warn\">Stale: the target changed since the proposal; "
				     "it cannot be decided (propose again).</p>\n");
	if (differs)
		ruru_buf_addstr(out, "<p class=\"warn\">The decision record disagrees with the sidecar "
				     "(run <code>ruru verify</code>).</p>\n");
	if (c.decided_by && *c.decided_by) {
		ruru_buf_addstr(out, "<p>Decided by ");
		str(site, out, c.decided_by);
		if (c.rationale && *c.rationale) {
			ruru_buf_addstr(out, ": ");
			str(site, out, c.rationale);
		}
		ruru_buf_addstr(out, "</p>\n");
	}
	struct ruru_buf d = RURU_BUF_INIT;
	if (ruru_confirm_diff(site->ws, &c, &d, &e) == 0) {
		ruru_buf_addstr(out, "<details class=\"diff\" open><summary>Unified diff</summary>\n");
		diff_unified(site, out, d.ptr, d.len);
		ruru_buf_addstr(out, "</details>\n<details class=\"diff\"><summary>Side by side</summary>\n");
		diff_side_by_side(site, out, d.ptr, d.len);
		ruru_buf_addstr(out, "</details>\n");
	} else {
		ruru_buf_addstr(out, "<p class=\"warn\">No diff: ");
		web_escape(out, e.msg, strlen(e.msg));
		ruru_buf_addstr(out, "</p>\n");
	}
	ruru_buf_release(&d);
	if (c.status == RURU_CONFIRM_PENDING && !tampered && !stale && !differs) {
		static const char *const acts[] = { "approve", "reject", "skip" };
		static const char *const labels[] = { "Approve", "Reject", "Skip confirmation" };
		for (size_t i = 0; i < 3; i++) {
			ruru_buf_addstr(out, "<form class=\"decide\" method=\"post\" action=\"confirm\">"
					     "<input type=\"hidden\" name=\"csrf\" value=\"");
			web_escape(out, csrf, strlen(csrf));
			ruru_buf_addstr(out, "\"><input type=\"hidden\" name=\"artifact\" value=\"");
			web_escape(out, art, strlen(art));
			ruru_buf_addf(out, "\"><input type=\"hidden\" name=\"action\" value=\"%s\">", acts[i]);
			ruru_buf_addf(out, "<label>%s <input name=\"reason\"%s></label> ",
				      i == 2 ? "Rationale (required)" : "Reason",
				      i == 2 ? " required" : "");
			ruru_buf_addf(out, "<button type=\"submit\">%s</button></form>\n", labels[i]);
		}
	}
	ruru_buf_addstr(out, "</section>\n");
	ruru_confirm_release(&c);
}

int web_page_confirm(struct web_site *site, const char *csrf, const char *notice,
		     struct ruru_buf *out, struct ruru_error *err)
{
	struct ruru_session *list;
	size_t n;
	if (web_sessions(site, &list, &n, err) < 0)
		return -1;
	/* every session's proposals and .ruru/temp/'s, once each */
	json_t *seen = json_object();
	for (size_t i = 0; i <= n; i++) {
		struct ruru_error e = { 0 };
		json_t *l = ruru_confirm_list(site->ws, i < n ? list[i].id : NULL, NULL, &e);
		size_t k;
		json_t *p;
		json_array_foreach(l, k, p) {
			const char *a = json_string_value(json_object_get(p, "artifact"));
			if (a && json_string_value(json_object_get(p, "status")))
				json_object_set(seen, a, p);
		}
		json_decref(l);
	}
	size_t np = json_object_size(seen), k = 0;
	json_t **ps = calloc(np + 1, sizeof *ps);
	const char *key;
	json_t *v;
	json_object_foreach(seen, key, v)
		ps[k++] = v;
	qsort(ps, np, sizeof *ps, cmp_proposals);
	head(site, out, "", "Confirmations");
	ruru_buf_addstr(out, "<h1>Confirmations</h1>\n");
	if (notice && *notice) {
		ruru_buf_addstr(out, "<p role=\"status\" class=\"card\">");
		web_escape(out, notice, strlen(notice));
		ruru_buf_addstr(out, "</p>\n");
	}
	if (!np)
		ruru_buf_addstr(out, "<p class=\"muted\">No proposals.</p>\n");
	for (size_t i = 0; i < np; i++)
		one_proposal(site, out, csrf, ps[i]);
	foot(site, out, "");
	free(ps);
	json_decref(seen);
	ruru_session_list_free(list, n);
	return 0;
}
