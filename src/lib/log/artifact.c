/*
 * artifact.c — a session's files (standard §6): adding one writes it
 * atomically under artifacts/, records it in related_artifacts and logs an
 * artifact event, all under the session lock, or does nothing at all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artifact.h"
#include "entry.h"
#include "logtx.h"
#include "text.h"
#include "banned.h"

/* ---- one path convention for artifacts */

static bool exists_at(struct ruru_store *store, const char *dir, const char *rel)
{
	struct ruru_buf p = RURU_BUF_INIT;
	struct stat st;
	struct ruru_error e = { 0 };
	ruru_buf_addf(&p, "%s/%s", dir, rel);
	bool ok = ruru_store_lstat(store, p.ptr, &st, &e) == 0;
	ruru_buf_release(&p);
	return ok;
}

int ruru_artifact_path(struct ruru_ws *ws, const char *id, const char *given, struct ruru_buf *out,
		       struct ruru_error *err)
{
	char *sdir = ruru_ws_session_path(ws, id, NULL);
	char *adir = ruru_ws_session_path(ws, id, "artifacts");
	/* The session folder relative to the root, with its slash. */
	const char *sprefix = sdir;
	size_t splen = strlen(sprefix);
	struct ruru_buf rel = RURU_BUF_INIT, norm = RURU_BUF_INIT;
	bool v81 = ruru_ws_session_layout(ws, id) == RURU_LAYOUT_V81;
	int rc = -1;
	ruru_buf_reset(out);
	if (!given || !*given) {
		ruru_error_set(err, RURU_EUSAGE, "the artifact path is empty");
		goto out;
	}
	if (given[0] == '/' ||
	    (!(strncmp(given, sprefix, splen) == 0 && given[splen] == '/') &&
	     strncmp(given, RURU_LIT("artifacts/")) != 0 && !exists_at(ws->store, adir, given) &&
	     !exists_at(ws->store, sdir, given) && access(given, F_OK) == 0)) {
		/* Absolute, or a file that exists only relative to the current
		 * directory: it must lie in this session's folder. */
		if (ruru_store_relative(ws->store, given, &norm, err) < 0)
			goto out;
		if (strncmp(norm.ptr, sprefix, splen) != 0 || norm.ptr[splen] != '/') {
			ruru_error_set(err, RURU_EREFUSED,
				       "artifact \"%s\" is outside the session folder %s", given,
				       sprefix);
			goto out;
		}
		ruru_buf_addstr(&rel, norm.ptr + splen + 1);
	} else if (strncmp(given, sprefix, splen) == 0 && given[splen] == '/') {
		ruru_buf_addstr(&rel, given + splen + 1); /* relative to the root */
	} else if (strncmp(given, RURU_LIT("artifacts/")) == 0 || exists_at(ws->store, adir, given) ||
		   (!v81 && !exists_at(ws->store, sdir, given))) {
		if (strncmp(given, RURU_LIT("artifacts/")) != 0) /* relative to artifacts/ */
			ruru_buf_addstr(&rel, "artifacts/");
		ruru_buf_addstr(&rel, given);
	} else {
		/* Relative to the session folder, where v8.1 keeps its typed
		 * folders (notes/, ...). */
		ruru_buf_addstr(&rel, given);
	}
	if (ruru_store_path_inside(ws->store, sdir, rel.ptr, &norm, err) < 0)
		goto out;
	if (!strcmp(norm.ptr, "session_log.md") || !strncmp(norm.ptr, RURU_LIT("."))) {
		ruru_error_set(err, RURU_EREFUSED, "\"%s\" is the session's own file, not an artifact",
			       given);
		goto out;
	}
	ruru_buf_add(out, norm.ptr, norm.len);
	rc = 0;
out:
	ruru_buf_release(&rel);
	ruru_buf_release(&norm);
	free(sdir);
	free(adir);
	return rc;
}

