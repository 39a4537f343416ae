/*
 * digest.c — continuing a session (standard §8, DESIGN §6).  The digest is
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
#include "task.h"
#include "fmkeys.h"
#include "text.h"
#include "banned.h"

/* ---------------------------------------------------- pending proposals */

/* CONFIRM sidecars of the session that still wait for a step. */
static json_t *pending_confirmations(struct ruru_ws *ws, const char *id)
{
	json_t *out = json_array();
	char *dir = ruru_ws_session_path(ws, id, "artifacts");
	struct ruru_error derr = { 0 };
	DIR *d = ruru_store_opendir(ws->store, dir, &derr);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (strncmp(de->d_name, RURU_LIT("CONFIRM-")) || n < 5 || strcmp(de->d_name + n - 5, ".toml"))
			continue;
		struct ruru_buf p = RURU_BUF_INIT, b = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		ruru_buf_addf(&p, "%s/%s", dir, de->d_name);
		if (ruru_store_read(ws->store, p.ptr, &b, &e) == 0) {
			struct ruru_toml *doc = ruru_toml_parse(b.ptr, b.len, &e);
			const struct ruru_toml_value *st =
				doc ? ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("status")) : NULL;
			const struct ruru_toml_value *tg =
				doc ? ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("target_path")) : NULL;
			const char *status = st ? ruru_toml_string(st, NULL) : NULL;
			if (status && (!strcmp(status, "pending") || !strcmp(status, "approved") ||
				       !strcmp(status, "skipped"))) {
				struct ruru_buf a = RURU_BUF_INIT;
				ruru_buf_addf(&a, "artifacts/%.*s.md", (int)(n - 5), de->d_name);
				json_array_append_new(
					out, json_pack("{s:s, s:s, s:s?}", "artifact", a.ptr, "status",
						       status, "target",
						       tg ? ruru_toml_string(tg, NULL) : NULL));
				ruru_buf_release(&a);
			}
			ruru_toml_free(doc);
		}
		ruru_buf_release(&p);
		ruru_buf_release(&b);
	}
	if (d)
		closedir(d);
	free(dir);
	return out;
}

/* --------------------------------------------------------------- digest */

/* ------------------------------------------------------------ open items */

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Case-insensitive: does `s` hold `word`? */
static bool holds_ci(const char *s, const char *word)
{
	size_t n = strlen(word);
	for (; s && *s; s++)
		if (!strncasecmp(s, word, n))
			return true;
	return false;
}

/* The first line of an entry's message, at most 120 bytes (cut at a
 * character boundary). */
static void first_line(struct ruru_buf *b, const struct ruru_entry *e)
{
	size_t n = 0;
	while (n < e->message_len && e->message[n] != '\n')
		n++;
	bool more = n < e->message_len;
	if (n > 120) {
		n = 120;
		while (n > 0 && ((unsigned char)e->message[n] & 0xC0) == 0x80)
			n--;
		more = true;
	}
	ruru_buf_add(b, e->message, n);
	if (more)
		ruru_buf_addstr(b, " …");
}

