/*
 * cmd-host.c — ruru and the coding agents it serves (doc/design.md §13): `init
 * --host` (its front end, called by `init`), `prime` (the digest for a
 * model's first turn, also as a hook) and `instructions` (the block
 * `init --host` writes, printed).  Each is one library call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

int cli_init_hosts(struct cli_ctx *ctx, const char *dir, const char *spec, bool dry, bool remove,
		   bool force, bool capture, json_t **report)
{
	unsigned flags = (dry ? RURU_HOSTS_DRY_RUN : 0) | (remove ? RURU_HOSTS_REMOVE : 0) |
			 (force ? RURU_HOSTS_FORCE : 0) | (capture ? RURU_HOSTS_CAPTURE : 0);
	struct ruru_hosts_report *r = NULL;
	*report = NULL;
	if (ruru_hosts_init(dir, &ctx->opts, spec, flags, &r, &ctx->err) < 0) {
		if (ctx->err.code == RURU_EUSAGE)
			return cli_usage_error(ctx, "%s", ctx->err.msg);
		return cli_fail(ctx);
	}
	int rc = 0;
	if (!ctx->json) {
		struct ruru_buf out = RURU_BUF_INIT;
		ruru_hosts_report_text(r, &out);
		if (out.len && !cli_write(ctx, out.ptr, out.len))
			rc = cli_fail(ctx);
		ruru_buf_release(&out);
	}
	*report = ruru_hosts_report_json(r);
	ruru_hosts_report_free(r);
	return rc;
}

/* ------------------------------------------------------------------ prime */

enum { PRIME_MAX_CHARS, PRIME_HOOK, PRIME_NOPTS };

static int cmd_prime(struct cli_ctx *ctx, struct cli_args *a)
{
	size_t max = cli_num(a, PRIME_MAX_CHARS);
	const char *hook = cli_val(a, PRIME_HOOK);
	struct ruru_buf in = RURU_BUF_INIT;
	/* The hook's event as JSON on stdin (a terminal has none to give). */
	if (hook && !isatty(STDIN_FILENO) && ruru_buf_read_fd(&in, STDIN_FILENO, &ctx->err) < 0)
		return cli_fail(ctx);
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws) {
		ruru_buf_release(&in);
		return cli_fail(ctx);
	}
	int rc = 0;
	struct ruru_digest *d = ruru_prime(ws, ctx->session, max, &ctx->err);
	if (!d) {
		rc = cli_fail(ctx);
	} else if (hook) {
		struct ruru_buf out = RURU_BUF_INIT;
		if (ruru_prime_hook(hook, in.ptr ? in.ptr : "", in.len, d, &out, &ctx->err) < 0 ||
		    !cli_write(ctx, out.ptr, out.len))
			rc = cli_fail(ctx);
		ruru_buf_release(&out);
	} else {
		CLI_PRINT_RESULT(ctx, rc, digest, d);
	}
	ruru_digest_free(d);
	ruru_buf_release(&in);
	ruru_ws_free(ws);
	return rc;
}

/* ----------------------------------------------------------- instructions */

enum { INSTRUCTIONS_HOST, INSTRUCTIONS_NOPTS };

static int cmd_instructions(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_buf b = RURU_BUF_INIT;
	const char *host = cli_val(a, INSTRUCTIONS_HOST);
	if (ruru_host_instructions(host, &b, &ctx->err) < 0) {
		ruru_buf_release(&b);
		return cli_usage_error(ctx, "%s", ctx->err.msg);
	}
	int rc = 0;
	if (ctx->json) {
		json_t *o = json_pack("{s:s?, s:s}", "host", host, "block", b.ptr);
		if (!cli_print_json(ctx, o))
			rc = cli_fail(ctx);
	} else if (!cli_write(ctx, b.ptr, b.len)) {
		rc = cli_fail(ctx);
	}
	ruru_buf_release(&b);
	return rc;
}

static const struct cli_opt prime_opts[PRIME_NOPTS] = {
	[PRIME_MAX_CHARS] = { .row = "max-chars", .arg = "N" },
	[PRIME_HOOK] = { .row = "hook", .arg = "HOST" },
};
static const struct cli_opt instructions_opts[INSTRUCTIONS_NOPTS] = {
	[INSTRUCTIONS_HOST] = { .row = "host", .arg = "HOST" },
};

const struct cli_cmd cli_cmds_host[] = {
	{ .name = "prime", .verb = "prime",
	  .summary = "print the state of the work for a model's first turn (short digest)",
	  CLI_OPTS(prime_opts), .max_args = 0, .run = cmd_prime },
	{ .name = "instructions", .verb = "instructions",
	  .summary = "print the instructions block init --host writes (writes nothing)",
	  CLI_OPTS(instructions_opts), .max_args = 0, .run = cmd_instructions },
	{ 0 },
};
