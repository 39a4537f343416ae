/*
 * frontmatter.c — split a TOML+Markdown document into its "+++"-fenced TOML
 * front matter and Markdown body, by byte offsets so that callers can edit
 * one part and keep the rest byte for byte; and edit that part
 * (ruru_frontmatter_edit: the one splice used by the log transaction and
 * by `ruru toml set` and its siblings).
 */
#include <string.h>

#include "ruru.h"
#include "timestamp.h"
#include "text.h"
#include "banned.h"

/* Is the line starting at `p` "+++" (trailing blanks allowed: real task
 * files have "+++ ") followed by LF, CRLF or EOF?  Returns the length of
 * the line including its newline, or 0. */
static size_t fence_len(const char *p, const char *end)
{
	const char *q = p;
	if (end - p < 3 || memcmp(p, RURU_LIT("+++")) != 0)
		return 0;
	q += 3;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == end)
		return (size_t)(q - p);
	if (*q == '\n')
		return (size_t)(q - p) + 1;
	if (*q == '\r' && q + 1 < end && q[1] == '\n')
		return (size_t)(q - p) + 2;
	return 0;
}

bool ruru_frontmatter_split(const char *text, size_t len, struct ruru_frontmatter *fm)
{
	const char *end = text + len, *p = text;
	memset(fm, 0, sizeof(*fm));
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	size_t n = fence_len(p, end);
	if (!n || p[n - 1] != '\n')
		return false;
	const char *toml = p + n;
	for (const char *line = toml; line < end;) {
		size_t f = fence_len(line, end);
		if (f) {
			fm->present = true;
			fm->toml = (size_t)(toml - text);
			fm->toml_end = fm->close = (size_t)(line - text);
			fm->body = fm->close + f;
			return true;
		}
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			break;
		line = nl + 1;
	}
	return false;
}

size_t ruru_frontmatter_fence_in(const char *toml, size_t len)
{
	const char *end = toml + len;
	for (const char *line = toml; line < end;) {
		if (fence_len(line, end))
			return (size_t)(line - toml);
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			break;
		line = nl + 1;
	}
	return len;
}

int ruru_frontmatter_edit(struct ruru_buf *text, const struct ruru_toml_edit *e,
			  struct ruru_error *err)
{
	struct ruru_frontmatter fm;
	bool has_fm = ruru_frontmatter_split(text->ptr, text->len, &fm);
	size_t start = has_fm ? fm.toml : 0, end = has_fm ? fm.toml_end : text->len;
	const char *src = text->ptr + start;
	size_t len = end - start;
	struct ruru_buf out = RURU_BUF_INIT;
	int rc;
	switch (e->op) {
	case RURU_EDIT_SET:
		rc = ruru_toml_edit_set(&out, src, len, e->key, e->literal, e->literal_len, err);
		break;
	case RURU_EDIT_REMOVE:
		rc = ruru_toml_edit_remove(&out, src, len, e->key, err);
		break;
	case RURU_EDIT_APPEND:
		rc = ruru_toml_edit_array_append(&out, src, len, e->key, e->literal, e->literal_len,
						 err);
		break;
	case RURU_EDIT_REMOVE_AT:
		rc = ruru_toml_edit_array_remove(&out, src, len, e->key, e->index, err);
		break;
	default:
		rc = ruru_error_set(err, RURU_EUSAGE, "unknown edit");
	}
	/* A multi-line string holding a "+++" line would close the front
	 * matter early, leaving a file no reader splits as it was meant. */
	size_t fence;
	if (rc == 0 && has_fm && (fence = ruru_frontmatter_fence_in(out.ptr, out.len)) < out.len) {
		rc = ruru_error_set(err, RURU_EINVALID,
				    "the new value holds a line \"+++\", which would end the front "
				    "matter early; write it with escapes (\"...\\n+++\\n...\") "
				    "instead");
		err->line = 1;
		err->col = 1;
		for (size_t i = 0; i < fence; i++)
			err->line += out.ptr[i] == '\n';
	}
	if (rc < 0) {
		/* The engine counts lines from the TOML part. */
		if (err->line)
			for (size_t i = 0; i < start; i++)
				err->line += text->ptr[i] == '\n';
		ruru_buf_release(&out);
		return -1;
	}
	struct ruru_buf all = RURU_BUF_INIT;
	ruru_buf_grow(&all, start + out.len + (text->len - end));
	ruru_buf_add(&all, text->ptr, start);
	ruru_buf_add(&all, out.ptr, out.len);
	ruru_buf_add(&all, text->ptr + end, text->len - end);
	ruru_buf_release(&out);
	ruru_buf_release(text);
	*text = all;
	return 0;
}

void ruru_toml_time_like(struct ruru_buf *lit, time_t now, const struct ruru_toml_value *old,
			 const struct ruru_toml_value *sibling, const char *toml, size_t toml_len)
{
	const struct ruru_toml_value *v = old;
	size_t n = 0;
	const char *s = v && ruru_toml_kind(v) == RURU_TOML_STRING ? ruru_toml_string(v, &n) : NULL;
	if (!v || (s && !n)) /* absent or "": the form of its sibling */
		v = sibling;
	if (v && ruru_toml_kind(v) == RURU_TOML_STRING) {
		s = ruru_toml_string(v, &n);
		struct ruru_buf t = RURU_BUF_INIT;
		time_t when;
		bool date = s && n >= 10 && s[4] == '-' && s[7] == '-'; /* "2026-11-20" */
		if (s && n && (date || ruru_time_parse(s, n, &when, NULL)))
			ruru_time_format_like(&t, now, s, n);
		else
			ruru_time_format_like(&t, now, RURU_LIT("2026-01-01T00:00:00Z"));
		ruru_toml_encode_string(lit, t.ptr, t.len);
		ruru_buf_release(&t);
		return;
	}
	if (v && toml) {
		struct ruru_toml_span sp = ruru_toml_value_span(v);
		if (sp.end <= toml_len && sp.end > sp.start) {
			ruru_time_format_like(lit, now, toml + sp.start, sp.end - sp.start);
			return;
		}
	}
	if (old && ruru_toml_kind(old) == RURU_TOML_STRING) {
		/* end_time = "" beside no sibling: a string timestamp */
		char full[32];
		ruru_time_format_rfc3339(now, full);
		ruru_toml_encode_string(lit, full, strlen(full));
		return;
	}
	ruru_toml_encode_time(lit, now);
}
