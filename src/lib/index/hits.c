/*
 * hits.c — the result of a search (struct ruru_search_hits) as every
 * front end gives it: the JSON object of `ruru search --json` and MCP
 * session_search's structuredContent, and the one text that `ruru search`
 * prints and MCP sends beside it.  Hits hold text from the workspace as
 * the index has it (not necessarily UTF-8, possibly hostile): JSON gets
 * U+FFFD for a bad byte, text every control shown (ruru_text_escape), the
 * marks around matches aside.
 */
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "text.h"
#include "banned.h"

void ruru_search_hits_free(struct ruru_search_hits *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		struct ruru_search_hit *x = &h->hits[i];
		free(x->session);
		free(x->path);
		free(x->zone);
		free(x->type);
		free(x->mode);
		free(x->task);
		free(x->snippet);
	}
	free(h->hits);
	free(h->query);
	free(h->mark_open);
	free(h->mark_close);
	free(h);
}

static json_t *jtext(const char *s)
{
	return ruru_json_text(s, s ? strlen(s) : 0);
}

json_t *ruru_search_hits_json(const struct ruru_search_hits *h)
{
	json_t *a = json_array();
	for (size_t i = 0; i < h->n; i++) {
		const struct ruru_search_hit *x = &h->hits[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(x->kind));
		json_object_set_new(o, "session", jtext(x->session));
		json_object_set_new(o, "path", jtext(x->path));
		json_object_set_new(o, "line", json_integer((json_int_t)x->line));
		ruru_json_set_time(o, x->has_time, x->time, x->zone, x->zone ? strlen(x->zone) : 0);
		json_object_set_new(o, "type", jtext(x->type));
		json_object_set_new(o, "mode", jtext(x->mode));
		json_object_set_new(o, "task", jtext(x->task));
		json_object_set_new(o, "snippet", jtext(x->snippet));
		json_array_append_new(a, o);
	}
	json_t *q = ruru_json_text(h->query ? h->query : "", h->query ? h->query_len : 0);
	return json_pack("{s:o, s:o, s:I}", "query", q, "hits", a, "total", (json_int_t)h->total);
}

/* A field escaped, "-" when empty. */
static void field(struct ruru_buf *out, const char *s)
{
	if (s && *s)
		ruru_text_escape(out, s, strlen(s));
	else
		ruru_buf_addch(out, '-');
}

/* The snippet escaped, but for the marks between which the matches are. */
static void snippet(struct ruru_buf *out, const char *s, const char *open, const char *close)
{
	size_t lo = open ? strlen(open) : 0, lc = close ? strlen(close) : 0;
	const char *run = s;
	while (*s) {
		size_t m = lo && !strncmp(s, open, lo) ? lo : lc && !strncmp(s, close, lc) ? lc : 0;
		if (!m) {
			s++;
			continue;
		}
		ruru_text_escape(out, run, (size_t)(s - run));
		ruru_buf_add(out, s, m);
		run = s += m;
	}
	ruru_text_escape(out, run, (size_t)(s - run));
}

void ruru_search_hits_text(const struct ruru_search_hits *h, struct ruru_buf *out)
{
	if (!h->n) {
		ruru_buf_addstr(out, "No hits for ");
		ruru_text_escape(out, h->query ? h->query : "", h->query ? h->query_len : 0);
		ruru_buf_addstr(out, ".\n");
		return;
	}
	for (size_t i = 0; i < h->n; i++) {
		const struct ruru_search_hit *x = &h->hits[i];
		field(out, x->path);
		ruru_buf_addf(out, ":%lld\t", (long long)x->line);
		field(out, x->session);
		ruru_buf_addch(out, '\t');
		if (x->has_time) {
			char t[32];
			ruru_time_format_rfc3339(x->time, t);
			if (!x->zone) /* a local time of unknown zone: no "Z" */
				t[strlen(t) - 1] = '\0';
			ruru_buf_addstr(out, t);
		} else {
			ruru_buf_addch(out, '-');
		}
		ruru_buf_addch(out, '\t');
		if (strcmp(x->kind, "entry"))
			ruru_buf_addf(out, "(%s)", x->kind);
		else
			field(out, x->type);
		ruru_buf_addch(out, '\t');
		field(out, x->mode);
		ruru_buf_addch(out, '\t');
		field(out, x->task);
		ruru_buf_addch(out, '\t');
		snippet(out, x->snippet ? x->snippet : "", h->mark_open, h->mark_close);
		ruru_buf_addch(out, '\n');
	}
	if (h->total > h->n)
		ruru_buf_addf(out, "the best %zu of %zu hits (raise the limit for more)\n", h->n,
			      h->total);
}
