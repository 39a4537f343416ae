/*
 * cmd-confirm.c — `ruru confirm propose|adopt|show|ask|approve|reject|skip|
 * delegate|apply|withdraw|clean|list`: the confirmation workflow (standard §7).  Each
 * command is one library call (src/lib/confirm/); what lives here is the
 * terminal side of `ask` — showing the diff, coloured and paged, and
 * reading the y/N answer — and the text output.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

static int record_decision(struct cli_ctx *ctx, struct cli_args *a, struct ruru_ws *ws,
			   enum ruru_confirm_decision dec, const struct ruru_confirm_expect *shown,
			   struct ruru_confirm *c);

/* The options of ask, approve, reject and skip: why (--reason, or skip's
 * --rationale), how to sign the decision, and (approve, reject, skip) the
 * values that were shown; ask's table stops before --expect (it passes
 * what it showed itself). */
enum { DECIDE_WHY, DECIDE_SIGN, DECIDE_KEY, DECIDE_AS, DECIDE_EXPECT, DECIDE_NOPTS };

/* Print a proposal as text (show) or JSON (every command's --json). */
static int print_confirm(struct cli_ctx *ctx, const struct ruru_confirm *c, json_t *extra)
{
	json_t *o = ruru_confirm_json(c);
	if (extra)
		json_object_update(o, extra);
	json_decref(extra);
	return cli_print_json(ctx, o) ? 0 : cli_fail(ctx);
}

/*
 * Everything below that comes from the workspace (sidecar fields, the
 * payload's diff) is hostile text: it reaches the terminal only through
 * ruru_text_escape, the library's renderer — a one-line field whole (it
 * never starts a new line), the diff with its tabs and newlines kept and
 * every other control character, CR, escape sequence and bidi control
 * shown as \x1b, \r, \u202e.
 */
static int field(FILE *f, const char *s)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_text_field(&b, s, NULL);
	int rc = fputs(b.ptr ? b.ptr : "", f);
	ruru_buf_release(&b);
	return rc;
}

/* A one-line field and a newline on stdout; < 0 when the write failed. */
static int put_line(const char *s)
{
	return field(stdout, s) < 0 || putchar('\n') == EOF ? -1 : 0;
}

/* Text of several lines (its tabs and newlines kept) and a newline. */
static int put_text(const char *s)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_text_escape_keep(&b, s, strlen(s), "\t\n");
	int rc = fputs(b.ptr ? b.ptr : "", stdout) < 0 || putchar('\n') == EOF ? -1 : 0;
	ruru_buf_release(&b);
	return rc;
}

/* A diagnostic line on stderr, "ruru: " first, rendered like a field. */
__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
	struct ruru_buf b = RURU_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ruru_buf_addstr(&b, "ruru: ");
	ruru_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	fflush(stdout);
	cli_print_escaped_line(b.ptr);
	ruru_buf_release(&b);
}

/* The diff's lines, rendered for a terminal. */
static void render_lines(struct ruru_buf *out, const struct ruru_buf *text)
{
	ruru_text_escape_keep(out, text->ptr ? text->ptr : "", text->len, "\t\n");
}

enum { PROPOSE_TARGET, PROPOSE_CONTENT, PROPOSE_DIFF, PROPOSE_SUPERSEDES, PROPOSE_NOPTS };

