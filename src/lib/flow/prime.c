/*
 * prime.c — `ruru prime` (DESIGN §12): the state of the work for a model's
 * first turn and after every compaction, deterministic, no model, at most
 * `max_chars` bytes.  In order: the session and its goal (or "no active
 * session" and the recent ones), pending confirmations with their targets,
 * open items, the last decision, as many recent entries as fit, one line
 * on how to log.  What comes first is kept first: when the bound is tight,
 * recent entries go, then the tail of each list (with a line saying how
 * many were left out), never the order.
 *
 * It must stay fast on a 100,000-entry log, so it never parses the whole
 * log: the front matter is read alone, recent entries come from the last
 * 64 KiB, and open items from one pass over the mapped file that looks
 * only at the type word of each entry line and parses just the
 * delegations, results, errors and decisions in ruru's own format.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "logtx.h"
#include "store.h"
#include "workspace.h"
#include "text.h"
#include "banned.h"

#define TAIL_BYTES (16 * 1024) /* at least; 8 times the bound when larger */
#define ITEM_MAX 240 /* bytes of one line of the digest */

/* One line for an entry: the summary's first line, cut at ITEM_MAX. */
static void entry_line(struct ruru_buf *out, const struct ruru_entry *e)
{
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_entry_summary(&b, e, "- ", "  ");
	size_t n = b.len;
	const char *nl = memchr(b.ptr, '\n', b.len);
	if (nl)
		n = (size_t)(nl - b.ptr);
	bool cut = n < b.len - 1 || n > ITEM_MAX;
	if (n > ITEM_MAX) {
		n = ITEM_MAX;
		while (n > 0 && ((unsigned char)b.ptr[n] & 0xC0) == 0x80)
			n--;
	}
	ruru_buf_add(out, b.ptr, n);
	ruru_buf_addstr(out, cut ? " …\n" : "\n");
	ruru_buf_release(&b);
}

/* ---------------------------------------------------------- open items */

/*
 * Open items come from one backward pass over the log: going from the
 * newest entry to the oldest, a result marks its task (and mode) as
 * answered and a successful one marks every earlier error as resolved, so
 * a delegation is open when no later result named its task (or, without a
 * task, its mode) nor a later note withdrew the proposal it hands over
 * (RURU_WITHDRAWN_LEAD), and an error when no later result succeeded.  Only entry
 * lines in ruru's format are looked at ("- [STAMP] **TYPE** · key `v`"),
 * by their header alone; nothing is allocated per entry, so a log of
 * 100,000 entries costs a few milliseconds.
 */
struct span {
	const char *p;
	size_t n;
};

struct spanset {
	struct span *slot;
	size_t cap, used;
};

static uint64_t span_hash(struct span s)
{
	return ruru_fnv1a(s.p, s.n);
}

static bool set_has(const struct spanset *set, struct span s)
{
	if (!set->cap)
		return false;
	for (size_t i = span_hash(s) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
		if (!set->slot[i].p)
			return false;
		if (set->slot[i].n == s.n && !memcmp(set->slot[i].p, s.p, s.n))
			return true;
	}
}

static void set_add(struct spanset *set, struct span s)
{
	if (set_has(set, s))
		return;
	if (2 * (set->used + 1) > set->cap) {
		struct spanset bigger = { .cap = set->cap ? 2 * set->cap : 64 };
		bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
		if (!bigger.slot)
			abort();
		for (size_t i = 0; i < set->cap; i++)
			if (set->slot[i].p)
				set_add(&bigger, set->slot[i]);
		free(set->slot);
		*set = bigger;
	}
	size_t i = span_hash(s) & (set->cap - 1);
	while (set->slot[i].p)
		i = (i + 1) & (set->cap - 1);
	set->slot[i] = s;
	set->used++;
}

/* The header of one entry line: type and the fields prime needs. */
struct head {
	enum ruru_event type;
	const char *fields, *end; /* " · key `value`"... up to the line's end */
	struct span task, mode, outcome, artifact;
};

/* Does [p, end) start with the literal `lit`? */
#define STARTS(p, end, lit) ((size_t)((end) - (p)) >= sizeof(lit) - 1 && !memcmp((p), (lit), sizeof(lit) - 1))

