/*
 * open.c — what is still open in a session: the one definition that the
 * continue digest, `show --digest`, `prime`, `summarize`, `task list` and
 * the web view share, so that they never disagree (the rules are those of
 * doc/ruru.1, "OPEN ITEMS").
 *
 * Entries are fed one at a time in log order (ruru_open_feed); each
 * delegation and error becomes an item, filed under its task, its mode
 * and the artifact it hands over, and a later entry closes what it names:
 *   - a result closes the delegations of its task; one naming no task
 *     closes the delegations to its mode that name no task (or else the
 *     newest open one to that mode); a withdrawal note closes the
 *     delegation of its proposal;
 *   - a success (a result that did not fail, or an entry the reader took
 *     as a success) closes the errors of its task and mode (an error's
 *     mode is its mode, or else its source), and every
 *     error that names neither; one that names neither task nor mode
 *     ("Successfully deployed, all systems operational") closes them all.
 * Each item is filed in a bounded number of lists and every list is
 * emptied when it closes, so the whole log costs linear time.  At the end
 * (ruru_open_finish) the task files have their say (a task whose file says
 * Done, Review, Complete or Resolved closes what names it), then come the
 * tasks not done, the proposals still waiting for a step and the V7
 * blocker artifacts not resolved.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "entry.h"
#include "open.h"
#include "store.h"
#include "task.h"
#include "v7.h"
#include "workspace.h"
#include "banned.h"

#define ITEM_TEXT 160 /* bytes of an entry's first line kept in an item */

struct item {
	enum ruru_event type; /* delegation or error */
	size_t line;
	char *stamp, *mode, *task, *source, *artifact, *message;
	bool open;
	const char *closed_by_task; /* the task file's status that closed it */
};

struct ruru_open {
	struct item *v;
	size_t n, cap;
	/* key -> JSON array of item indexes, each emptied when it closes */
	json_t *del_task, *del_mode, *del_mode_tasked, *del_art, *err_task, *err_mode;
	json_t *err_anon, *err_all;
};

struct ruru_open *ruru_open_new(void)
{
	struct ruru_open *o = ruru_xmalloc(sizeof(*o));
	memset(o, 0, sizeof(*o));
	o->del_task = json_object();
	o->del_mode = json_object();
	o->del_mode_tasked = json_object();
	o->del_art = json_object();
	o->err_task = json_object();
	o->err_mode = json_object();
	o->err_anon = json_array();
	o->err_all = json_array();
	return o;
}

void ruru_open_free(struct ruru_open *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++) {
		struct item *it = &o->v[i];
		free(it->stamp);
		free(it->mode);
		free(it->task);
		free(it->source);
		free(it->artifact);
		free(it->message);
	}
	free(o->v);
	json_decref(o->del_task);
	json_decref(o->del_mode);
	json_decref(o->del_mode_tasked);
	json_decref(o->del_art);
	json_decref(o->err_task);
	json_decref(o->err_mode);
	json_decref(o->err_anon);
	json_decref(o->err_all);
	free(o);
}

static char *dup_or_null(const char *s)
{
	return s ? ruru_strdup(s) : NULL;
}

static void file_under(json_t *map, const char *key, size_t idx)
{
	if (!key)
		return;
	json_t *a = json_object_get(map, key);
	if (!a) {
		a = json_array();
		json_object_set_new(map, key, a);
	}
	json_array_append_new(a, json_integer((json_int_t)idx));
}

/* Close every item of a list and empty it. */
static void close_list(struct ruru_open *o, json_t *list)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) o->v[json_integer_value(v)].open = false;
	json_array_clear(list);
}

static void close_key(struct ruru_open *o, json_t *map, const char *key)
{
	json_t *a = key ? json_object_get(map, key) : NULL;
	if (a)
		close_list(o, a);
}

/* The newest open item of a list (popping closed ones); false if none. */
static bool close_newest(struct ruru_open *o, json_t *list)
{
	size_t n;
	while ((n = json_array_size(list)) > 0) {
		size_t idx = (size_t)json_integer_value(json_array_get(list, n - 1));
		json_array_remove(list, n - 1);
		if (o->v[idx].open) {
			o->v[idx].open = false;
			return true;
		}
	}
	return false;
}

bool ruru_entry_is_success(const struct ruru_entry *e)
{
	if (e->type == RURU_EV_RESULT)
		return !(e->outcome && !strcmp(e->outcome, "failure"));
	return e->type != RURU_EV_DELEGATION && e->type != RURU_EV_ERROR && e->outcome &&
	       !strcmp(e->outcome, "success");
}

