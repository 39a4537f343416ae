/*
 * trace.c — `ruru export --agent-trace`: one Agent Trace record per applied
 * session proposal (target, added line ranges, the session as the
 * conversation, the commit apply --commit made).
 */
#include "confirm_impl.h"
#include "banned.h"

/* A name-based UUID (version 8, RFC 9562) from SHA-256 of `name`: the
 * same proposal always gets the same record ID. */
static void uuid_of(const char *name, char out[37])
{
	char h[65];
	ruru_sha256_hex(name, strlen(name), h);
	h[12] = '8';
	static const char variant[] = "89ab";
	h[16] = variant[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

/* The commit `apply --commit` made for an artifact (its Ruru-Confirm trailer). */
static char *commit_of(struct ruru_ws *ws, const char *artifact)
{
	struct ruru_buf grep = RURU_BUF_INIT, out = RURU_BUF_INIT;
	struct ruru_error e = { 0 };
	int st = -1;
	char *r = NULL;
	ruru_buf_addf(&grep, "--grep=^Ruru-Confirm: %s$", artifact);
	/* Artifact paths hold only [A-Za-z0-9._/-]: safe in a basic regex. */
	const char *args[] = { "log", "-1", "--format=%H", grep.ptr, NULL };
	if (confirm_git_run(ws, args, &out, &st, &e) == 0 && st == 0 && out.len >= 40) {
		out.ptr[40] = '\0';
		r = ruru_strdup(out.ptr);
	}
	ruru_buf_release(&grep);
	ruru_buf_release(&out);
	return r;
}

/* [[a, b], ...] (JSON) into the record's ranges. */
static void take_ranges(struct ruru_trace_record *r, json_t *ranges)
{
	size_t i;
	json_t *v;
	r->ranges = ruru_xmalloc((json_array_size(ranges) + 1) * sizeof(*r->ranges));
	json_array_foreach(ranges, i, v) {
		r->ranges[r->nranges].start_line = json_integer_value(json_array_get(v, 0));
		r->ranges[r->nranges++].end_line = json_integer_value(json_array_get(v, 1));
	}
}

/* The record of an applied session proposal, added to the trace `to`. */
static void trace_one(struct ruru_ws *ws, const char *rel, void *to)
{
	struct ruru_agent_trace *out = to;
	struct loc L;
	struct ruru_error e = { 0 };
	struct ruru_buf side = RURU_BUF_INIT, payload = RURU_BUF_INIT;
	struct ruru_confirm c;
	if (confirm_loc_from_rel(ws, rel, &L, &e) < 0)
		return;
	if (!L.session || confirm_sidecar_read(ws, &L, &side, &c, &e) < 0) {
		confirm_loc_release(&L);
		ruru_buf_release(&side);
		return;
	}
	if (c.status != RURU_CONFIRM_APPLIED)
		goto done;
	out->records = ruru_xrealloc(out->records, (out->n + 1) * sizeof(*out->records));
	struct ruru_trace_record *r = &out->records[out->n++];
	memset(r, 0, sizeof(*r));
	/* The lines it added: recorded at apply; else from a diff payload, or
	 * the whole content. */
	json_t *ranges = json_array();
	struct ruru_toml *doc = ruru_toml_parse(side.ptr, side.len, &e);
	const struct ruru_toml_value *cl =
		doc ? ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("changed_lines")) : NULL;
	if (cl && ruru_toml_kind(cl) == RURU_TOML_ARRAY) {
		for (size_t i = 0; i < ruru_toml_array_len(cl); i++) {
			const struct ruru_toml_value *pr = ruru_toml_array_at(cl, i);
			if (ruru_toml_kind(pr) == RURU_TOML_ARRAY && ruru_toml_array_len(pr) == 2)
				json_array_append_new(
					ranges, json_pack("[I, I]",
							  (json_int_t)ruru_toml_integer(ruru_toml_array_at(pr, 0)),
							  (json_int_t)ruru_toml_integer(ruru_toml_array_at(pr, 1))));
		}
	} else if (ruru_store_read(ws->store, L.abs, &payload, &e) == 0) {
		json_decref(ranges);
		ranges = c.kind == RURU_CONFIRM_DIFF
				 ? confirm_added_ranges(payload.ptr, payload.len)
				 : payload.len ? json_pack("[[i, I]]", 1,
							  (json_int_t)confirm_count_lines_of(payload.ptr, payload.len))
					       : json_array();
	}
	ruru_toml_free(doc);
	take_ranges(r, ranges);
	json_decref(ranges);
	struct ruru_buf name = RURU_BUF_INIT;
	ruru_buf_addf(&name, "ruru-confirm:%s:%s", L.rel, c.payload_sha256);
	uuid_of(name.ptr, r->id);
	ruru_buf_release(&name);
	r->timestamp = c.applied_at ? c.applied_at : c.created;
	r->target = ruru_strdup(c.target);
	r->session = ruru_strdup(L.session);
	r->artifact = ruru_strdup(L.rel);
	r->artifact_in_session = ruru_strdup(L.srel);
	memcpy(r->payload_sha256, c.payload_sha256, sizeof(r->payload_sha256));
	r->decided_by = c.decided_by ? ruru_strdup(c.decided_by) : NULL;
	r->skipped = c.decided_by && !strcmp(c.decided_by, "coordinator");
	r->commit = commit_of(ws, L.rel);
done:
	ruru_confirm_release(&c);
	confirm_loc_release(&L);
	ruru_buf_release(&side);
	ruru_buf_release(&payload);
}

struct ruru_agent_trace *ruru_confirm_agent_trace(struct ruru_ws *ws, const char *const *ids,
						  size_t nids, struct ruru_error *err)
{
	struct ruru_agent_trace *t = ruru_xmalloc(sizeof(*t));
	memset(t, 0, sizeof(*t));
	size_t n = 0;
	if (confirm_each_proposal(ws, ids, nids, false, trace_one, t, &n, err) < 0) {
		ruru_agent_trace_free(t);
		return NULL;
	}
	return t;
}

void ruru_agent_trace_free(struct ruru_agent_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct ruru_trace_record *r = &t->records[i];
		free(r->ranges);
		free(r->target);
		free(r->session);
		free(r->artifact);
		free(r->artifact_in_session);
		free(r->decided_by);
		free(r->commit);
	}
	free(t->records);
	free(t);
}

