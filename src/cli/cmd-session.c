/*
 * cmd-session.c — the session commands: init, new, log, pause, resume,
 * complete, fail, list, show, continue, check.  Each is a thin wrapper over
 * one library call; what they print is documented in ruru(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "banned.h"

#define WITH_WS(ctx, ws)                              \
	struct ruru_ws *ws = cli_ws(ctx);             \
	if (!ws)                                      \
		return cli_fail(ctx)

/* ------------------------------------------------------------------ init */

enum {
	INIT_MCP,
	INIT_GIT,
	INIT_HOST,    /* agent hosts (cmd-host.c) */
	INIT_DRY_RUN,
	INIT_REMOVE,
	INIT_FORCE,
	INIT_SIGNING, /* signed decisions (cmd-confirm.c) */
	INIT_KEY,
	INIT_AS,
	INIT_CAPTURE, /* capture hooks (cmd-capture.c) */
	INIT_NOPTS
};

static int cmd_init(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *dir = ctx->root ? ctx->root : ".";
	char *mcp = NULL;
	/* Agent hosts (--host, --dry-run, --remove): cmd-host.c. */
	const char *host = cli_val(a, INIT_HOST);
	bool dry = cli_set(a, INIT_DRY_RUN), unwire = cli_set(a, INIT_REMOVE);
	bool force = cli_set(a, INIT_FORCE);
	bool capture = cli_set(a, INIT_CAPTURE);
	json_t *hosts_report = NULL;
	if (capture && !host)
		return cli_usage_error(ctx, "--capture goes with --host");
	if ((dry || unwire || force) && !host)
		return cli_usage_error(ctx, "--dry-run, --remove and --force go with --host");
	if ((dry || unwire) && (cli_set(a, INIT_MCP) || cli_set(a, INIT_GIT)))
		return cli_usage_error(ctx, "--dry-run and --remove apply to --host alone");
	if (dry || unwire) {
		int hrc = cli_init_hosts(ctx, dir, host, dry, unwire, force, capture, &hosts_report);
		if (hrc == 0 && ctx->json && !cli_print_json(ctx, json_pack("{s:o}", "hosts", hosts_report)))
			hrc = cli_fail(ctx);
		else if (!ctx->json)
			json_decref(hosts_report);
		return hrc;
	}
	bool git = cli_set(a, INIT_GIT), attrs = false;
	/* All or nothing: what can refuse (not a git work tree, an invalid
	 * .roo/mcp.json, a host file that cannot be edited) runs before
	 * .ruru/ is made; the hosts' files are planned without writing. */
	struct ruru_buf dotruru = RURU_BUF_INIT;
	ruru_buf_addf(&dotruru, "%s/.ruru", dir);
	bool existed = access(dotruru.ptr, F_OK) == 0;
	ruru_buf_release(&dotruru);
	unsigned hflags = RURU_HOSTS_DRY_RUN | (force ? RURU_HOSTS_FORCE : 0);
	if (host && ruru_hosts_init(dir, &ctx->opts, host, hflags, NULL, &ctx->err) < 0)
		return ctx->err.code == RURU_EUSAGE ? cli_usage_error(ctx, "%s", ctx->err.msg)
						    : cli_fail(ctx);
	if ((git && ruru_ws_git_check(dir, &ctx->opts, &ctx->err) < 0) ||
	    (cli_set(a, INIT_MCP) && ruru_ws_init_mcp(dir, &mcp, &ctx->err) < 0) ||
	    ruru_ws_init(dir, &ctx->err) < 0 ||
	    (git && ruru_ws_init_git(dir, &ctx->opts, &attrs, &ctx->err) < 0)) {
		free(mcp);
		return cli_fail(ctx);
	}
	/* Say what was made (stderr: stdout is for results). */
	fflush(stdout);
	fprintf(stderr, "ruru: %s .ruru/ (sessions/, temp/, tasks/) in %s\n",
		existed ? "kept the existing" : "made", dir);
	if (mcp)
		fprintf(stderr, "ruru: registered `ruru mcp` in %s\n", mcp);
	if (git)
		fprintf(stderr, "ruru: registered the session-log merge driver with git (%s)\n",
			attrs ? ".gitattributes updated" : ".gitattributes already had it");
	if (host) {
		int hrc = cli_init_hosts(ctx, dir, host, false, false, force, capture, &hosts_report);
		if (hrc) {
			free(mcp);
			return hrc;
		}
	}
	/* Signed decisions (cmd-confirm.c, doc/design.md §16): the user's trust anchor. */
	struct ruru_signing_report *signing = NULL;
	const char *skey = cli_val(a, INIT_KEY), *sas = cli_val(a, INIT_AS);
	if ((skey || sas) && !cli_set(a, INIT_SIGNING)) {
		free(mcp);
		json_decref(hosts_report);
		return cli_usage_error(ctx, "--key and --as go with --signing");
	}
	if (cli_set(a, INIT_SIGNING)) {
		struct ruru_confirm_sign sg = { .key = skey, .identity = sas, .opts = &ctx->opts };
		if (ruru_confirm_signing_init(&sg, &signing, &ctx->err) < 0) {
			free(mcp);
			json_decref(hosts_report);
			return cli_fail(ctx);
		}
		if (!ctx->json) {
			struct ruru_buf said = RURU_BUF_INIT;
			ruru_signing_report_text(signing, &said);
			fprintf(stderr, "ruru: %s", said.ptr);
			ruru_buf_release(&said);
		}
	}
	int rc = 0;
	if (ctx->json) {
		struct ruru_ws *ws = ruru_ws_open_opts(dir, &ctx->opts, &ctx->err);
		if (!ws) {
			free(mcp);
			json_decref(hosts_report);
			ruru_signing_report_free(signing);
			return cli_fail(ctx);
		}
		json_t *o = json_pack("{s:s}", "root", ruru_ws_root(ws));
		if (mcp)
			json_object_set_new(o, "mcp_config", json_string(mcp));
		if (git)
			json_object_set_new(o, "git", json_pack("{s:b, s:s}", "gitattributes_changed",
								attrs, "driver",
								"ruru merge-driver %O %A %B %P"));
		if (hosts_report) {
			json_object_set_new(o, "hosts", hosts_report);
			hosts_report = NULL;
		}
		if (signing)
			json_object_set_new(o, "signing", ruru_signing_report_json(signing));
		ruru_ws_free(ws);
		if (!cli_print_json(ctx, o))
			rc = cli_fail(ctx);
	}
	json_decref(hosts_report);
	ruru_signing_report_free(signing);
	free(mcp);
	return rc;
}