/* The first line of a message, at most ITEM_TEXT bytes (at a character
 * boundary), " …" when cut. */
static char *first_line(const struct ruru_entry *e)
{
	struct ruru_buf b = RURU_BUF_INIT;
	size_t n = 0;
	while (n < e->message_len && e->message[n] != '\n')
		n++;
	bool more = n < e->message_len;
	if (n > ITEM_TEXT) {
		n = ITEM_TEXT;
		while (n > 0 && ((unsigned char)e->message[n] & 0xC0) == 0x80)
			n--;
		more = true;
	}
	ruru_buf_add(&b, e->message ? e->message : "", n);
	if (more)
		ruru_buf_addstr(&b, " …");
	return ruru_buf_detach(&b, NULL);
}

void ruru_open_feed(struct ruru_open *o, const struct ruru_entry *e)
{
	if (e->type == RURU_EV_RESULT) {
		if (e->task) {
			close_key(o, o->del_task, e->task);
			close_key(o, o->del_mode, e->mode); /* untasked ones to its mode */
		} else if (e->mode) {
			json_t *a = json_object_get(o->del_mode, e->mode);
			bool any = false;
			size_t i;
			json_t *v;
			json_array_foreach(a, i, v) any = any || o->v[json_integer_value(v)].open;
			if (any)
				close_list(o, a);
			else
				close_newest(o, json_object_get(o->del_mode_tasked, e->mode));
		}
	}
	if (ruru_entry_withdraws(e, e->artifact))
		close_key(o, o->del_art, e->artifact);
	if (ruru_entry_is_success(e)) {
		close_key(o, o->err_task, e->task);
		close_key(o, o->err_mode, e->mode);
		if (e->source)
			close_key(o, o->err_mode, e->source);
		close_list(o, o->err_anon);
		/* "Successfully deployed, all systems operational": a success
		 * that names nothing speaks for the whole session */
		if (!e->task && !e->mode)
			close_list(o, o->err_all);
	}
	if (e->type != RURU_EV_DELEGATION && e->type != RURU_EV_ERROR)
		return;
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 16;
		o->v = ruru_xrealloc(o->v, o->cap * sizeof(*o->v));
	}
	size_t idx = o->n++;
	struct item *it = &o->v[idx];
	memset(it, 0, sizeof(*it));
	it->type = e->type;
	it->line = e->line;
	it->stamp = dup_or_null(e->stamp);
	it->mode = dup_or_null(e->mode);
	it->task = dup_or_null(e->task);
	it->source = dup_or_null(e->source);
	it->artifact = dup_or_null(e->artifact);
	it->message = first_line(e);
	it->open = true;
	if (e->type == RURU_EV_DELEGATION) {
		if (e->task) {
			file_under(o->del_task, e->task, idx);
			file_under(o->del_mode_tasked, e->mode, idx);
		} else {
			file_under(o->del_mode, e->mode, idx);
		}
		file_under(o->del_art, e->artifact, idx);
	} else if (e->task || e->mode || e->source) {
		/* an error's mode is where it came from: its mode, or else its
		 * source */
		json_array_append_new(o->err_all, json_integer((json_int_t)idx));
		file_under(o->err_task, e->task, idx);
		file_under(o->err_mode, e->mode ? e->mode : e->source, idx);
	} else {
		json_array_append_new(o->err_anon, json_integer((json_int_t)idx));
		json_array_append_new(o->err_all, json_integer((json_int_t)idx));
	}
}

/* ------------------------------------------------------------ finishing */

bool ruru_task_status_closes(const char *status)
{
	if (!status)
		return false;
	enum ruru_task_status st = ruru_task_status_parse(status);
	if (st == RURU_TASK_DONE || st == RURU_TASK_REVIEW)
		return true;
	static const char *const words[] = { "done", "complete", "resolved", "review" };
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		if (strcasestr(status, words[w]))
			return true;
	return false;
}

/* Status of task `id` as its file says: from `tasks` (the session's), else
 * from `all` (every task file, read once when first needed). */
static const char *task_status(struct ruru_ws *ws, json_t *tasks, json_t **all, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(tasks, i, v) {
		const char *tid = json_string_value(json_object_get(v, "id"));
		if (tid && !strcmp(tid, id))
			return json_string_value(json_object_get(v, "status"));
	}
	if (!ws)
		return NULL;
	if (!*all)
		*all = task_status_map(ws);
	return json_string_value(json_object_get(*all, id));
}

