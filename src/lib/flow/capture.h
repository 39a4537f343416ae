/*
 * capture.h — library-internal: what the hook readers (capture.c) and the
 * transcript readers (transcript.c) share: a list of captured events, the
 * text of a host's JSON, its times, and how one event becomes one bounded,
 * redacted log entry.
 */
#ifndef RURU_CAPTURE_H
#define RURU_CAPTURE_H

#include <jansson.h>

#include "ruru.h"
#include "logtx.h"

/* A growing list of items. */
struct cap_list {
	struct ruru_capture_item *v;
	size_t n, cap;
};
/* Append an item; text (len bytes) and mode are copied; mode NULL, ""
 * and outcome NULL are left out. */
struct ruru_capture_item *cap_add(struct cap_list *l, enum ruru_event type, const char *what,
				  const char *text, size_t len, const char *mode,
				  const char *outcome, time_t when, bool when_valid);

/* The text a JSON value holds for people: a string as it is; content
 * blocks ([{type: "text", text}], {"content": ...}, {"parts": [...]}) as
 * their texts joined by blank lines; anything else as compact JSON.
 * Appended to out. */
void cap_json_text(struct ruru_buf *out, const json_t *v);
/* The string member `key` of `o`, or NULL. */
const char *cap_str(const json_t *o, const char *key);
/* An RFC 3339 time of a JSON string member; false when absent or bad. */
bool cap_time(const json_t *o, const char *key, time_t *when);
/* Is tool `name` Claude Code's subagent tool (Task, renamed Agent)? */
bool cap_claude_task_tool(const char *name);

/* Is Gemini CLI's tool `tool` an agent (a built-in one, or with `ws`
 * not NULL one of the project's .gemini/agents/NAME.md)? */
bool cap_gemini_agent(struct ruru_ws *ws, const char *tool);

/* Append `text` in a Markdown fence longer than any backtick run in it. */
void cap_md_fence(struct ruru_buf *out, const char *text, size_t len, const char *lang);

/*
 * One item as an entry to write: the text redacted, made to keep the text
 * rule (control characters shown as escapes), and bounded: when longer
 * than RURU_CAPTURE_MAX it is cut and the entry names the artifact
 * artifacts/captured/HOST-WHAT-<stamp>-<hash>.md (*artifact, relative to
 * the session; named by its content, so a repeated event names the same
 * one) that cap_stage() writes.  `in` borrows from `msg`, *artifact and
 * the item; an item without a time is stamped `now`.  Release msg and
 * free *artifact after writing.
 */
int cap_entry(const struct ruru_capture_item *it, const char *host, const char *source,
	      time_t now, struct ruru_buf *msg, char **artifact, struct ruru_log_input *in);
/* Stage the artifact cap_entry() named (in `session_dir`, absolute) with
 * the whole redacted text, unless it is there already. */
int cap_stage(struct ruru_logtx *tx, const char *session_dir, const struct ruru_capture_item *it,
	      const char *source, const char *artifact, time_t now, struct ruru_error *err);

/* session_write.c: a new session with more than `new` writes (import,
 * capture.start):
 * started at `start` (0: now); `stage` (may be NULL) gets the open
 * transaction, the new log's text and the ID before the log is staged,
 * to append entries to the text, edit its front matter and stage files
 * in the session folder (tx->new_dir); with `activate` false the active
 * pointer is left as it is.  Returns the ID (caller frees). */
typedef int (*ruru_session_stage_fn)(struct ruru_logtx *tx, struct ruru_buf *log, const char *id,
				     void *ctx, struct ruru_error *err);
char *ruru_session_new_with(struct ruru_ws *ws, const struct ruru_new *opts, time_t start,
			    bool activate, ruru_session_stage_fn stage, void *ctx,
			    struct ruru_error *err);

#endif
