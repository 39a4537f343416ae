/*
 * frontmatter.c — split a TOML+Markdown document into its "+++"-fenced TOML
 * front matter and Markdown body, by byte offsets so that callers can edit
 * one part and keep the rest byte for byte.
 */
#include <string.h>

#include "ruru.h"
#include "banned.h"

/* Is the line starting at `p` exactly "+++" followed by LF, CRLF or EOF?
 * Returns the length of the line including its newline, or 0. */
static size_t fence_len(const char *p, const char *end)
{
	if (end - p < 3 || memcmp(p, "+++", 3) != 0)
		return 0;
	p += 3;
	if (p == end)
		return 3;
	if (*p == '\n')
		return 4;
	if (*p == '\r' && p + 1 < end && p[1] == '\n')
		return 5;
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