/* Unresolved V7 blocker artifacts of the session (artifacts/blockers/). */
static void blockers(struct ruru_ws *ws, const char *sid, json_t *out)
{
	const char *base = ruru_ws_typed_base(ws, sid);
	struct ruru_buf leaf = RURU_BUF_INIT;
	ruru_buf_addf(&leaf, "%sblockers", base);
	char *dir = ruru_ws_session_path(ws, sid, leaf.ptr);
	struct ruru_error derr = { 0 };
	DIR *d = ruru_store_opendir(ws->store, dir, &derr);
	struct dirent *de;
	json_t *names = json_array();
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (n > 3 && !strcmp(de->d_name + n - 3, ".md") && de->d_name[0] != '.')
			json_array_append_new(names, json_string(de->d_name));
	}
	if (d)
		closedir(d);
	/* readdir's order is the file system's: sort for the same bytes */
	size_t nn = json_array_size(names);
	const char **sorted = ruru_xmalloc((nn + 1) * sizeof(*sorted));
	for (size_t i = 0; i < nn; i++)
		sorted[i] = json_string_value(json_array_get(names, i));
	for (size_t i = 1; i < nn; i++)
		for (size_t k = i; k > 0 && strcmp(sorted[k - 1], sorted[k]) > 0; k--) {
			const char *t = sorted[k];
			sorted[k] = sorted[k - 1];
			sorted[k - 1] = t;
		}
	for (size_t i = 0; i < nn; i++) {
		struct ruru_buf p = RURU_BUF_INIT, b = RURU_BUF_INIT, t = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		ruru_buf_addf(&p, "%s/%s", dir, sorted[i]);
		const char *status = NULL, *issue = NULL;
		struct ruru_toml *doc = NULL;
		struct ruru_frontmatter fm;
		if (ruru_store_read(ws->store, p.ptr, &b, &e) == 0 && ruru_frontmatter_split(b.ptr, b.len, &fm))
			doc = ruru_toml_parse(b.ptr + fm.toml, fm.toml_end - fm.toml, &e);
		if (doc) {
			const struct ruru_toml_value *v =
				ruru_toml_table_get(ruru_toml_root(doc), "resolution_status", 17);
			status = v ? ruru_toml_string(v, NULL) : NULL;
			v = ruru_toml_table_get(ruru_toml_root(doc), "issue", 5);
			issue = v ? ruru_toml_string(v, NULL) : NULL;
		}
		bool resolved = status && !strcasestr(status, "unresolved") &&
				(strcasestr(status, "resolved") || strcasestr(status, "won't fix") ||
				 strcasestr(status, "wont fix") || strcasestr(status, "closed"));
		if (!resolved) {
			ruru_buf_addf(&t, "blocker %s/%s [%s]%s%s", leaf.ptr, sorted[i], status ? status : "no status",
				      issue && *issue ? ": " : "", issue && *issue ? issue : "");
			struct ruru_buf a = RURU_BUF_INIT;
			ruru_buf_addf(&a, "%s/%s", leaf.ptr, sorted[i]);
			json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s?}", "kind", "blocker",
							     "text", t.ptr, "artifact", a.ptr,
							     "status", status));
			ruru_buf_release(&a);
		}
		ruru_toml_free(doc);
		ruru_buf_release(&p);
		ruru_buf_release(&b);
		ruru_buf_release(&t);
	}
	free(sorted);
	json_decref(names);
	free(dir);
	ruru_buf_release(&leaf);
}

/* Proposals of the session still waiting for a step, oldest first. */
json_t *ruru_open_proposals(struct ruru_ws *ws, const char *sid)
{
	json_t *out = json_array();
	struct ruru_error e = { 0 };
	json_t *all = ruru_confirm_list(ws, sid, NULL, &e);
	size_t i;
	json_t *c;
	json_array_foreach(all, i, c) {
		const char *st = json_string_value(json_object_get(c, "status"));
		const char *sess = json_string_value(json_object_get(c, "session"));
		if (!st || !sess || strcmp(sess, sid) ||
		    (strcmp(st, "pending") && strcmp(st, "approved") && strcmp(st, "skipped") &&
		     strcmp(st, "failed")))
			continue;
		/* The artifact as the log names it: artifacts/CONFIRM-…. */
		const char *art = json_string_value(json_object_get(c, "artifact"));
		const char *in = art ? strstr(art, sid) : NULL;
		if (in && in[strlen(sid)] == '/')
			art = in + strlen(sid) + 1;
		const char *tg = json_string_value(json_object_get(c, "target"));
		json_array_append_new(out, json_pack("{s:s?, s:s?, s:s}", "artifact", art, "target", tg,
						     "status", st));
	}
	json_decref(all);
	return out;
}

