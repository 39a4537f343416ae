/*
 * transcript.c — `ruru import`: a host's saved transcript turned into a
 * session, so that work done before ruru was installed, or in a host that
 * deletes its transcripts after a while, is kept.  Three readers, one per
 * host format, each giving the events capture.c would have logged (with
 * their original times) and the whole conversation as Markdown:
 *
 *  - Claude Code: JSONL, one record a line ({type: "user" | "assistant" |
 *    "system" | "summary" | ..., timestamp, message: {role, content}});
 *    content blocks "text", "tool_use" (the Task/Agent tool with
 *    input.subagent_type is a delegation) and "tool_result" (its result);
 *    a system record with subtype "compact_boundary" is a compaction;
 *    records of a subagent's own conversation (isSidechain) are shown, not
 *    logged.
 *  - Codex: the rollout JSONL ({timestamp, type: "session_meta" |
 *    "response_item" | "event_msg" | "turn_context" | "compacted",
 *    payload}); the user's prompts are the event_msg "user_message"
 *    records, a subagent is the spawn_agent function call (arguments
 *    {message, agent_type}) and its result comes back through the wait
 *    call's output ({status: {AGENT_ID: {completed | errored}}}).
 *  - Gemini CLI: the saved chat ({sessionId, startTime, messages: [{type:
 *    "user" | "gemini" | "info" | "error" | "warning", timestamp, content,
 *    toolCalls: [{name, args, result, status}]}]}) as one JSON document or
 *    one message a line; agents are tools of the same name; an "info"
 *    message about compressing the chat is a compaction.
 *
 * A reader never fails on what it reads: a line that is not JSON is a
 * problem reported with its line number and skipped; a record of a kind
 * it does not know is counted and kept in the Markdown as it was.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "capture.h"
#include "entry.h"
#include "logtx.h"
#include "store.h"
#include "text.h"
#include "timestamp.h"
#include "workspace.h"
#include "banned.h"

struct reader {
	const char *host;
	struct cap_list items;
	struct ruru_transcript *t;
	json_t *calls;  /* tool call id -> subagent name (pending delegations) */
	json_t *agents; /* Codex agent id -> subagent name */
	json_t *names;  /* Codex call id -> function name */
	bool legacy;    /* a Codex rollout of the older, unwrapped form */
};

/* A record's time from its field key into *when (0 when it has none),
 * folded into the transcript's first and last; is it there and valid? */
static bool seen_time(struct reader *r, const json_t *o, const char *key, time_t *when)
{
	*when = 0;
	if (!cap_time(o, key, when))
		return false;
	if (!r->t->first || *when < r->t->first)
		r->t->first = *when;
	if (*when > r->t->last)
		r->t->last = *when;
	return true;
}

static void problem(struct reader *r, size_t line, const char *msg)
{
	struct ruru_transcript *t = r->t;
	t->problems = ruru_xrealloc(t->problems, (t->nproblems + 1) * sizeof(*t->problems));
	t->problems[t->nproblems++] = (struct ruru_transcript_problem){ line, ruru_strdup(msg) };
}

/* "## [time] Who" */
static void md_head(struct reader *r, const char *level, const char *who, time_t when, bool valid)
{
	struct ruru_buf *m = &r->t->markdown;
	ruru_buf_addf(m, "%s ", level);
	if (valid) {
		char iso[32];
		ruru_time_format_rfc3339(when, iso);
		ruru_buf_addf(m, "[%s] ", iso);
	}
	ruru_buf_addf(m, "%s\n\n", who);
}

static void md_text(struct reader *r, const char *text, size_t len)
{
	struct ruru_buf *m = &r->t->markdown;
	ruru_buf_add(m, text, len);
	ruru_buf_addstr(m, len && text[len - 1] == '\n' ? "\n" : "\n\n");
}

static void md_json(struct reader *r, const json_t *v)
{
	char *d = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
	if (d)
		cap_md_fence(&r->t->markdown, d, strlen(d), "json");
	free(d);
}

static void unknown(struct reader *r, size_t line, const char *kind, const char *raw, size_t len)
{
	r->t->unknown++;
	struct ruru_buf h = RURU_BUF_INIT;
	ruru_buf_addf(&h, "## Record of an unknown kind \"%s\" (line %zu)", kind ? kind : "?", line);
	md_text(r, h.ptr, h.len);
	cap_md_fence(&r->t->markdown, raw, len, "json");
	ruru_buf_release(&h);
}