int ruru_artifact_record(struct ruru_logtx *tx, const char *rel, const char *task,
			 const char *message, struct ruru_error *err)
{
	struct ruru_log_input e = { .type = RURU_EV_ARTIFACT, .message = message,
				    .message_len = strlen(message) };
	e.field[RURU_FIELD_ARTIFACT] = rel;
	e.field[RURU_FIELD_TASK] = task;
	if (ruru_logtx_array_add(tx, "related_artifacts", rel, err) < 0 ||
	    ruru_logtx_entry(tx, &e, err) < 0) {
		ruru_logtx_abort(tx);
		return -1;
	}
	return ruru_logtx_commit(tx, err);
}

/* CONFIRM-*.toml is ruru's record of a proposal (src/lib/confirm/), never listed
 * as an artifact (doc/design.md §4): in any letter case, as case-insensitive
 * filesystems would match it. */
static bool confirm_sidecar_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	return n > 13 && !strncasecmp(base, RURU_LIT("CONFIRM-")) && !strcasecmp(base + n - 5, ".toml");
}

/* CONFIRM-* files are ruru's proposals and their sidecars (src/lib/confirm/),
 * never an artifact added by name: in any letter case, as
 * case-insensitive file systems would match them. */
static bool confirm_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return !strncasecmp(base, "CONFIRM-", 8);
}

/* A component that is a .git folder on some file system. */
static bool git_component(const char *path)
{
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (ruru_name_is(p, n, ".git"))
			return true;
		p += n;
		if (*p)
			p++;
	}
	return false;
}

int ruru_artifact_add(struct ruru_ws *ws, const char *id, const char *name, const void *data,
		      size_t len, bool force, const char *description, char **rel,
		      struct ruru_error *err)
{
	char *adir = ruru_ws_session_path(ws, id, "artifacts");
	struct ruru_buf norm = RURU_BUF_INIT, path = RURU_BUF_INIT, relp = RURU_BUF_INIT,
			msg = RURU_BUF_INIT;
	struct ruru_logtx tx;
	bool had_old = false, in_tx = false;
	char *made = NULL; /* the topmost folder this call made, undone on failure */
	int rc = -1;
	*rel = NULL;

