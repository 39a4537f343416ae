/*
 * words.c — the vocabularies that belong to the workflow's later steps but
 * that every layer may need to name: confirmation statuses and kinds, MDTM
 * task statuses, task types and the task-ID syntax, and the V7 artifact
 * types.  They live here, at the bottom, so that the entry parser and the
 * vocabulary lists (event.c) read them without calling up into the
 * modules that act on them (confirm.c, task.c, typed.c).  One table each.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "words.h"
#include "text.h"
#include "banned.h"

/* --------------------------------------------------- confirmation words */

static const char *const status_words[] = {
	[RURU_CONFIRM_PENDING] = "pending",   [RURU_CONFIRM_APPROVED] = "approved",
	[RURU_CONFIRM_REJECTED] = "rejected", [RURU_CONFIRM_SKIPPED] = "skipped",
	[RURU_CONFIRM_APPLIED] = "applied",   [RURU_CONFIRM_FAILED] = "failed",
	[RURU_CONFIRM_WITHDRAWN] = "withdrawn",
};

const char *ruru_confirm_status_word(enum ruru_confirm_status st)
{
	if (st <= RURU_CONFIRM_UNKNOWN || st > RURU_CONFIRM_WITHDRAWN)
		return NULL;
	return status_words[st];
}

enum ruru_confirm_status ruru_confirm_status_parse(const char *word)
{
	for (int i = RURU_CONFIRM_PENDING; word && i <= RURU_CONFIRM_WITHDRAWN; i++)
		if (!strcmp(word, status_words[i]))
			return (enum ruru_confirm_status)i;
	return RURU_CONFIRM_UNKNOWN;
}

const char *ruru_confirm_kind_word(enum ruru_confirm_kind kind)
{
	return kind == RURU_CONFIRM_DIFF ? "diff" : "content";
}

int ruru_confirm_kind_parse(const char *word)
{
	if (word && !strcmp(word, "content"))
		return RURU_CONFIRM_CONTENT;
	if (word && !strcmp(word, "diff"))
		return RURU_CONFIRM_DIFF;
	return -1;
}

/* ---------------------------------------------------------- task statuses */

static const struct {
	const char *text, *word, *alias;
} task_statuses[RURU_TASK_STATUS_COUNT] = {
	[RURU_TASK_TODO] = { "🟡 To Do", "todo", "to-do" },
	[RURU_TASK_IN_PROGRESS] = { "🔵 In Progress", "in-progress", "doing" },
	[RURU_TASK_REVIEW] = { "🟣 Review", "review", "in-review" },
	[RURU_TASK_DONE] = { "🟢 Done", "done", "completed" },
	[RURU_TASK_ERROR] = { "🔴 Error", "error", "failed" },
	[RURU_TASK_BLOCKED] = { "⚪ Blocked", "blocked", "on-hold" },
	[RURU_TASK_GENERATING] = { "🤖 Generating", "generating", "generating" },
	[RURU_TASK_TESTING] = { "🧪 Testing", "testing", "in-testing" },
};

const char *ruru_task_status_string(enum ruru_task_status st)
{
	return st > RURU_TASK_UNKNOWN && st < RURU_TASK_STATUS_COUNT ? task_statuses[st].text : NULL;
}

const char *ruru_task_status_word(enum ruru_task_status st)
{
	return st > RURU_TASK_UNKNOWN && st < RURU_TASK_STATUS_COUNT ? task_statuses[st].word : NULL;
}

enum ruru_task_status ruru_task_status_parse(const char *s)
{
	if (!s)
		return RURU_TASK_UNKNOWN;
	/* Drop a leading emoji (any non-ASCII bytes) and blanks. */
	while (*s && ((unsigned char)*s >= 0x80 || *s == ' ' || *s == '\t'))
		s++;
	char norm[32];
	size_t n = 0;
	for (; *s && n < sizeof(norm) - 1; s++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == ' ' || c == '_')
			c = '-';
		norm[n++] = c;
	}
	while (n && norm[n - 1] == '-')
		n--;
	norm[n] = '\0';
	for (int i = 1; i < RURU_TASK_STATUS_COUNT; i++)
		if (!strcmp(norm, task_statuses[i].word) || !strcmp(norm, task_statuses[i].alias))
			return (enum ruru_task_status)i;
	return RURU_TASK_UNKNOWN;
}

bool ruru_task_id_ok(const char *id)
{
	if (!id || strncmp(id, RURU_LIT("TASK-")) || !id[5] || strlen(id) > 128)
		return false;
	for (const char *p = id + 5; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

int ruru_task_id_check(const char *id, struct ruru_error *err)
{
	if (ruru_task_id_ok(id))
		return 0;
	ruru_error_set(err, RURU_EUSAGE,
		       "\"%s\" is not an MDTM task ID (TASK-<TEAM>-<YYYYMMDD-HHMMSS>: \"TASK-\" "
		       "then letters, digits, '-', '_' or '.')",
		       id ? id : "");
	return ruru_error_hint(err, "task", RURU_HINT_NONE, NULL);
}

/* ------------------------------------------------------------- task types */

const struct ruru_task_type ruru_task_types[] = {
	{ "feature", "01_mdtm_feature.md", "FEATURE" },
	{ "bug", "02_mdtm_bug.md", "BUG" },
	{ "chore", "03_mdtm_chore.md", "CHORE" },
	{ "documentation", "04_mdtm_documentation.md", "DOCS" },
	{ "test", "05_mdtm_test.md", "TEST" },
	{ "spike", "06_mdtm_spike.md", "SPIKE" },
	{ NULL, NULL, NULL },
};

const char *ruru_task_type_word(size_t i)
{
	size_t n = 0;
	while (ruru_task_types[n].type && n < i)
		n++;
	return ruru_task_types[n].type;
}

/* --------------------------------------------------------- artifact types */

const struct ruru_artifact_type ruru_artifact_types[] = {
	{ "note", "notes", "NOTE", "31_session_note.md", "Notes" },
	{ "learning", "learnings", "LEARNING", "32_session_learning.md", "Learnings" },
	{ "environment", "environment", "ENV", "33_session_environment.md", "Environment" },
	{ "doc", "docs", "DOC", "34_session_doc_snippet.md", "Docs" },
	{ "research", "research", "RESEARCH", "35_session_research.md", "Research" },
	{ "blocker", "blockers", "BLOCKER", "36_session_blocker.md", "Blockers" },
	{ "question", "questions", "QUESTION", "37_session_qna.md", "Questions" },
	{ "snippet", "snippets", "SNIPPET", "38_session_snippet.md", "Snippets" },
	{ "feedback", "feedback", "FDBK", "39_session_feedback_item.md", "Feedback" },
	{ "feature", "features", "FEATURE", "40_session_feature_note.md", "Features" },
	{ "context", "context", "CONTEXT", "41_session_context_item.md", "Context" },
	{ "deferred", "deferred", "DEFERRED", "42_session_deferred.md", "Deferred" },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct ruru_artifact_type *ruru_artifact_type_find(const char *word)
{
	for (const struct ruru_artifact_type *t = ruru_artifact_types; word && t->type; t++)
		if (!strcasecmp(word, t->type) || !strcasecmp(word, t->folder) ||
		    !strcasecmp(word, t->prefix))
			return t;
	return NULL;
}
