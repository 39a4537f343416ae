/*
 * cmd-export.c — `ruru export --md [ID]`, `ruru export --json [ID]` (one
 * session as one document on standard output) and `ruru export --html DIR
 * [ID...]` (the pages of the human view as a static site, rendered by
 * src/web/render.c like the server's: in the ruru-web helper, see web.c).  Secrets are
 * redacted unless --no-redact.  The command's table entry is in
 * cmd-confirm.c, beside --agent-trace; this file is the session part.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "banned.h"

int cli_export_sessions(struct cli_ctx *ctx, struct cli_args *a, bool md, const char *html,
			bool no_redact)
{
	unsigned flags = no_redact ? RURU_EXPORT_NO_REDACT : 0;
	if (html) {
		if (md || ctx->json)
			return cli_usage_error(ctx, "--html excludes --md and --json");
		if (!*html)
			return cli_usage_error(ctx, "--html needs a folder");
		return cli_web_export_html(ctx, a, html, flags);
	}
	if (md == ctx->json)
		return cli_usage_error(ctx, md ? "--md and --json exclude each other"
					       : "say what to export: --md, --json, --html or --agent-trace");
	if (a->argc > 1)
		return cli_usage_error(ctx, "--md and --json export one session");
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws)
		return RURU_EFAIL;
	char *id = cli_session(ctx, ws, a->argc ? a->argv[0] : NULL);
	int rc = 0;
	/* --md is the text, --json the JSON */
	struct ruru_export *x = id ? ruru_export(ws, id, flags, &ctx->err) : NULL;
	if (!x)
		rc = cli_fail(ctx);
	else
		CLI_PRINT_RESULT(ctx, rc, export, x);
	ruru_export_free(x);
	free(id);
	ruru_ws_free(ws);
	return rc;
}
