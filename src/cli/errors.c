/*
 * errors.c — library errors in the CLI's words.  The library names the
 * argument at fault as its API does ("reason") and the next step as a hint
 * (RURU_HINT_RESUME); here they become this command's flag (--rationale
 * for `confirm skip`) and the command to run (`ruru resume ID`).  The MCP
 * server does the same with its own argument and tool names.
 */
#include <string.h>

#include "cli.h"
#include "banned.h"

/* The option of the current command that the library calls `arg`. */
static const struct cli_opt *opt_for(const struct cli_ctx *ctx, const char *arg)
{
	if (!ctx->cmd || !arg)
		return NULL;
	for (const struct cli_opt *o = ctx->cmd->opts; o < ctx->cmd->opts + ctx->cmd->nopts; o++)
		if (!strcmp(o->lib_arg ? o->lib_arg : o->name, arg))
			return o;
	return NULL;
}

void cli_error_text(const struct cli_ctx *ctx, struct ruru_buf *out)
{
	const struct ruru_error *e = &ctx->err;
	const char *subj = e->subject[0] ? e->subject : "ID";
	ruru_error_format(e, out);
	const struct cli_opt *o = opt_for(ctx, e->arg);
	if (o && e->hint != RURU_HINT_FORCE)
		ruru_buf_addf(out, " (--%s%s%s)", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	switch (e->hint) {
	case RURU_HINT_NONE:
		break;
	case RURU_HINT_RESUME:
		ruru_buf_addf(out, "; reopen it with `ruru resume %s` or `ruru continue %s`", subj,
			      subj);
		break;
	case RURU_HINT_NEW:
		ruru_buf_addstr(out, " (start one with `ruru new`, or pass -s ID)");
		break;
	case RURU_HINT_FORCE:
		ruru_buf_addstr(out, " (--force overrides)");
		break;
	case RURU_HINT_ASK:
		ruru_buf_addf(out, " (ask the user with `ruru confirm ask %s`, or record their answer "
				   "with `ruru confirm approve|reject %s`)",
			      subj, subj);
		break;
	case RURU_HINT_ADOPT:
		ruru_buf_addf(out, "; take it into the workflow with `ruru confirm adopt %s --target "
				   "PATH`",
			      subj);
		break;
	}
}
