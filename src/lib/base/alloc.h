/*
 * alloc.h — library-internal: allocation helpers (buf.c).  Out of memory
 * aborts, as for struct ruru_buf.
 */
#ifndef RURU_ALLOC_H
#define RURU_ALLOC_H

#include <stddef.h>

/* strdup that aborts on out of memory; NULL stays NULL. */
char *ruru_strdup(const char *s);
char *ruru_strndup(const char *s, size_t n);
/* malloc/realloc that abort on out of memory. */
void *ruru_xmalloc(size_t n);
void *ruru_xrealloc(void *p, size_t n);

#endif
