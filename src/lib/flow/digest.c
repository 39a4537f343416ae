/*
 * digest.c — continuing a session (standard §8, doc/design.md §7).  The digest is
 * what a model needs in its context to pick up the work: a header (goal,
 * status, times), the open items (delegations without a result, errors
 * without a later success, tasks not done, proposals not applied), the
 * goal text, tasks with their status read from their task files,
 * artifacts, and the newest entries that fit.  Bounded in bytes (8,000 by
 * default in the front ends): the oldest entries go first, whole; the
 * header never.  `continue` resumes and logs; `show --digest` only reads.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "digest.h"
#include "entry.h"
#include "logtx.h"
#include "open.h"
#include "task.h"
#include "store.h"
#include "workspace.h"
#include "fmkeys.h"
#include "text.h"
#include "banned.h"

/* --------------------------------------------------------------- digest */

/* A section of the digest: a heading and whole lines, of which the
 * first `shown` are printed, then a line saying how many were not. */
struct section {
	const char *name;     /* "open items", for the line of a folded section */
	struct ruru_buf head;
	char **lines;
	size_t *lens;         /* each line's length */
	size_t n, cap, shown;
	size_t shown_len;     /* the first `shown` lines' bytes, kept as lines go */
	bool hidden;          /* not even the folded line fits */
};

static void section_add(struct section *sec, const char *line)
{
	if (sec->n == sec->cap) {
		sec->cap = sec->cap ? 2 * sec->cap : 16;
		sec->lines = ruru_xrealloc(sec->lines, sec->cap * sizeof(*sec->lines));
		sec->lens = ruru_xrealloc(sec->lens, sec->cap * sizeof(*sec->lens));
	}
	sec->lens[sec->n] = strlen(line);
	sec->lines[sec->n++] = ruru_strdup(line);
	sec->shown = sec->n;
	sec->shown_len += sec->lens[sec->n - 1];
}

static void section_release(struct section *sec)
{
	for (size_t i = 0; i < sec->n; i++)
		free(sec->lines[i]);
	free(sec->lines);
	free(sec->lens);
	ruru_buf_release(&sec->head);
}

static void section_more(struct ruru_buf *b, const struct section *sec)
{
	if (sec->shown)
		ruru_buf_addf(b, "- … %zu more not shown\n", sec->n - sec->shown);
	else /* folded: one line instead of the section */
		ruru_buf_addf(b, "\n(%s not shown: %zu line%s)\n", sec->name, sec->n,
			      sec->n == 1 ? "" : "s");
}

static size_t section_len(const struct section *sec)
{
	if (!sec->n || sec->hidden)
		return 0;
	/* constant time: the digest shrinks a section a line at a time */
	size_t len = (sec->shown ? sec->head.len : 0) + sec->shown_len;
	if (sec->shown < sec->n) {
		struct ruru_buf m = RURU_BUF_INIT;
		section_more(&m, sec);
		len += m.len;
		ruru_buf_release(&m);
	}
	return len;
}

static void section_put(struct ruru_buf *b, const struct section *sec)
{
	if (!sec->n || sec->hidden)
		return;
	if (sec->shown)
		ruru_buf_add(b, sec->head.ptr, sec->head.len);
	for (size_t i = 0; i < sec->shown; i++)
		ruru_buf_add(b, sec->lines[i], sec->lens[i]);
	if (sec->shown < sec->n)
		section_more(b, sec);
}

/* Show fewer lines of `sec` until `total` (the digest without entries)
 * fits in `budget`. */
static void section_shrink(struct section *sec, size_t *total, size_t budget)
{
	while (*total > budget && sec->shown > 0) {
		size_t before = section_len(sec);
		sec->shown--;
		sec->shown_len -= sec->lens[sec->shown];
		*total = *total - before + section_len(sec);
	}
}

/* Last resort: drop a folded section's line too. */
static void section_hide(struct section *sec, size_t *total, size_t budget)
{
	if (*total > budget && !sec->shown) {
		*total -= section_len(sec);
		sec->hidden = true;
	}
}

static void entry_lines(struct ruru_buf *out, const struct ruru_entry *e, size_t share)
{
	ruru_entry_summary_cut(out, e, "- ", "  ", share);
}

