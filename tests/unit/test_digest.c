/* test_digest.c — the bound of the continue digest
 * (doc/design.md §7) as properties of ruru_digest_entries() over made-up sessions:
 * whatever the budget, the entries section fits it, holds whole entries
 * only, the newest ones, in log order, and its heading counts the rest;
 * and the open items (open.h) close delegations and errors as later
 * results say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "ruru.h"
#include "digest.h"
#include "open.h"

/* A session of n entries whose messages have 1 to 3 lines of varied length. */
static void make_session(struct ruru_session *s, size_t n, unsigned seed)
{
	memset(s, 0, sizeof(*s));
	s->entries = calloc(n ? n : 1, sizeof(*s->entries));
	assert_non_null(s->entries);
	s->nentries = n;
	for (size_t i = 0; i < n; i++) {
		struct ruru_entry *e = &s->entries[i];
		char stamp[32], msg[400];
		snprintf(stamp, sizeof(stamp), "2026-11-24 03:%02zu:%02zuZ", i / 60 % 60, i % 60);
		seed = seed * 1103515245u + 12345u;
		int lines = 1 + (int)(seed >> 16) % 3, len = 5 + (int)(seed >> 8) % 90;
		int k = snprintf(msg, sizeof(msg), "entry %zu", i);
		for (int l = 1; l < lines; l++)
			k += snprintf(msg + k, sizeof(msg) - (size_t)k, "\nline %d of entry %zu", l + 1, i);
		k += snprintf(msg + k, sizeof(msg) - (size_t)k, " %.*s", len,
			      "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
			      "tempor incididunt ut labore");
		e->stamp = strdup(stamp);
		e->type = RURU_EV_NOTE;
		e->message = strdup(msg);
		e->message_len = strlen(msg);
	}
}

static void free_session(struct ruru_session *s)
{
	for (size_t i = 0; i < s->nentries; i++) {
		free(s->entries[i].stamp);
		free(s->entries[i].message);
	}
	free(s->entries);
}

/* Does the digest text show entry number i? */
static bool has_entry(const char *text, size_t i)
{
	char a[64], b[64];
	snprintf(a, sizeof(a), ": entry %zu ", i);
	snprintf(b, sizeof(b), ": entry %zu\n", i);
	return strstr(text, a) || strstr(text, b);
}

static void entries_fit_their_budget(void **state)
{
	(void)state;
	struct ruru_session s;
	make_session(&s, 300, 7);
	for (size_t budget = 0; budget < 9000; budget += 37) {
		struct ruru_buf b = RURU_BUF_INIT;
		size_t left = ruru_digest_entries(&b, &s, budget);
		assert_true(b.len <= budget);
		assert_true(left <= s.nentries);
		if (left < s.nentries) {
			/* The shown entries are the newest, whole, in log order. */
			char want[128];
			if (left)
				snprintf(want, sizeof(want), "(%zu of %zu; %zu older left out)",
					 s.nentries - left, s.nentries, left);
			else
				snprintf(want, sizeof(want), "(all %zu)", s.nentries);
			assert_non_null(strstr(b.ptr, want));
			size_t shown = 0;
			for (const char *p = b.ptr; (p = strstr(p, "\n- [")); p++)
				shown++;
			assert_int_equal(shown, s.nentries - left);
			assert_true(has_entry(b.ptr, left));
			if (left)
				assert_false(has_entry(b.ptr, left - 1));
			/* Every line of a multi-line entry is there: the last
			 * entry's last line ends the text. */
			const struct ruru_entry *last = &s.entries[s.nentries - 1];
			const char *tail = strrchr(last->message, '\n');
			tail = tail ? tail + 1 : last->message;
			size_t tl = strlen(tail);
			assert_true(b.len > tl + 1);
			assert_memory_equal(b.ptr + b.len - tl - 1, tail, tl);
		} else if (b.len) {
			assert_non_null(strstr(b.ptr, "(300 entries not shown)"));
		}
		ruru_buf_release(&b);
	}
	free_session(&s);
}

static void no_bound_shows_all(void **state)
{
	(void)state;
	struct ruru_session s;
	make_session(&s, 50, 3);
	struct ruru_buf b = RURU_BUF_INIT;
	assert_int_equal(ruru_digest_entries(&b, &s, (size_t)-1), 0);
	assert_non_null(strstr(b.ptr, "## Last entries (all 50)"));
	ruru_buf_release(&b);
	free_session(&s);
}

static void open_items_close_with_results(void **state)
{
	(void)state;
	struct {
		enum ruru_event type;
		const char *mode, *task, *outcome, *source, *msg;
	} log[] = {
		{ RURU_EV_DELEGATION, "dev-a", "TASK-1", NULL, NULL, "closed by task" },
		{ RURU_EV_DELEGATION, "dev-b", NULL, NULL, NULL, "closed by mode" },
		{ RURU_EV_DELEGATION, "dev-c", "TASK-3", NULL, NULL, "open: result for another task" },
		{ RURU_EV_ERROR, NULL, NULL, NULL, "dev-a", "closed by a success from dev-a" },
		{ RURU_EV_ERROR, NULL, NULL, NULL, "dev-x", "open: no success from dev-x" },
		{ RURU_EV_RESULT, "dev-a", "TASK-1", "success", NULL, "ok" },
		{ RURU_EV_RESULT, "dev-b", NULL, "failure", NULL, "no" },
		{ RURU_EV_RESULT, "dev-c", "TASK-9", "success", NULL, "other" },
		{ RURU_EV_ERROR, NULL, NULL, NULL, NULL, "open: nothing after it" },
	};
	size_t n = sizeof(log) / sizeof(log[0]);
	struct ruru_session s;
	memset(&s, 0, sizeof(s));
	struct ruru_entry *e = calloc(n, sizeof(*e));
	assert_non_null(e);
	for (size_t i = 0; i < n; i++) {
		e[i].type = log[i].type;
		e[i].mode = (char *)log[i].mode;
		e[i].task = (char *)log[i].task;
		e[i].outcome = (char *)log[i].outcome;
		e[i].source = (char *)log[i].source;
		e[i].message = (char *)log[i].msg;
		e[i].message_len = strlen(log[i].msg);
		e[i].line = i + 1;
	}
	s.entries = e;
	s.nentries = n;
	struct ruru_open *o = ruru_open_new();
	for (size_t k = 0; k < n; k++)
		ruru_open_feed(o, &e[k]);
	struct ruru_open_items *open = ruru_open_finish(o, NULL, "S", NULL, NULL);
	assert_int_equal(open->n, 3);
	for (size_t i = 0; i < open->n; i++)
		assert_non_null(strstr(open->v[i].text, "open:"));
	ruru_open_items_free(open);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entries_fit_their_budget),
		cmocka_unit_test(no_bound_shows_all),
		cmocka_unit_test(open_items_close_with_results),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
