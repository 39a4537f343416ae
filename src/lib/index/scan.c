/*
 * scan.c — what is on disk: the walk of the session folders of every
 * layout from the root (one fstatat per folder, log and artifact; a
 * folder whose stat is unchanged is not read again: the rows of the last
 * update list its names), shared by two threads, and the rows of the
 * index it is compared with.  `list` stats the logs only and compares
 * each with its row as it goes (no scan kept).  Symlinks, FIFOs and
 * anything but regular files and folders are never opened.
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

#include "alloc.h"
#include "index_int.h"
#include "session.h"
#include "store.h"
#include "banned.h"

/* ------------------------------------------------------------ the walk */


/* A folder modified this recently may change again within the same
 * timestamp tick after it was read: its row gets no usable mtime, so
 * it is read again next time (git's "racily clean" entries). */
#define RACY_NS 2000000000LL


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



void idx_frows_release(struct frows *r)
{
	arena_release(&r->arena);
	free(r->v);
	memset(r, 0, sizeof(*r));
}





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

void idx_scan_release(struct scan *s)
{
	arena_release(&s->arena);
	free(s->v);
	free(s->nl);
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



void idx_logrows_release(struct logrows *lr)
{
	arena_release(&lr->arena);
	free(lr->v);
	free(lr->slot);
	free(lr->nl);
	memset(lr, 0, sizeof(*lr));
}

static uint64_t hash_sid(int layout, const char *sid, size_t len)
{
	return hash_path(sid, len) ^ ((uint64_t)layout * 0x9e3779b97f4a7c15ULL);
}

static void nolog_add(struct nolog **v, size_t *n, size_t *cap, const char *name, int layout)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = ruru_xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = (struct nolog){ name, layout };
}

