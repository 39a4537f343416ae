/*
 * entry.c — the "## Log Entries" part of a session log: timestamps, rendering
 * an entry in ruru's format, reading entries back, and finding where the next
 * entry goes.
 *
 * ruru's own format is a small grammar (see entry.h) that round-trips every
 * message byte for byte: the only escape is the two-space indent of
 * continuation lines, so nothing inside a message can ever reach column 0,
 * where entries, headings, fences and "+++" are recognised.
 *
 * Real logs were written by agents by hand and drift a lot (see the compat
 * corpus README).  The reader is therefore one line-oriented scan that
 * classifies every column-0 line (entry, heading, fence, rule, placeholder,
 * text) and attaches everything that is not a new entry, a heading or a rule
 * to the entry above it.  Each entry found is then tried against the strict
 * grammar first and read leniently otherwise.  The scan is linear: every
 * byte is looked at a bounded number of times and messages are built once.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entry.h"
#include "timestamp.h"
#include "text.h"
#include "banned.h"

/* ---------------------------------------------------------- small helpers */

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool starts(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(p, lit, k) == 0;
}

/* Case-insensitive prefix test against a lowercase literal. */
static bool starts_ci(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (to_lower((unsigned char)p[i]) != lit[i])
			return false;
	return true;
}

static char *dup_mem(const char *p, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		abort();
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* A line of the text: [start, cend) is its content without the line ending,
 * `next` the offset of the following line.  In lenient reading a CR before
 * the LF is always part of the line ending. */
struct line {
	size_t start, cend, next;
};

static struct line line_at(const char *t, size_t len, size_t off)
{
	struct line l = { off, len, len };
	const char *nl = memchr(t + off, '\n', len - off);
	if (nl) {
		l.cend = (size_t)(nl - t);
		l.next = l.cend + 1;
	}
	if (l.cend > off && t[l.cend - 1] == '\r' && nl)
		l.cend--;
	return l;
}

/* ---------------------------------------------------------- ruru's format */

#define SEP "\xC2\xB7" /* U+00B7 MIDDLE DOT, between fields */

/* Where each field of RURU_ENTRY_FIELDS lives in struct ruru_entry. */
static const size_t field_offset[RURU_FIELD_COUNT] = {
#define RURU_X_OFF(u, l, m, h) [RURU_FIELD_##u] = offsetof(struct ruru_entry, l),
	RURU_ENTRY_FIELDS(RURU_X_OFF)
#undef RURU_X_OFF
};
#define NFIELDS RURU_FIELD_COUNT

static char **field_slot(struct ruru_entry *e, int i)
{
	return (char **)((char *)e + field_offset[i]);
}

static const char *field_value(const struct ruru_entry *e, int i)
{
	return *(char *const *)((const char *)e + field_offset[i]);
}

bool ruru_entry_field_ok(const char *value)
{
	return value && *value && !strpbrk(value, "`\r\n");
}

bool ruru_entry_withdraws(const struct ruru_entry *e, const char *artifact)
{
	size_t n = sizeof(RURU_WITHDRAWN_LEAD) - 1;
	return e->type == RURU_EV_NOTE && artifact && e->artifact && !strcmp(e->artifact, artifact) &&
	       e->message && e->message_len >= n && !memcmp(e->message, RURU_WITHDRAWN_LEAD, n);
}

static bool type_name_ok(const char *p, size_t n)
{
	if (!n || !(p[0] >= 'a' && p[0] <= 'z'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || is_digit((unsigned char)p[i]) || p[i] == '-'))
			return false;
	return true;
}

/* The one renderer: stamp text (NULL: format `when`), type name, fields
 * (NULL when absent), message. */
static void render(struct ruru_buf *out, const char *stamp_text, time_t when, const char *name,
		   const char *const fv[NFIELDS], const char *m, size_t mlen, const char *eol)
{
	char stamp[32];
	if (!eol)
		eol = "\n";
	ruru_buf_addstr(out, "- [");
	if (stamp_text) {
		ruru_buf_addstr(out, stamp_text);
	} else {
		ruru_time_format_entry(when, stamp);
		ruru_buf_addstr(out, stamp);
	}
	ruru_buf_addstr(out, "] **");
	ruru_buf_addstr(out, name);
	ruru_buf_addstr(out, "**");
	for (int i = 0; i < NFIELDS; i++)
		if (fv[i])
			ruru_buf_addf(out, " " SEP " %s `%s`", ruru_field_name((enum ruru_field)i), fv[i]);
	if (!m)
		mlen = 0;
	if (mlen) {
		ruru_buf_addstr(out, ": ");
		size_t pos = 0;
		for (;;) {
			const char *nl = memchr(m + pos, '\n', mlen - pos);
			size_t end = nl ? (size_t)(nl - m) : mlen;
			ruru_buf_add(out, m + pos, end - pos);
			ruru_buf_addstr(out, eol);
			if (!nl)
				break;
			pos = end + 1;
			ruru_buf_addstr(out, "  ");
		}
	} else {
		ruru_buf_addstr(out, eol);
	}
}

void ruru_entry_render(struct ruru_buf *out, const struct ruru_entry *e, const char *eol)
{
	const char *name = ruru_event_name(e->type);
	if (!name)
		name = e->type_name && *e->type_name ? e->type_name : "note";
	const char *fv[NFIELDS];
	for (int i = 0; i < NFIELDS; i++)
		fv[i] = field_value(e, i);
	render(out, e->stamp, e->when, name, fv, e->message, e->message_len, eol);
}

void entry_render_input(struct ruru_buf *out, const struct ruru_log_input *in, time_t when,
			const char *eol)
{
	const char *name = ruru_event_name(in->type);
	render(out, NULL, when, name ? name : "note", in->field, in->message, in->message_len, eol);
}

int entry_input_check(const struct ruru_log_input *in, struct ruru_error *err)
{
	/* The text rule (DESIGN §2) for the message and every field. */
	if (ruru_text_check("message", in->message, in->message_len, 0, err) < 0)
		return -1;
	for (int f = 0; f < RURU_FIELD_COUNT; f++)
		if (in->field[f] && ruru_text_check(ruru_field_name((enum ruru_field)f), in->field[f],
						    strlen(in->field[f]), RURU_TEXT_LINE, err) < 0)
			return -1;
	if ((int)in->type < 0 || in->type >= RURU_EV_COUNT)
		return ruru_error_set(err, RURU_EUSAGE, "unknown event type");
	for (int i = 0; i < NFIELDS; i++)
		if (in->field[i] && !ruru_entry_field_ok(in->field[i])) {
			ruru_error_set(err, RURU_EUSAGE, "the %s is empty or holds a backtick or a "
					  "line break", ruru_field_name((enum ruru_field)i));
			return ruru_error_hint(err, ruru_field_name((enum ruru_field)i), RURU_HINT_NONE,
					       NULL);
		}
	const char *oc = in->field[RURU_FIELD_OUTCOME];
	if (oc && ruru_outcome_parse(oc) == RURU_OUTCOME_UNKNOWN) {
		struct ruru_buf words = RURU_BUF_INIT;
		const char *w;
		for (size_t i = 0; (w = ruru_vocab_word(RURU_VOCAB_OUTCOME, i)); i++)
			ruru_buf_addf(&words, "%s%s",
				      !i ? "" : ruru_vocab_word(RURU_VOCAB_OUTCOME, i + 1) ? ", " : " or ",
				      w);
		ruru_error_set(err, RURU_EUSAGE, "the outcome is %s, not \"%s\"", words.ptr, oc);
		ruru_buf_release(&words);
		return ruru_error_hint(err, "outcome", RURU_HINT_NONE, NULL);
	}
	/* A delegation or result adds its task to related_tasks (DESIGN §3),
	 * which holds MDTM task IDs only, as `task link` requires. */
	const char *task = in->field[RURU_FIELD_TASK];
	if (task && (in->type == RURU_EV_DELEGATION || in->type == RURU_EV_RESULT) &&
	    ruru_task_id_check(task, err) < 0)
		return -1;
	/* An outcome belongs to its type (DESIGN §3): a result succeeded or
	 * failed, a confirm-response is the user's approval or rejection. */
	enum ruru_outcome o = oc ? ruru_outcome_parse(oc) : RURU_OUTCOME_UNKNOWN;
	bool answer = o == RURU_OUTCOME_APPROVED || o == RURU_OUTCOME_REJECTED;
	if (oc && ((in->type == RURU_EV_RESULT && answer) ||
		   (in->type == RURU_EV_CONFIRM_RESPONSE && !answer))) {
		ruru_error_set(err, RURU_EUSAGE, "the outcome of a %s is %s, not \"%s\"",
			       ruru_event_name(in->type),
			       answer ? "success or failure" : "approved or rejected", oc);
		return ruru_error_hint(err, "outcome", RURU_HINT_NONE, NULL);
	}
	return 0;
}

/* A line of an entry in ruru's format: content [start, cend), next line at
 * `next`.  In CRLF mode every line must end in CRLF (or the text ends). */
static bool strict_line(const char *t, size_t len, size_t off, bool crlf, struct line *l)
{
	const char *nl = memchr(t + off, '\n', len - off);
	l->start = off;
	if (!nl) {
		l->cend = l->next = len;
		return true;
	}
	l->cend = (size_t)(nl - t);
	l->next = l->cend + 1;
	if (crlf) {
		if (l->cend == off || t[l->cend - 1] != '\r')
			return false;
		l->cend--;
	}
	return true;
}

/* Is s[0..n) a stamp ruru writes: "YYYY-MM-DD HH:MM:SS" then "Z" or ±HH:MM? */
static bool strict_stamp(const char *s, size_t n, struct stamp *st)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	if (n != 20 && n != 25)
		return false;
	for (size_t i = 0; i < 19; i++)
		if (shape[i] == 'd' ? !is_digit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	if (n == 20 ? s[19] != 'Z'
		    : !((s[19] == '+' || s[19] == '-') && is_digit((unsigned char)s[20]) &&
			is_digit((unsigned char)s[21]) && s[22] == ':' && is_digit((unsigned char)s[23]) &&
			is_digit((unsigned char)s[24])))
		return false;
	return scan_stamp(s, n, false, st) == n && st->has_zone && st->has_seconds;
}

/* Parse one entry in ruru's format at t[0..len); *used is its length with
 * its continuation lines.  On failure nothing is left allocated in e. */
static bool strict_parse(const char *t, size_t len, bool crlf, struct ruru_entry *e, size_t *used)
{
	struct line l;
	struct stamp st;
	struct ruru_buf msg = RURU_BUF_INIT;
	memset(e, 0, sizeof(*e));
	e->type = RURU_EV_UNKNOWN;
	if (!strict_line(t, len, 0, crlf, &l) || !starts(t, l.cend, "- ["))
		return false;
	const char *p = t + 3, *end = t + l.cend;
	const char *rb = memchr(p, ']', (size_t)(end - p));
	if (!rb || !strict_stamp(p, (size_t)(rb - p), &st))
		return false;
	const char *stamp = p;
	size_t stamp_len = (size_t)(rb - p);
	p = rb + 1;
	if (!starts(p, (size_t)(end - p), " **"))
		return false;
	p += 3;
	const char *tn = p;
	while (p < end && *p != '*')
		p++;
	if (!starts(p, (size_t)(end - p), "**") || !type_name_ok(tn, (size_t)(p - tn)))
		return false;
	size_t tn_len = (size_t)(p - tn);
	p += 2;
	int next_field = 0;
	const char *fv[NFIELDS] = { 0 };
	size_t fl[NFIELDS] = { 0 };
	while (starts(p, (size_t)(end - p), " " SEP " ")) {
		const char *k = p + 4;
		int f = next_field;
		while (f < NFIELDS) {
			size_t kl = strlen(ruru_field_name((enum ruru_field)f));
			if ((size_t)(end - k) > kl + 1 && memcmp(k, ruru_field_name((enum ruru_field)f), kl) == 0 &&
			    k[kl] == ' ' && k[kl + 1] == '`')
				break;
			f++;
		}
		if (f == NFIELDS)
			return false;
		const char *v = k + strlen(ruru_field_name((enum ruru_field)f)) + 2;
		const char *bt = memchr(v, '`', (size_t)(end - v));
		/* a NUL would cut the value short: not ruru's (fuzz_entry) */
		if (!bt || memchr(v, '\r', (size_t)(bt - v)) || memchr(v, '\0', (size_t)(bt - v)))
			return false;
		fv[f] = v;
		fl[f] = (size_t)(bt - v);
		next_field = f + 1;
		p = bt + 1;
	}
	bool has_msg = false;
	if (p < end) {
		if (!starts(p, (size_t)(end - p), ": "))
			return false;
		has_msg = true;
		p += 2;
		ruru_buf_add(&msg, p, (size_t)(end - p));
	}
	size_t off = l.next;
	while (off < len && len - off >= 2 && t[off] == ' ' && t[off + 1] == ' ') {
		struct line c;
		if (!strict_line(t, len, off, crlf, &c)) {
			ruru_buf_release(&msg);
			return false;
		}
		ruru_buf_addch(&msg, '\n');
		ruru_buf_add(&msg, t + off + 2, c.cend - off - 2);
		off = c.next;
	}
	/* render() writes ": " exactly when the message is non-empty, and
	 * continuation lines only after it. */
	if (has_msg != (msg.len > 0) || (!has_msg && off != l.next)) {
		ruru_buf_release(&msg);
		return false;
	}
	e->stamp = dup_mem(stamp, stamp_len);
	e->when = st.when;
	e->when_valid = true;
	e->has_zone = true;
	e->type_name = dup_mem(tn, tn_len);
	e->type = ruru_event_parse(e->type_name);
	for (int f = 0; f < NFIELDS; f++)
		if (fv[f])
			*field_slot(e, f) = dup_mem(fv[f], fl[f]);
	e->message = ruru_buf_detach(&msg, &e->message_len);
	e->strict = true;
	e->line = 1;
	e->start = 0;
	e->end = off;
	*used = off;
	return true;
}

bool ruru_entry_parse_strict(const char *text, size_t len, const char *eol, struct ruru_entry *e)
{
	size_t used;
	return strict_parse(text, len, eol && strcmp(eol, "\r\n") == 0, e, &used);
}

/* ------------------------------------------------------ lenient reading */

enum line_kind {
	LK_TEXT,    /* anything else: continues the entry above */
	LK_BLANK,   /* empty line */
	LK_ENTRY,   /* a stamped entry line (list item, bare, bold, heading) */
	LK_HEADING, /* a heading without a stamp */
	LK_LOGHEAD, /* "## Log Entries" */
	LK_RULE,    /* "---", "***", "___" */
	LK_FENCE,   /* opening "```" or "~~~" */
	LK_SKIP,    /* placeholder stamp or "# - [...]" template line */
};

struct line_info {
	enum line_kind kind;
	int level;                /* heading level, 0 for none */
	size_t stamp, stamp_len;  /* absolute offsets of the stamp text */
	size_t msg;               /* absolute offset where the message starts */
	bool bold_open;           /* "**" opened before the stamp, closed later */
	struct stamp st;
	char fence_ch;
	size_t fence_n;
};

static bool is_rule(const char *p, size_t n)
{
	char c = 0;
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t')
			continue;
		if (!c && (p[i] == '-' || p[i] == '*' || p[i] == '_'))
			c = p[i];
		if (p[i] != c)
			return false;
		count++;
	}
	return count >= 3;
}

