/*
 * index.h — library-internal: the derived search index (in the user's
 * cache folder, never the work tree), kept by index.c and read by search.c.
 *
 *	struct ruru_index ix;
 *	if (ruru_index_open(&ix, ws, false, &stats, err) < 0)   (up to date now)
 *		return -1;
 *	... queries on ix.db ...
 *	ruru_index_close(&ix);
 *
 * The index is derived data only: every open first brings it up to date
 * from the files whose (device, inode, size, mtime) changed, and deleting
 * it loses nothing.
 */
#ifndef RURU_INDEX_H
#define RURU_INDEX_H

#include <sqlite3.h>
#include <stdint.h>

#include "ruru.h"

/* What a row of `docs` is. */
enum { RURU_DOC_ENTRY = 1, RURU_DOC_SESSION = 2, RURU_DOC_ARTIFACT = 3 };

struct ruru_index {
	sqlite3 *db;
	bool in_memory; /* read-only workspace: built in memory for this process */
	/* A watched process keeps one connection open between calls (its
	 * page cache warm): closing parks it in the watch, with the
	 * (device, inode) the index file had when it was opened. */
	struct ruru_watch *park;
	int64_t dev, ino;
};

enum {
	RURU_INDEX_REBUILD = 1,   /* from nothing */
	RURU_INDEX_LOGS_ONLY = 2, /* bring only the logs up to date (`list`) */
};
/* Open the index of `ws` and bring it up to date.  `st` (may be NULL)
 * gets what was indexed. */
int ruru_index_open(struct ruru_index *ix, struct ruru_ws *ws, unsigned flags,
		    struct ruru_index_stats *st, struct ruru_error *err);
void ruru_index_close(struct ruru_index *ix);

/* ---- ranking (rank.c) ---- */

/* A document's length in tokens rides in the low bits of its rowid
 * (docs.id = fts rowid); RURU_DOC_LEN_MAX there means "longer: ask FTS5". */
#define RURU_DOC_LEN_BITS 12
#define RURU_DOC_LEN_MAX ((1 << RURU_DOC_LEN_BITS) - 1)

/* FTS5's tokenizer as the fts table uses it, to count a text's tokens
 * the way FTS5 counts a column's size. */
struct ruru_tokens {
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
};
int ruru_tokens_init(struct ruru_tokens *tk, sqlite3 *db); /* SQLite result code */
int64_t ruru_tokens_count(struct ruru_tokens *tk, const char *text, size_t len);
void ruru_tokens_release(struct ruru_tokens *tk);

/* Register ruru_bm25(fts): FTS5's bm25() to the last bit, the length
 * read from the rowid (rank.c explains).  SQLite result code. */
int ruru_rank_register(sqlite3 *db);
/* How many rows ruru_bm25() ranked in this thread since the reset: a
 * ranked query that reads every match (ORDER BY rank LIMIT) counts its
 * matches on the way, with no second pass to count them. */
void ruru_rank_rows_reset(void);
int64_t ruru_rank_rows(void);

/* Does the text hold a character of a script written without spaces
 * (Chinese, Japanese, Thai, ...)?  Such documents are also in fts_tri,
 * and queries holding one are asked of it. */
bool ruru_index_nospace(const char *s, size_t len);

/* ---- the watch (watch.c) ---- */

/* The generation now (reading the kernel's reports first), and whether
 * index level `level` (0: front matter, 1: text) was made fresh at it. */
bool ruru_watch_fresh(struct ruru_watch *w, int level, uint64_t *gen);
/* Level `level` (and those below it) is up to date as of `gen`. */
void ruru_watch_mark(struct ruru_watch *w, int level, uint64_t gen);
/* The connection parked by the last call, if it is open on the index file
 * that is there now (`dev`, `ino`; `have` false: none is): else NULL (and
 * the parked one is closed).  Taken: no other thread gets it meanwhile. */
sqlite3 *ruru_watch_take_db(struct ruru_watch *w, bool have, int64_t dev, int64_t ino);
/* Park `db` for the next call; false when one is parked already. */
bool ruru_watch_park_db(struct ruru_watch *w, sqlite3 *db, int64_t dev, int64_t ino);
/* One index update of the process at a time while it is watched. */
void ruru_watch_index_lock(struct ruru_watch *w);
void ruru_watch_index_unlock(struct ruru_watch *w);

/* RURU_EFAIL error naming the index and SQLite's message. */
int ruru_index_error(sqlite3 *db, struct ruru_error *err, const char *what);

#endif
