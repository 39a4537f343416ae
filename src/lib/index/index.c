/*
 * index.c — the search index: an SQLite
 * database (WAL) in the user's cache folder (see "where it lives") holding one row per indexed file with the (device, inode,
 * size, mtime) it was read at, one row per session (its front matter, for
 * `list`), and one FTS5 document per entry, session and text artifact.
 *
 * Bringing it up to date: walk the session folders of every layout (§1)
 * from the root with O_NOFOLLOW (symlinks, FIFOs and anything but regular
 * files and folders are never opened), stat every log and artifact, and
 * compare with the `files` rows.  That walk is one fstatat per folder,
 * log and artifact (a folder whose stat is unchanged is not read again:
 * its rows list its names), the session folders shared by two threads;
 * `list` stats the logs only and compares each with its row as it goes.
 * Each document's rowid carries its length in tokens for ranking
 * (rank.c).  When nothing changed the reader goes on without taking any
 * lock.  Otherwise it takes the cache folder's index.lock (one
 * writer at a time), and in one transaction drops what vanished, indexes
 * what is new and re-indexes what changed; readers of the database see
 * either the old or the new index, never a half-done one, and a writer
 * killed half way leaves the old one (SQLite rolls the WAL back).
 *
 * A log that only grew is indexed from its last entry on: the row keeps
 * where that entry starts and a SHA-256 of every byte before it, so a log
 * that shrank, was rewritten (new inode), or changed anywhere before its
 * last entry is re-indexed whole, and so is one whose new bytes hold
 * anything but entries (a heading, a fence).  Re-reading from the last
 * entry takes in text that continued it.
 *
 * A missing, corrupt (not a database) or old-version index is deleted and
 * rebuilt under the lock, and so is one whose schema is not exactly
 * ruru's.  A symlinked index, -wal, -shm or lock file is refused
 * (RURU_EREFUSED).  With no cache folder, or one that cannot be written,
 * the workspace is indexed into memory for the one process.
 */
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "index.h"
#include "session.h"
#include "logtx.h"
#include "store.h"
#include "workspace.h"
#include "text.h"
#include "banned.h"

/* Bump when the schema or what is indexed changes: old indexes are rebuilt. */
#define INDEX_VERSION 13
#define ARTIFACT_MAX (1024 * 1024)
/* Logs up to STREAM_MIN bytes are read whole; bigger ones stream through
 * windows of STREAM_WINDOW bytes cut at an entry (a window with no entry
 * to cut at grows up to STREAM_WINDOW_MAX), so that indexing needs the
 * same memory whatever one log's size. */
#define STREAM_MIN (4u << 20)
#define STREAM_WINDOW (1u << 20)
#define STREAM_WINDOW_MAX (8u << 20)
/* The hash of a log's first bytes is chained over blocks of this size. */
#define HASH_BLOCK (1u << 20)
#define WALK_DEPTH 8

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, kind INTEGER,"
	" sdir TEXT, dev INTEGER, ino INTEGER, size INTEGER, mtime INTEGER,"
	" tail_from INTEGER, tail_line INTEGER, prefix BLOB);"
	/* Kept in `list` order (newest first is a backward scan), so that
	 * listing 100,000 sessions reads the table once in order rather
	 * than looking every row up from an index. */
	/* The first level: a session's front matter, and the (device,
	 * inode, size, mtime) of the log it was read from. */
	"CREATE TABLE sessions(start INTEGER NOT NULL, id TEXT NOT NULL, sdir TEXT NOT NULL UNIQUE,"
	" path TEXT NOT NULL, valid INTEGER, problem TEXT, status INTEGER, end INTEGER,"
	" tags_lc TEXT, keys BLOB, layout INTEGER, dev INTEGER, ino INTEGER, size INTEGER,"
	" mtime INTEGER, PRIMARY KEY(start, id, sdir)) WITHOUT ROWID;"
	"CREATE INDEX sessions_id ON sessions(id);"
	"CREATE TABLE docs(id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, kind INTEGER,"
	" sdir TEXT, session TEXT, line INTEGER, time INTEGER, zone TEXT, type TEXT,"
	" mode TEXT, task TEXT, start_off INTEGER);"
	"CREATE INDEX docs_file ON docs(file_id, start_off);"
	"CREATE VIRTUAL TABLE fts USING fts5(text, type, mode, task,"
	" tokenize='unicode61 remove_diacritics 2');"
	/* Scripts written without spaces (Chinese, Japanese, Thai...) are one
	 * unicode61 token per run: the documents holding such text are also
	 * indexed by trigram, where any run of three characters is found
	 * inside a longer one (search.c asks it for queries in those scripts). */
	"CREATE VIRTUAL TABLE fts_tri USING fts5(text, tokenize='trigram');";

int ruru_index_error(sqlite3 *db, struct ruru_error *err, const char *what)
{
	return ruru_error_set(err, RURU_EFAIL, "search index: %s: %s", what,
			      db ? sqlite3_errmsg(db) : "out of memory");
}

bool ruru_index_nospace(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < 0xe0 || p[i] >= 0xf8 || i + 2 >= len)
			continue;
		uint32_t c;
		if (p[i] < 0xf0) {
			c = (uint32_t)(p[i] & 0x0f) << 12 | (uint32_t)(p[i + 1] & 0x3f) << 6 |
			    (p[i + 2] & 0x3f);
		} else {
			if (i + 3 >= len)
				continue;
			c = (uint32_t)(p[i] & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3f) << 12 |
			    (uint32_t)(p[i + 2] & 0x3f) << 6 | (p[i + 3] & 0x3f);
		}
		if ((c >= 0x0e00 && c <= 0x0eff) ||   /* Thai, Lao */
		    (c >= 0x1000 && c <= 0x109f) ||   /* Myanmar */
		    (c >= 0x1780 && c <= 0x17ff) ||   /* Khmer */
		    (c >= 0x2e80 && c <= 0x9fff) ||   /* CJK radicals, kana, ideographs */
		    (c >= 0xf900 && c <= 0xfaff) ||   /* CJK compatibility ideographs */
		    (c >= 0xff65 && c <= 0xff9f) ||   /* halfwidth katakana */
		    (c >= 0x20000 && c <= 0x3ffff))   /* CJK extensions */
			return true;
	}
	return false;
}

/* ------------------------------------------------------------ the walk */

enum { F_LOG = 1, F_ARTIFACT = 2, F_DIR = 3 };

/* A folder modified this recently may change again within the same
 * timestamp tick after it was read: its row gets no usable mtime, so
 * it is read again next time (git's "racily clean" entries). */
#define RACY_NS 2000000000LL

/* Strings of a scan or of the rows, allocated from blocks that never
 * move (no malloc per path: 35,000 of them on every search). */
struct arena {
	char **blk;
	size_t nblk;
	size_t used, cap; /* of the last block */
};

#define ARENA_BLOCK 65536

static const char *arena_add(struct arena *a, const char *s, size_t len)
{
	if (!a->nblk || a->cap - a->used < len + 1) {
		size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
		a->blk = ruru_xrealloc(a->blk, (a->nblk + 1) * sizeof(*a->blk));
		a->blk[a->nblk++] = ruru_xmalloc(cap);
		a->used = 0;
		a->cap = cap;
	}
	char *p = a->blk[a->nblk - 1] + a->used;
	memcpy(p, s, len);
	p[len] = '\0';
	a->used += len + 1;
	return p;
}

/* Move the blocks of `from` into `to` (the strings stay where they are). */
static void arena_take(struct arena *to, struct arena *from)
{
	if (!from->nblk)
		return;
	size_t keep = to->nblk;
	to->blk = ruru_xrealloc(to->blk, (to->nblk + from->nblk) * sizeof(*to->blk));
	/* the last block of `to` stays last, so that it is filled further */
	memcpy(to->blk + to->nblk, from->blk, from->nblk * sizeof(*from->blk));
	to->nblk += from->nblk;
	if (keep) {
		char *last = to->blk[keep - 1];
		to->blk[keep - 1] = to->blk[to->nblk - 1];
		to->blk[to->nblk - 1] = last;
	} else {
		to->used = from->used;
		to->cap = from->cap;
	}
	free(from->blk);
	memset(from, 0, sizeof(*from));
}

static void arena_release(struct arena *a)
{
	for (size_t i = 0; i < a->nblk; i++)
		free(a->blk[i]);
	free(a->blk);
	memset(a, 0, sizeof(*a));
}

struct frow {
	int64_t id;
	const char *path; /* in the rows' arena */
	int kind;
	int64_t dev, ino, size, mtime, tail_from, tail_line;
	unsigned char prefix[32];
	bool has_prefix;
};

struct frows {
	struct frow *v;
	size_t n, cap;
	struct arena arena;
};

static void frows_release(struct frows *r)
{
	arena_release(&r->arena);
	free(r->v);
	memset(r, 0, sizeof(*r));
}



struct fent {
	const char *path; /* relative to the root, in the scan's arena */
	size_t sdir_len; /* path[0, sdir_len) is the session folder */
	const char *sid; /* its last component (inside path) */
	size_t sid_len;
	int kind;
	int64_t dev, ino, size, mtime;
};

struct scan {
	struct fent *v;
	size_t n, cap;
	struct arena arena;
};