json_t *ruru_digest_open_items(const struct ruru_session *s, json_t *tasks, json_t *pending)
{
	json_t *out = json_array();
	struct ruru_buf t = RURU_BUF_INIT;
	/* One pass from the newest entry back, remembering what later
	 * results closed: linear in the size of the log. */
	json_t *done_tasks = json_object(), *done_modes = json_object(), *ok_from = json_object();
	json_t *withdrawn = json_object(); /* CONFIRM artifacts withdrawn later */
	bool any_success = false;
	bool *open = ruru_xmalloc(s->nentries ? s->nentries : 1);
	for (size_t i = s->nentries; i-- > 0;) {
		const struct ruru_entry *e = &s->entries[i];
		open[i] = false;
		if (e->type == RURU_EV_DELEGATION) {
			/* Open until a result for its task (or, with no task, from
			 * its mode) follows, or the proposal it hands over is
			 * withdrawn. */
			open[i] = e->task ? !json_object_get(done_tasks, e->task)
					  : !(e->mode && json_object_get(done_modes, e->mode));
			if (e->artifact && json_object_get(withdrawn, e->artifact))
				open[i] = false;
		} else if (ruru_entry_withdraws(e, e->artifact)) {
			json_object_set_new(withdrawn, e->artifact, json_true());
		} else if (e->type == RURU_EV_ERROR) {
			/* Open until a later successful result (from its source,
			 * when it names one). */
			open[i] = e->source ? !json_object_get(ok_from, e->source) : !any_success;
		} else if (e->type == RURU_EV_RESULT) {
			if (e->task)
				json_object_set_new(done_tasks, e->task, json_true());
			if (e->mode)
				json_object_set_new(done_modes, e->mode, json_true());
			if (same(e->outcome, "success")) {
				any_success = true;
				if (e->mode)
					json_object_set_new(ok_from, e->mode, json_true());
				if (e->source)
					json_object_set_new(ok_from, e->source, json_true());
			}
		}
	}
	json_decref(done_tasks);
	json_decref(done_modes);
	json_decref(ok_from);
	json_decref(withdrawn);
	for (size_t i = 0; i < s->nentries; i++) {
		const struct ruru_entry *e = &s->entries[i];
		if (!open[i])
			continue;
		ruru_buf_reset(&t);
		if (e->type == RURU_EV_DELEGATION) {
			ruru_buf_addf(&t, "delegation to %s%s%s has no result yet: ",
				      e->mode ? e->mode : "?", e->task ? ", task " : "",
				      e->task ? e->task : "");
		} else {
			ruru_buf_addf(&t, "error%s%s has no later success: ", e->source ? " from " : "",
				      e->source ? e->source : "");
		}
		first_line(&t, e);
		ruru_buf_addf(&t, " (%s)", e->stamp ? e->stamp : "?");
		json_array_append_new(out, json_pack("{s:s, s:s, s:I}", "kind",
						     e->type == RURU_EV_DELEGATION ? "delegation" : "error",
						     "text", t.ptr, "line", (json_int_t)e->line));
	}
	free(open);
	size_t i;
	json_t *v;
	json_array_foreach(tasks, i, v) {
		const char *st = json_string_value(json_object_get(v, "status"));
		if (st && (holds_ci(st, "done") || holds_ci(st, "complete")))
			continue;
		const char *ti = json_string_value(json_object_get(v, "title"));
		const char *id = json_string_value(json_object_get(v, "id"));
		ruru_buf_reset(&t);
		ruru_buf_addf(&t, "task %s [%s]%s%s", id, st ? st : "no task file found", ti ? " " : "",
			      ti ? ti : "");
		json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "kind", "task", "text", t.ptr,
						     "task", id));
	}
	json_array_foreach(pending, i, v) {
		const char *st = json_string_value(json_object_get(v, "status"));
		const char *tg = json_string_value(json_object_get(v, "target"));
		const char *a = json_string_value(json_object_get(v, "artifact"));
		ruru_buf_reset(&t);
		ruru_buf_addf(&t, "confirmation %s → %s: %s", a, tg ? tg : "?",
			      same(st, "pending") ? "waiting for the user's decision"
						  : "decided, not applied yet");
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "kind", "confirmation",
						     "text", t.ptr, "artifact", a, "status", st));
	}
	ruru_buf_release(&t);
	return out;
}

/* --------------------------------------------------------------- digest */

/* A section of the digest: a heading and whole lines, of which the
 * first `shown` are printed, then a line saying how many were not. */
struct section {
	const char *name;     /* "open items", for the line of a folded section */
	struct ruru_buf head;
	char **lines;
	size_t n, shown;
	bool hidden;          /* not even the folded line fits */
};

static void section_add(struct section *sec, const char *line)
{
	sec->lines = ruru_xrealloc(sec->lines, (sec->n + 1) * sizeof(*sec->lines));
	sec->lines[sec->n++] = ruru_strdup(line);
	sec->shown = sec->n;
}

