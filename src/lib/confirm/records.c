/*
 * records.c — decision records, the binding that makes a sidecar never
 * the only record of a decision: the record's canonical (signed) text, its
 * log line (what, target, hashes, result, nonce; "Signed by … until …"),
 * reading it back from the session log or .ruru/temp/decisions.log, the
 * nonces apply recorded, and apply's check that sidecar and record agree.
 */
#include "confirm_impl.h"
#include "banned.h"

void ruru_confirm_record_release(struct ruru_confirm_record *r)
{
	free(r->artifact);
	free(r->target);
	free(r->decided_by);
	free(r->rationale);
	free(r->session);
	free(r->signer);
	free(r->signature);
	memset(r, 0, sizeof(*r));
}

void ruru_confirm_record_canonical(struct ruru_buf *out, const struct ruru_confirm_record *r)
{
	const char *word = ruru_confirm_status_word(r->decision);
	struct { const char *key, *val; } f[] = {
		{ "decision", word ? word : "" },
		{ "artifact", r->artifact ? r->artifact : "" },
		{ "target_path", r->target ? r->target : "" },
		{ "kind", ruru_confirm_kind_word(r->kind) },
		{ "payload_sha256", r->payload_sha256 },
		{ "target_sha256", r->target_sha256 },
		{ "decided_by", r->decided_by ? r->decided_by : "" },
		{ "rationale", r->rationale ? r->rationale : "" },
		{ "session", r->session ? r->session : "" },
		{ "signed_by", r->signer ? r->signer : "" },
	};
	ruru_buf_addstr(out, "[[decision]]\n");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		ruru_buf_addf(out, "%s = ", f[i].key);
		ruru_toml_encode_string(out, f[i].val, strlen(f[i].val));
		ruru_buf_addch(out, '\n');
	}
	ruru_buf_addstr(out, "decided_at = ");
	ruru_toml_encode_time(out, r->decided_at);
	ruru_buf_addch(out, '\n');
	/* Set by this ruru (left out when empty, so that a record of an
	 * older one keeps the text its signature covers): the result that
	 * was decided, the proposal's nonce, a signature's expiry. */
	if (*r->result_sha256)
		ruru_buf_addf(out, "result_sha256 = \"%s\"\n", r->result_sha256);
	if (*r->nonce)
		ruru_buf_addf(out, "nonce = \"%s\"\n", r->nonce);
	if (r->expires) {
		ruru_buf_addstr(out, "expires = ");
		ruru_toml_encode_time(out, r->expires);
		ruru_buf_addch(out, '\n');
	}
}

/* What each decision's log line starts with. */
static const char *record_lead(enum ruru_confirm_status d)
{
	switch (d) {
	case RURU_CONFIRM_APPROVED: return "User approved the change to";
	case RURU_CONFIRM_REJECTED: return "User rejected the change to";
	case RURU_CONFIRM_SKIPPED: return "Coordinator skipped confirmation of the change to";
	default: return RURU_WITHDRAWN_LEAD;
	}
}

/* The message of a decision's log entry: the binding line, then the reason. */
void confirm_record_message(struct ruru_buf *b, const struct ruru_confirm_record *r)
{
	ruru_buf_addf(b, "%s `%s` (%s) · payload_sha256 `%s` · target_sha256 `%s`",
		      record_lead(r->decision), r->target, ruru_confirm_kind_word(r->kind),
		      r->payload_sha256,
		      *r->target_sha256 ? r->target_sha256 : "none");
	if (*r->result_sha256)
		ruru_buf_addf(b, " · result_sha256 `%s`", r->result_sha256);
	if (*r->nonce)
		ruru_buf_addf(b, " · nonce `%s`", r->nonce);
	if (r->signer && *r->signer) {
		ruru_buf_addf(b, "\nSigned by `%s`", r->signer);
		if (r->expires) {
			char ts[32];
			ruru_time_format_rfc3339(r->expires, ts);
			ruru_buf_addf(b, " until %s", ts);
		}
	}
	if (r->rationale && *r->rationale)
		ruru_buf_addf(b, "\n%s: %s", r->decision == RURU_CONFIRM_SKIPPED ? "Rationale" : "Reason",
			      r->rationale);
}

