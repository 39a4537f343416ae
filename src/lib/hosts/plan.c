/*
 * plan.c — the plan of `ruru init --host`: every file a host's edits
 * touch is read once (through the store, never through a symlink that
 * leads out of the project), edited in memory by the files of each
 * format, and only when every edit succeeded written, each atomically;
 * when one write fails, the files already written are put back.  A dry
 * run shows the same changes as unified diffs (the library's one diff,
 * difftext.h) and writes nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "difftext.h"
#include "hosts.h"
#include "store.h"
#include "text.h"
#include "banned.h"

void hosts_plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->f[i].rel);
		free(p->f[i].made);
		ruru_buf_release(&p->f[i].old);
		ruru_buf_release(&p->f[i].cur);
	}
	free(p->f);
	ruru_store_close(p->store);
	json_decref(p->notes);
}

/* "a/./b/../c" -> "a/c" in place; false when it climbs out. */
static bool resolve_dots(struct ruru_buf *b)
{
	struct ruru_buf out = RURU_BUF_INIT;
	const char *s = b->ptr;
	bool ok = true;
	while (*s && ok) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (RURU_IS_LIT(s, n, "..")) {
			char *last = out.len ? memrchr(out.ptr, '/', out.len) : NULL;
			ok = out.len > 0;
			out.len = last ? (size_t)(last - out.ptr) : 0;
			out.ptr[out.len] = '\0';
		} else if (n && !(n == 1 && *s == '.')) {
			if (out.len)
				ruru_buf_addch(&out, '/');
			ruru_buf_add(&out, s, n);
		}
		s += n + (e ? 1 : 0);
	}
	ok = ok && out.len;
	ruru_buf_release(b);
	*b = out;
	return ok;
}

static struct pfile *plan_file_at(struct plan *p, const char *rel, int depth,
				  struct ruru_error *err);

struct pfile *hosts_plan_file(struct plan *p, const char *rel, struct ruru_error *err)
{
	return plan_file_at(p, rel, 0, err);
}

static struct pfile *plan_file_at(struct plan *p, const char *rel, int depth,
				  struct ruru_error *err)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->f[i].rel, rel))
			return &p->f[i];
	struct ruru_buf safe = RURU_BUF_INIT, path = RURU_BUF_INIT;
	/* An instructions file that is a symlink to another file of the
	 * project (CLAUDE.md -> AGENTS.md is common) is edited where it
	 * points, and stays a symlink.  The link is read, never followed:
	 * its target is resolved by name inside the project and then walked
	 * like any other path. */
	struct stat lst;
	struct ruru_error lerr = { 0 };
	ruru_buf_addf(&path, "%s/%s", p->dir, rel);
	if (depth < 4 && ruru_store_lstat(p->store, rel, &lst, &lerr) == 0 && S_ISLNK(lst.st_mode)) {
		char target[4096];
		ssize_t n = readlink(path.ptr, target, sizeof(target) - 1);
		struct pfile *t = NULL;
		struct ruru_buf res = RURU_BUF_INIT;
		if (n > 0 && target[0] != '/') {
			target[n] = '\0';
			const char *slash = strrchr(rel, '/');
			if (slash)
				ruru_buf_add(&res, rel, (size_t)(slash - rel) + 1);
			ruru_buf_addstr(&res, target);
		}
		if (res.len && resolve_dots(&res))
			t = plan_file_at(p, res.ptr, depth + 1, err);
		else
			ruru_error_set(err, RURU_EREFUSED, "unsafe path \"%s\": a symlink that leads out of the project",
				       rel);
		ruru_buf_release(&res);
		ruru_buf_release(&path);
		return t;
	}
	ruru_buf_reset(&path);
	if (ruru_store_path_inside(p->store, NULL, rel, &safe, err) < 0) {
		ruru_buf_release(&safe);
		ruru_buf_release(&path);
		return NULL;
	}
	ruru_buf_release(&safe);
	ruru_buf_addstr(&path, rel);
	/* A symlink inside the project (CLAUDE.md -> AGENTS.md is common) is
	 * edited where it points, and stays a symlink. */
	struct pfile f = { .rel = ruru_strdup(rel) };
	ruru_buf_init(&f.old);
	ruru_buf_init(&f.cur);
	struct stat st;
	struct ruru_error serr = { 0 };
	if (ruru_store_lstat(p->store, path.ptr, &st, &serr) == 0) {
		if (!S_ISREG(st.st_mode)) {
			ruru_error_set(err, RURU_EREFUSED, "unsafe path \"%s\": not a regular file", rel);
			goto fail;
		}
		if (ruru_store_read(p->store, path.ptr, &f.old, err) < 0)
			goto fail;
		f.existed = true;
	} else if (serr.code != RURU_ENOTFOUND) {
		*err = serr;
		goto fail;
	}
	ruru_buf_add(&f.cur, f.old.ptr ? f.old.ptr : "", f.old.len);
	ruru_buf_release(&path);
	p->f = ruru_xrealloc(p->f, (p->n + 1) * sizeof(*p->f));
	p->f[p->n] = f;
	return &p->f[p->n++];
fail:
	free(f.rel);
	ruru_buf_release(&f.old);
	ruru_buf_release(&f.cur);
	ruru_buf_release(&path);
	return NULL;
}

void hosts_set_text(struct pfile *f, const char *s, size_t len)
{
	struct ruru_buf t;
	ruru_buf_init(&t);
	ruru_buf_add(&t, s, len);
	ruru_buf_release(&f->cur);
	f->cur = t;
}

int hosts_invalid_at(struct ruru_error *err, const char *rel, const char *text, size_t off,
		      const char *what)
{
	ruru_error_set(err, RURU_EINVALID, "%s", what);
	ruru_text_position(text, off, &err->line, &err->col);
	ruru_error_set_file(err, rel);
	return -1;
}

