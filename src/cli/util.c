/*
 * util.c — what every command needs from the front end: the workspace, the
 * session it acts on, reading FILE or "-", and JSON output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

extern char **environ;

const char *cli_root(const struct cli_ctx *ctx)
{
	if (ctx->root && *ctx->root)
		return ctx->root;
	const char *env = getenv("RURU_ROOT");
	return env && *env ? env : NULL;
}

/* 1234567 as "1,234,567". */
static void add_count(struct ruru_buf *b, unsigned long long n)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%llu", n);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			ruru_buf_addch(b, ',');
		ruru_buf_addch(b, digits[i]);
	}
}

/* "indexing 1,234/10,000 sessions, 45 MB" on one terminal line,
 * rewritten in place; ", done." closes it. */
static void show_progress(const struct ruru_progress *p, void *ctx)
{
	(void)ctx;
	/* asked here, not when the workspace opens: most commands never
	 * index long enough to report, and need not pay the ioctl */
	static int tty = -1;
	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty)
		return;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addstr(&b, "\rindexing ");
	add_count(&b, p->done);
	ruru_buf_addch(&b, '/');
	add_count(&b, p->total);
	ruru_buf_addstr(&b, p->total == 1 ? " session, " : " sessions, ");
	add_count(&b, p->bytes / 1000000);
	ruru_buf_addstr(&b, p->last ? " MB, done.\n" : " MB");
	fputs(b.ptr, stderr);
	fflush(stderr);
	ruru_buf_release(&b);
}

struct ruru_ws *cli_ws(struct cli_ctx *ctx)
{
	struct ruru_ws *ws = ruru_ws_open_opts(cli_root(ctx), &ctx->opts, &ctx->err);
	/* a progress line for an index update of more than a second
	 * (RURU_PROGRESS_MS: after that many milliseconds instead) */
	if (ws) {
		const char *ms = getenv("RURU_PROGRESS_MS");
		char *end;
		unsigned long delay = ms && *ms ? strtoul(ms, &end, 10) : 1000;
		if (ms && *ms && (*end || delay > 3600000))
			delay = 1000;
		ruru_ws_set_progress(ws, (unsigned)delay, show_progress, NULL);
	}
	return ws;
}

/* $VAR when set and absolute, else $HOME/`fallback`; NULL without either. */
static const char *xdg_dir(const char *var, const char *fallback, struct ruru_buf *b)
{
	const char *v = getenv(var), *home = getenv("HOME");
	if (v && v[0] == '/')
		return v;
	if (!home || !*home)
		return NULL;
	ruru_buf_reset(b);
	ruru_buf_addf(b, "%s/%s", home, fallback);
	return b->ptr;
}

void cli_options_from_env(struct ruru_options *o)
{
	static struct ruru_buf config = RURU_BUF_INIT, cache = RURU_BUF_INIT;
	const char *v;
	memset(o, 0, sizeof(*o));
	o->fault = getenv("RURU_FAULT");
	o->now = getenv("RURU_NOW");
	o->session_id = getenv("ROOCOM_SESSION_ID");
	o->lock_timeout_ms = getenv("RURU_LOCK_TIMEOUT_MS");
	o->config_dir = xdg_dir("XDG_CONFIG_HOME", ".config", &config);
	o->cache_dir = xdg_dir("XDG_CACHE_HOME", ".cache", &cache);
	o->home = (v = getenv("HOME")) && *v ? v : NULL;
	o->tmpdir = (v = getenv("TMPDIR")) && *v ? v : NULL;
	o->user = (v = getenv("USER")) && *v ? v : NULL;
	o->env = environ; /* what the programs ruru runs inherit */
}

char *cli_session(struct cli_ctx *ctx, struct ruru_ws *ws, const char *id)
{
	return ruru_session_resolve(ws, id ? id : ctx->session, &ctx->err);
}

bool cli_print_json(struct cli_ctx *ctx, json_t *obj)
{
	json_t *out = json_object();
	json_object_set_new(out, "schema_version", json_integer(RURU_SCHEMA_VERSION));
	json_object_update(out, obj);
	json_decref(obj);
	char *s = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(out);
	if (!s)
		return ruru_error_set(&ctx->err, RURU_EFAIL, "cannot encode JSON"), false;
	bool ok = cli_write(ctx, s, strlen(s)) && cli_write(ctx, "\n", 1);
	free(s);
	return ok;
}

int cli_read_input(struct cli_ctx *ctx, const char *file, struct ruru_buf *b)
{
	if (!strcmp(file, "-"))
		return ruru_buf_read_fd(b, STDIN_FILENO, &ctx->err);
	return ruru_buf_read_file(b, file, &ctx->err);
}

/* A field of a tab-separated row: control characters and the backslash
 * escaped C-style (\t, \n, \r, \\, \xNN), so that a title holding a newline
 * or a tab cannot break the row. */
void cli_add_tsv_field(struct ruru_buf *out, const char *s)
{
	/* the run that needs no escape: a plain loop, faster than strcspn
	 * with a set of 33 bytes (`list` runs it on every field of every row) */
	size_t n = 0;
	for (unsigned char c; (c = (unsigned char)s[n]) && c >= 0x20 && c != 0x7f && c != '\\';)
		n++;
	ruru_buf_add(out, s, n);
	for (s += n; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\')
			ruru_buf_addstr(out, "\\\\");
		else if (c == '\t')
			ruru_buf_addstr(out, "\\t");
		else if (c == '\n')
			ruru_buf_addstr(out, "\\n");
		else if (c == '\r')
			ruru_buf_addstr(out, "\\r");
		else if (c < 0x20 || c == 0x7f)
			ruru_buf_addf(out, "\\x%02x", c);
		else
			ruru_buf_addch(out, (char)c);
	}
}