/* How many of the newest entries fit whole in `room` bytes: the index of
 * the oldest shown (nentries when none). */
static size_t fit_from(const struct ruru_session *s, size_t room, size_t share)
{
	struct ruru_buf line = RURU_BUF_INIT;
	size_t used = 0, first = s->nentries;
	while (first > 0) {
		ruru_buf_reset(&line);
		entry_lines(&line, &s->entries[first - 1], share);
		if (used + line.len > room)
			break;
		used += line.len;
		first--;
	}
	ruru_buf_release(&line);
	return first;
}

size_t ruru_digest_entries_cut(struct ruru_buf *b, const struct ruru_session *s, size_t budget,
			       size_t share)
{
	/* The heading's length with the largest numbers it can hold. */
	struct ruru_buf line = RURU_BUF_INIT, dec = RURU_BUF_INIT;
	ruru_buf_addf(&line, "\n## Last entries (%zu of %zu; %zu older left out)\n\n", s->nentries,
		      s->nentries, s->nentries);
	size_t head = line.len, first = s->nentries;
	ruru_buf_release(&line);
	if (budget >= head)
		first = fit_from(s, budget - head, share);
	/* Decisions are kept before notes: when the last decision is among
	 * the entries cut, its room is taken first and it is shown on its
	 * own, the newest entries after it. */
	size_t d = first;
	while (d-- > 0 && s->entries[d].type != RURU_EV_DECISION)
		;
	if (d < first && first > 0) {
		ruru_buf_addstr(&dec, "\n## Last decision (older than the entries below)\n\n");
		entry_lines(&dec, &s->entries[d], share);
		if (budget >= head + dec.len)
			first = fit_from(s, budget - head - dec.len, share);
		else
			ruru_buf_reset(&dec);
		if (first <= d) /* it fits among the entries after all */
			ruru_buf_reset(&dec);
	}
	if (!s->nentries) {
		ruru_buf_release(&dec);
		return 0;
	}
	if (first == s->nentries) {
		/* Not one entry fits: say so, if even that fits. */
		struct ruru_buf stub = RURU_BUF_INIT;
		ruru_buf_addf(&stub, "\n(%zu entries not shown)\n", s->nentries);
		if (stub.len <= budget)
			ruru_buf_add(b, stub.ptr, stub.len);
		ruru_buf_release(&stub);
		ruru_buf_release(&dec);
		return first;
	}
	ruru_buf_add(b, dec.ptr, dec.len);
	ruru_buf_release(&dec);
	if (first)
		ruru_buf_addf(b, "\n## Last entries (%zu of %zu; %zu older left out)\n\n",
			      s->nentries - first, s->nentries, first);
	else
		ruru_buf_addf(b, "\n## Last entries (all %zu)\n\n", s->nentries);
	for (size_t i = first; i < s->nentries; i++)
		entry_lines(b, &s->entries[i], share);
	return first;
}

size_t ruru_digest_entries(struct ruru_buf *b, const struct ruru_session *s, size_t budget)
{
	return ruru_digest_entries_cut(b, s, budget, 0);
}

/* The digest of doc/design.md §7, at most max_chars bytes (0: no bound) except
 * that the header is never cut.  Sections that are not entries are cut
 * only when all entries are gone and they still do not fit: first the
 * artifact list, then tasks, the goal text, and the open items last.
 * Returns the number of entries left out. */
/*
 * Workspace text in the digest (titles, goal, tasks, artifacts, open items
 * built from entries) sits behind ruru's own label on ruru's own line:
 * a one-line value is shown with ruru_text_escape (a newline becomes \n,
 * a control character or bidi override a visible escape), so no value can
 * start a line and forge a heading, an open item or a note; lines of the
 * goal text are indented.  (The CLI's other outputs use the same escapes.)
 */
