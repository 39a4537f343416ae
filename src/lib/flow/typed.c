/*
 * typed.c — V7 typed artifacts (doc/design.md §4), named by the table of types,
 * folders and name prefixes in base/words.c; writing a typed
 * artifact from the type's template (the workspace's, else the built-in
 * copy) under the session lock; the artifact scaffold a new session gets;
 * and the template helpers task.c and summary.c share (v7.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artifact.h"
#include "builtin.h"
#include "entry.h"
#include "logtx.h"
#include "store.h"
#include "v7.h"
#include "text.h"
#include "banned.h"

/* RURU_EUSAGE naming the types of the table. */
static int unknown_type(const char *word, struct ruru_error *err)
{
	struct ruru_buf list = RURU_BUF_INIT;
	for (const struct ruru_artifact_type *k = ruru_artifact_types; k->type; k++)
		ruru_buf_addf(&list, "%s%s", k == ruru_artifact_types ? "" : ", ", k->type);
	ruru_error_set(err, RURU_EUSAGE, "unknown artifact type \"%s\" (one of %s)",
		       word ? word : "", list.ptr);
	ruru_buf_release(&list);
	return -1;
}

const struct ruru_builtin *ruru_builtin_find(const char *name)
{
	for (const struct ruru_builtin *b = ruru_builtins; name && b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

/* -------------------------------------------------------------- helpers */

int ruru_short_text_ok(const char *s, const char *what, const char *arg, bool field,
		       struct ruru_error *err)
{
	if (!s || ruru_text_blank(s, strlen(s)))
		ruru_error_set(err, RURU_EUSAGE, "%s is empty", what);
	/* doc/design.md §2's text rule, one line: the library's one validator */
	else if (ruru_text_check(what, s, strlen(s), RURU_TEXT_LINE, err) < 0)
		;
	else if (field && strchr(s, '`'))
		ruru_error_set(err, RURU_EUSAGE, "%s holds a backtick", what);
	else
		return 0;
	return ruru_error_hint(err, arg, RURU_HINT_NONE, NULL);
}

void ruru_stamp_minute(time_t t, char out[16])
{
	char full[32];
	ruru_time_format_rfc3339(t, full); /* 2026-11-24T03:15:20Z */
	memcpy(out, full + 2, 2);
	memcpy(out + 2, full + 5, 2);
	memcpy(out + 4, full + 8, 2);
	memcpy(out + 6, full + 11, 2);
	memcpy(out + 8, full + 14, 2);
	out[10] = '\0';
}

void ruru_slug(struct ruru_buf *out, const char *title, size_t max)
{
	size_t start = out->len;
	bool us = false;
	for (const char *p = title ? title : ""; *p && out->len - start < max; p++) {
		char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			ruru_buf_addch(out, c);
			us = false;
		} else if (c >= 'A' && c <= 'Z') {
			ruru_buf_addch(out, c - 'A' + 'a');
			us = false;
		} else if (!us && out->len > start) {
			ruru_buf_addch(out, '_');
			us = true;
		}
	}
	while (out->len > start && out->ptr[out->len - 1] == '_')
		out->ptr[--out->len] = '\0';
	if (out->len == start)
		ruru_buf_addstr(out, "untitled");
}

/* Swap two buffers (an edit's output becomes the next edit's input). */
static void swap(struct ruru_buf *a, struct ruru_buf *b)
{
	struct ruru_buf t = *a;
	*a = *b;
	*b = t;
}

/*
 * The templates' own notes to their readers, "<< Placeholder: Must be
 * generated at runtime >>", are not kept in what ruru writes (search would
 * find them in every file).  Appends t[0..n) to out without each "<< ... >>"
 * span (and the blanks before it) that closes on its line; in TOML only
 * after a '#' that is not inside a quoted string.
 */
static void add_without_placeholders(struct ruru_buf *out, const char *t, size_t n, bool toml)
{
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - t) + 1 : n, from = i;
		if (toml) {
			bool in_str = false;
			from = e;
			for (size_t k = i; k < e; k++) {
				if (t[k] == '"' && (k == i || t[k - 1] != '\\'))
					in_str = !in_str;
				else if (t[k] == '#' && !in_str) {
					from = k;
					break;
				}
			}
		}
		size_t k = from;
		ruru_buf_add(out, t + i, from - i);
		while (k < e) {
			const char *o = memmem(t + k, e - k, "<<", 2);
			const char *c = o ? memmem(o + 2, (size_t)(t + e - o - 2), ">>", 2) : NULL;
			if (!c) {
				ruru_buf_add(out, t + k, e - k);
				break;
			}
			size_t keep = (size_t)(o - t) - k;
			while (keep && (t[k + keep - 1] == ' ' || t[k + keep - 1] == '\t'))
				keep--;
			ruru_buf_add(out, t + k, keep);
			k = (size_t)(c - t) + 2;
		}
		i = e;
	}
}

