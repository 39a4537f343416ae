/*
 * entry.c — ruru's own form of an entry in "## Log Entries": rendering it,
 * parsing it back strictly, checking what is about to be written, and an
 * entry's JSON and one-line summary.  Reading the entries of real logs is
 * entry_read.c's.
 *
 * ruru's own format is a small grammar (see entry.h) that round-trips every
 * message byte for byte: the only escape is the two-space indent of
 * continuation lines, so nothing inside a message can ever reach column 0,
 * where entries, headings, fences and "+++" are recognised.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entry.h"
#include "entry_impl.h"
#include "text.h"
#include "timestamp.h"
#include "banned.h"

/* ---------------------------------------------------------- ruru's format */

#define SEP ENTRY_SEP

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
	/* The text rule (doc/design.md §2) for the message and every field. */
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
	/* A delegation or result adds its task to related_tasks (doc/design.md §3),
	 * which holds MDTM task IDs only, as `task link` requires. */
	const char *task = in->field[RURU_FIELD_TASK];
	if (task && (in->type == RURU_EV_DELEGATION || in->type == RURU_EV_RESULT) &&
	    ruru_task_id_check(task, err) < 0)
		return -1;
	/* An outcome belongs to its type (doc/design.md §3): a result succeeded or
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
bool entry_strict_parse(const char *t, size_t len, bool crlf, struct ruru_entry *e, size_t *used)
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
	return entry_strict_parse(text, len, eol && strcmp(eol, "\r\n") == 0, e, &used);
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

static char *dup_str(const char *s)
{
	return s ? dup_mem(s, strlen(s)) : NULL;
}

void ruru_entry_copy(struct ruru_entry *dst, const struct ruru_entry *src)
{
	*dst = *src; /* then each string of dst is replaced by a copy */
	dst->stamp = dup_str(src->stamp);
	dst->type_name = dup_str(src->type_name);
	dst->message = src->message ? dup_mem(src->message, src->message_len) : NULL;
	for (int i = 0; i < NFIELDS; i++)
		*field_slot(dst, i) = dup_str(*field_slot(dst, i));
}

const char *ruru_stamp_zone(const char *stamp, size_t *len)
{
	const char *p = stamp ? strchr(stamp, ':') : NULL;
	*len = 1;
	if (!p || strlen(p) < 3)
		return "Z";
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
	if (!n)
		return "Z";
	*len = n;
	return p;
}

void ruru_json_set_time(json_t *o, bool valid, time_t when, const char *zone, size_t zone_len)
{
	if (valid) {
		char t[32];
		ruru_time_format_rfc3339(when, t);
		if (!zone)
			t[strlen(t) - 1] = '\0';
		json_object_set_new(o, "time", json_string(t));
	} else {
		json_object_set_new(o, "time", json_null());
	}
	json_object_set_new(o, "zone", valid && zone ? json_stringn(zone, zone_len) : json_null());
}

json_t *ruru_entry_json(const struct ruru_entry *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "line", json_integer((json_int_t)e->line));
	size_t zlen = 0;
	const char *zone = e->when_valid && e->has_zone ? ruru_stamp_zone(e->stamp, &zlen) : NULL;
	ruru_json_set_time(o, e->when_valid, e->when, zone, zlen);
	json_object_set_new(o, "stamp", ruru_json_str(e->stamp));
	json_object_set_new(o, "type",
			    e->type != RURU_EV_UNKNOWN ? json_string(ruru_event_name(e->type))
						       : ruru_json_str(e->type_name));
	json_object_set_new(o, "type_inferred", json_boolean(e->type_inferred));
	json_t *inf = json_array();
	for (int i = 0; i < NFIELDS; i++)
		if (e->fields_inferred & (1u << i))
			json_array_append_new(inf, json_string(ruru_field_name((enum ruru_field)i)));
	json_object_set_new(o, "fields_inferred", inf);
	if (e->orphan)
		json_object_set_new(o, "orphan", json_true());
	json_object_set_new(o, "message", ruru_json_text(e->message ? e->message : "", e->message_len));
	for (int i = 0; i < NFIELDS; i++)
		json_object_set_new(o, ruru_field_name((enum ruru_field)i), ruru_json_str(field_value(e, i)));
	return o;
}

void ruru_entry_summary(struct ruru_buf *b, const struct ruru_entry *e, const char *prefix,
			const char *indent)
{
	/* A log may come from anywhere: what a terminal would obey is shown
	 * escaped (\x1b), tabs and line breaks are kept. */
	ruru_buf_addf(b, "%s[", prefix);
	ruru_text_field(b, e->stamp, "?");
	ruru_buf_addstr(b, "] ");
	const char *type = e->type != RURU_EV_UNKNOWN ? ruru_event_name(e->type) : e->type_name;
	if (e->orphan && !type)
		type = "orphan-text"; /* text of no entry, kept (entry.h) */
	ruru_text_field(b, type, "-");
	if (e->type_inferred)
		ruru_buf_addch(b, '?'); /* guessed from free text (doc/design.md §3) */
	if (e->orphan && type && strcmp(type, "orphan-text"))
		ruru_buf_addstr(b, " (outside Log Entries)");
	for (int i = 0; i < NFIELDS; i++)
		if (field_value(e, i)) {
			/* "mode?=x": taken from the prose, like a guessed type */
			ruru_buf_addf(b, " %s%s=", ruru_field_name((enum ruru_field)i),
				      e->fields_inferred & (1u << i) ? "?" : "");
			ruru_text_field(b, field_value(e, i), NULL);
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


void ruru_entry_summary_cut(struct ruru_buf *out, const struct ruru_entry *e, const char *prefix,
			    const char *indent, size_t share)
{
	if (!share || e->message_len <= share) {
		ruru_entry_summary(out, e, prefix, indent);
		return;
	}
	size_t cut = share;
	while (cut > 0 && ((unsigned char)e->message[cut] & 0xC0) == 0x80)
		cut--;
	struct ruru_buf m = RURU_BUF_INIT;
	ruru_buf_add(&m, e->message, cut);
	ruru_buf_addf(&m, "… (%zu bytes more: `ruru show --entry %zu`)", e->message_len - cut,
		      e->line);
	struct ruru_entry c = *e;
	c.message = m.ptr;
	c.message_len = m.len;
	ruru_entry_summary(out, &c, prefix, indent);
	ruru_buf_release(&m);
}
