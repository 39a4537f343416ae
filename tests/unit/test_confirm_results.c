/* test_confirm_results.c — the typed results of the library calls: each struct,
 * its JSON converter (the object --json and MCP structuredContent give)
 * and its one text renderer (what the CLI prints and MCP sends as text),
 * built by hand here so that every field, and hostile text in each, is
 * seen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "ruru.h"

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *js(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A decided, delegated proposal whose reason would repaint a terminal. */
static void fill_confirm(struct ruru_confirm *c)
{
	memset(c, 0, sizeof(*c));
	c->artifact = dup(".ruru/sessions/S-1/artifacts/CONFIRM-t-20261124-031520.md");
	c->sidecar = dup(".ruru/sessions/S-1/artifacts/CONFIRM-t-20261124-031520.toml");
	c->session = dup("S-1");
	c->target = dup("src/a.c");
	c->kind = RURU_CONFIRM_DIFF;
	c->status = RURU_CONFIRM_APPROVED;
	memset(c->payload_sha256, 'a', 64);
	memset(c->result_sha256, 'b', 64);
	memset(c->nonce, 'c', 32);
	c->created = 1795490120; /* 2026-11-24T03:15:20Z */
	c->decided_at = c->created + 60;
	c->decided_by = dup("user");
	c->rationale = dup("ok\x1b[2J\nforged: line");
	c->delegated_to = dup("dev-c");
	c->task = dup("TASK-1");
	c->payload_intact = true;
	c->target_unchanged = false;
	c->payload_bytes = 42;
	c->record = "agrees";
}

static void confirm_json_has_every_field(void **state)
{
	(void)state;
	struct ruru_confirm c;
	fill_confirm(&c);
	json_t *o = ruru_confirm_json(&c);
	assert_string_equal(js(o, "artifact"), c.artifact);
	assert_string_equal(js(o, "status"), "approved");
	assert_string_equal(js(o, "kind"), "diff");
	assert_string_equal(js(o, "target_sha256"), "");
	assert_string_equal(js(o, "created"), "2026-11-24T03:15:20Z");
	assert_string_equal(js(o, "decided_at"), "2026-11-24T03:16:20Z");
	assert_true(json_is_null(json_object_get(o, "applied_at")));
	assert_string_equal(js(o, "decision_record"), "agrees");
	assert_true(json_is_false(json_object_get(o, "target_unchanged")));
	assert_int_equal(json_integer_value(json_object_get(o, "payload_bytes")), 42);
	assert_null(json_object_get(o, "diff"));
	assert_null(json_object_get(o, "duplicate_of"));
	assert_true(json_is_null(json_object_get(o, "applied_from_sha256")));
	assert_int_equal(json_object_size(o), 24);
	json_decref(o);
	/* the diff, once a caller put it there (confirm show) */
	c.diff = dup("-a\n+b\n");
	c.diff_len = 6;
	o = ruru_confirm_json(&c);
	assert_string_equal(js(o, "diff"), "-a\n+b\n");
	assert_string_equal(js(o, "diff_shows"), "proposed");
	json_decref(o);
	ruru_confirm_release(&c);
	assert_null(c.diff);
}

static void confirm_text_escapes_and_binds(void **state)
{
	(void)state;
	struct ruru_confirm c;
	fill_confirm(&c);
	c.diff = dup("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+\x1b]0;pwned\x07y\n");
	c.diff_len = strlen(c.diff);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_confirm_text(&c, &b);
	assert_non_null(strstr(b.ptr, "target:    src/a.c  (CHANGED since the proposal)\n"));
	assert_non_null(strstr(b.ptr, "status:    approved by user at 2026-11-24T03:16:20Z\n"));
	/* one line, whatever the reason holds */
	assert_non_null(strstr(b.ptr, "reason:    ok\\x1b[2J\\nforged: line\n"));
	assert_null(strstr(b.ptr, "\nforged"));
	assert_non_null(strstr(b.ptr, "delegated: dev-c · TASK-1\n"));
	/* the values confirm_decide's shown and approve --expect take */
	assert_non_null(strstr(b.ptr, "payload_sha256: aaaa"));
	assert_non_null(strstr(b.ptr, "target_sha256:  none\n"));
	assert_non_null(strstr(b.ptr, "record:    the logged decision agrees with the sidecar\n"));
	/* the diff keeps its lines, its escapes are shown */
	assert_non_null(strstr(b.ptr, "\n\n--- a\n+++ b\n"));
	assert_non_null(strstr(b.ptr, "+\\x1b]0;pwned\\x07y\n"));
	assert_null(strchr(b.ptr, '\x1b'));
	ruru_buf_reset(&b);
	free(c.diff);
	c.diff = dup("");
	c.diff_len = 0;
	ruru_confirm_text(&c, &b);
	assert_non_null(strstr(b.ptr, "\n\nNo difference from the current target.\n"));
	ruru_buf_release(&b);
	ruru_confirm_release(&c);
}