static size_t digest_text(struct ruru_buf *b, const struct ruru_session *s,
			  const struct ruru_task_list *tasks, const struct ruru_open_items *open,
			  size_t max_chars, const char *title)
{
	ruru_buf_addf(b, "# %s ", title);
	ruru_text_field(b, s->id, NULL);
	ruru_buf_addstr(b, "\n\n");
	/* The header's lines: the front-matter keys that have a label. */
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (!k->label || k->off == FM_NO_FIELD || k->type == FM_STRINGS)
			continue;
		const char *v = *(char *const *)((const char *)s + k->off);
		if (v && *v) {
			ruru_buf_addf(b, "%s: ", k->label);
			ruru_text_field(b, v, NULL);
			ruru_buf_addch(b, '\n');
		} else if (k->missing) {
			ruru_buf_addf(b, "%s: %s\n", k->label, k->missing);
		}
	}
	ruru_buf_addstr(b, "Log: ");
	ruru_text_field(b, s->path, NULL);
	ruru_buf_addch(b, '\n');

	struct section sec[4] = { { .name = "open items" }, { .name = "goal text" },
				  { .name = "tasks" }, { .name = "artifacts" } };
	struct ruru_buf l = RURU_BUF_INIT;
	size_t i;
	ruru_buf_addstr(&sec[0].head, "\n## Open items\n\n");
	for (i = 0; i < open->n; i++) {
		ruru_buf_reset(&l);
		ruru_buf_addstr(&l, "- ");
		ruru_text_field(&l, open->v[i].text, NULL);
		ruru_buf_addch(&l, '\n');
		section_add(&sec[0], l.ptr);
	}
	ruru_buf_addstr(&sec[1].head, "\n## Goal\n\n");
	for (const char *p = s->goal; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		ruru_buf_reset(&l);
		ruru_buf_addstr(&l, "  ");
		ruru_text_escape_keep(&l, p, nl ? n - 1 : n, "\t");
		ruru_buf_addch(&l, '\n');
		section_add(&sec[1], l.ptr);
		p += n;
	}
	ruru_buf_addstr(&sec[2].head, "\n## Tasks\n\n");
	for (i = 0; i < tasks->n; i++) {
		const struct ruru_task_info *t = &tasks->v[i];
		const char *st = t->status, *ti = t->title, *f = t->file;
		const char *via = t->linked ? NULL : t->via;
		ruru_buf_reset(&l);
		ruru_buf_addstr(&l, "- ");
		ruru_text_field(&l, t->id, NULL);
		ruru_buf_addstr(&l, " [");
		ruru_text_field(&l, st, "no task file found");
		ruru_buf_addch(&l, ']');
		if (ti) {
			ruru_buf_addch(&l, ' ');
			ruru_text_field(&l, ti, NULL);
		}
		if (f) {
			ruru_buf_addstr(&l, " (");
			ruru_text_field(&l, f, NULL);
			if (via) {
				ruru_buf_addstr(&l, "; names this session in ");
				ruru_text_field(&l, via, NULL);
			}
			ruru_buf_addch(&l, ')');
		}
		ruru_buf_addch(&l, '\n');
		section_add(&sec[2], l.ptr);
	}
	ruru_buf_addstr(&sec[3].head, "\n## Artifacts\n\n");
	for (i = 0; i < s->nartifacts; i++) {
		ruru_buf_reset(&l);
		ruru_buf_addstr(&l, "- ");
		ruru_text_field(&l, s->artifacts[i], NULL);
		ruru_buf_addch(&l, '\n');
		section_add(&sec[3], l.ptr);
	}
	ruru_buf_release(&l);

	size_t total = b->len;
	for (i = 0; i < 4; i++)
		total += section_len(&sec[i]);
	if (max_chars) {
		for (int k = 3; k >= 0; k--)
			section_shrink(&sec[k], &total, max_chars);
		for (int k = 3; k >= 0; k--)
			section_hide(&sec[k], &total, max_chars);
	}
	for (i = 0; i < 4; i++)
		section_put(b, &sec[i]);
	for (i = 0; i < 4; i++)
		section_release(&sec[i]);
	size_t budget = !max_chars ? (size_t)-1 : max_chars > b->len ? max_chars - b->len : 0;
	/* One long entry never hides the rest: each gets at most an eighth
	 * of the bound. */
	return ruru_digest_entries_cut(b, s, budget, max_chars / 8);
}

/* The digest of a session loaded with its entries, which it takes over
 * (the entries are let go once the text is made). */