static bool is_placeholder(const char *p, size_t n)
{
	/* "[YYYY-MM-DD HH:MM:SS]", "[\\{{timestamp}}]", "[{{date}}]", "[TIMESTAMP]" */
	if (n && p[0] == '\\') {
		p++;
		n--;
	}
	return starts(p, n, "YY") || starts(p, n, "{") || starts(p, n, "<") ||
	       starts_ci(p, n, "timestamp") || starts_ci(p, n, "date") || starts_ci(p, n, "time]") ||
	       starts_ci(p, n, "hh:mm");
}

static bool is_loghead(const char *p, size_t n)
{
	if (!starts(p, n, "##") || n < 3 || (p[2] != ' ' && p[2] != '\t'))
		return false;
	size_t i = 2;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (!starts_ci(p + i, n - i, "log entries"))
		return false;
	for (i += 11; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != ':' && p[i] != '#')
			return false;
	return true;
}

/*
 * Find a stamp at t[p..e) after optional wrappers ("**", "`", "["), as in
 * "**[2025-05-29 10:05:00]**", "`[2025-06-10T06:36:00Z]`", "[250509175351]",
 * "2025-05-29T15:27:00", "**2025-05-13T05:55:10Z Prime Coordinator:**".
 * Fills the stamp and message offsets; false when there is none.
 */