/* "- [STAMP] **TYPE**" of the five types prime looks at; the fields are
 * read by read_fields() only when needed (this runs for every line). */
static bool read_head(const char *p, const char *end, struct head *h)
{
	if (end - p < 12 || p[1] != ' ' || p[2] != '[')
		return false;
	size_t room = (size_t)(end - p - 3);
	const char *rb = memchr(p + 3, ']', room < 48 ? room : 48);
	if (!rb || rb[1] != ' ' || rb[2] != '*' || rb[3] != '*')
		return false;
	const char *t = rb + 4;
	switch (*t) {
	case 'd':
		if (STARTS(t, end, "delegation**"))
			h->type = RURU_EV_DELEGATION, t += 12;
		else if (STARTS(t, end, "decision**"))
			h->type = RURU_EV_DECISION, t += 10;
		else
			return false;
		break;
	case 'r':
		if (!STARTS(t, end, "result**"))
			return false;
		h->type = RURU_EV_RESULT, t += 8;
		break;
	case 'e':
		if (!STARTS(t, end, "error**"))
			return false;
		h->type = RURU_EV_ERROR, t += 7;
		break;
	case 'n':
		if (!STARTS(t, end, "note**"))
			return false;
		h->type = RURU_EV_NOTE, t += 6;
		break;
	default:
		return false;
	}
	h->fields = t;
	h->end = end;
	return true;
}

static void read_fields(struct head *h)
{
	const char *end = h->end;
	h->task = h->mode = h->outcome = h->artifact = (struct span){ 0 };
	for (const char *q = h->fields; STARTS(q, end, " \xC2\xB7 ");) {
		const char *k = q + 4, *sp = memchr(k, ' ', (size_t)(end - k));
		if (!sp || end - sp < 3 || sp[1] != '`')
			break;
		const char *v = sp + 2, *ve = memchr(v, '`', (size_t)(end - v));
		if (!ve)
			break;
		struct span val = { v, (size_t)(ve - v) };
		size_t kn = (size_t)(sp - k);
		if (RURU_IS_LIT(k, kn, "task"))
			h->task = val;
		else if (RURU_IS_LIT(k, kn, "mode"))
			h->mode = val;
		else if (RURU_IS_LIT(k, kn, "outcome"))
			h->outcome = val;
		else if (RURU_IS_LIT(k, kn, "artifact"))
			h->artifact = val;
		q = ve + 1;
	}
}

#define SHOW_MAX 32 /* open items kept for display (newest first) */

struct scan {
	size_t open_at[SHOW_MAX]; /* offsets of the newest open items */
	size_t nshow, nopen;
	size_t decision_at;
	bool has_decision;
};

static void scan_log(const char *text, size_t len, struct scan *s)
{
	struct spanset tasks = { 0 }, modes = { 0 }, withdrawn = { 0 };
	bool later_success = false;
	size_t end = len;
	while (end > 0) {
		const char *nl = end > 1 ? memrchr(text, '\n', end - 1) : NULL;
		size_t start = nl ? (size_t)(nl - text) + 1 : 0;
		struct head h;
		if (text[start] == '-' && read_head(text + start, text + end, &h)) {
			bool open = false;
			switch (h.type) {
			case RURU_EV_RESULT:
				read_fields(&h);
				if (h.task.p)
					set_add(&tasks, h.task);
				if (h.mode.p)
					set_add(&modes, h.mode);
				if (!h.outcome.p || RURU_IS_LIT(h.outcome.p, h.outcome.n, "success"))
					later_success = true;
				break;
			case RURU_EV_DELEGATION:
				/* Until a result or a withdrawal has been seen, every
				 * delegation is open. */
				open = true;
				if (tasks.used || modes.used || withdrawn.used) {
					read_fields(&h);
					open = h.task.p ? !set_has(&tasks, h.task)
							: !(h.mode.p && set_has(&modes, h.mode));
					if (h.artifact.p && set_has(&withdrawn, h.artifact))
						open = false;
				}
				break;
			case RURU_EV_NOTE: {
				/* Only ruru's withdrawal note matters: " · artifact
				 * `X`: Withdrew…"; any other note is passed over
				 * after a compare or two. */
				static const char key[] = " \xC2\xB7 artifact `";
				const char *v = h.fields + sizeof(key) - 1, *ve;
				if (STARTS(h.fields, h.end, key) &&
				    (ve = memchr(v, '`', (size_t)(h.end - v))) &&
				    STARTS(ve + 1, h.end, ": " RURU_WITHDRAWN_LEAD))
					set_add(&withdrawn, (struct span){ v, (size_t)(ve - v) });
				break;
			}
			case RURU_EV_ERROR:
				open = !later_success;
				break;
			case RURU_EV_DECISION:
				if (!s->has_decision) {
					s->has_decision = true;
					s->decision_at = start;
				}
				break;
			default:
				break;
			}
			if (open) {
				if (s->nshow < SHOW_MAX)
					s->open_at[s->nshow++] = start;
				s->nopen++;
			}
		}
		end = start;
	}
	free(tasks.slot);
	free(modes.slot);
	free(withdrawn.slot);
}