static void scan_add(struct scan *s, const char *path, const char *sdir, int kind,
		     const struct stat *st)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = ruru_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	struct fent *f = &s->v[s->n++];
	f->path = arena_add(&s->arena, path, strlen(path));
	f->sdir_len = strlen(sdir); /* a prefix of path */
	const char *slash = memrchr(f->path, '/', f->sdir_len);
	f->sid = slash ? slash + 1 : f->path;
	f->sid_len = (size_t)(f->path + f->sdir_len - f->sid);
	f->kind = kind;
	f->dev = (int64_t)st->st_dev;
	f->ino = (int64_t)st->st_ino;
	f->size = (int64_t)st->st_size;
	f->mtime = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static void scan_release(struct scan *s)
{
	arena_release(&s->arena);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp_fent(const void *a, const void *b)
{
	return strcmp(((const struct fent *)a)->path, ((const struct fent *)b)->path);
}

static int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* A hash of a path, eight bytes at a time, mixed at the end (paths
 * differ in a few bytes in their middle). */
static uint64_t hash_path(const char *p, size_t len)
{
	uint64_t h = len * 0x9e3779b97f4a7c15ULL, w;
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

/* The logs' rows of the index, for `list`'s check: a log's path is always
 * LAYOUT/SESSION/session_log.md, so a row is found by its layout and
 * session folder name, which is what the walking threads have in hand
 * when they stat a log (no path built, no copy of the scan, no sort; the
 * rows read in table order, not through an index). */
struct logrow {
	const char *sid; /* in the arena */
	uint32_t len;
	int layout;
	uint64_t hash;
	int64_t dev, ino, size, mtime;
};

struct logrows {
	struct logrow *v;
	size_t n, cap;
	uint32_t *slot; /* index + 1 into v; open addressing */
	size_t mask;
	struct arena arena;
	bool odd; /* a row not of that shape (never the case): not fresh */
};

static void logrows_release(struct logrows *lr)
{
	arena_release(&lr->arena);
	free(lr->v);
	free(lr->slot);
	memset(lr, 0, sizeof(*lr));
}

static uint64_t hash_sid(int layout, const char *sid, size_t len)
{
	return hash_path(sid, len) ^ ((uint64_t)layout * 0x9e3779b97f4a7c15ULL);
}

/* Returns the SQLite result code. */
static int load_logrows(sqlite3 *db, struct logrows *lr)
{
	static const char tail[] = "/session_log.md";
	const size_t tlen = sizeof(tail) - 1;
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(db, "SELECT path, dev, ino, size, mtime FROM sessions", -1, &q,
				    NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(q, 0);
		size_t len = (size_t)sqlite3_column_bytes(q, 0);
		int layout = -1;
		size_t skip = 0;
		for (int l = 0; path && l < RURU_LAYOUT_COUNT; l++) {
			const char *dir = ruru_layout_dir((enum ruru_layout)l);
			size_t n = strlen(dir);
			if (len > n + 1 + tlen && !memcmp(path, dir, n) && path[n] == '/') {
				layout = l;
				skip = n + 1;
			}
		}
		const char *sid = path + skip;
		size_t sid_len = len - skip - (layout < 0 ? 0 : tlen);
		if (layout < 0 || memcmp(path + len - tlen, tail, tlen) ||
		    memchr(sid, '/', sid_len) || sid_len > UINT32_MAX) {
			lr->odd = true;
			continue;
		}
		if (lr->n == lr->cap) {
			lr->cap = lr->cap ? lr->cap + lr->cap / 2 : 1024;
			lr->v = ruru_xrealloc(lr->v, lr->cap * sizeof(*lr->v));
		}
		struct logrow *r = &lr->v[lr->n++];
		r->sid = arena_add(&lr->arena, sid, sid_len);
		r->len = (uint32_t)sid_len;
		r->layout = layout;
		r->hash = hash_sid(layout, sid, sid_len);
		r->dev = sqlite3_column_int64(q, 1);
		r->ino = sqlite3_column_int64(q, 2);
		r->size = sqlite3_column_int64(q, 3);
		r->mtime = sqlite3_column_int64(q, 4);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return rc;
	size_t size = 1024;
	while (size < 2 * lr->n)
		size <<= 1;
	lr->slot = ruru_xmalloc(size * sizeof(*lr->slot));
	memset(lr->slot, 0, size * sizeof(*lr->slot));
	lr->mask = size - 1;
	for (size_t i = 0; i < lr->n; i++) {
		size_t h = (size_t)lr->v[i].hash & lr->mask;
		while (lr->slot[h])
			h = (h + 1) & lr->mask;
		lr->slot[h] = (uint32_t)(i + 1);
	}
	return SQLITE_OK;
}

static const struct logrow *logrow_find(const struct logrows *lr, int layout, const char *sid,
					size_t len)
{
	uint64_t hash = hash_sid(layout, sid, len);
	for (size_t h = (size_t)hash & lr->mask; lr->slot[h]; h = (h + 1) & lr->mask) {
		const struct logrow *r = &lr->v[lr->slot[h] - 1];
		if (r->hash == hash && r->layout == layout && r->len == len &&
		    !memcmp(r->sid, sid, len))
			return r;
	}
	return NULL;
}

/* What a walk needs: the rows of the last update (a cache: a folder whose
 * stat is unchanged has the same names in it, so its rows list them and
 * no readdir is needed), the time now, and where the results go. */
struct walk {
	struct scan *s;
	const struct frows *rows; /* sorted by path; may be empty */
	int64_t now;
	bool logs_only;           /* the logs only (`list`) */
	const struct logrows *lr; /* logs_only: compare with these rows (and keep no scan) */
	size_t matched, changed;  /* logs found in lr unchanged; found changed or not */
	int layout;               /* of the session being walked */
	const struct frow *hint;  /* the row of the next folder add_dir() records, if known */
};

/* The row of `path`, or NULL. */
static const struct frow *find_row(const struct frows *r, const char *path)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->v[mid].path, path);
		if (c == 0)
			return &r->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The first row whose path is >= `prefix`. */
static size_t lower_bound(const struct frows *r, const char *prefix)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(r->v[mid].path, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Record a folder; true when its row says its names are known. */
static bool add_dir(struct walk *w, const char *path, const char *sdir, const struct stat *st)
{
	struct stat rec = *st;
	if (w->now - mtime_ns(st) < RACY_NS) {
		rec.st_mtim.tv_sec = -1;
		rec.st_mtim.tv_nsec = 0;
	}
	scan_add(w->s, path, sdir, F_DIR, &rec);
	const struct frow *r = w->hint && !strcmp(w->hint->path, path) ? w->hint
									 : find_row(w->rows, path);
	w->hint = NULL;
	return r && r->kind == F_DIR && r->dev == (int64_t)st->st_dev &&
	       r->ino == (int64_t)st->st_ino && r->mtime == mtime_ns(st) && r->mtime >= 0;
}

/* Paths below a layout folder: `rel` is relative to the root, and
 * rel->ptr + lskip the same path relative to the layout folder `lfd`, so
 * that unchanged folders cost one fstatat each and are never opened. */
static void walk_dir(struct walk *w, int lfd, size_t lskip, struct ruru_buf *rel,
		     const char *sdir, int depth, const struct stat *st);

/* One name inside a session folder or a subfolder (`rel` the folder). */
static void walk_entry(struct walk *w, int lfd, size_t lskip, struct ruru_buf *rel,
		       const char *name, const char *sdir, int depth)
{
	if (name[0] == '.' || (depth == 0 && !strcmp(name, "session_log.md")))
		return;
	size_t keep = rel->len;
	ruru_buf_addch(rel, '/');
	ruru_buf_addstr(rel, name);
	struct stat st;
	/* Not following a symlink at the end; the folders above were just
	 * seen to be folders, and files are only ever opened through
	 * ruru_openat_beneath(). */
	if (fstatat(lfd, rel->ptr + lskip, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISREG(st.st_mode))
			scan_add(w->s, rel->ptr, sdir, F_ARTIFACT, &st);
		else if (S_ISDIR(st.st_mode) && depth < WALK_DEPTH)
			walk_dir(w, lfd, lskip, rel, sdir, depth + 1, &st);
	}
	rel->len = keep;
	rel->ptr[keep] = '\0';
}

/* Every regular file below the folder `rel` (hidden names and, at the
 * top, the log itself left out), from the rows when the folder is
 * unchanged, else from readdir. */
static void walk_dir(struct walk *w, int lfd, size_t lskip, struct ruru_buf *rel,
		     const char *sdir, int depth, const struct stat *st)
{
	char *self = ruru_strdup(rel->ptr);
	if (add_dir(w, self, sdir, st)) {
		/* Names from the rows just below this folder. */
		size_t plen = rel->len;
		ruru_buf_addch(rel, '/');
		char *prefix = ruru_strdup(rel->ptr);
		rel->len = plen;
		rel->ptr[plen] = '\0';
		for (size_t i = lower_bound(w->rows, prefix);
		     i < w->rows->n && !strncmp(w->rows->v[i].path, prefix, plen + 1); i++) {
			const char *name = w->rows->v[i].path + plen + 1;
			if (!strchr(name, '/')) {
				w->hint = &w->rows->v[i];
				walk_entry(w, lfd, lskip, rel, name, sdir, depth);
			}
		}
		free(prefix);
		free(self);
		return;
	}
	int fd = ruru_openat_beneath(lfd, self + lskip, O_RDONLY | O_DIRECTORY);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		free(self);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)))
		walk_entry(w, lfd, lskip, rel, de->d_name, sdir, depth);
	closedir(d);
	free(self);
}

