/*
 * cmd-serve.c — `ruru serve [--port N] [--bind ADDR] [--open] [--as NAME]`
 * (issue #15, DESIGN §14): the human view in a browser.  The server itself
 * is src/web/serve.c; this file is its command-line entry.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "web/serve.h"

static int cmd_serve(struct cli_ctx *ctx, struct cli_args *a)
{
	struct web_serve_opts o = { .bind = "127.0.0.1", .port = 8737 };
	const char *port = cli_opt(ctx, a, "port");
	if (port) {
		size_t p;
		if (!cli_parse_size(ctx, "--port", port, &p))
			return RURU_EUSAGE;
		if (p > 65535)
			return cli_usage_error(ctx, "--port wants 0 to 65535 (0: any free port)");
		o.port = (unsigned)p;
	}
	if (cli_opt(ctx, a, "bind"))
		o.bind = cli_opt(ctx, a, "bind");
	o.open = cli_flag(ctx, a, "open");
	o.identity = cli_opt(ctx, a, "as");
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws)
		return RURU_EFAIL;
	int rc = web_serve(ws, &o, stdout, &ctx->err) < 0 ? cli_fail(ctx) : 0;
	ruru_ws_free(ws);
	return rc;
}

static const struct cli_opt serve_opts[] = {
	{ .name = "port", .arg = "N", .help = "TCP port (default 8737; 0: any free port)" },
	{ .name = "bind", .arg = "ADDR", .help = "IP address to listen on (default 127.0.0.1; others warn)" },
	{ .name = "open", .help = "open the URL in a browser (xdg-open)" },
	{ .name = "as", .arg = "NAME", .help = "the approver recorded with decisions (default: git user.name <user.email>, else the login name)" },
	{ 0 },
};

const struct cli_cmd cli_cmds_serve[] = {
	{ .name = "serve", .opts = serve_opts,
	  .summary = "serve sessions, artifacts, task board and confirmations to a browser (prints the URL)",
	  .max_args = 0, .run = cmd_serve },
	{ 0 },
};
