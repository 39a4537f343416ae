/*
 * update.c — the second level, the text: one FTS5 document per entry,
 * session and text artifact, brought up to date from the difference
 * between a scan and the `files` rows (the caller holds the write
 * transaction).  A log that only grew is indexed from its last entry on
 * (index.c's top comment says when); a log too big to read whole streams
 * through windows cut at an entry.  Each document's rowid carries its
 * length in tokens for ranking (rank.c).  The updater (statements,
 * buffers, progress) is shared with meta.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "alloc.h"
#include "index_int.h"
#include "session.h"
#include "store.h"
#include "workspace.h"
#include "text.h"
#include "banned.h"

/* ------------------------------------------------------------ updating */

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
	[Q_DEL_LAYOUTS] = "DELETE FROM layouts",
	[Q_INS_LAYOUT] = "INSERT INTO layouts(layout, dev, ino, mtime, nolog) VALUES(?, ?, ?, ?, ?)",
};


static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Report progress when the update has run longer than the front end's
 * delay, at most every tenth of a second; `last` closes a report. */
void idx_tick(struct updater *u, bool last)
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

bool idx_run(struct updater *u, sqlite3_stmt *q)
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

void idx_bind_text(sqlite3_stmt *q, int i, const char *s)
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
		idx_run(u, u->q[k]);
	}
}

static void drop_file(struct updater *u, int64_t id)
{
	drop_docs(u, id, -1);
	sqlite3_bind_int64(u->q[Q_DEL_FILE], 1, id);
	idx_run(u, u->q[Q_DEL_FILE]);
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
	idx_bind_text(q, 7, type);
	idx_bind_text(q, 8, mode);
	idx_bind_text(q, 9, task);
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
	if (!idx_run(u, q))
		return;
	q = u->q[Q_INS_FTS];
	sqlite3_bind_int64(q, 1, rowid);
	sqlite3_bind_text(q, 2, clean, (int)len, SQLITE_TRANSIENT);
	idx_bind_text(q, 3, type);
	idx_bind_text(q, 4, mode);
	idx_bind_text(q, 5, task);
	idx_run(u, q);
	if (ruru_index_nospace(clean, len)) {
		q = u->q[Q_INS_TRI];
		sqlite3_bind_int64(q, 1, rowid);
		sqlite3_bind_text(q, 2, clean, (int)len, SQLITE_TRANSIENT);
		idx_run(u, q);
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
	idx_run(u, q);
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
int idx_layout_of(const char *path)
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
	s.layout = idx_layout_of(f->path);
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
			s.layout = idx_layout_of(f->path);
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
		idx_tick(u, false);
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
		idx_bind_text(q, 1, f->path);
		sqlite3_bind_int(q, 2, f->kind);
		sqlite3_bind_text(q, 3, f->path, (int)f->sdir_len, SQLITE_TRANSIENT);
		if (!idx_run(u, q)) {
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
int idx_updater_open(struct updater *u, sqlite3 *db, int rootfd, const struct ruru_ws *ws,
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
int idx_updater_close(struct updater *u)
{
	if (u->rc == SQLITE_OK)
		idx_tick(u, true);
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
size_t idx_logs_to_read(const struct scan *s, const struct frows *r)
{
	size_t i = 0, j = 0, n = 0;
	while (i < s->n) {
		int c = j == r->n ? -1 : strcmp(s->v[i].path, r->v[j].path);
		if (c > 0) {
			j++;
			continue;
		}
		n += s->v[i].kind == F_LOG && (c < 0 || !idx_same_stat(&s->v[i], &r->v[j]));
		i++;
		j += c == 0;
	}
	return n;
}

int idx_apply_changes(sqlite3 *db, int rootfd, const struct ruru_ws *ws, const struct scan *s,
			 const struct frows *r, struct ruru_index_stats *st)
{
	struct updater u;
	int rc = idx_updater_open(&u, db, rootfd, ws, st);
	if (rc != SQLITE_OK)
		return rc;
	u.pr.total = idx_logs_to_read(s, r);
	size_t i = 0, j = 0;
	while ((i < s->n || j < r->n) && u.rc == SQLITE_OK) {
		int c = i == s->n ? 1 : j == r->n ? -1 : strcmp(s->v[i].path, r->v[j].path);
		bool read = c < 0 || (c == 0 && !idx_same_stat(&s->v[i], &r->v[j]));
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
			idx_tick(&u, false);
		}
	}
	return idx_updater_close(&u);
}

/* One session's row from its log's front matter only: the log is read
 * up to the closing "+++", whatever its size. */
