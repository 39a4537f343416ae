/*
 * transcript_fuzz.h — the body of the fuzz targets of the transcript
 * readers (fuzz_transcript_claude.c, _codex.c, _gemini.c each define
 * FUZZ_HOST and include this): the input is a saved transcript of that
 * host, and also, whole, one hook call's JSON.  Invariants:
 *  - reading never fails on content, and every line that is not a record
 *    is reported with a line number inside the input;
 *  - records and problems together are at most the input's lines (one
 *    JSON document of Gemini CLI's counts its messages);
 *  - every event is of a type capture logs, with its text's length right,
 *    a mode that keeps the entry-field rule and an outcome of the
 *    vocabulary; its text, redacted and made visible as capture does,
 *    keeps the text rule;
 *  - the Markdown starts with its heading; redacting it leaves no
 *    "[REDACTED:" fewer than it replaced.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "entry.h"
#include "ruru.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_item(const struct ruru_capture_item *it)
{
	if (it->type != RURU_EV_PROMPT && it->type != RURU_EV_DELEGATION &&
	    it->type != RURU_EV_RESULT && it->type != RURU_EV_NOTE && it->type != RURU_EV_SESSION)
		abort();
	if (!it->what || !it->text || strlen(it->text) > it->len)
		abort();
	if (it->mode && !ruru_entry_field_ok(it->mode))
		abort();
	if (it->outcome && ruru_outcome_parse(it->outcome) == RURU_OUTCOME_UNKNOWN)
		abort();
	struct ruru_buf red = RURU_BUF_INIT, text = RURU_BUF_INIT;
	ruru_redact(&red, it->text, it->len);
	ruru_text_escape_keep(&text, red.ptr, red.len, "\t\n");
	struct ruru_error err = { 0 };
	if (ruru_text_check("message", text.ptr, text.len, 0, &err) < 0)
		abort();
	ruru_buf_release(&red);
	ruru_buf_release(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t lines = 0;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	lines += size && text[size - 1] != '\n';
	struct ruru_transcript t;
	struct ruru_error err = { 0 };
	if (ruru_transcript_read(FUZZ_HOST, text, size, &t, &err) < 0)
		abort();
	for (size_t i = 0; i < t.nproblems; i++) {
		const struct ruru_transcript_problem *p = &t.problems[i];
		if (p->line < 1 || p->line > lines || !p->message)
			abort();
	}
	if (strcmp(FUZZ_HOST, "gemini") && t.records + t.nproblems > lines)
		abort();
	for (size_t k = 0; k < t.nitems; k++)
		check_item(&t.items[k]);
	if (t.markdown.len < 2 || memcmp(t.markdown.ptr, "# ", 2))
		abort();
	struct ruru_buf red = RURU_BUF_INIT;
	ruru_redact(&red, t.markdown.ptr, t.markdown.len);
	ruru_buf_release(&red);
	ruru_transcript_release(&t);

	/* The same bytes as one hook call. */
	struct ruru_capture_item *items = NULL;
	size_t n = 0;
	ruru_error_clear(&err);
	if (ruru_capture_parse(FUZZ_HOST, text, size, NULL, &items, &n, &err) < 0) {
		if (err.code != RURU_EINVALID || n || items)
			abort();
	}
	for (size_t k = 0; k < n; k++)
		check_item(&items[k]);
	ruru_capture_items_free(items, n);
	return 0;
}