static bool is_hex64(const char *p, const char *end)
{
	if (end - p < 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* Read the binding line of a decision entry's message into r (target and
 * hashes); false when the message has none (hand-written, or older). */
static bool record_parse_message(const char *msg, size_t len, struct ruru_confirm_record *r)
{
	const char *end = memchr(msg, '\n', len);
	end = end ? end : msg + len;
	static const char mid[] = ") · payload_sha256 `", mid2[] = "` · target_sha256 `";
	const char *lead = record_lead(r->decision);
	size_t ll = strlen(lead);
	if ((size_t)(end - msg) < ll + 2 || memcmp(msg, lead, ll) || memcmp(msg + ll, RURU_LIT(" `")))
		return false;
	const char *t = msg + ll + 2, *q = t;
	while (q < end && *q != '`')
		q++;
	const char *tend = q;
	int kind = -1;
	if (q == t || end - q < 3 || memcmp(q, RURU_LIT("` (")))
		return false;
	q += 3;
	if (confirm_starts(q, end, "content"))
		kind = RURU_CONFIRM_CONTENT, q += 7;
	else if (confirm_starts(q, end, "diff"))
		kind = RURU_CONFIRM_DIFF, q += 4;
	if (kind < 0 || (size_t)(end - q) < sizeof(mid) - 1 || memcmp(q, mid, sizeof(mid) - 1))
		return false;
	const char *ph = q + sizeof(mid) - 1;
	if (!is_hex64(ph, end))
		return false;
	const char *q2 = ph + 64;
	if ((size_t)(end - q2) < sizeof(mid2) - 1 || memcmp(q2, mid2, sizeof(mid2) - 1))
		return false;
	const char *th = q2 + sizeof(mid2) - 1;
	bool none = end - th >= 5 && !memcmp(th, "none`", 5);
	if (!none && !(is_hex64(th, end) && end - th >= 65 && th[64] == '`'))
		return false;
	/* Then, from this ruru on: " · result_sha256 `H`", " · nonce `N`". */
	static const char mid3[] = " · result_sha256 `", mid4[] = " · nonce `";
	const char *q4 = th + (none ? 5 : 65);
	r->result_sha256[0] = r->nonce[0] = '\0';
	if (confirm_starts(q4, end, mid3)) {
		const char *rh = q4 + sizeof(mid3) - 1;
		if (!is_hex64(rh, end) || end - rh < 65 || rh[64] != '`')
			return false;
		memcpy(r->result_sha256, rh, 64);
		r->result_sha256[64] = '\0';
		q4 = rh + 65;
	}
	if (confirm_starts(q4, end, mid4)) {
		const char *nh = q4 + sizeof(mid4) - 1;
		if (end - nh < 33 || nh[32] != '`')
			return false;
		memcpy(r->nonce, nh, 32);
		r->nonce[32] = '\0';
		if (!confirm_is_hex(r->nonce, 32))
			return false;
		q4 = nh + 33;
	}
	if (q4 != end)
		return false;
	free(r->target);
	r->target = ruru_strndup(t, (size_t)(tend - t));
	r->kind = (enum ruru_confirm_kind)kind;
	memcpy(r->payload_sha256, ph, 64);
	r->payload_sha256[64] = '\0';
	if (none) {
		r->target_sha256[0] = '\0';
	} else {
		memcpy(r->target_sha256, th, 64);
		r->target_sha256[64] = '\0';
	}
	/* The lines after it: "Signed by `ID`", then "Reason: …" (or
	 * "Rationale: …" for a skip) to the end of the message. */
	const char *p = end < msg + len ? end + 1 : msg + len, *mend = msg + len;
	free(r->signer);
	free(r->rationale);
	r->signer = ruru_strdup("");
	r->rationale = ruru_strdup("");
	if (confirm_starts(p, mend, "Signed by `")) {
		const char *id = p + 11, *q3 = memchr(id, '`', (size_t)(mend - id));
		const char *nl = memchr(id, '\n', (size_t)(mend - id));
		if (!q3 || (nl && nl < q3))
			return false;
		free(r->signer);
		r->signer = ruru_strndup(id, (size_t)(q3 - id));
		p = q3 + 1;
		r->expires = 0;
		if (confirm_starts(p, mend, " until ")) {
			const char *ts = p + 7, *te = memchr(ts, '\n', (size_t)(mend - ts));
			te = te ? te : mend;
			bool zone = false;
			if (!ruru_time_parse(ts, (size_t)(te - ts), &r->expires, &zone) || !zone ||
			    !r->expires)
				return false;
			p = te;
		}
		if (p < mend && *p != '\n')
			return false;
		p = p < mend ? p + 1 : mend;
	}
	const char *label = r->decision == RURU_CONFIRM_SKIPPED ? "Rationale: " : "Reason: ";
	if (p < mend) {
		if (!confirm_starts(p, mend, label))
			return false;
		p += strlen(label);
		free(r->rationale);
		r->rationale = ruru_strndup(p, (size_t)(mend - p));
	}
	return true;
}

/* The decision an entry records, from its type and outcome (UNKNOWN: none). */
static enum ruru_confirm_status entry_decision(const struct ruru_entry *e)
{
	if (e->type == RURU_EV_CONFIRM_SKIP)
		return RURU_CONFIRM_SKIPPED;
	if (e->type == RURU_EV_CONFIRM_RESPONSE && e->outcome && !strcmp(e->outcome, "approved"))
		return RURU_CONFIRM_APPROVED;
	if (e->type == RURU_EV_CONFIRM_RESPONSE && e->outcome && !strcmp(e->outcome, "rejected"))
		return RURU_CONFIRM_REJECTED;
	const char *lead = record_lead(RURU_CONFIRM_WITHDRAWN);
	if (e->type == RURU_EV_NOTE && e->message && confirm_has_prefix(e->message, lead))
		return RURU_CONFIRM_WITHDRAWN;
	return RURU_CONFIRM_UNKNOWN;
}

void confirm_records_release(struct records *R)
{
	ruru_confirm_record_release(&R->rec);
	memset(R, 0, sizeof(*R));
}

static char *temp_decisions_path(struct ruru_ws *ws)
{
	return ruru_ws_path(ws, ".ruru/temp/decisions.log");
}

static int records_session(struct ruru_ws *ws, const struct loc *L, struct records *R,
			   struct ruru_error *err)
{
	struct ruru_session s;
	if (ruru_session_load(ws, L->session, RURU_LOAD_ENTRIES, &s, err) < 0)
		return -1;
	for (size_t i = 0; i < s.nentries; i++) {
		const struct ruru_entry *e = &s.entries[i];
		if (!e->artifact || strcmp(e->artifact, L->srel))
			continue;
		enum ruru_confirm_status d = entry_decision(e);
		if (d == RURU_CONFIRM_UNKNOWN) {
			if (e->type == RURU_EV_RESULT && e->outcome && !strcmp(e->outcome, "success"))
				R->applied_after = R->found;
			continue;
		}
		ruru_confirm_record_release(&R->rec);
		R->found = true;
		R->applied_after = false;
		R->rec.decision = d;
		R->rec.artifact = ruru_strdup(L->rel);
		R->rec.session = ruru_strdup(L->session);
		R->rec.decided_by = ruru_strdup(d == RURU_CONFIRM_APPROVED || d == RURU_CONFIRM_REJECTED
							? "user"
							: "coordinator");
		R->rec.decided_at = e->when_valid ? e->when : 0;
		R->line = (int)e->line;
		R->bound = e->message && record_parse_message(e->message, e->message_len, &R->rec);
	}
	/* A proposal is used once: any successful result of the session that
	 * names the decided nonce consumed it, whatever the sidecar says. */
	if (R->found && R->bound && *R->rec.nonce) {
		struct ruru_buf mark = RURU_BUF_INIT;
		ruru_buf_addf(&mark, NONCE_MARK "%s`", R->rec.nonce);
		for (size_t i = 0; i < s.nentries && !R->nonce_line; i++) {
			const struct ruru_entry *e = &s.entries[i];
			if (e->type == RURU_EV_RESULT && e->outcome && !strcmp(e->outcome, "success") &&
			    e->message && memmem(e->message, e->message_len, mark.ptr, mark.len))
				R->nonce_line = (int)e->line;
		}
		ruru_buf_release(&mark);
	}
	ruru_session_release(&s);
	return 0;
}

static int records_temp(struct ruru_ws *ws, const struct loc *L, struct records *R,
			struct ruru_error *err)
{
	char *path = temp_decisions_path(ws);
	struct ruru_buf text = RURU_BUF_INIT;
	int rc = ruru_store_read(ws->store, path, &text, err);
	free(path);
	if (rc < 0) {
		ruru_buf_release(&text);
		if (err->code != RURU_ENOTFOUND)
			return -1;
		ruru_error_clear(err);
		return 0; /* no decision yet */
	}
	struct ruru_toml *doc = ruru_toml_parse(text.ptr, text.len, err);
	if (!doc) {
		ruru_buf_release(&text);
		ruru_error_set_file(err, ".ruru/temp/decisions.log");
		return -1;
	}
	const struct ruru_toml_value *arr = ruru_toml_table_get(ruru_toml_root(doc), RURU_LIT("decision"));
	size_t n = arr && ruru_toml_kind(arr) == RURU_TOML_ARRAY ? ruru_toml_array_len(arr) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct ruru_toml_value *t = ruru_toml_array_at(arr, i);
		char *art = confirm_toml_str(t, "artifact");
		if (art && !strcmp(art, L->rel)) {
			char *word = confirm_toml_str(t, "decision"), *ph = confirm_toml_str(t, "payload_sha256"),
			     *th = confirm_toml_str(t, "target_sha256");
			ruru_confirm_record_release(&R->rec);
			R->found = true;
			int col;
			ruru_text_position(text.ptr, ruru_toml_value_span(t).start, &R->line, &col);
			R->rec.decision = ruru_confirm_status_parse(word);
			R->rec.artifact = ruru_strdup(art);
			R->rec.target = confirm_toml_str(t, "target_path");
			char *kw = confirm_toml_str(t, "kind");
			int k = ruru_confirm_kind_parse(kw);
			free(kw);
			R->rec.kind = k < 0 ? RURU_CONFIRM_CONTENT : (enum ruru_confirm_kind)k;
			R->rec.decided_by = confirm_toml_str(t, "decided_by");
			R->rec.rationale = confirm_toml_str(t, "rationale");
			R->rec.session = confirm_toml_str(t, "session");
			R->rec.signer = confirm_toml_str(t, "signed_by");
			R->rec.signature = confirm_toml_str(t, "signature");
			R->rec.decided_at = confirm_toml_time(t, "decided_at");
			R->bound = k >= 0 && R->rec.target && ph && strlen(ph) == 64 && th &&
				   (!*th || strlen(th) == 64);
			if (R->bound) {
				snprintf(R->rec.payload_sha256, sizeof(R->rec.payload_sha256), "%s", ph);
				snprintf(R->rec.target_sha256, sizeof(R->rec.target_sha256), "%s", th);
			}
			char *rh = confirm_toml_str(t, "result_sha256"), *nonce = confirm_toml_str(t, "nonce");
			if (rh && !confirm_is_hex(rh, 64))
				R->bound = false;
			if (nonce && !confirm_is_hex(nonce, 32))
				R->bound = false;
			snprintf(R->rec.result_sha256, sizeof(R->rec.result_sha256), "%s",
				 rh && R->bound ? rh : "");
			snprintf(R->rec.nonce, sizeof(R->rec.nonce), "%s", nonce && R->bound ? nonce : "");
			R->rec.expires = confirm_toml_time(t, "expires");
			free(rh);
			free(nonce);
			free(word);
			free(ph);
			free(th);
		}
		free(art);
	}
	const struct ruru_toml_value *ap = ruru_toml_table_get(ruru_toml_root(doc), "applied", 7);
	size_t na = ap && ruru_toml_kind(ap) == RURU_TOML_ARRAY ? ruru_toml_array_len(ap) : 0;
	for (size_t i = 0; i < na && R->found && *R->rec.nonce && !R->nonce_line; i++) {
		const struct ruru_toml_value *t = ruru_toml_array_at(ap, i);
		char *nonce = confirm_toml_str(t, "nonce");
		if (nonce && !strcmp(nonce, R->rec.nonce)) {
			int col;
			ruru_text_position(text.ptr, ruru_toml_value_span(t).start, &R->nonce_line, &col);
		}
		free(nonce);
	}
	ruru_toml_free(doc);
	ruru_buf_release(&text);
	return 0;
}