/* One session folder `name` of the layout folder `lfd`. */
static void walk_session(struct walk *w, int lfd, const char *layout, const char *name,
			 bool is_dir, struct ruru_buf *rel)
{
	struct stat st, dst;
	if (!is_dir && (fstatat(lfd, name, &dst, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(dst.st_mode)))
		return;
	ruru_buf_reset(rel);
	ruru_buf_addstr(rel, name);
	ruru_buf_addstr(rel, "/session_log.md");
	bool has_log = fstatat(lfd, rel->ptr, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
	if (w->lr) { /* `list`'s check: compare, keep nothing */
		if (!has_log)
			return;
		size_t len = strlen(name);
		const struct logrow *r = logrow_find(w->lr, w->layout, name, len);
		if (r && r->dev == (int64_t)st.st_dev && r->ino == (int64_t)st.st_ino &&
		    r->size == (int64_t)st.st_size && r->mtime == mtime_ns(&st))
			w->matched++;
		else
			w->changed++;
		return;
	}
	ruru_buf_reset(rel);
	ruru_buf_addf(rel, "%s/%s", layout, name);
	char *sdir = ruru_strdup(rel->ptr);
	if (has_log) {
		ruru_buf_addstr(rel, "/session_log.md");
		scan_add(w->s, rel->ptr, sdir, F_LOG, &st);
		ruru_buf_reset(rel);
		ruru_buf_addstr(rel, sdir);
	}
	/* The folder itself (also without a log, so that a log made in it
	 * later is seen) and what it holds. */
	if (!w->logs_only && (!is_dir || fstatat(lfd, name, &dst, AT_SYMLINK_NOFOLLOW) == 0) &&
	    S_ISDIR(dst.st_mode)) {
		if (has_log)
			walk_dir(w, lfd, strlen(layout) + 1, rel, sdir, 0, &dst);
		else
			add_dir(w, sdir, sdir, &dst);
	}
	free(sdir);
}

/* One session folder to walk: `name` in the layout folder `lfd`. */
struct sjob {
	const char *name;
	const struct frow *row; /* its row, when it comes from the rows */
	unsigned char layout;
	bool is_dir;
};

/* A thread's share of the session folders, into a scan of its own. */
struct worker {
	struct walk w;
	struct scan s;
	const struct sjob *jobs;
	size_t n;
	const int *lfds; /* per layout */
};

/* The first slot job i's row would be in (`list`'s check). */
static const uint32_t *slot_of(const struct worker *k, size_t i)
{
	const struct sjob *j = &k->jobs[i];
	return &k->w.lr->slot[hash_sid(j->layout, j->name, strlen(j->name)) & k->w.lr->mask];
}

/* While job i's fstatat runs, warm the lines the next look-ups read, each
 * from the line the step before fetched: the slot of job i+3, the row of
 * job i+2, the name of job i+1 (the rows are in table order, the jobs in
 * readdir order: every look-up would otherwise wait on memory). */
static void prefetch_rows(const struct worker *k, size_t i)
{
	const struct logrows *lr = k->w.lr;
	if (i + 3 < k->n)
		__builtin_prefetch(slot_of(k, i + 3));
	if (i + 2 < k->n && *slot_of(k, i + 2))
		__builtin_prefetch(&lr->v[*slot_of(k, i + 2) - 1]);
	if (i + 1 < k->n && *slot_of(k, i + 1))
		__builtin_prefetch(lr->v[*slot_of(k, i + 1) - 1].sid);
}

static void *work(void *p)
{
	struct worker *k = p;
	struct ruru_buf rel = RURU_BUF_INIT;
	k->w.s = &k->s;
	for (size_t i = 0; i < k->n; i++) {
		const struct sjob *job = &k->jobs[i];
		if (k->w.lr)
			prefetch_rows(k, i);
		size_t first = k->s.n;
		k->w.hint = job->row;
		k->w.layout = job->layout;
		walk_session(&k->w, k->lfds[job->layout], ruru_layout_dir((enum ruru_layout)job->layout),
			     job->name, job->is_dir, &rel);
		/* A session's few paths in order (its log comes first), so
		 * that sessions taken in path order need no sort at the end. */
		for (size_t j = first + 1; j < k->s.n; j++) {
			struct fent f = k->s.v[j];
			size_t at = j;
			for (; at > first && strcmp(k->s.v[at - 1].path, f.path) > 0; at--)
				k->s.v[at] = k->s.v[at - 1];
			k->s.v[at] = f;
		}
	}
	ruru_buf_release(&rel);
	return NULL;
}

static bool sorted(const struct scan *s)
{
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(s->v[i - 1].path, s->v[i].path) > 0)
			return false;
	return true;
}

/* Append the files of `from` to `to` (emptying `from`). */
static void scan_take(struct scan *to, struct scan *from)
{
	if (to->n + from->n > to->cap) {
		to->cap = to->n + from->n;
		to->v = ruru_xrealloc(to->v, to->cap * sizeof(*to->v));
	}
	if (from->n)
		memcpy(to->v + to->n, from->v, from->n * sizeof(*from->v));
	to->n += from->n;
	arena_take(&to->arena, &from->arena);
	free(from->v);
	memset(from, 0, sizeof(*from));
}

/* Session folders are walked by this many threads (the cost is one
 * fstatat per file and folder: kernel time that two cores halve). */
#define WALK_THREADS 2
#define WALK_THREAD_MIN 32 /* fewer sessions: not worth a thread */

/* Every session log and (unless logs_only) every file and folder of the
 * session folders, sorted by path unless !sort.  `rows` (the last
 * update's, sorted; may be empty) spares the readdir of folders that did
 * not change. */
static void scan_sort(struct scan *s)
{
	if (!sorted(s))
		qsort(s->v, s->n, sizeof(*s->v), cmp_fent);
}

static void scan_logs(int rootfd, struct scan *s, bool logs_only, const struct frows *rows,
		      const struct logrows *lr, bool sort, bool *fresh);

static void scan_workspace(int rootfd, struct scan *s, bool logs_only, const struct frows *rows,
			   bool sort)
{
	scan_logs(rootfd, s, logs_only, rows, NULL, sort, NULL);
}

/* scan_workspace(), and with `lr` (logs_only) whether every log is as its
 * row says: *fresh. */
static void scan_logs(int rootfd, struct scan *s, bool logs_only, const struct frows *rows,
		      const struct logrows *lr, bool sort, bool *fresh)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct walk w = { s, rows, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec, logs_only, lr,
			  0, 0, 0, NULL };
	struct sjob *jobs = NULL;
	size_t njobs = 0, cap = 0;
	struct arena names = { 0 };
	int lfds[RURU_LAYOUT_COUNT];
	/* the session folders of every layout ruru reads (doc/design.md §1) */
	for (int layout = 0; layout < RURU_LAYOUT_COUNT; layout++) {
		const char *dir = ruru_layout_dir((enum ruru_layout)layout);
		int lfd = lfds[layout] = ruru_openat_beneath(rootfd, dir, O_RDONLY | O_DIRECTORY);
		if (lfd < 0)
			continue;
		struct stat st;
		bool known = !logs_only && fstat(lfd, &st) == 0 && add_dir(&w, dir, dir, &st);
		size_t plen = strlen(dir);
		if (known) {
			struct ruru_buf prefix = RURU_BUF_INIT;
			ruru_buf_addf(&prefix, "%s/", dir);
			for (size_t i = lower_bound(rows, prefix.ptr);
			     i < rows->n && !strncmp(rows->v[i].path, prefix.ptr, plen + 1); i++) {
				const char *name = rows->v[i].path + plen + 1;
				if (rows->v[i].kind == F_DIR && !strchr(name, '/')) {
					if (njobs == cap) {
						cap = cap ? 2 * cap : 1024;
						jobs = ruru_xrealloc(jobs, cap * sizeof(*jobs));
					}
					jobs[njobs++] = (struct sjob){ name, &rows->v[i],
								       (unsigned char)layout, true };
				}
			}
			ruru_buf_release(&prefix);
			continue;
		}
		int dfd = fcntl(lfd, F_DUPFD_CLOEXEC, 0);
		DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
		if (!d) {
			if (dfd >= 0)
				close(dfd);
			continue;
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
				continue;
			if (njobs == cap) {
				cap = cap ? 2 * cap : 1024;
				jobs = ruru_xrealloc(jobs, cap * sizeof(*jobs));
			}
			jobs[njobs++] = (struct sjob){
				arena_add(&names, de->d_name, strlen(de->d_name)), NULL,
				(unsigned char)layout, de->d_type == DT_DIR };
		}
		closedir(d);
	}
	/* The walk itself, in WALK_THREADS contiguous shares (the calling
	 * thread does the first); a thread that cannot start leaves its
	 * share to the calling thread. */
	struct worker k[WALK_THREADS];
	pthread_t tid[WALK_THREADS];
	bool started[WALK_THREADS] = { false };
	size_t nk = njobs >= WALK_THREAD_MIN ? WALK_THREADS : 1;
	for (size_t t = 0; t < nk; t++) {
		memset(&k[t], 0, sizeof(k[t]));
		k[t].w = w;
		k[t].lfds = lfds;
		k[t].jobs = jobs ? jobs + njobs * t / nk : NULL; /* no session folders: no jobs */
		k[t].n = njobs * (t + 1) / nk - njobs * t / nk;
		if (t > 0)
			started[t] = pthread_create(&tid[t], NULL, work, &k[t]) == 0;
	}
	for (size_t t = 0; t < nk; t++)
		if (!started[t])
			work(&k[t]);
	size_t matched = 0, changed = 0;
	for (size_t t = 0; t < nk; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		scan_take(s, &k[t].s);
		matched += k[t].w.matched;
		changed += k[t].w.changed;
	}
	if (fresh)
		*fresh = lr && changed == 0 && matched == lr->n;
	for (int layout = 0; layout < RURU_LAYOUT_COUNT; layout++)
		if (lfds[layout] >= 0)
			close(lfds[layout]);
	free(jobs);
	arena_release(&names);
	if (sort)
		scan_sort(s);
}

/* ------------------------------------------------------- indexed files */

static int cmp_frow(const void *a, const void *b)
{
	return strcmp(((const struct frow *)a)->path, ((const struct frow *)b)->path);
}

/* The `files` table (ROWS_FILES), or the logs the `sessions` rows were
 * read from (ROWS_SESSIONS), sorted by path (SQLite's BINARY order is
 * strcmp's).  Returns the SQLite result code. */
enum { ROWS_FILES, ROWS_SESSIONS };
static int load_rows(sqlite3 *db, struct frows *r, int which)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(db,
				    which == ROWS_SESSIONS
					    ? "SELECT 0, path, dev, ino, size, mtime, NULL, 0, NULL, 1"
					      " FROM sessions"
					    : "SELECT id, path, dev, ino, size, mtime, tail_from,"
					      " tail_line, prefix, kind FROM files",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 256;
			r->v = ruru_xrealloc(r->v, r->cap * sizeof(*r->v));
		}
		struct frow *f = &r->v[r->n++];
		memset(f, 0, sizeof(*f));
		f->id = sqlite3_column_int64(q, 0);
		const char *path = (const char *)sqlite3_column_text(q, 1);
		f->path = arena_add(&r->arena, path ? path : "", (size_t)sqlite3_column_bytes(q, 1));
		f->dev = sqlite3_column_int64(q, 2);
		f->ino = sqlite3_column_int64(q, 3);
		f->size = sqlite3_column_int64(q, 4);
		f->mtime = sqlite3_column_int64(q, 5);
		f->tail_from = sqlite3_column_type(q, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 6);
		f->tail_line = sqlite3_column_int64(q, 7);
		f->kind = sqlite3_column_int(q, 9);
		if (sqlite3_column_bytes(q, 8) == 32) {
			memcpy(f->prefix, sqlite3_column_blob(q, 8), 32);
			f->has_prefix = true;
		}
	}
	sqlite3_finalize(q);
	/* Read in table order (no look-up per row through the path index):
	 * rows are inserted in path order, so mostly in order already. */
	bool in_order = true;
	for (size_t i = 1; in_order && i < r->n; i++)
		in_order = strcmp(r->v[i - 1].path, r->v[i].path) < 0;
	if (!in_order)
		qsort(r->v, r->n, sizeof(*r->v), cmp_frow);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static bool same_stat(const struct fent *f, const struct frow *r)
{
	return f->dev == r->dev && f->ino == r->ino && f->size == r->size && f->mtime == r->mtime;
}

/* How many files differ between the disk and the index. */
static size_t count_changes(const struct scan *s, const struct frows *r)
{
	size_t i = 0, j = 0, changes = 0;
	while (i < s->n || j < r->n) {
		int c = i == s->n ? 1 : j == r->n ? -1 : strcmp(s->v[i].path, r->v[j].path);
		if (c == 0) {
			changes += !same_stat(&s->v[i], &r->v[j]);
			i++, j++;
		} else {
			changes++;
			c < 0 ? i++ : j++;
		}
	}
	return changes;
}

/* ------------------------------------------------------------ updating */

enum {
	Q_DEL_FTS, Q_DEL_TRI, Q_DEL_DOCS, Q_DEL_FILE, Q_DEL_SESSION, Q_INS_DOC, Q_INS_FTS,
	Q_INS_TRI, Q_INS_FILE, Q_UPD_FILE, Q_INS_SESSION, Q_COUNT
};
static const char *const sql[Q_COUNT] = {
	[Q_DEL_FTS] = "DELETE FROM fts WHERE rowid IN"
		      " (SELECT id FROM docs WHERE file_id = ?1 AND start_off >= ?2)",
	[Q_DEL_TRI] = "DELETE FROM fts_tri WHERE rowid IN"
		      " (SELECT id FROM docs WHERE file_id = ?1 AND start_off >= ?2)",
	[Q_DEL_DOCS] = "DELETE FROM docs WHERE file_id = ?1 AND start_off >= ?2",
	[Q_DEL_FILE] = "DELETE FROM files WHERE id = ?1",
	[Q_DEL_SESSION] = "DELETE FROM sessions WHERE sdir = ?1",
	[Q_INS_DOC] = "INSERT INTO docs(file_id, kind, sdir, session, line, time, type, mode, task,"
		      " start_off, id, zone) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_INS_FTS] = "INSERT INTO fts(rowid, text, type, mode, task) VALUES(?, ?, ?, ?, ?)",
	[Q_INS_TRI] = "INSERT INTO fts_tri(rowid, text) VALUES(?, ?)",
	[Q_INS_FILE] = "INSERT INTO files(path, kind, sdir) VALUES(?, ?, ?)",
	[Q_UPD_FILE] = "UPDATE files SET dev = ?2, ino = ?3, size = ?4, mtime = ?5, tail_from = ?6,"
		       " tail_line = ?7, prefix = ?8 WHERE id = ?1",
	[Q_INS_SESSION] = "INSERT OR REPLACE INTO sessions(sdir, id, path, valid, problem,"
			  " status, start, end, tags_lc, keys, layout, dev, ino, size, mtime)"
			  " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

struct updater {
	sqlite3 *db;
	int rootfd;
	sqlite3_stmt *q[Q_COUNT];
	struct ruru_index_stats *st;
	struct ruru_buf text, clean;
	struct ruru_tokens tk; /* lengths of documents (rank.c) */
	int64_t seq;           /* the last document's number (its rowid's high bits) */
	int rc;                /* first SQLite error */
	/* progress of a long update (ruru_ws_set_progress) */
	const struct ruru_ws *ws;
	struct ruru_progress pr;
	int64_t t0, shown; /* ms: start, last report (-1: none yet) */
};

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Report progress when the update has run longer than the front end's
 * delay, at most every tenth of a second; `last` closes a report. */
static void tick(struct updater *u, bool last)
{
	if (!u->ws || !u->ws->progress)
		return;
	u->pr.bytes = u->st->bytes;
	int64_t now = now_ms();
	if (last ? u->shown < 0
		 : now - u->t0 < (int64_t)u->ws->progress_delay_ms ||
			   (u->shown >= 0 && now - u->shown < 100))
		return;
	u->pr.last = last;
	u->shown = now;
	u->ws->progress(&u->pr, u->ws->progress_ctx);
}

static bool run(struct updater *u, sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		if (u->rc == SQLITE_OK)
			u->rc = rc ? rc : SQLITE_ERROR;
		return false;
	}
	return true;
}

