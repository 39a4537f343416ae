/*
 * sidecar.c — a proposal as data: the sidecar CONFIRM-….toml read,
 * checked and edited format-preservingly, what the disk says
 * now (observe), a new proposal's nonce, and the guard every change runs
 * under (the session's log transaction, or .ruru/temp/.lock in temp mode).
 */
#include "confirm_impl.h"
#include "banned.h"

void ruru_confirm_release(struct ruru_confirm *c)
{
	free(c->artifact);
	free(c->sidecar);
	free(c->session);
	free(c->target);
	free(c->decided_by);
	free(c->rationale);
	free(c->delegated_to);
	free(c->task);
	free(c->verified_signer);
	free(c->duplicate_of);
	free(c->diff);
	free(c->applied_diff);
	memset(c, 0, sizeof(*c));
}

int confirm_guard_begin(struct ruru_ws *ws, const char *session, struct guard *g,
		       struct ruru_error *err)
{
	memset(g, 0, sizeof(*g));
	g->session = session != NULL;
	if (session) {
		if (ruru_logtx_begin(&g->tx, ws, session, RURU_TX_ACTIVE, err) < 0)
			return -1;
	} else {
		char *dir = ruru_ws_path(ws, ".ruru/temp");
		char *lf = ruru_ws_path(ws, ".ruru/temp/.lock");
		int rc = ruru_store_mkdirs(ws->store, dir, err);
		if (rc == 0)
			rc = ruru_logtx_begin_files(&g->tx, ws, lf, err);
		free(dir);
		free(lf);
		if (rc < 0)
			return -1;
	}
	g->held = true;
	return 0;
}

int confirm_guard_commit(struct guard *g, struct ruru_error *err)
{
	if (!g->held)
		return 0;
	g->held = false;
	return ruru_logtx_commit(&g->tx, err);
}

void confirm_guard_abort(struct guard *g)
{
	if (!g->held)
		return;
	g->held = false;
	ruru_logtx_abort(&g->tx);
}

/* Log an entry in a session guard (nothing in temp mode). */
int confirm_guard_log(struct guard *g, enum ruru_event type, const char *srel, const char *mode,
		     const char *task, const char *outcome, const char *msg, struct ruru_error *err)
{
	if (!g->session)
		return 0;
	struct ruru_log_input e = { .type = type, .message = msg, .message_len = strlen(msg) };
	e.field[RURU_FIELD_ARTIFACT] = srel;
	e.field[RURU_FIELD_MODE] = mode;
	e.field[RURU_FIELD_TASK] = task;
	e.field[RURU_FIELD_OUTCOME] = outcome;
	if (g->stamp) {
		e.when = g->stamp;
		e.when_valid = true;
	}
	return ruru_logtx_entry(&g->tx, &e, err);
}

/* `s` is exactly n lower-case hex digits. */
bool confirm_is_hex(const char *s, size_t n)
{
	size_t i = 0;
	for (; s[i] && i <= n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == n;
}

char *confirm_toml_str(const struct ruru_toml_value *root, const char *key)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, key, strlen(key));
	size_t n;
	const char *s = v ? ruru_toml_string(v, &n) : NULL;
	return s ? ruru_strndup(s, n) : NULL;
}

time_t confirm_toml_time(const struct ruru_toml_value *root, const char *key)
{
	const struct ruru_toml_value *v = ruru_toml_table_get(root, key, strlen(key));
	if (!v || ruru_toml_kind(v) != RURU_TOML_DATETIME)
		return 0;
	return time_from_toml(ruru_toml_datetime(v), RURU_TOML_DATETIME);
}