static void title_from(struct reader *r, const char *text, size_t len)
{
	if (r->t->title)
		return;
	while (len && strchr(" \t\r\n", *text))
		text++, len--;
	size_t k = 0;
	while (k < len && k < 60 && text[k] != '\n' && text[k] != '\r')
		k++;
	while (k > 0 && k < len && ((unsigned char)text[k] & 0xC0) == 0x80)
		k--;
	if (k)
		r->t->title = ruru_strndup(text, k);
}

static void prompt(struct reader *r, const char *text, size_t len, time_t when, bool valid)
{
	if (ruru_text_blank(text, len))
		return;
	cap_add(&r->items, RURU_EV_PROMPT, "prompt", text, len, NULL, NULL, when, valid);
	title_from(r, text, len);
}

/* ------------------------------------------------------- Claude Code */

static void claude_record(struct reader *r, const json_t *o, size_t line, const char *raw,
			  size_t len)
{
	const char *type = cap_str(o, "type");
	time_t when;
	bool valid = seen_time(r, o, "timestamp", &when);
	const json_t *msg = json_object_get(o, "message");
	const json_t *content = json_object_get(msg, "content");
	bool side = json_is_true(json_object_get(o, "isSidechain"));
	bool meta = json_is_true(json_object_get(o, "isMeta"));
	struct ruru_buf b = RURU_BUF_INIT;
	if (type && !strcmp(type, "user")) {
		if (json_is_true(json_object_get(o, "isCompactSummary"))) {
			md_head(r, "##", "Summary after compaction", when, valid);
			cap_json_text(&b, content);
			md_text(r, b.ptr, b.len);
		} else if (json_is_string(content)) {
			md_head(r, "##", side ? "User (subagent)" : meta ? "User (meta)" : "User", when,
				valid);
			md_text(r, json_string_value(content), json_string_length(content));
			if (!side && !meta)
				prompt(r, json_string_value(content), json_string_length(content), when,
				       valid);
		} else {
			size_t i;
			const json_t *blk;
			struct ruru_buf said = RURU_BUF_INIT;
			json_array_foreach(content, i, blk) {
				const char *bt = cap_str(blk, "type");
				if (bt && !strcmp(bt, "text")) {
					if (said.len)
						ruru_buf_addstr(&said, "\n\n");
					cap_json_text(&said, json_object_get(blk, "text"));
				} else if (bt && !strcmp(bt, "tool_result")) {
					const char *id = cap_str(blk, "tool_use_id");
					bool err = json_is_true(json_object_get(blk, "is_error"));
					ruru_buf_reset(&b);
					cap_json_text(&b, json_object_get(blk, "content"));
					md_head(r, "###", err ? "Tool result (error)" : "Tool result", when,
						valid);
					cap_md_fence(&r->t->markdown, b.ptr, b.len, NULL);
					const char *mode = id ? cap_str(r->calls, id) : NULL;
					if (mode && !side) {
						cap_add(&r->items, RURU_EV_RESULT, "result", b.ptr, b.len,
							mode, err ? "failure" : "success", when, valid);
						json_object_del(r->calls, id);
					}
				} else if (bt && (!strcmp(bt, "image") || !strcmp(bt, "document"))) {
					/* the bytes stay with the host: a mark of them here */
					md_head(r, "###", bt, when, valid);
				} else {
					md_head(r, "###", "Content", when, valid);
					md_json(r, blk);
				}
			}
			if (said.len) {
				md_head(r, "##", side ? "User (subagent)" : "User", when, valid);
				md_text(r, said.ptr, said.len);
				if (!side && !meta)
					prompt(r, said.ptr, said.len, when, valid);
			}
			ruru_buf_release(&said);
		}
	} else if (type && !strcmp(type, "assistant")) {
		size_t i;
		const json_t *blk;
		md_head(r, "##", side ? "Assistant (subagent)" : "Assistant", when, valid);
		if (json_is_string(content))
			md_text(r, json_string_value(content), json_string_length(content));
		json_array_foreach(content, i, blk) {
			const char *bt = cap_str(blk, "type");
			if (bt && !strcmp(bt, "text")) {
				ruru_buf_reset(&b);
				cap_json_text(&b, json_object_get(blk, "text"));
				md_text(r, b.ptr, b.len);
			} else if (bt && !strcmp(bt, "tool_use")) {
				const char *name = cap_str(blk, "name");
				const json_t *in = json_object_get(blk, "input");
				ruru_buf_reset(&b);
				ruru_buf_addf(&b, "### Tool call %s", name ? name : "?");
				md_text(r, b.ptr, b.len);
				md_json(r, in);
				if (cap_claude_task_tool(name) && !side) {
					const char *mode = cap_str(in, "subagent_type");
					const char *d = cap_str(in, "description"), *p = cap_str(in, "prompt");
					ruru_buf_reset(&b);
					ruru_buf_addf(&b, "%s%s%s", d ? d : "", d && p ? "\n\n" : "",
						      p ? p : "");
					if (!mode)
						mode = "general-purpose";
					struct ruru_capture_item *it =
						cap_add(&r->items, RURU_EV_DELEGATION, "delegation", b.ptr,
							b.len, mode, NULL, when, valid);
					const char *id = cap_str(blk, "id");
					if (id)
						json_object_set_new(r->calls, id, json_string(it->mode));
				}
			} else if (bt && !strcmp(bt, "thinking")) {
				/* the model's reasoning: not part of the conversation */
			} else {
				md_json(r, blk);
			}
		}
	} else if (type && !strcmp(type, "system")) {
		const char *sub = cap_str(o, "subtype");
		if (sub && !strcmp(sub, "compact_boundary")) {
			const char *trig = cap_str(json_object_get(o, "compactMetadata"), "trigger");
			ruru_buf_addf(&b, "Context compaction (%s)", trig ? trig : "?");
			cap_add(&r->items, RURU_EV_NOTE, "compaction", b.ptr, b.len, NULL, NULL, when,
				valid);
			md_head(r, "##", "Compaction", when, valid);
			md_text(r, b.ptr, b.len);
		} else {
			md_head(r, "##", "System", when, valid);
			cap_json_text(&b, json_object_get(o, "content"));
			md_text(r, b.ptr, b.len);
		}
	} else if (type && !strcmp(type, "summary")) {
		md_head(r, "##", "Summary", when, valid);
		cap_json_text(&b, json_object_get(o, "summary"));
		md_text(r, b.ptr, b.len);
	} else if (type && (!strcmp(type, "file-history-snapshot") || !strcmp(type, "queue-operation") ||
			    !strcmp(type, "progress") || !strcmp(type, "custom-title"))) {
		/* bookkeeping of the host: nothing of the conversation */
	} else {
		unknown(r, line, type, raw, len);
	}
	ruru_buf_release(&b);
}

