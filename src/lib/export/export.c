/*
 * export.c — a session as one document for people and programs (doc/design.md
 * §15): `ruru export --md ID` (readable Markdown: the front matter as a
 * table, the goal, the entries, the tasks, the artifacts inlined or listed)
 * and `ruru export --json ID` (the session, its tasks and its artifacts with
 * their text).  Both redact secrets unless RURU_EXPORT_NO_REDACT is given:
 * Markdown as a whole document after it is built (so nothing a pattern
 * matches can survive, whatever field it came from), JSON string by string.
 *
 * Artifacts are read from the session's folder only, through the storage
 * layer's checks (no "..", no symlink on the way, regular files only); an
 * artifact that cannot be read that way is listed, not inlined.
 */
#include <string.h>

#include <jansson.h>

#include "ruru.h"
#include "alloc.h"
#include "artifact.h"
#include "store.h"
#include "task.h"
#include "workspace.h"
#include "banned.h"

/* Text artifacts up to this size are inlined. */
#define INLINE_MAX (256 * 1024)

int ruru_export_read_artifact(struct ruru_ws *ws, const char *id, const char *rel, size_t max,
			      struct ruru_buf *out, struct ruru_error *err)
{
	char *dir = ruru_ws_session_path(ws, id, NULL);
	struct ruru_buf norm = RURU_BUF_INIT, path = RURU_BUF_INIT;
	int rc = -1;
	struct stat st;
	if (ruru_store_path_inside(ws->store, dir, rel, &norm, err) < 0)
		goto out;
	ruru_buf_addf(&path, "%s/%s", dir, norm.ptr);
	if (ruru_store_lstat(ws->store, path.ptr, &st, err) < 0)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		ruru_error_set(err, RURU_EREFUSED, "artifact \"%s\" is not a regular file", rel);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		ruru_error_set(err, RURU_EINVALID, "artifact \"%s\" is larger than %zu bytes", rel, max);
		goto out;
	}
	ruru_buf_reset(out);
	if (ruru_store_read(ws->store, path.ptr, out, err) < 0)
		goto out;
	rc = ruru_text_scan(out->ptr, out->len, 0, NULL) == out->len ? 1 : 0;
out:
	ruru_buf_release(&norm);
	ruru_buf_release(&path);
	free(dir);
	return rc;
}

int ruru_export_write(const char *dir, const char *rel, const void *data, size_t len,
		      struct ruru_error *err)
{
	/* The output folder is the user's; below it, it is treated as a
	 * workspace: walked from its fd, never through a symlink. */
	if (ruru_file_mkdirs(dir, err) < 0)
		return -1;
	struct ruru_store *store = ruru_store_open(dir, NULL, err);
	if (!store)
		return -1;
	struct ruru_buf norm = RURU_BUF_INIT;
	int rc = -1;
	if (ruru_store_path_inside(store, NULL, rel, &norm, err) < 0)
		goto out;
	char *slash = strrchr(norm.ptr, '/');
	int made = 0;
	if (slash) {
		*slash = '\0';
		made = ruru_store_mkdirs(store, norm.ptr, err);
		*slash = '/';
	}
	/* the folders just made are checked again: nothing may have put a
	 * symlink on the way meanwhile */
	struct ruru_buf again = RURU_BUF_INIT;
	made = made < 0 ? -1 : ruru_store_path_inside(store, NULL, norm.ptr, &again, err);
	ruru_buf_release(&again);
	if (made < 0)
		goto out;
	rc = ruru_store_write(store, norm.ptr, data, len, 0666, err);
out:
	ruru_buf_release(&norm);
	ruru_store_close(store);
	return rc;
}

struct ruru_export *ruru_export(struct ruru_ws *ws, const char *id, unsigned flags,
				struct ruru_error *err)
{
	struct ruru_export *x = ruru_xmalloc(sizeof(*x));
	*x = (struct ruru_export){ .redact = !(flags & RURU_EXPORT_NO_REDACT) };
	x->session = ruru_xmalloc(sizeof(*x->session));
	if (ruru_session_load(ws, id, RURU_LOAD_ENTRIES, x->session, err) < 0) {
		free(x->session);
		x->session = NULL;
		ruru_export_free(x);
		return NULL;
	}
	x->tasks = ruru_task_list(ws, id, err);
	x->artifacts = x->tasks ? ruru_artifact_list(ws, id, err) : NULL;
	if (!x->artifacts) {
		ruru_export_free(x);
		return NULL;
	}
	size_t n = x->artifacts->n;
	x->texts = ruru_xmalloc((n + 1) * sizeof(*x->texts));
	memset(x->texts, 0, (n + 1) * sizeof(*x->texts));
	struct ruru_buf text = RURU_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct ruru_artifact_info *a = &x->artifacts->v[i];
		struct ruru_error e = { 0 };
		ruru_error_clear(&e);
		int r = 0;
		if (a->exists && a->bytes <= INLINE_MAX)
			r = ruru_export_read_artifact(ws, id, a->path, INLINE_MAX, &text, &e);
		if (r == 1)
			x->texts[i].text = ruru_buf_detach(&text, &x->texts[i].len);
		else if (r < 0)
			x->texts[i].problem = ruru_strdup(e.msg);
	}
	ruru_buf_release(&text);
	return x;
}

