/* test_entry.c — log entries: event and status names, timestamps, ruru's
 * entry format (render/parse round trips, also random), lenient reading of
 * the forms found in real logs, the append point and the Goal section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "ruru.h"
#include "entry.h"

#define HEAD "+++\nid = \"S\"\n+++\n\n# Session Log\n\n## Log Entries\n\n"

/* Parse a body that starts after HEAD-like front matter. */
static size_t parse(const char *text, struct ruru_entry **v)
{
	struct ruru_frontmatter fm;
	size_t body = ruru_frontmatter_split(text, strlen(text), &fm) ? fm.body : 0;
	size_t n = ruru_entries_parse(text, strlen(text), body, v);
	assert_int_equal(ruru_entries_count(text, strlen(text), body), n);
	return n;
}

static void free_entries(struct ruru_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ruru_entry_release(&v[i]);
	free(v);
}

/* ------------------------------------------------------------ names */

static void event_names(void **state)
{
	(void)state;
	for (int i = 0; i < RURU_EV_COUNT; i++) {
		const char *n = ruru_event_name((enum ruru_event)i);
		assert_non_null(n);
		assert_int_equal(ruru_event_parse(n), i);
	}
	assert_string_equal(ruru_event_name(RURU_EV_CONFIRM_REQUEST), "confirm-request");
	assert_string_equal(ruru_event_name(RURU_EV_NOTE), "note");
	assert_null(ruru_event_name(RURU_EV_UNKNOWN));
	assert_null(ruru_event_name(RURU_EV_COUNT));
	assert_int_equal(ruru_event_parse("Session"), RURU_EV_UNKNOWN);
	assert_int_equal(ruru_event_parse(""), RURU_EV_UNKNOWN);
	assert_int_equal(ruru_event_parse(NULL), RURU_EV_UNKNOWN);
}

static void status_names(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		enum ruru_status st;
	} cases[] = {
		{ "🟢 Active", RURU_STATUS_ACTIVE },     { "⏸️ Paused", RURU_STATUS_PAUSED },
		{ "🟡 Paused", RURU_STATUS_PAUSED },     { "🏁 Completed", RURU_STATUS_COMPLETED },
		{ "⚪ Completed", RURU_STATUS_COMPLETED }, { "🔴 Error", RURU_STATUS_ERROR },
		{ "Active", RURU_STATUS_ACTIVE },        { "completed", RURU_STATUS_COMPLETED },
		{ "active", RURU_STATUS_ACTIVE },        { "ACTIVE", RURU_STATUS_ACTIVE },
		{ "  paused  ", RURU_STATUS_PAUSED },    { "done", RURU_STATUS_COMPLETED },
		{ "Done", RURU_STATUS_COMPLETED },       { "failed", RURU_STATUS_ERROR },
		{ "aborted", RURU_STATUS_ERROR },        { "🏁", RURU_STATUS_COMPLETED },
		{ "🟢", RURU_STATUS_ACTIVE },            { "ðŸŸ¢ Active", RURU_STATUS_ACTIVE },
		{ "🟢 Completed", RURU_STATUS_COMPLETED }, { "", RURU_STATUS_UNKNOWN },
		{ "activ", RURU_STATUS_UNKNOWN },        { "active now", RURU_STATUS_UNKNOWN },
		{ "🟣", RURU_STATUS_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (ruru_status_parse(cases[i].s, strlen(cases[i].s)) != cases[i].st)
			fail_msg("status \"%s\"", cases[i].s);
	}
	assert_int_equal(ruru_status_parse(NULL, 0), RURU_STATUS_UNKNOWN);
	/* Length is honoured: "active" out of "activex". */
	assert_int_equal(ruru_status_parse("activex", 6), RURU_STATUS_ACTIVE);
	for (int st = RURU_STATUS_ACTIVE; st <= RURU_STATUS_ERROR; st++) {
		const char *s = ruru_status_string((enum ruru_status)st);
		assert_int_equal(ruru_status_parse(s, strlen(s)), st);
		const char *w = ruru_status_word((enum ruru_status)st);
		assert_int_equal(ruru_status_parse(w, strlen(w)), st);
	}
	assert_string_equal(ruru_status_string(RURU_STATUS_PAUSED), "⏸️ Paused");
	assert_null(ruru_status_string(RURU_STATUS_UNKNOWN));
	assert_string_equal(ruru_status_word(RURU_STATUS_UNKNOWN), "unknown");
}

/* ------------------------------------------------------------- stamps */

