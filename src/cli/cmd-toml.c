/*
 * cmd-toml.c — `ruru toml ...`: the TOML engine from the command line.
 * decode prints toml-test's tagged JSON (the official suite drives ruru
 * through it); get prints one value; set, unset, append and remove-at edit
 * a file in place, format-preserving, with an atomic rewrite.  A file that
 * starts with a "+++" line is TOML+Markdown: its front matter is the TOML,
 * and the Markdown body is kept byte for byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

/* The TOML part of a document: all of it, or the front matter. */
struct toml_part {
	struct ruru_buf text;
	size_t start, end; /* the TOML bytes within text */
	int line0;         /* lines before the TOML part */
};

static int load(struct cli_ctx *ctx, const char *file, struct toml_part *tp)
{
	ruru_buf_init(&tp->text);
	int rc;
	if (!file || !strcmp(file, "-")) {
		rc = ruru_buf_read_fd(&tp->text, 0, &ctx->err);
		ruru_error_set_file(&ctx->err, "<stdin>");
	} else {
		rc = ruru_buf_read_file(&tp->text, file, &ctx->err);
		ruru_error_set_file(&ctx->err, file);
	}
	if (rc < 0)
		return -1;
	struct ruru_frontmatter fm;
	tp->start = 0;
	tp->end = tp->text.len;
	tp->line0 = 0;
	if (ruru_frontmatter_split(tp->text.ptr, tp->text.len, &fm)) {
		tp->start = fm.toml;
		tp->end = fm.toml_end;
		for (size_t i = 0; i < fm.toml; i++)
			tp->line0 += tp->text.ptr[i] == '\n';
	}
	return 0;
}

/* Errors from the engine count lines from the TOML part; report file lines. */
static int fail_at(struct cli_ctx *ctx, const struct toml_part *tp)
{
	if (ctx->err.line)
		ctx->err.line += tp->line0;
	return cli_fail(ctx);
}

/* Load FILE (stdin for NULL or "-") and decode its TOML part.  On failure
 * everything is released and *rc holds the exit status. */
static struct ruru_toml *load_doc(struct cli_ctx *ctx, const char *file, struct toml_part *tp,
				  int *rc)
{
	struct ruru_toml *doc = NULL;
	if (load(ctx, file, tp) < 0)
		*rc = cli_fail(ctx);
	else if (!(doc = ruru_toml_parse(tp->text.ptr + tp->start, tp->end - tp->start, &ctx->err)))
		*rc = fail_at(ctx, tp);
	if (!doc)
		ruru_buf_release(&tp->text);
	return doc;
}

static int cmd_decode(struct cli_ctx *ctx, struct cli_args *a)
{
	struct toml_part tp;
	int rc;
	struct ruru_toml *doc = load_doc(ctx, a->argc ? a->argv[0] : NULL, &tp, &rc);
	if (!doc)
		return rc;
	struct ruru_buf out = RURU_BUF_INIT;
	ruru_buf_init(&out);
	ruru_toml_to_tagged_json(ruru_toml_root(doc), &out);
	ruru_buf_addch(&out, '\n');
	bool ok = cli_write(ctx, out.ptr, out.len);
	ruru_buf_release(&out);
	ruru_toml_free(doc);
	ruru_buf_release(&tp.text);
	return ok ? 0 : cli_fail(ctx);
}

static int cmd_get(struct cli_ctx *ctx, struct cli_args *a)
{
	struct toml_part tp;
	int rc = 0;
	struct ruru_toml *doc = load_doc(ctx, a->argv[0], &tp, &rc);
	if (!doc)
		return rc;
	const struct ruru_toml_value *v = ruru_toml_lookup(ruru_toml_root(doc), a->argv[1]);
	struct ruru_buf out = RURU_BUF_INIT;
	ruru_buf_init(&out);
	if (!v) {
		ruru_error_set(&ctx->err, RURU_ENOTFOUND, "key \"%s\" not found", a->argv[1]);
		rc = cli_fail(ctx);
	} else {
		if (ctx->json) {
			ruru_buf_addf(&out, "{\"schema_version\":%d,\"value\":", RURU_SCHEMA_VERSION);
			ruru_toml_to_tagged_json(v, &out);
			ruru_buf_addch(&out, '}');
		} else if (ruru_toml_kind(v) == RURU_TOML_STRING) {
			size_t n;
			const char *s = ruru_toml_string(v, &n);
			ruru_buf_add(&out, s, n);
		} else {
			ruru_toml_scalar_text(v, &out);
		}
		ruru_buf_addch(&out, '\n');
		if (!cli_write(ctx, out.ptr, out.len))
			rc = cli_fail(ctx);
	}
	ruru_buf_release(&out);
	ruru_toml_free(doc);
	ruru_buf_release(&tp.text);
	return rc;
}