/* ------------------------------------------------------------------- new */

enum { NEW_DESCRIPTION, NEW_COORDINATOR, NEW_TAG, NEW_SCAFFOLD, NEW_FROM_SUMMARY, NEW_NOPTS };

static int cmd_new(struct cli_ctx *ctx, struct cli_args *a)
{
	WITH_WS(ctx, ws);
	struct ruru_new o = { 0 };
	struct ruru_buf desc = RURU_BUF_INIT;
	int rc = 0;
	o.goal = a->argc ? a->argv[0] : NULL;
	o.coordinator = cli_val(a, NEW_COORDINATOR);
	o.tags = cli_all(a, NEW_TAG, &o.ntags);
	o.scaffold = cli_set(a, NEW_SCAFFOLD);
	o.from_summary = cli_val(a, NEW_FROM_SUMMARY);
	const char *d = cli_val(a, NEW_DESCRIPTION);
	if (d && !strcmp(d, "-")) {
		if (cli_read_input(ctx, "-", &desc) < 0) {
			rc = cli_fail(ctx);
			goto out;
		}
		o.description = desc.ptr;
	} else {
		o.description = d;
	}
	struct ruru_session_started *r = ruru_session_start(ws, &o, &ctx->err);
	if (!r) {
		rc = cli_fail(ctx);
		goto out;
	}
	/* Another session stays active as it is; say so. */
	if (r->other_active) {
		fflush(stdout);
		fprintf(stderr,
			"ruru: session %s is still active and stays so; %s is now the active session "
			"(pause or complete %s when its work is done)\n",
			r->other_active, r->id, r->other_active);
		const char *env = ctx->opts.session_id;
		if (env && *env)
			fprintf(stderr,
				"ruru: ROOCOM_SESSION_ID=%s still chooses the session of later commands; "
				"set it to %s to work in the new one\n",
				env, r->id);
	}
	/* stdout: the new ID alone (ruru(1)) */
	if (ctx->json ? !cli_print_json(ctx, ruru_session_started_json(r)) : printf("%s\n", r->id) < 0)
		rc = cli_fail(ctx);
	ruru_session_started_free(r);
out:
	ruru_buf_release(&desc);
	ruru_ws_free(ws);
	return rc;
}

