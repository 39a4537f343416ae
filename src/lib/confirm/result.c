/*
 * result.c — what the confirmation calls return, as every front end gives
 * it: a proposal (struct ruru_confirm) and a list of them, each as the JSON
 * object of --json and MCP structuredContent, and as the one text that the
 * CLI prints and the MCP server sends beside it.  Text from the workspace
 * (paths, reasons, names, the diff) goes through ruru_text_escape, so a
 * hostile sidecar cannot forge a line or reach the terminal's controls.
 */
#include "confirm_impl.h"
#include "banned.h"

static json_t *jtime(time_t t)
{
	if (!t)
		return json_null();
	char b[32];
	ruru_time_format_rfc3339(t, b);
	return json_string(b);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* NULL for an absent or empty string: JSON null. */
static json_t *jset(const char *s)
{
	return jstr(s && *s ? s : NULL);
}

json_t *ruru_confirm_json(const struct ruru_confirm *c)
{
	if (!c->sidecar) /* a CONFIRM file nobody proposed through ruru */
		return json_pack("{s:s?, s:s?, s:s, s:n}", "artifact", c->artifact, "session",
				 c->session, "status", "unadopted", "target");
	json_t *o = json_object();
	json_object_set_new(o, "artifact", jstr(c->artifact));
	json_object_set_new(o, "sidecar", jstr(c->sidecar));
	json_object_set_new(o, "session", jstr(c->session));
	json_object_set_new(o, "target", jstr(c->target));
	json_object_set_new(o, "kind", json_string(ruru_confirm_kind_word(c->kind)));
	const char *st = ruru_confirm_status_word(c->status);
	json_object_set_new(o, "status", json_string(st ? st : "unadopted"));
	json_object_set_new(o, "payload_sha256", json_string(c->payload_sha256));
	json_object_set_new(o, "target_sha256", json_string(c->target_sha256));
	json_object_set_new(o, "result_sha256", json_string(c->result_sha256));
	json_object_set_new(o, "nonce", json_string(c->nonce));
	json_object_set_new(o, "created", jtime(c->created));
	json_object_set_new(o, "decided_by", jset(c->decided_by));
	json_object_set_new(o, "rationale", jset(c->rationale));
	json_object_set_new(o, "decided_at", jtime(c->decided_at));
	json_object_set_new(o, "delegated_to", jset(c->delegated_to));
	json_object_set_new(o, "task", jset(c->task));
	json_object_set_new(o, "applied_at", jtime(c->applied_at));
	json_object_set_new(o, "forced", json_boolean(c->forced));
	json_object_set_new(o, "already_applied", json_boolean(c->already));
	json_object_set_new(o, "decision_record", jstr(c->record));
	json_object_set_new(o, "payload_intact", json_boolean(c->payload_intact));
	json_object_set_new(o, "target_unchanged", json_boolean(c->target_unchanged));
	json_object_set_new(o, "payload_bytes", json_integer((json_int_t)c->payload_bytes));
	json_object_set_new(o, "applied_from_sha256",
			    c->applied_recorded ? json_string(c->applied_from_sha256) : json_null());
	if (c->duplicate_of)
		json_object_set_new(o, "duplicate_of", json_string(c->duplicate_of));
	if (c->diff) {
		/* an applied proposal's diff is the change its apply recorded */
		json_object_set_new(o, "diff", json_stringn(c->diff, c->diff_len));
		json_object_set_new(o, "diff_shows", json_string(c->status == RURU_CONFIRM_APPLIED
									 ? "applied"
									 : "proposed"));
	}
	return o;
}

/* A one-line field from the workspace, escaped; `none` when absent. */
static void field(struct ruru_buf *out, const char *s, const char *none)
{
	if (s && *s)
		ruru_text_escape(out, s, strlen(s));
	else
		ruru_buf_addstr(out, none);
}

static void add_time(struct ruru_buf *out, time_t t)
{
	char b[32];
	ruru_time_format_rfc3339(t, b);
	ruru_buf_addstr(out, b);
}

void ruru_confirm_text(const struct ruru_confirm *c, struct ruru_buf *out)
{
	ruru_buf_addstr(out, "artifact:  ");
	field(out, c->artifact, "?");
	if (!c->sidecar) {
		ruru_buf_addstr(out, "\nstatus:    unadopted (a CONFIRM file without a sidecar)\n");
		return;
	}
	ruru_buf_addstr(out, "\ntarget:    ");
	field(out, c->target, "?");
	ruru_buf_addf(out, "%s\nkind:      %s\nstatus:    %s",
		      c->target_unchanged || c->status == RURU_CONFIRM_APPLIED
			      ? ""
			      : "  (CHANGED since the proposal)",
		      ruru_confirm_kind_word(c->kind), ruru_confirm_status_word(c->status));
	if (c->decided_by && *c->decided_by) {
		ruru_buf_addstr(out, " by ");
		field(out, c->decided_by, "");
		if (c->decided_at) {
			ruru_buf_addstr(out, " at ");
			add_time(out, c->decided_at);
		}
	}
	if (c->forced)
		ruru_buf_addstr(out, " (forced)");
	ruru_buf_addch(out, '\n');
	if (c->rationale && *c->rationale) {
		ruru_buf_addstr(out, "reason:    ");
		field(out, c->rationale, "");
		ruru_buf_addch(out, '\n');
	}
	if (c->delegated_to && *c->delegated_to) {
		ruru_buf_addstr(out, "delegated: ");
		field(out, c->delegated_to, "");
		if (c->task && *c->task) {
			ruru_buf_addstr(out, " · ");
			field(out, c->task, "");
		}
		ruru_buf_addch(out, '\n');
	}
	ruru_buf_addstr(out, "session:   ");
	field(out, c->session, "(none: .ruru/temp)");
	ruru_buf_addf(out, "\npayload:   %zu bytes, %s\n", c->payload_bytes,
		      c->payload_intact ? "as proposed" : "CHANGED since the proposal");
	if (c->applied_at) {
		ruru_buf_addstr(out, "applied:   ");
		add_time(out, c->applied_at);
		ruru_buf_addstr(out, c->already ? " (the target already held the result)\n" : "\n");
	}
	if (c->duplicate_of) {
		ruru_buf_addstr(out, "duplicate: ");
		field(out, c->duplicate_of, "");
		ruru_buf_addstr(out, ", still pending, proposes the same change\n");
	}
	/* The values a decision binds, under the keys that take them back. */
	ruru_buf_addf(out, "payload_sha256: %s\nresult_sha256:  %s\ntarget_sha256:  %s\n",
		      c->payload_sha256, *c->result_sha256 ? c->result_sha256 : "(unknown)",
		      *c->target_sha256 ? c->target_sha256 : "none");
	if (c->record)
		ruru_buf_addf(out, "record:    %s\n",
			      !strcmp(c->record, "none")     ? "no decision recorded yet"
			      : !strcmp(c->record, "agrees") ? "the logged decision agrees with the sidecar"
							     : "the logged decision DIFFERS from the sidecar "
							       "(it will not be applied)");
	if (!c->diff)
		return;
	ruru_buf_addch(out, '\n');
	/* An applied proposal's diff is the change its apply recorded, or
	 * nothing, and a line says which. */
	if (c->status == RURU_CONFIRM_APPLIED) {
		if (!c->applied_recorded)
			ruru_buf_addstr(out, "applied change: not recorded (applied by an older ruru)\n");
		else if (c->applied_diff)
			ruru_buf_addf(out, "applied change (recorded when it was applied over "
					   "target_sha256 %s):\n",
				      *c->applied_from_sha256 ? c->applied_from_sha256 : "none");
		else if (!strcmp(c->applied_from_sha256, c->result_sha256))
			ruru_buf_addstr(out, "applied change: none by ruru (the target already held "
					     "the result)\n");
		else
			ruru_buf_addf(out, "applied change: not kept (its diff was longer than %u "
					   "bytes)\n", RURU_APPLIED_DIFF_MAX);
	} else if (!c->diff_len) {
		ruru_buf_addstr(out, "No difference from the current target.\n");
	}
	if (!c->diff_len)
		return;
	ruru_text_escape_keep(out, c->diff, c->diff_len, "\t\n");
	if (c->diff[c->diff_len - 1] != '\n')
		ruru_buf_addch(out, '\n');
}

void ruru_confirm_line(const struct ruru_confirm *c, struct ruru_buf *out)
{
	field(out, c->artifact, "?");
	if (!c->sidecar) {
		ruru_buf_addstr(out, "  unadopted");
		return;
	}
	ruru_buf_addf(out, "  %s  ", ruru_confirm_status_word(c->status));
	field(out, c->target, "?");
	ruru_buf_addf(out, "  (%s, ", ruru_confirm_kind_word(c->kind));
	if (c->created)
		add_time(out, c->created);
	else
		ruru_buf_addch(out, '?');
	ruru_buf_addch(out, ')');
	if (c->delegated_to && *c->delegated_to) {
		ruru_buf_addstr(out, " · delegated to ");
		field(out, c->delegated_to, "");
	}
	if (c->task && *c->task) {
		ruru_buf_addstr(out, " · task ");
		field(out, c->task, "");
	}
}

void ruru_confirm_list_free(struct ruru_confirm_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		ruru_confirm_release(&l->items[i]);
	free(l->items);
	free(l);
}

json_t *ruru_confirm_list_json(const struct ruru_confirm_list *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, ruru_confirm_json(&l->items[i]));
	return json_pack("{s:o}", "confirmations", a);
}

