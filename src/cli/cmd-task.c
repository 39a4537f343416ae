/*
 * cmd-task.c — V7 commands: `ruru task new|status|claim|
 * release` (MDTM task files, doc/design.md §5) and `ruru summarize` (a session
 * summary, doc/design.md §4).  `task link|list` live with the artifacts in
 * cmd-artifact.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

/* The session a task is created in: -s, else the active one when there is
 * one (a task may well be made with no session; an ended session the
 * active pointer names is none). */
static char *optional_session(struct cli_ctx *ctx, struct ruru_ws *ws, bool *failed)
{
	char *id = NULL;
	*failed = ruru_session_optional(ws, ctx->session, &id, &ctx->err) < 0;
	return id;
}

enum { NEW_TYPE, NEW_TITLE, NEW_TEAM, NEW_ASSIGN, NEW_PARENT, NEW_BODY, NEW_NOPTS };

/* --body FILE|-: the text into *b (NUL-terminated, the text rule kept, a
 * NUL byte included); *body NULL when the option is absent. */
static int read_body(struct cli_ctx *ctx, const char *file, struct ruru_buf *b, const char **body)
{
	*body = NULL;
	if (!file)
		return 0;
	if (cli_read_input(ctx, file, b) < 0 ||
	    ruru_text_check("body", b->ptr ? b->ptr : "", b->len, 0, &ctx->err) < 0)
		return -1;
	*body = b->ptr ? b->ptr : "";
	return 0;
}

static int cmd_task_new(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_task_new o = { 0 };
	o.type = cli_val(a, NEW_TYPE);
	o.title = cli_val(a, NEW_TITLE);
	o.team = cli_val(a, NEW_TEAM);
	o.assign = cli_val(a, NEW_ASSIGN);
	o.parent = cli_val(a, NEW_PARENT);
	struct ruru_buf text = RURU_BUF_INIT;
	struct ruru_ws *ws = NULL;
	if (read_body(ctx, cli_val(a, NEW_BODY), &text, &o.body) < 0 || !(ws = cli_ws(ctx))) {
		ruru_buf_release(&text);
		return cli_fail(ctx);
	}
	bool failed;
	char *sid = optional_session(ctx, ws, &failed);
	struct ruru_task_created *r = NULL;
	int rc = 0;
	o.session = sid;
	/* stdout: the new task's ID alone */
	if (failed || !(r = ruru_task_create(ws, &o, &ctx->err)) ||
	    (ctx->json ? !cli_print_json(ctx, ruru_task_created_json(r)) : printf("%s\n", r->id) < 0))
		rc = cli_fail(ctx);
	ruru_task_created_free(r);
	free(sid);
	ruru_buf_release(&text);
	ruru_ws_free(ws);
	return rc;
}

/* Print a task edit's result: its JSON, or its text. */
static int print_task(struct cli_ctx *ctx, struct ruru_task_state *t)
{
	int rc = 0;
	CLI_PRINT_RESULT(ctx, rc, task_state, t);
	ruru_task_state_free(t);
	return rc;
}