/* Parse a sidecar into c (which gets the location's names). */
static int sidecar_parse(const struct loc *L, const struct ruru_buf *text, struct ruru_confirm *c,
			 struct ruru_error *err)
{
	struct ruru_toml *doc = ruru_toml_parse(text->ptr, text->len, err);
	if (!doc) {
		ruru_error_set_file(err, L->side_rel);
		return -1;
	}
	const struct ruru_toml_value *r = ruru_toml_root(doc);
	memset(c, 0, sizeof(*c));
	c->artifact = ruru_strdup(L->rel);
	c->sidecar = ruru_strdup(L->side_rel);
	c->session = ruru_strdup(L->session);
	c->target = confirm_toml_str(r, "target_path");
	char *kind = confirm_toml_str(r, "kind"), *status = confirm_toml_str(r, "status");
	char *ph = confirm_toml_str(r, "payload_sha256"), *th = confirm_toml_str(r, "target_sha256");
	char *rh = confirm_toml_str(r, "result_sha256"), *nonce = confirm_toml_str(r, "nonce");
	int k = ruru_confirm_kind_parse(kind);
	c->status = ruru_confirm_status_parse(status);
	int rc = 0;
	const char *bad = !c->target || !*c->target ? "target_path"
			  : k < 0                   ? "kind"
			  : !c->status              ? "status"
			  : !ph || strlen(ph) != 64 ? "payload_sha256"
			  : !th || (*th && strlen(th) != 64) ? "target_sha256"
			  : rh && *rh && !confirm_is_hex(rh, 64)     ? "result_sha256"
			  : nonce && *nonce && !confirm_is_hex(nonce, 32) ? "nonce"
							     : NULL;
	if (bad) {
		rc = ruru_error_set(err, RURU_EINVALID, "missing or invalid \"%s\" in the sidecar", bad);
		ruru_error_set_file(err, L->side_rel);
		ruru_confirm_release(c);
	} else {
		c->kind = (enum ruru_confirm_kind)k;
		snprintf(c->payload_sha256, sizeof(c->payload_sha256), "%s", ph);
		snprintf(c->target_sha256, sizeof(c->target_sha256), "%s", th);
		/* An older ruru recorded no result: a content payload is its own
		 * result; a diff's is worked out from the disk (observe). */
		snprintf(c->result_sha256, sizeof(c->result_sha256), "%s",
			 rh && *rh ? rh : c->kind == RURU_CONFIRM_CONTENT ? ph : "");
		snprintf(c->nonce, sizeof(c->nonce), "%s", nonce ? nonce : "");
		c->created = confirm_toml_time(r, "created");
		c->decided_at = confirm_toml_time(r, "decided_at");
		c->applied_at = confirm_toml_time(r, "applied_at");
		c->decided_by = confirm_toml_str(r, "decided_by");
		c->rationale = confirm_toml_str(r, "rationale");
		c->delegated_to = confirm_toml_str(r, "delegated_to");
		c->task = confirm_toml_str(r, "task");
		const struct ruru_toml_value *f = ruru_toml_table_get(r, RURU_LIT("forced"));
		c->forced = f && ruru_toml_bool(f);
		/* what an apply wrote over (a sidecar is workspace: a hash that
		 * is not one is no record) */
		char *from = confirm_toml_str(r, "applied_from_sha256");
		if (from && (!*from || confirm_is_hex(from, 64))) {
			c->applied_recorded = true;
			snprintf(c->applied_from_sha256, sizeof(c->applied_from_sha256), "%s", from);
			c->applied_diff = confirm_toml_str(r, "applied_diff");
			if (c->applied_diff && !*c->applied_diff) {
				free(c->applied_diff);
				c->applied_diff = NULL;
			}
		}
		free(from);
	}
	free(kind);
	free(status);
	free(ph);
	free(th);
	free(rh);
	free(nonce);
	ruru_toml_free(doc);
	return rc;
}

int confirm_sidecar_read(struct ruru_ws *ws, const struct loc *L, struct ruru_buf *text, struct ruru_confirm *c,
			struct ruru_error *err)
{
	ruru_buf_reset(text);
	if (ruru_store_read(ws->store, L->side_abs, text, err) < 0) {
		struct stat st;
		if (err->code == RURU_ENOTFOUND && confirm_ws_lstat(ws, L->abs, &st) < 0)
			ruru_error_set(err, RURU_ENOTFOUND,
				       "no CONFIRM artifact \"%s\" (a temp proposal is deleted once "
				       "applied)",
				       L->rel);
		else if (err->code == RURU_ENOTFOUND)
			ruru_error_set(err, RURU_ENOTFOUND,
				       "\"%s\" has no sidecar (ruru has no record of it)", L->rel);
		ruru_error_hint(err, NULL, RURU_HINT_ADOPT, L->rel);
		ruru_error_set_file(err, L->side_rel);
		return -1;
	}
	return sidecar_parse(L, text, c, err);
}