/* An applied proposal: its diff is the change the apply recorded, under a
 * line that says so, or a line that says why there is none. */
static void confirm_text_applied(void **state)
{
	(void)state;
	struct ruru_confirm c;
	fill_confirm(&c);
	c.status = RURU_CONFIRM_APPLIED;
	c.applied_at = c.decided_at + 60;
	c.applied_recorded = true;
	memset(c.applied_from_sha256, 'd', 64);
	c.applied_diff = dup("-x\n+y\n");
	c.diff = dup("-x\n+y\n");
	c.diff_len = 6;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_confirm_text(&c, &b);
	/* the target holds the result now: not "CHANGED" */
	assert_non_null(strstr(b.ptr, "target:    src/a.c\n"));
	assert_non_null(strstr(b.ptr, "applied:   2026-11-24T03:17:20Z\n"));
	assert_non_null(strstr(b.ptr, "\napplied change (recorded when it was applied over target_sha256 dddd"));
	assert_non_null(strstr(b.ptr, "):\n-x\n+y\n"));
	json_t *o = ruru_confirm_json(&c);
	assert_string_equal(js(o, "diff_shows"), "applied");
	assert_int_equal(strlen(js(o, "applied_from_sha256")), 64);
	json_decref(o);
	free(c.diff);
	c.diff = dup("");
	c.diff_len = 0;
	free(c.applied_diff);
	c.applied_diff = NULL;
	memcpy(c.applied_from_sha256, c.result_sha256, sizeof(c.result_sha256));
	ruru_buf_reset(&b);
	ruru_confirm_text(&c, &b);
	assert_non_null(strstr(b.ptr, "\napplied change: none by ruru (the target already held the result)\n"));
	assert_null(strstr(b.ptr, "No difference"));
	c.applied_recorded = false;
	ruru_buf_reset(&b);
	ruru_confirm_text(&c, &b);
	assert_non_null(strstr(b.ptr, "\napplied change: not recorded (applied by an older ruru)\n"));
	ruru_buf_release(&b);
	ruru_confirm_release(&c);
}

static void confirm_list_json_and_text(void **state)
{
	(void)state;
	struct ruru_confirm_list *l = calloc(1, sizeof(*l));
	l->n = 2;
	l->items = calloc(2, sizeof(*l->items));
	fill_confirm(&l->items[0]);
	l->items[1].artifact = dup(".ruru/temp/CONFIRM-x.md"); /* no sidecar: unadopted */
	json_t *o = ruru_confirm_list_json(l);
	json_t *a = json_object_get(o, "confirmations");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(js(json_array_get(a, 0), "status"), "approved");
	json_t *u = json_array_get(a, 1);
	assert_string_equal(js(u, "status"), "unadopted");
	assert_true(json_is_null(json_object_get(u, "target")));
	assert_true(json_is_null(json_object_get(u, "session")));
	assert_int_equal(json_object_size(u), 4);
	json_decref(o);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_confirm_list_text(l, &b);
	assert_string_equal(b.ptr,
			    "2 proposals (artifact, status, target):\n"
			    ".ruru/sessions/S-1/artifacts/CONFIRM-t-20261124-031520.md  approved  src/a.c"
			    "  (diff, 2026-11-24T03:15:20Z) · delegated to dev-c · task TASK-1\n"
			    ".ruru/temp/CONFIRM-x.md  unadopted\n");
	ruru_confirm_list_free(l);
	struct ruru_confirm_list none = { 0 };
	ruru_buf_reset(&b);
	ruru_confirm_list_text(&none, &b);
	assert_string_equal(b.ptr, "No proposals.\n");
	o = ruru_confirm_list_json(&none);
	assert_int_equal(json_array_size(json_object_get(o, "confirmations")), 0);
	json_decref(o);
	ruru_buf_release(&b);
}