static bool find_stamp(const char *t, size_t p, size_t e, struct line_info *li, bool *placeholder)
{
	bool bold = false, code = false, bracket = false;
	for (int k = 0; k < 4 && p < e; k++) {
		if (!bold && starts(t + p, e - p, "**")) {
			bold = true;
			p += 2;
		} else if (!code && t[p] == '`') {
			code = true;
			p++;
		} else if (!bracket && t[p] == '[') {
			bracket = true;
			p++;
		} else {
			break;
		}
	}
	*placeholder = false;
	size_t n = scan_stamp(t + p, e - p, bracket, &li->st);
	if (!n) {
		*placeholder = bracket && is_placeholder(t + p, e - p);
		return false;
	}
	li->stamp = p;
	li->stamp_len = n;
	size_t q = p + n;
	if (bracket) {
		/* "[2025-06-05 03:35:00 XYZ]": an unknown suffix stays in the stamp
		 * text, the instant is what could be read. */
		size_t r = q;
		while (r < e && r - q < 16 && t[r] != ']' && t[r] != '[')
			r++;
		if (r == e || t[r] != ']')
			return false;
		li->stamp_len = r - p;
		q = r + 1;
	} else if (q < e && (is_alpha((unsigned char)t[q]) || is_digit((unsigned char)t[q]))) {
		return false;
	}
	/* Closing wrappers, in whatever order they were opened. */
	for (int k = 0; k < 3 && q < e; k++) {
		if (code && t[q] == '`') {
			code = false;
			q++;
		} else if (bold && starts(t + q, e - q, "**")) {
			bold = false;
			q += 2;
		} else {
			break;
		}
	}
	li->bold_open = bold;
	/* Separators between stamp and text: " - ", ": ", " – ", " — ". */
	while (q < e && (t[q] == ' ' || t[q] == '\t'))
		q++;
	if (q < e && (t[q] == '-' || t[q] == ':') && (q + 1 == e || t[q + 1] == ' ' || t[q + 1] == '\t'))
		q++;
	else if (starts(t + q, e - q, "\xE2\x80\x93") || starts(t + q, e - q, "\xE2\x80\x94"))
		q += 3;
	while (q < e && (t[q] == ' ' || t[q] == '\t'))
		q++;
	li->msg = q;
	return true;
}