/* Map the log read-only, scan it, and parse the items to show. */
static int scan_file(struct ruru_store *store, const char *path, size_t body, struct scan *s, struct ruru_entry *shown,
		     struct ruru_entry *decision, bool *has_decision, struct ruru_error *err)
{
	/* Opened the way the storage layer walks a workspace path: never
	 * through a symlink, a regular file only. */
	int fd = ruru_store_open_read(store, path, err);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ruru_error_set(err, RURU_EFAIL, "cannot read the session log");
	}
	size_t len = (size_t)st.st_size;
	if (len <= body) {
		close(fd);
		return 0;
	}
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return ruru_error_set(err, RURU_EFAIL, "cannot map the session log");
	const char *text = map;
	const char *nl = memchr(text + body, '\n', len - body);
	const char *eol = nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
	scan_log(text + body, len - body, s);
	size_t k = 0;
	for (size_t i = 0; i < s->nshow; i++) {
		size_t at = body + s->open_at[i];
		if (ruru_entry_parse_strict(text + at, len - at, eol, &shown[k]))
			k++;
	}
	s->nopen -= s->nshow - k;
	s->nshow = k;
	if (s->has_decision) {
		size_t at = body + s->decision_at;
		*has_decision = ruru_entry_parse_strict(text + at, len - at, eol, decision);
	}
	munmap(map, len);
	return 0;
}

/* ---------------------------------------------------------- the digest */

struct budget {
	struct ruru_buf *out;
	size_t max; /* the bound for everything but the footer */
};

/* Add `line` when it fits (keeping `reserve` bytes free); false otherwise. */
static bool fits(struct budget *b, const struct ruru_buf *line, size_t reserve)
{
	if (b->out->len + line->len + reserve > b->max)
		return false;
	ruru_buf_add(b->out, line->ptr, line->len);
	return true;
}

/* A list: heading, then items while they fit, leaving room for the line
 * that says how many of `total` were left out and where to see them. */
static void add_list(struct budget *b, const char *heading, json_t *lines, size_t total,
		     const char *where)
{
	size_t n = json_array_size(lines);
	if (!total)
		return;
	struct ruru_buf h = RURU_BUF_INIT, more = RURU_BUF_INIT, line = RURU_BUF_INIT;
	ruru_buf_addstr(&h, heading);
	ruru_buf_addf(&more, "- … and %zu more (%s)\n", total, where);
	if (!fits(b, &h, more.len))
		goto out;
	size_t i;
	for (i = 0; i < n; i++) {
		ruru_buf_reset(&line);
		ruru_buf_addstr(&line, json_string_value(json_array_get(lines, i)));
		ruru_buf_reset(&more);
		if (i + 1 < total)
			ruru_buf_addf(&more, "- … and %zu more (%s)\n", total - i - 1, where);
		if (!fits(b, &line, more.len))
			break;
	}
	if (i < total) {
		ruru_buf_reset(&more);
		ruru_buf_addf(&more, "- … and %zu more (%s)\n", total - i, where);
		fits(b, &more, 0);
	}
out:
	ruru_buf_release(&h);
	ruru_buf_release(&more);
	ruru_buf_release(&line);
}

