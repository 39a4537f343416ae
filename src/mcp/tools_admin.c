/*
 * tools_admin.c — the MCP tools that read or sum up the workspace across
 * its logs: session_check (the log and artifact checks), session_search
 * and session_summarize.  The table that names them is mcp_tools[] in
 * tools.c.
 */
#include <stdlib.h>
#include <string.h>

#include "tools_int.h"
#include "banned.h"

json_t *t_session_check(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_check_report *report = NULL;
	int n;
	if (arg_str(args, "session")) {
		char *id = session_of(env, args, err);
		if (!id)
			return NULL;
		struct ruru_buf log = RURU_BUF_INIT;
		ruru_buf_addf(&log, ".ruru/sessions/%s/session_log.md", id);
		const char *files[] = { log.ptr };
		n = ruru_check(env->ws, files, 1, &report, err);
		ruru_buf_release(&log);
		free(id);
	} else {
		n = ruru_check(env->ws, NULL, 0, &report, err);
	}
	if (n < 0)
		return NULL;
	ruru_check_report_text(report, &env->text);
	json_t *problems = ruru_check_report_json(report);
	json_object_del(problems, "ok"); /* said once, beside it */
	ruru_check_report_free(report);
	return json_pack("{s:b, s:o}", "ok", n == 0, "problems", problems);
}
/* ------------------------------------------------ search */

json_t *t_session_search(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	struct ruru_search_opts o = { 0 };
	json_t *q = json_object_get(args, "query");
	o.query = json_string_value(q);
	o.query_len = json_string_length(q);
	o.type = arg_str(args, "type");
	o.mode = arg_str(args, "mode");
	o.task = arg_str(args, "task");
	o.session = arg_str(args, "session");
	o.tag = arg_str(args, "tag");
	o.status = ruru_status_from_word(arg_str(args, "status"));
	o.limit = (size_t)json_integer_value(json_object_get(args, "limit")); /* the row's default */
	o.in = ruru_search_in_bit(arg_str(args, "in")); /* 0 (all) when not given */
	/* dates: the server checked them against their rows */
	const char *since = arg_str(args, "since"), *until = arg_str(args, "until");
	o.has_since = since && ruru_search_parse_time(since, false, &o.since);
	o.has_until = until && ruru_search_parse_time(until, true, &o.until);
	struct ruru_search_hits *hits = ruru_search(env->ws, &o, err);
	if (!hits)
		return NULL;
	MCP_RETURN_RESULT(env, search_hits, hits);
}

json_t *t_session_summarize(struct mcp_env *env, json_t *args, struct ruru_error *err)
{
	char *id = session_of(env, args, err), *rel = NULL;
	struct ruru_summary *s = NULL;
	json_t *r = NULL;
	if (id && ruru_session_summarize(env->ws, id, arg_str(args, "body"), &rel, &s, err) == 0) {
		ruru_summary_text(s, &env->text);
		r = ruru_summary_json(s);
	}
	ruru_summary_free(s);
	free(rel);
	free(id);
	return r;
}
