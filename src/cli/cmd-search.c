/*
 * cmd-search.c — `ruru search` and `ruru reindex` (doc/design.md §14): thin
 * wrappers over ruru_search() and ruru_reindex().  Text output is the
 * library's (ruru_search_hits_text: one hit per line, tab-separated), with
 * the matched words in bold on a terminal (NO_COLOR respected) or between
 * [ and ] otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"


enum {
	SEARCH_TYPE,
	SEARCH_MODE,
	SEARCH_TASK,
	SEARCH_STATUS,
	SEARCH_TAG,
	SEARCH_SINCE,
	SEARCH_UNTIL,
	SEARCH_IN,
	SEARCH_LIMIT,
	SEARCH_NOPTS
};

/* A date option (--since, --until), which the parser checked. */
static void parse_when(const struct cli_args *a, int opt, bool end_of_day, time_t *out, bool *given)
{
	const char *v = cli_val(a, opt);
	*given = v && ruru_search_parse_time(v, end_of_day, out);
}

static bool use_bold(void)
{
	const char *nc = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(nc && *nc);
}

static int search_run(struct cli_ctx *ctx, struct cli_args *a, struct ruru_buf *query)
{
	struct ruru_search_opts o = { 0 };
	/* Several arguments make one query, as if separated by spaces. */
	for (int i = 0; i < a->argc; i++) {
		if (i)
			ruru_buf_addch(query, ' ');
		ruru_buf_addstr(query, a->argv[i]);
	}
	o.query = query->ptr;
	o.query_len = query->len;
	o.type = cli_val(a, SEARCH_TYPE);
	o.mode = cli_val(a, SEARCH_MODE);
	o.task = cli_val(a, SEARCH_TASK);
	o.tag = cli_val(a, SEARCH_TAG);
	o.session = ctx->session;
	o.limit = cli_num(a, SEARCH_LIMIT);
	o.status = ruru_status_from_word(cli_val(a, SEARCH_STATUS));
	parse_when(a, SEARCH_SINCE, false, &o.since, &o.has_since);
	parse_when(a, SEARCH_UNTIL, true, &o.until, &o.has_until);
	size_t nin;
	const char *const *in = cli_all(a, SEARCH_IN, &nin);
	for (size_t i = 0; i < nin; i++) /* words of the row: the parser checked each */
		o.in |= ruru_search_in_bit(in[i]);
	bool bold = !ctx->json && use_bold();
	o.mark_open = bold ? "\033[1m" : "[";
	o.mark_close = bold ? "\033[22m" : "]";

	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws)
		return cli_fail(ctx);
	struct ruru_search_hits *hits = ruru_search(ws, &o, &ctx->err);
	ruru_ws_free(ws);
	if (!hits)
		return cli_fail(ctx);
	int rc = 0;
	CLI_PRINT_RESULT(ctx, rc, search_hits, hits);
	ruru_search_hits_free(hits);
	return rc;
}

static int cmd_search(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_buf query = RURU_BUF_INIT;
	int rc = search_run(ctx, a, &query);
	ruru_buf_release(&query);
	return rc;
}

enum { REINDEX_PRUNE, REINDEX_NOPTS };

/* --prune: remove the index folders of workspaces that are gone. */
static int reindex_prune(struct cli_ctx *ctx)
{
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws)
		return cli_fail(ctx);
	size_t removed = 0;
	int rc = ruru_index_prune(ws, &removed, &ctx->err);
	ruru_ws_free(ws);
	if (rc < 0)
		return cli_fail(ctx);
	if (ctx->json)
		return cli_print_json(ctx, json_pack("{s:I}", "pruned", (json_int_t)removed)) ? 0
											      : cli_fail(ctx);
	printf("removed the index of %zu workspace%s that no longer exist%s\n", removed,
	       removed == 1 ? "" : "s", removed == 1 ? "s" : "");
	return 0;
}

static int cmd_reindex(struct cli_ctx *ctx, struct cli_args *a)
{
	if (cli_set(a, REINDEX_PRUNE))
		return reindex_prune(ctx);
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws)
		return cli_fail(ctx);
	struct ruru_index_stats st;
	struct ruru_buf path = RURU_BUF_INIT;
	int rc = ruru_reindex(ws, &st, &ctx->err);
	if (rc == 0)
		rc = ruru_index_path(ws, &path, &ctx->err);
	ruru_ws_free(ws);
	if (rc < 0) {
		ruru_buf_release(&path);
		return cli_fail(ctx);
	}
	if (ctx->json) {
		json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:b,s:s?}", "sessions",
				      (json_int_t)st.sessions, "logs", (json_int_t)st.logs, "entries",
				      (json_int_t)st.entries, "artifacts", (json_int_t)st.artifacts,
				      "bytes", (json_int_t)st.bytes, "in_memory", st.in_memory, "index",
				      st.in_memory || !path.len ? NULL : path.ptr);
		ruru_buf_release(&path);
		return cli_print_json(ctx, o) ? 0 : cli_fail(ctx);
	}
	printf("indexed %zu session%s, %zu entr%s, %zu artifact%s (%.1f MB read)%s%s\n", st.sessions,
	       st.sessions == 1 ? "" : "s", st.entries, st.entries == 1 ? "y" : "ies", st.artifacts,
	       st.artifacts == 1 ? "" : "s", (double)st.bytes / 1e6,
	       st.in_memory || !path.len ? "; no cache folder could be written, so the index was "
					   "kept in memory only"
					 : " into ",
	       st.in_memory || !path.len ? "" : path.ptr);
	ruru_buf_release(&path);
	return 0;
}

static const struct cli_opt reindex_opts[REINDEX_NOPTS] = {
	[REINDEX_PRUNE] = { .row = "prune" },
};

static const struct cli_opt search_opts[SEARCH_NOPTS] = {
	[SEARCH_TYPE] = { .row = "type", .arg = "TYPE" },
	[SEARCH_MODE] = { .row = "mode", .arg = "SLUG" },
	[SEARCH_TASK] = { .row = "task", .arg = "TASK-ID" },
	[SEARCH_STATUS] = { .row = "status", .arg = "STATUS" },
	[SEARCH_TAG] = { .row = "tag", .arg = "TAG" },
	[SEARCH_SINCE] = { .row = "since", .arg = "DATE" },
	[SEARCH_UNTIL] = { .row = "until", .arg = "DATE" },
	[SEARCH_IN] = { .row = "in", .arg = "WHAT", .multi = true },
	[SEARCH_LIMIT] = { .row = "limit", .short_name = 'n', .arg = "N" },
};

const struct cli_cmd cli_cmds_search[] = {
	{ .name = "search", .verb = "search", .args = "QUERY...",
	  .summary = "full-text search of entries, sessions and artifacts, best first",
	  CLI_OPTS(search_opts), .min_args = 1, .max_args = -1, .run = cmd_search,
	  .free_operands = true },
	{ .name = "reindex", .verb = "reindex", .summary = "rebuild the search index from nothing; print what it holds",
	  CLI_OPTS(reindex_opts), .max_args = 0, .run = cmd_reindex },
	{ 0 },
};