static struct ruru_digest *make_digest(struct ruru_ws *ws, struct ruru_session *s,
				       size_t max_chars, enum ruru_digest_kind kind)
{
	struct ruru_digest *d = ruru_xmalloc(sizeof(*d));
	*d = (struct ruru_digest){ .kind = kind, .max_chars = max_chars };
	d->tasks = task_list_session(ws, s->id, s->tasks, s->ntasks);
	d->pending = ruru_open_proposals(ws, s->id);
	struct ruru_open *acc = ruru_open_new();
	for (size_t i = 0; i < s->nentries; i++)
		ruru_open_feed(acc, &s->entries[i]);
	d->open = ruru_open_finish(acc, ws, s->id, d->tasks, d->pending);
	struct ruru_buf b = RURU_BUF_INIT;
	d->entries_omitted = digest_text(&b, s, d->tasks, d->open, max_chars,
					 kind == RURU_DIGEST_CONTINUE ? "Continuing session"
								      : "Session");
	d->text = ruru_buf_detach(&b, &d->len);
	d->entry_count = s->nentries;
	for (size_t i = 0; i < s->nentries; i++)
		ruru_entry_release(&s->entries[i]);
	free(s->entries);
	s->entries = NULL;
	s->nentries = 0;
	d->session = ruru_xmalloc(sizeof(*d->session));
	*d->session = *s;
	memset(s, 0, sizeof(*s));
	return d;
}

struct ruru_digest *ruru_session_digest(struct ruru_ws *ws, const char *id, size_t max_chars,
					struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, id, RURU_LOAD_ENTRIES, &s, err) < 0)
		return NULL;
	return make_digest(ws, &s, max_chars, RURU_DIGEST_SHOW);
}

/* Does .active (of the session's layout) already name `id`? */
static bool active_is(struct ruru_ws *ws, const char *id)
{
	char *path = ruru_ws_active_path(ruru_ws_session_layout(ws, id));
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	bool yes = false;
	if (ruru_store_read(ws->store, path, &b, &e) == 0) {
		while (b.len && (b.ptr[b.len - 1] == '\n' || b.ptr[b.len - 1] == '\r'))
			b.len--;
		yes = b.len == strlen(id) && !memcmp(b.ptr, id, b.len);
	}
	ruru_buf_release(&b);
	free(path);
	return yes;
}

struct ruru_digest *ruru_session_continue(struct ruru_ws *ws, const char *id, size_t max_chars,
					  unsigned flags, struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, id, 0, &s, err) < 0)
		return NULL;
	if (!s.valid) {
		*err = *s.problem;
		ruru_session_release(&s);
		return NULL;
	}
	enum ruru_status was = s.status;
	ruru_session_release(&s);
	bool ended = was == RURU_STATUS_COMPLETED || was == RURU_STATUS_ERROR;
	if (ended && (flags & RURU_CONTINUE_IMPLICIT)) {
		ruru_error_set(err, RURU_ENOTFOUND,
			       "no session to continue: the last active session \"%s\" is %s", id,
			       ruru_status_word(was));
		return NULL;
	}
	if (ended && !(flags & RURU_CONTINUE_REOPEN)) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "session \"%s\" is %s; it is reopened only when that is asked for", id,
			       ruru_status_word(was));
		return NULL;
	}
	bool resumed = was != RURU_STATUS_ACTIVE;
	/* Reading never writes: a session that is already active and already
	 * the active one gets no entry and no file touched; only a resume or
	 * a reopen is logged (one session entry, with the status change). */
	if (resumed && ruru_session_set_status(ws, id, RURU_STATUS_ACTIVE,
					       ended ? "reopened and continued" : "continued",
					       err) < 0)
		return NULL;
	if (!active_is(ws, id) && ruru_ws_set_active(ws, id, err) < 0)
		return NULL;
	if (ruru_session_load(ws, id, RURU_LOAD_ENTRIES, &s, err) < 0)
		return NULL;
	struct ruru_digest *d = make_digest(ws, &s, max_chars, RURU_DIGEST_CONTINUE);
	d->resumed = resumed;
	d->reopened = ended;
	return d;
}

/* ---------------------------------------------------- the typed result */