/* ---------------------------------------------------------------- edits */

enum edit_kind { ED_SET, ED_UNSET, ED_APPEND, ED_REMOVE_AT };

static int run_edit(struct cli_ctx *ctx, struct cli_args *a, enum edit_kind kind)
{
	const char *file = a->argv[0], *key = a->argv[1];
	const char *val = a->argc > 2 ? a->argv[2] : NULL;
	size_t index = 0;
	if (kind == ED_REMOVE_AT) {
		char *end;
		errno = 0;
		unsigned long long x = strtoull(val, &end, 10);
		if (!*val || *end || errno || val[0] == '-')
			return cli_usage_error(ctx, "INDEX must be a number, not \"%s\"", val);
		index = (size_t)x;
	}
	struct toml_part tp;
	if (load(ctx, file, &tp) < 0) {
		ruru_buf_release(&tp.text);
		return cli_fail(ctx);
	}
	static const enum ruru_toml_edit_op ops[] = {
		[ED_SET] = RURU_EDIT_SET, [ED_UNSET] = RURU_EDIT_REMOVE,
		[ED_APPEND] = RURU_EDIT_APPEND, [ED_REMOVE_AT] = RURU_EDIT_REMOVE_AT,
	};
	bool lit = kind == ED_SET || kind == ED_APPEND;
	struct ruru_toml_edit e = { .op = ops[kind], .key = key, .literal = lit ? val : NULL,
				    .literal_len = lit ? strlen(val) : 0, .index = index };
	/* The library's one front-matter splice (lines counted from the file). */
	int rc = ruru_frontmatter_edit(&tp.text, &e, &ctx->err);
	if (rc == 0)
		rc = ruru_write_atomic(file, tp.text.ptr, tp.text.len, 0666, &ctx->err);
	else
		ruru_error_set_file(&ctx->err, file);
	ruru_buf_release(&tp.text);
	return rc == 0 ? 0 : cli_fail(ctx);
}

static int cmd_set(struct cli_ctx *ctx, struct cli_args *a) { return run_edit(ctx, a, ED_SET); }
static int cmd_unset(struct cli_ctx *ctx, struct cli_args *a) { return run_edit(ctx, a, ED_UNSET); }
static int cmd_append(struct cli_ctx *ctx, struct cli_args *a) { return run_edit(ctx, a, ED_APPEND); }
static int cmd_remove_at(struct cli_ctx *ctx, struct cli_args *a)
{
	return run_edit(ctx, a, ED_REMOVE_AT);
}

const struct cli_cmd cli_cmds_toml[] = {
	{ .group = "toml", .name = "decode", .args = "[FILE]",
	  .summary = "decode TOML (or a TOML+Markdown front matter) to toml-test tagged JSON",
	  .max_args = 1, .run = cmd_decode },
	{ .group = "toml", .name = "get", .args = "FILE KEY",
	  .summary = "print one value (dotted KEY with TOML quoting)", .min_args = 2, .max_args = 2,
	  .run = cmd_get, .free_operands = true },
	{ .group = "toml", .name = "set", .args = "FILE KEY VALUE",
	  .summary = "set KEY to the TOML literal VALUE in place, keeping the file's layout",
	  .min_args = 3, .max_args = 3, .run = cmd_set, .free_operands = true },
	{ .group = "toml", .name = "unset", .args = "FILE KEY",
	  .summary = "remove KEY (its whole line) in place", .min_args = 2, .max_args = 2,
	  .run = cmd_unset, .free_operands = true },
	{ .group = "toml", .name = "append", .args = "FILE KEY VALUE",
	  .summary = "append the TOML literal VALUE to the array KEY in place", .min_args = 3,
	  .max_args = 3, .run = cmd_append, .free_operands = true },
	{ .group = "toml", .name = "remove-at", .args = "FILE KEY INDEX",
	  .summary = "remove element INDEX (from 0) of the array KEY in place", .min_args = 3,
	  .max_args = 3, .run = cmd_remove_at, .free_operands = true },
	{ 0 },
};
