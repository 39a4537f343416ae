/*
 * meta.c — the first level: a session's row (its front matter, read from
 * the log up to the closing "+++" whatever the log's size, and the stat of
 * the log it was read from), which `list`, `prime`, the web view and MCP
 * `session_list` answer from without waiting for the text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "index_int.h"
#include "logtx.h"
#include "session.h"
#include "store.h"
#include "workspace.h"
#include "banned.h"

static char *joined(char **v, size_t n, bool tag_lines)
{
	if (!n && !tag_lines)
		return NULL;
	struct ruru_buf b = RURU_BUF_INIT;
	if (tag_lines)
		ruru_buf_addch(&b, '\n');
	for (size_t i = 0; i < n; i++) {
		size_t at = b.len;
		if (i && !tag_lines)
			ruru_buf_addch(&b, '\037');
		ruru_buf_addstr(&b, v[i]);
		for (size_t k = at; tag_lines && k < b.len; k++)
			if (b.ptr[k] >= 'A' && b.ptr[k] <= 'Z')
				b.ptr[k] = (char)(b.ptr[k] - 'A' + 'a');
		if (tag_lines)
			ruru_buf_addch(&b, '\n');
	}
	return ruru_buf_detach(&b, NULL);
}

/* The first level: the session's row, its front matter as read from a
 * log whose stat was `f`'s. */
static void put_session(struct updater *u, const struct fent *f, const struct ruru_session *s)
{
	sqlite3_stmt *q = u->q[Q_INS_SESSION];
	struct ruru_buf problem = RURU_BUF_INIT;
	if (s->problem)
		ruru_error_format(s->problem, &problem);
	/* The columns `list` filters and sorts by, and the front matter as
	 * the key table packs it (ruru_session_pack). */
	char *tags_lc = joined(s->tags, s->ntags, true);
	struct ruru_buf keys = RURU_BUF_INIT;
	ruru_session_pack(s, &keys);
	sqlite3_bind_text(q, 1, f->path, (int)f->sdir_len, SQLITE_TRANSIENT);
	idx_bind_text(q, 2, s->id);
	idx_bind_text(q, 3, s->path);
	sqlite3_bind_int(q, 4, s->valid);
	idx_bind_text(q, 5, s->problem ? problem.ptr : NULL);
	sqlite3_bind_int(q, 6, (int)s->status);
	sqlite3_bind_int64(q, 7, (int64_t)s->start);
	sqlite3_bind_int64(q, 8, (int64_t)s->end);
	idx_bind_text(q, 9, tags_lc);
	sqlite3_bind_blob(q, 10, keys.ptr, (int)keys.len, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 11, s->layout);
	sqlite3_bind_int64(q, 12, f->dev);
	sqlite3_bind_int64(q, 13, f->ino);
	sqlite3_bind_int64(q, 14, f->size);
	sqlite3_bind_int64(q, 15, f->mtime);
	idx_run(u, q);
	free(tags_lc);
	ruru_buf_release(&keys);
	ruru_buf_release(&problem);
	u->st->sessions++;
}

static void meta_log(struct updater *u, const struct fent *f)
{
	struct ruru_session s = { 0 };
	s.id = ruru_strndup(f->sid, f->sid_len);
	s.path = ruru_strdup(f->path);
	s.layout = idx_layout_of(f->path);
	struct ruru_error e = { 0 };
	ruru_buf_reset(&u->text);
	if (ruru_read_front_matter(NULL, u->rootfd, f->path, &u->text, &e) == 0) {
		u->st->bytes += u->text.len;
		ruru_session_from_text(&s, u->text.ptr, u->text.len, false);
		put_session(u, f, &s);
	} else { /* gone (or no longer a file) since the walk */
		sqlite3_bind_text(u->q[Q_DEL_SESSION], 1, f->path, (int)f->sdir_len,
				  SQLITE_TRANSIENT);
		idx_run(u, u->q[Q_DEL_SESSION]);
	}
	ruru_session_release(&s);
}

/* The layouts' folders as the scan saw them, with their session folders
 * without a log (scan.c: struct layout_seen). */
static void put_layouts(struct updater *u, const struct scan *s)
{
	idx_run(u, u->q[Q_DEL_LAYOUTS]);
	struct ruru_buf names = RURU_BUF_INIT;
	for (int l = 0; l < RURU_LAYOUT_COUNT && u->rc == SQLITE_OK; l++) {
		if (!s->lay[l].present)
			continue;
		ruru_buf_reset(&names);
		for (size_t i = 0; i < s->nnl; i++)
			if (s->nl[i].layout == l) {
				ruru_buf_addstr(&names, s->nl[i].name);
				ruru_buf_addch(&names, '\0');
			}
		sqlite3_stmt *q = u->q[Q_INS_LAYOUT];
		sqlite3_bind_int(q, 1, l);
		sqlite3_bind_int64(q, 2, s->lay[l].dev);
		sqlite3_bind_int64(q, 3, s->lay[l].ino);
		sqlite3_bind_int64(q, 4, s->lay[l].mtime);
		sqlite3_bind_blob(q, 5, names.ptr, (int)names.len, SQLITE_TRANSIENT);
		idx_run(u, q);
	}
	ruru_buf_release(&names);
}

/* Bring the first level (the sessions' rows) up to date with the logs of
 * the scan, against `m` (the rows' paths and stats, sorted).  SQLite
 * result code. */
int idx_apply_meta(sqlite3 *db, int rootfd, const struct ruru_ws *ws, const struct scan *s,
		      const struct frows *m, struct ruru_index_stats *st)
{
	struct updater u;
	int rc = idx_updater_open(&u, db, rootfd, ws, st);
	if (rc != SQLITE_OK)
		return rc;
	static const char tail[] = "/session_log.md";
	u.pr.total = idx_logs_to_read(s, m);
	size_t i = 0, j = 0;
	while ((i < s->n || j < m->n) && u.rc == SQLITE_OK) {
		if (i < s->n && s->v[i].kind != F_LOG) {
			i++;
			continue;
		}
		int c = i == s->n ? 1 : j == m->n ? -1 : strcmp(s->v[i].path, m->v[j].path);
		if (c <= 0 && (c < 0 || !idx_same_stat(&s->v[i], &m->v[j]))) {
			meta_log(&u, &s->v[i]);
			u.pr.done++;
			idx_tick(&u, false);
		}
		if (c <= 0) {
			i++;
			j += c == 0;
		} else { /* the log is gone */
			const char *path = m->v[j++].path;
			size_t len = strlen(path);
			if (len > sizeof(tail) - 1)
				len -= sizeof(tail) - 1;
			sqlite3_bind_text(u.q[Q_DEL_SESSION], 1, path, (int)len, SQLITE_TRANSIENT);
			idx_run(&u, u.q[Q_DEL_SESSION]);
		}
	}
	put_layouts(&u, s);
	return idx_updater_close(&u);
}

