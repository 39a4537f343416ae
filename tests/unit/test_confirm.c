/*
 * test_confirm.c — the confirmation API as the MCP server will call it:
 * one call per step, in a throwaway workspace (temp mode and session mode),
 * checking status transitions, refusals and byte-exact results through the
 * library rather than the command line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ruru.h"
#include "workspace.h"

static char dir[] = "/tmp/ruru-unit-confirm.XXXXXX";
static struct ruru_ws *ws;

static void put(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* target written "old\n", then a proposal of "new\n" for it in *c; its
 * artifact (the caller frees it). */
static char *propose_old_new(const char *target, struct ruru_confirm *c)
{
	struct ruru_error err = { 0 };
	put(target, "old\n", 4);
	assert_int_equal(ruru_confirm_propose(ws, NULL, target, RURU_CONFIRM_CONTENT, "new\n", 4,
					      NULL, c, &err),
			 0);
	char *art = strdup(c->artifact);
	assert_non_null(art);
	return art;
}

static int setup(void **state)
{
	(void)state;
	ws = test_ws_open(dir, true);
	return ws ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return test_ws_remove(ws, dir);
}

static void test_words(void **state)
{
	(void)state;
	for (int s = RURU_CONFIRM_PENDING; s <= RURU_CONFIRM_FAILED; s++)
		assert_int_equal(ruru_confirm_status_parse(ruru_confirm_status_word(s)), s);
	assert_int_equal(ruru_confirm_status_parse("bogus"), RURU_CONFIRM_UNKNOWN);
	assert_null(ruru_confirm_status_word(RURU_CONFIRM_UNKNOWN));
	assert_int_equal(ruru_confirm_kind_parse("diff"), RURU_CONFIRM_DIFF);
	assert_int_equal(ruru_confirm_kind_parse("content"), RURU_CONFIRM_CONTENT);
	assert_int_equal(ruru_confirm_kind_parse("patch"), -1);
}