static struct ruru_search_hits *two_hits(size_t total)
{
	struct ruru_search_hits *h = calloc(1, sizeof(*h));
	h->query = dup("weta");
	h->query_len = 4;
	h->mark_open = dup("[");
	h->mark_close = dup("]");
	h->n = 2;
	h->total = total;
	h->hits = calloc(2, sizeof(*h->hits));
	struct ruru_search_hit *e = &h->hits[0], *a = &h->hits[1];
	e->kind = "entry";
	e->session = dup("S-1");
	e->path = dup(".ruru/sessions/S-1/session_log.md");
	e->line = 9;
	e->has_time = true;
	e->time = 1795490120;
	e->type = dup("note");
	e->mode = dup("dev-\x1b");
	e->snippet = dup("the [weta] \xe2\x80\xae[x]");
	a->kind = "artifact";
	a->session = dup("S-1");
	a->path = dup(".ruru/sessions/S-1/artifacts/n\xfft.txt"); /* not UTF-8 */
	a->line = 2;
	a->has_time = true;
	a->time = 1795490120;
	a->zone = dup("+10:00");
	a->snippet = dup("[weta]");
	return h;
}

static void search_hits_json(void **state)
{
	(void)state;
	struct ruru_search_hits *h = two_hits(5);
	json_t *o = ruru_search_hits_json(h);
	assert_string_equal(js(o, "query"), "weta");
	assert_int_equal(json_integer_value(json_object_get(o, "total")), 5);
	json_t *hs = json_object_get(o, "hits");
	assert_int_equal(json_array_size(hs), 2);
	json_t *e = json_array_get(hs, 0), *a = json_array_get(hs, 1);
	assert_int_equal(json_object_size(e), 10);
	assert_string_equal(js(e, "kind"), "entry");
	/* a stamp without a zone: no "Z", zone null */
	assert_string_equal(js(e, "time"), "2026-11-24T03:15:20");
	assert_true(json_is_null(json_object_get(e, "zone")));
	assert_true(json_is_null(json_object_get(e, "task")));
	assert_string_equal(js(e, "mode"), "dev-\x1b");
	assert_string_equal(js(a, "time"), "2026-11-24T03:15:20Z");
	assert_string_equal(js(a, "zone"), "+10:00");
	assert_string_equal(js(a, "path"), ".ruru/sessions/S-1/artifacts/n\xef\xbf\xbdt.txt");
	assert_int_equal(json_integer_value(json_object_get(a, "line")), 2);
	json_decref(o);
	ruru_search_hits_free(h);
}

static void search_hits_text(void **state)
{
	(void)state;
	struct ruru_search_hits *h = two_hits(5);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_search_hits_text(h, &b);
	assert_string_equal(b.ptr,
			    ".ruru/sessions/S-1/session_log.md:9\tS-1\t2026-11-24T03:15:20\tnote\t"
			    "dev-\\x1b\t-\tthe [weta] \\u202e[x]\n"
			    ".ruru/sessions/S-1/artifacts/n\\xfft.txt:2\tS-1\t2026-11-24T03:15:20Z\t"
			    "(artifact)\t-\t-\t[weta]\n"
			    "the best 2 of 5 hits (raise the limit for more)\n");
	ruru_search_hits_free(h);
	/* the marks of a terminal pass, everything else is escaped */
	h = two_hits(2);
	free(h->mark_open);
	free(h->mark_close);
	h->mark_open = dup("\033[1m");
	h->mark_close = dup("\033[22m");
	free(h->hits[1].snippet);
	h->hits[1].snippet = dup("\033[1mweta\033[22m \033]0;t\a");
	ruru_buf_reset(&b);
	ruru_search_hits_text(h, &b);
	assert_non_null(strstr(b.ptr, "\t\033[1mweta\033[22m \\x1b]0;t\\x07\n"));
	assert_null(strstr(b.ptr, "the best"));
	ruru_search_hits_free(h);
	struct ruru_search_hits none = { .query = (char *)"a\nb", .query_len = 3 };
	ruru_buf_reset(&b);
	ruru_search_hits_text(&none, &b);
	assert_string_equal(b.ptr, "No hits for a\\nb.\n");
	ruru_buf_release(&b);
}

