/*
 * listing.c — a listing of sessions (struct ruru_session_listing, made
 * by ruru_session_listing() in search.c) as every front end gives it:
 * the JSON of `ruru list --json` and MCP session_list's structuredContent,
 * and the one text that `ruru list` prints and MCP sends beside it, a
 * line per session.  Front matter is anyone's text: JSON gets U+FFFD for
 * a bad byte (ruru_session_json), the text every control shown.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ruru.h"
#include "banned.h"

void ruru_session_listing_free(struct ruru_session_listing *l)
{
	if (!l)
		return;
	ruru_session_list_free(l->v, l->n);
	free(l);
}

json_t *ruru_session_listing_json(const struct ruru_session_listing *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, ruru_session_json(&l->v[i], false, 0));
	json_t *o = json_pack("{s:o}", "sessions", a);
	if (l->counted) {
		json_object_set_new(o, "total", json_integer((json_int_t)l->total));
		json_object_set_new(o, "omitted", json_integer((json_int_t)(l->total - l->n)));
	}
	return o;
}

/* A field of a row: every control shown (ruru_text_escape) and the
 * backslash doubled, so that "\\t" written in a title and a tab stay
 * apart. */
static void field(struct ruru_buf *out, const char *s, size_t n)
{
	const char *end = s + n, *bs;
	while ((bs = memchr(s, '\\', (size_t)(end - s)))) {
		ruru_text_escape(out, s, (size_t)(bs - s));
		ruru_buf_addstr(out, "\\\\");
		s = bs + 1;
	}
	ruru_text_escape(out, s, (size_t)(end - s));
}

static void field_str(struct ruru_buf *out, const char *s, const char *none)
{
	if (!s)
		s = none;
	field(out, s, strlen(s));
}

/* One session: ID, status, start, title (or why the log is invalid),
 * tags, tab-separated. */
static void listing_row(struct ruru_buf *out, const struct ruru_session *s, struct ruru_buf *scratch)
{
	field_str(out, s->id, "?");
	ruru_buf_addch(out, '\t');
	if (!s->valid)
		ruru_buf_addstr(out, "invalid");
	else
		ruru_buf_addstr(out, s->status ? ruru_status_word(s->status) : "?");
	ruru_buf_addch(out, '\t');
	field_str(out, s->start_text && *s->start_text ? s->start_text : "-", "-");
	ruru_buf_addch(out, '\t');
	if (s->valid) {
		field_str(out, s->title, "");
	} else {
		ruru_buf_reset(scratch);
		ruru_error_format(s->problem, scratch);
		field(out, scratch->ptr, scratch->len);
	}
	for (size_t t = 0; t < s->ntags; t++) {
		ruru_buf_addstr(out, t ? ", " : "\ttags: ");
		field_str(out, s->tags[t], "");
	}
	ruru_buf_addch(out, '\n');
}

void ruru_session_listing_text(const struct ruru_session_listing *l, struct ruru_buf *out)
{
	struct ruru_buf scratch = RURU_BUF_INIT;
	for (size_t i = 0; i < l->n; i++)
		listing_row(out, &l->v[i], &scratch);
	ruru_buf_release(&scratch);
	if (!l->counted)
		return;
	if (!l->total)
		ruru_buf_addstr(out, "No sessions.\n");
	else if (l->total > l->n)
		ruru_buf_addf(out, "%zu older of %zu left out: pass a larger limit, or status or tag to narrow.\n",
			      l->total - l->n, l->total);
}