/* The decision records of a proposal: its session's log or decisions.log. */
int confirm_records_read(struct ruru_ws *ws, const struct loc *L, struct records *R,
			struct ruru_error *err)
{
	memset(R, 0, sizeof(*R));
	return L->session ? records_session(ws, L, R, err) : records_temp(ws, L, R, err);
}

int confirm_records_stage_temp(struct ruru_ws *ws, struct guard *g,
			      const struct ruru_confirm_record *r, struct ruru_error *err)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_confirm_record_canonical(&b, r);
	if (r->signature) {
		ruru_buf_addstr(&b, "signature = ");
		ruru_toml_encode_string(&b, r->signature, strlen(r->signature));
		ruru_buf_addch(&b, '\n');
	}
	int rc = confirm_decisions_stage_append(ws, g, &b, err);
	ruru_buf_release(&b);
	return rc;
}

/* Stage `add` (one TOML table) at the end of decisions.log. */
int confirm_decisions_stage_append(struct ruru_ws *ws, struct guard *g, const struct ruru_buf *add,
				  struct ruru_error *err)
{
	char *path = temp_decisions_path(ws);
	struct ruru_buf b = RURU_BUF_INIT;
	static const char head[] =
		"# Decisions on proposals made with no active session (.ruru/temp/),\n"
		"# appended by `ruru confirm`; never edit.  The latest record of an\n"
		"# artifact is its decision.\n";
	int rc = ruru_store_read(ws->store, path, &b, err);
	if (rc < 0 && err->code == RURU_ENOTFOUND) {
		ruru_error_clear(err);
		ruru_buf_reset(&b);
		ruru_buf_add(&b, head, sizeof(head) - 1);
		rc = 0;
	}
	if (rc == 0) {
		ruru_buf_addch(&b, '\n');
		ruru_buf_add(&b, add->ptr, add->len);
		rc = ruru_logtx_stage_file(&g->tx, path, b.ptr, b.len, false, err);
	}
	ruru_buf_release(&b);
	free(path);
	return rc;
}

