/*
 * toml_impl.h — the TOML engine's internal data model, shared by the decoder
 * (toml.c) and the format-preserving editor (toml_edit.c).  Not installed.
 *
 * Memory: a document owns an arena (chunks that never move) holding every
 * node, key and string, plus a short list of heap blocks for the few vectors
 * that grow big (a table with 10^6 keys, its hash index), which realloc can
 * grow in place without leaving old copies behind in the arena.  Keys are
 * interned (one copy per distinct key), tables get a hash index only when
 * big, and every vector is shrunk to its length once complete (an array or
 * inline table when it closes, other tables when the next header starts),
 * its old block going to a free list for the next vector.  Offsets are
 * 32-bit to keep nodes small: documents of 4 GiB or more are refused.
 */
#ifndef RURU_TOML_IMPL_H
#define RURU_TOML_IMPL_H

#include <stdint.h>
#include <string.h>

#include "ruru.h"

/* Containers nested deeper than this are refused, so that every walk over a
 * document (JSON output, comparison) may recurse without risking the stack. */
#define TOML_MAX_DEPTH 400

/* How a table came to be, for TOML's redefinition rules. */
enum {
	TF_IMPLICIT = 1, /* created as a prefix of a [header] */
	TF_DEFINED = 2,  /* defined by its own [header] (or is the root) */
	TF_DOTTED = 4,   /* created by a dotted key (a.b = 1) */
	TF_INLINE = 8,   /* an inline table: closed once written */
};
enum { VF_AOT = 1 }; /* array made by [[header]]s */

struct toml_table;
struct toml_array;

struct ruru_toml_value {
	union {
		int64_t i;
		double f;
		bool b;
		char *s;
		struct ruru_toml_datetime *dt;
		struct toml_array *arr;
		struct toml_table *tab;
	} u;
	uint32_t start, end; /* span in the source */
	uint8_t kind;        /* enum ruru_toml_kind */
	uint8_t flags;       /* VF_* */
	uint16_t n16;        /* string length; TOML_LONGSTR: stored before the bytes */
	uint32_t kstart;     /* in a table entry: where its key starts in the source */
};

#define TOML_LONGSTR 0xFFFFu

/* A key, interned: every entry with the same decoded bytes written with the
 * same length shares one.  Its span in an entry is [kstart, kstart + wlen). */
struct toml_key {
	uint32_t len, wlen; /* decoded length; length as written */
	char s[];           /* NUL-terminated */
};

struct toml_entry {
	struct ruru_toml_value v;
	const struct toml_key *key;
};

/* The bytes and length of a string value. */
static inline const char *toml_str(const struct ruru_toml_value *v, size_t *n)
{
	if (v->n16 != TOML_LONGSTR) {
		*n = v->n16;
	} else {
		uint32_t l;
		memcpy(&l, v->u.s - 4, 4);
		*n = l;
	}
	return v->u.s;
}

struct toml_table {
	struct toml_entry *items;
	uint32_t len, cap;
	uint32_t *hash; /* open addressing, index+1; NULL while small; hash[-1]
			 * is its capacity, hash[-2] its heap slot */
	uint32_t slot;  /* heap slot of items, UINT32_MAX if in the arena */
	uint32_t sec;   /* section that defined it (header or dotted key) */
	uint16_t depth;
	uint8_t flags;  /* TF_* */
	uint8_t listed; /* on the parser's list of tables to shrink to fit */
};

struct toml_array {
	struct ruru_toml_value *items;
	uint32_t len, cap, slot;
};

/* A section: the root (index 0) or one [header] / [[header]] line. */
struct toml_section {
	uint32_t start, end;       /* the header line's '[' up to after ']' ('0,0' for root) */
	uint32_t kv_start, kv_end; /* the last key/value line: its start, after its newline */
	bool has_kv;
	struct toml_table *tab;
};

struct toml_chunk;

struct ruru_toml {
	struct toml_chunk *chunk;
	void **heap;
	size_t nheap, heapcap;
	struct ruru_toml_value root;
	struct toml_section *secs;
	size_t nsecs, seccap;
	size_t len;
	/* arena blocks left behind by growing vectors, reused by size */
	struct {
		size_t size;
		void *head;
	} freel[24];
	int nfreel;
	/* key interning: open addressing over keys, bounded in size */
	const struct toml_key **keys;
	uint32_t nkeys, keycap;
	/* tables grown since the last shrink to fit (while parsing) */
	struct toml_table **open;
	size_t nopen, opencap;
};

/* One component of a dotted key: decoded bytes at `off` in a buffer. */
struct toml_kcomp {
	size_t off, len;
	size_t start, end; /* span in the text the key was parsed from */
};

/* Parse a dotted key (TOML quoting) that fills all of `s`.  Components go
 * to *comps (malloc'd, caller frees) and their bytes to `bytes`. */
int toml_keypath(const char *s, size_t len, struct ruru_buf *bytes, struct toml_kcomp **comps,
		 size_t *n, struct ruru_error *err);
/* Index of `key` in the table, or -1. */
long toml_table_find(const struct toml_table *t, const char *key, size_t len);
/* Deep equality of two values (same kind and same decoded content). */
bool toml_value_equal(const struct ruru_toml_value *a, const struct ruru_toml_value *b);

#endif