int ruru_fm_fill(struct ruru_buf *out, const char *tpl, size_t len, const char *tpl_name,
		 const struct ruru_fm_set *sets, size_t nsets, const char *const *tags,
		 size_t ntags, const char *body, struct ruru_error *err)
{
	struct ruru_frontmatter fm;
	ruru_buf_reset(out);
	if (!ruru_frontmatter_split(tpl, len, &fm)) {
		ruru_error_set(err, RURU_EINVALID, "the template has no +++ front matter");
		ruru_error_set_file(err, tpl_name);
		return -1;
	}
	struct ruru_buf toml = RURU_BUF_INIT, next = RURU_BUF_INIT, lit = RURU_BUF_INIT;
	ruru_buf_add(&toml, tpl + fm.toml, fm.toml_end - fm.toml);
	int rc = 0;
	for (size_t i = 0; i < nsets && rc == 0; i++) {
		rc = ruru_toml_edit_set(&next, toml.ptr, toml.len, sets[i].key, sets[i].literal,
					strlen(sets[i].literal), err);
		if (rc == 0)
			swap(&toml, &next);
	}
	for (size_t i = 0; i < ntags && rc == 0; i++) {
		struct ruru_toml *doc = ruru_toml_parse(toml.ptr, toml.len, err);
		if (!doc) {
			rc = -1;
			break;
		}
		const struct ruru_toml_value *tv = ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("tags"));
		bool is_array = tv && ruru_toml_kind(tv) == RURU_TOML_ARRAY, have = false;
		for (size_t k = 0; is_array && k < ruru_toml_array_len(tv); k++) {
			const char *s = ruru_toml_string(ruru_toml_array_at(tv, k), NULL);
			have = have || (s && !strcmp(s, tags[i]));
		}
		ruru_toml_free(doc);
		if (have)
			continue;
		ruru_buf_reset(&lit);
		if (is_array) {
			ruru_toml_encode_string(&lit, tags[i], strlen(tags[i]));
			rc = ruru_toml_edit_array_append(&next, toml.ptr, toml.len, "tags", lit.ptr,
							 lit.len, err);
		} else {
			ruru_toml_encode_string_array(&lit, &tags[i], 1);
			rc = ruru_toml_edit_set(&next, toml.ptr, toml.len, "tags", lit.ptr, lit.len,
						err);
		}
		if (rc == 0)
			swap(&toml, &next);
	}
	if (rc == 0) {
		ruru_buf_add(out, tpl, fm.toml);
		add_without_placeholders(out, toml.ptr, toml.len, true);
		ruru_buf_add(out, tpl + fm.toml_end, fm.body - fm.toml_end);
		if (fm.body == len && (len == 0 || tpl[len - 1] != '\n'))
			ruru_buf_addch(out, '\n'); /* closing fence without a newline */
		if (body)
			ruru_buf_addstr(out, body);
		else
			add_without_placeholders(out, tpl + fm.body, len - fm.body, false);
	} else if (!err->file[0]) {
		ruru_error_set_file(err, tpl_name);
	}
	ruru_buf_release(&toml);
	ruru_buf_release(&next);
	ruru_buf_release(&lit);
	return rc;
}

/* A regular file inside the root (no symlink leading out), read whole;
 * 1 when read, 0 when absent, -1 on a refusal or read error. */