void hosts_to_crlf(struct ruru_buf *b)
{
	struct ruru_buf t = RURU_BUF_INIT;
	for (size_t i = 0; i < b->len; i++) {
		if (b->ptr[i] == '\n' && (i == 0 || b->ptr[i - 1] != '\r'))
			ruru_buf_addch(&t, '\r');
		ruru_buf_addch(&t, b->ptr[i]);
	}
	ruru_buf_release(b);
	*b = t;
}

/* ----------------------------------------------------------------- diff */

/* A unified diff of one file's change, for --dry-run: the library's one
 * diff (GNU diff, difftext.h), labelled like git's ("a/REL", "b/REL",
 * /dev/null for a file made or removed). */
static int file_diff(const struct plan *p, const struct pfile *f, bool gone, struct ruru_buf *out,
		     struct ruru_error *err)
{
	struct ruru_buf la = RURU_BUF_INIT, lb = RURU_BUF_INIT;
	ruru_buf_addstr(&la, f->existed ? "a/" : "/dev/null");
	ruru_buf_addstr(&lb, gone ? "/dev/null" : "b/");
	if (f->existed)
		ruru_buf_addstr(&la, f->rel);
	if (!gone)
		ruru_buf_addstr(&lb, f->rel);
	const char *args[] = { "-u", "--label", la.ptr, "--label", lb.ptr, NULL };
	int rc = ruru_diff_texts(p->opts, args, f->old.ptr, f->old.len, gone ? NULL : f->cur.ptr,
				 gone ? 0 : f->cur.len, out, err);
	ruru_buf_release(&la);
	ruru_buf_release(&lb);
	return rc < 0 ? -1 : 0;
}

/* The folders a file lives in, deepest first, that are now empty. */
static int remove_empty_parents(struct ruru_store *store, const char *rel, struct ruru_error *err)
{
	char *r = ruru_strdup(rel);
	int rc = 0;
	for (char *slash = strrchr(r, '/'); slash; slash = strrchr(r, '/')) {
		*slash = '\0';
		struct ruru_error e = { 0 };
		int x = ruru_store_remove_dir(store, r, &e);
		if (x < 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT) {
			*err = e;
			rc = -1;
		} else if (x == 0) {
			/* The removal is durable once the parent is flushed. */
			char *up = strrchr(r, '/');
			rc = ruru_store_fsync_dir(store, up ? (*up = '\0', r) : "", err);
			if (up)
				*up = '/';
		}
		if (x < 0 || rc < 0)
			break;
	}
	free(r);
	return rc < 0 ? -1 : 0;
}

/* The folder of `rel` in the plan's folder ("" when it is at the top). */
static char *parent_of(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return ruru_strndup(rel, slash ? (size_t)(slash - rel) : 0);
}

/* A later file failed: put the files already written back as they were
 * (best effort; the error that stopped the command is what is reported),
 * so that the command makes its whole change or, as far as the disk
 * allows, none. */
static void rollback(struct plan *p)
{
	for (size_t i = p->n; i-- > 0;) {
		struct pfile *f = &p->f[i];
		if (!f->written && !f->made)
			continue;
		struct ruru_error e = { 0 };
		char *parent = parent_of(f->rel);
		if (f->existed && f->written) {
			if (*parent)
				ruru_store_mkdirs(p->store, parent, &e);
			ruru_store_write(p->store, f->rel, f->old.ptr, f->old.len, 0666, &e);
		} else {
			if (f->written)
				ruru_store_remove(p->store, f->rel, &e);
			if (f->made)
				ruru_store_rmdirs_made(p->store, parent, f->made);
		}
		free(parent);
	}
}

/* Write (or, dry, diff) every changed file of the plan; `files` (may be
 * NULL) gets each one's path and action. */
int hosts_plan_commit(struct plan *p, bool dry, struct ruru_buf *diff,
		      struct ruru_hosts_report *files, struct ruru_error *err)
{
	int rc = 0;
	for (size_t i = 0; i < p->n && rc == 0; i++) {
		struct pfile *f = &p->f[i];
		if (!f->existed && f->cur.len == 0)
			f->gone = true; /* nothing to make */
		bool gone = f->gone && f->existed;
		bool changed = gone || (!f->gone && (!f->existed || f->cur.len != f->old.len ||
						     memcmp(f->cur.ptr, f->old.ptr, f->cur.len)));
		const char *action = !changed ? "unchanged"
				     : gone   ? "removed"
				     : f->existed ? "updated"
						  : "created";
		if (files) {
			files->files = ruru_xrealloc(files->files,
						     (files->nfiles + 1) * sizeof(*files->files));
			files->files[files->nfiles].path = ruru_strdup(f->rel);
			files->files[files->nfiles++].action = action;
		}
		if (!changed)
			continue;
		if (dry) {
			if (diff)
				rc = file_diff(p, f, gone, diff, err);
			continue;
		}
		char *parent = parent_of(f->rel);
		if (gone) {
			rc = ruru_store_remove(p->store, f->rel, err);
			f->written = rc == 0;
			if (rc == 0)
				rc = ruru_store_fsync_dir(p->store, parent, err);
			if (rc == 0)
				rc = remove_empty_parents(p->store, f->rel, err);
		} else {
			rc = *parent ? ruru_store_mkdirs_made(p->store, parent, &f->made, err) : 0;
			/* A write that failed at its last step (the folder flush) has
			 * replaced the file all the same: roll it back too. */
			if (rc == 0) {
				rc = ruru_store_write(p->store, f->rel, f->cur.ptr, f->cur.len, 0666, err);
				f->written = true;
			}
		}
		free(parent);
	}
	if (rc < 0)
		rollback(p);
	return rc;
}
