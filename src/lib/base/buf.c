/*
 * buf.c — the growable, always NUL-terminated byte buffer every module
 * builds text in (git's strbuf).  Allocation failure aborts: there is no
 * useful way to report it and every caller would otherwise carry a branch
 * that is never tested.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include "ruru.h"
#include "alloc.h"
#include "banned.h"

/* ------------------------------------------------ allocation helpers */

void *ruru_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		abort();
	return p;
}

void *ruru_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *ruru_strndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = ruru_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ruru_strdup(const char *s)
{
	return s ? ruru_strndup(s, strlen(s)) : NULL;
}

/* ------------------------------------------------------------ buffers */

/* What an empty buffer points at (git's strbuf_slopbuf): never written. */
char ruru_buf_slopbuf[1];

void ruru_buf_init(struct ruru_buf *b)
{
	b->ptr = ruru_buf_slopbuf;
	b->len = 0;
	b->cap = 0;
}

void ruru_buf_release(struct ruru_buf *b)
{
	if (b->cap)
		free(b->ptr);
	ruru_buf_init(b);
}

void ruru_buf_reset(struct ruru_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->ptr[0] = '\0';
}

void ruru_buf_grow(struct ruru_buf *b, size_t extra)
{
	if (!b->cap && !b->ptr)
		ruru_buf_init(b);
	if (extra >= SIZE_MAX - b->len - 1)
		abort();
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap < SIZE_MAX / 2 ? cap * 2 : need;
	char *p = b->cap ? realloc(b->ptr, cap) : malloc(cap);
	if (!p)
		abort();
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
}

void ruru_buf_add(struct ruru_buf *b, const void *data, size_t len)
{
	ruru_buf_grow(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void ruru_buf_addstr(struct ruru_buf *b, const char *s)
{
	ruru_buf_add(b, s, strlen(s));
}

void ruru_buf_addch(struct ruru_buf *b, int c)
{
	ruru_buf_grow(b, 1);
	b->ptr[b->len++] = (char)c;
	b->ptr[b->len] = '\0';
}

void ruru_buf_vaddf(struct ruru_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	ruru_buf_grow(b, 64);
	int n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
	if (n < 0)
		abort();
	if ((size_t)n >= b->cap - b->len) {
		ruru_buf_grow(b, (size_t)n);
		vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, again);
	}
	va_end(again);
	b->len += (size_t)n;
}

void ruru_buf_addf(struct ruru_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ruru_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *ruru_buf_detach(struct ruru_buf *b, size_t *len)
{
	ruru_buf_grow(b, 0);
	char *p = b->ptr;
	if (len)
		*len = b->len;
	ruru_buf_init(b);
	return p;
}

int ruru_buf_read_fd(struct ruru_buf *b, int fd, struct ruru_error *err)
{
	for (;;) {
		/* Small first: a small file fits in a heap block (a 64 KiB
		 * first chunk made malloc map and unmap pages for every
		 * .active read); the capacity doubles for a big one. */
		if (!b->cap || b->cap - b->len < 4096)
			ruru_buf_grow(b, b->len < 65536 ? 4096 : 65536);
		ssize_t n = read(fd, b->ptr + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ruru_error_set(err, RURU_EFAIL, "read failed: %s", strerror(errno));
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->ptr[b->len] = '\0';
	}
	return 0;
}

/* Here rather than in error.c, so that the error record sits below the
 * buffer: error.c calls nothing, buf.c calls error.c. */
void ruru_error_format(const struct ruru_error *err, struct ruru_buf *out)
{
	if (err->file[0])
		ruru_buf_addf(out, "%s:", err->file);
	if (err->line)
		ruru_buf_addf(out, "%d:%d:", err->line, err->col);
	if (err->file[0] || err->line)
		ruru_buf_addch(out, ' ');
	ruru_buf_addstr(out, err->msg);
}
