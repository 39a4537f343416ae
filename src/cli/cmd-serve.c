/*
 * cmd-serve.c — `ruru serve [--port N] [--bind ADDR] [--open] [--as NAME]`
 * (doc/design.md §15): the human view in a browser.  The server itself
 * is src/web/serve.c, run by cli_web_serve() in the ruru-web helper
 * (web.c); this file is the command's table row, shared by both
 * executables.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "banned.h"

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
	  .max_args = 0, .run = cli_web_serve },
	{ 0 },
};
