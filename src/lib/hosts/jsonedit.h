/*
 * jsonedit.h — library-internal: format-preserving edits of JSON (and
 * JSONC: comments and trailing commas) configuration files, for
 * `ruru init --host`.  A document is parsed into nodes that carry their
 * byte spans; an edit splices new bytes into the text and leaves every
 * other byte as it was (indentation, key order, comments, line endings),
 * so that adding ruru's entry and taking it out again gives back the
 * original file byte for byte.
 *
 *	struct ruru_jdoc d;
 *	if (ruru_jdoc_parse(&d, text, len, allow_comments, err) < 0) ...
 *	int obj = ruru_jdoc_get(&d, d.root ... ) ...
 *	ruru_jdoc_set(&d, obj, "key", rendered_value, err);   (re-parses)
 *	... d.text holds the edited document ...
 *	ruru_jdoc_release(&d);
 *
 * Node indexes stay valid only until the next edit (every edit re-parses).
 */
#ifndef RURU_JSONEDIT_H
#define RURU_JSONEDIT_H

#include <jansson.h>
#include <stdbool.h>

#include "ruru.h"

enum ruru_jtype { RURU_J_OBJECT = 1, RURU_J_ARRAY, RURU_J_STRING, RURU_J_NUMBER, RURU_J_LITERAL };

struct ruru_jnode {
	enum ruru_jtype type;
	size_t start, end;         /* the value's bytes */
	size_t member;             /* a member's first byte (its key), else == start */
	size_t key_start, key_end; /* the key token with its quotes (0, 0 when none) */
	int parent, first, last, next, prev; /* -1 when none */
	size_t count;              /* members or elements */
};

struct ruru_jdoc {
	struct ruru_buf text;
	bool comments; /* JSONC: // and block comments, trailing commas */
	struct ruru_jnode *nodes;
	size_t nnodes, cap;
	int root;
	const char *eol; /* "\n" or "\r\n", from the first line break */
	char indent[16]; /* one level of indentation ("  " when unknown) */
};

/* Parse `len` bytes (copied).  RURU_EINVALID with line and column when
 * they are not one JSON value (JSONC with `comments`); then nothing is
 * left to release. */
int ruru_jdoc_parse(struct ruru_jdoc *d, const char *text, size_t len, bool comments,
		    struct ruru_error *err);
void ruru_jdoc_release(struct ruru_jdoc *d);

/* The member `key` of object node `obj` (the last one when repeated), -1
 * when absent. */
int ruru_jdoc_get(const struct ruru_jdoc *d, int obj, const char *key);
/* The value of node `n` decoded with jansson (new reference). */
json_t *ruru_jdoc_value(const struct ruru_jdoc *d, int n);

/* Render a jansson value the way ruru writes it into a file: objects one
 * member a line indented by `indent` per level from `base`, arrays of
 * scalars on one line. */
void ruru_jdoc_render(struct ruru_buf *out, json_t *v, const char *base, const char *indent,
		      const char *eol);

/* Set member `key` of object `obj` to `v` (replace the value's bytes, or
 * add the member after the last one). */
int ruru_jdoc_set(struct ruru_jdoc *d, int obj, const char *key, json_t *v,
		  struct ruru_error *err);
/* Append `v` to array `arr`. */
int ruru_jdoc_append(struct ruru_jdoc *d, int arr, json_t *v, struct ruru_error *err);
/* Remove node `n` (an object member or an array element) with the comma
 * and white space that were added with it. */
int ruru_jdoc_remove(struct ruru_jdoc *d, int n, struct ruru_error *err);

#endif
