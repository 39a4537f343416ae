/*
 * event.c — the library's vocabularies, in both directions: event types,
 * entry fields, outcomes, session statuses, confirmation decisions.  Front
 * ends list and check words through ruru_vocab_*, so a word added here
 * reaches the CLI's help and errors and the MCP schemas with no edit there.
 *
 * Writing is strict (one spelling per value); reading a status is lenient
 * because real logs and templates spell it many ways ("🟢 Active",
 * "active", "⚪ Completed", "done", even double-encoded emoji), and a log
 * whose status word we cannot read is still a log we must be able to show.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ruru.h"
#include "words.h"
#include "banned.h"

/* ------------------------------------------------------ word tables */

/* The word at i of a table of count words, or NULL when i is outside it. */
static const char *word_at(const char *const *words, int count, int i)
{
	return i >= 0 && i < count ? words[i] : NULL;
}

/* Where word stands in a table of count words, or -1 (also for no word). */
static int word_index(const char *const *words, int count, const char *word)
{
	for (int i = 0; word && i < count; i++)
		if (words[i] && !strcmp(word, words[i]))
			return i;
	return -1;
}

static const char *const event_names[RURU_EV_COUNT] = {
#define RURU_X_EVENT(u, name) [RURU_EV_##u] = name,
	RURU_EVENTS(RURU_X_EVENT)
#undef RURU_X_EVENT
};

const char *ruru_event_name(enum ruru_event ev)
{
	return word_at(event_names, RURU_EV_COUNT, (int)ev);
}

enum ruru_event ruru_event_parse(const char *name)
{
	int i = word_index(event_names, RURU_EV_COUNT, name);
	return i < 0 ? RURU_EV_UNKNOWN : (enum ruru_event)i;
}

const char *ruru_status_string(enum ruru_status st)
{
	switch (st) {
	case RURU_STATUS_ACTIVE: return "🟢 Active";
	case RURU_STATUS_PAUSED: return "⏸️ Paused";
	case RURU_STATUS_COMPLETED: return "🏁 Completed";
	case RURU_STATUS_ERROR: return "🔴 Error";
	case RURU_STATUS_UNKNOWN: break;
	}
	return NULL;
}

const char *ruru_status_word(enum ruru_status st)
{
	switch (st) {
	case RURU_STATUS_ACTIVE: return "active";
	case RURU_STATUS_PAUSED: return "paused";
	case RURU_STATUS_COMPLETED: return "completed";
	case RURU_STATUS_ERROR: return "error";
	case RURU_STATUS_UNKNOWN: return "unknown";
	}
	return NULL;
}

/* Words (compared without case) and emoji that name a status.  "done",
 * "finished" and "closed" read as completed: agents and MDTM use them for a
 * finished piece of work.  "failed" and "aborted" read as error: the session
 * ended without reaching its goal (the pre-V5 logs list "aborted"). */
static const struct {
	const char *word;
	enum ruru_status st;
} status_words[] = {
	{ "active", RURU_STATUS_ACTIVE },      { "in progress", RURU_STATUS_ACTIVE },
	{ "in-progress", RURU_STATUS_ACTIVE }, { "open", RURU_STATUS_ACTIVE },
	{ "paused", RURU_STATUS_PAUSED },      { "pause", RURU_STATUS_PAUSED },
	{ "on hold", RURU_STATUS_PAUSED },     { "suspended", RURU_STATUS_PAUSED },
	{ "completed", RURU_STATUS_COMPLETED }, { "complete", RURU_STATUS_COMPLETED },
	{ "done", RURU_STATUS_COMPLETED },     { "finished", RURU_STATUS_COMPLETED },
	{ "closed", RURU_STATUS_COMPLETED },   { "ended", RURU_STATUS_COMPLETED },
	{ "error", RURU_STATUS_ERROR },        { "failed", RURU_STATUS_ERROR },
	{ "failure", RURU_STATUS_ERROR },      { "aborted", RURU_STATUS_ERROR },
};