static void bind_text(sqlite3_stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

/* Remove the documents of file `id` that start at `from` or later (-1:
 * all, the session's own document included). */
static void drop_docs(struct updater *u, int64_t id, int64_t from)
{
	for (int k = Q_DEL_FTS; k <= Q_DEL_DOCS; k++) { /* fts, fts_tri, then docs */
		sqlite3_bind_int64(u->q[k], 1, id);
		sqlite3_bind_int64(u->q[k], 2, from);
		run(u, u->q[k]);
	}
}

static void drop_file(struct updater *u, int64_t id)
{
	drop_docs(u, id, -1);
	sqlite3_bind_int64(u->q[Q_DEL_FILE], 1, id);
	run(u, u->q[Q_DEL_FILE]);
	u->st->removed++;
}

/* Text as FTS5 gets it: the two bytes search.c uses as match marks in
 * snippets become spaces. */
static const char *clean_text(struct updater *u, const char *s, size_t len)
{
	ruru_buf_reset(&u->clean);
	ruru_buf_add(&u->clean, s, len);
	for (size_t i = 0; i < len; i++)
		if (u->clean.ptr[i] == '\002' || u->clean.ptr[i] == '\003')
			u->clean.ptr[i] = ' ';
	return u->clean.ptr;
}

/* A document's time: the instant (a zone-less stamp's wall time read as
 * if UTC) and the zone as written, NULL for a stamp without one. */
struct doc_time {
	bool valid;
	int64_t when;
	const char *zone;
	size_t zone_len;
};

static void add_doc(struct updater *u, int64_t file_id, int kind, const struct fent *f,
		    int64_t line, struct doc_time t, const char *type, const char *mode,
		    const char *task, int64_t start_off, const char *text, size_t len)
{
	sqlite3_stmt *q = u->q[Q_INS_DOC];
	sqlite3_bind_int64(q, 1, file_id);
	sqlite3_bind_int(q, 2, kind);
	sqlite3_bind_text(q, 3, f->path, (int)f->sdir_len, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, f->sid, (int)f->sid_len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 5, line);
	if (t.valid)
		sqlite3_bind_int64(q, 6, t.when);
	if (t.valid && t.zone)
		sqlite3_bind_text(q, 12, t.zone, (int)t.zone_len, SQLITE_TRANSIENT);
	bind_text(q, 7, type);
	bind_text(q, 8, mode);
	bind_text(q, 9, task);
	sqlite3_bind_int64(q, 10, start_off);
	/* The rowid: the document's number, then its length in tokens
	 * (what ruru_bm25() reads instead of asking FTS5 hit by hit). */
	const char *clean = clean_text(u, text, len);
	int64_t ntok = ruru_tokens_count(&u->tk, clean, len);
	const char *cols[3] = { type, mode, task };
	for (int c = 0; c < 3; c++)
		if (cols[c])
			ntok += ruru_tokens_count(&u->tk, cols[c], strlen(cols[c]));
	int64_t rowid = (++u->seq << RURU_DOC_LEN_BITS) |
			(ntok < RURU_DOC_LEN_MAX ? ntok : RURU_DOC_LEN_MAX);
	sqlite3_bind_int64(q, 11, rowid);
	if (!run(u, q))
		return;
	q = u->q[Q_INS_FTS];
	sqlite3_bind_int64(q, 1, rowid);
	sqlite3_bind_text(q, 2, clean, (int)len, SQLITE_TRANSIENT);
	bind_text(q, 3, type);
	bind_text(q, 4, mode);
	bind_text(q, 5, task);
	run(u, q);
	if (ruru_index_nospace(clean, len)) {
		q = u->q[Q_INS_TRI];
		sqlite3_bind_int64(q, 1, rowid);
		sqlite3_bind_text(q, 2, clean, (int)len, SQLITE_TRANSIENT);
		run(u, q);
	}
}

static void add_entries(struct updater *u, int64_t file_id, const struct fent *f,
			const struct ruru_entry *e, size_t n, int64_t off, int64_t line0)
{
	for (size_t i = 0; i < n; i++) {
		const char *type = e[i].type_name;
		if (!type && e[i].type != RURU_EV_UNKNOWN)
			type = ruru_event_name(e[i].type);
		struct doc_time t = { e[i].when_valid, (int64_t)e[i].when, NULL, 0 };
		if (t.valid && e[i].has_zone)
			t.zone = ruru_stamp_zone(e[i].stamp, &t.zone_len);
		add_doc(u, file_id, RURU_DOC_ENTRY, f, line0 + (int64_t)e[i].line - 1, t, type, e[i].mode, e[i].task, off + (int64_t)e[i].start,
			e[i].message ? e[i].message : "", e[i].message ? e[i].message_len : 0);
	}
	u->st->entries += n;
}

/* A list of strings as one column: joined by U+001F (lists are read
 * back by search.c), or for the --tag filter "\ntag1\ntag2\n" in
 * lowercase.  NULL for an empty list. */
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
	bind_text(q, 2, s->id);
	bind_text(q, 3, s->path);
	sqlite3_bind_int(q, 4, s->valid);
	bind_text(q, 5, s->problem ? problem.ptr : NULL);
	sqlite3_bind_int(q, 6, (int)s->status);
	sqlite3_bind_int64(q, 7, (int64_t)s->start);
	sqlite3_bind_int64(q, 8, (int64_t)s->end);
	bind_text(q, 9, tags_lc);
	sqlite3_bind_blob(q, 10, keys.ptr, (int)keys.len, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 11, s->layout);
	sqlite3_bind_int64(q, 12, f->dev);
	sqlite3_bind_int64(q, 13, f->ino);
	sqlite3_bind_int64(q, 14, f->size);
	sqlite3_bind_int64(q, 15, f->mtime);
	run(u, q);
	free(tags_lc);
	ruru_buf_release(&keys);
	ruru_buf_release(&problem);
	u->st->sessions++;
}

/* The second level: the session's own document (title, goal, tags). */
static void session_doc(struct updater *u, int64_t file_id, const struct fent *f,
			const struct ruru_session *s)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addstr(&b, s->title ? s->title : "");
	ruru_buf_addch(&b, '\n');
	ruru_buf_addstr(&b, s->goal ? s->goal : "");
	for (size_t i = 0; i < s->ntags; i++) {
		ruru_buf_addch(&b, '\n');
		ruru_buf_addstr(&b, s->tags[i]);
	}
	/* start_time's zone as written; none for a zone-less one */
	struct doc_time t = { s->start != 0, (int64_t)s->start, NULL, 0 };
	bool zoned = false;
	if (t.valid && s->start_text &&
	    ruru_time_parse(s->start_text, strlen(s->start_text), NULL, &zoned) && zoned)
		t.zone = ruru_stamp_zone(s->start_text, &t.zone_len);
	add_doc(u, file_id, RURU_DOC_SESSION, f, 1, t, NULL, NULL, NULL, -1, b.ptr, b.len);
	ruru_buf_release(&b);
}

static void set_file(struct updater *u, int64_t id, const struct stat *st, int64_t tail_from,
		     int64_t tail_line, const unsigned char *prefix)
{
	sqlite3_stmt *q = u->q[Q_UPD_FILE];
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, (int64_t)st->st_dev);
	sqlite3_bind_int64(q, 3, (int64_t)st->st_ino);
	sqlite3_bind_int64(q, 4, (int64_t)st->st_size);
	sqlite3_bind_int64(q, 5, (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec);
	if (tail_from >= 0) {
		sqlite3_bind_int64(q, 6, tail_from);
		sqlite3_bind_int64(q, 7, tail_line);
		sqlite3_bind_blob(q, 8, prefix, 32, SQLITE_TRANSIENT);
	}
	run(u, q);
}

