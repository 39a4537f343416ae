/*
 * cmd-artifact.c — `ruru artifact add|list` and `ruru task link|list`:
 * a session's files and the MDTM tasks it links.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

enum {
	ADD_NAME,
	ADD_FORCE,
	ADD_DESCRIPTION,
	ADD_TYPE, /* V7 typed artifacts */
	ADD_TITLE,
	ADD_TASK,
	ADD_TAG,
	ADD_NOPTS
};

/* What `artifact add` prints: the path in the session alone (ruru(1)),
 * or the result's JSON. */
static bool print_added(struct cli_ctx *ctx, const struct ruru_artifact_added *r)
{
	return ctx->json ? cli_print_json(ctx, ruru_artifact_added_json(r))
			 : printf("%s\n", r->path) >= 0;
}

/* artifact add --type TYPE --title TEXT [--task ID] [--tag T]... [FILE|-] (V7) */
static int artifact_add_typed(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_typed t = { 0 };
	t.type = cli_val(a, ADD_TYPE);
	t.title = cli_val(a, ADD_TITLE);
	t.task = cli_val(a, ADD_TASK);
	t.tags = cli_all(a, ADD_TAG, &t.ntags);
	if (!t.title)
		return cli_usage_error(ctx, "a typed artifact needs --title TEXT");
	if (cli_set(a, ADD_NAME) || cli_set(a, ADD_FORCE))
		return cli_usage_error(ctx, "--name and --force do not go with --type (typed "
					    "artifacts are named from their title)");
	struct ruru_buf data = RURU_BUF_INIT;
	struct ruru_ws *ws = NULL;
	char *id = NULL;
	int rc = 0;
	if (a->argc && cli_read_input(ctx, a->argv[0], &data) < 0) {
		rc = cli_fail(ctx);
		goto out;
	}
	t.text = a->argc ? data.ptr : NULL;
	t.len = data.len;
	struct ruru_artifact_added *r = NULL;
	if (!(ws = cli_ws(ctx)) || !(id = cli_session(ctx, ws, NULL)) ||
	    !(r = ruru_artifact_save(ws, id, NULL, NULL, 0, false, NULL, &t, &ctx->err)) ||
	    !print_added(ctx, r))
		rc = cli_fail(ctx);
	ruru_artifact_added_free(r);
out:
	free(id);
	ruru_ws_free(ws);
	ruru_buf_release(&data);
	return rc;
}

static int cmd_artifact_add(struct cli_ctx *ctx, struct cli_args *a)
{
	if (cli_set(a, ADD_TYPE))
		return artifact_add_typed(ctx, a);
	if (cli_set(a, ADD_TITLE) || cli_set(a, ADD_TASK) || cli_set(a, ADD_TAG))
		return cli_usage_error(ctx, "--title, --task and --tag go with --type");
	if (!a->argc)
		return cli_usage_error(ctx, "give FILE (or - for stdin), or --type for a typed artifact");
	const char *file = a->argv[0];
	const char *name = cli_val(a, ADD_NAME);
	if (!name) {
		if (!strcmp(file, "-"))
			return cli_usage_error(ctx, "reading stdin needs --name NAME");
		const char *slash = strrchr(file, '/');
		name = slash ? slash + 1 : file;
		if (!*name)
			return cli_usage_error(ctx, "\"%s\" names no file; give --name NAME", file);
	}
	struct ruru_buf data = RURU_BUF_INIT;
	struct ruru_ws *ws = NULL;
	char *id = NULL;
	struct ruru_artifact_added *r = NULL;
	int rc = 0;
	if (cli_read_input(ctx, file, &data) < 0 || !(ws = cli_ws(ctx)) ||
	    !(id = cli_session(ctx, ws, NULL)) ||
	    !(r = ruru_artifact_save(ws, id, name, data.ptr, data.len, cli_set(a, ADD_FORCE),
				     cli_val(a, ADD_DESCRIPTION), NULL, &ctx->err)) ||
	    !print_added(ctx, r))
		rc = cli_fail(ctx);
	ruru_artifact_added_free(r);
	free(id);
	ruru_ws_free(ws);
	ruru_buf_release(&data);
	return rc;
}

enum { LIST_TYPE, LIST_NOPTS };