static void verify_report_json_and_text(void **state)
{
	(void)state;
	struct ruru_verify_report *r = calloc(1, sizeof(*r));
	r->proposals = 3;
	r->n = 2;
	r->errors = 1;
	r->problems = calloc(2, sizeof(*r->problems));
	r->problems[0] = (struct ruru_verify_problem){ dup("a/CONFIRM-x.toml"), 4, 1, true,
						       dup("target_path differs\x1b[2J") };
	r->problems[1] = (struct ruru_verify_problem){ dup("t.txt"), 1, 1, false,
						       dup("the target no longer holds the result") };
	json_t *o = ruru_verify_report_json(r);
	assert_int_equal(json_integer_value(json_object_get(o, "proposals")), 3);
	assert_true(json_is_false(json_object_get(o, "ok")));
	json_t *p = json_array_get(json_object_get(o, "problems"), 0);
	assert_string_equal(js(p, "severity"), "error");
	assert_int_equal(json_integer_value(json_object_get(p, "line")), 4);
	assert_string_equal(js(json_array_get(json_object_get(o, "problems"), 1), "severity"), "info");
	json_decref(o);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_verify_report_text(r, &b);
	assert_string_equal(b.ptr, "a/CONFIRM-x.toml:4:1: error: target_path differs\\x1b[2J\n"
				   "t.txt:1:1: note: the target no longer holds the result\n"
				   "Checked 3 proposals: 2 problems, 1 of them an error.\n");
	ruru_verify_report_free(r);
	struct ruru_verify_report ok = { .proposals = 1 };
	ruru_buf_reset(&b);
	ruru_verify_report_text(&ok, &b);
	assert_string_equal(b.ptr, "Checked 1 proposal: no problems.\n");
	o = ruru_verify_report_json(&ok);
	assert_true(json_is_true(json_object_get(o, "ok")));
	json_decref(o);
	ruru_buf_release(&b);
}

static void removed_json_and_text(void **state)
{
	(void)state;
	struct ruru_confirm_removed *r = calloc(1, sizeof(*r));
	r->n = 2;
	r->artifacts = calloc(2, sizeof(char *));
	r->artifacts[0] = dup(".ruru/temp/CONFIRM-a.md");
	r->artifacts[1] = dup(".ruru/temp/CONFIRM-\u202eb.md");
	json_t *o = ruru_confirm_removed_json(r);
	assert_int_equal(json_array_size(json_object_get(o, "removed")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(o, "removed"), 0)),
			    ".ruru/temp/CONFIRM-a.md");
	json_decref(o);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_confirm_removed_text(r, &b);
	assert_string_equal(b.ptr, ".ruru/temp/CONFIRM-a.md\n.ruru/temp/CONFIRM-\\u202eb.md\n");
	ruru_confirm_removed_free(r);
	struct ruru_confirm_removed none = { 0 };
	ruru_buf_reset(&b);
	ruru_confirm_removed_text(&none, &b);
	assert_string_equal(b.ptr, "Nothing to remove.\n");
	ruru_buf_release(&b);
}

static void signing_report_json_and_text(void **state)
{
	(void)state;
	struct ruru_signing_report *r = calloc(1, sizeof(*r));
	r->config = dup("/home/a/.config/ruru/config.toml");
	r->allowed_signers = dup("/home/a/.config/ruru/allowed_signers");
	r->identity = dup("alice@example.org");
	r->key_type = dup("ssh-ed25519");
	r->added = true;
	json_t *o = ruru_signing_report_json(r);
	assert_int_equal(json_object_size(o), 5);
	assert_string_equal(js(o, "identity"), "alice@example.org");
	assert_true(json_is_true(json_object_get(o, "added")));
	json_decref(o);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_signing_report_text(r, &b);
	assert_string_equal(b.ptr, "signed decisions required; /home/a/.config/ruru/allowed_signers now "
				   "allows the ssh-ed25519 key of alice@example.org "
				   "(/home/a/.config/ruru/config.toml)\n");
	r->added = false;
	ruru_buf_reset(&b);
	ruru_signing_report_text(r, &b);
	assert_non_null(strstr(b.ptr, " already allowed the ssh-ed25519 key of "));
	ruru_buf_release(&b);
	ruru_signing_report_free(r);
}