static void sha256_raw(const char *data, size_t len, unsigned char out[32])
{
	char hex[65];
	ruru_sha256_hex(data, len, hex);
	for (int i = 0; i < 32; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
}

/*
 * The hash of a log's first bytes, against which a grown log's tail is
 * checked: SHA-256 chained over HASH_BLOCK blocks (each link the hash of
 * the previous one and the block; the last, partial block closes it), so
 * that a log is hashed as it streams, from memory or from its file, with
 * the same result.
 */
struct chain {
	char h[65];
	struct ruru_buf b;
};

static void chain_block(struct chain *c, const char *p, size_t n)
{
	ruru_buf_reset(&c->b);
	ruru_buf_addstr(&c->b, c->h);
	ruru_buf_add(&c->b, p, n);
	ruru_sha256_hex(c->b.ptr, c->b.len, c->h);
}

static void chain_close(struct chain *c, const char *p, size_t n, unsigned char out[32])
{
	ruru_buf_reset(&c->b);
	ruru_buf_addstr(&c->b, c->h);
	ruru_buf_addch(&c->b, '|');
	ruru_buf_add(&c->b, p, n);
	sha256_raw(c->b.ptr, c->b.len, out);
}

static void prefix_hash(const char *t, size_t n, unsigned char out[32])
{
	struct chain c = { "", RURU_BUF_INIT };
	size_t at = 0;
	for (; n - at >= HASH_BLOCK; at += HASH_BLOCK)
		chain_block(&c, t + at, HASH_BLOCK);
	chain_close(&c, t + at, n - at, out);
	ruru_buf_release(&c.b);
}

/* Read exactly n bytes at `off`; false when the file is shorter. */
static bool pread_all(int fd, char *p, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* prefix_hash() of the file's first n[0] and n[1] bytes (n[0] <= n[1]) in
 * one pass.  False when it cannot be read that far. */
static bool prefix_hash_fd(int fd, const uint64_t n[2], unsigned char out[2][32])
{
	struct chain c = { "", RURU_BUF_INIT };
	char *blk = ruru_xmalloc(HASH_BLOCK);
	uint64_t off = 0;
	int k = 0;
	bool ok = true;
	while (k < 2 && ok) {
		size_t need = n[1] - off < HASH_BLOCK ? (size_t)(n[1] - off) : HASH_BLOCK;
		ok = pread_all(fd, blk, need, off);
		for (; ok && k < 2 && n[k] - off < HASH_BLOCK; k++)
			chain_close(&c, blk, (size_t)(n[k] - off), out[k]);
		if (ok && k < 2) {
			chain_block(&c, blk, HASH_BLOCK);
			off += HASH_BLOCK;
		}
	}
	free(blk);
	ruru_buf_release(&c.b);
	return ok;
}

/* Read `f` (opened from the root without following symlinks) whole into
 * u->text; *st gets the stat of what was read.  -1 when it is gone or is
 * no longer a regular file; 2 for a log too big to read whole, open in
 * *big for streaming. */
static int read_file(struct updater *u, const struct fent *f, struct stat *st, int *big)
{
	int fd = ruru_openat_beneath(u->rootfd, f->path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	if (f->kind == F_ARTIFACT && st->st_size > ARTIFACT_MAX) {
		close(fd);
		return 1; /* kept as a row (its stat), not read */
	}
	if (f->kind == F_LOG && (uint64_t)st->st_size > STREAM_MIN) {
		*big = fd;
		return 2;
	}
	/* Exactly the bytes the stat saw: what a writer appends meanwhile
	 * is seen by the next update. */
	ruru_buf_reset(&u->text);
	ruru_buf_grow(&u->text, (size_t)st->st_size + 1);
	size_t want = (size_t)st->st_size, got = 0;
	while (got < want) {
		ssize_t r = pread(fd, u->text.ptr + got, want - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	u->text.len = got;
	u->text.ptr[got] = '\0';
	st->st_size = (off_t)got;
	u->st->bytes += got;
	return 0;
}

/* Only entries in ruru's shape after the old end: no line at column 0
 * that could be a heading, fence, rule or front matter. */
static bool tail_is_entries(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		size_t n = end - i;
		const char *l = s + i;
		bool ok = n == 0 || (n == 1 && l[0] == '\r') || l[0] == ' ' || l[0] == '\t' ||
			  (n >= 3 && !memcmp(l, RURU_LIT("- [")));
		if (!ok)
			return false;
		i = end + 1;
	}
	return true;
}

/* Index a log from `from` on (its old last entry), when what came before
 * is unchanged.  Returns false when the log must be indexed whole. */
static bool index_log_tail(struct updater *u, const struct frow *r, const struct stat *st,
			   const struct fent *f)
{
	const char *t = u->text.ptr;
	size_t len = u->text.len;
	if (!r->has_prefix || r->tail_from < 0 || st->st_dev != (dev_t)r->dev ||
	    st->st_ino != (ino_t)r->ino || (int64_t)len <= r->size || r->size < 1 ||
	    t[r->size - 1] != '\n' || !tail_is_entries(t + r->size, len - (size_t)r->size))
		return false;
	unsigned char h[32];
	prefix_hash(t, (size_t)r->tail_from, h);
	if (memcmp(h, r->prefix, 32))
		return false;
	struct ruru_entry *e = NULL;
	size_t from = (size_t)r->tail_from;
	size_t n = ruru_entries_parse(t + from, len - from, 0, &e);
	if (n == 0 || e[0].start != 0) { /* the old last entry must still start there */
		for (size_t i = 0; i < n; i++)
			ruru_entry_release(&e[i]);
		free(e);
		return false;
	}
	drop_docs(u, r->id, (int64_t)from);
	add_entries(u, r->id, f, e, n, (int64_t)from, r->tail_line);
	size_t last = from + e[n - 1].start;
	int64_t last_line = r->tail_line + (int64_t)e[n - 1].line - 1;
	prefix_hash(t, last, h);
	set_file(u, r->id, st, (int64_t)last, last_line, h);
	for (size_t i = 0; i < n; i++)
		ruru_entry_release(&e[i]);
	free(e);
	u->st->tails++;
	return true;
}

/* The layout whose sessions folder holds `path`. */
static int layout_of(const char *path)
{
	int layout = 0;
	for (int l = 0; l < RURU_LAYOUT_COUNT; l++) {
		const char *dir = ruru_layout_dir((enum ruru_layout)l);
		size_t n = strlen(dir);
		if (!strncmp(path, dir, n) && path[n] == '/')
			layout = l;
	}
	return layout;
}

static void index_log(struct updater *u, int64_t id, const struct stat *st, const struct fent *f)
{
	struct ruru_session s = { 0 };
	s.id = ruru_strndup(f->sid, f->sid_len);
	s.path = ruru_strdup(f->path);
	s.layout = layout_of(f->path);
	ruru_session_from_text(&s, u->text.ptr, u->text.len, true);
	drop_docs(u, id, -1);
	session_doc(u, id, f, &s);
	add_entries(u, id, f, s.entries, s.nentries, 0, 1);
	/* Where a grown log can be read from next time: its last entry, when
	 * the Log Entries section runs to the end of the file. */
	int64_t tail_from = -1, tail_line = 0;
	unsigned char h[32];
	struct ruru_frontmatter fm;
	size_t at, body = ruru_frontmatter_split(u->text.ptr, u->text.len, &fm) ? fm.body : 0;
	bool nl;
	const char *eol;
	if (s.nentries && ruru_entries_append_point(u->text.ptr, u->text.len, body, &at, &nl, &eol) &&
	    at == u->text.len) {
		tail_from = (int64_t)s.entries[s.nentries - 1].start;
		tail_line = (int64_t)s.entries[s.nentries - 1].line;
		prefix_hash(u->text.ptr, (size_t)tail_from, h);
	}
	set_file(u, id, st, tail_from, tail_line, h);
	ruru_session_release(&s);
	u->st->logs++;
}

/* A text file: no NUL byte (git's test, over the whole of it here). */
static bool is_text(const char *s, size_t len)
{
	return memchr(s, '\0', len) == NULL;
}

static void index_artifact(struct updater *u, int64_t id, const struct stat *st,
			   const struct fent *f)
{
	drop_docs(u, id, -1);
	if (is_text(u->text.ptr, u->text.len)) {
		/* a modification time is an instant, given in UTC */
		struct doc_time t = { true, (int64_t)st->st_mtim.tv_sec, "Z", 1 };
		add_doc(u, id, RURU_DOC_ARTIFACT, f, 1, t, NULL, NULL, NULL, 0, u->text.ptr,
			u->text.len);
		u->st->artifacts++;
	}
	set_file(u, id, st, -1, 0, NULL);
}

/* ------------------------------------------------ streaming a big log */

/* The start of the last line in ruru's own entry form in t[from, len)
 * (an entry any reader takes as one, which also ends an open fence),
 * with its length in *elen; 0 when there is none. */
static size_t last_entry_line(const char *t, size_t len, size_t from, const char *eol,
			      size_t *elen)
{
	for (size_t i = len; i > from + 1;) {
		const char *nl = memrchr(t + from, '\n', i - 1 - from);
		if (!nl)
			break;
		size_t at = (size_t)(nl - t) + 1;
		i = at - 1;
		if (len - at < 4 || memcmp(t + at, "- [", 3))
			continue;
		struct ruru_entry e;
		if (ruru_entry_parse_strict(t + at, len - at, eol, &e)) {
			*elen = e.end;
			ruru_entry_release(&e);
			return at;
		}
	}
	return 0;
}

static size_t count_lines(const char *t, size_t len)
{
	size_t n = 0;
	for (const char *p = t, *end = t + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	return n;
}

/* Index a log too big to read whole, from `fd`, window by window: the
 * first holds the front matter and the head of the body, each later one
 * starts at an entry and is parsed as the inside of the Log Entries
 * section.  Memory is a window and its entries, whatever the log's size. */
static void index_log_stream(struct updater *u, int64_t id, int fd, const struct stat *st,
			     const struct fent *f)
{
	static const char head[] = "## Log Entries\n\n"; /* two lines before a later window */
	const size_t hlen = sizeof(head) - 1;
	uint64_t size = (uint64_t)st->st_size, off = 0;
	int64_t line0 = 1, tail_from = -1, tail_line = 0;
	size_t win = STREAM_WINDOW;
	const char *eol = NULL;
	bool first = true;
	drop_docs(u, id, -1);
	for (;;) {
		size_t base = first ? 0 : hlen;
		size_t n = size - off < win ? (size_t)(size - off) : win;
		ruru_buf_reset(&u->text);
		if (!first)
			ruru_buf_add(&u->text, head, hlen);
		ruru_buf_grow(&u->text, n + 1);
		if (!pread_all(fd, u->text.ptr + base, n, off))
			break; /* shrank meanwhile: the next update sees it */
		u->text.len = base + n;
		u->text.ptr[u->text.len] = '\0';
		const char *t = u->text.ptr;
		size_t len = u->text.len, body = 0;
		bool last = off + n == size;
		struct ruru_frontmatter fm;
		if (first && ruru_frontmatter_split(t, len, &fm))
			body = fm.body;
		if (!eol) {
			const char *nl = memchr(t + body, '\n', len - body);
			eol = nl && nl > t && nl[-1] == '\r' ? "\r\n" : "\n";
		}
		/* Cut at the last entry of the window: it is parsed with
		 * this window (so that what comes before it ends where a
		 * whole reading ends it) and indexed with the next. */
		size_t cut = len, elen = 0;
		if (!last) {
			cut = last_entry_line(t, len, first ? body : base, eol, &elen);
			if (!cut && win < STREAM_WINDOW_MAX) {
				win *= 2;
				continue;
			}
			if (!cut) { /* no entry to cut at: index this much */
				cut = len;
				last = true;
			}
		}
		size_t upto = cut < len ? cut + elen : len;
		struct ruru_entry *e = NULL;
		size_t ne;
		if (first) {
			struct ruru_session s = { 0 };
			s.id = ruru_strndup(f->sid, f->sid_len);
			s.path = ruru_strdup(f->path);
			s.layout = layout_of(f->path);
			ruru_session_from_text(&s, t, upto, true);
			session_doc(u, id, f, &s);
			e = s.entries;
			ne = s.nentries;
			s.entries = NULL;
			s.nentries = 0;
			ruru_session_release(&s);
		} else {
			ne = ruru_entries_parse(t, upto, 0, &e);
		}
		/* The entry at the cut belongs to the next window. */
		size_t keep = ne;
		if (cut < len && keep && e[keep - 1].start == cut)
			keep--;
		int64_t lshift = first ? 0 : 2;
		for (size_t i = 0; i < keep; i++) {
			e[i].start = e[i].start - base; /* to the window's file bytes */
			e[i].line -= (int)lshift;
		}
		add_entries(u, id, f, e, keep, (int64_t)off, line0);
		if (keep) {
			tail_from = (int64_t)off + (int64_t)e[keep - 1].start;
			tail_line = line0 + (int64_t)e[keep - 1].line - 1;
		}
		if (last) {
			size_t at;
			bool nl;
			const char *eol2;
			if (!(keep && ruru_entries_append_point(t, len, first ? body : 0, &at, &nl, &eol2) &&
			      at == len))
				tail_from = -1;
		}
		for (size_t i = 0; i < ne; i++)
			ruru_entry_release(&e[i]);
		free(e);
		u->st->bytes += n;
		tick(u, false);
		if (last)
			break;
		line0 += (int64_t)count_lines(t + base, cut - base);
		off += cut - base;
		first = false;
		win = STREAM_WINDOW;
	}
	unsigned char h[2][32];
	uint64_t upto[2] = { tail_from < 0 ? 0 : (uint64_t)tail_from,
			     tail_from < 0 ? 0 : (uint64_t)tail_from };
	if (tail_from >= 0 && !prefix_hash_fd(fd, upto, h))
		tail_from = -1;
	set_file(u, id, st, tail_from, tail_line, h[0]);
	u->st->logs++;
}

/* index_log_tail() for a log too big to read whole: only the bytes from
 * the old last entry on are read; the ones before it are hashed as they
 * stream.  False when the log must be indexed whole. */
static bool index_log_tail_fd(struct updater *u, int fd, const struct frow *r,
			      const struct stat *st, const struct fent *f)
{
	uint64_t size = (uint64_t)st->st_size;
	if (!r->has_prefix || r->tail_from < 0 || st->st_dev != (dev_t)r->dev ||
	    st->st_ino != (ino_t)r->ino || (int64_t)size <= r->size || r->size < 1 ||
	    r->tail_from >= r->size || size - (uint64_t)r->tail_from > STREAM_MIN)
		return false;
	size_t from = (size_t)r->tail_from, n = (size_t)(size - from), old = (size_t)r->size - from;
	ruru_buf_reset(&u->text);
	ruru_buf_grow(&u->text, n + 1);
	if (!pread_all(fd, u->text.ptr, n, from))
		return false;
	u->text.len = n;
	u->text.ptr[n] = '\0';
	const char *t = u->text.ptr;
	if (t[old - 1] != '\n' || !tail_is_entries(t + old, n - old))
		return false;
	struct ruru_entry *e = NULL;
	size_t ne = ruru_entries_parse(t, n, 0, &e);
	bool ok = ne > 0 && e[0].start == 0;
	unsigned char h[2][32];
	uint64_t upto[2] = { from, ok ? from + e[ne - 1].start : from };
	ok = ok && prefix_hash_fd(fd, upto, h) && !memcmp(h[0], r->prefix, 32);
	if (ok) {
		drop_docs(u, r->id, (int64_t)from);
		add_entries(u, r->id, f, e, ne, (int64_t)from, r->tail_line);
		set_file(u, r->id, st, (int64_t)upto[1], r->tail_line + (int64_t)e[ne - 1].line - 1,
			 h[1]);
		u->st->tails++;
		u->st->bytes += n;
	}
	for (size_t i = 0; i < ne; i++)
		ruru_entry_release(&e[i]);
	free(e);
	return ok;
}

/* (Re)index one file; `r` is its row (NULL when new). */
static void update_file(struct updater *u, const struct fent *f, const struct frow *r)
{
	struct stat st;
	int got = 0, big = -1;
	if (f->kind == F_DIR) { /* a folder: its stat only */
		memset(&st, 0, sizeof(st));
		st.st_dev = (dev_t)f->dev;
		st.st_ino = (ino_t)f->ino;
		st.st_size = (off_t)f->size;
		st.st_mtim.tv_sec = f->mtime < 0 ? -1 : f->mtime / 1000000000;
		st.st_mtim.tv_nsec = f->mtime < 0 ? 0 : f->mtime % 1000000000;
	} else if ((got = read_file(u, f, &st, &big)) < 0) {
		if (r)
			drop_file(u, r->id);
		return;
	}
	int64_t id;
	if (r && r->kind != f->kind) { /* a folder became a file, or so */
		drop_file(u, r->id);
		r = NULL;
	}
	if (r) {
		id = r->id;
		if (f->kind == F_LOG && (big >= 0 ? index_log_tail_fd(u, big, r, &st, f)
						  : index_log_tail(u, r, &st, f))) {
			if (big >= 0)
				close(big);
			return;
		}
	} else {
		sqlite3_stmt *q = u->q[Q_INS_FILE];
		bind_text(q, 1, f->path);
		sqlite3_bind_int(q, 2, f->kind);
		sqlite3_bind_text(q, 3, f->path, (int)f->sdir_len, SQLITE_TRANSIENT);
		if (!run(u, q)) {
			if (big >= 0)
				close(big);
			return;
		}
		id = sqlite3_last_insert_rowid(u->db);
	}
	if (f->kind == F_LOG && big >= 0) {
		index_log_stream(u, id, big, &st, f);
		close(big);
	} else if (f->kind == F_LOG) {
		index_log(u, id, &st, f);
	} else if (f->kind == F_ARTIFACT && got == 0) {
		index_artifact(u, id, &st, f);
	} else { /* a folder, or an artifact too big to index */
		drop_docs(u, id, -1);
		set_file(u, id, &st, -1, 0, NULL);
	}
}

/* The statements and buffers of an update.  SQLite result code. */
static int updater_open(struct updater *u, sqlite3 *db, int rootfd, const struct ruru_ws *ws,
			struct ruru_index_stats *st)
{
	memset(u, 0, sizeof(*u));
	u->db = db;
	u->rootfd = rootfd;
	u->st = st;
	u->ws = ws;
	u->t0 = now_ms();
	u->shown = -1;
	int trc = ruru_tokens_init(&u->tk, db);
	if (trc != SQLITE_OK)
		return trc;
	for (int k = 0; k < Q_COUNT; k++) {
		int rc = sqlite3_prepare_v2(db, sql[k], -1, &u->q[k], NULL);
		if (rc != SQLITE_OK) {
			for (int j = 0; j < k; j++)
				sqlite3_finalize(u->q[j]);
			ruru_tokens_release(&u->tk);
			return rc;
		}
	}
	sqlite3_stmt *mq;
	if (sqlite3_prepare_v2(db, "SELECT max(id) FROM docs", -1, &mq, NULL) == SQLITE_OK) {
		if (sqlite3_step(mq) == SQLITE_ROW)
			u->seq = sqlite3_column_int64(mq, 0) >> RURU_DOC_LEN_BITS;
		sqlite3_finalize(mq);
	}
	return SQLITE_OK;
}

/* Returns the first SQLite error of the update. */
static int updater_close(struct updater *u)
{
	if (u->rc == SQLITE_OK)
		tick(u, true);
	for (int k = 0; k < Q_COUNT; k++)
		sqlite3_finalize(u->q[k]);
	ruru_tokens_release(&u->tk);
	ruru_buf_release(&u->text);
	ruru_buf_release(&u->clean);
	return u->rc;
}

/* Apply every difference between the scan and the rows to the second
 * level, the text (inside the caller's write transaction).  Returns the
 * SQLite result code. */
/* How many logs of the scan are new or changed against the rows. */
static size_t logs_to_read(const struct scan *s, const struct frows *r)
{
	size_t i = 0, j = 0, n = 0;
	while (i < s->n) {
		int c = j == r->n ? -1 : strcmp(s->v[i].path, r->v[j].path);
		if (c > 0) {
			j++;
			continue;
		}
		n += s->v[i].kind == F_LOG && (c < 0 || !same_stat(&s->v[i], &r->v[j]));
		i++;
		j += c == 0;
	}
	return n;
}

static int apply_changes(sqlite3 *db, int rootfd, const struct ruru_ws *ws, const struct scan *s,
			 const struct frows *r, struct ruru_index_stats *st)
{
	struct updater u;
	int rc = updater_open(&u, db, rootfd, ws, st);
	if (rc != SQLITE_OK)
		return rc;
	u.pr.total = logs_to_read(s, r);
	size_t i = 0, j = 0;
	while ((i < s->n || j < r->n) && u.rc == SQLITE_OK) {
		int c = i == s->n ? 1 : j == r->n ? -1 : strcmp(s->v[i].path, r->v[j].path);
		bool read = c < 0 || (c == 0 && !same_stat(&s->v[i], &r->v[j]));
		bool log = read && s->v[i].kind == F_LOG;
		if (c == 0) {
			if (read)
				update_file(&u, &s->v[i], &r->v[j]);
			i++, j++;
		} else if (c < 0) {
			update_file(&u, &s->v[i++], NULL);
		} else {
			drop_file(&u, r->v[j++].id);
		}
		if (log) {
			u.pr.done++;
			tick(&u, false);
		}
	}
	return updater_close(&u);
}

/* One session's row from its log's front matter only: the log is read
 * up to the closing "+++", whatever its size. */
static void meta_log(struct updater *u, const struct fent *f)
{
	struct ruru_session s = { 0 };
	s.id = ruru_strndup(f->sid, f->sid_len);
	s.path = ruru_strdup(f->path);
	s.layout = layout_of(f->path);
	struct ruru_error e = { 0 };
	ruru_buf_reset(&u->text);
	if (ruru_read_front_matter(NULL, u->rootfd, f->path, &u->text, &e) == 0) {
		u->st->bytes += u->text.len;
		ruru_session_from_text(&s, u->text.ptr, u->text.len, false);
		put_session(u, f, &s);
	} else { /* gone (or no longer a file) since the walk */
		sqlite3_bind_text(u->q[Q_DEL_SESSION], 1, f->path, (int)f->sdir_len,
				  SQLITE_TRANSIENT);
		run(u, u->q[Q_DEL_SESSION]);
	}
	ruru_session_release(&s);
}

/* Bring the first level (the sessions' rows) up to date with the logs of
 * the scan, against `m` (the rows' paths and stats, sorted).  SQLite
 * result code. */
static int apply_meta(sqlite3 *db, int rootfd, const struct ruru_ws *ws, const struct scan *s,
		      const struct frows *m, struct ruru_index_stats *st)
{
	struct updater u;
	int rc = updater_open(&u, db, rootfd, ws, st);
	if (rc != SQLITE_OK)
		return rc;
	static const char tail[] = "/session_log.md";
	u.pr.total = logs_to_read(s, m);
	size_t i = 0, j = 0;
	while ((i < s->n || j < m->n) && u.rc == SQLITE_OK) {
		if (i < s->n && s->v[i].kind != F_LOG) {
			i++;
			continue;
		}
		int c = i == s->n ? 1 : j == m->n ? -1 : strcmp(s->v[i].path, m->v[j].path);
		if (c <= 0 && (c < 0 || !same_stat(&s->v[i], &m->v[j]))) {
			meta_log(&u, &s->v[i]);
			u.pr.done++;
			tick(&u, false);
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
			run(&u, u.q[Q_DEL_SESSION]);
		}
	}
	return updater_close(&u);
}

/* ------------------------------------------------------ opening, locks */

/* A file of the index that exists must be a regular file. */
static int check_not_symlink(int dirfd, const char *dir, const char *name, struct ruru_error *err)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return 0;
	ruru_error_set(err, RURU_EREFUSED, "refusing to use %s/%s: %s", dir, name,
		       S_ISLNK(st.st_mode) ? "it is a symlink" : "it is not a regular file");
	return -1;
}

static int exec(sqlite3 *db, const char *s)
{
	return sqlite3_exec(db, s, NULL, NULL, NULL);
}

/* The schema version of an open index: 0 for an empty database, -1
 * (with the SQLite code in *rc) when it cannot be read. */
static int index_version(sqlite3 *db, int *rc)
{
	sqlite3_stmt *q;
	int v = -1;
	*rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL);
	if (*rc != SQLITE_OK)
		return -1;
	*rc = sqlite3_step(q);
	if (*rc == SQLITE_ROW) {
		v = sqlite3_column_int(q, 0);
		*rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	return v;
}

/* PRAGMA data_version: changes when another connection commits; -1
 * when it cannot be read. */
static int64_t data_version(sqlite3 *db)
{
	sqlite3_stmt *q;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &q, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

static int create_schema(sqlite3 *db)
{
	char v[64];
	int rc = exec(db, schema);
	if (rc == SQLITE_OK) {
		snprintf(v, sizeof(v), "PRAGMA user_version=%d", INDEX_VERSION);
		rc = exec(db, v);
	}
	return rc;
}

/* ------------------------------------------- SQLite through store.c's faults */

/*
 * SQLite writes the index with its own system calls.  This VFS is the
 * default one with every write, truncate and sync first asking the
 * storage layer's fault injection (RURU_FAULT, store.h), so the tests
 * can fail the N-th write of an index update like any other write of
 * ruru's and show that the next command still answers correctly.
 */
struct fault_file {
	sqlite3_file base;
	sqlite3_file *real; /* the default VFS's file, right after this struct */
};

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;

#define REAL(f) (((struct fault_file *)(f))->real)

static int ff_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods->xClose(REAL(f));
	f->pMethods = NULL;
	return rc;
}
static int ff_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}
static int ff_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
	if (ruru_store_fault("write"))
		return SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}
static int ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (ruru_store_fault("truncate"))
		return SQLITE_IOERR_TRUNCATE;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int ff_sync(sqlite3_file *f, int flags)
{
	if (ruru_store_fault("fsync"))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int ff_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int ff_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int ff_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int ff_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int ff_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int ff_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int ff_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int ff_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
	if (extend && ruru_store_fault("write"))
		return SQLITE_IOERR_SHMMAP;
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}
static int ff_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void ff_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int ff_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int ff_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int ff_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fault_io = {
	3, ff_close, ff_read, ff_write, ff_truncate, ff_sync, ff_size, ff_lock, ff_unlock,
	ff_reserved, ff_control, ff_sector, ff_device, ff_shm_map, ff_shm_lock, ff_shm_barrier,
	ff_shm_unmap, ff_fetch, ff_unfetch,
};

static int ff_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out)
{
	(void)vfs;
	struct fault_file *ff = (struct fault_file *)f;
	ff->real = (sqlite3_file *)(ff + 1);
	f->pMethods = NULL;
	if ((flags & SQLITE_OPEN_CREATE) && ruru_store_fault("open"))
		return SQLITE_CANTOPEN;
	int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out);
	if (ff->real->pMethods) {
		if (ff->real->pMethods->iVersion < 3) { /* not the unix VFS we know */
			ff->real->pMethods->xClose(ff->real);
			return SQLITE_CANTOPEN;
		}
		f->pMethods = &fault_io;
	}
	return rc;
}