static void section_release(struct section *sec)
{
	for (size_t i = 0; i < sec->n; i++)
		free(sec->lines[i]);
	free(sec->lines);
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
	size_t len = sec->shown ? sec->head.len : 0;
	for (size_t i = 0; i < sec->shown; i++)
		len += strlen(sec->lines[i]);
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
		ruru_buf_addstr(b, sec->lines[i]);
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

size_t ruru_digest_entries(struct ruru_buf *b, const struct ruru_session *s, size_t budget)
{
	/* The heading's length with the largest numbers it can hold. */
	struct ruru_buf line = RURU_BUF_INIT;
	ruru_buf_addf(&line, "\n## Last entries (%zu of %zu; %zu older left out)\n\n", s->nentries,
		      s->nentries, s->nentries);
	size_t head = line.len, used = 0, first = s->nentries;
	if (budget >= head) {
		while (first > 0) {
			ruru_buf_reset(&line);
			ruru_entry_summary(&line, &s->entries[first - 1], "- ", "  ");
			if (head + used + line.len > budget)
				break;
			used += line.len;
			first--;
		}
	}
	ruru_buf_release(&line);
	if (!s->nentries)
		return 0;
	if (first == s->nentries) {
		/* Not one entry fits: say so, if even that fits. */
		struct ruru_buf stub = RURU_BUF_INIT;
		ruru_buf_addf(&stub, "\n(%zu entries not shown)\n", s->nentries);
		if (stub.len <= budget)
			ruru_buf_add(b, stub.ptr, stub.len);
		ruru_buf_release(&stub);
		return first;
	}
	if (first)
		ruru_buf_addf(b, "\n## Last entries (%zu of %zu; %zu older left out)\n\n",
			      s->nentries - first, s->nentries, first);
	else
		ruru_buf_addf(b, "\n## Last entries (all %zu)\n\n", s->nentries);
	for (size_t i = first; i < s->nentries; i++)
		ruru_entry_summary(b, &s->entries[i], "- ", "  ");
	return first;
}

/* The digest of DESIGN §6, at most max_chars bytes (0: no bound) except
 * that the header is never cut.  Sections that are not entries are cut
 * only when all entries are gone and they still do not fit: first the
 * artifact list, then tasks, the goal text, and the open items last.
 * Returns the number of entries left out. */
static size_t digest_text(struct ruru_buf *b, const struct ruru_session *s, json_t *tasks,
			  json_t *open, size_t max_chars, const char *title)
{
	ruru_buf_addf(b, "# %s %s\n\n", title, s->id);
	/* The header's lines: the front-matter keys that have a label. */
	for (const struct fm_key *k = fm_keys; k->name; k++) {
		if (!k->label || k->off == FM_NO_FIELD || k->type == FM_STRINGS)
			continue;
		const char *v = *(char *const *)((const char *)s + k->off);
		if (v && *v)
			ruru_buf_addf(b, "%s: %s\n", k->label, v);
		else if (k->missing)
			ruru_buf_addf(b, "%s: %s\n", k->label, k->missing);
	}
	ruru_buf_addf(b, "Log: %s\n", s->path);

	struct section sec[4] = { { .name = "open items" }, { .name = "goal text" },
				  { .name = "tasks" }, { .name = "artifacts" } };
	struct ruru_buf l = RURU_BUF_INIT;
	size_t i;
	json_t *v;
	ruru_buf_addstr(&sec[0].head, "\n## Open items\n\n");
	json_array_foreach(open, i, v) {
		ruru_buf_reset(&l);
		ruru_buf_addf(&l, "- %s\n", json_string_value(json_object_get(v, "text")));
		section_add(&sec[0], l.ptr);
	}
	ruru_buf_addstr(&sec[1].head, "\n## Goal\n\n");
	for (const char *p = s->goal; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		ruru_buf_reset(&l);
		ruru_buf_add(&l, p, n);
		if (!nl)
			ruru_buf_addch(&l, '\n');
		section_add(&sec[1], l.ptr);
		p += n;
	}
	ruru_buf_addstr(&sec[2].head, "\n## Tasks\n\n");
	json_array_foreach(tasks, i, v) {
		const char *st = json_string_value(json_object_get(v, "status"));
		const char *ti = json_string_value(json_object_get(v, "title"));
		const char *f = json_string_value(json_object_get(v, "file"));
		const char *via = json_is_false(json_object_get(v, "linked"))
					  ? json_string_value(json_object_get(v, "via"))
					  : NULL;
		ruru_buf_reset(&l);
		ruru_buf_addf(&l, "- %s [%s]%s%s%s%s%s%s%s\n", json_string_value(json_object_get(v, "id")),
			      st ? st : "no task file found", ti ? " " : "", ti ? ti : "", f ? " (" : "",
			      f ? f : "", via ? "; names this session in " : "", via ? via : "",
			      f ? ")" : "");
		section_add(&sec[2], l.ptr);
	}
	ruru_buf_addstr(&sec[3].head, "\n## Artifacts\n\n");
	for (i = 0; i < s->nartifacts; i++) {
		ruru_buf_reset(&l);
		ruru_buf_addf(&l, "- %s\n", s->artifacts[i]);
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
	return ruru_digest_entries(b, s, budget);
}

/* Build the digest and its JSON for a loaded session. */
static void make_digest(struct ruru_ws *ws, struct ruru_session *s, size_t max_chars,
			const char *title, char **digest, json_t **json)
{
	json_t *tasks = tasks_json(ws, s->id, s->tasks, s->ntasks);
	json_t *pending = pending_confirmations(ws, s->id);
	json_t *open = ruru_digest_open_items(s, tasks, pending);
	struct ruru_buf b = RURU_BUF_INIT;
	size_t omitted = digest_text(&b, s, tasks, open, max_chars, title);
	if (json) {
		json_t *o = ruru_session_json(s, false, 0);
		json_object_set_new(o, "goal", s->goal ? json_string(s->goal) : json_null());
		json_object_set(o, "tasks", tasks);
		json_object_set(o, "pending_confirmations", pending);
		json_object_set(o, "open_items", open);
		json_object_set_new(o, "entry_count", json_integer((json_int_t)s->nentries));
		json_object_set_new(o, "entries_omitted", json_integer((json_int_t)omitted));
		json_object_set_new(o, "max_chars", json_integer((json_int_t)max_chars));
		json_object_set_new(o, "digest", json_stringn(b.ptr, b.len));
		*json = o;
	}
	if (digest)
		*digest = ruru_buf_detach(&b, NULL);
	ruru_buf_release(&b);
	json_decref(tasks);
	json_decref(pending);
	json_decref(open);
}

int ruru_session_digest(struct ruru_ws *ws, const char *id, size_t max_chars, char **digest,
			json_t **json, struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, id, RURU_LOAD_ENTRIES, &s, err) < 0)
		return -1;
	make_digest(ws, &s, max_chars, "Session", digest, json);
	ruru_session_release(&s);
	return 0;
}

