/*
 * rank.c — the ranking of search hits (doc/design.md §14: bm25, then newest)
 * at the cost of the hits' positions only.
 *
 * FTS5's own bm25() asks for every hit's length in tokens, and FTS5
 * answers with one query of its %_docsize table per hit: four fifths of a
 * search for a word in half of 1,000,000 entries.  The index therefore
 * carries each document's length in the low RURU_DOC_LEN_BITS bits of its
 * rowid (index.c counts the tokens with FTS5's own tokenizer before it
 * inserts the document; a longer document holds RURU_DOC_LEN_MAX there and
 * its length is asked for as bm25() does), and ruru_bm25() is bm25() with
 * that one difference: the same formula, constants and order of floating
 * point operations, so the same score to the last bit (test_search.c
 * compares the two over random queries).
 *
 *	bm25 = -sum over phrases p of
 *	       idf(p) * f(p) * (k1 + 1) / (f(p) + k1 * (1 - b + b * D / avgdl))
 *	idf(p) = log((N - n(p) + 0.5) / (n(p) + 0.5)), at least 1e-6
 *
 * with k1 = 1.2, b = 0.75, f(p) the phrase's hits in the row (every
 * column weighing 1), D the row's length in tokens, N the rows, n(p) the
 * rows holding p, avgdl the mean length (SQLite's ext/fts5/fts5_aux.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "banned.h"

static fts5_api *fts5_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &q, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(q, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(q);
	sqlite3_finalize(q);
	return api;
}

/* ------------------------------------------------------------- lengths */

int ruru_tokens_init(struct ruru_tokens *tk, sqlite3 *db)
{
	memset(tk, 0, sizeof(*tk));
	fts5_api *api = fts5_of(db);
	void *ud = NULL;
	if (!api || api->xFindTokenizer(api, "unicode61", &ud, &tk->api) != SQLITE_OK)
		return SQLITE_ERROR;
	/* the arguments of the fts table's tokenize= option (index.c) */
	const char *args[] = { "remove_diacritics", "2" };
	int rc = tk->api.xCreate(ud, args, 2, &tk->tok);
	if (rc != SQLITE_OK)
		tk->tok = NULL;
	return rc;
}

void ruru_tokens_release(struct ruru_tokens *tk)
{
	if (tk->tok)
		tk->api.xDelete(tk->tok);
	tk->tok = NULL;
}

/* As FTS5 counts a column's size: every token but those at the position
 * of the one before (fts5_storage.c, fts5StorageInsertCallback). */
static int count_token(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
	(void)tok, (void)n, (void)start, (void)end;
	int64_t *count = ctx;
	if (!(tflags & FTS5_TOKEN_COLOCATED) || *count == 0)
		++*count;
	return SQLITE_OK;
}

int64_t ruru_tokens_count(struct ruru_tokens *tk, const char *text, size_t len)
{
	int64_t count = 0;
	if (!text || !len)
		return 0;
	if (len > INT32_MAX ||
	    tk->api.xTokenize(tk->tok, &count, FTS5_TOKENIZE_DOCUMENT, text, (int)len,
			      count_token) != SQLITE_OK)
		return RURU_DOC_LEN_MAX; /* unknown: asked of FTS5 when ranking */
	return count;
}

/* ------------------------------------------------------------ ruru_bm25 */

/* What a query needs once (per statement, kept as FTS5 auxiliary data). */
struct bm25 {
	int nphrase;
	double avgdl;
	double *idf;  /* [nphrase] */
	double *freq; /* [nphrase], per row */
};

static void bm25_free(void *p)
{
	struct bm25 *d = p;
	if (d) {
		free(d->idf);
		free(d->freq);
		free(d);
	}
}

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
	(void)api, (void)fts;
	++*(sqlite3_int64 *)ctx;
	return SQLITE_OK;
}

static int bm25_data(const Fts5ExtensionApi *api, Fts5Context *fts, struct bm25 **out)
{
	struct bm25 *d = api->xGetAuxdata(fts, 0);
	if (d) {
		*out = d;
		return SQLITE_OK;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return SQLITE_NOMEM;
	d->nphrase = api->xPhraseCount(fts);
	d->idf = calloc((size_t)d->nphrase + 1, sizeof(double));
	d->freq = calloc((size_t)d->nphrase + 1, sizeof(double));
	if (!d->idf || !d->freq) {
		bm25_free(d);
		return SQLITE_NOMEM;
	}
	sqlite3_int64 nrow = 0, ntok = 0;
	int rc = api->xRowCount(fts, &nrow);
	if (nrow <= 0)
		nrow = 1;
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &ntok);
	d->avgdl = (double)ntok / (double)nrow;
	for (int i = 0; rc == SQLITE_OK && i < d->nphrase; i++) {
		sqlite3_int64 nhit = 0;
		rc = api->xQueryPhrase(fts, i, &nhit, count_row);
		if (rc == SQLITE_OK) {
			double idf = log((nrow - nhit + 0.5) / (nhit + 0.5));
			if (idf <= 0.0)
				idf = 1e-6;
			d->idf[i] = idf;
		}
	}
	if (rc == SQLITE_OK)
		rc = api->xSetAuxdata(fts, d, bm25_free);
	else
		bm25_free(d);
	if (rc == SQLITE_OK)
		*out = d;
	return rc;
}

/* Rows ranked by this thread since ruru_rank_rows_reset(). */
static _Thread_local int64_t rows_ranked;

void ruru_rank_rows_reset(void)
{
	rows_ranked = 0;
}

int64_t ruru_rank_rows(void)
{
	return rows_ranked;
}

static void bm25_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
			  int nval, sqlite3_value **val)
{
	(void)nval, (void)val;
	rows_ranked++;
	const double k1 = 1.2, b = 0.75;
	struct bm25 *d = NULL;
	int rc = bm25_data(api, fts, &d);
	int ninst = 0;
	if (rc == SQLITE_OK) {
		memset(d->freq, 0, sizeof(double) * (size_t)d->nphrase);
		rc = api->xInstCount(fts, &ninst);
	}
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int ip, ic, io;
		rc = api->xInst(fts, i, &ip, &ic, &io);
		if (rc == SQLITE_OK)
			d->freq[ip] += 1.0;
	}
	double D = 0.0;
	if (rc == SQLITE_OK) {
		sqlite3_int64 len = api->xRowid(fts) & RURU_DOC_LEN_MAX;
		if (len == RURU_DOC_LEN_MAX) { /* too long for the rowid: ask */
			int ntok = 0;
			rc = api->xColumnSize(fts, -1, &ntok);
			len = ntok;
		}
		D = (double)len;
	}
	double score = 0.0;
	for (int i = 0; rc == SQLITE_OK && i < d->nphrase; i++)
		score += d->idf[i] * ((d->freq[i] * (k1 + 1.0)) /
				      (d->freq[i] + k1 * (1 - b + b * D / d->avgdl)));
	if (rc == SQLITE_OK)
		sqlite3_result_double(ctx, -1.0 * score);
	else
		sqlite3_result_error_code(ctx, rc);
}

int ruru_rank_register(sqlite3 *db)
{
	fts5_api *api = fts5_of(db);
	if (!api)
		return SQLITE_ERROR;
	return api->xCreateFunction(api, "ruru_bm25", NULL, bm25_function, NULL);
}