/* A record of decision `d` on the proposal c at `now`. */
void confirm_record_of(struct ruru_confirm_record *r, const struct ruru_confirm *c,
		      enum ruru_confirm_status d, const char *by, const char *why, time_t now)
{
	memset(r, 0, sizeof(*r));
	r->decision = d;
	r->artifact = ruru_strdup(c->artifact);
	r->target = ruru_strdup(c->target);
	r->kind = c->kind;
	memcpy(r->payload_sha256, c->payload_sha256, sizeof(r->payload_sha256));
	memcpy(r->target_sha256, c->target_sha256, sizeof(r->target_sha256));
	r->decided_by = ruru_strdup(by);
	r->rationale = ruru_strdup(why ? why : "");
	r->session = ruru_strdup(c->session ? c->session : "");
	r->signer = ruru_strdup("");
	r->decided_at = now;
	memcpy(r->result_sha256, c->result_sha256, sizeof(r->result_sha256));
	memcpy(r->nonce, c->nonce, sizeof(r->nonce));
}

/*
 * Apply's binding check: the latest decision record says yes, with the
 * sidecar's status, and names the sidecar's target and hashes.
 */
int confirm_records_agree(const struct loc *L, const struct ruru_confirm *c,
			 const struct records *R, struct ruru_error *err)
{
	const char *where = L->session ? "the session log" : ".ruru/temp/decisions.log";
	if (!R->found) {
		ruru_error_set(err, RURU_ECONFLICT,
			       "%s holds no decision on \"%s\"; it was never approved or skipped",
			       where, L->rel);
		return ruru_error_hint(err, NULL, RURU_HINT_ASK, L->rel);
	}
	enum ruru_confirm_status d = R->rec.decision;
	if (d != RURU_CONFIRM_APPROVED && d != RURU_CONFIRM_SKIPPED)
		return ruru_error_set(err, RURU_ECONFLICT, "the latest decision on \"%s\" in %s is %s",
				      L->rel, where, ruru_confirm_status_word(d) ? ruru_confirm_status_word(d)
									   : "unreadable");
	if (c->status != RURU_CONFIRM_APPLIED && c->status != d)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "the sidecar of \"%s\" says %s but the latest decision in %s is %s",
				      L->rel, ruru_confirm_status_word(c->status), where,
				      ruru_confirm_status_word(d));
	if (!R->bound)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "the decision on \"%s\" in %s does not name its target and hashes "
				      "(made by hand or by an older ruru); decide it again",
				      L->rel, where);
	if (R->rec.kind != c->kind)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "the sidecar's kind of \"%s\" is not the one that was decided (%s "
				      "says \"%s\"); it changed after the decision: propose again",
				      L->rel, where, ruru_confirm_kind_word(R->rec.kind));
	/* A record made by this ruru names the result and the nonce too; a
	 * sidecar that lost or changed them does not inherit the decision. */
	const char *what = strcmp(R->rec.target, c->target)                   ? "target_path"
			   : strcmp(R->rec.payload_sha256, c->payload_sha256) ? "payload_sha256"
			   : strcmp(R->rec.target_sha256, c->target_sha256)   ? "target_sha256"
			   : *R->rec.result_sha256 && strcmp(R->rec.result_sha256, c->result_sha256)
				   ? "result_sha256"
			   : *R->rec.nonce && strcmp(R->rec.nonce, c->nonce) ? "nonce"
									      : NULL;
	if (what)
		return ruru_error_set(err, RURU_ECONFLICT,
				      "the sidecar's %s of \"%s\" is not the one that was decided (%s "
				      "says \"%s\"); it changed after the decision: propose again",
				      what, L->rel, where,
				      !strcmp(what, "target_path")      ? R->rec.target
				      : !strcmp(what, "payload_sha256") ? R->rec.payload_sha256
				      : !strcmp(what, "target_sha256")  ? R->rec.target_sha256
				      : !strcmp(what, "result_sha256")  ? R->rec.result_sha256
									: R->rec.nonce);
	return 0;
}

int ruru_confirm_record_latest(struct ruru_ws *ws, const char *artifact,
			       struct ruru_confirm_record *out, struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	struct loc L;
	struct records R;
	if (confirm_locate(ws, artifact, true, &L, err) < 0)
		return -1;
	int rc = confirm_records_read(ws, &L, &R, err);
	if (rc == 0 && !R.found)
		rc = ruru_error_set(err, RURU_ENOTFOUND, "no decision on \"%s\" yet", L.rel);
	if (rc == 0) {
		*out = R.rec;
		memset(&R.rec, 0, sizeof(R.rec));
	}
	confirm_records_release(&R);
	confirm_loc_release(&L);
	return rc;
}
