/*
 * cmd-mcp.c — `ruru mcp`: run the MCP server (src/mcp/) on stdin/stdout
 * until end of input.  The global --root and -s/--session become the
 * server's workspace and default session.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "../mcp/mcp.h"
#include "banned.h"

static int cmd_mcp(struct cli_ctx *ctx, struct cli_args *a)
{
	(void)a;
	struct ruru_mcp *m = ruru_mcp_new(cli_root(ctx), ctx->session, &ctx->opts, &ctx->err);
	if (!m)
		return cli_fail(ctx);
	fprintf(stderr, "ruru mcp %s: serving workspace %s on stdin/stdout\n", RURU_VERSION, ruru_mcp_root(m));
	int rc = ruru_mcp_serve(m, STDIN_FILENO, stdout, &ctx->err) < 0 ? cli_fail(ctx) : 0;
	ruru_mcp_free(m);
	return rc;
}

const struct cli_cmd cli_cmds_mcp[] = {
	{ .name = "mcp", .summary = "MCP server on stdin/stdout (tools, prompt, resources)",
	  .max_args = 0, .run = cmd_mcp },
	{ 0 },
};