/* -------------------------------------------------------------- Codex */

/* The text of a Codex message's content ([{type: input_text, text}]). */
static void codex_content(struct ruru_buf *b, const json_t *content)
{
	cap_json_text(b, content);
}

static json_t *loads(const char *s)
{
	return s ? json_loads(s, JSON_ALLOW_NUL, NULL) : NULL;
}

static void codex_record(struct reader *r, const json_t *o, size_t line, const char *raw, size_t len)
{
	const char *type = cap_str(o, "type");
	const json_t *p = json_object_get(o, "payload");
	const char *pt = cap_str(p, "type");
	/* Rollouts written before the {timestamp, type, payload} records hold
	 * the response items themselves, after a first line with the
	 * session's id and instructions, and "record_type" lines of state. */
	bool legacy = !p && type;
	if (!p && !type && (json_object_get(o, "record_type") ||
			    (cap_str(o, "id") && json_object_get(o, "instructions")))) {
		r->legacy = true;
		if (cap_str(o, "id")) {
			time_t when;
			bool valid = seen_time(r, o, "timestamp", &when);
			md_head(r, "##", "Session", when, valid);
		}
		return;
	}
	if (legacy) {
		p = o;
		pt = type;
		type = "response_item";
	}
	time_t when;
	bool valid = seen_time(r, o, "timestamp", &when);
	struct ruru_buf b = RURU_BUF_INIT;
	if (type && !strcmp(type, "session_meta")) {
		md_head(r, "##", "Session", when, valid);
		const char *cwd = cap_str(p, "cwd"), *ver = cap_str(p, "cli_version");
		ruru_buf_addf(&b, "Codex %s in `%s`", ver ? ver : "?", cwd ? cwd : "?");
		md_text(r, b.ptr, b.len);
	} else if (type && !strcmp(type, "turn_context")) {
		/* settings of the turn: nothing of the conversation */
	} else if (type && !strcmp(type, "compacted")) {
		cap_add(&r->items, RURU_EV_NOTE, "compaction", "Context compaction", 18, NULL, NULL,
			when, valid);
		md_head(r, "##", "Compaction", when, valid);
		cap_json_text(&b, json_object_get(p, "message"));
		md_text(r, b.ptr, b.len);
	} else if (type && !strcmp(type, "event_msg")) {
		if (pt && !strcmp(pt, "user_message")) {
			cap_json_text(&b, json_object_get(p, "message"));
			md_head(r, "##", "User", when, valid);
			md_text(r, b.ptr, b.len);
			prompt(r, b.ptr, b.len, when, valid);
		} else if (pt && !strcmp(pt, "context_compacted")) {
			cap_add(&r->items, RURU_EV_NOTE, "compaction", "Context compaction", 18, NULL,
				NULL, when, valid);
		}
		/* Other events (agent_message, token_count, task_started, ...)
		 * repeat what the response items hold. */
	} else if (type && !strcmp(type, "response_item")) {
		if (pt && !strcmp(pt, "message")) {
			const char *role = cap_str(p, "role");
			codex_content(&b, json_object_get(p, "content"));
			struct ruru_buf who = RURU_BUF_INIT;
			ruru_buf_addf(&who, "%s (message)", role ? role : "?");
			md_head(r, "##", who.ptr, when, valid);
			md_text(r, b.ptr, b.len);
			ruru_buf_release(&who);
			/* Old rollouts have no user_message events: the user's
			 * messages are the prompts, but for the context Codex adds. */
			if (legacy && role && !strcmp(role, "user") && b.ptr[0] != '<' &&
			    strncmp(b.ptr, "# AGENTS.md", 11))
				prompt(r, b.ptr, b.len, when, valid);
		} else if (pt && (!strcmp(pt, "function_call") || !strcmp(pt, "custom_tool_call"))) {
			const char *name = cap_str(p, "name"), *id = cap_str(p, "call_id");
			const char *args = cap_str(p, "arguments");
			if (!args)
				args = cap_str(p, "input");
			ruru_buf_addf(&b, "### Tool call %s", name ? name : "?");
			md_text(r, b.ptr, b.len);
			json_t *a = loads(args);
			if (a)
				md_json(r, a);
			else if (args)
				cap_md_fence(&r->t->markdown, args, strlen(args), NULL);
			if (id && name)
				json_object_set_new(r->names, id, json_string(name));
			if (name && !strcmp(name, "spawn_agent")) {
				const char *mode = cap_str(a, "agent_type");
				const char *m = cap_str(a, "message");
				ruru_buf_reset(&b);
				if (m)
					ruru_buf_addstr(&b, m);
				else
					cap_json_text(&b, json_object_get(a, "items"));
				struct ruru_capture_item *it =
					cap_add(&r->items, RURU_EV_DELEGATION, "delegation", b.ptr, b.len,
						mode ? mode : "default", NULL, when, valid);
				if (id)
					json_object_set_new(r->calls, id, json_string(it->mode));
			}
			json_decref(a);
		} else if (pt && (!strcmp(pt, "function_call_output") ||
				  !strcmp(pt, "custom_tool_call_output"))) {
			const char *id = cap_str(p, "call_id");
			const json_t *out = json_object_get(p, "output");
			cap_json_text(&b, out);
			md_head(r, "###", "Tool output", when, valid);
			cap_md_fence(&r->t->markdown, b.ptr, b.len, NULL);
			const char *name = id ? cap_str(r->names, id) : NULL;
			json_t *j = loads(json_is_string(out) ? json_string_value(out) : NULL);
			if (!j && json_is_object(out))
				j = json_incref((json_t *)out);
			if (name && !strcmp(name, "spawn_agent") && cap_str(r->calls, id)) {
				const char *aid = cap_str(j, "agent_id");
				if (!aid)
					aid = cap_str(j, "id");
				if (!aid && json_is_string(out))
					aid = json_string_value(out);
				if (aid)
					json_object_set_new(r->agents, aid,
							    json_string(cap_str(r->calls, id)));
				json_object_del(r->calls, id);
			} else if (name && !strcmp(name, "wait")) {
				const char *k;
				json_t *v;
				json_object_foreach(json_object_get(j, "status"), k, v) {
					const char *mode = cap_str(r->agents, k);
					const json_t *done = json_object_get(v, "completed");
					const json_t *bad = json_object_get(v, "errored");
					if (!mode || (!done && !bad))
						continue;
					ruru_buf_reset(&b);
					cap_json_text(&b, done ? done : bad);
					cap_add(&r->items, RURU_EV_RESULT, "result", b.ptr, b.len, mode,
						done ? "success" : "failure", when, valid);
					json_object_del(r->agents, k);
				}
			}
			json_decref(j);
		} else if (pt && (!strcmp(pt, "reasoning") || !strcmp(pt, "local_shell_call") ||
				  !strcmp(pt, "web_search_call"))) {
			if (strcmp(pt, "reasoning")) {
				md_head(r, "###", pt, when, valid);
				md_json(r, p);
			}
		} else {
			unknown(r, line, pt ? pt : type, raw, len);
		}
	} else {
		unknown(r, line, type, raw, len);
	}
	ruru_buf_release(&b);
}

