/*
 * event.c — names of the standard's event types and of session statuses,
 * in both directions.
 *
 * Writing is strict (one spelling per value); reading a status is lenient
 * because real logs and templates spell it many ways ("🟢 Active",
 * "active", "⚪ Completed", "done", even double-encoded emoji), and a log
 * whose status word we cannot read is still a log we must be able to show.
 */
#include <stdlib.h>
#include <string.h>

#include "ruru.h"
#include "banned.h"

static const char *const event_names[RURU_EV_COUNT] = {
	[RURU_EV_SESSION] = "session",
	[RURU_EV_PROMPT] = "prompt",
	[RURU_EV_RESPONSE] = "response",
	[RURU_EV_DECISION] = "decision",
	[RURU_EV_DELEGATION] = "delegation",
	[RURU_EV_ARTIFACT] = "artifact",
	[RURU_EV_CONFIRM_REQUEST] = "confirm-request",
	[RURU_EV_CONFIRM_RESPONSE] = "confirm-response",
	[RURU_EV_CONFIRM_SKIP] = "confirm-skip",
	[RURU_EV_RESULT] = "result",
	[RURU_EV_ERROR] = "error",
	[RURU_EV_NOTE] = "note",
};

const char *ruru_event_name(enum ruru_event ev)
{
	if ((int)ev < 0 || (int)ev >= RURU_EV_COUNT)
		return NULL;
	return event_names[ev];
}

enum ruru_event ruru_event_parse(const char *name)
{
	if (!name)
		return RURU_EV_UNKNOWN;
	for (int i = 0; i < RURU_EV_COUNT; i++)
		if (strcmp(name, event_names[i]) == 0)
			return (enum ruru_event)i;
	return RURU_EV_UNKNOWN;
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
