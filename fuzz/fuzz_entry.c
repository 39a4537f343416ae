/*
 * fuzz_entry.c — libFuzzer target for the reader of session logs (entry.c):
 * the input is a whole log (front matter and Markdown body), optionally
 * followed by a byte 0xFF (never valid UTF-8) and the message of an entry
 * to append, so seeds stay readable text.
 *
 * Reading: the log is loaded the way `show` and the index load it
 * (ruru_session_from_text with entries), every entry is summarised and
 * turned into JSON, the session into JSON, and the body helpers (goal,
 * fences, placeholders, append point) run.  Invariants:
 *  - ruru_entries_count() agrees with ruru_entries_parse();
 *  - entries are in file order, inside the text, and their line numbers
 *    are right;
 *  - an entry read in ruru's own format (strict) renders back to exactly
 *    its bytes (doc/design.md §2 rule 4), and ruru_entry_parse_strict() reads it
 *    the same way.
 * Writing: an entry ruru would write (the message after 0xFF when it keeps
 * the text rule, else a fixed one) is rendered and inserted where
 * `ruru session log` puts it (as logtx.c does); reading the new text must
 * give back that entry, in ruru's format, unchanged, with one entry more
 * (doc/design.md §2 rules 4 and 5, §7: no hand-written text can hide it).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alloc.h"
#include "entry.h"
#include "logtx.h"
#include "session.h"
#include "ruru.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                      \
	do {                                                                          \
		if (!(c)) {                                                           \
			fprintf(stderr, "fuzz_entry: invariant failed: %s (line %d)\n", #c, \
				__LINE__);                                            \
			abort();                                                      \
		}                                                                     \
	} while (0)

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Render `e` (a strict entry) and compare with its bytes in the file; the
 * last entry of a file without a final newline lacks the line ending. */
static void check_strict(const char *text, size_t len, const struct ruru_entry *e, const char *eol)
{
	struct ruru_buf r = RURU_BUF_INIT;
	ruru_entry_render(&r, e, eol);
	size_t n = e->end - e->start;
	const char *orig = text + e->start;
	bool ok = r.len == n && memcmp(r.ptr, orig, n) == 0;
	if (!ok && e->end == len) {
		size_t el = strlen(eol);
		ok = r.len == n + el && memcmp(r.ptr, orig, n) == 0 &&
		     memcmp(r.ptr + n, eol, el) == 0;
	}
	CHECK(ok);
	struct ruru_entry again;
	memset(&again, 0, sizeof(again));
	CHECK(ruru_entry_parse_strict(r.ptr, r.len, eol, &again));
	CHECK(again.end == r.len && again.type == e->type && same_str(again.type_name, e->type_name));
	CHECK(again.message_len == e->message_len &&
	      (!e->message_len || memcmp(again.message, e->message, e->message_len) == 0));
	ruru_entry_release(&again);
	ruru_buf_release(&r);
}

static void read_log(const char *text, size_t len, struct ruru_session *s, size_t *body)
{
	struct ruru_frontmatter fm;
	*body = ruru_frontmatter_split(text, len, &fm) ? fm.body : 0;
	memset(s, 0, sizeof(*s));
	/* as loading does: the folder name and the path are set first */
	s->id = ruru_strdup("SESSION-FUZZ");
	s->path = ruru_strdup(".ruru/sessions/SESSION-FUZZ/session_log.md");
	ruru_session_from_text(s, text, len, true);
	/* Orphan blocks (text of no entry, kept in file order with the entries)
	 * are not entries: the count is of the others. */
	size_t real = 0;
	for (size_t i = 0; i < s->nentries; i++)
		real += !s->entries[i].orphan;
	CHECK(ruru_entries_count(text, len, *body) == real);
	CHECK((s->nentries == 0) == (s->entries == NULL));
	/* The strict reading's line ending: that of the body's first line break. */
	const char *nl = *body < len ? memchr(text + *body, '\n', len - *body) : NULL;
	if (!nl)
		nl = memchr(text, '\n', len);
	const char *eol = nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
	size_t prev_end = *body, line = 1, counted = 0;
	for (size_t i = 0; i < s->nentries; i++) {
		const struct ruru_entry *e = &s->entries[i];
		CHECK(e->start >= prev_end && e->start < e->end && e->end <= len);
		for (const char *p = text + counted; (p = memchr(p, '\n', e->start - (size_t)(p - text)));
		     p++)
			line++;
		counted = e->start;
		CHECK(e->line == line);
		CHECK(e->message || e->message_len == 0);
		CHECK(!e->message || strlen(e->message) <= e->message_len);
		prev_end = e->end;
		if (e->strict)
			check_strict(text, len, e, eol);
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_entry_summary(&b, e, "- ", "  ");
		CHECK(b.len > 0 && b.ptr[b.len - 1] == '\n');
		ruru_buf_release(&b);
		json_t *j = ruru_entry_json(e);
		CHECK(j);
		char *dump = json_dumps(j, 0);
		CHECK(dump);
		free(dump);
		json_decref(j);
	}
	json_t *j = ruru_session_json(s, true, 0);
	CHECK(j);
	char *dump = json_dumps(j, 0);
	CHECK(dump);
	free(dump);
	json_decref(j);

	size_t gs, ge, offs[8];
	if (ruru_body_goal(text, len, *body, &gs, &ge))
		CHECK(*body <= gs && gs <= ge && ge <= len);
	size_t nf = ruru_body_unclosed_fences(text, len, *body, offs, 8);
	for (size_t i = 0; i < nf && i < 8; i++)
		CHECK(offs[i] >= *body && offs[i] < len);
	size_t np = ruru_body_placeholders(text, len, *body, offs, 8);
	for (size_t i = 0; i < np && i < 8; i++)
		CHECK(offs[i] >= *body && offs[i] < len);
}

