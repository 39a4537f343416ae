/*
 * session_view.c — one session as `ruru show` and MCP session_show give
 * it (struct ruru_session_view): the JSON of `show --json` and of
 * session_show's structuredContent, and the one text both print.  The
 * text lists the front-matter keys from the library's key table, so a
 * key added there shows here; entries are rendered as the continue
 * digest renders them (ruru_entry_summary_cut), the newest that fit the
 * bound.  Everything from the log is anyone's text: JSON gets U+FFFD for
 * a bad byte, the text every control shown.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ruru.h"
#include "alloc.h"
#include "banned.h"

struct ruru_session_view *ruru_session_view(struct ruru_ws *ws, const char *id, size_t last,
					    size_t max_chars, bool bound_json,
					    struct ruru_error *err)
{
	struct ruru_session_view *v = ruru_xmalloc(sizeof(*v));
	*v = (struct ruru_session_view){ .last = last, .max_chars = max_chars,
					 .bound_json = bound_json };
	if (ruru_session_load(ws, id, RURU_LOAD_ENTRIES, &v->session, err) < 0) {
		free(v);
		return NULL;
	}
	return v;
}

void ruru_session_view_free(struct ruru_session_view *v)
{
	if (!v)
		return;
	ruru_session_release(&v->session);
	free(v);
}

/* Keep a session's JSON entries within about `max` bytes: a message
 * longer than an eighth of it is cut (saying how much is left out), and
 * the oldest entries go first (entries_omitted says how many). */
static void bound_entries(json_t *r, size_t max)
{
	json_t *a = json_object_get(r, "entries");
	size_t n = json_array_size(a), used = 0, keep = 0, share = max / 8;
	for (size_t i = n; i-- > 0;) {
		json_t *e = json_array_get(a, i);
		json_t *m = json_object_get(e, "message");
		size_t ml = json_string_length(m);
		if (ml > share) {
			size_t cut = share;
			const char *t = json_string_value(m);
			while (cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80)
				cut--;
			json_object_set_new(e, "message",
					    json_sprintf("%.*s… (%zu bytes more)", (int)cut, t, ml - cut));
			json_object_set_new(e, "message_cut", json_true());
			ml = cut + 32;
		}
		if (used + ml + 256 > max && keep)
			break;
		used += ml + 256;
		keep++;
	}
	if (keep < n) {
		json_t *b = json_array();
		for (size_t i = n - keep; i < n; i++)
			json_array_append(b, json_array_get(a, i));
		json_object_set_new(r, "entries", b);
	}
	json_object_set_new(r, "entries_omitted", json_integer((json_int_t)(n - keep)));
}

json_t *ruru_session_view_json(const struct ruru_session_view *v)
{
	json_t *r = ruru_session_json(&v->session, true, v->last);
	if (v->bound_json)
		bound_entries(r, v->max_chars);
	return r;
}

/* The width of the labels: the longest key name, its colon and a space. */
#define VIEW_WIDTH ((int)sizeof("related_artifacts: ") - 1)

/* "name:" padded to the width, then `v` (several lines: each further one
 * indented to the width), escaped. */
static void view_line(struct ruru_buf *out, const char *name, const char *const *v, size_t n)
{
	ruru_buf_addf(out, "%s:%*s", name, VIEW_WIDTH - (int)strlen(name) - 1, "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			ruru_buf_addch(out, ' ');
		if (v[i])
			ruru_text_escape(out, v[i], strlen(v[i]));
	}
	ruru_buf_addch(out, '\n');
}

/* Text of several lines, every line after the first indented to the
 * width; tabs and newlines kept, other controls shown. */
static void view_block(struct ruru_buf *out, const char *name, const char *text)
{
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_text_escape_keep(&t, text, strlen(text), "\t\n");
	while (t.len && t.ptr[t.len - 1] == '\n')
		t.ptr[--t.len] = '\0';
	ruru_buf_addf(out, "%s:%*s", name, VIEW_WIDTH - (int)strlen(name) - 1, "");
	for (size_t i = 0; i < t.len; i++) {
		ruru_buf_addch(out, t.ptr[i]);
		if (t.ptr[i] == '\n')
			ruru_buf_addf(out, "%*s", VIEW_WIDTH, "");
	}
	ruru_buf_addch(out, '\n');
	ruru_buf_release(&t);
}

void ruru_session_view_text(const struct ruru_session_view *v, struct ruru_buf *out)
{
	const struct ruru_session *s = &v->session;
	struct ruru_session_key key;
	for (size_t k = 0; ruru_session_key(k, &key); k++) {
		size_t n;
		const char *const *val = ruru_session_key_value(s, k, &n);
		view_line(out, key.name, val, n);
		if (k == 0 && !s->valid) {
			struct ruru_buf line = RURU_BUF_INIT;
			ruru_error_format(s->problem, &line);
			view_line(out, "invalid", (const char *const *)&line.ptr, 1);
			ruru_buf_release(&line);
		}
	}
	view_line(out, "log", (const char *const *)&s->path, 1);
	if (s->goal && *s->goal)
		view_block(out, "goal", s->goal);
	ruru_buf_addf(out, "%-*s%zu\n", VIEW_WIDTH, "entries:", s->nentries);
	size_t from = v->last < s->nentries ? s->nentries - v->last : 0;
	/* the newest entries whose rendering fits max_chars (at least one) */
	struct ruru_buf one = RURU_BUF_INIT;
	size_t first = s->nentries, used = 0, share = v->max_chars / 8;
	while (first > from) {
		ruru_buf_reset(&one);
		ruru_entry_summary_cut(&one, &s->entries[first - 1], "", "    ", share);
		if (v->max_chars && used + one.len > v->max_chars && first < s->nentries)
			break;
		used += one.len;
		first--;
	}
	ruru_buf_release(&one);
	if (s->nentries > from)
		ruru_buf_addch(out, '\n');
	if (first > from)
		ruru_buf_addf(out, "(%zu older entries left out: ruru show --max-chars 0 shows them all)\n",
			      first - from);
	for (size_t i = first; i < s->nentries; i++)
		ruru_entry_summary_cut(out, &s->entries[i], "", "    ", share);
}