static void test_temp_flow(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_confirm c;
	static const char payload[] = "a\0b\r\n\xff";
	put("t.bin", "old", 3);
	assert_int_equal(ruru_confirm_propose(ws, NULL, "t.bin", RURU_CONFIRM_CONTENT, payload,
					      sizeof(payload) - 1, NULL, &c, &err),
			 0);
	assert_string_equal(c.artifact, ".ruru/temp/CONFIRM-t.bin-20261124-031520.md");
	assert_null(c.session);
	assert_int_equal(c.status, RURU_CONFIRM_PENDING);
	char *art = strdup(c.artifact);
	ruru_confirm_release(&c);

	assert_int_equal(ruru_confirm_apply(ws, art, true, &c, &err), -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	assert_int_equal(ruru_confirm_decide(ws, art, RURU_DECIDE_SKIP, NULL, &c, &err), -1);
	assert_int_equal(err.code, RURU_EUSAGE);
	assert_int_equal(ruru_confirm_decide(ws, art, RURU_DECIDE_SKIP, "low risk", &c, &err), 0);
	assert_int_equal(c.status, RURU_CONFIRM_SKIPPED);
	assert_string_equal(c.decided_by, "coordinator");
	ruru_confirm_release(&c);

	char *msg = NULL;
	assert_int_equal(ruru_confirm_delegate(ws, art, "dev-x", NULL, &msg, &c, &err), 0);
	assert_non_null(strstr(msg, "Confirmation skipped by Coordinator - low risk"));
	free(msg);
	ruru_confirm_release(&c);

	struct ruru_confirm_list *list = ruru_confirm_list(ws, NULL, "skipped", &err);
	assert_non_null(list);
	assert_int_equal(list->n, 1);
	ruru_confirm_list_free(list);

	assert_int_equal(ruru_confirm_apply(ws, art, false, &c, &err), 0);
	assert_int_equal(c.status, RURU_CONFIRM_APPLIED);
	ruru_confirm_release(&c);
	struct ruru_buf b = RURU_BUF_INIT;
	assert_int_equal(ruru_buf_read_file(&b, "t.bin", &err), 0);
	assert_int_equal(b.len, sizeof(payload) - 1);
	assert_memory_equal(b.ptr, payload, b.len);
	ruru_buf_release(&b);
	assert_int_equal(access(art, F_OK), -1); /* temp proposal cleaned up */
	assert_int_equal(ruru_confirm_load(ws, art, &c, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	free(art);
}

static void test_session_refusals(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_confirm c;
	struct ruru_new n = { .goal = "Unit" };
	char *id = ruru_session_new(ws, &n, &err);
	assert_non_null(id);
	assert_int_equal(ruru_confirm_propose(ws, NULL, "/etc/passwd", RURU_CONFIRM_CONTENT, "x", 1,
					      NULL, &c, &err),
			 -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_int_equal(ruru_confirm_propose(ws, NULL, ".git/config", RURU_CONFIRM_CONTENT, "x", 1,
					      NULL, &c, &err),
			 -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	put("t", "a\n", 2);
	assert_int_equal(ruru_confirm_propose(ws, NULL, "t", RURU_CONFIRM_DIFF, "nonsense\n", 9, NULL,
					      &c, &err),
			 -1);
	assert_int_equal(err.code, RURU_EINVALID);
	static const char d[] = "--- a/t\n+++ b/t\n@@ -1 +1 @@\n-a\n+b\n";
	assert_int_equal(ruru_confirm_propose(ws, id, "t", RURU_CONFIRM_DIFF, d, sizeof(d) - 1, NULL,
					      &c, &err),
			 0);
	assert_string_equal(c.session, id);
	char *art = strdup(c.artifact);
	ruru_confirm_release(&c);
	assert_int_equal(ruru_confirm_decide(ws, art, RURU_DECIDE_REJECT, "no", &c, &err), 0);
	ruru_confirm_release(&c);
	assert_int_equal(ruru_confirm_decide(ws, art, RURU_DECIDE_APPROVE, NULL, &c, &err), -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	assert_int_equal(ruru_confirm_apply(ws, art, true, &c, &err), -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	struct ruru_buf b = RURU_BUF_INIT;
	assert_int_equal(ruru_buf_read_file(&b, "t", &err), 0);
	assert_string_equal(b.ptr, "a\n");
	ruru_buf_release(&b);
	free(art);
	free(id);
}

/* Diff payloads: exactly one unified diff of the target (doc/design.md §6). */
static void test_diff_shapes(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_confirm c;
	static const struct {
		const char *diff;
		int code; /* 0: accepted */
	} cases[] = {
		{ "--- a/t\n+++ b/t\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n", 0 },
		{ "diff --git a/t b/t\nindex 1..2 100644\n--- a/t\n+++ b/t\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n", 0 },
		{ "--- t.orig\n+++ t\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n\\ No newline at end of file\n", 0 },
		/* a unified diff followed by a context diff of the same file */
		{ "--- a/t\n+++ b/t\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n*** t\n--- t\n***************\n*** 1 ****\n! a\n--- 1 ----\n! A\n", RURU_EINVALID },
		/* ... or by an ed script */
		{ "--- a/t\n+++ b/t\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n1c\nX\n.\n", RURU_EINVALID },
		/* an ed script or context diff before it */
		{ "1c\nX\n.\n--- a/t\n+++ b/t\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n", RURU_EINVALID },
		/* hunk longer than its header */
		{ "--- a/t\n+++ b/t\n@@ -1 +1 @@\n-a\n+A\n-b\n+B\n", RURU_EINVALID },
		/* hunk shorter than its header */
		{ "--- a/t\n+++ b/t\n@@ -1,2 +1,2 @@\n-a\n+A\n", RURU_EINVALID },
		/* another file */
		{ "--- a/u\n+++ b/u\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n", RURU_EINVALID },
		/* two files */
		{ "--- a/t\n+++ b/t\n@@ -1 +1 @@\n-a\n+A\n--- a/t\n+++ b/t\n@@ -2 +2 @@\n-b\n+B\n", RURU_EINVALID },
		/* a deletion */
		{ "--- a/t\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n", RURU_EINVALID },
	};
	put("t", "a\nb\n", 4);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = ruru_confirm_propose(ws, NULL, "t", RURU_CONFIRM_DIFF, cases[i].diff,
					      strlen(cases[i].diff), NULL, &c, &err);
		if (cases[i].code == 0) {
			if (rc != 0)
				fail_msg("case %zu refused: %s", i, err.msg);
			ruru_confirm_release(&c);
		} else {
			if (rc != -1)
				fail_msg("case %zu accepted", i);
			assert_int_equal(err.code, cases[i].code);
		}
	}
}

/* The decision record: in decisions.log for a temp proposal, canonical,
 * and read back as the latest record. */
static void test_records(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_confirm c;
	struct ruru_confirm_record r;
	char *art = propose_old_new("t", &c);
	char ph[65], th[65];
	memcpy(ph, c.payload_sha256, 65);
	memcpy(th, c.target_sha256, 65);
	ruru_confirm_release(&c);
	assert_int_equal(ruru_confirm_record_latest(ws, art, &r, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	assert_int_equal(ruru_confirm_decide(ws, art, RURU_DECIDE_APPROVE, "ok \"quoted\"", &c, &err), 0);
	ruru_confirm_release(&c);
	/* by its stem, too */
	const char *stem = strrchr(art, '/') + 1;
	char *s = strndup(stem, strlen(stem) - 3);
	assert_int_equal(ruru_confirm_record_latest(ws, s, &r, &err), 0);
	free(s);
	assert_int_equal(r.decision, RURU_CONFIRM_APPROVED);
	assert_string_equal(r.artifact, art);
	assert_string_equal(r.target, "t");
	assert_string_equal(r.payload_sha256, ph);
	assert_string_equal(r.target_sha256, th);
	assert_string_equal(r.decided_by, "user");
	assert_string_equal(r.rationale, "ok \"quoted\"");
	struct ruru_buf canon = RURU_BUF_INIT, file = RURU_BUF_INIT;
	ruru_confirm_record_canonical(&canon, &r);
	assert_int_equal(ruru_buf_read_file(&file, ".ruru/temp/decisions.log", &err), 0);
	assert_non_null(strstr(file.ptr, canon.ptr));
	struct ruru_toml *doc = ruru_toml_parse(canon.ptr, canon.len, &err);
	assert_non_null(doc);
	ruru_toml_free(doc);
	ruru_buf_release(&canon);
	ruru_buf_release(&file);
	ruru_confirm_record_release(&r);
	assert_int_equal(ruru_confirm_withdraw(ws, art, "changed my mind", &c, &err), 0);
	assert_int_equal(c.status, RURU_CONFIRM_WITHDRAWN);
	ruru_confirm_release(&c);
	assert_int_equal(ruru_confirm_record_latest(ws, art, &r, &err), 0);
	assert_int_equal(r.decision, RURU_CONFIRM_WITHDRAWN);
	ruru_confirm_record_release(&r);
	struct ruru_confirm_removed *gone = NULL;
	assert_int_equal(ruru_confirm_clean(ws, &gone, &err), 0);
	assert_int_equal(gone->n, 1);
	ruru_confirm_removed_free(gone);
	assert_int_equal(access(art, F_OK), -1);
	free(art);
}

/* The decide call binds the values that were shown: a payload, target or
 * sidecar that changed after ruru_confirm_load is refused; the values as
 * they are now are accepted.  The record names the result and nonce. */
static void test_expect(void **state)
{
	(void)state;
	struct ruru_error err = { 0 };
	struct ruru_confirm shown, c;
	struct ruru_confirm_expect e;
	char *art = propose_old_new("t.txt", &c);
	assert_int_equal(strlen(c.nonce), 32);
	assert_int_equal(strlen(c.result_sha256), 64);
	assert_string_equal(c.result_sha256, c.payload_sha256);
	ruru_confirm_release(&c);
	assert_int_equal(ruru_confirm_load(ws, art, &shown, &err), 0);
	ruru_confirm_expect_of(&e, &shown);
	/* the payload is swapped while the change is on screen */
	put(art, "evil\n", 5);
	assert_int_equal(ruru_confirm_decide_expect(ws, art, RURU_DECIDE_APPROVE, NULL, NULL, &e, &c, &err),
			 -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	put(art, "new\n", 4);
	/* the target changes */
	put("t.txt", "changed\n", 8);
	assert_int_equal(ruru_confirm_decide_expect(ws, art, RURU_DECIDE_APPROVE, NULL, NULL, &e, &c, &err),
			 -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	assert_non_null(strstr(err.msg, "show it again"));
	put("t.txt", "old\n", 4);
	/* a target path other than the one shown */
	e.target = "u.txt";
	assert_int_equal(ruru_confirm_decide_expect(ws, art, RURU_DECIDE_APPROVE, NULL, NULL, &e, &c, &err),
			 -1);
	ruru_confirm_expect_of(&e, &shown);
	assert_int_equal(ruru_confirm_decide_expect(ws, art, RURU_DECIDE_APPROVE, NULL, NULL, &e, &c, &err),
			 0);
	assert_int_equal(c.status, RURU_CONFIRM_APPROVED);
	ruru_confirm_release(&c);
	struct ruru_confirm_record r;
	assert_int_equal(ruru_confirm_record_latest(ws, art, &r, &err), 0);
	assert_string_equal(r.nonce, shown.nonce);
	assert_string_equal(r.result_sha256, shown.result_sha256);
	struct ruru_buf canon = RURU_BUF_INIT;
	ruru_confirm_record_canonical(&canon, &r);
	assert_non_null(strstr(canon.ptr, "\nnonce = \""));
	assert_non_null(strstr(canon.ptr, "\nresult_sha256 = \""));
	assert_null(strstr(canon.ptr, "expires")); /* unsigned: no expiry */
	ruru_buf_release(&canon);
	ruru_confirm_record_release(&r);
	ruru_confirm_release(&shown);
	free(art);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test_setup_teardown(test_temp_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expect, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
