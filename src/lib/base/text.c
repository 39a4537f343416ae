/*
 * text.c — doc/design.md §2's text rule ("text that ruru writes is text") and its
 * mirror for people reading errors: escaping what a terminal would obey.
 *
 * Every string that reaches a log, a front matter or a file name
 * (messages, titles, goals, tags, reasons, mode slugs, task IDs, artifact
 * names) passes ruru_text_check() first, in the library, so the CLI, the
 * MCP server and any other caller get the same rule.  The rule exists
 * because readers other than ruru disagree about what a line is: a lone
 * CR, U+2028 and U+2029 end a line for Python's str.splitlines(), many
 * editors and some Markdown renderers, so a message holding one could show
 * a forged entry or heading to everyone but ruru.  NUL and invalid UTF-8
 * break JSON and TOML readers.  Bytes belong in artifacts.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ruru.h"
#include "alloc.h"
#include "text.h"
#include "banned.h"

/* Length of the UTF-8 sequence at s[i] (shortest form, no surrogates,
 * at most U+10FFFF) and its code point; 0 when it is not valid. */
static size_t utf8_at(const unsigned char *s, size_t len, size_t i, unsigned long *cp)
{
	unsigned char c = s[i];
	size_t n;
	unsigned long v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len - i < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i + k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

size_t ruru_text_scan(const char *text, size_t len, unsigned flags, const char **why)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		unsigned long cp;
		size_t n = utf8_at(s, len, i, &cp);
		const char *bad = NULL;
		if (!n)
			bad = "invalid UTF-8";
		else if (cp == 0)
			bad = "a NUL byte";
		else if (cp == '\n' || (cp == '\r' && i + 1 < len && s[i + 1] == '\n'))
			bad = (flags & RURU_TEXT_LINE) ? "a line break" : NULL;
		else if (cp == '\r')
			bad = "a carriage return that is not part of a CRLF line break";
		else if (cp == '\t')
			bad = NULL;
		else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
			bad = "a control character";
		else if (cp == 0x2028 || cp == 0x2029)
			bad = "a Unicode line or paragraph separator";
		if (bad) {
			if (why)
				*why = bad;
			return i;
		}
		i += n;
	}
	if (why)
		*why = NULL;
	return len;
}

int ruru_text_check(const char *what, const char *text, size_t len, unsigned flags,
		    struct ruru_error *err)
{
	const char *why;
	if (!text)
		return 0;
	size_t at = ruru_text_scan(text, len, flags, &why);
	if (at == len)
		return 0;
	char shown[8];
	unsigned char b = (unsigned char)text[at];
	snprintf(shown, sizeof(shown), "0x%02x", b);
	/* A line break is text; where one line is wanted it is a usage error,
	 * like a backtick in a field (exit 2, not 4). */
	bool line_break = (flags & RURU_TEXT_LINE) && (b == '\n' || b == '\r') &&
			  !strcmp(why, "a line break");
	if (line_break) {
		ruru_error_set(err, RURU_EUSAGE,
			       "%s holds a line break at byte offset %zu: it must be one line", what,
			       at);
		return ruru_error_hint(err, what, RURU_HINT_NONE, NULL);
	}
	ruru_error_set(err, RURU_EINVALID,
			      "%s holds %s (byte %s) at byte offset %zu: %s",
			      what, why, shown, at,
			      (flags & RURU_TEXT_LINE)
				      ? "it must be one line of valid UTF-8 without control characters"
				      : "text must be valid UTF-8 without NUL or control characters other "
					"than tab and newline (bytes belong in artifacts)");
	return ruru_error_hint(err, what, RURU_HINT_NONE, NULL);
}

bool ruru_text_blank(const char *text, size_t len)
{
	if (!text)
		return true;
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			return false;
	return true;
}

/* The bidirectional formatting characters: marks, embeddings, overrides
 * and isolates.  A terminal or editor that honours them shows text in
 * another order than its bytes (U+202E turns "exe.txt" around). */
