/*
 * builtin.h — library-internal: data files compiled into ruru (the V7
 * templates of templates/v7/, copied unchanged from Roo Commander v7.3.0),
 * used when a workspace has no template of its own.  The table is
 * generated at build time by scripts/embed.sh.
 */
#ifndef RURU_BUILTIN_H
#define RURU_BUILTIN_H

#include <stddef.h>

struct ruru_builtin {
	const char *name; /* base name, e.g. "31_session_note.md" */
	const char *data; /* NUL-terminated */
	size_t len;
};

/* Terminated by an entry with name NULL. */
extern const struct ruru_builtin ruru_builtins[];

/* The built-in file `name`, or NULL. */
const struct ruru_builtin *ruru_builtin_find(const char *name);

#endif