static void stamps(void **state)
{
	(void)state;
	const time_t base = 1779592520; /* 2026-05-24T03:15:20Z */
	static const struct {
		const char *s;
		long delta; /* seconds from base */
		int zone;
	} ok[] = {
		{ "2026-05-24T03:15:20Z", 0, 1 },        { "2026-05-24 03:15:20Z", 0, 1 },
		{ "2026-05-24t03:15:20z", 0, 1 },        { "2026-05-24 03:15:20", 0, 0 },
		{ "2026-05-24 03:15", -20, 0 },          { "2026-05-24 03:15Z", -20, 1 },
		{ "2026-05-24T03:15:20.469Z", 0, 1 },    { "2026-05-24T13:15:20+10:00", 0, 1 },
		{ "2026-05-24T13:15:20+1000", 0, 1 },    { "2026-05-23T22:15:20-05:00", 0, 1 },
		{ "2026-05-24 03:15:20 UTC", 0, 1 },     { "2026-05-24 13:15:20 AEST", 0, 1 },
		{ "2026-05-24 05:15:20 CEST", 0, 1 },    { "  2026-05-24 03:15:20Z \n", 0, 1 },
		{ "260524031520", 0, 0 },                { "20260524031520", 0, 0 },
		{ "20260524-031520", 0, 0 },             { "2605240315", -20, 0 },
		{ "202605240315", -20, 0 },              { "2026-05-24 03:15:20+00", 0, 1 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		time_t t = 0;
		bool z = false;
		if (!ruru_time_parse(ok[i].s, strlen(ok[i].s), &t, &z))
			fail_msg("stamp \"%s\" not parsed", ok[i].s);
		if (t != base + ok[i].delta || z != (ok[i].zone != 0))
			fail_msg("stamp \"%s\": %lld zone %d", ok[i].s, (long long)(t - base), z);
	}
	static const char *const bad[] = {
		"", "2026-05-24", "2026-13-24 03:15:20", "2026-02-30 03:15:20", "2026-05-24 24:00:00",
		"2026-05-24 03:61", "YYYY-MM-DD HH:MM:SS", "{{timestamp}}", "2026-05-24 03:15:20 XYZ",
		"2026-05-24 03:15:20Z trailing", "26052403152", "2026/05/24 03:15:20",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ruru_time_parse(bad[i], strlen(bad[i]), NULL, NULL))
			fail_msg("stamp \"%s\" accepted", bad[i]);
	assert_true(ruru_time_parse("2024-02-29 00:00:00", 19, NULL, NULL));
	assert_false(ruru_time_parse("2025-02-29 00:00:00", 19, NULL, NULL));
	char out[32];
	ruru_time_format_entry(base, out);
	assert_string_equal(out, "2026-05-24 03:15:20Z");
	ruru_time_format_rfc3339(base, out);
	assert_string_equal(out, "2026-05-24T03:15:20Z");
	ruru_time_format_entry(0, out);
	assert_string_equal(out, "1970-01-01 00:00:00Z");
}

/* ------------------------------------------------------ ruru's format */

static void render_exact(void **state)
{
	(void)state;
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_entry e;
	memset(&e, 0, sizeof(e));
	e.when = 1795490120; /* 2026-11-24 03:15:20Z */
	e.type = RURU_EV_DELEGATION;
	e.mode = (char *)"dev-python";
	e.task = (char *)"TASK-X";
	e.message = (char *)"implement login";
	e.message_len = strlen(e.message);
	ruru_entry_render(&b, &e, "\n");
	assert_string_equal(b.ptr, "- [2026-11-24 03:15:20Z] **delegation** \xC2\xB7 mode `dev-python` "
				   "\xC2\xB7 task `TASK-X`: implement login\n");
	ruru_buf_reset(&b);
	e.mode = e.task = NULL;
	e.message = (char *)"a\n\nb\n";
	e.message_len = 5;
	ruru_entry_render(&b, &e, "\r\n");
	assert_string_equal(b.ptr, "- [2026-11-24 03:15:20Z] **delegation**: a\r\n  \r\n  b\r\n  \r\n");
	ruru_buf_reset(&b);
	e.message_len = 0;
	e.stamp = (char *)"2026-11-24 04:15:20+01:00";
	e.type = RURU_EV_UNKNOWN;
	e.type_name = (char *)"future-type";
	ruru_entry_render(&b, &e, NULL);
	assert_string_equal(b.ptr, "- [2026-11-24 04:15:20+01:00] **future-type**\n");
	ruru_buf_reset(&b);
	e.type_name = NULL;
	e.source = (char *)"a · b: c";
	ruru_entry_render(&b, &e, NULL);
	assert_string_equal(b.ptr, "- [2026-11-24 04:15:20+01:00] **note** \xC2\xB7 source `a · b: c`\n");
	ruru_buf_release(&b);

	assert_true(ruru_entry_field_ok("dev-python"));
	assert_true(ruru_entry_field_ok("a · b: c"));
	assert_false(ruru_entry_field_ok("a`b"));
	assert_false(ruru_entry_field_ok("a\nb"));
	assert_false(ruru_entry_field_ok("a\rb"));
	assert_false(ruru_entry_field_ok(""));
	assert_false(ruru_entry_field_ok(NULL));
}

static const char *const field_values[] = { "dev-python", "TASK-X", "artifacts/a b.md", "ADR-1", "ok", "x · y: z" };

static void set_field(struct ruru_entry *e, int i, char *v)
{
	switch (i) {
	case 0: e->mode = v; break;
	case 1: e->task = v; break;
	case 2: e->artifact = v; break;
	case 3: e->adr = v; break;
	case 4: e->outcome = v; break;
	default: e->source = v; break;
	}
}

static const char *get_field(const struct ruru_entry *e, int i)
{
	const char *const f[] = { e->mode, e->task, e->artifact, e->adr, e->outcome, e->source };
	return f[i];
}

/*
 * Render `n` entries (messages msgs[i] with lengths lens[i], field masks
 * masks[i]) into a log with line ending `eol`, parse it back, and check
 * every entry is strict, equal, and re-renders to exactly its span.
 */
static void check_round_trip(const char *const *msgs, const size_t *lens, const unsigned *masks, size_t n,
			     const char *eol, bool final_newline)
{
	struct ruru_buf log = RURU_BUF_INIT;
	ruru_buf_addstr(&log, "+++");
	ruru_buf_addstr(&log, eol);
	ruru_buf_addstr(&log, "id = \"S\"");
	ruru_buf_addstr(&log, eol);
	ruru_buf_addstr(&log, "+++");
	ruru_buf_addstr(&log, eol);
	ruru_buf_addstr(&log, eol);
	ruru_buf_addstr(&log, "## Log Entries");
	ruru_buf_addstr(&log, eol);
	ruru_buf_addstr(&log, eol);
	size_t body = 0;
	struct ruru_frontmatter fm;
	for (size_t i = 0; i < n; i++) {
		struct ruru_entry e;
		memset(&e, 0, sizeof(e));
		e.when = 1795490120 + (time_t)i;
		e.type = (enum ruru_event)(i % RURU_EV_COUNT);
		e.message = (char *)msgs[i];
		e.message_len = lens[i];
		for (int f = 0; f < 6; f++)
			if (masks[i] & (1u << f))
				set_field(&e, f, (char *)field_values[f]);
		ruru_entry_render(&log, &e, eol);
	}
	if (!final_newline) /* a log whose last line lost its line ending */
		log.len -= strlen(eol);
	assert_true(ruru_frontmatter_split(log.ptr, log.len, &fm));
	body = fm.body;
	struct ruru_entry *v;
	size_t got = ruru_entries_parse(log.ptr, log.len, body, &v);
	if (got != n)
		fail_msg("%zu entries read back, %zu written; log:\n%s", got, n, log.ptr);
	assert_int_equal(ruru_entries_count(log.ptr, log.len, body), n);
	struct ruru_buf again = RURU_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].strict)
			fail_msg("entry %zu not strict; log:\n%s", i, log.ptr);
		if (v[i].message_len != lens[i])
			fail_msg("entry %zu: message length %zu, want %zu; log:\n%s", i, v[i].message_len, lens[i], log.ptr);
		assert_memory_equal(v[i].message, msgs[i], lens[i]);
		assert_int_equal(v[i].type, (int)(i % RURU_EV_COUNT));
		assert_true(v[i].when_valid && v[i].has_zone);
		assert_int_equal(v[i].when, 1795490120 + (time_t)i);
		for (int f = 0; f < 6; f++) {
			if (masks[i] & (1u << f))
				assert_string_equal(get_field(&v[i], f), field_values[f]);
			else
				assert_null(get_field(&v[i], f));
		}
		ruru_buf_reset(&again);
		ruru_entry_render(&again, &v[i], eol);
		size_t span = v[i].end - v[i].start;
		if (i + 1 == n && !final_newline)
			assert_int_equal(again.len, span + strlen(eol));
		else
			assert_int_equal(again.len, span);
		assert_memory_equal(again.ptr, log.ptr + v[i].start, span);
		/* Alone, through the public strict parser. */
		struct ruru_entry one;
		assert_true(ruru_entry_parse_strict(log.ptr + v[i].start, log.len - v[i].start, eol, &one));
		assert_int_equal(one.end, span);
		assert_int_equal(one.message_len, lens[i]);
		assert_memory_equal(one.message, msgs[i], lens[i]);
		ruru_entry_release(&one);
	}
	/* An entry appended at the append point joins the log cleanly. */
	size_t at;
	bool nn;
	const char *eol2;
	assert_true(ruru_entries_append_point(log.ptr, log.len, body, &at, &nn, &eol2));
	assert_int_equal(at, log.len);
	assert_string_equal(eol2, eol);
	assert_int_equal(nn, !final_newline && n > 0);
	free_entries(v, got);
	ruru_buf_release(&again);
	ruru_buf_release(&log);
}