void ruru_confirm_list_text(const struct ruru_confirm_list *l, struct ruru_buf *out)
{
	if (!l->n) {
		ruru_buf_addstr(out, "No proposals.\n");
		return;
	}
	ruru_buf_addf(out, "%zu %s (artifact, status, target):\n", l->n,
		      l->n == 1 ? "proposal" : "proposals");
	for (size_t i = 0; i < l->n; i++) {
		ruru_confirm_line(&l->items[i], out);
		ruru_buf_addch(out, '\n');
	}
}

json_t *ruru_verify_report_json(const struct ruru_verify_report *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct ruru_verify_problem *p = &r->problems[i];
		json_array_append_new(a, json_pack("{s:o, s:i, s:i, s:s, s:o}", "file",
						   ruru_json_text(p->file, strlen(p->file)), "line",
						   p->line, "col", p->col, "severity",
						   p->error ? "error" : "info", "message",
						   ruru_json_text(p->message, strlen(p->message))));
	}
	return json_pack("{s:I, s:o, s:b}", "proposals", (json_int_t)r->proposals, "problems", a,
			 "ok", r->errors == 0);
}

void ruru_verify_report_text(const struct ruru_verify_report *r, struct ruru_buf *out)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct ruru_verify_problem *p = &r->problems[i];
		field(out, p->file, "?");
		ruru_buf_addf(out, ":%d:%d: %s: ", p->line, p->col, p->error ? "error" : "note");
		field(out, p->message, "");
		ruru_buf_addch(out, '\n');
	}
	ruru_buf_addf(out, "Checked %zu %s: ", r->proposals,
		      r->proposals == 1 ? "proposal" : "proposals");
	if (!r->n)
		ruru_buf_addstr(out, "no problems.\n");
	else
		ruru_buf_addf(out, "%zu %s, %zu of them %s.\n", r->n,
			      r->n == 1 ? "problem" : "problems", r->errors,
			      r->errors == 1 ? "an error" : "errors");
}