/* ------------------------------------------------------------------- log */

/* log's options: --type, then one per entry field (RURU_ENTRY_FIELDS), in
 * the table's order, so a field added to the library is an option here. */
enum {
	LOG_TYPE,
	LOG_FIELD0,
	LOG_NEW_TASK = LOG_FIELD0 + RURU_FIELD_COUNT,
	LOG_TITLE,
	LOG_TASK_TYPE,
	LOG_NOPTS
};

static int cmd_log(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *type = cli_val(a, LOG_TYPE);
	struct ruru_log_input e = { .type = RURU_EV_NOTE };
	if (type)
		e.type = ruru_event_parse(type); /* one of the row's words: the parser checked */
	for (int f = 0; f < RURU_FIELD_COUNT; f++)
		e.field[f] = cli_val(a, LOG_FIELD0 + f);

	struct ruru_buf msg = RURU_BUF_INIT;
	const char *m = a->argv[0];
	if (!strcmp(m, "-")) {
		if (cli_read_input(ctx, "-", &msg) < 0)
			return cli_fail(ctx);
		/* A message read from a pipe usually ends with one newline that
		 * is not part of it (like $(...) in the shell). */
		if (msg.len && msg.ptr[msg.len - 1] == '\n')
			msg.ptr[--msg.len] = '\0';
		e.message = msg.ptr;
		e.message_len = msg.len;
	} else {
		e.message = m;
		e.message_len = strlen(m);
	}
	int rc = 0;
	struct ruru_ws *ws = cli_ws(ctx);
	char *id = ws ? cli_session(ctx, ws, NULL) : NULL;
	struct ruru_entry_logged *r = NULL;
	/* V7: a delegation that spawns its MDTM task (--new-task --title T). */
	bool spawn = cli_set(a, LOG_NEW_TASK);
	struct ruru_task_new tn = { .type = cli_val(a, LOG_TASK_TYPE), .title = cli_val(a, LOG_TITLE) };
	if (!tn.type)
		tn.type = "feature";
	if (spawn && (e.type != RURU_EV_DELEGATION || e.field[RURU_FIELD_TASK] || !tn.title)) {
		rc = cli_usage_error(ctx, "--new-task goes with --type delegation and --title TEXT "
					  "(not --task)");
	} else if (!spawn && (cli_set(a, LOG_TITLE) || cli_set(a, LOG_TASK_TYPE))) {
		rc = cli_usage_error(ctx, "--title and --task-type go with --new-task");
	} else if (!id || !(r = ruru_session_log_entry(ws, id, &e, spawn ? &tn : NULL, &ctx->err))) {
		rc = cli_fail(ctx);
	} else if (ctx->json ? !cli_print_json(ctx, ruru_entry_logged_json(r))
			   : r->task && printf("%s\n", r->task) < 0) {
		/* stdout: the spawned task's ID, else nothing */
		rc = cli_fail(ctx);
	}
	/* One event, one entry: say why nothing was written (and then no
	 * word about what the entry would have named). */
	if (rc == 0 && r && r->duplicate_of)
		fprintf(stderr, "ruru: entry not written: it repeats the entry at line %zu of the "
				"log (the same event, logged by a host's hook)\n",
			r->duplicate_of);
	/* An ADR may be written after the decision it records: logged, with
	 * a word when there is no such file (yet). */
	bool written = rc == 0 && r && !r->duplicate_of;
	if (written && r->adr_missing)
		fprintf(stderr, "ruru: warning: no ADR file %s (yet); the entry names it anyway\n",
			e.field[RURU_FIELD_ADR]);
	if (written && r->artifact_missing)
		fprintf(stderr, "ruru: warning: no artifact %s in the session (yet); the entry names "
				"it anyway\n",
			e.field[RURU_FIELD_ARTIFACT]);
	if (written && r->message_len > RURU_MESSAGE_LARGE)
		fprintf(stderr, "ruru: warning: a message of %zu bytes was logged; digests and show "
				"give only its first part (big text belongs in an artifact: ruru "
				"artifact add)\n",
			r->message_len);
	ruru_entry_logged_free(r);
	free(id);
	ruru_ws_free(ws);
	ruru_buf_release(&msg);
	return rc;
}