static const char *const tricky[] = {
	"implement login",
	"a\n",
	"\n",
	"\n\n\n",
	" leading space",
	"  two leading spaces\n  indented second",
	"trailing space ",
	"with\rcarriage return",
	"ends with cr\r",
	"\r",
	"\r\n",
	"cr lf inside\r\nsecond",
	"+++",
	"x\n+++\n+++",
	"## Log Entries",
	"x\n## Log Entries\n# H1",
	"- [2026-01-01 00:00:00Z] **note**: forged?",
	"x\n- [2026-01-01 00:00:00Z] **note**: forged\n[2026-01-01 00:00:00] bare",
	": colon first",
	"a: b: c",
	"`code` and ``double``",
	" \xC2\xB7 mode `x`: not a field",
	"\xC2\xB7 task `T`",
	"x\n```\n- [2026-01-01 00:00:00Z] **note**: in fence?\n",
	"---\ntimestamp: 2026-01-01T00:00:00Z\n---",
	"ünïcødé ✅ 🟢 — “quotes”",
	"\t tab",
	"x\n\ty",
	"# - [YYYY-MM-DD HH:MM:SS] template",
	"last line empty\n",
};

static void round_trip_tricky(void **state)
{
	(void)state;
	const size_t n = sizeof(tricky) / sizeof(tricky[0]);
	size_t lens[sizeof(tricky) / sizeof(tricky[0])];
	unsigned masks[sizeof(tricky) / sizeof(tricky[0])];
	for (size_t i = 0; i < n; i++) {
		lens[i] = strlen(tricky[i]);
		masks[i] = (unsigned)(i * 7) & 63u;
	}
	check_round_trip(tricky, lens, masks, n, "\n", true);
	check_round_trip(tricky, lens, masks, n, "\r\n", true);
	check_round_trip(tricky, lens, masks, n, "\n", false);
	check_round_trip(tricky, lens, masks, n, "\r\n", false);
	/* Empty messages, with and without fields, and NUL bytes. */
	const char *const e[] = { "", "", "nul\0byte", "" };
	size_t el[] = { 0, 0, 8, 0 };
	unsigned em[] = { 0, 63, 1, 2 };
	check_round_trip(e, el, em, 4, "\n", true);
	check_round_trip(e, el, em, 4, "\r\n", false);
}