void ruru_confirm_removed_free(struct ruru_confirm_removed *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->artifacts[i]);
	free(r->artifacts);
	free(r);
}

json_t *ruru_confirm_removed_json(const struct ruru_confirm_removed *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(a, ruru_json_text(r->artifacts[i], strlen(r->artifacts[i])));
	return json_pack("{s:o}", "removed", a);
}

void ruru_confirm_removed_text(const struct ruru_confirm_removed *r, struct ruru_buf *out)
{
	if (!r->n)
		ruru_buf_addstr(out, "Nothing to remove.\n");
	for (size_t i = 0; i < r->n; i++) {
		field(out, r->artifacts[i], "?");
		ruru_buf_addch(out, '\n');
	}
}

void ruru_signing_report_free(struct ruru_signing_report *r)
{
	if (!r)
		return;
	free(r->config);
	free(r->allowed_signers);
	free(r->identity);
	free(r->key_type);
	free(r);
}

json_t *ruru_signing_report_json(const struct ruru_signing_report *r)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:b}", "config", ruru_json_text(r->config, strlen(r->config)),
			 "allowed_signers", ruru_json_text(r->allowed_signers, strlen(r->allowed_signers)),
			 "identity", ruru_json_text(r->identity, strlen(r->identity)), "key_type",
			 ruru_json_text(r->key_type, strlen(r->key_type)), "added", r->added);
}

void ruru_signing_report_text(const struct ruru_signing_report *r, struct ruru_buf *out)
{
	ruru_buf_addstr(out, "signed decisions required; ");
	field(out, r->allowed_signers, "?");
	ruru_buf_addstr(out, r->added ? " now allows the " : " already allowed the ");
	field(out, r->key_type, "?");
	ruru_buf_addstr(out, " key of ");
	field(out, r->identity, "?");
	ruru_buf_addstr(out, " (");
	field(out, r->config, "?");
	ruru_buf_addstr(out, ")\n");
}