static void no_session(struct ruru_ws *ws, struct budget *b, json_t *j)
{
	struct ruru_session *list = NULL;
	size_t n = 0;
	struct ruru_error e = { 0 };
	ruru_buf_addstr(b->out, "ruru: no active session.\n");
	json_t *recent = json_array();
	if (ruru_session_list(ws, RURU_STATUS_UNKNOWN, NULL, &list, &n, &e) == 0 && n) {
		struct ruru_buf line = RURU_BUF_INIT;
		ruru_buf_addstr(b->out, "Recent sessions:\n");
		for (size_t i = 0; i < n && i < 5; i++) {
			ruru_buf_reset(&line);
			ruru_buf_addf(&line, "- %s [%s] %.*s\n", list[i].id,
				      ruru_status_word(list[i].status) ? ruru_status_word(list[i].status)
								      : "unknown",
				      ITEM_MAX / 2, list[i].title ? list[i].title : "");
			for (size_t k = 2; k + 1 < line.len; k++)
				if (line.ptr[k] == '\n' || line.ptr[k] == '\r')
					line.ptr[k] = ' ';
			if (!fits(b, &line, 0))
				break;
			json_array_append_new(recent, json_pack("{s:s, s:s?, s:s?}", "id", list[i].id,
								"status", ruru_status_word(list[i].status),
								"title", list[i].title));
		}
		ruru_buf_release(&line);
	}
	ruru_session_list_free(list, n);
	json_object_set_new(j, "session", json_null());
	json_object_set_new(j, "recent_sessions", recent);
}

int ruru_prime(struct ruru_ws *ws, const char *id, size_t max_chars, char **text, json_t **json,
	       struct ruru_error *err)
{
	if (!max_chars)
		max_chars = 2000;
	struct ruru_buf out = RURU_BUF_INIT, footer = RURU_BUF_INIT, line = RURU_BUF_INIT;
	ruru_buf_init(&out);
	json_t *j = json_object();
	struct ruru_error e = { 0 };
	char *sid = ruru_session_resolve(ws, id, &e);
	if (!sid && id) {
		*err = e;
		json_decref(j);
		return -1;
	}
	ruru_buf_addstr(&footer, "Log each event: ruru log --type TYPE \"MESSAGE\" (MCP tool "
				 "session_log); full digest: ruru show --digest\n");
	struct budget b = { &out, max_chars > footer.len ? max_chars - footer.len : 0 };
	struct scan sc = { 0 };
	struct ruru_entry shown[SHOW_MAX], decision;
	bool has_decision = false;
	struct ruru_session s = { 0 };
	bool loaded = false;
	int rc = 0;
	if (!sid) {
		no_session(ws, &b, j);
		ruru_buf_reset(&footer);
		ruru_buf_addstr(&footer, "Start: ruru new \"GOAL\"; pick one up: ruru continue ID\n");
		b.max = max_chars > footer.len ? max_chars - footer.len : 0;
		goto finish;
	}
	if (ruru_session_load(ws, sid, 0, &s, err) < 0) {
		rc = -1;
		goto finish;
	}
	loaded = true;
	ruru_buf_addf(&line, "ruru session %s [%s]%s\n", sid,
		      ruru_status_word(s.status) ? ruru_status_word(s.status) : "unknown",
		      s.status == RURU_STATUS_ACTIVE ? "" : " (not active: ruru continue to resume)");
	fits(&b, &line, 0);
	ruru_buf_reset(&line);
	ruru_buf_addf(&line, "Goal: %.*s\n", ITEM_MAX, s.title && *s.title ? s.title : "(none)");
	for (size_t k = 0; k + 1 < line.len; k++)
		if (line.ptr[k] == '\n' || line.ptr[k] == '\r')
			line.ptr[k] = ' ';
	fits(&b, &line, 0);
	json_object_set_new(j, "session", json_string(sid));
	json_object_set_new(j, "status", ruru_status_word(s.status)
						 ? json_string(ruru_status_word(s.status))
						 : json_null());
	json_object_set_new(j, "goal", s.title ? json_string(s.title) : json_null());