/* xorshift64*: a fixed seed makes every run test the same messages. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static void round_trip_random(void **state)
{
	(void)state;
	static const char *const frags[] = {
		"\n", "\n", "+++", "## ", "# ", "- [2026-01-01 00:00:00Z] **note**", ": ", "`", " \xC2\xB7 ",
		"\r", "\r\n", " ", "  ", "x", "hello", "ü", "🟢", "", "\n\n", "```", "---", "[2025-05-18 12:22:06] ",
		"**2025-05-29 10:27**", "- ", "*   ", "mode `m`", "\t", "###", "timestamp: 2025-01-01T00:00:00Z",
	};
	const size_t nf = sizeof(frags) / sizeof(frags[0]);
	enum { ROUNDS = 3000, MAXE = 4 };
	char *msgs[MAXE];
	size_t lens[MAXE];
	unsigned masks[MAXE];
	for (int r = 0; r < ROUNDS; r++) {
		size_t n = 1 + rnd() % MAXE;
		for (size_t i = 0; i < n; i++) {
			struct ruru_buf m = RURU_BUF_INIT;
			size_t k = rnd() % 12;
			for (size_t j = 0; j < k; j++)
				ruru_buf_addstr(&m, frags[rnd() % nf]);
			msgs[i] = ruru_buf_detach(&m, &lens[i]);
			masks[i] = rnd() & 63u;
		}
		check_round_trip((const char *const *)msgs, lens, masks, n, rnd() & 1 ? "\n" : "\r\n", rnd() % 4 != 0);
		for (size_t i = 0; i < n; i++)
			free(msgs[i]);
	}
}

static void strict_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"- [2026-11-24 03:15:20] **note**: no zone\n",
		"- [2026-11-24T03:15:20Z] **note**: T separator\n",
		"- [2026-11-24 03:15Z] **note**: no seconds\n",
		"- [2026-11-24 03:15:20Z] **Note**: capital type\n",
		"- [2026-11-24 03:15:20Z] **note**:\n",
		"- [2026-11-24 03:15:20Z] **note**: \n",
		"- [2026-11-24 03:15:20Z] **note** text without colon\n",
		"- [2026-11-24 03:15:20Z] **note** \xC2\xB7 task `T` \xC2\xB7 mode `m`: out of order\n",
		"- [2026-11-24 03:15:20Z] **note** \xC2\xB7 color `red`: unknown key\n",
		"- [2026-11-24 03:15:20Z] **note** \xC2\xB7 mode `m`x: junk after field\n",
		"- [2026-11-24 03:15:20Z] **note** \xC2\xB7 mode `m\n",
		"- [2026-11-24 03:15:20Z] **note**\n  continuation without message\n",
		"* [2026-11-24 03:15:20Z] **note**: star marker\n",
		"-  [2026-11-24 03:15:20Z] **note**: two spaces\n",
		"- [2026-11-24 03:15:20Z] note: no bold\n",
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ruru_entry e;
		if (ruru_entry_parse_strict(bad[i], strlen(bad[i]), "\n", &e)) {
			ruru_entry_release(&e);
			fail_msg("accepted as strict: %s", bad[i]);
		}
	}
	/* CRLF mode wants CRLF on every line; LF mode keeps a CR in the message. */
	struct ruru_entry e;
	const char *lf = "- [2026-11-24 03:15:20Z] **note**: a\r\n";
	assert_false(ruru_entry_parse_strict("- [2026-11-24 03:15:20Z] **note**: a\n", 37, "\r\n", &e));
	assert_true(ruru_entry_parse_strict(lf, strlen(lf), "\n", &e));
	assert_int_equal(e.message_len, 2);
	assert_memory_equal(e.message, "a\r", 2);
	ruru_entry_release(&e);
	assert_true(ruru_entry_parse_strict(lf, strlen(lf), "\r\n", &e));
	assert_string_equal(e.message, "a");
	ruru_entry_release(&e);
	/* Read within a log, a malformed strict-looking entry is still an entry. */
	const char *log = HEAD "- [2026-11-24 03:15:20Z] **delegation** \xC2\xB7 task `T` \xC2\xB7 mode `m`: x\n"
			       "- [2026-11-24 03:15:21Z] **note**: y\n not two spaces\n";
	struct ruru_entry *v;
	size_t n = parse(log, &v);
	assert_int_equal(n, 2);
	assert_false(v[0].strict);
	assert_int_equal(v[0].type, RURU_EV_DELEGATION);
	assert_null(v[0].mode);
	assert_false(v[1].strict);
	assert_string_equal(v[1].message, "**note**: y\n not two spaces");
	free_entries(v, n);

	/* Blank lines between ruru's entries keep them strict; text someone
	 * added at column 0 after one joins it, leniently. */
	log = HEAD "- [2026-11-24 03:15:20Z] **note**: a\n\n\n- [2026-11-24 03:15:21Z] **error** \xC2\xB7 source `s`: b\n"
		   "hand-written\n\n- [2026-11-24 03:15:22Z] **result**: c\n\n";
	n = parse(log, &v);
	assert_int_equal(n, 3);
	assert_true(v[0].strict);
	assert_int_equal(v[0].end - v[0].start, strlen("- [2026-11-24 03:15:20Z] **note**: a\n"));
	assert_false(v[1].strict);
	assert_int_equal(v[1].type, RURU_EV_ERROR);
	assert_true(v[2].strict);
	assert_string_equal(v[2].message, "c");
	assert_int_equal(v[2].end, strlen(log) - 1);
	free_entries(v, n);
}

/* ------------------------------------------------------- lenient forms */

struct want {
	const char *stamp;
	const char *message;
	int zone;           /* -1: don't care */
	enum ruru_event type;
};

