/*
 * fmkeys.h — library-internal: the session log's front-matter keys, one
 * table (redis config.c's pattern).  Reading (session.c), the JSON of a
 * session, the default log and the workspace template's filling (legacy
 * names renamed, values set, arrays made strict), `check`, the merge
 * driver and the digest's header iterate it, so a key is added by adding
 * a row (and a member to struct ruru_session; where a user sets it, a
 * member to struct ruru_new that the row names, and the front ends'
 * options).
 */
#ifndef RURU_FMKEYS_H
#define RURU_FMKEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "ruru.h"

enum fm_type {
	FM_STRING,  /* char * */
	FM_STATUS,  /* char * as written + enum ruru_status (aux) */
	FM_TIME,    /* char * as written + time_t (aux); "" allowed when empty_ok */
	FM_STRINGS, /* char ** + size_t count (aux) */
};

enum fm_merge {
	FM_MERGE_3WAY,    /* the side that changed it wins; both changed: conflict */
	FM_MERGE_UNION,   /* string arrays: every element either side added, once */
	FM_MERGE_SESSION, /* with the side whose last session event is later */
};

/* What a new log (the default template) holds. */
enum fm_default {
	FM_DEF_ID,          /* the new session ID */
	FM_DEF_ACTIVE,      /* ruru_status_string(RURU_STATUS_ACTIVE) */
	FM_DEF_NOW,         /* a TOML offset date-time */
	FM_DEF_EMPTY,       /* "" */
	FM_DEF_NONE,        /* [] */
	FM_DEF_OPTION,      /* the string member `opt` of struct ruru_new ("" when NULL) */
	FM_DEF_OPTIONS,     /* the strings `opt` (const char *const *) and their count `optn`
			     * (size_t) of struct ruru_new; a template's own items kept */
	FM_DEF_ABSENT,      /* not written unless the new session has a value (the
			     * writer sets it: source_summaries from `from_summary`) */
};

#define FM_NO_FIELD ((size_t)-1)

struct fm_key {
	const char *name;
	const char *alias;  /* the legacy name read when `name` is absent, or NULL */
	enum fm_type type;
	size_t off, aux;    /* members of struct ruru_session (FM_NO_FIELD: none) */
	bool required;      /* `check` reports a log without it */
	bool empty_ok;      /* FM_TIME: "" is valid (not ended yet) */
	enum fm_merge merge;
	enum fm_default def;
	size_t opt, optn;    /* FM_DEF_OPTION(S): members of struct ruru_new */
	const char *label;   /* its line in the digest's header ("Goal"), or NULL */
	const char *view;    /* how a reader's view names it ("Started") */
	const char *missing; /* shown there when empty; NULL: the line is left out */
};

/* Every key, in the order ruru writes them; ends with a row whose name is
 * NULL. */
extern const struct fm_key fm_keys[];
/* The row of `key` (klen bytes), or NULL. */
const struct fm_key *fm_key_find(const char *key, size_t klen);

#endif