static int read_ws_file(struct ruru_ws *ws, const char *rel, struct ruru_buf *out,
			struct ruru_error *err)
{
	struct ruru_buf norm = RURU_BUF_INIT;
	char *path = ruru_ws_path(ws, rel);
	struct stat st;
	struct ruru_error lerr = { 0 };
	int rc = 0;
	if (ruru_store_lstat(ws->store, path, &st, &lerr) == 0) {
		if (ruru_store_path_inside(ws->store, NULL, rel, &norm, err) < 0)
			rc = -1;
		else if (!S_ISREG(st.st_mode))
			rc = ruru_error_set(err, RURU_EREFUSED, "\"%s\" is not a regular file", rel);
		else
			rc = ruru_store_read(ws->store, path, out, err) < 0 ? -1 : 1;
	}
	ruru_buf_release(&norm);
	free(path);
	return rc;
}

int ruru_template_read(struct ruru_ws *ws, const char *dir, const char *name,
		       struct ruru_buf *out, struct ruru_buf *from, struct ruru_error *err)
{
	struct ruru_buf rel = RURU_BUF_INIT;
	ruru_buf_addf(&rel, ".ruru/templates/%s/%s", dir, name);
	ruru_buf_reset(out);
	int got = read_ws_file(ws, rel.ptr, out, err);
	const struct ruru_builtin *b = got == 0 ? ruru_builtin_find(name) : NULL;
	if (got == 0 && !b)
		got = ruru_error_set(err, RURU_ENOTFOUND, "no template \"%s\"", name);
	else if (got == 0)
		ruru_buf_add(out, b->data, b->len);
	if (got >= 0 && from) {
		ruru_buf_reset(from);
		ruru_buf_addstr(from, b ? "built-in" : rel.ptr);
	}
	ruru_buf_release(&rel);
	return got < 0 ? -1 : 0;
}

const char *ruru_ws_typed_base(struct ruru_ws *ws, const char *id)
{
	return ruru_ws_session_layout(ws, id) == RURU_LAYOUT_V81 ? "" : "artifacts/";
}

void ruru_typed_folder_read(struct ruru_ws *ws, const char *id, const char *folder,
			    struct ruru_typed_folder *out)
{
	memset(out, 0, sizeof(*out));
	ruru_buf_init(&out->leaf);
	ruru_buf_addf(&out->leaf, "%s%s", ruru_ws_typed_base(ws, id), folder);
	out->dir = ruru_ws_session_path(ws, id, out->leaf.ptr);
	struct ruru_error derr = { 0 };
	ruru_store_names(ws->store, out->dir, ".md", 0, &out->names, &out->n, &derr);
}

