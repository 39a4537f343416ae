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
	/* Another session stays active as it is; say so (doc/design.md §7). */
	char *other = NULL;
	o.other_active = &other;
	char *id = ruru_session_new(ws, &o, &ctx->err);
	if (!id) {
		rc = cli_fail(ctx);
		goto out;
	}
	if (other) {
		fflush(stdout);
		fprintf(stderr,
			"ruru: session %s is still active and stays so; %s is now the active session "
			"(pause or complete %s when its work is done)\n",
			other, id, other);
		const char *env = ctx->opts.session_id;
		if (env && *env)
			fprintf(stderr,
				"ruru: ROOCOM_SESSION_ID=%s still chooses the session of later commands; "
				"set it to %s to work in the new one\n",
				env, id);
	}
	json_t *j = json_pack("{s:s}", "id", id);
	json_object_set_new(j, "other_active", other ? json_string(other) : json_null());
	bool ok = ctx->json ? cli_print_json(ctx, j) : (json_decref(j), printf("%s\n", id) >= 0);
	free(other);
	free(id);
	if (!ok)
		rc = cli_fail(ctx);
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
	bool adr_missing = false, artifact_missing = false;
	size_t duplicate_of = 0;
	struct ruru_log_input e = { .type = RURU_EV_NOTE, .adr_missing = &adr_missing,
				    .artifact_missing = &artifact_missing,
				    .duplicate_of = &duplicate_of };
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
	char *new_task = NULL;
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
	} else if (!id || (spawn ? !(new_task = ruru_task_delegate(ws, id, &tn, &e, &ctx->err))
				 : ruru_session_log(ws, id, &e, &ctx->err) < 0)) {
		rc = cli_fail(ctx);
	} else if (ctx->json ? !cli_print_json(ctx, json_pack("{s:s, s:s, s:s?, s:o?}", "session", id,
							     "type", ruru_event_name(e.type), "task",
							     new_task, "duplicate_of",
							     duplicate_of ? json_integer((json_int_t)duplicate_of)
									  : NULL))
			   : new_task && printf("%s\n", new_task) < 0) {
		rc = cli_fail(ctx);
	}
	/* One event, one entry: say why nothing was written (and then no
	 * word about what the entry would have named). */
	if (rc == 0 && duplicate_of) {
		fprintf(stderr, "ruru: entry not written: it repeats the entry at line %zu of the "
				"log (the same event, logged by a host's hook)\n",
			duplicate_of);
		adr_missing = artifact_missing = false;
		e.message_len = 0;
	}
	/* An ADR may be written after the decision it records: logged, with
	 * a word when there is no such file (yet). */
	const char *adr = e.field[RURU_FIELD_ADR];
	if (rc == 0 && adr_missing)
		fprintf(stderr, "ruru: warning: no ADR file %s (yet); the entry names it anyway\n", adr);
	if (rc == 0 && artifact_missing)
		fprintf(stderr, "ruru: warning: no artifact %s in the session (yet); the entry names "
				"it anyway\n",
			e.field[RURU_FIELD_ARTIFACT]);
	if (rc == 0 && e.message_len > RURU_MESSAGE_LARGE)
		fprintf(stderr, "ruru: warning: a message of %zu bytes was logged; digests and show "
				"give only its first part (big text belongs in an artifact: ruru "
				"artifact add)\n",
			e.message_len);
	free(new_task);
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
	if (!id || ruru_session_set_status(ws, id, to, cli_val(a, STATUS_REASON), &ctx->err) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json && !cli_print_json(ctx, json_pack("{s:s, s:s, s:s}", "session", id,
							     "status", ruru_status_word(to),
							     "status_text", ruru_status_string(to))))
		rc = cli_fail(ctx);
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

/* `list` output, one session at a time: lines into a buffer written in
 * 64 KiB pieces (printf per field is most of the front end's cost over
 * 10,000 sessions), or JSON objects into an array. */
struct list_out {
	struct cli_ctx *ctx;
	json_t *arr;
	struct ruru_buf out;
};

static int list_one(const struct ruru_session *s, void *p)
{
	struct list_out *lo = p;
	if (lo->arr) {
		json_array_append_new(lo->arr, ruru_session_json(s, false, 0));
		return 0;
	}
	struct ruru_buf line = RURU_BUF_INIT;
	const char *cols[4] = { s->id, "invalid", "-", "" };
	if (s->valid) {
		cols[1] = s->status ? ruru_status_word(s->status) : "?";
		cols[3] = s->title ? s->title : "";
	} else {
		ruru_error_format(s->problem, &line);
		cols[3] = line.ptr;
	}
	if (s->start_text && *s->start_text)
		cols[2] = s->start_text;
	for (size_t c = 0; c < 4; c++) {
		cli_add_tsv_field(&lo->out, cols[c]);
		ruru_buf_addch(&lo->out, c < 3 ? '\t' : '\n');
	}
	ruru_buf_release(&line);
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
	struct list_out lo = { ctx, NULL, RURU_BUF_INIT };
	if (ctx->json)
		lo.arr = json_array();
	int rc = ruru_session_list_indexed(ws, st, cli_val(a, LIST_TAG), sv != NULL, since, limit,
					   list_one, &lo, &ctx->err);
	ruru_ws_free(ws);
	if (rc == 0 && ctx->json) {
		if (!cli_print_json(ctx, json_pack("{s:o}", "sessions", lo.arr)))
			rc = -1;
		lo.arr = NULL;
	} else if (rc == 0 && !cli_write(ctx, lo.out.ptr, lo.out.len)) {
		rc = -1;
	}
	json_decref(lo.arr);
	ruru_buf_release(&lo.out);
	return rc < 0 ? cli_fail(ctx) : 0;
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
	char *digest = NULL;
	json_t *json = NULL;
	if (!id || ruru_session_digest(ws, id, max, ctx->json ? NULL : &digest,
				       ctx->json ? &json : NULL, &ctx->err) < 0)
		rc = cli_fail(ctx);
	else if (ctx->json ? !cli_print_json(ctx, json) : !cli_write(ctx, digest, strlen(digest)))
		rc = cli_fail(ctx);
	free(digest);
	free(id);
	ruru_ws_free(ws);
	return rc;
}