static int cmd_task_status(struct cli_ctx *ctx, struct cli_args *a)
{
	/* STATUS is a spelling of a word of the row: the parser checked */
	enum ruru_task_status st = ruru_task_status_parse(a->argv[1]);
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_task_state *o = NULL;
	int rc;
	if (!ws || ruru_task_set_status(ws, a->argv[0], st, &o, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else
		rc = print_task(ctx, o);
	ruru_ws_free(ws);
	return rc;
}

enum { CLAIM_BY, CLAIM_TTL, CLAIM_NOPTS };

static int cmd_task_claim(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *by = cli_val(a, CLAIM_BY);
	const char *ttl_s = cli_val(a, CLAIM_TTL);
	long ttl = ttl_s ? ruru_duration_parse(ttl_s) : 30 * 60;
	if (ttl < 0)
		return cli_usage_error(ctx, "--ttl is a duration such as 90s, 30m, 2h or 1d, not \"%s\"",
				       ttl_s);
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_task_state *o = NULL;
	int rc;
	if (!ws || ruru_task_claim(ws, a->argv[0], by, ttl, &o, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else
		rc = print_task(ctx, o);
	ruru_ws_free(ws);
	return rc;
}

enum { RELEASE_BY, RELEASE_STATUS, RELEASE_NOPTS };

static int cmd_task_release(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *sw = cli_val(a, RELEASE_STATUS);
	enum ruru_task_status st = sw ? ruru_task_status_parse(sw) : RURU_TASK_UNKNOWN;
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_task_state *o = NULL;
	int rc;
	if (!ws || ruru_task_release(ws, a->argv[0], cli_val(a, RELEASE_BY), st, &o, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else
		rc = print_task(ctx, o);
	ruru_ws_free(ws);
	return rc;
}

enum { SUM_BODY, SUM_NOPTS };

static int cmd_summarize(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_buf text = RURU_BUF_INIT;
	const char *notes = NULL;
	struct ruru_ws *ws = read_body(ctx, cli_val(a, SUM_BODY), &text, &notes) < 0 ? NULL
										  : cli_ws(ctx);
	char *id = ws ? cli_session(ctx, ws, a->argc ? a->argv[0] : NULL) : NULL;
	char *rel = NULL;
	struct ruru_summary *o = NULL;
	int rc = 0;
	if (!id || ruru_session_summarize(ws, id, notes, &rel, &o, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json ? !cli_print_json(ctx, ruru_summary_json(o)) : printf("%s\n", rel) < 0)
		rc = cli_fail(ctx);
	ruru_summary_free(o);
	free(rel);
	free(id);
	ruru_buf_release(&text);
	ruru_ws_free(ws);
	return rc;
}

static const struct cli_opt new_opts[NEW_NOPTS] = {
	[NEW_TYPE] = { .row = "type", .arg = "TYPE" },
	[NEW_TITLE] = { .row = "title", .arg = "TEXT" },
	[NEW_TEAM] = { .row = "team", .arg = "TEAM" },
	[NEW_ASSIGN] = { .row = "assign", .arg = "MODE" },
	[NEW_PARENT] = { .row = "parent", .arg = "TASK-ID" },
	[NEW_BODY] = { .row = "body", .arg = "FILE|-" },
};
static const struct cli_opt sum_opts[SUM_NOPTS] = {
	[SUM_BODY] = { .row = "body", .arg = "FILE|-" },
};
static const struct cli_opt claim_opts[CLAIM_NOPTS] = {
	[CLAIM_BY] = { .row = "by", .arg = "MODE" },
	[CLAIM_TTL] = { .row = "ttl", .arg = "DURATION" },
};
static const struct cli_opt release_opts[RELEASE_NOPTS] = {
	[RELEASE_BY] = { .row = "by", .arg = "MODE" },
	[RELEASE_STATUS] = { .row = "status", .arg = "STATUS" },
};

const struct cli_cmd cli_cmds_task[] = {
	{ .group = "task", .name = "new", .verb = "task new", CLI_OPTS(new_opts),
	  .summary = "write an MDTM task file (linked to the active session); prints its ID",
	  .max_args = 0, .run = cmd_task_new },
	{ .group = "task", .name = "status", .verb = "task status", .args = "TASK-ID STATUS",
	  .summary = "set a task's status (a word below, or the MDTM text such as \"🟣 Review\")",
	  .operand_words = "STATUS", .operand_row = "status", .operand_at = 1,
	  .min_args = 2, .max_args = 2, .run = cmd_task_status },
	{ .group = "task", .name = "claim", .verb = "task claim", .args = "TASK-ID", CLI_OPTS(claim_opts),
	  .summary = "lease a task for a mode (exit 5 naming the holder when taken)",
	  .min_args = 1, .max_args = 1, .run = cmd_task_claim },
	{ .group = "task", .name = "release", .verb = "task release", .args = "TASK-ID", CLI_OPTS(release_opts),
	  .summary = "give a leased task back", .min_args = 1, .max_args = 1,
	  .run = cmd_task_release },
	{ .name = "summarize", .verb = "summarize", .args = "[ID]", CLI_OPTS(sum_opts),
	  .summary = "write a V7 session summary (SESSUM) computed from the log; prints its path",
	  .max_args = 1, .run = cmd_summarize },
	{ 0 },
};