/* Append an entry the way ruru_session_log() does (logtx.c: insert_entries
 * and ruru_logtx_entry) and read it back. */
static void append_and_read(const char *text, size_t len, const struct ruru_session *s,
			    const char *msg, size_t mlen)
{
	struct ruru_frontmatter fm;
	if (!s->valid || !ruru_frontmatter_split(text, len, &fm))
		return;
	struct ruru_entry e;
	memset(&e, 0, sizeof(e));
	e.type = (enum ruru_event)((mlen ? (unsigned char)msg[0] : 0) % RURU_EV_COUNT);
	e.type_name = (char *)ruru_event_name(e.type);
	e.when = 1764300000 + (time_t)mlen;
	e.when_valid = true;
	if (mlen && ruru_text_scan(msg, mlen, 0, NULL) == mlen && !ruru_text_blank(msg, mlen)) {
		e.message = (char *)msg;
		e.message_len = mlen;
	} else {
		e.message = (char *)"fuzz entry\n  indented line\n\nlast";
		e.message_len = strlen(e.message);
	}
	e.mode = (char *)"dev-fuzz";
	if (e.type == RURU_EV_DELEGATION || e.type == RURU_EV_RESULT)
		e.task = (char *)"TASK-FUZZ-1";

	const char *eol = ruru_log_eol(text, len, fm.body); /* as the log transaction does */
	struct ruru_buf ent = RURU_BUF_INIT, t = RURU_BUF_INIT;
	ruru_entry_render(&ent, &e, eol);
	size_t at, where;
	bool needs_nl;
	const char *body_eol;
	if (ruru_entries_append_point(text, len, fm.body, &at, &needs_nl, &body_eol)) {
		CHECK(at >= fm.body && at <= len);
		ruru_buf_add(&t, text, at);
		if (needs_nl)
			ruru_buf_addstr(&t, eol);
		where = t.len;
		ruru_buf_add(&t, ent.ptr, ent.len);
		ruru_buf_add(&t, text + at, len - at);
	} else {
		ruru_buf_add(&t, text, len);
		if (t.len && t.ptr[t.len - 1] != '\n')
			ruru_buf_addstr(&t, eol);
		if (s->nentries == 0)
			ruru_buf_addf(&t, "%s## Log Entries%s%s", eol, eol, eol);
		where = t.len;
		ruru_buf_add(&t, ent.ptr, ent.len);
	}

	struct ruru_session after;
	size_t body;
	read_log(t.ptr, t.len, &after, &body);
	const struct ruru_entry *found = NULL;
	for (size_t i = 0; i < after.nentries; i++)
		if (after.entries[i].start == where)
			found = &after.entries[i];
	CHECK(found);
	CHECK(found->strict && found->end == where + ent.len);
	CHECK(found->type == e.type && same_str(found->mode, e.mode) && same_str(found->task, e.task));
	CHECK(found->message_len == e.message_len &&
	      memcmp(found->message, e.message, e.message_len) == 0);
	CHECK(after.nentries == s->nentries + 1);
	ruru_session_release(&after);
	ruru_buf_release(&ent);
	ruru_buf_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *sep = memchr(text, 0xFF, size);
	size_t len = sep ? (size_t)(sep - text) : size;
	const char *msg = sep ? sep + 1 : "";
	size_t mlen = sep ? size - len - 1 : 0;
	/* A private copy, so that a read past `len` is caught by ASan. */
	char *copy = malloc(len ? len : 1);
	CHECK(copy);
	memcpy(copy, text, len);
	struct ruru_session s;
	size_t body;
	read_log(copy, len, &s, &body);
	append_and_read(copy, len, &s, msg, mlen);
	ruru_session_release(&s);
	free(copy);
	return 0;
}