/* One line of `show`'s header: the label, then the values (NULL ones
 * empty) separated by blanks, each with control characters made visible. */
/* The width of the labels of `show`'s text view: the longest key name,
 * its colon and a space. */
#define SHOW_WIDTH ((int)sizeof("related_artifacts: ") - 1)

static void show_line(struct ruru_buf *b, const char *name, const char *const *v, size_t n)
{
	ruru_buf_addf(b, "%s:%*s", name, SHOW_WIDTH - (int)strlen(name) - 1, "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			ruru_buf_addch(b, ' ');
		if (v[i])
			ruru_text_escape(b, v[i], strlen(v[i]));
	}
	ruru_buf_addch(b, '\n');
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
	struct ruru_session s;
	char *id = cli_session(ctx, ws, a->argc ? a->argv[0] : NULL);
	if (!id || ruru_session_load(ws, id, RURU_LOAD_ENTRIES, &s, &ctx->err) < 0) {
		free(id);
		ruru_ws_free(ws);
		return cli_fail(ctx);
	}
	if (one) {
		/* One entry (or orphan block), whole, by the line it starts on. */
		size_t i = 0;
		while (i < s.nentries && s.entries[i].line != at)
			i++;
		if (i == s.nentries) {
			ruru_error_set(&ctx->err, RURU_ENOTFOUND, "no entry starts on line %zu of %s", at,
				       s.path);
			rc = cli_fail(ctx);
		} else if (ctx->json) {
			if (!cli_print_json(ctx, ruru_entry_json(&s.entries[i])))
				rc = cli_fail(ctx);
		} else {
			struct ruru_buf out = RURU_BUF_INIT;
			ruru_entry_summary(&out, &s.entries[i], "", "    ");
			if (!cli_write(ctx, out.ptr, out.len))
				rc = cli_fail(ctx);
			ruru_buf_release(&out);
		}
	} else if (ctx->json) {
		if (!cli_print_json(ctx, ruru_session_json(&s, true, ne ? last : RURU_ENTRIES_ALL)))
			rc = cli_fail(ctx);
	} else {
		/* Values come from a file anyone may have written: what a
		 * terminal would obey is made visible, as in `list`. */
		struct ruru_buf h = RURU_BUF_INIT;
		/* the front-matter keys, as the library's key table lists them,
		 * each under its name; a log that cannot be read says why */
		struct ruru_session_key key;
		for (size_t k = 0; ruru_session_key(k, &key); k++) {
			size_t n;
			const char *const *v = ruru_session_key_value(&s, k, &n);
			show_line(&h, key.name, v, n);
			if (k == 0 && !s.valid) {
				struct ruru_buf line = RURU_BUF_INIT;
				ruru_error_format(s.problem, &line);
				show_line(&h, "invalid", (const char *const *)&line.ptr, 1);
				ruru_buf_release(&line);
			}
		}
		ruru_buf_addf(&h, "%-*s%zu\n", SHOW_WIDTH, "entries:", s.nentries);
		if (!cli_write(ctx, h.ptr, h.len))
			rc = cli_fail(ctx);
		ruru_buf_release(&h);
		size_t from = ne && last < s.nentries ? s.nentries - last : 0;
		/* Bounded like the digest (--max-chars, 0: none): a long
		 * message is cut to an eighth of it, the oldest entries go. */
		struct ruru_buf out = RURU_BUF_INIT, one_e = RURU_BUF_INIT;
		size_t first = s.nentries, used = 0;
		while (first > from) {
			ruru_buf_reset(&one_e);
			ruru_entry_summary_cut(&one_e, &s.entries[first - 1], "", "    ", max / 8);
			if (max && used + one_e.len > max && first < s.nentries)
				break;
			used += one_e.len;
			first--;
		}
		ruru_buf_release(&one_e);
		if (s.nentries > from)
			ruru_buf_addch(&out, '\n');
		if (first > from)
			ruru_buf_addf(&out, "(%zu older entries left out: ruru show --max-chars 0 shows "
					    "them all)\n",
				      first - from);
		for (size_t i = first; i < s.nentries; i++)
			ruru_entry_summary_cut(&out, &s.entries[i], "", "    ", max / 8);
		if (!cli_write(ctx, out.ptr, out.len))
			rc = cli_fail(ctx);
		ruru_buf_release(&out);
	}
	ruru_session_release(&s);
	free(id);
	ruru_ws_free(ws);
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
	char *digest = NULL;
	json_t *json = NULL;
	if (!id || ruru_session_continue(ws, id, max, flags, ctx->json ? NULL : &digest,
					 ctx->json ? &json : NULL, &ctx->err) < 0) {
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
	} else if (ctx->json ? !cli_print_json(ctx, json) : !cli_write(ctx, digest, strlen(digest))) {
		rc = cli_fail(ctx);
	}
	free(digest);
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