void ruru_digest_free(struct ruru_digest *d)
{
	if (!d)
		return;
	free(d->text);
	if (d->session)
		ruru_session_release(d->session);
	free(d->session);
	ruru_open_items_free(d->open);
	ruru_open_items_free(d->pending);
	ruru_task_list_free(d->tasks);
	if (d->last_decision)
		ruru_entry_release(d->last_decision);
	free(d->last_decision);
	for (size_t i = 0; i < d->nrecent; i++)
		ruru_entry_release(&d->recent[i]);
	free(d->recent);
	for (size_t i = 0; i < d->nactive_in_logs; i++)
		free(d->active_in_logs[i]);
	free(d->active_in_logs);
	ruru_session_list_free(d->recent_sessions, d->nrecent_sessions);
	free(d);
}

/* [{artifact, target, status}] of the proposals waiting for a step. */
static json_t *pending_json(const struct ruru_open_items *p)
{
	json_t *a = json_array();
	for (size_t i = 0; p && i < p->n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o, s:o}", "artifact",
						   ruru_json_str(p->v[i].artifact), "target",
						   ruru_json_str(p->v[i].target), "status",
						   ruru_json_str(p->v[i].status)));
	return a;
}

/* Prime's JSON: a session's state, or what it offers without one. */
static json_t *prime_json(const struct ruru_digest *d)
{
	json_t *o = json_object();
	const struct ruru_session *s = d->session;
	if (!s) {
		json_t *says = json_array(), *recent = json_array();
		for (size_t i = 0; i < d->nactive_in_logs; i++)
			json_array_append_new(says, ruru_json_str(d->active_in_logs[i]));
		for (size_t i = 0; i < d->nrecent_sessions; i++) {
			const struct ruru_session *r = &d->recent_sessions[i];
			json_array_append_new(recent,
					      json_pack("{s:o, s:o, s:o}", "id", ruru_json_str(r->id),
							"status", ruru_json_str(ruru_status_word(r->status)),
							"title", ruru_json_str(r->title)));
		}
		json_object_set_new(o, "active_in_logs", says);
		json_object_set_new(o, "session", json_null());
		json_object_set_new(o, "recent_sessions", recent);
	} else {
		json_object_set_new(o, "session", ruru_json_str(s->id));
		json_object_set_new(o, "status", ruru_json_str(ruru_status_word(s->status)));
		json_object_set_new(o, "goal", ruru_json_str(s->title));
		json_object_set_new(o, "pending_confirmations", pending_json(d->pending));
		json_object_set_new(o, "open_item_count", json_integer((json_int_t)d->open_count));
		json_object_set_new(o, "open_items", ruru_open_items_json(d->open));
		json_object_set_new(o, "last_decision",
				    d->last_decision ? ruru_entry_json(d->last_decision) : json_null());
		json_t *recent = json_array();
		for (size_t i = 0; i < d->nrecent; i++)
			json_array_append_new(recent, ruru_entry_json(&d->recent[i]));
		json_object_set_new(o, "recent_entries", recent);
	}
	json_object_set_new(o, "text", ruru_json_text(d->text, d->len));
	return o;
}

json_t *ruru_digest_json(const struct ruru_digest *d)
{
	if (d->kind == RURU_DIGEST_PRIME)
		return prime_json(d);
	const struct ruru_session *s = d->session;
	json_t *o = ruru_session_json(s, false, 0);
	json_object_set_new(o, "goal", ruru_json_str(s->goal));
	json_object_set_new(o, "tasks", task_infos_json(d->tasks));
	json_object_set_new(o, "pending_confirmations", pending_json(d->pending));
	json_object_set_new(o, "open_items", ruru_open_items_json(d->open));
	json_object_set_new(o, "entry_count", json_integer((json_int_t)d->entry_count));
	json_object_set_new(o, "entries_omitted", json_integer((json_int_t)d->entries_omitted));
	json_object_set_new(o, "max_chars", json_integer((json_int_t)d->max_chars));
	json_object_set_new(o, "digest", ruru_json_text(d->text, d->len));
	if (d->kind == RURU_DIGEST_CONTINUE) {
		json_object_set_new(o, "resumed", json_boolean(d->resumed));
		json_object_set_new(o, "reopened", json_boolean(d->reopened));
	}
	return o;
}

void ruru_digest_text(const struct ruru_digest *d, struct ruru_buf *out)
{
	ruru_buf_add(out, d->text, d->len);
}
