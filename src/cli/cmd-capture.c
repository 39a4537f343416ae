/*
 * cmd-capture.c — the log that writes itself: `capture --hook HOST` (what
 * a host's hook runs; never in the host's way) and `import HOST FILE|-`
 * (a saved transcript made a session).  Each is one library call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

/* ---------------------------------------------------------------- capture */

enum { CAPTURE_HOOK, CAPTURE_NOPTS };

/*
 * A host waits for its hooks and reads what they print: so nothing goes
 * to stdout (unless --json asked for the report) but what the hook format
 * asks for — Gemini CLI parses a hook's stdout as JSON, so it gets "{}",
 * no decision —, one line to stderr when something failed, and the exit
 * status is always 0.
 */
static void hook_answer(struct cli_ctx *ctx, const char *host)
{
	if (!ctx->json && host && !strcmp(host, "gemini"))
		cli_write(ctx, "{}\n", 3);
}

static int cmd_capture(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *host = cli_val(a, CAPTURE_HOOK);
	struct ruru_buf in = RURU_BUF_INIT;
	json_t *report = NULL;
	struct ruru_ws *ws = NULL;
	if (!host)
		return cli_usage_error(ctx, "--hook HOST is required (claude, codex, gemini)");
	if (!isatty(STDIN_FILENO) && ruru_buf_read_fd(&in, STDIN_FILENO, &ctx->err) < 0)
		goto fail;
	if (!(ws = cli_ws(ctx)))
		goto fail;
	if (ruru_capture_hook(ws, ctx->session, host, in.ptr, in.len, &report, &ctx->err) < 0)
		goto fail;
	if (ctx->json && !cli_print_json(ctx, report)) {
		report = NULL;
		goto fail;
	}
	if (!ctx->json)
		json_decref(report);
	hook_answer(ctx, host);
	ruru_ws_free(ws);
	ruru_buf_release(&in);
	return 0;
fail:
	cli_fail(ctx); /* the one line on stderr */
	hook_answer(ctx, host);
	json_decref(report);
	ruru_ws_free(ws);
	ruru_buf_release(&in);
	return 0;
}

/* ----------------------------------------------------------------- import */

static int cmd_import(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *host = a->argv[0], *file = a->argv[1];
	struct ruru_buf text = RURU_BUF_INIT;
	if (cli_read_input(ctx, file, &text) < 0) {
		ruru_buf_release(&text);
		return cli_fail(ctx);
	}
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws) {
		ruru_buf_release(&text);
		return cli_fail(ctx);
	}
	json_t *report = NULL;
	const char *name = strcmp(file, "-") ? file : NULL;
	char *id = ruru_import(ws, host, text.ptr, text.len, name, &report, &ctx->err);
	int rc = 0;
	if (!id) {
		rc = ctx->err.code == RURU_EUSAGE ? cli_usage_error(ctx, "%s", ctx->err.msg)
						  : cli_fail(ctx);
	} else {
		/* What could not be read, with its line (stderr: stdout is the ID). */
		size_t i;
		json_t *p;
		fflush(stdout);
		json_array_foreach(json_object_get(report, "problems"), i, p) {
			struct ruru_buf line = RURU_BUF_INIT;
			ruru_buf_addf(&line, "ruru: %s:%lld: %s", name ? name : "-",
				      (long long)json_integer_value(json_object_get(p, "line")),
				      json_string_value(json_object_get(p, "message")));
			cli_print_escaped_line(line.ptr);
			ruru_buf_release(&line);
		}
		if (ctx->json) {
			if (!cli_print_json(ctx, report))
				rc = cli_fail(ctx);
			report = NULL;
		} else {
			printf("%s\n", id);
			fprintf(stderr,
				"ruru: imported %lld records as %lld entries (%lld of an unknown kind "
				"kept in %s); the session is paused\n",
				(long long)json_integer_value(json_object_get(report, "records")),
				(long long)json_integer_value(json_object_get(report, "entries")),
				(long long)json_integer_value(json_object_get(report, "unknown")),
				json_string_value(json_object_get(report, "artifact")));
		}
	}
	json_decref(report);
	free(id);
	ruru_ws_free(ws);
	ruru_buf_release(&text);
	return rc;
}

static const struct cli_opt capture_opts[CAPTURE_NOPTS] = {
	[CAPTURE_HOOK] = { .row = "hook", .arg = "HOST" },
};

const struct cli_cmd cli_cmds_capture[] = {
	{ .name = "capture", .verb = "capture",
	  .summary = "log what a host's hook saw (prompt, subagent, compaction, end) to the active "
		     "session; prints nothing (gemini: {}), exits 0",
	  CLI_OPTS(capture_opts), .max_args = 0, .run = cmd_capture },
	{ .name = "import", .args = "HOST FILE|-",
	  .summary = "make a paused session from a saved transcript of HOST (claude, codex, gemini); prints its ID",
	  .min_args = 2, .max_args = 2, .run = cmd_import },
	{ 0 },
};
