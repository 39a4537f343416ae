/*
 * entry_impl.h — library-internal, for the two halves of the entry code
 * (entry.c: ruru's own form; entry_read.c: reading real logs): the small
 * byte helpers both use, and the strict parser the reader tries first.
 */
#ifndef RURU_ENTRY_IMPL_H
#define RURU_ENTRY_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

/* ---------------------------------------------------------- small helpers */

static inline bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static inline bool starts(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	return n >= k && memcmp(p, lit, k) == 0;
}

/* Case-insensitive prefix test against a lowercase literal. */
static inline bool starts_ci(const char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (to_lower((unsigned char)p[i]) != (unsigned char)lit[i])
			return false;
	return true;
}

static inline char *dup_mem(const char *p, size_t n)
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

static inline struct line line_at(const char *t, size_t len, size_t off)
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

/* Where each field of RURU_ENTRY_FIELDS lives in struct ruru_entry. */
static const size_t field_offset[RURU_FIELD_COUNT] = {
#define RURU_X_OFF(u, l, m, h) [RURU_FIELD_##u] = offsetof(struct ruru_entry, l),
	RURU_ENTRY_FIELDS(RURU_X_OFF)
#undef RURU_X_OFF
};
#define NFIELDS RURU_FIELD_COUNT

static inline char **field_slot(struct ruru_entry *e, int i)
{
	return (char **)((char *)e + field_offset[i]);
}

static inline const char *field_value(const struct ruru_entry *e, int i)
{
	return *(char *const *)((const char *)e + field_offset[i]);
}

#define ENTRY_SEP "\xC2\xB7" /* U+00B7 MIDDLE DOT, between fields */

/* Parse one entry in ruru's format at t[0..len) (CRLF line endings when
 * `crlf`); *used is its length with its continuation lines.  On failure
 * nothing is left allocated in e. */
bool entry_strict_parse(const char *t, size_t len, bool crlf, struct ruru_entry *e, size_t *used);

#endif
