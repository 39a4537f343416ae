/*
 * webexec.c — `ruru serve` and `ruru export --html` in the ruru executable:
 * run the ruru-web helper with the same command line (git runs its
 * helpers the same way).  The helper is the CLI with the web front end
 * (src/web/: the HTTP server, TLS, the Markdown renderer) linked in; ruru
 * itself links none of it, so every other command starts without loading
 * those libraries.  The helper is looked for beside the running executable
 * first (a build tree: build/ruru-web), then in RURU_LIBEXECDIR (an
 * install: $(PREFIX)/libexec/ruru/ruru-web).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "banned.h"

#ifndef RURU_LIBEXECDIR
#define RURU_LIBEXECDIR "/usr/local/libexec/ruru"
#endif

static int run_helper(struct cli_ctx *ctx)
{
	char self[PATH_MAX], beside[PATH_MAX + 16];
	const char *tried[2];
	int n = 0;
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(beside, sizeof(beside), "%s/ruru-web", self);
			tried[n++] = beside;
		}
	}
	tried[n++] = RURU_LIBEXECDIR "/ruru-web";
	fflush(NULL);
	int e = ENOENT;
	for (int i = 0; i < n; i++) {
		execv(tried[i], ctx->argv);
		if (errno != ENOENT || e == ENOENT)
			e = errno;
	}
	ruru_error_set(&ctx->err, RURU_EFAIL,
		       "cannot run the web front end %s: %s (installed with ruru; see ruru(1) FILES)",
		       tried[n - 1], strerror(e));
	return cli_fail(ctx);
}

int cli_web_serve(struct cli_ctx *ctx, struct cli_args *a)
{
	(void)a;
	return run_helper(ctx);
}

int cli_web_export_html(struct cli_ctx *ctx, struct cli_args *a, const char *dir, unsigned flags)
{
	(void)a;
	(void)dir;
	(void)flags;
	return run_helper(ctx);
}