/* --------------------------------------------------------- Gemini CLI */

static void gemini_message(struct reader *r, const json_t *o, size_t line, const char *raw,
			   size_t len)
{
	const char *type = cap_str(o, "type");
	time_t when;
	bool valid = seen_time(r, o, "timestamp", &when);
	struct ruru_buf b = RURU_BUF_INIT;
	cap_json_text(&b, json_object_get(o, "content"));
	if (type && !strcmp(type, "user")) {
		md_head(r, "##", "User", when, valid);
		md_text(r, b.ptr, b.len);
		prompt(r, b.ptr, b.len, when, valid);
	} else if (type && !strcmp(type, "gemini")) {
		md_head(r, "##", "Gemini", when, valid);
		if (b.len)
			md_text(r, b.ptr, b.len);
		size_t i;
		const json_t *c;
		json_array_foreach(json_object_get(o, "toolCalls"), i, c) {
			const char *name = cap_str(c, "name"), *st = cap_str(c, "status");
			time_t cw = when;
			bool cv = cap_time(c, "timestamp", &cw) || valid;
			struct ruru_buf h = RURU_BUF_INIT;
			ruru_buf_addf(&h, "### Tool call %s (%s)", name ? name : "?", st ? st : "?");
			md_text(r, h.ptr, h.len);
			md_json(r, json_object_get(c, "args"));
			ruru_buf_reset(&b);
			cap_json_text(&b, json_object_get(c, "resultDisplay"));
			if (!b.len)
				cap_json_text(&b, json_object_get(c, "result"));
			if (b.len)
				cap_md_fence(&r->t->markdown, b.ptr, b.len, NULL);
			if (cap_gemini_agent(NULL, name)) {
				const json_t *args = json_object_get(c, "args");
				const char *mode = !strcmp(name, "delegate_to_agent") &&
								   cap_str(args, "agent_name")
							   ? cap_str(args, "agent_name")
							   : name;
				ruru_buf_reset(&h);
				cap_json_text(&h, args);
				cap_add(&r->items, RURU_EV_DELEGATION, "delegation", h.ptr, h.len, mode,
					NULL, cw, cv);
				bool ok = !st || !strcmp(st, "success");
				cap_add(&r->items, RURU_EV_RESULT, "result", b.ptr, b.len, mode,
					ok ? "success" : "failure", cw, cv);
			}
			ruru_buf_release(&h);
		}
	} else if (type && !strcmp(type, "info")) {
		md_head(r, "##", "Info", when, valid);
		md_text(r, b.ptr, b.len);
		if (strcasestr(b.ptr, "compress")) {
			struct ruru_buf n = RURU_BUF_INIT;
			ruru_buf_addf(&n, "Context compaction: %s", b.ptr);
			cap_add(&r->items, RURU_EV_NOTE, "compaction", n.ptr, n.len, NULL, NULL, when,
				valid);
			ruru_buf_release(&n);
		}
	} else if (type && (!strcmp(type, "error") || !strcmp(type, "warning"))) {
		md_head(r, "##", type, when, valid);
		md_text(r, b.ptr, b.len);
	} else {
		unknown(r, line, type, raw, len);
	}
	ruru_buf_release(&b);
}