/* Set `key` in the sidecar text to a TOML literal, format-preserving. */
static int side_set(struct ruru_buf *text, const char *key, const struct ruru_buf *lit,
		    struct ruru_error *err)
{
	struct ruru_buf out = RURU_BUF_INIT;
	if (ruru_toml_edit_set(&out, text->ptr, text->len, key, lit->ptr, lit->len, err) < 0) {
		ruru_buf_release(&out);
		return -1;
	}
	ruru_buf_release(text);
	*text = out;
	return 0;
}

int confirm_side_set_lit(struct ruru_buf *text, const char *key, const char *lit,
			struct ruru_error *err)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_addstr(&b, lit);
	int rc = side_set(text, key, &b, err);
	ruru_buf_release(&b);
	return rc;
}

int confirm_side_set_str(struct ruru_buf *text, const char *key, const char *val,
			struct ruru_error *err)
{
	struct ruru_buf lit = RURU_BUF_INIT;
	ruru_toml_encode_string(&lit, val ? val : "", val ? strlen(val) : 0);
	int rc = side_set(text, key, &lit, err);
	ruru_buf_release(&lit);
	return rc;
}

int confirm_side_set_time(struct ruru_buf *text, const char *key, time_t t, struct ruru_error *err)
{
	struct ruru_buf lit = RURU_BUF_INIT;
	ruru_toml_encode_time(&lit, t);
	int rc = side_set(text, key, &lit, err);
	ruru_buf_release(&lit);
	return rc;
}

/* The sidecar of a new proposal. */
void confirm_sidecar_new(struct ruru_buf *b, const char *artifact_name, const char *target,
			enum ruru_confirm_kind kind, const char *payload_sha, const char *target_sha,
			const char *result_sha, const char *nonce, const char *session,
			time_t created)
{
	struct { const char *key, *val; } s[] = {
		{ "target_path", target },
		{ "kind", ruru_confirm_kind_word(kind) },
		{ "status", "pending" },
		{ "payload_sha256", payload_sha },
		{ "target_sha256", target_sha },
		{ "result_sha256", result_sha },
		{ "nonce", nonce },
		{ "session", session ? session : "" },
	};
	ruru_buf_addf(b, "# ruru's record of the proposal in %s (which holds the payload\n"
			 "# verbatim).  Written by `ruru confirm`; see `ruru confirm show`.\n",
		      artifact_name);
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		ruru_buf_addf(b, "%s = ", s[i].key);
		ruru_toml_encode_string(b, s[i].val, strlen(s[i].val));
		ruru_buf_addch(b, '\n');
	}
	ruru_buf_addstr(b, "created = ");
	ruru_toml_encode_time(b, created);
	ruru_buf_addstr(b, "\ndecided_by = \"\"\nrationale = \"\"\ndecided_at = \"\"\n"
			   "delegated_to = \"\"\ntask = \"\"\napplied_at = \"\"\nforced = false\n");
}

/* Fill the "from the disk now" fields of c; the payload into *payload. */
void confirm_observe(struct ruru_ws *ws, const struct loc *L, struct ruru_confirm *c,
		    struct ruru_buf *payload)
{
	struct ruru_error ignore = { 0 };
	struct ruru_buf tmp = RURU_BUF_INIT;
	struct ruru_buf *p = payload ? payload : &tmp;
	ruru_buf_reset(p);
	c->payload_intact = false;
	c->payload_bytes = 0;
	if (ruru_store_read(ws->store, L->abs, p, &ignore) == 0) {
		char hex[65];
		ruru_sha256_hex(p->ptr, p->len, hex);
		c->payload_intact = !strcmp(hex, c->payload_sha256);
		c->payload_bytes = p->len;
	}
	char th[65];
	bool exists;
	struct ruru_buf norm = RURU_BUF_INIT;
	c->target_unchanged = ruru_store_path_inside(ws->store, NULL, c->target, &norm, &ignore) == 0 &&
			      confirm_target_hash(ws, norm.ptr, th, &exists, NULL, &ignore) == 0 &&
			      !strcmp(th, c->target_sha256);
	ruru_buf_release(&norm);
	ruru_buf_release(&tmp);
}

/* A proposal's nonce: 128 random bits in hex.  It makes each proposal one
 * of a kind, so that a decision (and its signature) is used once. */
int confirm_nonce_new(char out[33], struct ruru_error *err)
{
	unsigned char r[16];
	size_t got = 0;
	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ruru_error_set(err, RURU_EFAIL, "no random bytes for a nonce: %s",
					      strerror(errno));
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
	return 0;
}