static void classify(const char *t, struct line l, struct line_info *li)
{
	size_t p = l.start, e = l.cend;
	memset(li, 0, sizeof(*li));
	li->kind = LK_TEXT;
	if (p == e) {
		li->kind = LK_BLANK;
		return;
	}
	char c = t[p];
	if ((c == '`' || c == '~') && starts(t + p, e - p, c == '`' ? "```" : "~~~")) {
		size_t n = 0;
		while (p + n < e && t[p + n] == c)
			n++;
		/* A backtick fence's info string may not hold a backtick. */
		if (c == '~' || !memchr(t + p + n, '`', e - p - n)) {
			li->kind = LK_FENCE;
			li->fence_ch = c;
			li->fence_n = n;
			return;
		}
	}
	bool placeholder = false;
	if (c == '#') {
		int level = 0;
		while (p < e && t[p] == '#' && level < 7) {
			level++;
			p++;
		}
		if (level > 6 || (p < e && t[p] != ' ' && t[p] != '\t'))
			return; /* "#tag", "#######": text */
		while (p < e && (t[p] == ' ' || t[p] == '\t'))
			p++;
		li->level = level;
		if (level == 1 && p + 1 < e && (t[p] == '-' || t[p] == '*') && (t[p + 1] == ' ')) {
			/* "# - [YYYY-MM-DD HH:MM:SS] ...": a template line someone
			 * commented out with a TOML habit; not a heading in spirit. */
			li->kind = LK_SKIP;
			return;
		}
		if (is_loghead(t + l.start, e - l.start)) {
			li->kind = LK_LOGHEAD;
			return;
		}
		if (level >= 2 && find_stamp(t, p, e, li, &placeholder)) {
			li->kind = LK_ENTRY;
			return;
		}
		li->kind = LK_HEADING;
		return;
	}
	if ((c == '-' || c == '*' || c == '_') && is_rule(t + p, e - p)) {
		li->kind = LK_RULE;
		return;
	}
	if ((c == '-' || c == '*' || c == '+') && p + 1 < e && (t[p + 1] == ' ' || t[p + 1] == '\t')) {
		p++;
		while (p < e && (t[p] == ' ' || t[p] == '\t'))
			p++;
		/* Task-list checkbox: "- [ ] **2025-05-13 11:11** ..." */
		if (e - p >= 4 && t[p] == '[' && (t[p + 1] == ' ' || t[p + 1] == 'x' || t[p + 1] == 'X') &&
		    t[p + 2] == ']' && t[p + 3] == ' ') {
			p += 4;
			while (p < e && t[p] == ' ')
				p++;
		}
	}
	if (find_stamp(t, p, e, li, &placeholder))
		li->kind = LK_ENTRY;
	else if (placeholder)
		li->kind = LK_SKIP;
}

/* "timestamp: 2025-..." or "**Timestamp:** 2025-..." opening a "---" block. */
static bool block_stamp(const char *t, struct line l, struct line_info *li)
{
	size_t p = l.start, e = l.cend;
	if (starts(t + p, e - p, "**"))
		p += 2;
	if (!starts_ci(t + p, e - p, "timestamp"))
		return false;
	p += 9;
	if (starts(t + p, e - p, "**"))
		p += 2;
	if (p >= e || t[p] != ':')
		return false;
	p++;
	if (starts(t + p, e - p, "**"))
		p += 2;
	while (p < e && (t[p] == ' ' || t[p] == '\t' || t[p] == '"' || t[p] == '\''))
		p++;
	size_t n = scan_stamp(t + p, e - p, true, &li->st);
	if (!n)
		return false;
	li->stamp = p;
	li->stamp_len = n;
	return true;
}

enum entry_kind { EK_LINE, EK_BLOCK };

/* What the scan records per entry; strings are made afterwards. */
struct found {
	enum entry_kind kind;
	size_t line, start, end; /* end: after the last non-blank line */
	size_t first_next;       /* offset of the line after the first */
	struct line_info li;
	size_t stamp_line;       /* EK_BLOCK: offset of the timestamp line */
};

struct scan {
	const char *t;
	size_t len;
	struct found *v;
	size_t n, cap;
	bool store;
	size_t count;
	bool open;          /* the last entry still takes continuation lines */
	int open_level;     /* heading level of the open entry, 0 for list */
};

static void push(struct scan *s, const struct found *f)
{
	s->count++;
	s->open = true;
	if (!s->store)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		struct found *nv = realloc(s->v, s->cap * sizeof(*nv));
		if (!nv)
			abort();
		s->v = nv;
	}
	s->v[s->n++] = *f;
}

static void extend(struct scan *s, size_t end)
{
	if (s->open && s->store && s->n)
		s->v[s->n - 1].end = end;
}