	/* Pending confirmations, with their targets. */
	json_t *pending = json_array(), *plines = json_array();
	json_t *all = ruru_confirm_list(ws, sid, NULL, &e);
	size_t i;
	json_t *c;
	json_array_foreach(all, i, c) {
		const char *st = json_string_value(json_object_get(c, "status"));
		if (!st || (strcmp(st, "pending") && strcmp(st, "approved") && strcmp(st, "skipped")))
			continue;
		const char *art = json_string_value(json_object_get(c, "artifact"));
		/* A session's proposal as the log names it: artifacts/CONFIRM-…. */
		const char *sess = json_string_value(json_object_get(c, "session"));
		const char *in = art && sess ? strstr(art, sess) : NULL;
		if (in && !strncmp(in + strlen(sess), RURU_LIT("/artifacts/")))
			art = in + strlen(sess) + 1;
		const char *tg = json_string_value(json_object_get(c, "target"));
		json_array_append_new(pending, json_pack("{s:s?, s:s?, s:s}", "artifact", art, "target",
							 tg, "status", st));
		json_array_append_new(plines, json_sprintf("- %s → %s (%s%s)\n", art ? art : "?",
							   tg ? tg : "?", st,
							   !strcmp(st, "pending") ? ": ask the user"
										 : ": delegate and apply"));
	}
	json_decref(all);
	add_list(&b, "Pending confirmations:\n", plines, json_array_size(plines),
		 "ruru confirm list");
	json_decref(plines);
	json_object_set_new(j, "pending_confirmations", pending);

	/* Open items: one pass over the log. */
	char *path = ruru_ws_path(ws, s.path);
	struct ruru_buf head = RURU_BUF_INIT;
	size_t body = 0;
	struct ruru_frontmatter fm;
	if (ruru_read_front_matter(ws->store, AT_FDCWD, path, &head, &e) == 0 &&
	    ruru_frontmatter_split(head.ptr, head.len, &fm))
		body = fm.body;
	ruru_buf_release(&head);
	if (scan_file(ws->store, path, body, &sc, shown, &decision, &has_decision, err) < 0) {
		free(path);
		rc = -1;
		goto finish;
	}
	json_t *open = json_array(), *olines = json_array();
	for (i = 0; i < sc.nshow; i++) {
		ruru_buf_reset(&line);
		entry_line(&line, &shown[i]);
		json_array_append_new(olines, json_stringn(line.ptr, line.len));
		json_array_append_new(open, ruru_entry_json(&shown[i]));
	}
	add_list(&b, "Open items (newest first):\n", olines, sc.nopen,
		 "ruru show --digest");
	json_decref(olines);
	json_object_set_new(j, "open_items", open);
	json_object_set_new(j, "open_item_count", json_integer((json_int_t)sc.nopen));
	if (has_decision) {
		struct ruru_buf d = RURU_BUF_INIT;
		ruru_buf_addstr(&d, "Last decision:\n");
		entry_line(&d, &decision);
		fits(&b, &d, 0);
		ruru_buf_release(&d);
		json_object_set_new(j, "last_decision", ruru_entry_json(&decision));
	} else {
		json_object_set_new(j, "last_decision", json_null());
	}