/* ---------------------------------------------------------- status moves */

enum { STATUS_REASON, STATUS_NOPTS }; /* pause, resume, complete, fail */

static int set_status(struct cli_ctx *ctx, struct cli_args *a, enum ruru_status to)
{
	/* `ruru pause "end of day"`: a session ID holds no blank, so this is
	 * the reason in the place of the ID. */
	if (a->argc && a->argv[0][strcspn(a->argv[0], " \t\n")])
		return cli_usage_error(ctx, "\"%s\" is not a session ID; give the reason with "
					    "--reason TEXT", a->argv[0]);
	WITH_WS(ctx, ws);
	int rc = 0;
	char *id = cli_session(ctx, ws, a->argc ? a->argv[0] : NULL);
	struct ruru_status_set *r =
		id ? ruru_session_status(ws, id, to, cli_val(a, STATUS_REASON), 0, &ctx->err) : NULL;
	if (!r || (ctx->json && !cli_print_json(ctx, ruru_status_set_json(r))))
		rc = cli_fail(ctx);
	ruru_status_set_free(r);
	free(id);
	ruru_ws_free(ws);
	return rc;
}

static int cmd_pause(struct cli_ctx *ctx, struct cli_args *a)
{
	return set_status(ctx, a, RURU_STATUS_PAUSED);
}

static int cmd_resume(struct cli_ctx *ctx, struct cli_args *a)
{
	return set_status(ctx, a, RURU_STATUS_ACTIVE);
}

static int cmd_complete(struct cli_ctx *ctx, struct cli_args *a)
{
	return set_status(ctx, a, RURU_STATUS_COMPLETED);
}

static int cmd_fail(struct cli_ctx *ctx, struct cli_args *a)
{
	return set_status(ctx, a, RURU_STATUS_ERROR);
}

/* ------------------------------------------------------------------ list */

/* `list`'s text, one session at a time: each row is the library's text
 * of a listing of that one session, into a buffer written in 64 KiB
 * pieces. */
struct list_out {
	struct cli_ctx *ctx;
	struct ruru_buf out;
};

static int list_row(const struct ruru_session *s, void *p)
{
	struct list_out *lo = p;
	struct ruru_session_listing one = { .v = (struct ruru_session *)s, .n = 1 };
	ruru_session_listing_text(&one, &lo->out);
	if (lo->out.len >= 65536) {
		if (!cli_write(lo->ctx, lo->out.ptr, lo->out.len))
			return -1;
		ruru_buf_reset(&lo->out);
	}
	return 0;
}