static const struct {
	const char *emoji;
	enum ruru_status st;
} status_emoji[] = {
	{ "🟢", RURU_STATUS_ACTIVE },    { "⏸", RURU_STATUS_PAUSED },
	{ "🟡", RURU_STATUS_PAUSED },    { "🏁", RURU_STATUS_COMPLETED },
	{ "⚪", RURU_STATUS_COMPLETED }, { "✅", RURU_STATUS_COMPLETED },
	{ "🔴", RURU_STATUS_ERROR },     { "❌", RURU_STATUS_ERROR },
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

enum ruru_status ruru_status_parse(const char *s, size_t len)
{
	if (!s)
		return RURU_STATUS_UNKNOWN;
	size_t a = 0, b = len;
	while (a < b && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	/* The word wins over the emoji ("🟢 Completed" is completed): skip
	 * everything that is not an ASCII letter, which also skips emoji,
	 * variation selectors and mojibake such as "ðŸŸ¢ ". */
	size_t w = a;
	while (w < b && !((s[w] >= 'a' && s[w] <= 'z') || (s[w] >= 'A' && s[w] <= 'Z')))
		w++;
	if (w < b) {
		for (size_t i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++) {
			size_t n = strlen(status_words[i].word);
			if (b - w != n)
				continue;
			size_t k = 0;
			while (k < n && lower((unsigned char)s[w + k]) == status_words[i].word[k])
				k++;
			if (k == n)
				return status_words[i].st;
		}
		return RURU_STATUS_UNKNOWN;
	}
	/* No word at all: an emoji alone ("🏁"). */
	for (size_t i = 0; i < sizeof(status_emoji) / sizeof(status_emoji[0]); i++) {
		size_t n = strlen(status_emoji[i].emoji);
		if (b - a >= n && memcmp(s + a, status_emoji[i].emoji, n) == 0)
			return status_emoji[i].st;
	}
	return RURU_STATUS_UNKNOWN;
}

enum ruru_status ruru_status_from_word(const char *word)
{
	for (int s = RURU_STATUS_ACTIVE; word && s <= RURU_STATUS_ERROR; s++)
		if (!strcmp(word, ruru_status_word((enum ruru_status)s)))
			return (enum ruru_status)s;
	return RURU_STATUS_UNKNOWN;
}

/* ---------------------------------------------------------- entry fields */

static const struct {
	const char *name, *meta, *help;
} fields[RURU_FIELD_COUNT] = {
#define RURU_X_ROW(u, l, m, h) [RURU_FIELD_##u] = { #l, m, h },
	RURU_ENTRY_FIELDS(RURU_X_ROW)
#undef RURU_X_ROW
};

const char *ruru_field_name(enum ruru_field f)
{
	return (int)f >= 0 && f < RURU_FIELD_COUNT ? fields[f].name : NULL;
}

const char *ruru_field_meta(enum ruru_field f)
{
	return (int)f >= 0 && f < RURU_FIELD_COUNT ? fields[f].meta : NULL;
}

const char *ruru_field_help(enum ruru_field f)
{
	return (int)f >= 0 && f < RURU_FIELD_COUNT ? fields[f].help : NULL;
}

enum ruru_vocab ruru_field_vocab(enum ruru_field f)
{
	return f == RURU_FIELD_OUTCOME ? RURU_VOCAB_OUTCOME : RURU_VOCAB_COUNT;
}

/* -------------------------------------------------------------- outcomes */

static const char *const outcome_names[RURU_OUTCOME_COUNT] = {
	[RURU_OUTCOME_SUCCESS] = "success",
	[RURU_OUTCOME_FAILURE] = "failure",
	[RURU_OUTCOME_APPROVED] = "approved",
	[RURU_OUTCOME_REJECTED] = "rejected",
};

const char *ruru_outcome_name(enum ruru_outcome o)
{
	return word_at(outcome_names, RURU_OUTCOME_COUNT, (int)o);
}

enum ruru_outcome ruru_outcome_parse(const char *word)
{
	int i = word_index(outcome_names, RURU_OUTCOME_COUNT, word);
	return i < 0 ? RURU_OUTCOME_UNKNOWN : (enum ruru_outcome)i;
}

/* ------------------------------------------------------------- decisions */

static const char *const decision_words[RURU_DECIDE_COUNT] = {
	[RURU_DECIDE_APPROVE] = "approve",
	[RURU_DECIDE_REJECT] = "reject",
	[RURU_DECIDE_SKIP] = "skip",
};

const char *ruru_decision_word(enum ruru_confirm_decision d)
{
	return word_at(decision_words, RURU_DECIDE_COUNT, (int)d);
}

enum ruru_confirm_decision ruru_decision_parse(const char *word)
{
	int i = word_index(decision_words, RURU_DECIDE_COUNT, word);
	return i < 0 ? RURU_DECIDE_UNKNOWN : (enum ruru_confirm_decision)i;
}

/* ---------------------------------------------------------- vocabularies */

static const char *const vocab_names[RURU_VOCAB_COUNT] = {
	[RURU_VOCAB_EVENT] = "event",
	[RURU_VOCAB_OUTCOME] = "outcome",
	[RURU_VOCAB_STATUS] = "status",
	[RURU_VOCAB_DECISION] = "decision",
	[RURU_VOCAB_CONFIRM_STATUS] = "confirm-status",
	[RURU_VOCAB_TASK_STATUS] = "task-status",
	[RURU_VOCAB_TASK_TYPE] = "task-type",
	[RURU_VOCAB_ARTIFACT_TYPE] = "artifact-type",
};

const char *ruru_vocab_name(enum ruru_vocab v)
{
	return word_at(vocab_names, RURU_VOCAB_COUNT, (int)v);
}

const char *ruru_vocab_word(enum ruru_vocab v, size_t i)
{
	switch (v) {
	case RURU_VOCAB_EVENT:
		return i < RURU_EV_COUNT ? ruru_event_name((enum ruru_event)i) : NULL;
	case RURU_VOCAB_OUTCOME:
		return i < RURU_OUTCOME_COUNT ? ruru_outcome_name((enum ruru_outcome)i) : NULL;
	case RURU_VOCAB_STATUS:
		return i < RURU_STATUS_ERROR ? ruru_status_word((enum ruru_status)(i + 1)) : NULL;
	case RURU_VOCAB_DECISION:
		return i < RURU_DECIDE_COUNT ? ruru_decision_word((enum ruru_confirm_decision)i)
					     : NULL;
	case RURU_VOCAB_CONFIRM_STATUS: {
		/* The statuses a sidecar can hold, then "unadopted" (a CONFIRM
		 * file without one). */
		size_t n = 0;
		while (ruru_confirm_status_word((enum ruru_confirm_status)(n + 1)))
			n++;
		if (i < n)
			return ruru_confirm_status_word((enum ruru_confirm_status)(i + 1));
		return i == n ? "unadopted" : NULL;
	}
	case RURU_VOCAB_TASK_STATUS:
		return i + 1 < RURU_TASK_STATUS_COUNT
			       ? ruru_task_status_word((enum ruru_task_status)(i + 1))
			       : NULL;
	case RURU_VOCAB_TASK_TYPE:
		return ruru_task_type_word(i);
	case RURU_VOCAB_ARTIFACT_TYPE: {
		size_t n = 0;
		while (ruru_artifact_types[n].type && n < i)
			n++;
		return ruru_artifact_types[n].type;
	}
	case RURU_VOCAB_COUNT:
		break;
	}
	return NULL;
}

bool ruru_vocab_has(enum ruru_vocab v, const char *word)
{
	const char *w;
	for (size_t i = 0; word && (w = ruru_vocab_word(v, i)); i++)
		if (!strcmp(w, word))
			return true;
	return false;
}

bool ruru_vocab_accepts(enum ruru_vocab v, const char *word)
{
	if (!word)
		return false;
	switch (v) {
	case RURU_VOCAB_TASK_STATUS:
		return ruru_task_status_parse(word) != RURU_TASK_UNKNOWN;
	case RURU_VOCAB_ARTIFACT_TYPE:
		return ruru_artifact_type_find(word) != NULL;
	case RURU_VOCAB_TASK_TYPE:
		for (size_t i = 0; ruru_task_types[i].type; i++)
			if (!strcasecmp(word, ruru_task_types[i].type))
				return true;
		return false;
	default:
		return ruru_vocab_has(v, word);
	}
}

void ruru_vocab_join(enum ruru_vocab v, const char *sep, struct ruru_buf *out)
{
	const char *w;
	for (size_t i = 0; (w = ruru_vocab_word(v, i)); i++)
		ruru_buf_addf(out, "%s%s", i ? sep : "", w);
}