	if (name && (ruru_text_check("artifact name", name, strlen(name), RURU_TEXT_LINE, err) < 0 ||
		     ruru_path_bounds("the artifact name", name, false, err) < 0))
		goto out; /* sec-text: the text rule (doc/design.md §2), before any folder is made */
	if (ruru_logtx_begin(&tx, ws, id, RURU_TX_ACTIVE, err) < 0)
		goto out;
	in_tx = true;
	/* "artifacts/x" names artifacts/x, as every path ruru prints does. */
	if (name && !strncmp(name, RURU_LIT("artifacts/")) && name[10])
		name += 10;
	if (ruru_store_mkdirs(ws->store, adir, err) < 0 || ruru_store_path_inside(ws->store, adir, name, &norm, err) < 0)
		goto out;
	ruru_buf_addf(&relp, "artifacts/%s", norm.ptr);
	if (confirm_name(norm.ptr)) {
		ruru_error_set(err, RURU_EREFUSED,
			       "artifact name \"%s\" is reserved: CONFIRM-* files are ruru's "
			       "proposed edits and their records (propose with confirm)",
			       relp.ptr);
		goto out;
	}
	if (git_component(norm.ptr)) {
		ruru_error_set(err, RURU_EREFUSED, "artifact name \"%s\" lies inside a .git folder",
			       relp.ptr);
		goto out;
	}
	/* The bounds hold for the path from the root, as git checks it out. */
	ruru_buf_addf(&msg, "%s/%s/%s", ruru_layout_dir(ruru_ws_session_layout(ws, id)), id, relp.ptr);
	int bounds = ruru_path_bounds("the artifact's path", msg.ptr, true, err);
	ruru_buf_reset(&msg);
	if (bounds < 0)
		goto out;
	if (!ruru_entry_field_ok(relp.ptr)) {
		ruru_error_set(err, RURU_EREFUSED, "artifact name \"%s\" holds a backtick", name);
		goto out;
	}
	ruru_buf_addf(&path, "%s/%s", adir, norm.ptr);
	struct stat st;
	struct ruru_error lerr = { 0 };
	int have = ruru_store_lstat(ws->store, path.ptr, &st, &lerr);
	if (have < 0 && lerr.code == RURU_EREFUSED) {
		*err = lerr;
		goto out;
	}
	if (have == 0) {
		if (!force) {
			ruru_error_set(err, RURU_ECONFLICT, "artifact \"%s\" already exists",
				       relp.ptr);
			ruru_error_hint(err, "force", RURU_HINT_FORCE, relp.ptr);
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			ruru_error_set(err, RURU_EREFUSED, "artifact \"%s\" is not a regular file",
				       relp.ptr);
			goto out;
		}
		had_old = true;
	}
	char *slash = strrchr(path.ptr, '/');
	*slash = '\0';
	rc = ruru_store_mkdirs_made(ws->store, path.ptr, &made, err);
	*slash = '/';
	if (rc < 0)
		goto out;
	/* begin, check, stage, log, commit: the file is published with the
	 * log entry, and put back as it was when the log cannot be written. */
	rc = ruru_logtx_stage_file(&tx, path.ptr, data, len, !had_old, err);
	if (rc == 0) {
		/* The entry names the path already: the message says what
		 * happened and, when given, what the artifact is. */
		ruru_buf_addf(&msg, "%s (%zu bytes)", had_old ? "Replaced" : "Added", len);
		if (description && *description)
			ruru_buf_addf(&msg, ": %s", description);
		in_tx = false;
		rc = ruru_artifact_record(&tx, relp.ptr, NULL, msg.ptr, err);
	}
	if (rc == 0)
		*rel = ruru_buf_detach(&relp, NULL);
out:
	if (rc < 0 && made) {
		/* Nor leave the folders this call made. */
		char *slash2 = strrchr(path.ptr, '/');
		*slash2 = '\0';
		ruru_store_rmdirs_made(ws->store, path.ptr, made);
		*slash2 = '/';
	}
	free(made);
	if (in_tx)
		ruru_logtx_abort(&tx);
	free(adir);
	ruru_buf_release(&norm);
	ruru_buf_release(&path);
	ruru_buf_release(&relp);
	ruru_buf_release(&msg);
	return rc < 0 ? -1 : 0;
}