static size_t count_lines(const char *t, size_t from, size_t to)
{
	size_t n = 0;
	const char *p = t + from, *e = t + to;
	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/*
 * Fences and entries (DESIGN §7, "whole entries"): a fence that a hand
 * edit left open must not hide the entries ruru appends after it.  So a
 * line at column 0 in ruru's own entry form, "- [YYYY-MM-DD HH:MM:SS" with
 * a zone, "] **type**", ends any open fence: ruru never writes such a line
 * inside a message (continuation lines are indented), so it can only be an
 * entry that ruru wrote.  Everything else inside a fence stays fenced.
 */
static bool strict_entry_line(const char *t, struct line l)
{
	const char *p = t + l.start;
	size_t n = l.cend - l.start, i;
	static const char shape[] = "- [dddd-dd-dd dd:dd:dd";
	if (n < sizeof(shape) - 1 + 5)
		return false;
	for (i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !is_digit((unsigned char)p[i]) : p[i] != shape[i])
			return false;
	if (p[i] == 'Z') {
		i++;
	} else if ((p[i] == '+' || p[i] == '-') && n - i >= 6 && is_digit((unsigned char)p[i + 1]) &&
		   is_digit((unsigned char)p[i + 2]) && p[i + 3] == ':' &&
		   is_digit((unsigned char)p[i + 4]) && is_digit((unsigned char)p[i + 5])) {
		i += 6;
	} else {
		return false;
	}
	if (n - i < 5 || memcmp(p + i, RURU_LIT("] **")) != 0)
		return false;
	i += 4;
	if (!(p[i] >= 'a' && p[i] <= 'z'))
		return false;
	while (i < n && ((p[i] >= 'a' && p[i] <= 'z') || is_digit((unsigned char)p[i]) || p[i] == '-'))
		i++;
	return n - i >= 2 && p[i] == '*' && p[i + 1] == '*';
}

enum fence_step { FENCE_INSIDE, FENCE_CLOSED, FENCE_CUT };

/* What line `l` does to the fence of `fence_n` x `fence_ch` open above it:
 * nothing (FENCE_INSIDE), close it (FENCE_CLOSED, the line is the fence's),
 * or end it unclosed because it is an entry of ruru's (FENCE_CUT, the line
 * is read as usual). */
static enum fence_step fence_step(const char *t, struct line l, char fence_ch, size_t fence_n)
{
	size_t n = 0;
	while (l.start + n < l.cend && t[l.start + n] == fence_ch)
		n++;
	if (n >= fence_n) {
		size_t k = l.start + n;
		while (k < l.cend && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (k == l.cend)
			return FENCE_CLOSED;
	}
	return strict_entry_line(t, l) ? FENCE_CUT : FENCE_INSIDE;
}

/*
 * The scan proper.  `whole`: take entries from the whole body (a log
 * without any "## Log Entries" heading).  Returns whether a Log Entries
 * heading was seen.
 */
static bool scan_body(struct scan *s, size_t body, bool whole)
{
	const char *t = s->t;
	size_t len = s->len, off = body, lineno = 1 + count_lines(t, 0, body);
	size_t counted_to = body;
	bool in_section = whole, seen_head = false;
	bool in_fence = false;
	char fence_ch = 0;
	size_t fence_n = 0;
	while (off < len) {
		struct line l = line_at(t, len, off);
		struct line_info li;
		if (in_fence) {
			/* Fenced lines are never entries or headings; they belong to
			 * the entry above (a traceback pasted into a log), except an
			 * entry line of ruru's, which ends an unclosed fence. */
			enum fence_step fs = fence_step(t, l, fence_ch, fence_n);
			in_fence = false;
			if (fs != FENCE_CUT) {
				in_fence = fs == FENCE_INSIDE;
				extend(s, l.next);
				off = l.next;
				continue;
			}
		}
		classify(t, l, &li);
		switch (li.kind) {
		case LK_BLANK:
			break;
		case LK_TEXT:
			extend(s, l.next);
			break;
		case LK_FENCE:
			in_fence = true;
			fence_ch = li.fence_ch;
			fence_n = li.fence_n;
			extend(s, l.next);
			break;
		case LK_LOGHEAD:
			seen_head = true;
			in_section = true;
			s->open = false;
			break;
		case LK_HEADING:
			if (s->open && s->open_level && li.level > s->open_level) {
				extend(s, l.next); /* a sub-heading of a "## <ts>" entry */
				break;
			}
			s->open = false;
			if (li.level <= 2 && !whole)
				in_section = false;
			break;
		case LK_SKIP:
			s->open = false;
			break;
		case LK_RULE: {
			s->open = false;
			if (!in_section || l.next >= len)
				break;
			struct line l2 = line_at(t, len, l.next);
			struct line_info bi;
			memset(&bi, 0, sizeof(bi));
			if (!block_stamp(t, l2, &bi))
				break;
			/* A "---" block holding one event (timestamp:/actor:/...):
			 * the block up to its closing "---" is the entry. */
			struct found f;
			memset(&f, 0, sizeof(f));
			f.kind = EK_BLOCK;
			lineno += count_lines(t, counted_to, off);
			counted_to = off;
			f.line = lineno;
			f.start = off;
			f.first_next = l.next;
			f.stamp_line = l2.start;
			f.li = bi;
			size_t o = l2.next, end = l2.next;
			while (o < len) {
				struct line b = line_at(t, len, o);
				struct line_info bl;
				classify(t, b, &bl);
				/* An unclosed block must not swallow the log after it. */
				if (bl.kind == LK_ENTRY || bl.kind == LK_HEADING || bl.kind == LK_LOGHEAD)
					break;
				if (b.cend > b.start && is_rule(t + b.start, b.cend - b.start) &&
				    t[b.start] == '-') {
					end = b.next;
					o = b.next;
					break;
				}
				if (b.cend > b.start)
					end = b.next;
				o = b.next;
			}
			f.end = end;
			s->open_level = 0;
			push(s, &f);
			s->open = false;
			off = o;
			continue;
		}
		case LK_ENTRY: {
			if (!in_section) {
				s->open = false;
				break;
			}
			struct found f;
			memset(&f, 0, sizeof(f));
			f.kind = EK_LINE;
			lineno += count_lines(t, counted_to, off);
			counted_to = off;
			f.line = lineno;
			f.start = off;
			f.end = l.next;
			f.first_next = l.next;
			f.li = li;
			s->open_level = li.level;
			push(s, &f);
			break;
		}
		}
		off = l.next;
	}
	return seen_head;
}

/* Lenient type from the words of the message's first line. */
static enum ruru_event guess_type(const char *p, size_t n)
{
	static const struct {
		const char *word;
		enum ruru_event ev;
	} words[] = {
		{ "confirmation artifact", RURU_EV_ARTIFACT },
		{ "confirmation skipped", RURU_EV_CONFIRM_SKIP },
		{ "skipped confirmation", RURU_EV_CONFIRM_SKIP },
		{ "skip confirm", RURU_EV_CONFIRM_SKIP },
		{ "session initiated", RURU_EV_SESSION },
		{ "initiated session", RURU_EV_SESSION },
		{ "session started", RURU_EV_SESSION },
		{ "started session", RURU_EV_SESSION },
		{ "session created", RURU_EV_SESSION },
		{ "session reopened", RURU_EV_SESSION },
		{ "session resumed", RURU_EV_SESSION },
		{ "session paused", RURU_EV_SESSION },
		{ "session continued", RURU_EV_SESSION },
		{ "session completed", RURU_EV_SESSION },
		{ "session ended", RURU_EV_SESSION },
		{ "session status", RURU_EV_SESSION },
		{ "user confirmed", RURU_EV_CONFIRM_RESPONSE },
		{ "user approved", RURU_EV_CONFIRM_RESPONSE },
		{ "user denied", RURU_EV_CONFIRM_RESPONSE },
		{ "user rejected", RURU_EV_CONFIRM_RESPONSE },
		{ "delegat", RURU_EV_DELEGATION },
		{ "received result", RURU_EV_RESULT },
		{ "result from", RURU_EV_RESULT },
		{ "received completion", RURU_EV_RESULT },
		{ "reported completion", RURU_EV_RESULT },
		{ "confirmation request", RURU_EV_CONFIRM_REQUEST },
		{ "requested confirmation", RURU_EV_CONFIRM_REQUEST },
		{ "asked for confirmation", RURU_EV_CONFIRM_REQUEST },
		{ "result", RURU_EV_RESULT },
		{ "created artifact", RURU_EV_ARTIFACT },
		{ "artifact created", RURU_EV_ARTIFACT },
		{ "saved artifact", RURU_EV_ARTIFACT },
		{ "artifact saved", RURU_EV_ARTIFACT },
		{ "new artifact", RURU_EV_ARTIFACT },
		{ "artifact:", RURU_EV_ARTIFACT },
		{ "error:", RURU_EV_ERROR },
		{ "error encountered", RURU_EV_ERROR },
		{ "failed", RURU_EV_ERROR },
		{ "decision", RURU_EV_DECISION },
		{ "decided", RURU_EV_DECISION },
		{ "prompt", RURU_EV_PROMPT },
		{ "user request", RURU_EV_PROMPT },
		{ "user response", RURU_EV_RESPONSE },
		{ "user replied", RURU_EV_RESPONSE },
		{ "user answered", RURU_EV_RESPONSE },
	};
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		for (size_t i = 0; i < n; i++)
			if (to_lower((unsigned char)p[i]) == words[w].word[0] && starts_ci(p + i, n - i, words[w].word))
				return words[w].ev;
	return RURU_EV_UNKNOWN;
}

/* Append a lenient line (trailing blanks dropped) to a message. */
static void add_trimmed(struct ruru_buf *b, const char *p, size_t n)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	ruru_buf_add(b, p, n);
}

static void lenient_entry(const char *t, size_t len, const struct found *f, struct ruru_entry *e)
{
	struct ruru_buf msg = RURU_BUF_INIT;
	memset(e, 0, sizeof(*e));
	e->stamp = dup_mem(t + f->li.stamp, f->li.stamp_len);
	e->when = f->li.st.when;
	e->when_valid = true;
	e->has_zone = f->li.st.has_zone;
	e->line = f->line;
	e->start = f->start;
	e->end = f->end;
	size_t first_len = 0;
	if (f->kind == EK_LINE) {
		struct line l = line_at(t, len, f->start);
		size_t m = f->li.msg;
		size_t before = msg.len;
		if (f->li.bold_open) {
			/* "**2025-05-13T05:55:10Z Prime Coordinator:** text": drop the
			 * "**" that closes the bold opened before the stamp. */
			const char *q = m < l.cend ? memmem(t + m, l.cend - m, "**", 2) : NULL;
			if (q) {
				ruru_buf_add(&msg, t + m, (size_t)(q - t) - m);
				m = (size_t)(q - t) + 2;
			}
		}
		add_trimmed(&msg, t + m, l.cend > m ? l.cend - m : 0);
		first_len = msg.len - before;
		for (size_t o = f->first_next; o < f->end;) {
			struct line c = line_at(t, len, o);
			ruru_buf_addch(&msg, '\n');
			add_trimmed(&msg, t + c.start, c.cend - c.start);
			o = c.next;
		}
	} else {
		bool first = true;
		for (size_t o = f->first_next; o < f->end;) {
			struct line c = line_at(t, len, o);
			o = c.next;
			if (c.start == f->stamp_line)
				continue;
			if (o >= f->end && c.cend > c.start && is_rule(t + c.start, c.cend - c.start))
				break; /* the closing "---" */
			if (!first)
				ruru_buf_addch(&msg, '\n');
			size_t before = msg.len;
			add_trimmed(&msg, t + c.start, c.cend - c.start);
			if (first)
				first_len = msg.len - before;
			first = false;
		}
	}
	while (msg.len && msg.ptr[msg.len - 1] == '\n')
		msg.len--;
	msg.ptr[msg.len] = '\0';
	/* A ruru entry spoilt by a hand edit still names its type. */
	const char *close = msg.len > 4 && starts(msg.ptr, msg.len, "**") ? strstr(msg.ptr + 2, "**") : NULL;
	char name[24];
	if (close && (size_t)(close - msg.ptr) - 2 < sizeof(name)) {
		size_t k = (size_t)(close - msg.ptr) - 2;
		memcpy(name, msg.ptr + 2, k);
		name[k] = '\0';
		e->type = ruru_event_parse(name);
	} else {
		e->type = RURU_EV_UNKNOWN;
	}
	if (e->type == RURU_EV_UNKNOWN) {
		e->type = guess_type(msg.ptr, first_len < msg.len ? first_len : msg.len);
		e->type_inferred = e->type != RURU_EV_UNKNOWN;
	}
	e->message = ruru_buf_detach(&msg, &e->message_len);
}

/* The line ending a body uses: that of its first line break (a body ruru
 * made starts with a blank line or a heading, never with a message). */
static const char *detect_eol(const char *text, size_t len, size_t body)
{
	const char *nl = body < len ? memchr(text + body, '\n', len - body) : NULL;
	if (!nl)
		nl = memchr(text, '\n', len);
	return nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
}

static void run_scan(struct scan *s, size_t body)
{
	if (!scan_body(s, body, false) && s->count == 0) {
		/* No "## Log Entries" heading (pre-V5 "**Log Entries:**"
		 * paragraph): the whole body is the log. */
		s->n = s->count = 0;
		s->open = false;
		scan_body(s, body, true);
	}
}

size_t ruru_entries_parse(const char *text, size_t len, size_t body, struct ruru_entry **out)
{
	struct scan s;
	memset(&s, 0, sizeof(s));
	s.t = text;
	s.len = len;
	s.store = true;
	*out = NULL;
	if (body > len)
		body = len;
	run_scan(&s, body);
	if (!s.n) {
		free(s.v);
		return 0;
	}
	bool crlf = strcmp(detect_eol(text, len, body), "\r\n") == 0;
	struct ruru_entry *v = calloc(s.n, sizeof(*v));
	if (!v)
		abort();
	for (size_t i = 0; i < s.n; i++) {
		const struct found *f = &s.v[i];
		size_t used;
		if (f->kind == EK_LINE && f->li.level == 0 &&
		    strict_parse(text + f->start, f->end - f->start, crlf, &v[i], &used) &&
		    used == f->end - f->start) {
			v[i].line = f->line;
			v[i].start = f->start;
			v[i].end = f->end;
			continue;
		}
		ruru_entry_release(&v[i]);
		lenient_entry(text, len, f, &v[i]);
	}
	free(s.v);
	*out = v;
	return s.n;
}

size_t ruru_entries_count(const char *text, size_t len, size_t body)
{
	struct scan s;
	memset(&s, 0, sizeof(s));
	s.t = text;
	s.len = len;
	if (body > len)
		body = len;
	run_scan(&s, body);
	return s.count;
}

/* --------------------------------------------------------- where to append */

bool ruru_entries_append_point(const char *text, size_t len, size_t body, size_t *at,
			       bool *needs_newline, const char **eol)
{
	size_t off = body > len ? len : body;
	bool found = false, in_section = false, in_fence = false;
	char fence_ch = 0;
	size_t fence_n = 0, last_content = 0, section_end = len;
	*eol = detect_eol(text, len, off);
	while (off < len) {
		struct line l = line_at(text, len, off);
		if (in_fence) {
			enum fence_step fs = fence_step(text, l, fence_ch, fence_n);
			in_fence = false;
			if (fs != FENCE_CUT) {
				in_fence = fs == FENCE_INSIDE;
				last_content = l.next;
				off = l.next;
				continue;
			}
		}
		if (l.cend == l.start) {
			off = l.next;
			continue;
		}
		char c = text[l.start];
		/* Only lines that can change the answer need a closer look:
		 * headings and fences.  Entries are not parsed. */
		if (c == '#' || c == '`' || c == '~') {
			struct line_info li;
			classify(text, l, &li);
			if (li.kind == LK_LOGHEAD) {
				found = in_section = true;
				section_end = len;
				last_content = l.next;
				off = l.next;
				continue;
			}
			if (li.kind == LK_FENCE) {
				in_fence = true;
				fence_ch = li.fence_ch;
				fence_n = li.fence_n;
			} else if (li.kind == LK_HEADING && li.level <= 2 && in_section) {
				in_section = false;
				section_end = last_content;
			}
		}
		if (in_section)
			last_content = l.next;
		off = l.next;
	}
	if (!found)
		return false;
	*at = in_section ? len : section_end;
	*needs_newline = *at > 0 && text[*at - 1] != '\n';
	return true;
}

/* ------------------------------------------------------------ goal text */

bool ruru_body_goal(const char *text, size_t len, size_t body, size_t *start, size_t *end)
{
	size_t off = body > len ? len : body;
	bool in_fence = false, in_goal = false;
	size_t gs = 0, ge = 0, fence_n = 0;
	char fence_ch = 0;
	while (off < len) {
		struct line l = line_at(text, len, off);
		struct line_info li;
		if (in_fence && fence_step(text, l, fence_ch, fence_n) == FENCE_CUT)
			break; /* an entry of ruru's: the goal ended long before */
		if (!in_fence && l.cend > l.start) {
			char c = text[l.start];
			if (c == '`' || c == '~') {
				classify(text, l, &li);
				if (li.kind == LK_FENCE) {
					in_fence = true;
					fence_ch = li.fence_ch;
					fence_n = li.fence_n;
				}
			} else if (c == '#') {
				classify(text, l, &li);
				if ((li.kind == LK_HEADING || li.kind == LK_LOGHEAD) && li.level <= 2) {
					if (in_goal)
						break;
					size_t p = l.start + (size_t)li.level;
					while (p < l.cend && (text[p] == ' ' || text[p] == '\t'))
						p++;
					if (li.level == 2 && starts_ci(text + p, l.cend - p, "goal")) {
						size_t q = p + 4;
						while (q < l.cend && (text[q] == ' ' || text[q] == ':' || text[q] == '#'))
							q++;
						if (q == l.cend) {
							in_goal = true;
							gs = ge = l.next;
							off = l.next;
							continue;
						}
					}
				}
			}
		} else if (in_fence && fence_step(text, l, fence_ch, fence_n) == FENCE_CLOSED) {
			in_fence = false;
		}
		if (in_goal && l.cend > l.start) {
			if (ge == gs)
				gs = l.start; /* skip blank lines after the heading */
			ge = l.cend;
		}
		off = l.next;
	}
	if (!in_goal)
		return false;
	*start = gs;
	*end = ge;
	return true;
}

/* ------------------------------------------------------- unclosed fences */

size_t ruru_body_unclosed_fences(const char *text, size_t len, size_t body, size_t *offs,
				 size_t max)
{
	size_t off = body > len ? len : body, found = 0, open_at = 0, fence_n = 0;
	bool in_fence = false;
	char fence_ch = 0;
	while (off < len) {
		struct line l = line_at(text, len, off);
		if (in_fence) {
			enum fence_step fs = fence_step(text, l, fence_ch, fence_n);
			if (fs == FENCE_INSIDE) {
				off = l.next;
				continue;
			}
			in_fence = false;
			if (fs == FENCE_CLOSED) {
				off = l.next;
				continue;
			}
			if (found < max)
				offs[found] = open_at;
			found++;
		}
		if (l.cend > l.start && (text[l.start] == '`' || text[l.start] == '~')) {
			struct line_info li;
			classify(text, l, &li);
			if (li.kind == LK_FENCE) {
				in_fence = true;
				open_at = l.start;
				fence_ch = li.fence_ch;
				fence_n = li.fence_n;
			}
		}
		off = l.next;
	}
	if (in_fence) {
		if (found < max)
			offs[found] = open_at;
		found++;
	}
	return found;
}

/* ----------------------------------------------------------- placeholders */

size_t ruru_body_placeholders(const char *text, size_t len, size_t body, size_t *offs, size_t max)
{
	size_t off = body > len ? len : body, found = 0, fence_n = 0;
	bool in_fence = false;
	char fence_ch = 0;
	while (off < len) {
		struct line l = line_at(text, len, off);
		if (in_fence) {
			enum fence_step fs = fence_step(text, l, fence_ch, fence_n);
			in_fence = fs == FENCE_INSIDE;
			if (fs != FENCE_CUT) {
				off = l.next;
				continue;
			}
		}
		if (l.cend > l.start) {
			struct line_info li;
			classify(text, l, &li);
			if (li.kind == LK_FENCE) {
				in_fence = true;
				fence_ch = li.fence_ch;
				fence_n = li.fence_n;
			} else if (li.kind == LK_SKIP) {
				if (found < max)
					offs[found] = l.start;
				found++;
			}
		}
		off = l.next;
	}
	return found;
}

/* ---------------------------------------------------- one parsed entry */

void ruru_entry_release(struct ruru_entry *e)
{
	if (!e)
		return;
	free(e->stamp);
	free(e->type_name);
	free(e->message);
	for (int i = 0; i < NFIELDS; i++)
		free(*field_slot(e, i));
	memset(e, 0, sizeof(*e));
	e->type = RURU_EV_UNKNOWN;
}

static json_t *jstr(const char *s)
{
	return s ? ruru_json_text(s, strlen(s)) : json_null();
}

/* The zone of a stamp as written: what follows the time of day
 * ("Z", "+10:00", "UTC"); "Z" when it cannot be told apart. */
static json_t *stamp_zone(const char *stamp)
{
	const char *p = stamp ? strchr(stamp, ':') : NULL;
	if (!p || strlen(p) < 3)
		return json_string("Z");
	p += 3; /* ":MM" */
	if (*p == ':' && p[1] && p[2])
		p += 3;
	if (*p == '.' || *p == ',')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	while (*p == ' ')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == ']' || p[n - 1] == '*'))
		n--;
	return n ? json_stringn(p, n) : json_string("Z");
}