static int cmd_propose(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *target = cli_val(a, PROPOSE_TARGET);
	const char *content = cli_val(a, PROPOSE_CONTENT);
	const char *diff = cli_val(a, PROPOSE_DIFF);
	/* --target and exactly one of --content and --diff: the parser checked */
	struct ruru_buf payload = RURU_BUF_INIT;
	struct ruru_ws *ws = NULL;
	struct ruru_confirm c = { 0 };
	int rc = 0;
	if (cli_read_input(ctx, content ? content : diff, &payload) < 0 || !(ws = cli_ws(ctx)) ||
	    ruru_confirm_propose(ws, ctx->session, target,
				 content ? RURU_CONFIRM_CONTENT : RURU_CONFIRM_DIFF, payload.ptr,
				 payload.len, cli_val(a, PROPOSE_SUPERSEDES), &c, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else if (c.duplicate_of && fprintf(stderr, "ruru: warning: %s, still pending, proposes the "
					   "same change to %s\n", c.duplicate_of, c.target) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json)
		rc = print_confirm(ctx, &c, NULL);
	else if (put_line(c.artifact) < 0)
		rc = cli_fail(ctx);
	ruru_confirm_release(&c);
	ruru_ws_free(ws);
	ruru_buf_release(&payload);
	return rc;
}

enum { ADOPT_TARGET, ADOPT_KIND, ADOPT_NOPTS };

static int cmd_adopt(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *target = cli_val(a, ADOPT_TARGET);
	const char *kind = cli_val(a, ADOPT_KIND);
	/* --target given, --kind one of the row's words: the parser checked */
	int k = kind ? ruru_confirm_kind_parse(kind) : RURU_CONFIRM_CONTENT;
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_confirm c = { 0 };
	int rc = 0;
	if (!ws || ruru_confirm_adopt(ws, a->argv[0], target, (enum ruru_confirm_kind)k, &c,
				      &ctx->err) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json)
		rc = print_confirm(ctx, &c, NULL);
	else if (put_line(c.artifact) < 0)
		rc = cli_fail(ctx);
	ruru_confirm_release(&c);
	ruru_ws_free(ws);
	return rc;
}

/* ------------------------------------------------------------- show/ask */

static int cmd_show(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_confirm c = { 0 };
	int rc = 0;
	if (!ws || ruru_confirm_show(ws, a->argv[0], &c, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else
		CLI_PRINT_RESULT(ctx, rc, confirm, &c);
	ruru_confirm_release(&c);
	ruru_ws_free(ws);
	return rc;
}

/* The diff with ANSI colours (unless NO_COLOR is set and not empty). */
static void colour_diff(struct ruru_buf *out, const struct ruru_buf *diff)
{
	const char *nc = getenv("NO_COLOR");
	bool colour = !(nc && *nc);
	const char *p = diff->ptr, *end = diff->ptr + diff->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *on = NULL;
		if (colour) {
			if (n >= 3 && (!memcmp(p, "+++", 3) || !memcmp(p, "---", 3)))
				on = "\033[1m";
			else if (n >= 2 && !memcmp(p, "@@", 2))
				on = "\033[36m";
			else if (n && *p == '+')
				on = "\033[32m";
			else if (n && *p == '-')
				on = "\033[31m";
		}
		if (on)
			ruru_buf_addstr(out, on);
		ruru_buf_add(out, p, n);
		if (on)
			ruru_buf_addstr(out, "\033[0m");
		ruru_buf_addch(out, '\n');
		p += n + (nl ? 1 : 0);
	}
}

/* Page `text` through $PAGER (default "less -R"; split on blanks, never a
 * shell).  Returns false when no pager could run (the caller prints). */
static bool page(const struct ruru_buf *text)
{
	const char *pager = getenv("PAGER");
	if (!pager || !*pager)
		pager = "less -R";
	char *copy = strdup(pager);
	if (!copy)
		return false;
	char *argv[16];
	int n = 0;
	for (char *s = copy, *save = NULL, *t; n < 15 && (t = strtok_r(s, " \t", &save)); s = NULL)
		argv[n++] = t;
	argv[n] = NULL;
	if (!n || !strcmp(argv[0], "cat")) {
		free(copy);
		return false;
	}
	struct ruru_child c = { .argv = (const char *const *)argv, .stdin_io = RURU_CHILD_PIPE,
				.stdout_io = RURU_CHILD_INHERIT, .stderr_io = RURU_CHILD_INHERIT };
	struct ruru_error err = { 0 };
	int rc = ruru_child_start(&c, &err);
	free(copy);
	if (rc < 0)
		return false;
	/* A pager that quits early closes the pipe: not our error. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	const char *p = text->ptr;
	size_t left = text->len;
	while (left) {
		ssize_t w = write(c.in, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		left -= (size_t)w;
	}
	signal(SIGPIPE, old);
	ruru_child_finish(&c, &err);
	return true;
}

static size_t count_lines(const struct ruru_buf *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->len; i++)
		n += b->ptr[i] == '\n';
	return n;
}

static int cmd_ask(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *art = a->argv[0];
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cli_usage_error(ctx,
				       "`ruru confirm ask` needs a terminal; an agent that asked the user "
				       "itself records the answer with `ruru confirm approve %s` or "
				       "`ruru confirm reject %s`",
				       art, art);
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_confirm c = { 0 }, d = { 0 };
	struct ruru_buf diff = RURU_BUF_INIT, shown = RURU_BUF_INIT;
	int rc = 0;
	if (!ws || ruru_confirm_load(ws, art, &c, &ctx->err) < 0) {
		rc = cli_fail(ctx);
		goto out;
	}
	if (c.status != RURU_CONFIRM_PENDING) {
		ruru_error_set(&ctx->err, RURU_ECONFLICT, "\"%s\" is %s, not pending", c.artifact,
			       ruru_confirm_status_word(c.status));
		rc = cli_fail(ctx);
		goto out;
	}
	if (!c.payload_intact) {
		ruru_error_set(&ctx->err, RURU_ECONFLICT,
			       "the payload in \"%s\" changed since it was proposed; propose the edit again",
			       c.artifact);
		rc = cli_fail(ctx);
		goto out;
	}
	if (!c.target_unchanged) {
		ruru_error_set(&ctx->err, RURU_ECONFLICT,
			       "target \"%s\" changed since the proposal; what would be approved is not "
			       "what apply would write: propose the edit again",
			       c.target);
		rc = cli_fail(ctx);
		goto out;
	}
	if (ruru_confirm_diff(ws, &c, &diff, &ctx->err) < 0) {
		rc = cli_fail(ctx);
		goto out;
	}
	ruru_confirm_text(&c, &shown); /* c.diff unset: the diff comes coloured below */
	ruru_buf_addch(&shown, '\n');
	struct ruru_buf safe = RURU_BUF_INIT;
	render_lines(&safe, &diff);
	colour_diff(&shown, &safe);
	ruru_buf_release(&safe);
	struct winsize wsz;
	size_t rows = ioctl(STDOUT_FILENO, TIOCGWINSZ, &wsz) == 0 && wsz.ws_row ? wsz.ws_row : 24;
	fflush(stdout);
	if (count_lines(&shown) + 2 <= rows || !page(&shown))
		cli_write(ctx, shown.ptr, shown.len);
	/* y records the user's approval; writing the target is apply's step. */
	fputs("Approve this change to ", stdout);
	field(stdout, c.target);
	fputs("? (it is applied later, by `ruru confirm apply`) [y/N] ", stdout);
	fflush(stdout);
	char line[256];
	bool yes = false;
	if (fgets(line, sizeof(line), stdin)) {
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		yes = (s[0] == 'y' || s[0] == 'Y') &&
		      (s[1] == '\0' || s[1] == '\n' || s[1] == '\r' ||
		       !strncasecmp(s, "yes", 3));
	} else {
		fputc('\n', stdout);
	}
	/* The decision binds what was shown: the library refuses it when the
	 * proposal or the target changed while the question was on screen. */
	struct ruru_confirm_expect shown_values;
	ruru_confirm_expect_of(&shown_values, &c);
	if (record_decision(ctx, a, ws, yes ? RURU_DECIDE_APPROVE : RURU_DECIDE_REJECT, &shown_values,
			    &d) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json)
		rc = print_confirm(ctx, &d, NULL);
	else
		printf("%s\n", yes ? "approved (not applied yet)" : "rejected");
out:
	ruru_buf_release(&diff);
	ruru_buf_release(&shown);
	ruru_confirm_release(&c);
	ruru_confirm_release(&d);
	ruru_ws_free(ws);
	return rc;
}

/* ------------------------------------------------------------ decisions */

/*
 * --expect VALUE (repeatable): the values the decision binds.  A bare
 * sha256 is the payload's (payload_sha256 of `confirm show --json` or
 * `propose --json`); KEY=VALUE names one of payload_sha256,
 * result_sha256, target_sha256 ("none" for a new file) and target_path.
 * False after a usage error.
 */
static bool parse_expect(struct cli_ctx *ctx, struct cli_args *a, struct ruru_confirm_expect *e,
			 bool *any)
{
	size_t n;
	const char *const *v = cli_all(a, DECIDE_EXPECT, &n);
	memset(e, 0, sizeof(*e));
	*any = n > 0;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(v[i], '=');
		const char *key = eq ? NULL : "payload_sha256", *val = eq ? eq + 1 : v[i];
		static const char *const keys[] = { "payload_sha256", "result_sha256", "target_sha256",
						    "target_path" };
		for (size_t k = 0; eq && k < 4; k++)
			if ((size_t)(eq - v[i]) == strlen(keys[k]) && !strncmp(v[i], keys[k], strlen(keys[k])))
				key = keys[k];
		if (!key) {
			cli_usage_error(ctx, "--expect takes a sha256 or KEY=VALUE with KEY one of "
					     "payload_sha256, result_sha256, target_sha256, target_path; "
					     "not \"%.*s\"",
					(int)(eq - v[i]), v[i]);
			return false;
		}
		bool hash = strcmp(key, "target_path") != 0;
		size_t len = strspn(val, "0123456789abcdef");
		if (hash && !(len == 64 && !val[64]) &&
		    !(!strcmp(key, "target_sha256") && (!*val || !strcmp(val, "none")))) {
			cli_usage_error(ctx, "--expect %s needs a sha256 (64 lower-case hex digits)%s", key,
					!strcmp(key, "target_sha256") ? " or \"none\"" : "");
			return false;
		}
		const char **slot = !strcmp(key, "payload_sha256")  ? &e->payload_sha256
				    : !strcmp(key, "result_sha256") ? &e->result_sha256
				    : !strcmp(key, "target_sha256") ? &e->target_sha256
								    : &e->target;
		if (*slot && strcmp(*slot, val)) {
			cli_usage_error(ctx, "--expect names two different values of %s", key);
			return false;
		}
		*slot = val;
	}
	return true;
}

/* Record a decision with its --reason (skip: --rationale), signed with
 * --sign (or --key / --as, which imply it), bound to what was shown
 * (`shown`, from ask, else --expect). */
static int record_decision(struct cli_ctx *ctx, struct cli_args *a, struct ruru_ws *ws,
			   enum ruru_confirm_decision dec, const struct ruru_confirm_expect *shown,
			   struct ruru_confirm *c)
{
	const char *reason = cli_val(a, DECIDE_WHY);
	struct ruru_confirm_sign sign = { .key = cli_val(a, DECIDE_KEY), .identity = cli_val(a, DECIDE_AS) };
	struct ruru_confirm_expect given;
	bool any = false;
	if (!shown && a->nopts > DECIDE_EXPECT) {
		if (!parse_expect(ctx, a, &given, &any))
			return -1;
		if (any)
			shown = &given;
	}
	bool signing = cli_set(a, DECIDE_SIGN) || sign.key || sign.identity || ruru_confirm_sign_wanted(ws);
	return ruru_confirm_decide_expect(ws, a->argv[0], dec, reason, signing ? &sign : NULL, shown, c,
					  &ctx->err);
}

static int decide(struct cli_ctx *ctx, struct cli_args *a, enum ruru_confirm_decision dec)
{
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_confirm c = { 0 };
	int rc = 0;
	if (!ws) {
		rc = cli_fail(ctx);
	} else if (record_decision(ctx, a, ws, dec, NULL, &c) < 0) {
		/* a usage error of --expect was printed already */
		rc = ctx->err.code ? cli_fail(ctx) : RURU_EUSAGE;
	}
	else if (ctx->json)
		rc = print_confirm(ctx, &c, NULL);
	ruru_confirm_release(&c);
	ruru_ws_free(ws);
	return rc;
}

static int cmd_approve(struct cli_ctx *ctx, struct cli_args *a)
{
	return decide(ctx, a, RURU_DECIDE_APPROVE);
}

static int cmd_reject(struct cli_ctx *ctx, struct cli_args *a)
{
	return decide(ctx, a, RURU_DECIDE_REJECT);
}

static int cmd_skip(struct cli_ctx *ctx, struct cli_args *a)
{
	/* --rationale is required here (skip_opts): the parser checked */
	return decide(ctx, a, RURU_DECIDE_SKIP);
}

enum { DELEGATE_TO, DELEGATE_TASK, DELEGATE_NOPTS };

static int cmd_delegate(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *to = cli_val(a, DELEGATE_TO); /* required: the parser checked */
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_confirm c = { 0 };
	char *msg = NULL;
	int rc = 0;
	struct ruru_buf full = RURU_BUF_INIT;
	if (!ws || ruru_confirm_delegate(ws, a->argv[0], to, cli_val(a, DELEGATE_TASK), &msg, &c,
					 &ctx->err) < 0) {
		rc = cli_fail(ctx);
	} else {
		/* The library leaves how to apply a diff with ruru to us. */
		ruru_buf_addstr(&full, msg);
		if (c.kind == RURU_CONFIRM_DIFF)
			ruru_buf_addf(&full, " Or run `ruru confirm apply %s`.", c.artifact);
		if (ctx->json)
			rc = print_confirm(ctx, &c, json_pack("{s:s}", "message", full.ptr));
		else if (put_text(full.ptr) < 0)
			rc = cli_fail(ctx);
	}
	ruru_buf_release(&full);
	free(msg);
	ruru_confirm_release(&c);
	ruru_ws_free(ws);
	return rc;
}

enum { APPLY_FORCE, APPLY_COMMIT, APPLY_MESSAGE, APPLY_NOPTS };

static int cmd_apply(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_confirm c = { 0 };
	int rc = 0;
	char *commit = NULL;
	const char *message = cli_val(a, APPLY_MESSAGE);
	bool want_commit = cli_set(a, APPLY_COMMIT), force = cli_set(a, APPLY_FORCE);
	if (message && !want_commit) {
		ruru_confirm_release(&c);
		ruru_ws_free(ws);
		return cli_usage_error(ctx, "--message goes with --commit");
	}
	if (!ws || (want_commit ? ruru_confirm_apply_commit(ws, a->argv[0], force, message, &c, &commit, &ctx->err)
				: ruru_confirm_apply(ws, a->argv[0], force, &c, &ctx->err)) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json)
		rc = print_confirm(ctx, &c, commit ? json_pack("{s:s}", "commit", commit) : NULL);
	else if (put_line(c.target) < 0)
		rc = cli_fail(ctx);
	if (rc == 0 && c.forced)
		note("warning: %s had changed since the proposal; applied anyway (--force)", c.target);
	if (rc == 0 && c.already && !ctx->json)
		note("%s already held the approved result; recorded as applied", c.target);
	if (rc == 0 && commit && !ctx->json)
		note("committed %s as %.12s", c.target, commit);
	free(commit);
	ruru_confirm_release(&c);
	ruru_ws_free(ws);
	return rc;
}

enum { LIST_STATUS, LIST_NOPTS };

static int cmd_list(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_confirm_list *list =
		ws ? ruru_confirm_list(ws, ctx->session, cli_val(a, LIST_STATUS), &ctx->err) : NULL;
	int rc = 0;
	if (!list) {
		rc = cli_fail(ctx);
	} else {
		CLI_PRINT_RESULT(ctx, rc, confirm_list, list);
	}
	ruru_confirm_list_free(list);
	ruru_ws_free(ws);
	return rc;
}

/* -------------------------------------------------- withdraw and clean */

enum { WITHDRAW_REASON, WITHDRAW_NOPTS };

static int cmd_withdraw(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_confirm c = { 0 };
	int rc = 0;
	if (!ws || ruru_confirm_withdraw(ws, a->argv[0], cli_val(a, WITHDRAW_REASON), &c, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json)
		rc = print_confirm(ctx, &c, NULL);
	else if (put_line(c.artifact) < 0)
		rc = cli_fail(ctx);
	ruru_confirm_release(&c);
	ruru_ws_free(ws);
	return rc;
}

static int cmd_clean(struct cli_ctx *ctx, struct cli_args *a)
{
	(void)a;
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_confirm_removed *gone = NULL;
	int rc = 0;
	if (!ws || ruru_confirm_clean(ws, &gone, &ctx->err) < 0) {
		rc = cli_fail(ctx);
	} else {
		CLI_PRINT_RESULT(ctx, rc, confirm_removed, gone);
	}
	ruru_confirm_removed_free(gone);
	ruru_ws_free(ws);
	return rc;
}

/* ---------------------------------------------------------------- verify */

/* `ruru verify [ID...]`: the library's report, exit 4 when any problem is
 * an error (information alone exits 0). */
static int cmd_verify(struct cli_ctx *ctx, struct cli_args *a)
{
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_verify_report *r =
		ws ? ruru_confirm_verify(ws, (const char *const *)a->argv, (size_t)a->argc, &ctx->err)
		   : NULL;
	ruru_ws_free(ws);
	if (!r)
		return cli_fail(ctx);
	int rc = r->errors ? RURU_EINVALID : 0;
	CLI_PRINT_RESULT(ctx, rc, verify_report, r);
	ruru_verify_report_free(r);
	return rc;
}

/* ---------------------------------------------------------------- export */

/* `ruru export --agent-trace [ID...]`: one Agent Trace record a line
 * (JSON Lines), or {schema_version, records} with --json. */
enum { EXPORT_AGENT_TRACE, EXPORT_MD, EXPORT_HTML, EXPORT_NO_REDACT, EXPORT_NOPTS };

static int cmd_export(struct cli_ctx *ctx, struct cli_args *a)
{
	if (!cli_set(a, EXPORT_AGENT_TRACE)) /* --md, --json, --html (cmd-export.c) */
		return cli_export_sessions(ctx, a, cli_set(a, EXPORT_MD), cli_val(a, EXPORT_HTML),
					   cli_set(a, EXPORT_NO_REDACT));
	struct ruru_ws *ws = cli_ws(ctx);
	struct ruru_agent_trace *r =
		ws ? ruru_confirm_agent_trace(ws, (const char *const *)a->argv, (size_t)a->argc,
					      &ctx->err)
		   : NULL;
	ruru_ws_free(ws);
	if (!r)
		return cli_fail(ctx);
	int rc = 0;
	CLI_PRINT_RESULT(ctx, rc, agent_trace, r);
	ruru_agent_trace_free(r);
	return rc;
}

static const struct cli_opt export_opts[EXPORT_NOPTS] = {
	[EXPORT_AGENT_TRACE] = { .row = "agent-trace" },
	/* sessions for people (cmd-export.c) */
	[EXPORT_MD] = { .row = "md" },
	[EXPORT_HTML] = { .row = "html", .arg = "DIR" },
	[EXPORT_NO_REDACT] = { .row = "no-redact" },
};

/* ---------------------------------------------------------------- table */

static const struct cli_opt propose_opts[PROPOSE_NOPTS] = {
	[PROPOSE_TARGET] = { .row = "target", .arg = "PATH" },
	[PROPOSE_CONTENT] = { .row = "content", .arg = "FILE|-" },
	[PROPOSE_DIFF] = { .row = "diff", .arg = "FILE|-" },
	[PROPOSE_SUPERSEDES] = { .row = "supersedes", .arg = "ARTIFACT" },
};
static const struct cli_opt adopt_opts[ADOPT_NOPTS] = {
	[ADOPT_TARGET] = { .row = "target", .arg = "PATH" },
	[ADOPT_KIND] = { .row = "kind", .arg = "content|diff" },
};
/* One row each, shared by the tables below. */
#define REASON_ROW { .row = "reason", .arg = "TEXT" }
#define SIGN_ROWS                                                                                  \
	[DECIDE_SIGN] = { .row = "sign" }, [DECIDE_KEY] = { .row = "key", .arg = "FILE" },         \
	[DECIDE_AS] = { .row = "as", .arg = "IDENTITY" }
#define EXPECT_ROW [DECIDE_EXPECT] = { .row = "expect", .arg = "HASH|KEY=VALUE" }
static const struct cli_opt ask_opts[DECIDE_EXPECT] = {
	[DECIDE_WHY] = REASON_ROW,
	SIGN_ROWS,
};
static const struct cli_opt decide_opts[DECIDE_NOPTS] = {
	[DECIDE_WHY] = REASON_ROW,
	SIGN_ROWS,
	EXPECT_ROW,
};
/* skip fixes the decision, which makes a reason required: the CLI calls
 * it the rationale. */
static const struct cli_opt skip_opts[DECIDE_NOPTS] = {
	[DECIDE_WHY] = { .row = "reason", .name = "rationale", .arg = "TEXT",
			 .help = "why the edit is routine, simple and low-risk (required)",
			 .required = true },
	SIGN_ROWS,
	EXPECT_ROW,
};
static const struct cli_opt withdraw_opts[WITHDRAW_NOPTS] = {
	[WITHDRAW_REASON] = REASON_ROW,
};
static const struct cli_opt delegate_opts[DELEGATE_NOPTS] = {
	[DELEGATE_TO] = { .row = "to", .arg = "SLUG" },
	[DELEGATE_TASK] = { .row = "task", .arg = "TASK-ID" },
};
static const struct cli_opt apply_opts[APPLY_NOPTS] = {
	[APPLY_FORCE] = { .row = "force" },
	[APPLY_COMMIT] = { .row = "commit" },
	[APPLY_MESSAGE] = { .row = "message", .arg = "TEXT" },
};
static const struct cli_opt list_opts[LIST_NOPTS] = {
	[LIST_STATUS] = { .row = "status", .arg = "STATUS" },
};

const struct cli_cmd cli_cmds_confirm[] = {
	{ .group = "confirm", .name = "propose", .verb = "confirm propose", CLI_OPTS(propose_opts),
	  .summary = "write a CONFIRM artifact for an edit; prints its path relative to the root",
	  .max_args = 0, .run = cmd_propose },
	{ .group = "confirm", .name = "adopt", .verb = "confirm adopt", .args = "ARTIFACT", CLI_OPTS(adopt_opts),
	  .summary = "take a hand-made CONFIRM file into the workflow (status pending)",
	  .min_args = 1, .max_args = 1, .run = cmd_adopt },
	{ .group = "confirm", .name = "show", .verb = "confirm show", .args = "ARTIFACT",
	  .summary = "target, status, decision and the diff against the current target",
	  .min_args = 1, .max_args = 1, .run = cmd_show },
	{ .group = "confirm", .name = "ask", .verb = "confirm decide", .args = "ARTIFACT", CLI_OPTS(ask_opts),
	  .summary = "show the diff on a terminal and ask the user to approve it (y/N)", .min_args = 1,
	  .max_args = 1, .run = cmd_ask },
	{ .group = "confirm", .name = "approve", .verb = "confirm decide", .args = "ARTIFACT", CLI_OPTS(decide_opts),
	  .summary = "record that the user approved the proposal", .min_args = 1, .max_args = 1,
	  .run = cmd_approve },
	{ .group = "confirm", .name = "reject", .verb = "confirm decide", .args = "ARTIFACT", CLI_OPTS(decide_opts),
	  .summary = "record that the user rejected the proposal", .min_args = 1, .max_args = 1,
	  .run = cmd_reject },
	{ .group = "confirm", .name = "skip", .verb = "confirm decide", .args = "ARTIFACT", CLI_OPTS(skip_opts),
	  .summary = "coordinator: skip confirmation of a low-risk edit, with a rationale",
	  .min_args = 1, .max_args = 1, .run = cmd_skip },
	{ .group = "confirm", .name = "delegate", .verb = "confirm delegate", .args = "ARTIFACT", CLI_OPTS(delegate_opts),
	  .summary = "print the executor's instruction and log the delegation", .min_args = 1,
	  .max_args = 1, .run = cmd_delegate },
	{ .group = "confirm", .name = "apply", .verb = "confirm apply", .args = "ARTIFACT", CLI_OPTS(apply_opts),
	  .summary = "write an approved proposal to its target (executor's step)", .min_args = 1,
	  .max_args = 1, .run = cmd_apply },
	{ .group = "confirm", .name = "withdraw", .verb = "confirm withdraw", .args = "ARTIFACT", CLI_OPTS(withdraw_opts),
	  .summary = "close a pending, approved or skipped proposal nobody will apply",
	  .min_args = 1, .max_args = 1, .run = cmd_withdraw },
	{ .group = "confirm", .name = "clean",
	  .summary = "remove the withdrawn, rejected and applied proposals of .ruru/temp/",
	  .max_args = 0, .run = cmd_clean },
	{ .group = "confirm", .name = "list", .verb = "confirm list", CLI_OPTS(list_opts),
	  .summary = "list the proposals of the active session and of .ruru/temp/",
	  .max_args = 0, .run = cmd_list },
	{ .name = "export", .verb = "export", .args = "[ID...]", CLI_OPTS(export_opts),
	  .summary = "export sessions as Markdown (--md), JSON (--json), a static site (--html DIR), or Agent Trace records (--agent-trace)",
	  .min_args = 0, .max_args = -1, .run = cmd_export },
	{ .name = "verify", .verb = "verify", .args = "[ID...]",
	  .summary = "check every proposal's payload, decision records, signature and target",
	  .max_args = -1, .run = cmd_verify },
	{ 0 },
};