json_t *ruru_open_finish(struct ruru_open *o, struct ruru_ws *ws, const char *sid, json_t *tasks,
			 json_t *proposals)
{
	json_t *out = json_array(), *all = NULL, *named = json_object();
	struct ruru_buf t = RURU_BUF_INIT;
	for (size_t i = 0; i < o->n; i++) {
		struct item *it = &o->v[i];
		if (!it->open)
			continue;
		const char *st = it->task ? task_status(ws, tasks, &all, it->task) : NULL;
		if (ruru_task_status_closes(st))
			continue; /* the task file says it is done */
		if (it->task)
			json_object_set_new(named, it->task, json_true());
		ruru_buf_reset(&t);
		bool del = it->type == RURU_EV_DELEGATION;
		if (del)
			ruru_buf_addf(&t, "delegation to %s%s%s%s%s%s has no result yet: ",
				      it->mode ? it->mode : "?", it->task ? ", task " : "",
				      it->task ? it->task : "", st ? " [" : "", st ? st : "", st ? "]" : "");
		else
			ruru_buf_addf(&t, "error%s%s%s%s has no later success: ",
				      it->mode || it->source ? " from " : "",
				      it->mode ? it->mode : it->source ? it->source : "",
				      it->task ? ", task " : "", it->task ? it->task : "");
		ruru_buf_addstr(&t, it->message);
		ruru_buf_addf(&t, " (%s)", it->stamp ? it->stamp : "?");
		json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s}",
						     "kind", del ? "delegation" : "error", "text", t.ptr,
						     "line", (json_int_t)it->line, "stamp", it->stamp,
						     "mode", it->mode, "task", it->task, "source",
						     it->source, "artifact", it->artifact, "message",
						     it->message));
	}
	json_decref(all);
	size_t i;
	json_t *v;
	json_array_foreach(tasks, i, v) {
		const char *st = json_string_value(json_object_get(v, "status"));
		const char *id = json_string_value(json_object_get(v, "id"));
		/* no file, or a file that says done: nothing to do here; an
		 * open delegation of it already says so */
		if (!st || ruru_task_status_closes(st) || !id || json_object_get(named, id))
			continue;
		const char *ti = json_string_value(json_object_get(v, "title"));
		ruru_buf_reset(&t);
		ruru_buf_addf(&t, "task %s [%s]%s%s", id, st, ti ? " " : "", ti ? ti : "");
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "kind", "task", "text",
						     t.ptr, "task", id, "status", st));
	}
	json_decref(named);
	json_array_foreach(proposals, i, v) {
		const char *st = json_string_value(json_object_get(v, "status"));
		const char *tg = json_string_value(json_object_get(v, "target"));
		const char *a = json_string_value(json_object_get(v, "artifact"));
		ruru_buf_reset(&t);
		ruru_buf_addf(&t, "confirmation %s → %s: %s", a ? a : "?", tg ? tg : "?",
			      !strcmp(st, "pending")  ? "waiting for the user's decision"
			      : !strcmp(st, "failed") ? "its apply failed"
						      : "decided, not applied yet");
		json_array_append_new(out, json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "kind",
						     "confirmation", "text", t.ptr, "artifact", a,
						     "target", tg, "status", st));
	}
	if (ws)
		blockers(ws, sid, out);
	ruru_buf_release(&t);
	ruru_open_free(o);
	return out;
}

/* ------------------------------------------------------ a whole session */

static int feed_cb(void *ctx, const struct ruru_entry *e)
{
	ruru_open_feed(ctx, e);
	return 0;
}

json_t *ruru_open_items(struct ruru_ws *ws, const char *id, struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, id, 0, &s, err) < 0)
		return NULL;
	struct ruru_buf text = RURU_BUF_INIT;
	char *path = ruru_ws_path(ws, s.path);
	int rc = ruru_store_read(ws->store, path, &text, err);
	free(path);
	if (rc < 0) {
		ruru_session_release(&s);
		ruru_buf_release(&text);
		return NULL;
	}
	struct ruru_frontmatter fm;
	size_t body = ruru_frontmatter_split(text.ptr, text.len, &fm) ? fm.body : 0;
	struct ruru_open *o = ruru_open_new();
	ruru_entries_each(text.ptr, text.len, body, feed_cb, o);
	ruru_buf_release(&text);
	json_t *tasks = tasks_json(ws, s.id, s.tasks, s.ntasks);
	json_t *props = ruru_open_proposals(ws, s.id);
	json_t *out = ruru_open_finish(o, ws, s.id, tasks, props);
	json_decref(tasks);
	json_decref(props);
	ruru_session_release(&s);
	return out;
}