static void gemini_record(struct reader *r, const json_t *o, size_t line, const char *raw,
			  size_t len)
{
	if (json_is_array(json_object_get(o, "messages")) || (cap_str(o, "sessionId") && !cap_str(o, "type"))) {
		/* The header: the session's ID and start. */
		time_t when;
		seen_time(r, o, "startTime", &when);
		const char *sid = cap_str(o, "sessionId");
		if (sid) {
			struct ruru_buf b = RURU_BUF_INIT;
			md_head(r, "##", "Session", 0, false);
			ruru_buf_addf(&b, "Gemini CLI session %s", sid);
			md_text(r, b.ptr, b.len);
			ruru_buf_release(&b);
		}
		size_t i;
		const json_t *m;
		json_array_foreach(json_object_get(o, "messages"), i, m) {
			r->t->records++;
			char *d = json_dumps(m, JSON_COMPACT);
			gemini_message(r, m, line, d ? d : "", d ? strlen(d) : 0);
			free(d);
		}
		return;
	}
	/* An update of the header ({"$set": {...}}): bookkeeping. */
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
		if (k[0] == '$')
			return;
	gemini_message(r, o, line, raw, len);
}

/* ---------------------------------------------------------- the reader */

static void problems_free(struct ruru_transcript_problem *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].message);
	free(p);
}

