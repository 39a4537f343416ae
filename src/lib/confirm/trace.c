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

/* One Agent Trace record (v0.1.0) for an applied session proposal. */
static void trace_one(struct ruru_ws *ws, const char *rel, void *to)
{
	json_t *out = to;
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
	json_t *jr = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(ranges, i, v)
		json_array_append_new(jr, json_pack("{s:O, s:O}", "start_line", json_array_get(v, 0),
						    "end_line", json_array_get(v, 1)));
	json_decref(ranges);
	struct ruru_buf url = RURU_BUF_INIT, aurl = RURU_BUF_INIT, name = RURU_BUF_INIT;
	ruru_buf_addf(&url, "ruru://sessions/%s", L.session);
	ruru_buf_addf(&aurl, "ruru://sessions/%s/%s", L.session, L.srel);
	ruru_buf_addf(&name, "ruru-confirm:%s:%s", L.rel, c.payload_sha256);
	char id[37], ts[32];
	uuid_of(name.ptr, id);
	ruru_time_format_rfc3339(c.applied_at ? c.applied_at : c.created, ts);
	json_t *conv = json_pack("{s:s, s:{s:s}, s:o, s:[{s:s, s:s}]}", "url", url.ptr, "contributor",
				 "type", "ai", "ranges", jr, "related", "type", "ruru-confirm", "url",
				 aurl.ptr);
	json_t *rec = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:[{s:s, s:[o]}]}", "version", "0.1.0",
				"id", id, "timestamp", ts, "tool", "name", "ruru", "version",
				RURU_VERSION, "files", "path", c.target, "conversations", conv);
	char *commit = commit_of(ws, L.rel);
	if (commit)
		json_object_set_new(rec, "vcs", json_pack("{s:s, s:s}", "type", "git", "revision", commit));
	free(commit);
	json_object_set_new(rec, "metadata",
			    json_pack("{s:{s:s, s:s, s:s, s:s, s:s?}}", "ruru", "session", L.session,
				      "artifact", L.rel, "payload_sha256", c.payload_sha256, "decision",
				      c.decided_by && !strcmp(c.decided_by, "coordinator") ? "skipped"
											   : "approved",
				      "decided_by", c.decided_by));
	json_array_append_new(out, rec);
	ruru_buf_release(&url);
	ruru_buf_release(&aurl);
	ruru_buf_release(&name);
done:
	ruru_confirm_release(&c);
	confirm_loc_release(&L);
	ruru_buf_release(&side);
	ruru_buf_release(&payload);
}

json_t *ruru_confirm_agent_trace(struct ruru_ws *ws, const char *const *ids, size_t nids,
				 struct ruru_error *err)
{
	json_t *records = json_array();
	size_t n = 0;
	if (confirm_each_proposal(ws, ids, nids, false, trace_one, records, &n, err) < 0) {
		json_decref(records);
		return NULL;
	}
	return records;
}