json_t *ruru_trace_record_json(const struct ruru_trace_record *r)
{
	json_t *jr = json_array();
	for (size_t i = 0; i < r->nranges; i++)
		json_array_append_new(jr, json_pack("{s:I, s:I}", "start_line",
						    (json_int_t)r->ranges[i].start_line, "end_line",
						    (json_int_t)r->ranges[i].end_line));
	struct ruru_buf url = RURU_BUF_INIT, aurl = RURU_BUF_INIT;
	ruru_buf_addf(&url, "ruru://sessions/%s", r->session);
	ruru_buf_addf(&aurl, "ruru://sessions/%s/%s", r->session, r->artifact_in_session);
	char ts[32];
	ruru_time_format_rfc3339(r->timestamp, ts);
	json_t *conv = json_pack("{s:s, s:{s:s}, s:o, s:[{s:s, s:s}]}", "url", url.ptr, "contributor",
				 "type", "ai", "ranges", jr, "related", "type", "ruru-confirm", "url",
				 aurl.ptr);
	json_t *rec = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:[{s:s, s:[o]}]}", "version", "0.1.0",
				"id", r->id, "timestamp", ts, "tool", "name", "ruru", "version",
				RURU_VERSION, "files", "path", r->target, "conversations", conv);
	if (r->commit)
		json_object_set_new(rec, "vcs", json_pack("{s:s, s:s}", "type", "git", "revision", r->commit));
	json_object_set_new(rec, "metadata",
			    json_pack("{s:{s:s, s:s, s:s, s:s, s:s?}}", "ruru", "session", r->session,
				      "artifact", r->artifact, "payload_sha256", r->payload_sha256,
				      "decision", r->skipped ? "skipped" : "approved", "decided_by",
				      r->decided_by));
	ruru_buf_release(&url);
	ruru_buf_release(&aurl);
	return rec;
}

json_t *ruru_agent_trace_json(const struct ruru_agent_trace *t)
{
	json_t *a = json_array();
	for (size_t i = 0; i < t->n; i++)
		json_array_append_new(a, ruru_trace_record_json(&t->records[i]));
	return json_pack("{s:o}", "records", a);
}

void ruru_agent_trace_text(const struct ruru_agent_trace *t, struct ruru_buf *out)
{
	for (size_t i = 0; i < t->n; i++) {
		json_t *rec = ruru_trace_record_json(&t->records[i]);
		char *line = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(rec);
		if (!line)
			abort(); /* out of memory, as ruru_xmalloc */
		ruru_buf_addstr(out, line);
		ruru_buf_addch(out, '\n');
		free(line);
	}
}