static pthread_once_t fault_vfs_once = PTHREAD_ONCE_INIT;

static void fault_vfs_register(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs)
		return;
	fault_vfs = *real_vfs; /* the unix VFS's own functions, its app data */
	fault_vfs.zName = "ruru-faults";
	fault_vfs.szOsFile = (int)sizeof(struct fault_file) + real_vfs->szOsFile;
	fault_vfs.xOpen = ff_open;
	fault_vfs.pNext = NULL;
	if (sqlite3_vfs_register(&fault_vfs, 0) != SQLITE_OK)
		real_vfs = NULL;
}

/* An index file is read as hostile input all the same (it is only
 * ever ruru's, but a file can be swapped): no schema changes by writing
 * sqlite_master, no SQL functions called from the schema, no triggers, no
 * views (ruru's schema has none, so one found there never runs). */
static int defend(sqlite3 *db)
{
	int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	if (rc == SQLITE_OK)
		rc = exec(db, "PRAGMA trusted_schema=OFF");
	return rc;
}

static int open_db(const char *path, bool rw, sqlite3 **db)
{
	pthread_once(&fault_vfs_once, fault_vfs_register);
	int flags = rw ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	flags |= SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path, db, flags, real_vfs ? "ruru-faults" : NULL);
	if (rc == SQLITE_OK)
		rc = defend(*db);
	if (rc == SQLITE_OK)
		rc = ruru_rank_register(*db);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(*db, 10000);
		sqlite3_extended_result_codes(*db, 0);
		/* Closing must not checkpoint (and fsync) in every reader: the
		 * writers' commits checkpoint as the WAL grows. */
		sqlite3_db_config(*db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
		/* Derived data: a power cut may lose the last update (it is
		 * redone from the files), never the database's integrity. */
		sqlite3_exec(*db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	}
	return rc;
}

