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
	char *id = NULL, *rel = NULL;
	int rc = 0;
	if (a->argc && cli_read_input(ctx, a->argv[0], &data) < 0) {
		rc = cli_fail(ctx);
		goto out;
	}
	t.text = a->argc ? data.ptr : NULL;
	t.len = data.len;
	if (!(ws = cli_ws(ctx)) || !(id = cli_session(ctx, ws, NULL)) ||
	    ruru_artifact_add_typed(ws, id, &t, &rel, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json ? !cli_print_json(ctx, json_pack("{s:s, s:s, s:s}", "session", id, "path",
							    rel, "type",
							    ruru_artifact_type_find(t.type)->type))
			   : printf("%s\n", rel) < 0)
		rc = cli_fail(ctx);
out:
	free(rel);
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
	char *id = NULL, *rel = NULL;
	int rc = 0;
	if (cli_read_input(ctx, file, &data) < 0 || !(ws = cli_ws(ctx)) ||
	    !(id = cli_session(ctx, ws, NULL)) ||
	    ruru_artifact_add(ws, id, name, data.ptr, data.len, cli_set(a, ADD_FORCE),
			      cli_val(a, ADD_DESCRIPTION), &rel, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json ? !cli_print_json(ctx, json_pack("{s:s, s:s}", "session", id, "path", rel))
			   : printf("%s\n", rel) < 0)
		rc = cli_fail(ctx);
	free(rel);
	free(id);
	ruru_ws_free(ws);
	ruru_buf_release(&data);
	return rc;
}

/* A list of the session `id`, narrowed by the command's `filter` (NULL:
 * all): one library call that returns a JSON array of objects. */
typedef json_t *list_fn(struct ruru_ws *ws, const char *id, const char *filter,
			struct ruru_error *err);

/* list commands: `fn` of the active session; text output prints the line
 * `line` builds of each object. */
static int print_list(struct cli_ctx *ctx, list_fn *fn, const char *filter, const char *key,
		      void (*line)(json_t *))
{
	struct ruru_ws *ws = cli_ws(ctx);
	char *id = ws ? cli_session(ctx, ws, NULL) : NULL;
	json_t *list = id ? fn(ws, id, filter, &ctx->err) : NULL;
	int rc = 0;
	if (!list)
		rc = cli_fail(ctx);
	else if (ctx->json) {
		if (!cli_print_json(ctx, json_pack("{s:s, s:O}", "session", id, key, list)))
			rc = cli_fail(ctx);
	} else {
		size_t i;
		json_t *v;
		json_array_foreach(list, i, v) line(v);
	}
	json_decref(list);
	free(id);
	ruru_ws_free(ws);
	return rc;
}

/* One tab-separated row of fields; each escaped (they come from files). */
static void print_row(const char *const *f, size_t n)
{
	struct ruru_buf line = RURU_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			ruru_buf_addch(&line, '\t');
		cli_add_tsv_field(&line, f[i] ? f[i] : "");
	}
	ruru_buf_addch(&line, '\n');
	fputs(line.ptr, stdout);
	ruru_buf_release(&line);
}

static void artifact_line(json_t *v)
{
	json_t *bytes = json_object_get(v, "bytes");
	const char *f[] = { json_string_value(json_object_get(v, "path")),
			    json_is_true(json_object_get(v, "recorded")) ? "recorded" : "unrecorded",
			    json_is_integer(bytes) ? "present" : "missing" };
	print_row(f, 3);
}

/* Artifacts: all, or the typed ones of `type` (artifact list --type). */
static json_t *artifact_list(struct ruru_ws *ws, const char *id, const char *type,
			     struct ruru_error *err)
{
	return type ? ruru_artifact_list_typed(ws, id, type, err) : ruru_artifact_list(ws, id, err);
}

enum { LIST_TYPE, LIST_NOPTS };

static int cmd_artifact_list(struct cli_ctx *ctx, struct cli_args *a)
{
	return print_list(ctx, artifact_list, cli_val(a, LIST_TYPE), "artifacts", artifact_line);
}

static int cmd_task_link(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_ws *ws = cli_ws(ctx);
	char *id = ws ? cli_session(ctx, ws, NULL) : NULL;
	int rc = 0;
	char *file = NULL;
	struct ruru_error nf = { 0 };
	if (!id || ruru_task_link(ws, id, a->argv[0], &ctx->err) < 0) {
		rc = cli_fail(ctx);
	} else {
		if (ruru_task_find(ws, a->argv[0], &file, &nf) < 0)
			fprintf(stderr, "ruru: warning: linked \"%s\", but no task file has that ID\n",
				a->argv[0]);
		if (ctx->json && !cli_print_json(ctx, json_pack("{s:s, s:s, s:s?}", "session", id,
								"task", a->argv[0], "file", file)))
			rc = cli_fail(ctx);
	}
	free(file);
	free(id);
	ruru_ws_free(ws);
	return rc;
}

static void task_line(json_t *v)
{
	const char *st = json_string_value(json_object_get(v, "status"));
	const char *ti = json_string_value(json_object_get(v, "title"));
	const char *via = json_string_value(json_object_get(v, "via"));
	const char *f[] = { json_string_value(json_object_get(v, "id")),
			    st ? st
			    : json_is_string(json_object_get(v, "file")) ? "(no status)"
									: "(no task file)",
			    via && strcmp(via, "related_tasks") ? via : "linked", ti, NULL };
	/* a fifth column when an open item holds the task open */
	struct ruru_buf open = RURU_BUF_INIT;
	const char *kind = json_string_value(json_object_get(v, "open"));
	if (kind)
		ruru_buf_addf(&open, "open: %s", kind);
	f[4] = open.ptr;
	print_row(f, kind ? 5 : 4);
	ruru_buf_release(&open);
}

/* Tasks of the session (no filter). */
static json_t *task_list(struct ruru_ws *ws, const char *id, const char *filter,
			 struct ruru_error *err)
{
	(void)filter;
	return ruru_task_list(ws, id, err);
}

enum { TLIST_ALL, TLIST_NOPTS };

/* task list --all: every task file, a board, no session needed. */
static int task_board(struct cli_ctx *ctx)
{
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws)
		return cli_fail(ctx);
	int rc = 0;
	json_t *list = ruru_task_list_all(ws, &ctx->err);
	if (!list) {
		rc = cli_fail(ctx);
	} else if (ctx->json) {
		if (!cli_print_json(ctx, json_pack("{s:O}", "tasks", list)))
			rc = cli_fail(ctx);
	} else {
		size_t i;
		json_t *v;
		json_array_foreach(list, i, v) {
			const char *st = json_string_value(json_object_get(v, "status"));
			const char *f[] = { json_string_value(json_object_get(v, "id")),
					    st ? st : "(no status)",
					    json_string_value(json_object_get(v, "session")),
					    json_string_value(json_object_get(v, "title")) };
			print_row(f, 4);
		}
	}
	json_decref(list);
	ruru_ws_free(ws);
	return rc;
}

static int cmd_task_list(struct cli_ctx *ctx, struct cli_args *a)
{
	if (cli_set(a, TLIST_ALL))
		return task_board(ctx);
	return print_list(ctx, task_list, NULL, "tasks", task_line);
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