	/* Recent entries from the tail, newest kept first. */
	struct ruru_buf tail = RURU_BUF_INIT;
	off_t size = 0;
	json_t *recent = json_array();
	if (ruru_store_read_tail(ws->store, path, max_chars * 8 > TAIL_BYTES ? max_chars * 8 : TAIL_BYTES, &tail, &size,
			   &e) == 0) {
		size_t start = 0;
		if ((size_t)size > tail.len) {
			const char *nl = memchr(tail.ptr, '\n', tail.len);
			start = nl ? (size_t)(nl - tail.ptr) + 1 : tail.len;
		} else {
			start = body;
		}
		struct ruru_entry *ents = NULL;
		size_t n = start <= tail.len ? ruru_entries_parse(tail.ptr, tail.len, start, &ents) : 0;
		struct ruru_buf lines = RURU_BUF_INIT, hdr = RURU_BUF_INIT;
		ruru_buf_init(&lines);
		size_t first = n;
		ruru_buf_addstr(&hdr, "Recent entries:\n");
		size_t room = b.max > out.len + hdr.len ? b.max - out.len - hdr.len : 0;
		size_t used = 0;
		while (first > 0) {
			ruru_buf_reset(&line);
			entry_line(&line, &ents[first - 1]);
			if (used + line.len > room)
				break;
			used += line.len;
			first--;
		}
		if (first < n) {
			ruru_buf_add(&out, hdr.ptr, hdr.len);
			for (size_t k = first; k < n; k++) {
				entry_line(&out, &ents[k]);
				json_array_append_new(recent, ruru_entry_json(&ents[k]));
			}
		}
		for (size_t k = 0; k < n; k++)
			ruru_entry_release(&ents[k]);
		free(ents);
		ruru_buf_release(&lines);
		ruru_buf_release(&hdr);
	}
	ruru_buf_release(&tail);
	free(path);
	json_object_set_new(j, "recent_entries", recent);

finish:
	if (rc == 0) {
		ruru_buf_add(&out, footer.ptr, footer.len);
		if (out.len > max_chars) {
			/* Even the head does not fit: cut at a character boundary. */
			size_t cut = max_chars;
			while (cut > 0 && ((unsigned char)out.ptr[cut] & 0xC0) == 0x80)
				cut--;
			out.len = cut;
			out.ptr[cut] = '\0';
		}
		json_object_set_new(j, "text", json_stringn(out.ptr, out.len));
		if (text)
			*text = ruru_buf_detach(&out, NULL);
		if (json)
			*json = j;
		else
			json_decref(j);
	} else {
		json_decref(j);
	}
	if (loaded)
		ruru_session_release(&s);
	for (size_t k = 0; k < sc.nshow; k++)
		ruru_entry_release(&shown[k]);
	if (has_decision)
		ruru_entry_release(&decision);
	free(sid);
	ruru_buf_release(&out);
	ruru_buf_release(&footer);
	ruru_buf_release(&line);
	return rc;
}

/*
 * The hook's answer.  Claude Code (code.claude.com/docs/en/hooks), Codex
 * (developers.openai.com/codex/hooks) and Gemini CLI
 * (geminicli.com/docs/hooks/reference) read a JSON object on stdout; for
 * SessionStart,
 *   {"hookSpecificOutput": {"hookEventName": "SessionStart",
 *                           "additionalContext": TEXT}}
 * adds TEXT to the model's context.  Claude Code's PreCompact has no such
 * field (only a "decision" to block, which ruru never does): there the
 * digest is printed as plain text, which Claude Code shows in its
 * transcript, and the context comes back through SessionStart with the
 * source "compact" once the compacted window is built.
 */
int ruru_prime_hook(const char *host, const char *input, size_t len, const char *digest,
		    struct ruru_buf *out, struct ruru_error *err)
{
	if (strcmp(host, "claude") && strcmp(host, "gemini") && strcmp(host, "codex"))
		return ruru_error_set(err, RURU_EUSAGE,
				      "no hook format for host \"%s\" (claude, codex, gemini)", host);
	const char *event = "SessionStart";
	json_t *in = len ? json_loadb(input, len, 0, NULL) : NULL;
	const char *named = json_string_value(json_object_get(in, "hook_event_name"));
	if (named && *named)
		event = named;
	int rc = 0;
	if (!strcmp(event, "PreCompact") || !strcmp(event, "PreCompress")) {
		ruru_buf_addstr(out, "Keep the ruru session ID and the open items below in the summary.\n");
		ruru_buf_addstr(out, digest);
	} else {
		json_t *o = json_pack("{s:{s:s, s:s}}", "hookSpecificOutput", "hookEventName", event,
				      "additionalContext", digest);
		char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (s) {
			ruru_buf_addstr(out, s);
			ruru_buf_addch(out, '\n');
		} else {
			rc = ruru_error_set(err, RURU_EFAIL, "cannot encode the hook's JSON");
		}
		free(s);
		json_decref(o);
	}
	json_decref(in);
	return rc;
}
