/*
 * web.c — the commands of the human view, built into the ruru-web helper
 * only: `ruru serve` (src/web/serve.c) and `ruru export --html` (pages
 * rendered by src/web/render.c).  The ruru executable links webexec.c
 * instead, which runs this helper with the same arguments, so that the
 * commands that do not serve load no HTTP server, TLS library nor
 * Markdown renderer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "web/render.h"
#include "web/serve.h"
#include "banned.h"

int cli_web_serve(struct cli_ctx *ctx, struct cli_args *a)
{
	/* the port's range and default are its row's (the parser checked) */
	struct web_serve_opts o = { .bind = "127.0.0.1", .port = (unsigned)cli_num(a, SERVE_PORT) };
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

static int write_page(struct cli_ctx *ctx, const char *dir, const char *rel, struct ruru_buf *b)
{
	int rc = ruru_export_write(dir, rel, b->ptr, b->len, &ctx->err);
	ruru_buf_reset(b);
	return rc;
}

/* Where the pages of a session's timeline go. */
struct timeline_out {
	struct cli_ctx *ctx;
	const char *dir, *id;
};

static int timeline_page(void *p, size_t page, size_t pages, struct ruru_buf *b, struct ruru_error *err)
{
	struct timeline_out *to = p;
	struct ruru_buf rel = RURU_BUF_INIT;
	if (page >= pages)
		ruru_buf_addf(&rel, "sessions/%s/index.html", to->id);
	else
		ruru_buf_addf(&rel, "sessions/%s/index-%zu.html", to->id, page);
	(void)err; /* write_page fills the command's own error record */
	int rc = write_page(to->ctx, to->dir, rel.ptr, b);
	ruru_buf_release(&rel);
	return rc;
}

/* One session's pages: the session, each artifact, raw bytes of binary
 * artifacts when the site offers files. */
static int export_session(struct cli_ctx *ctx, struct web_site *site, const char *dir,
			  const char *id, struct ruru_buf *b)
{
	struct ruru_buf rel = RURU_BUF_INIT;
	int rc = -1;
	struct ruru_artifact_list *arts = NULL;
	/* the timeline's newest entries on index.html, older pages on
	 * index-N.html, all from one reading of the session */
	struct timeline_out to = { ctx, dir, id };
	if (web_session_pages(site, id, timeline_page, &to, b, &ctx->err) < 0)
		goto out;
	if (!(arts = ruru_artifact_list(site->ws, id, &ctx->err)))
		goto out;
	for (size_t i = 0; i < arts->n; i++) {
		const char *p = arts->v[i].path;
		if (!arts->v[i].exists)
			continue;
		ruru_buf_reset(&rel);
		ruru_buf_addf(&rel, "sessions/%s/%s.html", id, p);
		if (web_page_artifact(site, id, p, b, &ctx->err) < 0 || write_page(ctx, dir, rel.ptr, b) < 0)
			goto out;
		if (!site->files)
			continue;
		struct ruru_error e = { 0 };
		if (ruru_export_read_artifact(site->ws, id, p, 64u << 20, b, &e) == 0) {
			const char *slash = strrchr(p, '/');
			ruru_buf_reset(&rel);
			ruru_buf_addf(&rel, "sessions/%s/%.*s%sfiles/%s", id,
				      slash ? (int)(slash - p) : 0, p, slash ? "/" : "",
				      slash ? slash + 1 : p);
			if (write_page(ctx, dir, rel.ptr, b) < 0)
				goto out;
		}
		ruru_buf_reset(b);
	}
	rc = 0;
out:
	ruru_artifact_list_free(arts);
	ruru_buf_release(&rel);
	return rc;
}

int cli_web_export_html(struct cli_ctx *ctx, struct cli_args *a, const char *dir, unsigned flags)
{
	struct ruru_ws *ws = cli_ws(ctx);
	if (!ws)
		return RURU_EFAIL;
	char **ids = calloc((size_t)a->argc + 1, sizeof *ids);
	int rc = 0;
	for (int i = 0; i < a->argc && rc == 0; i++)
		if (!(ids[i] = ruru_session_resolve(ws, a->argv[i], &ctx->err)))
			rc = -1;
	struct web_site site = {
		.ws = ws, .redact = !(flags & RURU_EXPORT_NO_REDACT),
		.files = (flags & RURU_EXPORT_NO_REDACT) != 0, .now = time(NULL),
		.ids = a->argc ? (const char *const *)ids : NULL, .nids = (size_t)a->argc,
	};
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_session *list = NULL;
	size_t n = 0;
	if (rc == 0) {
		ruru_buf_addstr(&b, web_css);
		rc = write_page(ctx, dir, "style.css", &b);
	}
	if (rc == 0) {
		ruru_buf_addstr(&b, web_icon);
		rc = write_page(ctx, dir, "favicon.svg", &b);
	}
	/* the sessions, 100 a page: index.html, index-2.html, ... */
	site.page = 1;
	if (rc == 0)
		rc = web_page_index(&site, &b, &ctx->err) < 0 ? -1 : write_page(ctx, dir, "index.html", &b);
	for (size_t p = 2; rc == 0 && p <= site.npages; p++) {
		char name[48];
		snprintf(name, sizeof name, "index-%zu.html", p);
		site.page = p;
		rc = web_page_index(&site, &b, &ctx->err) < 0 ? -1 : write_page(ctx, dir, name, &b);
	}
	if (rc == 0)
		rc = web_page_tasks(&site, &b, &ctx->err) < 0 ? -1 : write_page(ctx, dir, "tasks.html", &b);
	if (rc == 0)
		rc = web_page_confirm(&site, NULL, &b, &ctx->err) < 0 ? -1
									: write_page(ctx, dir, "confirm.html", &b);
	if (rc == 0)
		rc = web_sessions(&site, &list, &n, &ctx->err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = export_session(ctx, &site, dir, list[i].id, &b);
	if (list)
		ruru_session_list_free(list, n);
	ruru_buf_release(&b);
	for (int i = 0; i < a->argc; i++)
		free(ids[i]);
	free(ids);
	ruru_ws_free(ws);
	if (rc < 0)
		return cli_fail(ctx);
	if (printf("%s/index.html\n", dir) < 0)
		return RURU_EFAIL;
	return 0;
}