void ruru_export_free(struct ruru_export *x)
{
	if (!x)
		return;
	if (x->session)
		ruru_session_release(x->session);
	free(x->session);
	for (size_t i = 0; x->texts && x->artifacts && i < x->artifacts->n; i++) {
		free(x->texts[i].text);
		free(x->texts[i].problem);
	}
	free(x->texts);
	ruru_task_list_free(x->tasks);
	ruru_artifact_list_free(x->artifacts);
	free(x);
}

json_t *ruru_export_json(const struct ruru_export *x)
{
	json_t *arts = artifact_infos_json(x->artifacts);
	for (size_t i = 0; i < x->artifacts->n; i++) {
		json_t *a = json_array_get(arts, i);
		const struct ruru_export_text *t = &x->texts[i];
		json_object_set_new(a, "text", t->text ? ruru_json_text(t->text, t->len) : json_null());
		if (t->problem)
			json_object_set_new(a, "problem", ruru_json_text(t->problem, strlen(t->problem)));
	}
	json_t *out = json_pack("{s:o, s:o, s:o}", "session",
				ruru_session_json(x->session, true, RURU_ENTRIES_ALL), "tasks",
				task_infos_json(x->tasks), "artifacts", arts);
	size_t n = x->redact ? ruru_redact_json(out) : 0;
	json_object_set_new(out, "redacted", json_boolean(x->redact));
	json_object_set_new(out, "redactions", json_integer((json_int_t)n));
	return out;
}

/* A table cell: one line, '|' and '\' escaped, '<' as an entity so that
 * no raw HTML reaches a renderer. */
static void md_cell(struct ruru_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_' || *s == '[')
			ruru_buf_addch(b, '\\');
		if (*s == '\n' || *s == '\r' || *s == '\t')
			ruru_buf_addch(b, ' ');
		else if (*s == '<')
			ruru_buf_addstr(b, "&lt;");
		else
			ruru_buf_addch(b, *s);
	}
}

static void md_row(struct ruru_buf *b, const char *k, const char *v)
{
	ruru_buf_addf(b, "| %s | ", k);
	md_cell(b, v && *v ? v : "—");
	ruru_buf_addstr(b, " |\n");
}

static void md_list_row(struct ruru_buf *b, const char *k, const char *const *v, size_t n)
{
	struct ruru_buf j = RURU_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		ruru_buf_addf(&j, "%s%s", i ? ", " : "", v[i]);
	md_row(b, k, j.ptr);
	ruru_buf_release(&j);
}

/* Inline code: enough backticks to hold the text (CommonMark §6.1). */
static void md_code(struct ruru_buf *b, const char *s)
{
	size_t longest = 0, cur = 0;
	for (const char *p = s; *p; p++) {
		cur = *p == '`' ? cur + 1 : 0;
		if (cur > longest)
			longest = cur;
	}
	for (size_t i = 0; i <= longest; i++)
		ruru_buf_addch(b, '`');
	ruru_buf_addstr(b, " ");
	for (const char *p = s; *p; p++)
		ruru_buf_addch(b, *p == '\n' ? ' ' : *p);
	ruru_buf_addstr(b, " ");
	for (size_t i = 0; i <= longest; i++)
		ruru_buf_addch(b, '`');
}

/* A fenced block long enough that the text cannot close it. */
static void md_fence(struct ruru_buf *b, const char *s, size_t len, const char *info)
{
	size_t longest = 0, cur = 0;
	for (size_t i = 0; i < len; i++) {
		cur = s[i] == '`' || s[i] == '~' ? cur + 1 : 0;
		if (cur > longest)
			longest = cur;
	}
	size_t n = longest < 3 ? 3 : longest + 1;
	for (size_t i = 0; i < n; i++)
		ruru_buf_addch(b, '~');
	ruru_buf_addf(b, "%s\n", info);
	ruru_buf_add(b, s, len);
	if (len && s[len - 1] != '\n')
		ruru_buf_addch(b, '\n');
	for (size_t i = 0; i < n; i++)
		ruru_buf_addch(b, '~');
	ruru_buf_addch(b, '\n');
}