static void check_log(const char *text, const struct want *w, size_t nw)
{
	struct ruru_entry *v;
	size_t n = parse(text, &v);
	if (n != nw) {
		for (size_t i = 0; i < n; i++)
			print_message("  got [%s] %s\n", v[i].stamp, v[i].message);
		fail_msg("%zu entries, want %zu", n, nw);
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].stamp, w[i].stamp) != 0)
			fail_msg("entry %zu stamp \"%s\", want \"%s\"", i, v[i].stamp, w[i].stamp);
		if (w[i].message && strcmp(v[i].message, w[i].message) != 0)
			fail_msg("entry %zu message \"%s\", want \"%s\"", i, v[i].message, w[i].message);
		assert_int_equal(strlen(v[i].message), v[i].message_len);
		assert_true(v[i].when_valid);
		if (w[i].zone >= 0 && v[i].has_zone != (w[i].zone != 0))
			fail_msg("entry %zu has_zone %d", i, v[i].has_zone);
		if ((int)w[i].type != -2 && v[i].type != w[i].type)
			fail_msg("entry %zu type %d, want %d", i, v[i].type, w[i].type);
		assert_true(v[i].start < v[i].end && v[i].end <= strlen(text));
		if (i)
			assert_true(v[i - 1].end <= v[i].start);
	}
	free_entries(v, n);
}

#define ANY ((enum ruru_event)-2)

static void lenient_forms(void **state)
{
	(void)state;
	const char *log = HEAD
		"- [2025-05-05 23:17:00] Initiated session with goal: X\n"
		"- [2025-05-18 12:15] Session created to investigate\n"
		"*   `[2025-05-03T00:25:52+10:00]` Session initiated. Created dirs.\n"
		"- **[2025-05-29 10:05:00]** `util-senior-dev`: Completed\n"
		"    - Created a.py\n"
		"    - Created b.py\n"
		"**[2025-06-09 11:50:30]** Started analysis. Key findings:\n"
		"\n"
		"1. **flow**: x\n"
		"\n"
		"Next: y\n"
		"- **2025-05-28T16:07:00** - `core-architect` completed\n"
		"- **2025-05-29 10:27**: done it\n"
		"*   **2025-05-13T05:55:10Z Prime Coordinator:** Session initiated for QA.\n"
		"- 2025-05-29T15:27:00 - dev-python: Completed\n"
		"2025-09-03T17:41:38Z - Delegated verification task\n"
		"\n"
		"[2025-05-18 12:22:06] Created comprehensive analysis\n"
		"[250509175351] [Roo Commander] INFO: Processed\n"
		"- [ ] **2025-05-13 11:11** Started context synthesis\n"
		"- 2025-05-13 12:57:13: `roo-commander` - Successfully used\n"
		"- 2025-06-02 14:59Z - MDTM Task done\n"
		"*   **[2025-06-05 03:35:00 AEST]** `code-reviewer`: Starting QA\n"
		"-   `[2025-06-02T09:55:28+02:00]` `dev-python`: three-space marker\n"
		"- [2025-09-03T17:30:46.438Z] Delegated MDTM task\n"
		"- `[2025-05-09 19:51:53 UTC]` **TS (`util-typescript`)**: Completed\n"
		"- [2025-05-05 23:20:46] Received result from prime-txt: Success\n"
		"- [2025-05-05 23:20:46] Received result from prime-txt: Success\n"
		"- [2025-05-05 11:36:19] User denied delegation to prime-txt\n";
	const struct want w[] = {
		{ "2025-05-05 23:17:00", "Initiated session with goal: X", 0, RURU_EV_SESSION },
		{ "2025-05-18 12:15", "Session created to investigate", 0, RURU_EV_SESSION },
		{ "2025-05-03T00:25:52+10:00", "Session initiated. Created dirs.", 1, RURU_EV_SESSION },
		{ "2025-05-29 10:05:00", "`util-senior-dev`: Completed\n    - Created a.py\n    - Created b.py", 0, ANY },
		{ "2025-06-09 11:50:30", "Started analysis. Key findings:\n\n1. **flow**: x\n\nNext: y", 0, ANY },
		{ "2025-05-28T16:07:00", "`core-architect` completed", 0, ANY },
		{ "2025-05-29 10:27", "done it", 0, ANY },
		{ "2025-05-13T05:55:10Z", "Prime Coordinator: Session initiated for QA.", 1, RURU_EV_SESSION },
		{ "2025-05-29T15:27:00", "dev-python: Completed", 0, ANY },
		{ "2025-09-03T17:41:38Z", "Delegated verification task", 1, RURU_EV_DELEGATION },
		{ "2025-05-18 12:22:06", "Created comprehensive analysis", 0, ANY },
		{ "250509175351", "[Roo Commander] INFO: Processed", 0, RURU_EV_UNKNOWN },
		{ "2025-05-13 11:11", "Started context synthesis", 0, ANY },
		{ "2025-05-13 12:57:13", "`roo-commander` - Successfully used", 0, ANY },
		{ "2025-06-02 14:59Z", "MDTM Task done", 1, ANY },
		{ "2025-06-05 03:35:00 AEST", "`code-reviewer`: Starting QA", 1, ANY },
		{ "2025-06-02T09:55:28+02:00", "`dev-python`: three-space marker", 1, ANY },
		{ "2025-09-03T17:30:46.438Z", "Delegated MDTM task", 1, RURU_EV_DELEGATION },
		{ "2025-05-09 19:51:53 UTC", "**TS (`util-typescript`)**: Completed", 1, ANY },
		{ "2025-05-05 23:20:46", "Received result from prime-txt: Success", 0, RURU_EV_RESULT },
		{ "2025-05-05 23:20:46", "Received result from prime-txt: Success", 0, RURU_EV_RESULT },
		{ "2025-05-05 11:36:19", "User denied delegation to prime-txt", 0, RURU_EV_CONFIRM_RESPONSE },
	};
	check_log(log, w, sizeof(w) / sizeof(w[0]));

	/* The instants are right, zones included. */
	struct ruru_entry *v;
	size_t n = parse(log, &v);
	assert_int_equal(v[2].when, 1746195952);  /* 2025-05-02T14:25:52Z */
	assert_int_equal(v[15].when, 1749058500); /* 2025-06-04T17:35:00Z */
	assert_int_equal(v[11].when, 1746813231); /* 2025-05-09T17:53:51Z */
	assert_int_equal(v[3].line, 12);
	free_entries(v, n);
}