enum { LIST_STATUS, LIST_TAG, LIST_SINCE, LIST_LIMIT, LIST_NOPTS };

static int cmd_list(struct cli_ctx *ctx, struct cli_args *a)
{
	const char *sw = cli_val(a, LIST_STATUS);
	enum ruru_status st = sw ? ruru_status_from_word(sw) : RURU_STATUS_UNKNOWN;
	/* --limit, --since, rows from the search index */
	size_t limit = cli_num(a, LIST_LIMIT);
	time_t since = 0;
	const char *sv = cli_val(a, LIST_SINCE); /* a date: the parser checked */
	if (sv)
		ruru_search_parse_time(sv, false, &since);
	WITH_WS(ctx, ws);
	struct ruru_session_query q = { .status = st, .tag = cli_val(a, LIST_TAG),
					.has_since = sv != NULL, .since = since,
					.limit = limit ? limit : RURU_LIST_ALL };
	int rc = 0;
	if (ctx->json) {
		struct ruru_session_listing *l = ruru_session_listing(ws, &q, &ctx->err);
		if (!l)
			rc = cli_fail(ctx);
		else
			CLI_PRINT_RESULT(ctx, rc, session_listing, l);
		ruru_session_listing_free(l);
	} else {
		/* the text a row at a time, as the index hands the sessions
		 * over: 100,000 sessions are never all in memory */
		struct list_out lo = { ctx, RURU_BUF_INIT };
		if (ruru_session_list_indexed(ws, q.status, q.tag, q.has_since, q.since, limit,
					      list_row, &lo, &ctx->err) < 0 ||
		    !cli_write(ctx, lo.out.ptr, lo.out.len))
			rc = cli_fail(ctx);
		ruru_buf_release(&lo.out);
	}
	ruru_ws_free(ws);
	return rc;
}

/* ------------------------------------------------------------------ show */

enum { SHOW_ENTRIES, SHOW_DIGEST, SHOW_MAX_CHARS, SHOW_ENTRY, SHOW_NOPTS };

/* show --digest: the continue digest, read-only. */
static int show_digest(struct cli_ctx *ctx, struct cli_args *a)
{
	size_t max = cli_num(a, SHOW_MAX_CHARS); /* 0: no bound */
	WITH_WS(ctx, ws);
	int rc = 0;
	char *id = cli_session(ctx, ws, a->argc ? a->argv[0] : NULL);
	struct ruru_digest *d = id ? ruru_session_digest(ws, id, max, &ctx->err) : NULL;
	if (!d)
		rc = cli_fail(ctx);
	else
		CLI_PRINT_RESULT(ctx, rc, digest, d);
	ruru_digest_free(d);
	free(id);
	ruru_ws_free(ws);
	return rc;
}

static int cmd_show(struct cli_ctx *ctx, struct cli_args *a)
{
	if (cli_set(a, SHOW_DIGEST)) {
		if (cli_set(a, SHOW_ENTRIES))
			return cli_usage_error(ctx, "--entries and --digest do not go together "
						    "(the digest fits entries into --max-chars)");
		return show_digest(ctx, a);
	}
	size_t last = cli_num(a, SHOW_ENTRIES), max = cli_num(a, SHOW_MAX_CHARS),
	       at = cli_num(a, SHOW_ENTRY);
	bool ne = cli_set(a, SHOW_ENTRIES), one = cli_set(a, SHOW_ENTRY);
	if (one && ne)
		return cli_usage_error(ctx, "--entry shows one entry: leave out --entries");
	WITH_WS(ctx, ws);
	int rc = 0;
	char *id = cli_session(ctx, ws, a->argc ? a->argv[0] : NULL);
	/* --json gives every entry asked for; the text is bounded like the
	 * digest (--max-chars, 0: none) */
	struct ruru_session_view *v =
		id ? ruru_session_view(ws, id, ne ? last : RURU_ENTRIES_ALL, max, false, &ctx->err) : NULL;
	free(id);
	ruru_ws_free(ws);
	if (!v)
		return cli_fail(ctx);
	const struct ruru_session *s = &v->session;
	if (one) {
		/* One entry (or orphan block), whole, by the line it starts on. */
		size_t i = 0;
		while (i < s->nentries && s->entries[i].line != at)
			i++;
		if (i == s->nentries) {
			ruru_error_set(&ctx->err, RURU_ENOTFOUND, "no entry starts on line %zu of %s", at,
				       s->path);
			rc = cli_fail(ctx);
		} else if (ctx->json) {
			if (!cli_print_json(ctx, ruru_entry_json(&s->entries[i])))
				rc = cli_fail(ctx);
		} else {
			struct ruru_buf out = RURU_BUF_INIT;
			ruru_entry_summary(&out, &s->entries[i], "", "    ");
			if (!cli_write(ctx, out.ptr, out.len))
				rc = cli_fail(ctx);
			ruru_buf_release(&out);
		}
	} else {
		CLI_PRINT_RESULT(ctx, rc, session_view, v);
	}
	ruru_session_view_free(v);
	return rc;
}