void ruru_transcript_release(struct ruru_transcript *t)
{
	ruru_capture_items_free(t->items, t->nitems);
	ruru_buf_release(&t->markdown);
	problems_free(t->problems, t->nproblems);
	free(t->title);
	memset(t, 0, sizeof(*t));
}

int ruru_transcript_read(const char *host, const char *text, size_t len,
			 struct ruru_transcript *out, struct ruru_error *err)
{
	memset(out, 0, sizeof(*out));
	ruru_buf_init(&out->markdown);
	void (*record)(struct reader *, const json_t *, size_t, const char *, size_t);
	const char *label;
	if (host && !strcmp(host, "claude"))
		record = claude_record, label = "Claude Code";
	else if (host && !strcmp(host, "codex"))
		record = codex_record, label = "Codex";
	else if (host && !strcmp(host, "gemini"))
		record = gemini_record, label = "Gemini CLI";
	else {
		ruru_error_set(err, RURU_EUSAGE, "unknown host \"%s\" (claude, codex, gemini)",
			       host ? host : "");
		return ruru_error_hint(err, "host", RURU_HINT_NONE, NULL);
	}
	struct reader r = { .host = host, .t = out, .calls = json_object(), .agents = json_object(),
			    .names = json_object() };
	ruru_buf_addf(&out->markdown, "# %s transcript\n\n", label);
	/* Gemini CLI's saved chat is one JSON document (pretty-printed). */
	json_t *whole = NULL;
	if (record == gemini_record) {
		whole = json_loadb(text, len, JSON_ALLOW_NUL, NULL);
		if (json_is_object(whole) && json_is_array(json_object_get(whole, "messages")))
			record(&r, whole, 1, text, len);
		else
			json_decref(whole), whole = NULL;
	}
	size_t line = 0;
	for (size_t i = 0; !whole && i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - text) : len;
		size_t n = e - i;
		line++;
		const char *s = text + i;
		i = nl ? e + 1 : len;
		if (n && s[n - 1] == '\r')
			n--;
		if (ruru_text_blank(s, n))
			continue;
		json_error_t je;
		json_t *o = json_loadb(s, n, JSON_ALLOW_NUL, &je);
		if (!json_is_object(o)) {
			struct ruru_buf m = RURU_BUF_INIT;
			if (o)
				ruru_buf_addstr(&m, "a record is a JSON object");
			else
				ruru_buf_addf(&m, "malformed JSON at column %d: %s", je.column, je.text);
			problem(&r, line, m.ptr);
			ruru_buf_release(&m);
			json_decref(o);
			continue;
		}
		if (record != gemini_record || !json_is_array(json_object_get(o, "messages")))
			out->records++;
		record(&r, o, line, s, n);
		json_decref(o);
	}
	json_decref(whole);
	/* Delegations whose result never came back stay open in the log. */
	json_decref(r.calls);
	json_decref(r.agents);
	json_decref(r.names);
	out->items = r.items.v;
	out->nitems = r.items.n;
	return 0;
}

/* --------------------------------------------------------------- import */

struct import_ctx {
	struct ruru_ws *ws;
	const char *host, *name;
	struct ruru_transcript *t;
	size_t entries;
	char *artifact;
};

static int fm_set(struct ruru_buf *log, const char *key, const char *lit, struct ruru_error *err)
{
	struct ruru_toml_edit e = { .op = RURU_EDIT_SET, .key = key, .literal = lit,
				    .literal_len = strlen(lit) };
	return ruru_frontmatter_edit(log, &e, err);
}

