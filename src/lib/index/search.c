/*
 * search.c — `ruru search` and the indexed `ruru list` (doc/design.md §14): the
 * query language, compiled by ruru into an FTS5 expression in which every
 * term is a quoted string (so no user text is ever FTS5 or SQL syntax: the
 * expression is bound as a parameter), the ranked query with its filters,
 * and sessions read back from the index.  The index itself is index.c's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "index.h"
#include "session.h"
#include "logtx.h"
#include "workspace.h"
#include "text.h"
#include "banned.h"

/* ------------------------------------------------------- query language */

#define QUERY_MAX_BYTES 65536
#define QUERY_MAX_TERMS 4096

struct term {
	const char *s; /* the term's text (a word or a phrase's content) */
	size_t len;
	bool neg, prefix, or_op;
};

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Does the text hold a word the tokenizer will see (a letter or digit)? */
static bool has_word(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || isalnum(c))
			return true;
	}
	return false;
}

static void add_quoted(struct ruru_buf *out, const struct term *t)
{
	ruru_buf_addch(out, '"');
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] == '"')
			ruru_buf_addch(out, '"');
		ruru_buf_addch(out, t->s[i]);
	}
	ruru_buf_addch(out, '"');
	if (t->prefix)
		ruru_buf_addch(out, '*');
}

int ruru_search_compile(const char *q, size_t len, struct ruru_buf *out, struct ruru_error *err)
{
	ruru_buf_reset(out);
	if (len > QUERY_MAX_BYTES)
		return ruru_error_set(err, RURU_EUSAGE, "query longer than %d bytes", QUERY_MAX_BYTES);
	if (memchr(q, '\0', len))
		return ruru_error_set(err, RURU_EUSAGE, "query holds a NUL byte");
	struct term *t = ruru_xmalloc(sizeof(*t) * (len / 2 + 2));
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		if (is_space((unsigned char)q[i])) {
			i++;
			continue;
		}
		struct term cur = { 0 };
		if (q[i] == '-' && i + 1 < len && !is_space((unsigned char)q[i + 1])) {
			cur.neg = true;
			i++;
		}
		if (q[i] == '"') {
			const char *close = memchr(q + i + 1, '"', len - i - 1);
			if (!close) {
				free(t);
				return ruru_error_set(err, RURU_EUSAGE,
						      "unclosed quote at byte %zu of the query", i + 1);
			}
			cur.s = q + i + 1;
			cur.len = (size_t)(close - cur.s);
			i = (size_t)(close - q) + 1;
			while (i < len && q[i] == '*') {
				cur.prefix = true;
				i++;
			}
			if (i < len && !is_space((unsigned char)q[i])) {
				free(t);
				return ruru_error_set(err, RURU_EUSAGE,
						      "expected a space after the closing quote at byte %zu "
						      "of the query",
						      i);
			}
		} else {
			size_t start = i;
			while (i < len && !is_space((unsigned char)q[i]))
				i++;
			cur.s = q + start;
			cur.len = i - start;
			if (!cur.neg && RURU_IS_LIT(cur.s, cur.len, "OR")) {
				t[n++] = (struct term){ .or_op = true };
				continue;
			}
			while (cur.len && cur.s[cur.len - 1] == '*') {
				cur.prefix = true;
				cur.len--;
			}
		}
		/* A term with no letter or digit finds nothing to match: it
		 * is left out ("*", "-", a lone quote pair). */
		if (has_word(cur.s, cur.len))
			t[n++] = cur;
	}
	if (n > QUERY_MAX_TERMS) {
		free(t);
		return ruru_error_set(err, RURU_EUSAGE, "query has more than %d terms", QUERY_MAX_TERMS);
	}
	/* Positive terms: groups joined by OR, the groups ANDed; excluded
	 * terms after NOT. */
	struct ruru_buf neg = RURU_BUF_INIT;
	size_t groups = 0, nneg = 0;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (t[i].or_op) {
			bool left = i > 0 && !t[i - 1].or_op && !t[i - 1].neg;
			bool right = i + 1 < n && !t[i + 1].or_op && !t[i + 1].neg;
			if (!left || !right)
				rc = ruru_error_set(err, RURU_EUSAGE,
						    "OR needs a word or phrase on each side (not an "
						    "excluded one)");
			continue;
		}
		if (t[i].neg) {
			ruru_buf_addstr(&neg, nneg++ ? " OR " : "");
			add_quoted(&neg, &t[i]);
			continue;
		}
		bool joined = i > 0 && t[i - 1].or_op;
		bool more = i + 1 < n && t[i + 1].or_op;
		if (!joined)
			ruru_buf_addstr(out, groups++ ? " AND (" : "(");
		else
			ruru_buf_addstr(out, " OR ");
		add_quoted(out, &t[i]);
		if (!more)
			ruru_buf_addch(out, ')');
	}
	if (rc == 0 && groups == 0)
		rc = ruru_error_set(err, RURU_EUSAGE,
				    n ? "the query needs a word to find, not only words to exclude"
				      : "empty query: give a word or \"a phrase\" to find");
	if (rc == 0 && nneg) {
		ruru_buf_addstr(out, " NOT (");
		ruru_buf_add(out, neg.ptr, neg.len);
		ruru_buf_addch(out, ')');
	}
	ruru_buf_release(&neg);
	free(t);
	if (rc < 0)
		ruru_buf_reset(out);
	return rc;
}

