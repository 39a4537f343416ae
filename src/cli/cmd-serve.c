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
	[SERVE_PORT] = { .row = "port", .arg = "N" },
	[SERVE_BIND] = { .row = "bind", .arg = "ADDR" },
	[SERVE_OPEN] = { .row = "open" },
	[SERVE_AS] = { .row = "as", .arg = "NAME" },
};

const struct cli_cmd cli_cmds_serve[] = {
	{ .name = "serve", .verb = "serve", CLI_OPTS(serve_opts),
	  .summary = "serve sessions, artifacts, task board and confirmations to a browser (prints the URL)",
	  .max_args = 0, .run = cli_web_serve },
	{ 0 },
};
