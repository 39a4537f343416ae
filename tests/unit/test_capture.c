/* test_capture.c — one event, one entry, as a property of
 * ruru_entry_same_event() over made-up events: an entry captured from a
 * hook and the model's own entry of the same event (same type, within a
 * minute, no field that differs) are the same event whichever was written
 * first; a minute and more apart, another mode, task or outcome, or two
 * different captures are not; and of the transcript readers: the same
 * bytes read twice give the same events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ruru.h"
#include "entry.h"
#include "logtx.h"

static unsigned next(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* Render `in` stamped `when` as ruru writes it and read it back. */
static void written(const struct ruru_log_input *in, time_t when, struct ruru_entry *out)
{
	struct ruru_buf b = RURU_BUF_INIT;
	entry_render_input(&b, in, when, "\n");
	struct ruru_entry *ents = NULL;
	size_t n = ruru_entries_parse(b.ptr, b.len, 0, &ents);
	assert_int_equal(n, 1);
	*out = ents[0];
	free(ents);
	ruru_buf_release(&b);
}

static const enum ruru_event types[] = { RURU_EV_PROMPT, RURU_EV_DELEGATION, RURU_EV_RESULT,
					 RURU_EV_NOTE };

static void same_event_either_order(void **state)
{
	(void)state;
	unsigned seed = 7;
	for (int round = 0; round < 2000; round++) {
		enum ruru_event type = types[next(&seed) % 4];
		char mode[32], msg[64], other[64];
		snprintf(mode, sizeof(mode), "mode-%u", next(&seed) % 5);
		snprintf(msg, sizeof(msg), "Context compaction (auto) %u", next(&seed) % 3);
		struct ruru_log_input cap = { .type = type, .message = msg, .message_len = strlen(msg) };
		cap.field[RURU_FIELD_SOURCE] = "claude hook";
		if (type == RURU_EV_DELEGATION || type == RURU_EV_RESULT)
			cap.field[RURU_FIELD_MODE] = mode;
		if (type == RURU_EV_RESULT)
			cap.field[RURU_FIELD_OUTCOME] = next(&seed) % 2 ? "success" : "failure";
		/* The model's entry: the same event, maybe with fewer fields, a
		 * message of its own (a note says the same words). */
		struct ruru_log_input model = cap;
		model.field[RURU_FIELD_SOURCE] = next(&seed) % 2 ? NULL : "coordinator";
		if (next(&seed) % 2)
			model.field[RURU_FIELD_OUTCOME] = NULL;
		snprintf(other, sizeof(other), "%s", type == RURU_EV_NOTE ? msg : "in the model's words");
		model.message = other;
		model.message_len = strlen(other);
		time_t t0 = 1764000000 + (time_t)(next(&seed) % 100000);
		time_t dt = (time_t)(next(&seed) % 61);
		struct ruru_entry e;
		/* captured first, the model within the minute */
		written(&cap, t0, &e);
		assert_true(ruru_entry_same_event(&e, &model, t0 + dt));
		ruru_entry_release(&e);
		/* the model first, the hook within the minute */
		written(&model, t0, &e);
		assert_true(ruru_entry_same_event(&e, &cap, t0 + dt));
		/* more than a minute apart: two events */
		assert_false(ruru_entry_same_event(&e, &cap, t0 + 61 + dt));
		ruru_entry_release(&e);
		/* a mode or an outcome that differs: two events */
		if (cap.field[RURU_FIELD_MODE]) {
			struct ruru_log_input x = model;
			x.field[RURU_FIELD_MODE] = "someone-else";
			written(&x, t0, &e);
			assert_false(ruru_entry_same_event(&e, &cap, t0 + dt));
			ruru_entry_release(&e);
		}
		/* the model's entry adds a task the capture lacks: both stay */
		if (type == RURU_EV_DELEGATION) {
			struct ruru_log_input x = model;
			x.field[RURU_FIELD_TASK] = "TASK-DEV-20261124-031520";
			written(&cap, t0, &e);
			assert_false(ruru_entry_same_event(&e, &x, t0 + dt));
			ruru_entry_release(&e);
		}
		/* two captures: one event only when they are the same entry */
		written(&cap, t0, &e);
		assert_true(ruru_entry_same_event(&e, &cap, t0 + dt));
		struct ruru_log_input y = cap;
		y.message = "another prompt";
		y.message_len = strlen(y.message);
		assert_false(ruru_entry_same_event(&e, &y, t0 + dt));
		ruru_entry_release(&e);
		/* two entries of the model are never merged */
		written(&model, t0, &e);
		assert_false(ruru_entry_same_event(&e, &model, t0));
		ruru_entry_release(&e);
	}
}

static void readers_are_deterministic(void **state)
{
	(void)state;
	static const char claude[] =
		"{\"type\":\"user\",\"timestamp\":\"2026-03-14T09:26:53Z\",\"message\":{\"role\":\"user\","
		"\"content\":\"fix it\"}}\n"
		"{\"type\":\"assistant\",\"timestamp\":\"2026-03-14T09:27:00Z\",\"message\":{\"content\":"
		"[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Task\",\"input\":{\"subagent_type\":"
		"\"dev\",\"prompt\":\"p\"}}]}}\n"
		"not json\n"
		"{\"type\":\"user\",\"timestamp\":\"2026-03-14T09:28:00Z\",\"message\":{\"content\":"
		"[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"ok\"}]}}\n";
	struct ruru_transcript a, b;
	struct ruru_error err = { 0 };
	assert_int_equal(ruru_transcript_read("claude", claude, sizeof(claude) - 1, &a, &err), 0);
	assert_int_equal(ruru_transcript_read("claude", claude, sizeof(claude) - 1, &b, &err), 0);
	assert_int_equal(a.nitems, 3);
	assert_int_equal(a.nitems, b.nitems);
	for (size_t i = 0; i < a.nitems; i++) {
		assert_int_equal(a.items[i].type, b.items[i].type);
		assert_string_equal(a.items[i].text, b.items[i].text);
		assert_int_equal(a.items[i].when, b.items[i].when);
	}
	assert_int_equal(a.items[2].type, RURU_EV_RESULT);
	assert_string_equal(a.items[2].mode, "dev");
	assert_int_equal(a.nproblems, 1);
	assert_int_equal(a.problems[0].line, 3);
	assert_int_equal(a.markdown.len, b.markdown.len);
	assert_memory_equal(a.markdown.ptr, b.markdown.ptr, a.markdown.len);
	ruru_transcript_release(&a);
	ruru_transcript_release(&b);
	assert_int_equal(ruru_transcript_read("cursor", claude, 3, &a, &err), -1);
	assert_int_equal(err.code, RURU_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_event_either_order),
		cmocka_unit_test(readers_are_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