/* The `layouts` rows into lr->lay and lr->nl.  SQLite result code. */
static int load_layouts(sqlite3 *db, struct logrows *lr)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(db, "SELECT layout, dev, ino, mtime, nolog FROM layouts", -1, &q,
				    NULL);
	if (rc != SQLITE_OK)
		return rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int l = sqlite3_column_int(q, 0);
		if (l < 0 || l >= RURU_LAYOUT_COUNT)
			continue;
		lr->lay[l] = (struct layout_seen){ true, sqlite3_column_int64(q, 1),
						   sqlite3_column_int64(q, 2),
						   sqlite3_column_int64(q, 3) };
		const char *p = sqlite3_column_blob(q, 4);
		size_t len = (size_t)sqlite3_column_bytes(q, 4);
		for (size_t at = 0; p && at < len;) {
			const char *z = memchr(p + at, '\0', len - at);
			size_t n = z ? (size_t)(z - (p + at)) : len - at;
			if (n && !memchr(p + at, '/', n))
				nolog_add(&lr->nl, &lr->nnl, &cap, arena_add(&lr->arena, p + at, n), l);
			at += n + 1;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Sort the rows by the inode number of their log: a radix sort of
 * (number, position) pairs, 16 bits a pass (a qsort of 100,000 rows costs
 * more than it saves). */
struct inokey {
	uint64_t key;
	size_t at;
};

static void sort_logrows_by_ino(struct logrows *lr)
{
	size_t n = lr->n;
	if (n < 2)
		return;
	struct inokey *a = ruru_xmalloc(2 * n * sizeof(*a)), *b = a + n, *block = a;
	uint64_t any = 0;
	for (size_t i = 0; i < n; i++) {
		a[i] = (struct inokey){ (uint64_t)lr->v[i].ino, i };
		any |= a[i].key;
	}
	size_t *count = ruru_xmalloc((1u << 16) * sizeof(*count));
	for (int shift = 0; shift < 64; shift += 16) {
		if (!((any >> shift) & 0xffff))
			continue; /* every key has zeros there */
		memset(count, 0, (1u << 16) * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(a[i].key >> shift) & 0xffff]++;
		size_t sum = 0;
		for (size_t d = 0; d < (1u << 16); d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[(a[i].key >> shift) & 0xffff]++] = a[i];
		struct inokey *t = a;
		a = b;
		b = t;
	}
	free(count);
	struct logrow *out = ruru_xmalloc(lr->cap * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = lr->v[a[i].at];
	free(block);
	free(lr->v);
	lr->v = out;
}

/* Returns the SQLite result code. */
int idx_load_logrows(sqlite3 *db, struct logrows *lr)
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
	/* `list`'s check stats the logs in this order: that of their inode
	 * numbers, the order the file system made them in, so mostly the
	 * order their folders' and files' records sit in the kernel's memory
	 * (a fifth less system time over 100,000 logs than table order). */
	sort_logrows_by_ino(lr);
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
	return load_layouts(db, lr);
}

static const struct logrow *logrow_find(const struct logrows *lr, int layout, const char *sid,
					size_t len, uint64_t hash)
{
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
	size_t len;               /* lr: its name's length and hash_sid(), */
	uint64_t hash;
	const struct logrow *lrow; /* and its row when known */
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
		const struct logrow *r =
			w->lrow ? w->lrow : logrow_find(w->lr, w->layout, name, w->len, w->hash);
		if (r && r->dev == (int64_t)st.st_dev && r->ino == (int64_t)st.st_ino &&
		    r->size == (int64_t)st.st_size && r->mtime == mtime_ns(&st))
			w->matched++;
		else
			w->changed++;
		return;
	}
	if (!has_log) /* a log made in it later must be seen */
		nolog_add(&w->s->nl, &w->s->nnl, &w->s->capnl,
			  arena_add(&w->s->arena, name, strlen(name)), w->layout);
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
	/* `list`'s check: the name's length and hash_sid(), and its row when
	 * the job comes from the rows */
	uint32_t len;
	uint64_t hash;
	const struct logrow *lrow;
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
	return &k->w.lr->slot[j->hash & k->w.lr->mask];
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
		if (k->w.lr && !job->lrow)
			prefetch_rows(k, i);
		size_t first = k->s.n;
		k->w.hint = job->row;
		k->w.layout = job->layout;
		k->w.len = job->len;
		k->w.hash = job->hash;
		k->w.lrow = job->lrow;
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
	for (size_t i = 0; i < from->nnl; i++)
		nolog_add(&to->nl, &to->nnl, &to->capnl, from->nl[i].name, from->nl[i].layout);
	free(from->nl);
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
void idx_scan_sort(struct scan *s)
{
	if (!sorted(s))
		qsort(s->v, s->n, sizeof(*s->v), cmp_fent);
}


void idx_scan_workspace(int rootfd, struct scan *s, bool logs_only, const struct frows *rows,
			   bool sort)
{
	idx_scan_logs(rootfd, s, logs_only, rows, NULL, sort, NULL);
}

/* idx_scan_workspace(), and with `lr` (logs_only) whether every log is as its
 * row says: *fresh. */
void idx_scan_logs(int rootfd, struct scan *s, bool logs_only, const struct frows *rows,
		      const struct logrows *lr, bool sort, bool *fresh)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct walk w = { .s = s, .rows = rows, .now = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec,
			  .logs_only = logs_only, .lr = lr };
	bool gone = false; /* `list`'s check: a layout folder of the rows is gone */
	struct sjob *jobs = NULL;
	size_t njobs = 0, cap = 0;
	struct arena names = { 0 };
	int lfds[RURU_LAYOUT_COUNT];
	/* the session folders of every layout ruru reads (doc/design.md §1) */
	for (int layout = 0; layout < RURU_LAYOUT_COUNT; layout++) {
		const char *dir = ruru_layout_dir((enum ruru_layout)layout);
		int lfd = lfds[layout] = ruru_openat_beneath(rootfd, dir, O_RDONLY | O_DIRECTORY);
		struct stat st;
		if (lfd < 0 || fstat(lfd, &st) < 0) {
			gone = gone || (lr && lr->lay[layout].present);
			continue;
		}
		struct layout_seen *seen = &s->lay[layout];
		*seen = (struct layout_seen){ true, (int64_t)st.st_dev, (int64_t)st.st_ino,
					      w.now - mtime_ns(&st) < RACY_NS ? -1 : mtime_ns(&st) };
		bool same = lr && lr->lay[layout].present && lr->lay[layout].mtime >= 0 &&
			    lr->lay[layout].dev == seen->dev && lr->lay[layout].ino == seen->ino &&
			    lr->lay[layout].mtime == mtime_ns(&st);
		/* a folder that can be trusted now, recorded as it was not
		 * (too recent then, or never): worth recording again */
		s->lay_stale = s->lay_stale || (lr && !same && seen->mtime >= 0);
		if (same) {
			/* `list`'s check of an unchanged folder: its session
			 * folders are the rows' and those without a log, no
			 * readdir (the big cost of 100,000 names) */
			if (njobs + lr->n + lr->nnl > cap) {
				cap = njobs + lr->n + lr->nnl;
				jobs = ruru_xrealloc(jobs, cap * sizeof(*jobs));
			}
			for (size_t i = 0; i < lr->n; i++)
				if (lr->v[i].layout == layout)
					jobs[njobs++] = (struct sjob){ lr->v[i].sid, NULL,
								       (unsigned char)layout, true,
								       lr->v[i].len, lr->v[i].hash,
								       &lr->v[i] };
			for (size_t i = 0; i < lr->nnl; i++)
				if (lr->nl[i].layout == layout) {
					size_t n = strlen(lr->nl[i].name);
					jobs[njobs++] = (struct sjob){
						lr->nl[i].name, NULL, (unsigned char)layout, true,
						(uint32_t)n, hash_sid(layout, lr->nl[i].name, n), NULL };
				}
			continue;
		}
		bool known = !logs_only && add_dir(&w, dir, dir, &st);
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
					jobs[njobs++] = (struct sjob){ .name = name, .row = &rows->v[i],
								       .layout = (unsigned char)layout,
								       .is_dir = true };
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
			size_t n = strlen(de->d_name);
			jobs[njobs++] = (struct sjob){ arena_add(&names, de->d_name, n), NULL,
						       (unsigned char)layout, de->d_type == DT_DIR,
						       (uint32_t)n,
						       lr ? hash_sid(layout, de->d_name, n) : 0, NULL };
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
		*fresh = lr && !gone && changed == 0 && matched == lr->n;
	for (int layout = 0; layout < RURU_LAYOUT_COUNT; layout++)
		if (lfds[layout] >= 0)
			close(lfds[layout]);
	free(jobs);
	arena_release(&names);
	if (sort)
		idx_scan_sort(s);
}

/* ------------------------------------------------------- indexed files */

static int cmp_frow(const void *a, const void *b)
{
	return strcmp(((const struct frow *)a)->path, ((const struct frow *)b)->path);
}

/* The `files` table (ROWS_FILES), or the logs the `sessions` rows were
 * read from (ROWS_SESSIONS), sorted by path (SQLite's BINARY order is
 * strcmp's).  Returns the SQLite result code. */
int idx_load_rows(sqlite3 *db, struct frows *r, int which)
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

bool idx_same_stat(const struct fent *f, const struct frow *r)
{
	return f->dev == r->dev && f->ino == r->ino && f->size == r->size && f->mtime == r->mtime;
}

/* How many files differ between the disk and the index. */
size_t idx_count_changes(const struct scan *s, const struct frows *r)
{
	size_t i = 0, j = 0, changes = 0;
	while (i < s->n || j < r->n) {
		int c = i == s->n ? 1 : j == r->n ? -1 : strcmp(s->v[i].path, r->v[j].path);
		if (c == 0) {
			changes += !idx_same_stat(&s->v[i], &r->v[j]);
			i++, j++;
		} else {
			changes++;
			c < 0 ? i++ : j++;
		}
	}
	return changes;
}

