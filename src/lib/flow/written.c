/*
 * written.c — what the writing verbs answer: a session started, an entry
 * logged, a status set, an artifact added, a task linked or created.
 * Each call here makes the write (session_write.c, artifact.c, typed.c,
 * task.c) and returns its result as a struct, with the struct's JSON (what
 * `--json` prints and MCP sends as structuredContent) and its one text
 * (what MCP sends as text): the front ends print one or the other and
 * compute nothing themselves.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ruru.h"
#include "alloc.h"
#include "banned.h"

/* A zeroed result of `n` bytes. */
static void *result_new(size_t n)
{
	void *p = ruru_xmalloc(n);
	memset(p, 0, n);
	return p;
}

/* A string of the workspace as JSON (null for NULL). */
static json_t *jtext(const char *s)
{
	return s ? ruru_json_text(s, strlen(s)) : json_null();
}

static void esc(struct ruru_buf *out, const char *s)
{
	ruru_text_field(out, s, "?");
}

/* ------------------------------------------------------------- started */

struct ruru_session_started *ruru_session_start(struct ruru_ws *ws, const struct ruru_new *opts,
						struct ruru_error *err)
{
	struct ruru_new o = *opts;
	char *other = NULL;
	o.other_active = &other;
	char *id = ruru_session_new(ws, &o, err);
	if (!id) {
		free(other);
		return NULL;
	}
	struct ruru_session_started *r = result_new(sizeof(*r));
	r->id = id;
	r->other_active = other;
	return r;
}

void ruru_session_started_free(struct ruru_session_started *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->other_active);
	free(r);
}

json_t *ruru_session_started_json(const struct ruru_session_started *r)
{
	return json_pack("{s:o, s:o}", "id", jtext(r->id), "other_active", jtext(r->other_active));
}

void ruru_session_started_text(const struct ruru_session_started *r, struct ruru_buf *out)
{
	ruru_buf_addstr(out, "Started ");
	esc(out, r->id);
	ruru_buf_addstr(out, " (active).\n");
	if (r->other_active) {
		ruru_buf_addstr(out, "Session ");
		esc(out, r->other_active);
		ruru_buf_addstr(out, " is still active too; pause or complete it when its work is done.\n");
	}
}

/* -------------------------------------------------------------- logged */

struct ruru_entry_logged *ruru_session_log_entry(struct ruru_ws *ws, const char *id,
						 const struct ruru_log_input *in,
						 struct ruru_task_new *spawn, struct ruru_error *err)
{
	struct ruru_entry_logged *r = result_new(sizeof(*r));
	struct ruru_log_input e = *in;
	e.adr_missing = &r->adr_missing;
	e.artifact_missing = &r->artifact_missing;
	e.duplicate_of = &r->duplicate_of;
	int rc = 0;
	if (spawn)
		rc = (r->task = ruru_task_delegate(ws, id, spawn, &e, err)) ? 0 : -1;
	else
		rc = ruru_session_log(ws, id, &e, err);
	if (rc < 0) {
		ruru_entry_logged_free(r);
		return NULL;
	}
	r->session = ruru_strdup(id);
	r->type = in->type;
	r->message_len = in->message_len;
	return r;
}

void ruru_entry_logged_free(struct ruru_entry_logged *r)
{
	if (!r)
		return;
	free(r->session);
	free(r->task);
	free(r);
}

/* Why the entry was not written, or what it names that is not there, or
 * that its message is large; NULL: nothing to say (a new string). */
static char *logged_warning(const struct ruru_entry_logged *r)
{
	struct ruru_buf b = RURU_BUF_INIT;
	if (r->duplicate_of)
		ruru_buf_addf(&b, "not written: the entry at line %zu of the log already records this "
				  "event (logged by a host's hook)",
			      r->duplicate_of);
	else if (r->adr_missing)
		ruru_buf_addstr(&b, "logged, but no ADR file has that path (yet)");
	else if (r->artifact_missing)
		ruru_buf_addstr(&b, "logged, but the session has no such artifact (yet)");
	else if (r->message_len > RURU_MESSAGE_LARGE)
		ruru_buf_addf(&b, "logged a message of %zu bytes; digests show only its first part "
				  "(big text belongs in artifact_add)",
			      r->message_len);
	if (!b.len)
		return NULL;
	return ruru_buf_detach(&b, NULL);
}