static int fm_add(struct ruru_buf *log, const char *key, const char *value, struct ruru_error *err)
{
	struct ruru_buf lit = RURU_BUF_INIT;
	ruru_toml_encode_string(&lit, value, strlen(value));
	struct ruru_toml_edit e = { .op = RURU_EDIT_APPEND, .key = key, .literal = lit.ptr,
				    .literal_len = lit.len };
	struct ruru_error e2 = { 0 };
	int rc = ruru_frontmatter_edit(log, &e, &e2);
	if (rc < 0) {
		/* No such array yet: make it. */
		struct ruru_buf arr = RURU_BUF_INIT;
		ruru_buf_addf(&arr, "[%s]", lit.ptr);
		rc = fm_set(log, key, arr.ptr, err);
		ruru_buf_release(&arr);
	}
	ruru_buf_release(&lit);
	return rc;
}

static int add_entry(struct ruru_buf *log, const struct ruru_log_input *in, time_t when,
		     struct ruru_error *err)
{
	if (entry_input_check(in, err) < 0)
		return -1;
	if (log->len && log->ptr[log->len - 1] != '\n')
		ruru_buf_addch(log, '\n');
	entry_render_input(log, in, when, "\n");
	return 0;
}

static int import_stage(struct ruru_logtx *tx, struct ruru_buf *log, const char *id, void *arg,
			struct ruru_error *err)
{
	struct import_ctx *c = arg;
	struct ruru_transcript *t = c->t;
	struct ruru_buf source = RURU_BUF_INIT, path = RURU_BUF_INIT, rel = RURU_BUF_INIT,
			red = RURU_BUF_INIT, msg = RURU_BUF_INIT;
	(void)id;
	ruru_buf_addf(&source, "%s transcript", c->host);
	time_t start = t->first ? t->first : ruru_now(c->ws), end = t->last ? t->last : start;
	char stamp[32];
	struct tm tm;
	gmtime_r(&start, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	/* The whole conversation, redacted. */
	ruru_buf_addf(&rel, "artifacts/transcript-%s-%s.md", c->host, stamp);
	ruru_buf_addf(&path, "%s/%s", tx->new_dir, rel.ptr);
	ruru_redact(&red, t->markdown.ptr, t->markdown.len);
	int rc = ruru_logtx_stage_file(tx, path.ptr, red.ptr, red.len, true, err);
	if (rc == 0)
		rc = fm_add(log, "related_artifacts", rel.ptr, err);
	if (rc == 0) {
		ruru_buf_addf(&msg, "Imported from %s: %zu records, %zu of an unknown kind, %zu "
				    "malformed line%s skipped",
			      c->name ? c->name : "standard input", t->records, t->unknown,
			      t->nproblems, t->nproblems == 1 ? "" : "s");
		struct ruru_buf esc = RURU_BUF_INIT;
		ruru_text_escape_keep(&esc, msg.ptr, msg.len, "\t\n");
		struct ruru_log_input in = { .type = RURU_EV_ARTIFACT, .message = esc.ptr,
					     .message_len = esc.len };
		in.field[RURU_FIELD_ARTIFACT] = rel.ptr;
		in.field[RURU_FIELD_SOURCE] = source.ptr;
		rc = add_entry(log, &in, start, err);
		ruru_buf_release(&esc);
		c->entries++;
	}
	for (size_t i = 0; rc == 0 && i < t->nitems; i++) {
		char *art = NULL;
		struct ruru_log_input in;
		ruru_buf_reset(&msg);
		cap_entry(&t->items[i], c->host, source.ptr, end, &msg, &art, &in);
		if (art)
			rc = cap_stage(tx, tx->new_dir, &t->items[i], source.ptr, art, end, err);
		if (rc == 0 && art)
			rc = fm_add(log, "related_artifacts", art, err);
		if (rc == 0)
			rc = add_entry(log, &in, in.when_valid ? in.when : end, err);
		c->entries += rc == 0;
		free(art);
	}
	if (rc == 0) {
		/* Imported work is history: the session is paused, ready to be
		 * continued. */
		struct ruru_buf lit = RURU_BUF_INIT;
		const char *st = ruru_status_string(RURU_STATUS_PAUSED);
		ruru_toml_encode_string(&lit, st, strlen(st));
		rc = fm_set(log, "status", lit.ptr, err);
		ruru_buf_reset(&lit);
		ruru_toml_encode_time(&lit, end);
		if (rc == 0)
			rc = fm_set(log, "end_time", lit.ptr, err);
		ruru_buf_release(&lit);
		struct ruru_log_input in = { .type = RURU_EV_SESSION,
					     .message = "Session paused: end of the imported transcript",
					     .message_len = 46 };
		in.field[RURU_FIELD_SOURCE] = source.ptr;
		if (rc == 0)
			rc = add_entry(log, &in, end, err);
		c->entries += rc == 0;
	}
	if (rc == 0)
		c->artifact = ruru_buf_detach(&rel, NULL);
	ruru_buf_release(&source);
	ruru_buf_release(&path);
	ruru_buf_release(&rel);
	ruru_buf_release(&red);
	ruru_buf_release(&msg);
	return rc;
}

char *ruru_import(struct ruru_ws *ws, const char *host, const char *text, size_t len,
		  const char *name, struct ruru_import_report **report, struct ruru_error *err)
{
	struct ruru_transcript t;
	if (ruru_transcript_read(host, text, len, &t, err) < 0)
		return NULL;
	struct ruru_buf goal = RURU_BUF_INIT, desc = RURU_BUF_INIT, red = RURU_BUF_INIT;
	if (t.title) {
		ruru_redact(&red, t.title, strlen(t.title));
		ruru_text_escape(&goal, red.ptr, red.len);
	}
	if (ruru_text_blank(goal.ptr, goal.len)) {
		ruru_buf_reset(&goal);
		ruru_buf_addf(&goal, "Imported %s transcript", host);
	}
	ruru_buf_addf(&desc, "Imported from a %s transcript", host);
	if (name) {
		ruru_buf_addstr(&desc, " (");
		ruru_text_escape(&desc, name, strlen(name));
		ruru_buf_addstr(&desc, ")");
	}
	ruru_buf_addstr(&desc, ".");
	const char *tags[] = { "imported" };
	struct ruru_new o = { .goal = goal.ptr, .description = desc.ptr, .tags = tags, .ntags = 1 };
	struct import_ctx c = { .ws = ws, .host = host, .name = name, .t = &t };
	char *id = ruru_session_new_with(ws, &o, t.first, false, import_stage, &c, err);
	if (id && report) {
		*report = ruru_xmalloc(sizeof(**report));
		**report = (struct ruru_import_report){
			.session = ruru_strdup(id),
			.host = ruru_strdup(host),
			.name = name ? ruru_strdup(name) : NULL,
			.artifact = c.artifact,
			.entries = c.entries,
			.records = t.records,
			.unknown = t.unknown,
			.problems = t.problems,
			.nproblems = t.nproblems,
		};
		c.artifact = NULL;
		t.problems = NULL; /* the report's now */
		t.nproblems = 0;
	}
	free(c.artifact);
	ruru_buf_release(&goal);
	ruru_buf_release(&desc);
	ruru_buf_release(&red);
	ruru_transcript_release(&t);
	return id;
}

/* ------------------------------------------------------ the import's result */

void ruru_import_report_free(struct ruru_import_report *r)
{
	if (!r)
		return;
	free(r->session);
	free(r->host);
	free(r->name);
	free(r->artifact);
	problems_free(r->problems, r->nproblems);
	free(r);
}

json_t *ruru_import_report_json(const struct ruru_import_report *r)
{
	json_t *problems = json_array();
	for (size_t i = 0; i < r->nproblems; i++)
		json_array_append_new(problems,
				      json_pack("{s:I, s:o}", "line", (json_int_t)r->problems[i].line,
						"message", ruru_json_text(r->problems[i].message,
									  strlen(r->problems[i].message))));
	return json_pack("{s:s, s:s, s:s?, s:I, s:I, s:I, s:o}", "session", r->session, "host",
			 r->host, "artifact", r->artifact, "entries", (json_int_t)r->entries,
			 "records", (json_int_t)r->records, "unknown", (json_int_t)r->unknown,
			 "problems", problems);
}

void ruru_import_report_text(const struct ruru_import_report *r, struct ruru_buf *out)
{
	struct ruru_buf l = RURU_BUF_INIT;
	for (size_t i = 0; i < r->nproblems; i++) {
		ruru_buf_addf(&l, "%s:%zu: %s", r->name ? r->name : "-", r->problems[i].line,
			      r->problems[i].message);
		ruru_text_escape(out, l.ptr, l.len);
		ruru_buf_addch(out, '\n');
		ruru_buf_reset(&l);
	}
	ruru_buf_addstr(&l, "imported ");
	ruru_text_count(&l, r->records, "record", "records");
	ruru_buf_addstr(&l, " as ");
	ruru_text_count(&l, r->entries, "entry", "entries");
	ruru_buf_addf(&l, " (%zu of an unknown kind kept in %s); the session is paused", r->unknown,
		      r->artifact ? r->artifact : "-");
	ruru_text_escape(out, l.ptr, l.len);
	ruru_buf_addch(out, '\n');
	ruru_buf_release(&l);
}
