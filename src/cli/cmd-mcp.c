/*
 * cmd-mcp.c — `ruru mcp`: run the MCP server (src/mcp/) on stdin/stdout
 * until end of input.  The global --root and -s/--session become the
 * server's workspace and default session; --toolsets (or
 * RURU_MCP_TOOLSETS) the tools it offers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "../mcp/mcp.h"
#include "banned.h"

enum { MCP_TOOLSETS, MCP_NOPTS };

static int cmd_mcp(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *sets = cli_val(a, MCP_TOOLSETS);
	if (!sets || !*sets)
		sets = getenv("RURU_MCP_TOOLSETS");
	struct ruru_mcp *m = ruru_mcp_new(cli_root(ctx), ctx->session, &ctx->opts, &ctx->err);
	if (!m)
		return cli_fail(ctx);
	if (sets && *sets && ruru_mcp_toolsets(m, sets, &ctx->err) < 0) {
		ruru_mcp_free(m);
		return cli_usage_error(ctx, "%s", ctx->err.msg);
	}
	/* One plain line: hosts show a server's stderr in their logs, and
	 * some flag lines that look like errors or warnings. */
	fprintf(stderr, "ruru mcp %s: workspace %s\n", RURU_VERSION, ruru_mcp_root(m));
	int rc = ruru_mcp_serve(m, STDIN_FILENO, stdout, &ctx->err) < 0 ? cli_fail(ctx) : 0;
	ruru_mcp_free(m);
	return rc;
}

static const struct cli_opt mcp_opts[MCP_NOPTS] = {
	[MCP_TOOLSETS] = { .row = "toolsets", .arg = "SETS" },
};

const struct cli_cmd cli_cmds_mcp[] = {
	{ .name = "mcp", .verb = "mcp", .summary = "MCP server on stdin/stdout (tools, prompt, resources)",
	  CLI_OPTS(mcp_opts), .max_args = 0, .run = cmd_mcp },
	{ 0 },
};