int ruru_session_continue(struct ruru_ws *ws, const char *id, size_t max_chars, unsigned flags,
			  char **digest, json_t **json, struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, id, 0, &s, err) < 0)
		return -1;
	if (!s.valid) {
		*err = *s.problem;
		ruru_session_release(&s);
		return -1;
	}
	enum ruru_status was = s.status;
	ruru_session_release(&s);
	bool ended = was == RURU_STATUS_COMPLETED || was == RURU_STATUS_ERROR;
	if (ended && (flags & RURU_CONTINUE_IMPLICIT))
		return ruru_error_set(err, RURU_ENOTFOUND,
				      "no session to continue: the last active session \"%s\" is %s",
				      id, ruru_status_word(was));
	if (ended && !(flags & RURU_CONTINUE_REOPEN))
		return ruru_error_set(err, RURU_ECONFLICT,
				      "session \"%s\" is %s; it is reopened only when that is asked for",
				      id, ruru_status_word(was));
	bool resumed = was != RURU_STATUS_ACTIVE;
	int rc;
	if (resumed) {
		rc = ruru_session_set_status(ws, id, RURU_STATUS_ACTIVE,
					     ended ? "reopened and continued" : "continued", err);
	} else {
		static const char msg[] = "Session continued";
		struct ruru_log_input e = { .type = RURU_EV_SESSION, .message = msg,
					    .message_len = sizeof(msg) - 1 };
		rc = ruru_session_log(ws, id, &e, err);
	}
	if (rc < 0 || ruru_ws_set_active(ws, id, err) < 0)
		return -1;
	if (ruru_session_load(ws, id, RURU_LOAD_ENTRIES, &s, err) < 0)
		return -1;
	make_digest(ws, &s, max_chars, "Continuing session", digest, json);
	if (json) {
		json_object_set_new(*json, "resumed", json_boolean(resumed));
		json_object_set_new(*json, "reopened", json_boolean(ended));
	}
	ruru_session_release(&s);
	return 0;
}