/* -------------------------------------------------------------- continue */

/* The most recent sessions on stderr, to choose one to continue. */
static void offer_recent(struct ruru_ws *ws)
{
	struct ruru_session *list;
	size_t n;
	struct ruru_error e = { 0 };
	struct ruru_buf line = RURU_BUF_INIT;
	/* Logs that still say Active, though .active names none of them. */
	if (ruru_session_list(ws, RURU_STATUS_ACTIVE, NULL, &list, &n, &e) == 0) {
		if (n)
			fputs("ruru: no session is named active, but these logs say Active (newest "
			      "first; continue one with `ruru continue ID`):\n",
			      stderr);
		for (size_t i = 0; i < n && i < RURU_SESSION_RECENT; i++) {
			ruru_buf_reset(&line);
			cli_add_tsv_field(&line, list[i].title ? list[i].title : "");
			fprintf(stderr, "  %s  active  %s\n", list[i].id, line.ptr);
		}
		ruru_session_list_free(list, n);
	}
	if (ruru_session_recent(ws, &list, &n, &e) < 0) {
		ruru_buf_release(&line);
		return;
	}
	if (n)
		fputs("ruru: recent sessions (continue one with `ruru continue ID`; an ended one "
		      "with `ruru continue ID --reopen`):\n",
		      stderr);
	for (size_t i = 0; i < n; i++) {
		ruru_buf_reset(&line); /* one line per session, whatever the title holds */
		cli_add_tsv_field(&line, list[i].title ? list[i].title : "");
		fprintf(stderr, "  %s  %s  %s\n", list[i].id,
			list[i].status ? ruru_status_word(list[i].status) : "?", line.ptr);
	}
	ruru_buf_release(&line);
	ruru_session_list_free(list, n);
}

enum { CONTINUE_MAX_CHARS, CONTINUE_REOPEN, CONTINUE_NOPTS };

static int cmd_continue(struct cli_ctx *ctx, struct cli_args *a)
{
	size_t max = cli_num(a, CONTINUE_MAX_CHARS); /* 0: no bound */
	bool reopen = cli_set(a, CONTINUE_REOPEN);
	/* The session named here (-s or ID) may be reopened on request; the
	 * one the active pointer names never is. */
	bool named = a->argc || ctx->session;
	unsigned flags = (reopen ? RURU_CONTINUE_REOPEN : 0) | (named ? 0 : RURU_CONTINUE_IMPLICIT);
	WITH_WS(ctx, ws);
	int rc = 0;
	char *id = cli_session(ctx, ws, a->argc ? a->argv[0] : NULL);
	struct ruru_digest *d = id ? ruru_session_continue(ws, id, max, flags, &ctx->err) : NULL;
	if (!d) {
		int code = ctx->err.code;
		if (id && code == RURU_ECONFLICT && !reopen) {
			struct ruru_session s;
			struct ruru_error e = { 0 };
			if (ruru_session_load(ws, id, 0, &s, &e) == 0 &&
			    (s.status == RURU_STATUS_COMPLETED || s.status == RURU_STATUS_ERROR)) {
				size_t n = strlen(ctx->err.msg);
				snprintf(ctx->err.msg + n, sizeof(ctx->err.msg) - n,
					 " (ruru continue %s --reopen reopens it)", id);
			}
			ruru_session_release(&s);
		}
		rc = cli_fail(ctx);
		if (code == RURU_ENOTFOUND && !named)
			offer_recent(ws);
	} else {
		CLI_PRINT_RESULT(ctx, rc, digest, d);
	}
	ruru_digest_free(d);
	free(id);
	ruru_ws_free(ws);
	return rc;
}