static void lenient_structure(void **state)
{
	(void)state;
	/* Placeholders and commented template lines are not entries; a fenced
	 * block belongs to the entry above and hides what looks like entries
	 * and headings; "## <ts>" headings are entries and keep the section. */
	const char *log = HEAD
		"- [2025-06-05 09:58:10] Session initiated\n"
		"- [YYYY-MM-DD HH:MM:SS] Created artifact: `[path]`\n"
		"- [\\{{timestamp}}] Delegated creation\n"
		"# - [YYYY-MM-DD HH:MM:SS] Session status changed\n"
		"- [2025-06-05 09:58:25] Delegated task\n"
		"## 2025-06-11 18:17:00 - Commander Roo\n"
		"\n"
		"**Analysis**\n"
		"\n"
		"```\n"
		"- [2025-01-01 00:00:00] **note**: inside a fence\n"
		"## Log Entries\n"
		"## Other\n"
		"```\n"
		"### Sub-heading of the heading entry\n"
		"text\n"
		"### [2025-06-11 18:31:00] third-level entry\n"
		"[2025-06-11 21:29:53] Roo Commander: bare\n"
		"---\n"
		"timestamp: 2025-06-09T17:09:29Z\n"
		"actor: roo-commander\n"
		"details: |\n"
		"  Received completion\n"
		"---\n"
		"---\n"
		"**Timestamp:** 2025-05-09 19:58:54 UTC\n"
		"**Mode:** util-typescript\n"
		"---\n"
		"- 2025-05-09 was a good day, no time: text of the block? no, after a rule\n"
		"---\n"
		"**Status:** done\n"
		"## Goal\n"
		"- [2025-01-01 00:00:00] not in the log section\n";
	const struct want w[] = {
		{ "2025-06-05 09:58:10", "Session initiated", 0, RURU_EV_SESSION },
		{ "2025-06-05 09:58:25", "Delegated task", 0, RURU_EV_DELEGATION },
		{ "2025-06-11 18:17:00",
		  "Commander Roo\n\n**Analysis**\n\n```\n- [2025-01-01 00:00:00] **note**: inside a fence\n"
		  "## Log Entries\n## Other\n```\n### Sub-heading of the heading entry\ntext",
		  0, ANY },
		{ "2025-06-11 18:31:00", "third-level entry", 0, ANY },
		{ "2025-06-11 21:29:53", "Roo Commander: bare", 0, ANY },
		{ "2025-06-09T17:09:29Z", "actor: roo-commander\ndetails: |\n  Received completion", 1, ANY },
		{ "2025-05-09 19:58:54 UTC", "**Mode:** util-typescript", 1, ANY },
	};
	check_log(log, w, sizeof(w) / sizeof(w[0]));

	/* Two Log Entries sections; text before the first is not read. */
	const char *two = "# Session Log\n"
			  "*   `[2025-06-05 03:29:51]` misplaced entry above the sections\n"
			  "## Log Entries\n"
			  "- [2025-06-05 03:30:34] first\n"
			  "\n"
			  "*This section is for append-only logging.*\n"
			  "## Log Entries\n"
			  "- [2025-06-05 03:01:44] second\n"
			  "---\n"
			  "**Status:** Complete\n"
			  "- [2025-06-05 03:25:37] third";
	/* Template boilerplate after a blank line is not glued onto the
	 * entry above; a "---" block of "**Status:**" lines is the entry's. */
	const struct want w2[] = {
		{ "2025-06-05 03:30:34", "first", 0, ANY },
		{ "2025-06-05 03:01:44", "second\n---\n**Status:** Complete", 0, ANY },
		{ "2025-06-05 03:25:37", "third", 0, ANY },
	};
	check_log(two, w2, 3);
	/* ... and nothing is dropped: with the orphans, the misplaced entry
	 * and the boilerplate come too, marked, in file order. */
	struct ruru_entry *ov;
	size_t on = ruru_entries_parse_with(two, strlen(two), 0, RURU_ENTRIES_ORPHANS, &ov);
	assert_int_equal(on, 5);
	assert_true(ov[0].orphan && ov[0].line == 2 && ov[0].when_valid);
	assert_string_equal(ov[0].message, "misplaced entry above the sections");
	assert_false(ov[1].orphan);
	assert_true(ov[2].orphan && ov[2].line == 6 && !ov[2].stamp);
	assert_string_equal(ov[2].message, "*This section is for append-only logging.*");
	assert_false(ov[3].orphan || ov[4].orphan);
	free_entries(ov, on);
	/* Text after a rule that closes nothing is an orphan block. */
	const char *rule = "## Log Entries\n- [2025-06-05 03:30:34] first\n---\nloose text\nmore\n";
	on = ruru_entries_parse_with(rule, strlen(rule), 0, RURU_ENTRIES_ORPHANS, &ov);
	assert_int_equal(on, 2);
	assert_string_equal(ov[0].message, "first");
	assert_true(ov[1].orphan && ov[1].line == 4);
	assert_string_equal(ov[1].message, "loose text\nmore");
	free_entries(ov, on);

	/* No "## Log Entries" heading at all (pre-V5): the whole body. */
	const char *old = "+++\nid = \"x\"\n+++\n\n# Session Log: X\n\n**Goal:** g\n\n**Log Entries:**\n\n"
			  "*   `[2025-05-03T00:25:52+10:00]` Session initiated.\n"
			  "*   `[2025-05-03T00:29:04+10:00]` done";
	const struct want w3[] = {
		{ "2025-05-03T00:25:52+10:00", "Session initiated.", 1, RURU_EV_SESSION },
		{ "2025-05-03T00:29:04+10:00", "done", 1, ANY },
	};
	check_log(old, w3, 2);

	/* A heading inside a fence does not open a section. */
	const char *fenced = "```\n## Log Entries\n```\n- [2025-06-05 03:30:34] whole body\n";
	const struct want w4[] = { { "2025-06-05 03:30:34", "whole body", 0, ANY } };
	check_log(fenced, w4, 1);

	/* CRLF logs read the same; empty and entry-less logs give nothing. */
	const char *crlf = "+++\r\nid = \"x\"\r\n+++\r\n\r\n## Log Entries\r\n\r\n"
			   "- [2026-11-24 03:15:20Z] **note**: a\r\n  b\r\n"
			   "- [2025-05-05 23:17:00] Initiated session \r\n    sub\r\n";
	const struct want w5[] = {
		{ "2026-11-24 03:15:20Z", "a\nb", 1, RURU_EV_NOTE },
		{ "2025-05-05 23:17:00", "Initiated session\n    sub", 0, RURU_EV_SESSION },
	};
	check_log(crlf, w5, 2);
	struct ruru_entry *v = (struct ruru_entry *)1;
	assert_int_equal(ruru_entries_parse("", 0, 0, &v), 0);
	assert_null(v);
	assert_int_equal(ruru_entries_parse("## Log Entries\n", 15, 99, &v), 0);
	check_log("## Log Entries\n\n- no stamp\n- 2025-13-01 10:00 bad month\n- [2025-01-01] date only\n", NULL, 0);
}