/* Artifacts: all, or the typed ones of --type. */
static int cmd_artifact_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_ws *ws = cli_ws(ctx);
	char *id = ws ? cli_session(ctx, ws, NULL) : NULL;
	const char *type = cli_val(a, LIST_TYPE);
	struct ruru_artifact_list *l = !id ? NULL
				       : type ? ruru_artifact_list_typed(ws, id, type, &ctx->err)
					      : ruru_artifact_list(ws, id, &ctx->err);
	int rc = 0;
	if (!l)
		rc = cli_fail(ctx);
	else
		CLI_PRINT_RESULT(ctx, rc, artifact_list, l);
	ruru_artifact_list_free(l);
	free(id);
	ruru_ws_free(ws);
	return rc;
}

static int cmd_task_link(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_ws *ws = cli_ws(ctx);
	char *id = ws ? cli_session(ctx, ws, NULL) : NULL;
	int rc = 0;
	struct ruru_task_linked *r = id ? ruru_task_link_find(ws, id, a->argv[0], &ctx->err) : NULL;
	if (!r) {
		rc = cli_fail(ctx);
	} else {
		if (!r->file)
			fprintf(stderr, "ruru: warning: linked \"%s\", but no task file has that ID\n",
				a->argv[0]);
		if (ctx->json && !cli_print_json(ctx, ruru_task_linked_json(r)))
			rc = cli_fail(ctx);
	}
	ruru_task_linked_free(r);
	free(id);
	ruru_ws_free(ws);
	return rc;
}

enum { TLIST_ALL, TLIST_NOPTS };

/* The session's tasks, or with --all every task file as a board (no
 * session needed). */
static int cmd_task_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_ws *ws = cli_ws(ctx);
	bool all = cli_set(a, TLIST_ALL);
	char *id = ws && !all ? cli_session(ctx, ws, NULL) : NULL;
	struct ruru_task_list *l = all && ws ? ruru_task_list_all(ws, &ctx->err)
				   : id	     ? ruru_task_list(ws, id, &ctx->err)
						     : NULL;
	int rc = 0;
	if (!l)
		rc = cli_fail(ctx);
	else
		CLI_PRINT_RESULT(ctx, rc, task_list, l);
	ruru_task_list_free(l);
	free(id);
	ruru_ws_free(ws);
	return rc;
}

static const struct cli_opt add_opts[ADD_NOPTS] = {
	[ADD_NAME] = { .row = "name", .arg = "NAME" },
	[ADD_FORCE] = { .row = "force" },
	[ADD_DESCRIPTION] = { .row = "description", .arg = "TEXT" },
	/* V7 typed artifacts */
	[ADD_TYPE] = { .row = "type", .arg = "TYPE" },
	[ADD_TITLE] = { .row = "title", .arg = "TEXT" },
	[ADD_TASK] = { .row = "task", .arg = "TASK-ID" },
	[ADD_TAG] = { .row = "tags", .arg = "T" },
};
static const struct cli_opt list_opts[LIST_NOPTS] = {
	[LIST_TYPE] = { .row = "type", .arg = "TYPE" },
};

static const struct cli_opt tlist_opts[TLIST_NOPTS] = {
	[TLIST_ALL] = { .row = "all" },
};

const struct cli_cmd cli_cmds_artifact[] = {
	{ .group = "artifact", .name = "add", .verb = "artifact add", .args = "[FILE|-]", CLI_OPTS(add_opts),
	  .summary = "store a file (or, with --type, a typed V7 note) in the session's artifacts; "
		     "prints its path in the session",
	  .min_args = 0, .max_args = 1, .run = cmd_artifact_add },
	{ .group = "artifact", .name = "list", .verb = "artifact list", .summary = "list the session's artifacts",
	  CLI_OPTS(list_opts), .max_args = 0, .run = cmd_artifact_list },
	{ .group = "task", .name = "link", .verb = "task link", .args = "TASK-ID",
	  .summary = "link an MDTM task to the session (related_tasks)", .min_args = 1,
	  .max_args = 1, .run = cmd_task_link },
	{ .group = "task", .name = "list", .verb = "task list",
	  .summary = "list the session's tasks (linked, or naming the session) with their MDTM "
		     "status, marking those an open item holds; --all: every task file, as a board",
	  CLI_OPTS(tlist_opts), .max_args = 0, .run = cmd_task_list },
	{ 0 },
};