json_t *ruru_entry_logged_json(const struct ruru_entry_logged *r)
{
	json_t *o = json_pack("{s:o, s:s, s:o, s:o}", "session", jtext(r->session), "type",
			      ruru_event_name(r->type), "task", jtext(r->task), "duplicate_of",
			      r->duplicate_of ? json_integer((json_int_t)r->duplicate_of) : json_null());
	char *w = logged_warning(r);
	if (w)
		json_object_set_new(o, "warning", json_string(w));
	free(w);
	return o;
}

void ruru_entry_logged_text(const struct ruru_entry_logged *r, struct ruru_buf *out)
{
	char *w = logged_warning(r);
	if (r->duplicate_of) {
		ruru_buf_addstr(out, "Not logged in ");
		esc(out, r->session);
		ruru_buf_addf(out, ": %s.\n", w);
		free(w);
		return;
	}
	ruru_buf_addf(out, "Logged %s in ", ruru_event_name(r->type));
	esc(out, r->session);
	if (r->task) {
		ruru_buf_addstr(out, "; the new task: ");
		esc(out, r->task);
	}
	ruru_buf_addch(out, '.');
	if (w)
		ruru_buf_addf(out, " Warning: %s.", w);
	ruru_buf_addch(out, '\n');
	free(w);
}

/* ---------------------------------------------------------- status set */

/* The status of session `id` now; RURU_STATUS_UNKNOWN when unreadable. */
static enum ruru_status status_now(struct ruru_ws *ws, const char *id)
{
	struct ruru_session s;
	struct ruru_error e = { 0 };
	enum ruru_status st = RURU_STATUS_UNKNOWN;
	if (ruru_session_load(ws, id, 0, &s, &e) == 0 && s.valid)
		st = s.status;
	ruru_session_release(&s);
	return st;
}

struct ruru_status_set *ruru_session_status(struct ruru_ws *ws, const char *id, enum ruru_status to,
					    const char *reason, unsigned flags,
					    struct ruru_error *err)
{
	bool already = false;
	if (ruru_session_set_status(ws, id, to, reason, err) < 0) {
		already = (flags & RURU_STATUS_REPEAT_OK) && err->code == RURU_ECONFLICT &&
			  status_now(ws, id) == to;
		if (!already)
			return NULL;
		ruru_error_clear(err);
	}
	struct ruru_status_set *r = result_new(sizeof(*r));
	r->session = ruru_strdup(id);
	r->status = to;
	r->already = already;
	return r;
}

void ruru_status_set_free(struct ruru_status_set *r)
{
	if (!r)
		return;
	free(r->session);
	free(r);
}

json_t *ruru_status_set_json(const struct ruru_status_set *r)
{
	return json_pack("{s:o, s:s, s:s, s:b}", "session", jtext(r->session), "status",
			 ruru_status_word(r->status), "status_text", ruru_status_string(r->status),
			 "already", r->already);
}

void ruru_status_set_text(const struct ruru_status_set *r, struct ruru_buf *out)
{
	ruru_buf_addstr(out, "Session ");
	esc(out, r->session);
	ruru_buf_addf(out, " is %s %s (%s).\n", r->already ? "already" : "now",
		      ruru_status_string(r->status), ruru_status_word(r->status));
}

/* ------------------------------------------------------- artifact added */

struct ruru_artifact_added *ruru_artifact_save(struct ruru_ws *ws, const char *id, const char *name,
					       const void *data, size_t len, bool force,
					       const char *description, const struct ruru_typed *t,
					       struct ruru_error *err)
{
	char *rel = NULL;
	if (t ? ruru_artifact_add_typed(ws, id, t, &rel, err) < 0
	      : ruru_artifact_add(ws, id, name, data, len, force, description, &rel, err) < 0) {
		free(rel);
		return NULL;
	}
	struct ruru_artifact_added *r = result_new(sizeof(*r));
	r->session = ruru_strdup(id);
	r->path = rel;
	r->type = t ? ruru_artifact_type_find(t->type)->type : NULL;
	return r;
}

