/*
 * cmd-serve.c — `ruru serve [--port N] [--bind ADDR] [--open] [--as NAME]`
 * (issue #15, DESIGN §14): the human view in a browser.  The server itself
 * is src/web/serve.c; this file is its command-line entry.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "web/serve.h"
#include "banned.h"

enum { SERVE_PORT, SERVE_BIND, SERVE_OPEN, SERVE_AS, SERVE_NOPTS };

static int cmd_serve(struct cli_ctx *ctx, struct cli_args *a)
{
	struct web_serve_opts o = { .bind = "127.0.0.1", .port = 8737 };
	size_t p = o.port;
	if (!cli_size(ctx, a, SERVE_PORT, &p))
		return RURU_EUSAGE;
	if (p > 65535)
		return cli_usage_error(ctx, "--port wants 0 to 65535 (0: any free port)");
	o.port = (unsigned)p;
	if (cli_set(a, SERVE_BIND))
		o.bind = cli_val(a, SERVE_BIND);
	o.open = cli_set(a, SERVE_OPEN);
	o.identity = cli_val(a, SERVE_AS);
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws)
		return RURU_EFAIL;
	int rc = web_serve(ws, &o, stdout, &ctx->err) < 0 ? cli_fail(ctx) : 0;
	ruru_ws_free(ws);
	return rc;
}

static const struct cli_opt serve_opts[SERVE_NOPTS] = {
	[SERVE_PORT] = { .name = "port", .arg = "N", .help = "TCP port (default 8737; 0: any free port)" },
	[SERVE_BIND] = { .name = "bind", .arg = "ADDR",
			 .help = "IP address to listen on (default 127.0.0.1; others warn)" },
	[SERVE_OPEN] = { .name = "open", .help = "open the URL in a browser (xdg-open)" },
	[SERVE_AS] = { .name = "as", .arg = "NAME",
		       .help = "the approver recorded with decisions (default: git user.name "
			       "<user.email>, else the login name)" },
};

const struct cli_cmd cli_cmds_serve[] = {
	{ .name = "serve", CLI_OPTS(serve_opts),
	  .summary = "serve sessions, artifacts, task board and confirmations to a browser (prints the URL)",
	  .max_args = 0, .run = cmd_serve },
	{ 0 },
};