void ruru_typed_folder_release(struct ruru_typed_folder *t)
{
	ruru_names_free(t->names, t->n);
	free(t->dir);
	ruru_buf_release(&t->leaf);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------- typed artifacts */

/* The body: the template's first "# Heading: [placeholder]" line with the
 * title, then the text; without text the template's own body after it. */
static void typed_body(struct ruru_buf *out, const char *tpl, size_t len, const char *title,
		       const char *text, size_t tlen)
{
	struct ruru_frontmatter fm;
	const char *b = "", *end = "";
	if (ruru_frontmatter_split(tpl, len, &fm)) {
		b = tpl + fm.body;
		end = tpl + len;
	}
	const char *h = NULL, *hend = NULL;
	for (const char *p = b; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		if (end - p >= 2 && p[0] == '#' && p[1] == ' ') {
			h = p;
			hend = next;
			break;
		}
		p = next;
	}
	ruru_buf_addch(out, '\n');
	const char *colon = h ? memchr(h, ':', (size_t)(hend - h)) : NULL;
	if (colon)
		ruru_buf_add(out, h, (size_t)(colon - h));
	else
		ruru_buf_addstr(out, "#");
	ruru_buf_addf(out, "%s%s\n", colon ? ": " : " ", title);
	if (text) {
		if (tlen) {
			ruru_buf_addch(out, '\n');
			ruru_buf_add(out, text, tlen);
			if (text[tlen - 1] != '\n')
				ruru_buf_addch(out, '\n');
		}
	} else if (hend) {
		ruru_buf_add(out, hend, (size_t)(end - hend));
		if (end > hend && end[-1] != '\n')
			ruru_buf_addch(out, '\n');
	}
}

int ruru_artifact_add_typed(struct ruru_ws *ws, const char *id, const struct ruru_typed *a,
			    char **rel, struct ruru_error *err)
{
	*rel = NULL;
	const struct ruru_artifact_type *t = ruru_artifact_type_find(a->type);
	if (!t)
		return unknown_type(a->type, err);
	if (ruru_short_text_ok(a->title, "the title", "title", false, err) < 0)
		return -1;
	if (a->task && ruru_short_text_ok(a->task, "the task ID", "task", true, err) < 0)
		return -1;
	for (size_t i = 0; i < a->ntags; i++)
		if (ruru_short_text_ok(a->tags[i], "a tag", "tag", false, err) < 0)
			return -1;

	struct ruru_buf tpl = RURU_BUF_INIT, doc = RURU_BUF_INIT, body = RURU_BUF_INIT,
			name = RURU_BUF_INIT, path = RURU_BUF_INIT, l_id = RURU_BUF_INIT,
			l_sess = RURU_BUF_INIT, l_task = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	char *sdir = NULL, *folder = NULL, *absfolder = NULL;
	struct ruru_logtx tx;
	bool in_tx = false;
	int rc = -1;
	struct ruru_buf from = RURU_BUF_INIT;

	if (ruru_template_read(ws, "toml-md", t->template, &tpl, &from, err) < 0)
		goto out;
	if (ruru_logtx_begin(&tx, ws, id, RURU_TX_ACTIVE, err) < 0)
		goto out;
	in_tx = true;
	sdir = ruru_ws_session_path(ws, id, NULL);
	const char *base = ruru_ws_typed_base(ws, id);
	struct ruru_buf fr = RURU_BUF_INIT;
	ruru_buf_addf(&fr, "%s%s", base, t->folder);
	folder = ruru_buf_detach(&fr, NULL);
	{
		struct ruru_buf norm = RURU_BUF_INIT, abs = RURU_BUF_INIT;
		ruru_buf_addf(&abs, "%s/%s", sdir, folder);
		absfolder = ruru_buf_detach(&abs, NULL);
		/* the folders made are the transaction's: abort removes them */
		int k = ruru_store_path_inside(ws->store, sdir, folder, &norm, err) < 0 ||
			ruru_logtx_mkdirs(&tx, absfolder, err) < 0;
		ruru_buf_release(&norm);
		if (k)
			goto out;
	}
	time_t now = ruru_now(ws);
	char minute[16], when[32];
	ruru_stamp_minute(now, minute);
	ruru_time_format_rfc3339(now, when);
	typed_body(&body, tpl.ptr, tpl.len, a->title, a->text, a->len);
	/* Claim a distinct name: a second one in the same minute gets -2, -3… */
	for (int k = 1;; k++) {
		ruru_buf_reset(&name);
		ruru_buf_addf(&name, "%s-", t->prefix);
		ruru_slug(&name, a->title, 48);
		ruru_buf_addf(&name, "-%s", minute);
		if (k > 1)
			ruru_buf_addf(&name, "-%d", k);
		size_t stem = name.len;
		ruru_buf_addstr(&name, ".md");
		ruru_buf_reset(&l_id);
		ruru_toml_encode_string(&l_id, name.ptr, stem);
		ruru_buf_reset(&l_sess);
		ruru_toml_encode_string(&l_sess, id, strlen(id));
		ruru_buf_reset(&l_task);
		ruru_toml_encode_string(&l_task, a->task ? a->task : "", a->task ? strlen(a->task) : 0);
		struct ruru_fm_set sets[] = {
			{ "id", l_id.ptr },
			{ "session_id", l_sess.ptr },
			{ "created_time", when },
			{ "related_task_id", l_task.ptr },
		};
		if (ruru_fm_fill(&doc, tpl.ptr, tpl.len, from.ptr, sets, a->task ? 4 : 3, a->tags,
				 a->ntags, body.ptr, err) < 0)
			goto out;
		ruru_buf_reset(&path);
		ruru_buf_addf(&path, "%s/%s/%s", sdir, folder, name.ptr);
		struct ruru_error e2 = { 0 };
		ruru_error_clear(&e2);
		/* staged beside it, published with the log entry or not at all */
		if (ruru_logtx_stage_file(&tx, path.ptr, doc.ptr, doc.len, true, &e2) == 0)
			break;
		if (e2.code != RURU_ECONFLICT || k >= 1000) {
			*err = e2;
			goto out;
		}
	}
	struct ruru_buf relp = RURU_BUF_INIT;
	ruru_buf_addf(&relp, "%s/%s", folder, name.ptr);
	ruru_buf_addf(&msg, "%s: %s", t->type, a->title);
	in_tx = false;
	rc = ruru_artifact_record(&tx, relp.ptr, a->task, msg.ptr, err);
	if (rc == 0)
		*rel = ruru_buf_detach(&relp, NULL);
	ruru_buf_release(&relp);
out:
	if (in_tx)
		ruru_logtx_abort(&tx); /* removes the staged file and the folders made */
	free(absfolder);
	free(sdir);
	free(folder);
	ruru_buf_release(&from);
	ruru_buf_release(&tpl);
	ruru_buf_release(&doc);
	ruru_buf_release(&body);
	ruru_buf_release(&name);
	ruru_buf_release(&path);
	ruru_buf_release(&l_id);
	ruru_buf_release(&l_sess);
	ruru_buf_release(&l_task);
	ruru_buf_release(&msg);
	return rc < 0 ? -1 : 0;
}

json_t *ruru_artifact_list_typed(struct ruru_ws *ws, const char *id, const char *type,
				 struct ruru_error *err)
{
	const struct ruru_artifact_type *t = NULL;
	if (type && !(t = ruru_artifact_type_find(type)))
		return unknown_type(type, err), NULL;
	json_t *all = ruru_artifact_list(ws, id, err);
	if (!all)
		return NULL;
	const char *base = ruru_ws_typed_base(ws, id);
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(all, i, v) {
		const char *p = json_string_value(json_object_get(v, "path"));
		const char *leaf = p ? strrchr(p, '/') : NULL;
		leaf = leaf ? leaf + 1 : p;
		const struct ruru_artifact_type *found = NULL;
		for (const struct ruru_artifact_type *k = ruru_artifact_types; p && k->type; k++) {
			size_t bl = strlen(base), fl = strlen(k->folder), pl = strlen(k->prefix);
			if (!strncmp(p, base, bl) && !strncmp(p + bl, k->folder, fl) &&
			    p[bl + fl] == '/' && !strncmp(leaf, k->prefix, pl) && leaf[pl] == '-')
				found = k;
		}
		if (!found || (t && found != t))
			continue;
		json_t *o = json_copy(v);
		json_object_set_new(o, "type", json_string(found->type));
		json_array_append_new(out, o);
	}
	json_decref(all);
	return out;
}

/* ------------------------------------------------------------- scaffold */

#define SCAFFOLD ".ruru/templates/session_artifact_scaffold"

/* Gather every file of the scaffold (relative path, bytes), refusing
 * symlinks and anything but folders and regular files. */
static int scaffold_walk(struct ruru_store *store, const char *dir, const char *rel, json_t *files, int depth,
			 struct ruru_error *err)
{
	if (depth > 16)
		return ruru_error_set(err, RURU_EREFUSED, "the artifact scaffold is nested too deep");
	char **names;
	size_t n;
	if (ruru_store_names(store, dir, NULL, RURU_NAMES_DOTS, &names, &n, err) < 0)
		return ruru_error_set(err, RURU_EFAIL, "cannot read \"%s\": %s", rel, strerror(errno));
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct ruru_buf p = RURU_BUF_INIT, r = RURU_BUF_INIT;
		ruru_buf_addf(&p, "%s/%s", dir, names[i]);
		ruru_buf_addf(&r, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		struct stat st;
		struct ruru_error lerr = { 0 };
		if (ruru_store_lstat(store, p.ptr, &st, &lerr) < 0)
			rc = ruru_error_set(err, RURU_EFAIL, "cannot read \"%s\": %s", p.ptr,
					    strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = scaffold_walk(store, p.ptr, r.ptr, files, depth + 1, err);
		else if (!S_ISREG(st.st_mode) || st.st_nlink > 1)
			rc = ruru_error_set(err, RURU_EREFUSED,
					    "the artifact scaffold holds \"%s\", which is %s", r.ptr,
					    S_ISLNK(st.st_mode) ? "a symlink" :
					    S_ISREG(st.st_mode) ? "a hard link" : "not a regular file");
		else {
			struct ruru_buf data = RURU_BUF_INIT;
			if (ruru_store_read(store, p.ptr, &data, err) < 0)
				rc = -1;
			else
				json_object_set_new(files, r.ptr, json_stringn_nocheck(data.ptr, data.len));
			ruru_buf_release(&data);
		}
		ruru_buf_release(&p);
		ruru_buf_release(&r);
	}
	ruru_names_free(names, n);
	return rc;
}

int ruru_scaffold_load(struct ruru_ws *ws, bool builtin, json_t **files, struct ruru_error *err)
{
	*files = NULL;
	char *dir = ruru_ws_path(ws, SCAFFOLD);
	struct stat st;
	struct ruru_error lerr = { 0 };
	int rc = 0;
	if (ruru_store_lstat(ws->store, dir, &st, &lerr) == 0) {
		struct ruru_buf norm = RURU_BUF_INIT;
		if (ruru_store_path_inside(ws->store, NULL, SCAFFOLD, &norm, err) < 0)
			rc = -1;
		else if (!S_ISDIR(st.st_mode))
			rc = ruru_error_set(err, RURU_EREFUSED, "\"%s\" is not a folder", SCAFFOLD);
		ruru_buf_release(&norm);
		if (rc == 0) {
			*files = json_object();
			rc = scaffold_walk(ws->store, dir, "", *files, 0, err);
		}
	} else if (builtin) {
		struct ruru_buf tpl = RURU_BUF_INIT;
		rc = ruru_template_read(ws, "plain-md", "session_artifact_subdir_readme.md", &tpl,
					NULL, err);
		if (rc == 0) {
			*files = json_object();
			for (const struct ruru_artifact_type *t = ruru_artifact_types; t->type; t++) {
				struct ruru_buf r = RURU_BUF_INIT, text = RURU_BUF_INIT;
				static const char ph[] = "[This Subdirectory Type]";
				const char *p = tpl.ptr, *hit;
				while ((hit = strstr(p, ph))) {
					ruru_buf_add(&text, p, (size_t)(hit - p));
					ruru_buf_addstr(&text, t->title);
					p = hit + strlen(ph);
				}
				ruru_buf_addstr(&text, p);
				ruru_buf_addf(&r, "%s/README.md", t->folder);
				json_object_set_new(*files, r.ptr,
						    json_stringn_nocheck(text.ptr, text.len));
				ruru_buf_release(&r);
				ruru_buf_release(&text);
			}
		}
		ruru_buf_release(&tpl);
	}
	free(dir);
	if (rc < 0) {
		json_decref(*files);
		*files = NULL;
	}
	return rc;
}

int ruru_scaffold_stage(struct ruru_logtx *tx, json_t *files, const char *artifacts_dir,
			struct ruru_error *err)
{
	const char *rel;
	json_t *v;
	json_object_foreach(files, rel, v) {
		struct ruru_buf p = RURU_BUF_INIT;
		ruru_buf_addf(&p, "%s/%s", artifacts_dir, rel);
		char *slash = strrchr(p.ptr, '/');
		*slash = '\0';
		int rc = ruru_logtx_mkdirs(tx, p.ptr, err);
		*slash = '/';
		if (rc == 0)
			rc = ruru_logtx_stage_file(tx, p.ptr, json_string_value(v), json_string_length(v),
						   true, err);
		ruru_buf_release(&p);
		if (rc < 0)
			return -1;
	}
	return 0;
}