/* ---------------------------------------------------------------- search */

bool ruru_search_parse_time(const char *s, bool end_of_day, time_t *out)
{
	size_t len = strlen(s);
	bool zone;
	if (len == 10 && s[4] == '-' && s[7] == '-') {
		char buf[32];
		snprintf(buf, sizeof(buf), "%s %s", s, end_of_day ? "23:59:59Z" : "00:00:00Z");
		return ruru_time_parse(buf, strlen(buf), out, &zone);
	}
	return ruru_time_parse(s, len, out, &zone);
}

/* A snippet on one line: control characters (newlines included) become
 * spaces, runs of spaces one, the marks SQLite put in become `open` and
 * `close`. */
static char *one_line(const char *s, const char *open, const char *close)
{
	struct ruru_buf b = RURU_BUF_INIT;
	bool space = false;
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == 2 || c == 3) {
			ruru_buf_addstr(&b, c == 2 ? open : close);
			space = false;
		} else if (c < 0x20 || c == 0x7f || c == ' ') {
			if (!space && b.len)
				ruru_buf_addch(&b, ' ');
			space = true;
		} else {
			ruru_buf_addch(&b, (char)c);
			space = false;
		}
	}
	while (b.len && b.ptr[b.len - 1] == ' ')
		b.ptr[--b.len] = '\0';
	return ruru_buf_detach(&b, NULL);
}

static char *col_dup(sqlite3_stmt *q, int col)
{
	const unsigned char *s = sqlite3_column_text(q, col);
	return s ? ruru_strdup((const char *)s) : NULL;
}

/* One hit's marked text (a query of its own, for the hits only): `fn` is
 * "highlight" (the whole column) or "snippet" of the table `table`.
 * NULL when there is none. */