/* Every regular file under `dir`, as paths relative to the session. */
static void walk(struct ruru_store *store, const char *dir, const char *rel, json_t *found, int depth)
{
	struct ruru_error ignore = { 0 };
	char **names;
	size_t n;
	if (depth > 32)
		return;
	/* rel NULL: the session folder itself, without the log and ruru's own
	 * hidden files. */
	if (ruru_store_names(store, dir, NULL, rel ? RURU_NAMES_DOTS : 0, &names, &n, &ignore) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!rel && !strcmp(names[i], "session_log.md"))
			continue;
		struct ruru_buf p = RURU_BUF_INIT, r = RURU_BUF_INIT;
		ruru_buf_addf(&p, "%s/%s", dir, names[i]);
		if (rel)
			ruru_buf_addf(&r, "%s/%s", rel, names[i]);
		else
			ruru_buf_addstr(&r, names[i]);
		struct stat st;
		if (ruru_store_lstat(store, p.ptr, &st, &ignore) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(store, p.ptr, r.ptr, found, depth + 1);
			else if (S_ISREG(st.st_mode))
				json_object_set_new(found, r.ptr, json_integer((json_int_t)st.st_size));
		}
		ruru_buf_release(&p);
		ruru_buf_release(&r);
	}
	ruru_names_free(names, n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void list_add(struct ruru_artifact_list *l, size_t *cap, const char *path, bool recorded,
		     json_t *size)
{
	if (l->n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		l->v = ruru_xrealloc(l->v, *cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct ruru_artifact_info){
		.path = ruru_strdup(path),
		.recorded = recorded,
		.exists = size != NULL,
		.bytes = size ? (long long)json_integer_value(size) : -1,
	};
}

struct ruru_artifact_list *ruru_artifact_list(struct ruru_ws *ws, const char *id,
					      struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, id, 0, &s, err) < 0)
		return NULL;
	json_t *found = json_object();
	struct ruru_artifact_list *out = ruru_xmalloc(sizeof(*out));
	*out = (struct ruru_artifact_list){ .session = ruru_strdup(s.id) };
	size_t cap = 0;
	char *adir;
	if (ruru_ws_session_layout(ws, id) == RURU_LAYOUT_V81) {
		/* v8.1: artifacts sit in the session folder itself (notes/, ...). */
		adir = ruru_ws_session_path(ws, id, NULL);
		walk(ws->store, adir, NULL, found, 0);
	} else {
		adir = ruru_ws_session_path(ws, id, "artifacts");
		walk(ws->store, adir, "artifacts", found, 0);
	}
	for (size_t i = 0; i < s.nartifacts; i++) {
		json_t *size = json_object_get(found, s.artifacts[i]);
		list_add(out, &cap, s.artifacts[i], true, size);
		if (size)
			json_object_del(found, s.artifacts[i]);
	}
	/* Files nobody recorded, in name order. */
	const char *k;
	json_t *v;
	size_t n = json_object_size(found), i = 0;
	const char **keys = ruru_xmalloc((n + 1) * sizeof(*keys));
	json_object_foreach(found, k, v) {
		if (!confirm_sidecar_name(k)) /* ruru's own records, not artifacts */
			keys[i++] = k;
	}
	n = i;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++)
		list_add(out, &cap, keys[i], false, json_object_get(found, keys[i]));
	free(keys);
	json_decref(found);
	free(adir);
	ruru_session_release(&s);
	return out;
}

void ruru_artifact_list_free(struct ruru_artifact_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	free(l->session);
	free(l);
}

const struct ruru_artifact_info *ruru_artifact_list_find(const struct ruru_artifact_list *l,
							 const char *path)
{
	for (size_t i = 0; l && path && i < l->n; i++)
		if (!strcmp(l->v[i].path, path))
			return &l->v[i];
	return NULL;
}

json_t *artifact_infos_json(const struct ruru_artifact_list *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct ruru_artifact_info *x = &l->v[i];
		json_t *o = json_pack("{s:o, s:b, s:b, s:o}", "path", ruru_json_text(x->path, strlen(x->path)),
				      "recorded", x->recorded, "exists", x->exists, "bytes",
				      x->exists ? json_integer(x->bytes) : json_null());
		if (x->type)
			json_object_set_new(o, "type", json_string(x->type));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *ruru_artifact_list_json(const struct ruru_artifact_list *l)
{
	return json_pack("{s:s, s:o}", "session", l->session, "artifacts", artifact_infos_json(l));
}

void ruru_artifact_list_text(const struct ruru_artifact_list *l, struct ruru_buf *out)
{
	ruru_text_count(out, l->n, "artifact", "artifacts");
	ruru_buf_addstr(out, " in session ");
	ruru_text_escape(out, l->session, strlen(l->session));
	ruru_buf_addstr(out, l->n ? ":\n" : ".\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct ruru_artifact_info *x = &l->v[i];
		ruru_text_escape(out, x->path, strlen(x->path));
		if (x->type)
			ruru_buf_addf(out, "\t%s", x->type);
		ruru_buf_addstr(out, x->recorded ? "\trecorded" : "\tunrecorded");
		ruru_buf_addch(out, '\t');
		if (x->exists)
			ruru_text_count(out, (size_t)x->bytes, "byte", "bytes");
		else
			ruru_buf_addstr(out, "missing");
		ruru_buf_addch(out, '\n');
	}
}