json_t *ruru_entry_json(const struct ruru_entry *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "line", json_integer((json_int_t)e->line));
	char t[32];
	if (e->when_valid) {
		/* a zone-less stamp is a local time, never silently UTC */
		ruru_time_format_rfc3339(e->when, t);
		if (!e->has_zone)
			t[strlen(t) - 1] = '\0';
		json_object_set_new(o, "time", json_string(t));
	} else {
		json_object_set_new(o, "time", json_null());
	}
	json_object_set_new(o, "zone", e->when_valid && e->has_zone ? stamp_zone(e->stamp) : json_null());
	json_object_set_new(o, "stamp", jstr(e->stamp));
	json_object_set_new(o, "type",
			    e->type != RURU_EV_UNKNOWN ? json_string(ruru_event_name(e->type))
						       : jstr(e->type_name));
	json_object_set_new(o, "type_inferred", json_boolean(e->type_inferred));
	json_object_set_new(o, "message", ruru_json_text(e->message ? e->message : "", e->message_len));
	for (int i = 0; i < NFIELDS; i++)
		json_object_set_new(o, ruru_field_name((enum ruru_field)i), jstr(field_value(e, i)));
	return o;
}

void ruru_entry_summary(struct ruru_buf *b, const struct ruru_entry *e, const char *prefix,
			const char *indent)
{
	/* A log may come from anywhere: what a terminal would obey is shown
	 * escaped (\x1b), tabs and line breaks are kept. */
	ruru_buf_addf(b, "%s[", prefix);
	ruru_text_escape(b, e->stamp ? e->stamp : "?", e->stamp ? strlen(e->stamp) : 1);
	ruru_buf_addstr(b, "] ");
	const char *type = e->type != RURU_EV_UNKNOWN ? ruru_event_name(e->type) : e->type_name;
	ruru_text_escape(b, type ? type : "-", type ? strlen(type) : 1);
	if (e->type_inferred)
		ruru_buf_addch(b, '?'); /* guessed from free text (DESIGN §3) */
	for (int i = 0; i < NFIELDS; i++)
		if (field_value(e, i)) {
			ruru_buf_addf(b, " %s=", ruru_field_name((enum ruru_field)i));
			ruru_text_escape(b, field_value(e, i), strlen(field_value(e, i)));
		}
	if (e->message_len) {
		ruru_buf_addstr(b, ": ");
		const char *p = e->message, *end = e->message + e->message_len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (nl && n && p[n - 1] == '\r')
				n--; /* a CRLF inside a message is a line break here */
			ruru_text_escape_keep(b, p, n, "\t");
			if (!nl)
				break;
			ruru_buf_addch(b, '\n');
			ruru_buf_addstr(b, indent);
			p = nl + 1;
		}
	}
	ruru_buf_addch(b, '\n');
}