static void hosts_report_json_and_text(void **state)
{
	(void)state;
	struct ruru_hosts_report *r = calloc(1, sizeof(*r));
	r->nhosts = 1;
	r->hosts = calloc(1, sizeof(char *));
	r->hosts[0] = dup("claude");
	r->nfiles = 2;
	r->files = calloc(2, sizeof(*r->files));
	r->files[0] = (struct ruru_hosts_file){ dup(".mcp.json"), "created" };
	r->files[1] = (struct ruru_hosts_file){ dup("CLAUDE.md"), "unchanged" };
	r->nnotes = 1;
	r->notes = calloc(1, sizeof(char *));
	r->notes[0] = dup("restart the host\x1b[2J");
	json_t *o = ruru_hosts_report_json(r);
	assert_int_equal(json_object_size(o), 5); /* no diff: not a dry run */
	assert_string_equal(json_string_value(json_array_get(json_object_get(o, "hosts"), 0)), "claude");
	json_t *f = json_array_get(json_object_get(o, "files"), 1);
	assert_string_equal(js(f, "path"), "CLAUDE.md");
	assert_string_equal(js(f, "action"), "unchanged");
	assert_true(json_is_false(json_object_get(o, "dry_run")));
	json_decref(o);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_hosts_report_text(r, &b);
	assert_string_equal(b.ptr, "created .mcp.json\nnote: restart the host\\x1b[2J\n");
	/* a dry run shows its diff instead */
	r->dry_run = true;
	r->diff = dup("--- a/.mcp.json\n+++ b/.mcp.json\n+\x1b]0;x\a\n");
	r->diff_len = strlen(r->diff);
	o = ruru_hosts_report_json(r);
	assert_string_equal(js(o, "diff"), r->diff);
	json_decref(o);
	ruru_buf_reset(&b);
	ruru_hosts_report_text(r, &b);
	assert_string_equal(b.ptr, "--- a/.mcp.json\n+++ b/.mcp.json\n+\\x1b]0;x\\x07\n"
				   "note: restart the host\\x1b[2J\n");
	ruru_buf_release(&b);
	ruru_hosts_report_free(r);
}

static void agent_trace_json_and_text(void **state)
{
	(void)state;
	struct ruru_agent_trace *t = calloc(1, sizeof(*t));
	t->n = 1;
	t->records = calloc(1, sizeof(*t->records));
	struct ruru_trace_record *r = &t->records[0];
	strcpy(r->id, "0f1e2d3c-4b5a-8968-8776-655443322110");
	r->timestamp = 1795490120;
	r->target = dup("src/a.c");
	r->nranges = 2;
	r->ranges = calloc(2, sizeof(*r->ranges));
	r->ranges[0] = (struct ruru_trace_range){ 3, 5 };
	r->ranges[1] = (struct ruru_trace_range){ 9, 9 };
	r->session = dup("S-1");
	r->artifact = dup(".ruru/sessions/S-1/artifacts/CONFIRM-a.md");
	r->artifact_in_session = dup("artifacts/CONFIRM-a.md");
	memset(r->payload_sha256, 'a', 64);
	r->decided_by = dup("coordinator");
	r->skipped = true;
	json_t *o = ruru_agent_trace_json(t);
	json_t *rec = json_array_get(json_object_get(o, "records"), 0);
	assert_string_equal(js(rec, "version"), "0.1.0");
	assert_string_equal(js(rec, "timestamp"), "2026-11-24T03:15:20Z");
	assert_null(json_object_get(rec, "vcs")); /* not committed */
	json_t *conv = json_array_get(json_object_get(json_array_get(json_object_get(rec, "files"), 0),
						      "conversations"), 0);
	assert_string_equal(js(conv, "url"), "ruru://sessions/S-1");
	json_t *rg = json_array_get(json_object_get(conv, "ranges"), 1);
	assert_int_equal(json_integer_value(json_object_get(rg, "start_line")), 9);
	assert_string_equal(js(json_array_get(json_object_get(conv, "related"), 0), "url"),
			    "ruru://sessions/S-1/artifacts/CONFIRM-a.md");
	json_t *meta = json_object_get(json_object_get(rec, "metadata"), "ruru");
	assert_string_equal(js(meta, "decision"), "skipped");
	json_decref(o);
	r->commit = dup("0123456789012345678901234567890123456789");
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_agent_trace_text(t, &b);
	/* JSON Lines: one compact record, the same as the converter's */
	assert_int_equal(b.ptr[b.len - 1], '\n');
	assert_null(memchr(b.ptr, '\n', b.len - 1));
	json_error_t je;
	json_t *back = json_loadb(b.ptr, b.len, 0, &je);
	assert_non_null(back);
	rec = ruru_trace_record_json(r);
	assert_true(json_equal(back, rec));
	assert_string_equal(js(json_object_get(back, "vcs"), "revision"), r->commit);
	json_decref(rec);
	json_decref(back);
	ruru_buf_release(&b);
	ruru_agent_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(confirm_json_has_every_field),
		cmocka_unit_test(confirm_text_escapes_and_binds),
		cmocka_unit_test(confirm_text_applied),
		cmocka_unit_test(confirm_list_json_and_text),
		cmocka_unit_test(search_hits_json),
		cmocka_unit_test(search_hits_text),
		cmocka_unit_test(verify_report_json_and_text),
		cmocka_unit_test(removed_json_and_text),
		cmocka_unit_test(signing_report_json_and_text),
		cmocka_unit_test(hosts_report_json_and_text),
		cmocka_unit_test(agent_trace_json_and_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