static void md_entry(struct ruru_buf *b, const struct ruru_entry *e)
{
	ruru_buf_addstr(b, "- **");
	md_cell(b, e->stamp ? e->stamp : "?");
	ruru_buf_addstr(b, "** · ");
	md_code(b, e->type_name ? e->type_name : "note");
	const char *names[] = { "mode", "task", "artifact", "adr", "outcome", "source" };
	const char *vals[] = { e->mode, e->task, e->artifact, e->adr, e->outcome, e->source };
	for (size_t i = 0; i < 6; i++)
		if (vals[i]) {
			ruru_buf_addf(b, " · %s ", names[i]);
			md_code(b, vals[i]);
		}
	ruru_buf_addstr(b, "\n\n");
	/* The message as text: a fence keeps its Markdown and any HTML inert. */
	if (e->message && e->message_len) {
		struct ruru_buf ind = RURU_BUF_INIT, body = RURU_BUF_INIT;
		md_fence(&body, e->message, e->message_len, "text");
		ruru_buf_addstr(&ind, "  ");
		for (size_t i = 0; i < body.len; i++) {
			ruru_buf_addch(&ind, body.ptr[i]);
			if (body.ptr[i] == '\n' && i + 1 < body.len)
				ruru_buf_addstr(&ind, "  ");
		}
		ruru_buf_add(b, ind.ptr, ind.len);
		ruru_buf_addch(b, '\n');
		ruru_buf_release(&ind);
		ruru_buf_release(&body);
	}
}

void ruru_export_text(const struct ruru_export *x, struct ruru_buf *out)
{
	const struct ruru_session *s = x->session;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addstr(&b, "# ");
	md_cell(&b, s->title && *s->title ? s->title : s->id);
	ruru_buf_addstr(&b, "\n\n| Field | Value |\n| --- | --- |\n");
	/* every front-matter key, as the key table lists them */
	struct ruru_session_key key;
	for (size_t k = 0; ruru_session_key(k, &key); k++) {
		size_t n;
		const char *const *v = ruru_session_key_value(s, k, &n);
		md_list_row(&b, key.label, v, n);
	}
	md_row(&b, "Log", s->path);
	if (s->goal && *s->goal) {
		ruru_buf_addstr(&b, "\n## Goal\n\n");
		md_fence(&b, s->goal, strlen(s->goal), "text");
	}
	ruru_buf_addf(&b, "\n## Log entries (%zu)\n\n", s->nentries);
	for (size_t i = 0; i < s->nentries; i++)
		md_entry(&b, &s->entries[i]);

	if (x->tasks->n) {
		ruru_buf_addstr(&b, "\n## Tasks\n\n| Task | Title | Status |\n| --- | --- | --- |\n");
		for (size_t i = 0; i < x->tasks->n; i++) {
			const struct ruru_task_info *t = &x->tasks->v[i];
			ruru_buf_addstr(&b, "| ");
			md_cell(&b, t->id);
			ruru_buf_addstr(&b, " | ");
			md_cell(&b, t->title ? t->title : "(no task file)");
			ruru_buf_addstr(&b, " | ");
			md_cell(&b, t->status ? t->status : "—");
			ruru_buf_addstr(&b, " |\n");
		}
	}
	if (x->artifacts->n) {
		ruru_buf_addstr(&b, "\n## Artifacts\n");
		for (size_t i = 0; i < x->artifacts->n; i++) {
			const struct ruru_artifact_info *a = &x->artifacts->v[i];
			const struct ruru_export_text *t = &x->texts[i];
			ruru_buf_addstr(&b, "\n### ");
			md_cell(&b, a->path);
			ruru_buf_addstr(&b, "\n\n");
			if (!a->exists) {
				ruru_buf_addstr(&b, "Recorded in the log, missing on disk.\n");
			} else if (t->text) {
				md_fence(&b, t->text, t->len, "");
			} else if (t->problem) {
				ruru_buf_addstr(&b, "Not inlined: ");
				md_cell(&b, t->problem);
				ruru_buf_addstr(&b, ".\n");
			} else {
				ruru_buf_addf(&b, "Not inlined: binary or larger than %d KB (%lld bytes).\n",
					      INLINE_MAX / 1024, (long long)a->bytes);
			}
		}
	}
	if (x->redact)
		ruru_redact(out, b.ptr, b.len);
	else
		ruru_buf_add(out, b.ptr, b.len);
	ruru_buf_release(&b);
}