static bool is_bidi(unsigned long cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

void ruru_text_escape(struct ruru_buf *out, const char *text, size_t len)
{
	ruru_text_escape_keep(out, text, len, NULL);
}

void ruru_text_field(struct ruru_buf *out, const char *text, const char *none)
{
	if (!text)
		text = none ? none : "";
	ruru_text_escape_keep(out, text, strlen(text), NULL);
}

void ruru_text_escape_keep(struct ruru_buf *out, const char *text, size_t len, const char *keep)
{
	const unsigned char *s = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		/* printable ASCII stays as it is: a run of it in one copy */
		size_t run = i;
		while (run < len && s[run] >= 0x20 && s[run] < 0x7F)
			run++;
		if (run > i) {
			ruru_buf_add(out, s + i, run - i);
			i = run;
			continue;
		}
		unsigned long cp;
		size_t n = utf8_at(s, len, i, &cp);
		if (!n) {
			ruru_buf_addf(out, "\\x%02x", s[i]);
			i++;
			continue;
		}
		if (keep && cp && cp < 0x80 && strchr(keep, (int)cp))
			ruru_buf_addch(out, (int)cp);
		else if (cp == '\n')
			ruru_buf_addstr(out, "\\n");
		else if (cp == '\r')
			ruru_buf_addstr(out, "\\r");
		else if (cp == '\t')
			ruru_buf_addstr(out, "\\t");
		else if (cp < 0x20 || cp == 0x7F)
			ruru_buf_addf(out, "\\x%02lx", cp);
		else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || is_bidi(cp))
			ruru_buf_addf(out, "\\u%04lx", cp);
		else
			ruru_buf_add(out, s + i, n);
		i += n;
	}
}

json_t *ruru_json_str(const char *s)
{
	return s ? ruru_json_text(s, strlen(s)) : json_null();
}

json_t *ruru_json_text(const char *text, size_t len)
{
	if (!text)
		return json_null();
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	unsigned long cp;
	while (i < len) {
		size_t n = utf8_at(s, len, i, &cp);
		if (!n)
			break;
		i += n;
	}
	if (i == len)
		return json_stringn(text, len);
	/* Not UTF-8 (a hand-made or hostile log): each bad byte becomes U+FFFD
	 * rather than the whole string going missing. */
	struct ruru_buf b = RURU_BUF_INIT;
	for (i = 0; i < len;) {
		size_t n = utf8_at(s, len, i, &cp);
		if (n) {
			ruru_buf_add(&b, s + i, n);
			i += n;
		} else {
			ruru_buf_addstr(&b, "\xEF\xBF\xBD");
			i++;
		}
	}
	json_t *j = json_stringn(b.ptr, b.len);
	ruru_buf_release(&b);
	return j;
}

int ruru_path_bounds(const char *what, const char *rel, bool whole, struct ruru_error *err)
{
	size_t n = strlen(rel);
	if (whole && n > RURU_PATH_BYTES)
		return ruru_error_set(err, RURU_EREFUSED,
				      "%s is %zu bytes long; at most %d are allowed (git could not "
				      "check it out in every clone)",
				      what, n, RURU_PATH_BYTES);
	for (const char *p = rel; *p;) {
		size_t c = strcspn(p, "/");
		if (c > RURU_NAME_BYTES)
			return ruru_error_set(err, RURU_EREFUSED,
					      "%s has a component of %zu bytes; at most %d are allowed "
					      "(no filesystem holds a longer name)",
					      what, c, RURU_NAME_BYTES);
		p += c;
		if (*p)
			p++;
	}
	return 0;
}

void ruru_text_position(const char *text, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

uint64_t ruru_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL; /* the offset basis */
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL; /* the 64-bit FNV prime */
	return h;
}

int ruru_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void ruru_text_count(struct ruru_buf *out, size_t n, const char *one, const char *many)
{
	ruru_buf_addf(out, "%zu %s", n, n == 1 ? one : many);
}
