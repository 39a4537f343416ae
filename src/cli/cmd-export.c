/*
 * cmd-export.c — `ruru export --md [ID]` and `ruru export --json [ID]`
 * (issue #15, DESIGN §14): one session as one document on standard output,
 * secrets redacted unless --no-redact.  The command's table entry is in
 * cmd-confirm.c, beside --agent-trace; this file is the session part.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

int cli_export_sessions(struct cli_ctx *ctx, struct cli_args *a)
{
	bool md = cli_flag(ctx, a, "md");
	if (md == ctx->json)
		return cli_usage_error(ctx, md ? "--md and --json exclude each other"
					       : "say what to export: --md, --json or --agent-trace");
	if (a->argc > 1)
		return cli_usage_error(ctx, "--md and --json export one session");
	unsigned flags = cli_flag(ctx, a, "no-redact") ? RURU_EXPORT_NO_REDACT : 0;
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws)
		return RURU_EFAIL;
	char *id = cli_session(ctx, ws, a->argc ? a->argv[0] : NULL);
	int rc = 0;
	if (!id) {
		rc = cli_fail(ctx);
	} else if (md) {
		struct ruru_buf b = RURU_BUF_INIT;
		if (ruru_export_md(ws, id, flags, &b, &ctx->err) < 0 || !cli_write(ctx, b.ptr, b.len))
			rc = cli_fail(ctx);
		ruru_buf_release(&b);
	} else {
		json_t *doc = ruru_export_json(ws, id, flags, &ctx->err);
		if (!doc || !cli_print_json(ctx, doc))
			rc = cli_fail(ctx);
	}
	free(id);
	ruru_ws_free(ws);
	return rc;
}