/* ----------------------------------------------------------------- check */

enum { CHECK_ERRORS_ONLY, CHECK_NOPTS };

static int cmd_check(struct cli_ctx *ctx, struct cli_args *a)
{
	WITH_WS(ctx, ws);
	struct ruru_check_report *report;
	int n = ruru_check(ws, (const char *const *)a->argv, (size_t)a->argc, &report, &ctx->err);
	ruru_ws_free(ws);
	if (n < 0)
		return cli_fail(ctx);
	int rc = n ? RURU_EINVALID : 0;
	if (cli_set(a, CHECK_ERRORS_ONLY))
		ruru_check_report_errors_only(report);
	if (ctx->json) {
		if (!cli_print_json(ctx, ruru_check_report_json(report)))
			rc = cli_fail(ctx);
	} else {
		/* compiler style, on stderr */
		struct ruru_buf b = RURU_BUF_INIT;
		ruru_check_report_text(report, &b);
		fflush(stdout);
		fputs(b.ptr, stderr);
		ruru_buf_release(&b);
	}
	ruru_check_report_free(report);
	return rc;
}

/* ----------------------------------------------------------------- table */

static const struct cli_opt check_opts[CHECK_NOPTS] = {
	[CHECK_ERRORS_ONLY] = { .row = "errors-only" },
};
static const struct cli_opt init_opts[INIT_NOPTS] = {
	[INIT_MCP] = { .row = "mcp" },
	[INIT_GIT] = { .row = "git" },
	/* Agent hosts (cmd-host.c) */
	[INIT_HOST] = { .row = "host", .arg = "HOST[,HOST...]" },
	[INIT_CAPTURE] = { .row = "capture" },
	[INIT_DRY_RUN] = { .row = "dry-run" },
	[INIT_REMOVE] = { .row = "remove" },
	[INIT_FORCE] = { .row = "force" },
	/* Signed decisions (cmd-confirm.c) */
	[INIT_SIGNING] = { .row = "signing" },
	[INIT_KEY] = { .row = "key", .arg = "FILE" },
	[INIT_AS] = { .row = "as", .arg = "IDENTITY" },
};
static const struct cli_opt new_opts[NEW_NOPTS] = {
	[NEW_DESCRIPTION] = { .row = "description", .arg = "TEXT|-" },
	[NEW_COORDINATOR] = { .row = "coordinator", .arg = "SLUG" },
	[NEW_TAG] = { .row = "tags", .arg = "TAG" },
	/* V7 */
	[NEW_SCAFFOLD] = { .row = "scaffold" },
	[NEW_FROM_SUMMARY] = { .row = "from-summary", .arg = "PATH" },
};
static const struct cli_opt log_opts[LOG_NOPTS] = {
	[LOG_TYPE] = { .row = "type", .short_name = 't', .arg = "TYPE" },
#define LOG_FIELD_OPT(u, l, meta, help_) \
	[LOG_FIELD0 + RURU_FIELD_##u] = { .row = #l, .arg = meta, .quiet_words = true },
	RURU_ENTRY_FIELDS(LOG_FIELD_OPT)
#undef LOG_FIELD_OPT
	/* V7 */
	[LOG_NEW_TASK] = { .row = "new-task" },
	[LOG_TITLE] = { .row = "title", .arg = "TEXT" },
	[LOG_TASK_TYPE] = { .row = "task-type", .arg = "TYPE" },
};
static const struct cli_opt status_opts[STATUS_NOPTS] = {
	[STATUS_REASON] = { .row = "reason", .arg = "TEXT" },
};
static const struct cli_opt list_opts[LIST_NOPTS] = {
	[LIST_STATUS] = { .row = "status", .arg = "STATUS" },
	[LIST_TAG] = { .row = "tag", .arg = "TAG" },
	/* search */
	[LIST_SINCE] = { .row = "since", .arg = "DATE" },
	[LIST_LIMIT] = { .row = "limit", .short_name = 'n', .arg = "N" },
};
static const struct cli_opt show_opts[SHOW_NOPTS] = {
	[SHOW_ENTRIES] = { .row = "entries", .short_name = 'n', .arg = "N" },
	[SHOW_DIGEST] = { .row = "digest" },
	[SHOW_MAX_CHARS] = { .row = "max-chars", .arg = "N" },
	[SHOW_ENTRY] = { .row = "entry", .arg = "LINE" },
};
static const struct cli_opt continue_opts[CONTINUE_NOPTS] = {
	[CONTINUE_MAX_CHARS] = { .row = "max_chars", .arg = "N" },
	[CONTINUE_REOPEN] = { .row = "reopen" },
};

const struct cli_cmd cli_cmds_session[] = {
	{ .name = "init", .verb = "init", .summary = "make .ruru/ here (or in --root)", CLI_OPTS(init_opts),
	  .max_args = 0, .run = cmd_init },
	{ .name = "new", .verb = "new", .args = "[GOAL]", .summary = "start a session; prints its ID and makes it active",
	  CLI_OPTS(new_opts), .max_args = 1, .run = cmd_new, .free_operands = true },
	{ .name = "log", .verb = "log", .args = "MESSAGE|-", .summary = "log an event to the active session",
	  CLI_OPTS(log_opts), .min_args = 1, .max_args = 1, .run = cmd_log, .free_operands = true },
	{ .name = "pause", .verb = "set-status", .args = "[ID]", .summary = "pause a session (status, end_time, event)",
	  CLI_OPTS(status_opts), .max_args = 1, .run = cmd_pause },
	{ .name = "resume", .verb = "set-status", .args = "[ID]", .summary = "make a paused or ended session active again",
	  CLI_OPTS(status_opts), .max_args = 1, .run = cmd_resume },
	{ .name = "complete", .verb = "set-status", .args = "[ID]", .summary = "mark a session completed",
	  CLI_OPTS(status_opts), .max_args = 1, .run = cmd_complete },
	{ .name = "fail", .verb = "set-status", .args = "[ID]", .summary = "mark a session failed (status Error)",
	  CLI_OPTS(status_opts), .max_args = 1, .run = cmd_fail },
	{ .name = "list", .verb = "list", .summary = "list sessions, newest first", CLI_OPTS(list_opts), .max_args = 0,
	  .run = cmd_list },
	{ .name = "show", .verb = "show", .args = "[ID]",
	  .summary = "show a session's metadata and entries, or its digest (read-only)",
	  CLI_OPTS(show_opts), .max_args = 1, .run = cmd_show },
	{ .name = "continue", .verb = "continue", .args = "[ID]",
	  .summary = "resume a session, make it active, log it, print a digest to pick up the work",
	  CLI_OPTS(continue_opts), .max_args = 1, .run = cmd_continue },
	{ .name = "check", .verb = "check", .args = "[FILE...]",
	  .summary = "validate session logs; every problem as FILE:LINE:COL with a severity",
	  CLI_OPTS(check_opts), .max_args = -1, .run = cmd_check },
	{ 0 },
};