static const char *const index_files[] = { "index.sqlite3", "index.sqlite3-wal",
					     "index.sqlite3-shm" };

static void unlink_index(struct ruru_store *cs)
{
	for (size_t i = 0; i < 3; i++) {
		struct ruru_error e = { 0 };
		ruru_store_remove(cs, index_files[i], &e); /* a missing file is what we want */
	}
}

/* Full build into an in-memory database (read-only workspace). */
/* Bring the first level, and with `text` the second, up to date with the
 * scan (inside the caller's write transaction).  `rows` are the `files`
 * rows when `loaded`, else they are read here.  SQLite result code. */
static int update_levels(sqlite3 *db, int rootfd, const struct ruru_ws *ws, const struct scan *s,
			 bool text, struct frows *rows, bool loaded, struct ruru_index_stats *st)
{
	struct frows m = { 0 };
	int rc = load_rows(db, &m, ROWS_SESSIONS);
	if (rc == SQLITE_OK)
		rc = apply_meta(db, rootfd, text ? NULL : ws, s, &m, st);
	frows_release(&m);
	if (rc == SQLITE_OK && text) {
		if (!loaded) {
			frows_release(rows);
			rc = load_rows(db, rows, ROWS_FILES);
		}
		if (rc == SQLITE_OK)
			rc = apply_changes(db, rootfd, ws, s, rows, st);
	}
	return rc;
}

static int build_in_memory(struct ruru_index *ix, int rootfd, const struct ruru_ws *ws,
			   const struct scan *s, bool text, struct ruru_index_stats *st,
			   struct ruru_error *err)
{
	if (ix->db)
		sqlite3_close(ix->db);
	ix->db = NULL;
	ix->in_memory = true;
	memset(st, 0, sizeof(*st));
	st->in_memory = st->rebuilt = true;
	int rc = sqlite3_open_v2(":memory:", &ix->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc == SQLITE_OK)
		rc = ruru_rank_register(ix->db);
	if (rc == SQLITE_OK)
		rc = create_schema(ix->db);
	if (rc == SQLITE_OK)
		rc = exec(ix->db, "BEGIN");
	struct frows none = { 0 };
	if (rc == SQLITE_OK)
		rc = defend(ix->db);
	if (rc == SQLITE_OK)
		rc = update_levels(ix->db, rootfd, ws, s, text, &none, false, st);
	frows_release(&none);
	if (rc == SQLITE_OK)
		rc = exec(ix->db, "COMMIT");
	if (rc != SQLITE_OK)
		return ruru_index_error(ix->db, err, "cannot build in memory");
	return 0;
}

/* ---------------------------------------------------- where it lives */

/*
 * The index of a workspace lives in the user's cache folder, never in the
 * work tree: <cache>/ruru/<SHA-256 of the root's real path>/, so that each
 * clone and worktree has its own and nothing a repository holds (a planted
 * index, a .git file naming another folder) chooses the file ruru opens.
 * The folder also holds `root`, the real path it belongs to, for
 * ruru_index_prune().
 */

/* Open the folder `name` of `dfd`, made (0700) when missing, never
 * through a symlink. */
static int cache_sub(int dfd, const char *name, const char *shown, struct ruru_error *err)
{
	if (mkdirat(dfd, name, 0700) < 0 && errno != EEXIST)
		return ruru_error_set(err, RURU_EFAIL, "cannot make the cache folder %s: %s", shown,
				      strerror(errno));
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return ruru_error_set(err, RURU_EREFUSED, "refusing to use the cache folder %s: %s",
				      shown,
				      fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
						      S_ISLNK(st.st_mode)
					      ? "it is a symlink"
					      : "it is not a folder");
	if (fd < 0)
		return ruru_error_set(err, RURU_EFAIL, "cannot open the cache folder %s: %s", shown,
				      strerror(errno));
	return fd;
}

/* "<cache_home>/ruru" (caller frees). */
static char *cache_base(const char *home)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addf(&b, "%s/ruru", home);
	return ruru_buf_detach(&b, NULL);
}

/* The index folder of `ws` into *dir, opened (its fd returned).  0 with
 * no fd (-1 in *fd) when there is no cache folder to use: the index is
 * then kept in memory.  -1 with `err` when it is refused. */
