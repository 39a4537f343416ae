/*
 * cmd-merge.c — `ruru merge-driver BASE OURS THEIRS [PATH]`, the git merge
 * driver for session logs that `ruru init --git` registers as
 * `ruru merge-driver %O %A %B %P`.  git hands it the three versions as
 * temporary files and expects the result in OURS: exit 0 when merged
 * cleanly, 1 when OURS holds conflict markers (git then reports a
 * conflict).  Errors reading or writing the files keep doc/design.md §11's codes.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "banned.h"

static int cmd_merge_driver(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *base = a->argv[0], *ours = a->argv[1], *theirs = a->argv[2];
	const char *path = a->argc > 3 ? a->argv[3] : ours;
	int rc = ruru_merge_files(base, ours, theirs, &ctx->err);
	if (rc < 0)
		return cli_fail(ctx);
	if (rc > 0) {
		/* git shows this next to its own "CONFLICT" line */
		struct ruru_buf line = RURU_BUF_INIT;
		ruru_error_set_file(&ctx->err, "");
		ruru_error_format(&ctx->err, &line);
		fflush(stdout);
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_buf_addf(&b, "ruru: %s: conflict: %s", path, line.ptr);
		cli_print_escaped_line(b.ptr); /* the path comes from git */
		ruru_buf_release(&b);
		ruru_buf_release(&line);
	}
	if (ctx->json) {
		json_t *o = json_pack("{s:s, s:b}", "path", path, "merged", rc == 0);
		if (rc > 0)
			json_object_set_new(o, "conflict", json_string(ctx->err.msg));
		if (!cli_print_json(ctx, o))
			return cli_fail(ctx);
	}
	return rc == 0 ? 0 : 1;
}

const struct cli_cmd cli_cmds_merge[] = {
	{ .name = "merge-driver", .args = "BASE OURS THEIRS [PATH]",
	  .summary = "git merge driver for session logs; result written to OURS",
	  .min_args = 3, .max_args = 4, .run = cmd_merge_driver },
	{ 0 },
};