static char *hit_text(sqlite3 *db, const char *table, const char *fn, const char *expr,
		      int64_t rowid)
{
	sqlite3_stmt *q;
	char *out = NULL;
	struct ruru_buf sql = RURU_BUF_INIT;
	ruru_buf_addf(&sql, "SELECT %s(%s, %s, char(2), char(3)%s) FROM %s WHERE %s MATCH ?1"
			    " AND rowid = ?2", fn, table, strcmp(fn, "snippet") ? "0" : "-1",
		      strcmp(fn, "snippet") ? "" : ", '…', 24", table, table);
	int rc = sqlite3_prepare_v2(db, sql.ptr, -1, &q, NULL);
	ruru_buf_release(&sql);
	if (rc != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(q, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, rowid);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		out = ruru_strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return out;
}

/* The line of an artifact's first match: newlines before the first mark
 * of highlight(). */
static int64_t match_line(sqlite3 *db, const char *table, const char *expr, int64_t rowid)
{
	char *text = hit_text(db, table, "highlight", expr, rowid);
	int64_t line = 1;
	for (const char *s = text; s && *s && *s != '\002'; s++)
		line += *s == '\n';
	free(text);
	return line;
}

/* The ID of the one session `prefix` names (exactly, or as the prefix of
 * exactly one); NULL with RURU_ENOTFOUND. */
static char *resolve_session(sqlite3 *db, const char *prefix, struct ruru_error *err)
{
	sqlite3_stmt *q;
	char *found = NULL;
	size_t count = 0;
	char **names = NULL;
	if (sqlite3_prepare_v2(db,
			       "SELECT DISTINCT id FROM sessions WHERE id = ?1 UNION"
			       " SELECT DISTINCT id FROM sessions WHERE substr(id, 1, length(?1)) = ?1"
			       " AND NOT EXISTS (SELECT 1 FROM sessions WHERE id = ?1)",
			       -1, &q, NULL) != SQLITE_OK) {
		ruru_index_error(db, err, "cannot query");
		return NULL;
	}
	sqlite3_bind_text(q, 1, prefix, -1, SQLITE_STATIC);
	while (sqlite3_step(q) == SQLITE_ROW) {
		names = ruru_xrealloc(names, (count + 1) * sizeof(*names));
		names[count++] = ruru_strdup((const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_finalize(q);
	if (count == 1)
		found = names[0];
	else if (count)
		ruru_session_ambiguous(err, prefix, names, count); /* names the candidates */
	else
		ruru_error_set(err, RURU_ENOTFOUND, "unknown session \"%s\"", prefix);
	for (size_t i = 0; count > 1 && i < count; i++)
		free(names[i]);
	free(names);
	return found;
}

/* Bind the query's parameters ?1..?9 (those the SQL does not use are
 * ignored by SQLite). */
static void bind_filters(sqlite3_stmt *q, const struct ruru_search_opts *o, const char *expr,
			 const char *session)
{
	sqlite3_bind_text(q, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, o->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, o->mode, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, o->task, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, session, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 6, (int)o->status);
	sqlite3_bind_text(q, 7, o->tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 8, (int64_t)o->since);
	sqlite3_bind_int64(q, 9, (int64_t)o->until);
}

/* How many documents match in all (`where` from search_once()). */
static int64_t count_all(sqlite3 *db, const char *where,
			 const struct ruru_search_opts *o, const char *expr, const char *session)
{
	struct ruru_buf sql = RURU_BUF_INIT;
	sqlite3_stmt *q;
	int64_t n = -1;
	ruru_buf_addstr(&sql, "SELECT count(*)");
	ruru_buf_addstr(&sql, where);
	if (sqlite3_prepare_v2(db, sql.ptr, -1, &q, NULL) == SQLITE_OK) {
		bind_filters(q, o, expr, session);
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	ruru_buf_release(&sql);
	return n;
}

/* One search over the index opened with `flags`; *broken is set when
 * the index failed under the query (so that a rebuilt one may do). */
static struct ruru_search_hits *search_once(struct ruru_ws *ws, const struct ruru_search_opts *o,
					    unsigned flags, bool *broken, struct ruru_error *err)
{
	struct ruru_buf expr = RURU_BUF_INIT, sqlb = RURU_BUF_INIT, where = RURU_BUF_INIT;
	if (ruru_search_compile(o->query ? o->query : "", o->query ? o->query_len : 0, &expr, err) <
	    0) {
		ruru_buf_release(&expr);
		return NULL;
	}
	struct ruru_index ix;
	if (ruru_index_open(&ix, ws, flags, NULL, err) < 0) {
		ruru_buf_release(&expr);
		return NULL;
	}
	struct ruru_search_hits *hits = NULL;
	char *session = NULL;
	sqlite3_stmt *q = NULL;
	if (o->session && !(session = resolve_session(ix.db, o->session, err)))
		goto out;

	/* A query in a script written without spaces is asked of the
	 * trigram table (substrings); every other of the unicode61 one. */
	bool tri = ruru_index_nospace(o->query ? o->query : "", o->query ? o->query_len : 0);
	const char *T = tri ? "fts_tri" : "fts";
	const char *rank = tri ? "bm25(fts_tri)" : "ruru_bm25(fts)";
	unsigned in = o->in ? o->in : RURU_SEARCH_ENTRIES | RURU_SEARCH_SESSIONS |
					      RURU_SEARCH_ARTIFACTS;
	bool filtered = o->type || o->mode || o->task || session || o->tag ||
			o->status != RURU_STATUS_UNKNOWN || o->has_since || o->has_until ||
			in != (RURU_SEARCH_ENTRIES | RURU_SEARCH_SESSIONS | RURU_SEARCH_ARTIFACTS);
	if (!filtered && o->limit) {
		/* The best N straight from FTS5 (ORDER BY rank LIMIT is its fast
		 * path), with room for ties of rank, which newest first breaks;
		 * snippets afterwards, for the hits only. */
		ruru_buf_addf(&sqlb,
			      "SELECT d.kind, d.session, f.path, d.line, d.time, d.type, d.mode, d.task,"
			      " NULL, d.id, d.zone FROM (SELECT rowid AS rid, %s AS r FROM %s"
			      " WHERE %s MATCH ?1 ORDER BY r LIMIT ?11) t"
			      " JOIN docs d ON d.id = t.rid JOIN files f ON f.id = d.file_id"
			      " ORDER BY t.r, d.time IS NULL, d.time DESC, d.id DESC",
			      rank, T, T);
	}
	/* The matching documents with every filter, for the query (when
	 * filtered) and for counting them all (when the limit cut). */
	ruru_buf_addf(&where, " FROM %s JOIN docs d ON d.id = %s.rowid"
			      " JOIN files f ON f.id = d.file_id", T, T);
	if (o->status != RURU_STATUS_UNKNOWN || o->tag)
		ruru_buf_addstr(&where, " JOIN sessions s ON s.sdir = d.sdir");
	ruru_buf_addf(&where, " WHERE %s MATCH ?1 AND d.kind IN (", T);
	const int kinds[3] = { RURU_DOC_ENTRY, RURU_DOC_SESSION, RURU_DOC_ARTIFACT };
	bool first = true;
	for (int k = 0; k < 3; k++)
		if (in & (1u << k)) {
			ruru_buf_addf(&where, "%s%d", first ? "" : ", ", kinds[k]);
			first = false;
		}
	ruru_buf_addch(&where, ')');
	/* Every value is a bound parameter; only these fixed fragments are SQL. */
	if (o->type)
		ruru_buf_addstr(&where, " AND d.type = ?2");
	if (o->mode)
		ruru_buf_addstr(&where, " AND d.mode = ?3");
	if (o->task)
		ruru_buf_addstr(&where, " AND d.task = ?4");
	if (session)
		ruru_buf_addstr(&where, " AND d.session = ?5");
	if (o->status != RURU_STATUS_UNKNOWN)
		ruru_buf_addstr(&where, " AND s.status = ?6");
	if (o->tag)
		ruru_buf_addstr(&where, " AND instr(s.tags_lc, char(10) || lower(?7) || char(10)) > 0");
	if (o->has_since)
		ruru_buf_addstr(&where, " AND d.time >= ?8");
	if (o->has_until)
		ruru_buf_addstr(&where, " AND d.time <= ?9");
	if (filtered || !o->limit) {
		ruru_buf_addf(&sqlb,
			      "SELECT d.kind, d.session, f.path, d.line, d.time, d.type, d.mode, d.task,"
			      " snippet(%s, -1, char(2), char(3), '…', 24), d.id, d.zone", T);
		ruru_buf_add(&sqlb, where.ptr, where.len);
		ruru_buf_addf(&sqlb, " ORDER BY %s, d.time IS NULL, d.time DESC, d.id DESC", rank);
	}
	if (o->limit)
		ruru_buf_addstr(&sqlb, " LIMIT ?10");
	if (sqlite3_prepare_v2(ix.db, sqlb.ptr, -1, &q, NULL) != SQLITE_OK) {
		ruru_index_error(ix.db, err, "cannot query");
		*broken = true;
		goto out;
	}
	bind_filters(q, o, expr.ptr, session);
	int64_t lim = o->limit > INT32_MAX ? INT32_MAX : (int64_t)o->limit;
	sqlite3_bind_int64(q, 10, lim);
	sqlite3_bind_int64(q, 11, lim * 2 + 64);
	ruru_rank_rows_reset(); /* the unfiltered query ranks every match: their count */

	const char *open = o->mark_open ? o->mark_open : "[";
	const char *close = o->mark_close ? o->mark_close : "]";
	static const char *const kind_word[] = { "", "entry", "session", "artifact" };
	hits = ruru_xmalloc(sizeof(*hits));
	memset(hits, 0, sizeof(*hits));
	hits->query = ruru_xmalloc(o->query ? o->query_len + 1 : 1);
	if (o->query)
		memcpy(hits->query, o->query, o->query_len);
	hits->query[hits->query_len = o->query ? o->query_len : 0] = '\0';
	hits->mark_open = ruru_strdup(open);
	hits->mark_close = ruru_strdup(close);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(q, 0);
		if (kind < 1 || kind > 3)
			continue;
		if (hits->n == cap)
			hits->hits = ruru_xrealloc(hits->hits, (cap = cap ? 2 * cap : 16) * sizeof(*hits->hits));
		struct ruru_search_hit *h = &hits->hits[hits->n++];
		memset(h, 0, sizeof(*h));
		h->kind = kind_word[kind];
		h->session = col_dup(q, 1);
		h->path = col_dup(q, 2);
		h->line = sqlite3_column_int64(q, 3);
		if (kind == RURU_DOC_ARTIFACT)
			h->line = match_line(ix.db, T, expr.ptr, sqlite3_column_int64(q, 9));
		h->has_time = sqlite3_column_type(q, 4) != SQLITE_NULL;
		h->time = (time_t)sqlite3_column_int64(q, 4);
		h->zone = h->has_time ? col_dup(q, 10) : NULL;
		h->type = col_dup(q, 5);
		h->mode = col_dup(q, 6);
		h->task = col_dup(q, 7);
		char *own = NULL;
		const char *raw = (const char *)sqlite3_column_text(q, 8);
		if (!raw)
			raw = own = hit_text(ix.db, T, "snippet", expr.ptr, sqlite3_column_int64(q, 9));
		h->snippet = one_line(raw, open, close);
		free(own);
	}
	if (rc != SQLITE_DONE) {
		ruru_index_error(ix.db, err, "cannot query");
		*broken = (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_NOMEM;
		ruru_search_hits_free(hits);
		hits = NULL;
	} else {
		hits->total = hits->n;
		if (o->limit && hits->total >= o->limit) { /* cut by the limit: how many in all? */
			/* With no filter every match is a hit (each fts row has
			 * its docs and files rows): FTS5 counts them alone. */
			struct ruru_buf plain = RURU_BUF_INIT;
			ruru_buf_addf(&plain, " FROM %s WHERE %s MATCH ?1", T, T);
			int64_t all = !filtered && !tri ? ruru_rank_rows()
							 : count_all(ix.db, filtered ? where.ptr : plain.ptr, o,
								     expr.ptr, session);
			ruru_buf_release(&plain);
			if (all > 0)
				hits->total = (size_t)all;
		}
	}
out:
	sqlite3_finalize(q);
	if (*broken)
		ix.park = NULL; /* not kept for the next call */
	ruru_index_close(&ix);
	free(session);
	ruru_buf_release(&expr);
	ruru_buf_release(&sqlb);
	ruru_buf_release(&where);
	return hits;
}

struct ruru_search_hits *ruru_search(struct ruru_ws *ws, const struct ruru_search_opts *o,
				     struct ruru_error *err)
{
	bool broken = false;
	struct ruru_search_hits *hits = search_once(ws, o, 0, &broken, err);
	if (!hits && broken) /* a damaged index that still opened: make it again */
		hits = search_once(ws, o, RURU_INDEX_REBUILD, &broken, err);
	return hits;
}

/* ------------------------------------------------------------------ list */

/* Each record is handed to `fn`, which may take what it holds (and leave
 * it zeroed). */
typedef int (*take_fn)(struct ruru_session *s, void *ctx);

/* A statement of the listing: `what` from the sessions that pass the
 * filters (every value a bound parameter), then `tail`. */
static sqlite3_stmt *list_query(sqlite3 *db, const char *what, enum ruru_status status,
				const char *tag, bool has_since, time_t since, size_t limit,
				const char *tail)
{
	struct ruru_buf sqlb = RURU_BUF_INIT;
	ruru_buf_addf(&sqlb, "SELECT %s FROM sessions WHERE 1", what);
	if (status != RURU_STATUS_UNKNOWN)
		ruru_buf_addstr(&sqlb, " AND status = ?1");
	if (tag)
		ruru_buf_addstr(&sqlb, " AND instr(tags_lc, char(10) || lower(?2) || char(10)) > 0");
	if (has_since)
		ruru_buf_addstr(&sqlb, " AND start >= ?3");
	ruru_buf_addstr(&sqlb, tail);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, sqlb.ptr, -1, &q, NULL) != SQLITE_OK)
		q = NULL;
	ruru_buf_release(&sqlb);
	if (q) {
		sqlite3_bind_int(q, 1, (int)status);
		sqlite3_bind_text(q, 2, tag, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, (int64_t)since);
		sqlite3_bind_int64(q, 4, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	}
	return q;
}

/* `total` (may be NULL) gets how many sessions pass the filters, however
 * many `limit` lets through. */
static int list_sessions(struct ruru_ws *ws, enum ruru_status status, const char *tag,
			 bool has_since, time_t since, size_t limit, take_fn fn, void *ctx,
			 size_t *total, struct ruru_error *err)
{
	struct ruru_index ix;
	struct ruru_error ierr = { 0 };
	int rc;
	if (ruru_index_open(&ix, ws, RURU_INDEX_LOGS_ONLY, NULL, &ierr) < 0) {
		/* No usable index (refused, say): read the logs as before. */
		struct ruru_session *list;
		size_t n, k = 0, all = 0;
		if (ruru_session_list_logs(ws, status, tag, &list, &n, err) < 0)
			return -1;
		rc = 0;
		for (size_t i = 0; i < n && rc == 0; i++)
			if (!has_since || list[i].start >= since) {
				all++;
				if (!limit || k < limit) {
					rc = fn(&list[i], ctx);
					k++;
				}
			}
		ruru_session_list_free(list, n);
		if (total)
			*total = all;
		return rc;
	}
	sqlite3_stmt *q = list_query(ix.db, "id, path, valid, problem, keys, layout", status, tag,
				     has_since, since, limit,
				     limit ? " ORDER BY start DESC, id DESC LIMIT ?4"
					   : " ORDER BY start DESC, id DESC");
	if (!q) {
		ruru_index_error(ix.db, err, "cannot query");
		ruru_index_close(&ix);
		return -1;
	}
	int stop = 0;
	size_t seen = 0;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ruru_session s = { 0 };
		struct ruru_error problem = { 0 };
		s.id = col_dup(q, 0);
		s.path = col_dup(q, 1);
		s.valid = sqlite3_column_int(q, 2);
		if (!s.valid) {
			ruru_error_clear(&problem);
			const unsigned char *p = sqlite3_column_text(q, 3);
			snprintf(problem.msg, sizeof(problem.msg), "%s", p ? (const char *)p : "");
			problem.code = RURU_EINVALID;
			s.problem = ruru_xmalloc(sizeof(*s.problem));
			*s.problem = problem;
		}
		/* the front matter, every key of the table (ruru_session_pack) */
		const char *keys = sqlite3_column_blob(q, 4);
		if (!ruru_session_unpack(&s, keys ? keys : "", (size_t)sqlite3_column_bytes(q, 4)) &&
		    s.valid) {
			ruru_error_clear(&problem);
			snprintf(problem.msg, sizeof(problem.msg), "the search index's copy is damaged");
			problem.code = RURU_EINVALID;
			s.valid = false;
			s.problem = ruru_xmalloc(sizeof(*s.problem));
			*s.problem = problem;
		}
		s.layout = sqlite3_column_int(q, 5);
		stop = fn(&s, ctx);
		ruru_session_release(&s);
		seen++;
	}
	sqlite3_finalize(q);
	int result = stop;
	if (!stop && rc != SQLITE_DONE)
		result = ruru_index_error(ix.db, err, "cannot query");
	if (result == 0 && total) {
		*total = seen;
		/* cut by the limit: counted by SQLite, no row read out */
		if (limit && seen >= limit) {
			q = list_query(ix.db, "count(*)", status, tag, has_since, since, 0, "");
			rc = q ? sqlite3_step(q) : SQLITE_ERROR;
			if (rc == SQLITE_ROW)
				*total = (size_t)sqlite3_column_int64(q, 0);
			else
				result = ruru_index_error(ix.db, err, "cannot count");
			sqlite3_finalize(q);
		}
	}
	ruru_index_close(&ix);
	return result;
}

struct borrow {
	ruru_session_fn fn;
	void *ctx;
};

static int lend(struct ruru_session *s, void *ctx)
{
	struct borrow *b = ctx;
	return b->fn(s, b->ctx);
}

int ruru_session_list_indexed(struct ruru_ws *ws, enum ruru_status status, const char *tag,
			      bool has_since, time_t since, size_t limit, ruru_session_fn fn,
			      void *ctx, struct ruru_error *err)
{
	struct borrow b = { fn, ctx };
	return list_sessions(ws, status, tag, has_since, since, limit, lend, &b, NULL, err);
}

/* ruru_session_list(): the same listing, collected into an array. */
struct collect {
	struct ruru_session *v;
	size_t n, cap;
};

static int collect_one(struct ruru_session *s, void *ctx)
{
	struct collect *c = ctx;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = ruru_xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = *s; /* taken: the caller releases an empty record */
	memset(s, 0, sizeof(*s));
	return 0;
}

struct ruru_session_listing *ruru_session_listing(struct ruru_ws *ws,
						  const struct ruru_session_query *q,
						  struct ruru_error *err)
{
	struct collect c = { 0 };
	size_t total = 0;
	/* the index stops at the limit (0 there means none); counted, the
	 * sessions past it are counted by SQLite, never read out.  A limit
	 * of 0 that is counted reads them all to count them. */
	size_t limit = q->limit == RURU_LIST_ALL ? 0 : q->limit;
	if ((q->count || q->limit) &&
	    list_sessions(ws, q->status, q->tag, q->has_since, q->since, limit, collect_one, &c,
			  q->count ? &total : NULL, err) < 0) {
		ruru_session_list_free(c.v, c.n);
		return NULL;
	}
	size_t keep = c.n < q->limit ? c.n : q->limit;
	for (size_t i = keep; i < c.n; i++)
		ruru_session_release(&c.v[i]);
	struct ruru_session_listing *l = ruru_xmalloc(sizeof(*l));
	*l = (struct ruru_session_listing){ .v = c.v, .n = keep, .counted = q->count,
					    .total = q->count ? total : keep };
	return l;
}

int ruru_session_list(struct ruru_ws *ws, enum ruru_status status, const char *tag,
		      struct ruru_session **out, size_t *n, struct ruru_error *err)
{
	struct collect c = { 0 };
	if (list_sessions(ws, status, tag, false, 0, 0, collect_one, &c, NULL, err) < 0) {
		ruru_session_list_free(c.v, c.n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}