void ruru_artifact_added_free(struct ruru_artifact_added *r)
{
	if (!r)
		return;
	free(r->session);
	free(r->path);
	free(r);
}

json_t *ruru_artifact_added_json(const struct ruru_artifact_added *r)
{
	json_t *o = json_pack("{s:o, s:o}", "session", jtext(r->session), "path", jtext(r->path));
	if (r->type)
		json_object_set_new(o, "type", json_string(r->type));
	return o;
}

void ruru_artifact_added_text(const struct ruru_artifact_added *r, struct ruru_buf *out)
{
	ruru_buf_addstr(out, "Saved ");
	if (r->type)
		ruru_buf_addf(out, "%s artifact ", r->type);
	esc(out, r->path);
	ruru_buf_addstr(out, " in session ");
	esc(out, r->session);
	ruru_buf_addstr(out, " (logged).\n");
}

/* --------------------------------------------------------- task linked */

struct ruru_task_linked *ruru_task_link_find(struct ruru_ws *ws, const char *id, const char *task,
					     struct ruru_error *err)
{
	if (ruru_task_link(ws, id, task, err) < 0)
		return NULL;
	struct ruru_task_linked *r = result_new(sizeof(*r));
	struct ruru_error nf = { 0 };
	r->session = ruru_strdup(id);
	r->task = ruru_strdup(task);
	if (ruru_task_find(ws, task, &r->file, &nf) < 0) {
		free(r->file);
		r->file = NULL;
	}
	return r;
}

void ruru_task_linked_free(struct ruru_task_linked *r)
{
	if (!r)
		return;
	free(r->session);
	free(r->task);
	free(r->file);
	free(r);
}

json_t *ruru_task_linked_json(const struct ruru_task_linked *r)
{
	json_t *o = json_pack("{s:o, s:o}", "session", jtext(r->session), "task", jtext(r->task));
	if (!r->file)
		json_object_set_new(o, "warning", json_string("linked, but no task file has that ID"));
	json_object_set_new(o, "file", jtext(r->file));
	return o;
}

void ruru_task_linked_text(const struct ruru_task_linked *r, struct ruru_buf *out)
{
	ruru_buf_addstr(out, "Linked ");
	esc(out, r->task);
	ruru_buf_addstr(out, " to session ");
	esc(out, r->session);
	if (r->file) {
		ruru_buf_addstr(out, " (");
		esc(out, r->file);
		ruru_buf_addstr(out, ").\n");
	} else {
		ruru_buf_addstr(out, "; no task file has that ID.\n");
	}
}

/* -------------------------------------------------------- task created */

struct ruru_task_created *ruru_task_create(struct ruru_ws *ws, const struct ruru_task_new *o,
					   struct ruru_error *err)
{
	char *file = NULL, *id = ruru_task_new(ws, o, &file, err);
	if (!id) {
		free(file);
		return NULL;
	}
	struct ruru_task_created *r = result_new(sizeof(*r));
	r->id = id;
	r->file = file;
	r->session = ruru_strdup(o->session);
	return r;
}

void ruru_task_created_free(struct ruru_task_created *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->file);
	free(r->session);
	free(r);
}

json_t *ruru_task_created_json(const struct ruru_task_created *r)
{
	return json_pack("{s:o, s:o, s:o}", "id", jtext(r->id), "file", jtext(r->file), "session",
			 jtext(r->session));
}

void ruru_task_created_text(const struct ruru_task_created *r, struct ruru_buf *out)
{
	ruru_buf_addstr(out, "Created ");
	esc(out, r->id);
	ruru_buf_addstr(out, " (");
	esc(out, r->file);
	if (r->session) {
		ruru_buf_addstr(out, ") in session ");
		esc(out, r->session);
		ruru_buf_addstr(out, ".\n");
	} else {
		ruru_buf_addstr(out, "), in no session.\n");
	}
}