static int cache_open(const struct ruru_ws *ws, struct ruru_buf *dir, int *fd,
		      struct ruru_error *err)
{
	*fd = -1;
	const char *home = ws->opts.cache_dir;
	char *real = home ? realpath(ws->root, NULL) : NULL;
	if (!real)
		return 0;
	char hex[65];
	ruru_sha256_hex(real, strlen(real), hex);
	char *base = cache_base(home);
	struct ruru_error mk = { 0 };
	int hfd = -1, bfd = -1, rc = 0;
	/* The user's own cache folder, as named (it may be a symlink of
	 * theirs); below it, ruru's folders are never symlinks. */
	if (ruru_file_mkdirs(home, &mk) < 0 ||
	    (hfd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out; /* no cache folder: in memory */
	struct ruru_error e = { 0 };
	bfd = cache_sub(hfd, "ruru", base, &e);
	ruru_buf_reset(dir);
	ruru_buf_addf(dir, "%s/%s", base, hex);
	int cfd = bfd < 0 ? -1 : cache_sub(bfd, hex, dir->ptr, &e);
	if (cfd < 0) {
		if (e.code == RURU_EREFUSED) {
			*err = e;
			rc = -1;
		}
		goto out;
	}
	*fd = cfd;
out:
	if (bfd >= 0)
		close(bfd);
	if (hfd >= 0)
		close(hfd);
	free(base);
	free(real);
	return rc;
}

int ruru_index_path(struct ruru_ws *ws, struct ruru_buf *out, struct ruru_error *err)
{
	ruru_buf_reset(out);
	int fd;
	struct ruru_buf dir = RURU_BUF_INIT;
	if (cache_open(ws, &dir, &fd, err) < 0) {
		ruru_buf_release(&dir);
		return -1;
	}
	if (fd >= 0) {
		close(fd);
		ruru_buf_addf(out, "%s/index.sqlite3", dir.ptr);
	}
	ruru_buf_release(&dir);
	return 0;
}

int ruru_index_prune(struct ruru_ws *ws, size_t *removed, struct ruru_error *err)
{
	const char *cache_home = ws->opts.cache_dir;
	*removed = 0;
	if (!cache_home)
		return 0;
	char *base = cache_base(cache_home);
	int bfd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (bfd < 0) {
		int e = errno;
		free(base);
		if (e == ENOENT)
			return 0;
		return ruru_error_set(err, e == ELOOP ? RURU_EREFUSED : RURU_EFAIL,
				      "cannot read the cache folder %s/ruru: %s", cache_home,
				      e == ELOOP ? "it is a symlink" : strerror(e));
	}
	DIR *d = fdopendir(bfd);
	if (!d) {
		close(bfd);
		free(base);
		return ruru_error_set(err, RURU_EFAIL, "cannot read the cache folder: %s",
				      strerror(errno));
	}
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) && rc == 0) {
		/* Only ruru's own folders: 64 hex digits, holding `root`. */
		size_t n = strlen(de->d_name);
		if (n != 64 || strspn(de->d_name, "0123456789abcdef") != 64)
			continue;
		int cfd = openat(bfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue;
		char root[4097];
		ssize_t got = -1;
		int rfd = openat(cfd, "root", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (rfd >= 0) {
			got = read(rfd, root, sizeof(root) - 1);
			close(rfd);
		}
		bool gone = false;
		if (got > 1 && root[got - 1] == '\n' && root[0] == '/') {
			root[got - 1] = '\0';
			char hex[65];
			ruru_sha256_hex(root, strlen(root), hex);
			struct stat st;
			gone = !strcmp(hex, de->d_name) && stat(root, &st) < 0 &&
			       (errno == ENOENT || errno == ENOTDIR);
		}
		if (gone) {
			static const char *const files[] = { "index.sqlite3", "index.sqlite3-wal",
							     "index.sqlite3-shm", "index.lock", "root" };
			for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
				if (unlinkat(cfd, files[i], 0) < 0 && errno != ENOENT)
					rc = ruru_error_set(err, RURU_EFAIL, "cannot remove %s/%s/%s: %s",
							    base, de->d_name, files[i], strerror(errno));
			if (rc == 0 && unlinkat(bfd, de->d_name, AT_REMOVEDIR) < 0)
				rc = ruru_error_set(err, RURU_EFAIL, "cannot remove %s/%s: %s", base,
						    de->d_name, strerror(errno));
			if (rc == 0)
				(*removed)++;
		}
		close(cfd);
	}
	closedir(d);
	free(base);
	return rc;
}

/* ------------------------------------------------------ schema check */

/* sqlite_master as one string: every object's type, name, table and SQL
 * (the root pages left out).  SQLite result code. */
static int schema_text(sqlite3 *db, struct ruru_buf *out)
{
	sqlite3_stmt *q;
	ruru_buf_reset(out);
	int rc = sqlite3_prepare_v2(db,
				    "SELECT type, name, tbl_name, ifnull(sql, '') FROM sqlite_master"
				    " ORDER BY type, name",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		for (int c = 0; c < 4; c++) {
			const unsigned char *t = sqlite3_column_text(q, c);
			ruru_buf_addstr(out, t ? (const char *)t : "");
			ruru_buf_addch(out, c < 3 ? '\037' : '\036');
		}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static struct ruru_buf own_schema = RURU_BUF_INIT;
static pthread_once_t own_schema_once = PTHREAD_ONCE_INIT;

/* ruru's own schema as schema_text() reads it, made once in memory. */
static void own_schema_make(void)
{
	sqlite3 *db;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) ==
		    SQLITE_OK &&
	    create_schema(db) == SQLITE_OK)
		schema_text(db, &own_schema);
	sqlite3_close(db);
}

/* Is the schema of `db` exactly ruru's (nothing added, nothing changed)?
 * An empty database counts when `empty_ok`. */
static bool schema_is_ours(sqlite3 *db, bool empty_ok, int *rc)
{
	pthread_once(&own_schema_once, own_schema_make);
	struct ruru_buf t = RURU_BUF_INIT;
	*rc = schema_text(db, &t);
	bool ours = *rc == SQLITE_OK && own_schema.len &&
		    ((empty_ok && t.len == 0) ||
		     (t.len == own_schema.len && !memcmp(t.ptr, own_schema.ptr, t.len)));
	ruru_buf_release(&t);
	return ours;
}

void ruru_index_close(struct ruru_index *ix)
{
	if (ix->db)
		sqlite3_close(ix->db);
	ix->db = NULL;
}

/* Can this process write the index?  (A read-only workspace cannot.) */
static bool cannot_write(int rc, int sys_errno)
{
	rc &= 0xff;
	return rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN || rc == SQLITE_PERM ||
	       rc == SQLITE_AUTH || sys_errno == EROFS || sys_errno == EACCES || sys_errno == EPERM;
}

int ruru_index_open(struct ruru_index *ix, struct ruru_ws *ws, unsigned flags,
		    struct ruru_index_stats *stp, struct ruru_error *err)
{
	bool rebuild = flags & RURU_INDEX_REBUILD, logs_only = flags & RURU_INDEX_LOGS_ONLY;
	if (rebuild)
		logs_only = false;
	struct ruru_index_stats dummy;
	struct ruru_index_stats *st = stp ? stp : &dummy;
	memset(st, 0, sizeof(*st));
	memset(ix, 0, sizeof(*ix));
	struct ruru_error rerr = { 0 };
	int rootfd = ruru_store_open_dir(ws->store, "", &rerr);
	if (rootfd < 0)
		return ruru_error_set(err, RURU_EFAIL, "cannot open the workspace root: %s",
				      strerror(errno));
	struct scan s = { 0 };
	struct frows rows = { 0 };
	struct ruru_lock lock = RURU_LOCK_INIT;
	struct ruru_buf cdir = RURU_BUF_INIT;
	struct ruru_store *cs = NULL; /* the index's folder in the cache */
	char *dbpath = NULL;
	int result = -1, rc = SQLITE_OK, cfd = -1;
	struct frows none = { 0 };
	int level = logs_only ? 0 : 1;
	uint64_t wgen = 0;
	bool synced = false, wlocked = false; /* with a watch (watch.c) */
	if (cache_open(ws, &cdir, &cfd, err) < 0)
		goto out;
	if (cfd < 0) { /* no cache folder: nothing to keep it in */
		scan_workspace(rootfd, &s, logs_only, &none, true);
		result = build_in_memory(ix, rootfd, ws, &s, !logs_only, st, err);
		goto out;
	}
	if (check_not_symlink(cfd, cdir.ptr, "index.sqlite3", err) < 0 ||
	    check_not_symlink(cfd, cdir.ptr, "index.sqlite3-wal", err) < 0 ||
	    check_not_symlink(cfd, cdir.ptr, "index.sqlite3-shm", err) < 0 ||
	    check_not_symlink(cfd, cdir.ptr, "index.lock", err) < 0)
		goto out;
	/* Its files (the lock, the deletes of a rebuild, the name of the
	 * root) go through a store of their own, walked like a workspace. */
	if (!(cs = ruru_store_open(cdir.ptr, ws->opts.lock_timeout_ms, err)))
		goto out;
	struct stat rst;
	if (fstatat(cfd, "root", &rst, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
		char *real = realpath(ws->root, NULL);
		struct ruru_buf text = RURU_BUF_INIT;
		struct ruru_error e = { 0 };
		ruru_buf_addf(&text, "%s\n", real ? real : ws->root);
		ruru_store_write_cache(cs, "root", text.ptr, text.len, &e); /* best effort */
		ruru_buf_release(&text);
		free(real);
	}
	struct ruru_buf pb = RURU_BUF_INIT;
	ruru_buf_addf(&pb, "%s/index.sqlite3", cdir.ptr);
	dbpath = ruru_buf_detach(&pb, NULL);

	/* Watched (a long-running front end): nothing reported since this
	 * level was last brought up to date, and the index is ours: no
	 * sweep at all. */
	if (ws->watch) {
		ruru_watch_index_lock(ws->watch);
		wlocked = true;
		if (!rebuild && ruru_watch_fresh(ws->watch, level, &wgen) &&
		    open_db(dbpath, true, &ix->db) == SQLITE_OK) {
			if (index_version(ix->db, &rc) == INDEX_VERSION &&
			    schema_is_ours(ix->db, false, &rc)) {
				result = 0;
				goto out;
			}
			sqlite3_close(ix->db);
			ix->db = NULL;
		}
	}

	/* Fast path: the index is there, readable, current, and agrees
	 * with every file's stat: no lock, no write.  Its rows spare the
	 * readdir of every folder that did not change. */
	bool fresh = false, scanned = false, usable = false;
	int64_t seen_version = -1; /* data_version when `rows` were read, if they were */
	if (!rebuild && open_db(dbpath, true, &ix->db) == SQLITE_OK) {
		int v = index_version(ix->db, &rc);
		if (v == INDEX_VERSION && schema_is_ours(ix->db, false, &rc)) {
			usable = true;
			rc = exec(ix->db, "BEGIN");
			if (rc == SQLITE_OK && logs_only) {
				/* Compare only; when something changed, the update
				 * walks again for the paths (rare for `list`). */
				struct logrows lr = { 0 };
				rc = load_logrows(ix->db, &lr);
				if (rc == SQLITE_OK && !lr.odd)
					scan_logs(rootfd, &s, true, &none, &lr, false, &fresh);
				logrows_release(&lr);
			} else if (rc == SQLITE_OK) {
				rc = load_rows(ix->db, &rows, ROWS_FILES);
				if (rc == SQLITE_OK) {
					seen_version = data_version(ix->db);
					scan_workspace(rootfd, &s, logs_only, &rows, true);
					scanned = true;
					fresh = count_changes(&s, &rows) == 0;
				}
			}
			exec(ix->db, "COMMIT");
			if (fresh) {
				result = 0;
				synced = true;
				goto out;
			}
		}
	}
	if (!scanned)
		scan_workspace(rootfd, &s, logs_only, &none, true);
	scan_sort(&s); /* the update merges it with the rows, both by path */

	/* Update (or rebuild) under the writer lock. */
	if (ruru_store_lock(cs, &lock, "index.lock", err) < 0) {
		if (cannot_write(0, errno)) {
			result = build_in_memory(ix, rootfd, ws, &s, !logs_only, st, err);
		} else if (usable && err && err->code == RURU_ECONFLICT) {
			/* Another process has been updating for longer than the
			 * lock wait (a first build of a big workspace): answer
			 * from the last complete index rather than fail. */
			ruru_error_clear(err);
			result = 0;
		}
		goto out;
	}
	/* The index is derived data: when it cannot be used (corrupt, not
	 * ours, old version) it is deleted and made again, once. */
	bool fresh_file = rebuild;
	for (int attempt = 0; attempt < 2; attempt++) {
		/* The connection and rows of the check serve the first attempt
		 * when no other process has committed since (below). */
		bool keep = attempt == 0 && !fresh_file && seen_version >= 0 && ix->db;
		if (!keep) {
			if (ix->db)
				sqlite3_close(ix->db);
			ix->db = NULL;
			frows_release(&rows);
		}
		memset(st, 0, sizeof(*st));
		if (fresh_file)
			unlink_index(cs);
		st->rebuilt = fresh_file;
		fresh_file = true; /* for the next attempt */
		int v = INDEX_VERSION;
		rc = SQLITE_OK;
		if (!keep) {
			rc = open_db(dbpath, true, &ix->db);
			v = rc == SQLITE_OK ? index_version(ix->db, &rc) : -1;
		}
		/* Nothing but ruru's own schema (or none yet): a table, view or
		 * trigger added to it is a reason to make the file again. */
		if (rc == SQLITE_OK && !schema_is_ours(ix->db, v == 0, &rc))
			rc = rc == SQLITE_OK ? SQLITE_SCHEMA : rc;
		if (rc == SQLITE_OK && v == 0) {
			rc = exec(ix->db, "BEGIN IMMEDIATE");
			if (rc == SQLITE_OK)
				rc = create_schema(ix->db);
			if (rc == SQLITE_OK)
				rc = exec(ix->db, "COMMIT");
			v = INDEX_VERSION;
			st->rebuilt = true;
		}
		if (rc == SQLITE_OK && v != INDEX_VERSION)
			rc = SQLITE_SCHEMA; /* made by another version of ruru */
		if (rc == SQLITE_OK)
			rc = exec(ix->db, "BEGIN IMMEDIATE");
		if (rc == SQLITE_OK) {
			bool loaded = keep && data_version(ix->db) == seen_version;
			rc = update_levels(ix->db, rootfd, ws, &s, !logs_only, &rows, loaded, st);
			if (rc == SQLITE_OK)
				rc = exec(ix->db, "COMMIT");
		}
		if (rc == SQLITE_OK) {
			result = 0;
			synced = true;
			break;
		}
		ruru_index_error(ix->db, err, "cannot update");
		if (ix->db && !sqlite3_get_autocommit(ix->db))
			exec(ix->db, "ROLLBACK");
		if (cannot_write(rc, 0)) {
			result = build_in_memory(ix, rootfd, ws, &s, !logs_only, st, err);
			break;
		}
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_FULL ||
		    (rc & 0xff) == SQLITE_NOMEM)
			break; /* the index is fine; this process cannot go on */
	}
out:
	if (wlocked) {
		if (synced)
			ruru_watch_mark(ws->watch, level, wgen);
		ruru_watch_index_unlock(ws->watch);
	}
	ruru_lock_release(&lock);
	if (result < 0 && ix->db) {
		sqlite3_close(ix->db);
		ix->db = NULL;
	}
	if (cfd >= 0)
		close(cfd);
	if (cs)
		ruru_store_close(cs);
	ruru_buf_release(&cdir);
	close(rootfd);
	scan_release(&s);
	frows_release(&rows);
	free(dbpath);
	return result;
}

int ruru_reindex(struct ruru_ws *ws, struct ruru_index_stats *st, struct ruru_error *err)
{
	struct ruru_index ix;
	if (ruru_index_open(&ix, ws, RURU_INDEX_REBUILD, st, err) < 0)
		return -1;
	ruru_index_close(&ix);
	return 0;
}