/* An unclosed fence hides nothing ruru wrote: a column-0 line in ruru's
 * own entry form ends it (doc/design.md §8); anything else stays fenced. */
static void unclosed_fence_ends_at_ruru_entry(void **state)
{
	(void)state;
	const char *log = HEAD
		"- [2025-06-05 09:58:10] hand-written, then a fence never closed\n"
		"```\n"
		"- [2025-06-05 09:58:11] not an entry: fenced, not ruru's form\n"
		"## Not a heading either\n"
		"- [2026-11-24 03:15:20Z] **note**: appended by ruru\n"
		"- [2026-11-24 03:15:21+10:00] **result** · outcome `success`: and another\n"
		"- [2025-06-05 09:58:12] hand again\n"
		"~~~~\n"
		"- [2026-11-24 03:15:22Z] **note**: ends the second fence too\n";
	const struct want w[] = {
		{ "2025-06-05 09:58:10",
		  "hand-written, then a fence never closed\n```\n- [2025-06-05 09:58:11] not an entry: "
		  "fenced, not ruru's form\n## Not a heading either",
		  0, ANY },
		{ "2026-11-24 03:15:20Z", "appended by ruru", 1, RURU_EV_NOTE },
		{ "2026-11-24 03:15:21+10:00", "and another", 1, RURU_EV_RESULT },
		{ "2025-06-05 09:58:12", "hand again\n~~~~", 0, ANY },
		{ "2026-11-24 03:15:22Z", "ends the second fence too", 1, RURU_EV_NOTE },
	};
	check_log(log, w, sizeof(w) / sizeof(w[0]));
	struct ruru_frontmatter fm;
	ruru_frontmatter_split(log, strlen(log), &fm);
	size_t offs[4];
	assert_int_equal(ruru_body_unclosed_fences(log, strlen(log), fm.body, offs, 4), 2);
	assert_memory_equal(log + offs[0], "```\n", 4);
	assert_memory_equal(log + offs[1], "~~~~\n", 5);
	const char *closed = HEAD "- [2025-06-05 09:58:10] x\n```\ncode\n```\n";
	ruru_frontmatter_split(closed, strlen(closed), &fm);
	assert_int_equal(ruru_body_unclosed_fences(closed, strlen(closed), fm.body, offs, 4), 0);
}

static void many_entries_linear(void **state)
{
	(void)state;
	/* 10,000 and 100,000 entries read whole and in order.  The cost per
	 * entry is a figure for `make bench` (bench/session.sh), never an
	 * assertion here: a loaded machine must not fail a test. */
	double secs[2];
	size_t sizes[2] = { 10000, 100000 };
	for (int k = 0; k < 2; k++) {
		struct ruru_buf log = RURU_BUF_INIT;
		ruru_buf_addstr(&log, HEAD);
		for (size_t i = 0; i < sizes[k]; i++) {
			if (i % 2)
				ruru_buf_addf(&log, "- [2026-11-24 03:15:20Z] **note** \xC2\xB7 task `T-%zu`: m %zu\n  more\n", i, i);
			else
				ruru_buf_addf(&log, "- 2025-05-29T15:27:00 - lenient %zu\n  - sub\n", i);
		}
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		struct ruru_entry *v;
		size_t n = ruru_entries_parse(log.ptr, log.len, 0, &v);
		size_t at;
		bool nn;
		const char *eol;
		assert_true(ruru_entries_append_point(log.ptr, log.len, 0, &at, &nn, &eol));
		clock_gettime(CLOCK_MONOTONIC, &b);
		secs[k] = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		assert_int_equal(n, sizes[k]);
		assert_true(v[1].strict);
		char last[64];
		snprintf(last, sizeof(last), "m %zu\nmore", n - 1);
		assert_string_equal(v[n - 1].message, last);
		snprintf(last, sizeof(last), "lenient %zu\n  - sub", n - 2);
		assert_string_equal(v[n - 2].message, last);
		free_entries(v, n);
		ruru_buf_release(&log);
	}
	print_message("# parse 10k: %.3fs, 100k: %.3fs\n", secs[0], secs[1]);
}

/* --------------------------------------------------------- append point */

static void append_point(void **state)
{
	(void)state;
	size_t at;
	bool nn;
	const char *eol;
	const char *t = HEAD "- [2026-11-24 03:15:20Z] **note**: a\n";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen(t));
	assert_false(nn);
	assert_string_equal(eol, "\n");

	/* No final newline (most real logs). */
	t = HEAD "- [2025-05-05 23:17:00] Initiated session";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen(t));
	assert_true(nn);

	/* CRLF body. */
	t = "+++\r\nid = \"x\"\r\n+++\r\n\r\n## Log Entries\r\n\r\n- [2025-05-05 23:17:00] x";
	assert_true(ruru_entries_append_point(t, strlen(t), 19, &at, &nn, &eol));
	assert_string_equal(eol, "\r\n");
	assert_int_equal(at, strlen(t));
	assert_true(nn);

	/* A section after the log: insert before its blank lines and heading. */
	t = "## Log Entries\n\n- [2025-05-05 23:17:00] x\n  more\n\n\n## Notes\n\ntext\n";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen("## Log Entries\n\n- [2025-05-05 23:17:00] x\n  more\n"));
	assert_false(nn);
	t = "## Log Entries\n\n## Notes\n";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen("## Log Entries\n"));
	t = "## Log Entries\n- [2025-05-05 23:17:00] x\n# Appendix\n";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen("## Log Entries\n- [2025-05-05 23:17:00] x\n"));

	/* Two headings: the last counts; a heading in a fence is ignored;
	 * "## <ts>" entries and "### x" headings do not end the section. */
	t = "## Log Entries\n- [2025-05-05 23:17:00] x\n## Other\n## Log Entries\n- [2025-05-05 23:18:00] y\n"
	    "## 2025-06-11 18:17:00 - Commander Roo\n### Details\n```\n## Fenced\n```\ntext";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen(t));
	assert_true(nn);
	t = "## Log Entries\n- [2025-05-05 23:17:00] x\n## Other\n```\n## Log Entries\n```\n";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen("## Log Entries\n- [2025-05-05 23:17:00] x\n"));
	/* "# - [...]" template lines are not headings. */
	t = "## Log Entries\n- [2025-05-05 23:17:00] x\n# - [YYYY-MM-DD HH:MM:SS] y";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen(t));
	/* An unclosed fence runs to the end: the heading after it is fenced. */
	t = "## Log Entries\n- [2025-05-05 23:17:00] x\n```\n## Notes\n";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen(t));

	/* No section. */
	t = "# Session Log\n\n**Log Entries:**\n\n*   `[2025-05-03T00:25:52+10:00]` x";
	assert_false(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_false(ruru_entries_append_point("", 0, 0, &at, &nn, &eol));
	t = "```\n## Log Entries\n```\n";
	assert_false(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	/* The heading alone, no newline. */
	t = "## Log Entries";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen(t));
	assert_true(nn);
	/* Heading spelling: case, trailing colon and spaces. */
	t = "##  log entries: \nx\n## Next\n";
	assert_true(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
	assert_int_equal(at, strlen("##  log entries: \nx\n"));
	t = "## Log Entries of today\n";
	assert_false(ruru_entries_append_point(t, strlen(t), 0, &at, &nn, &eol));
}

static void goal_section(void **state)
{
	(void)state;
	size_t s, e;
	const char *t = HEAD;
	assert_false(ruru_body_goal(t, strlen(t), 0, &s, &e));
	t = "# Session Log\n\n## Goal\n\nRefactor auth\nsecond line\n\n## Log Entries\n\n- [x] y\n";
	assert_true(ruru_body_goal(t, strlen(t), 0, &s, &e));
	assert_int_equal(e - s, strlen("Refactor auth\nsecond line"));
	assert_memory_equal(t + s, "Refactor auth\nsecond line", e - s);
	t = "## Goal\n\n## Log Entries\n";
	assert_true(ruru_body_goal(t, strlen(t), 0, &s, &e));
	assert_int_equal(s, e);
	t = "## goal:\r\n```\r\n## Not a heading\r\n```\r\n# End\r\n";
	assert_true(ruru_body_goal(t, strlen(t), 0, &s, &e));
	assert_memory_equal(t + s, "```\r\n## Not a heading\r\n```", e - s);
}


/* The hand-rolled calendar arithmetic agrees with gmtime_r everywhere. */
static void time_format_matches_gmtime(void **state)
{
	(void)state;
	static const time_t fixed[] = { 0, -1, 951782400, 951868799, 4102444800LL,
					253402300799LL, 1700000000, -62135596800LL };
	unsigned long long x = 88172645463325252ULL;
	for (int i = 0; i < 100000; i++) {
		time_t t;
		if (i < 8) {
			t = fixed[i];
		} else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			t = (time_t)(x % 315537897600ULL) - 62135596800LL; /* years 1..9999 */
		}
		char got[32], want[64];
		struct tm tm;
		assert_non_null(gmtime_r(&t, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		ruru_time_format_rfc3339(t, got);
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(time_format_matches_gmtime),
		cmocka_unit_test(event_names),
		cmocka_unit_test(status_names),
		cmocka_unit_test(stamps),
		cmocka_unit_test(render_exact),
		cmocka_unit_test(round_trip_tricky),
		cmocka_unit_test(round_trip_random),
		cmocka_unit_test(strict_rejects),
		cmocka_unit_test(lenient_forms),
		cmocka_unit_test(lenient_structure),
		cmocka_unit_test(unclosed_fence_ends_at_ruru_entry),
		cmocka_unit_test(many_entries_linear),
		cmocka_unit_test(append_point),
		cmocka_unit_test(goal_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
