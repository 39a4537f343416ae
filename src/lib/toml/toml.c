/*
 * toml.c — the TOML 1.0.0 decoder, its read accessors and toml-test's tagged
 * JSON.  One pass over the bytes builds the tree in an arena (toml_impl.h)
 * and records the byte span of every key and value plus where each table
 * section's key/value lines end, which the editor (toml_edit.c) needs.
 *
 * The text is checked for UTF-8 and control characters in a separate fast
 * pass first, so the grammar code below never has to.  Errors unwind with
 * longjmp: everything allocated belongs to the document, which is freed.
 * Nesting is bounded (TOML_MAX_DEPTH) so recursion stays shallow.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml_impl.h"
#include "text.h"
#include "banned.h"

/* ------------------------------------------------------------- memory */

struct toml_chunk {
	struct toml_chunk *next;
	size_t used, cap;
	_Alignas(16) char data[];
};

#define HEAP_THRESHOLD 64 /* vectors bigger than this live on the heap */

static void *arena_alloc(struct ruru_toml *doc, size_t size, size_t align)
{
	struct toml_chunk *c = doc->chunk;
	size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
	if (!c || at + size > c->cap) {
		/* Grow chunk sizes with the document: few mallocs for big
		 * inputs, little waste for small ones.  Untouched pages of a
		 * big chunk cost no memory. */
		size_t cap = c ? c->cap * 2 : 4096;
		if (cap > (4u << 20))
			cap = 4u << 20;
		if (cap < size)
			cap = size;
		struct toml_chunk *n = malloc(sizeof(*n) + cap);
		if (!n)
			abort();
		n->next = c;
		n->used = 0;
		n->cap = cap;
		doc->chunk = c = n;
		at = 0;
	}
	c->used = at + size;
	return c->data + at;
}

/* Give back the tail of the newest allocation `p` (strings are allocated
 * for their worst case, then trimmed). */
static void arena_trim(struct ruru_toml *doc, char *p, size_t size)
{
	struct toml_chunk *c = doc->chunk;
	if (p >= c->data && p <= c->data + c->used)
		c->used = (size_t)(p - c->data) + size;
}

static uint32_t heap_add(struct ruru_toml *doc, void *p)
{
	if (doc->nheap == doc->heapcap) {
		size_t cap = doc->heapcap ? doc->heapcap * 2 : 16;
		void **h = realloc(doc->heap, cap * sizeof(*h));
		if (!h)
			abort();
		doc->heap = h;
		doc->heapcap = cap;
	}
	doc->heap[doc->nheap] = p;
	return (uint32_t)doc->nheap++;
}

/* Arena blocks freed by vector growth are kept by size and handed out again,
 * so that growing many small tables leaves no dead copies behind. */
static void **free_list(struct ruru_toml *doc, size_t size)
{
	for (int i = 0; i < doc->nfreel; i++)
		if (doc->freel[i].size == size)
			return &doc->freel[i].head;
	if (doc->nfreel == (int)(sizeof(doc->freel) / sizeof(doc->freel[0])))
		return NULL;
	doc->freel[doc->nfreel].size = size;
	doc->freel[doc->nfreel].head = NULL;
	return &doc->freel[doc->nfreel++].head;
}

static uint32_t next_cap(uint32_t cap)
{
	return cap < 4 ? 4 : cap + cap / 2;
}

/* Grow a vector of `esize` elements from `cap` to `ncap`, moving it to the
 * heap once it is big. */
static void *vec_grow(struct ruru_toml *doc, void *old, uint32_t len, uint32_t cap, uint32_t ncap,
		      size_t esize, uint32_t *slot)
{
	void *p;
	if (*slot != UINT32_MAX) {
		p = realloc(old, ncap * esize);
		if (!p)
			abort();
		doc->heap[*slot] = p;
		return p;
	}
	if (ncap > HEAP_THRESHOLD) {
		p = malloc(ncap * esize);
		if (!p)
			abort();
		*slot = heap_add(doc, p);
	} else {
		void **fl = free_list(doc, ncap * esize);
		if (fl && *fl) {
			p = *fl;
			memcpy(fl, p, sizeof(void *));
		} else {
			p = arena_alloc(doc, ncap * esize, 8);
		}
	}
	if (len)
		memcpy(p, old, len * esize);
	if (old) {
		void **fl = free_list(doc, cap * esize);
		if (fl) {
			memcpy(old, fl, sizeof(void *));
			*fl = old;
		}
	}
	return p;
}

/* Shrink a vector to its length once it is complete: in place at the end
 * of the arena or on the heap, else into an exact block (the old one goes
 * to the free list for the next vector that grows to its size). */
static void *vec_fit(struct ruru_toml *doc, void *old, uint32_t len, uint32_t cap, size_t esize,
		     uint32_t slot)
{
	if (len == cap)
		return old;
	if (slot != UINT32_MAX) {
		void *p = realloc(old, len * esize);
		if (!p)
			return old;
		doc->heap[slot] = p;
		return p;
	}
	struct toml_chunk *c = doc->chunk;
	if ((char *)old + cap * esize == c->data + c->used) {
		c->used -= (cap - len) * esize;
		return old;
	}
	void *p = NULL;
	if (len) {
		void **fl = free_list(doc, len * esize);
		if (fl && *fl) {
			p = *fl;
			memcpy(fl, p, sizeof(void *));
		} else {
			p = arena_alloc(doc, len * esize, 8);
		}
		memcpy(p, old, len * esize);
	}
	void **fl = free_list(doc, cap * esize);
	if (fl) {
		memcpy(old, fl, sizeof(void *));
		*fl = old;
	}
	return p;
}

void ruru_toml_free(struct ruru_toml *doc)
{
	if (!doc)
		return;
	for (struct toml_chunk *c = doc->chunk, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	for (size_t i = 0; i < doc->nheap; i++)
		free(doc->heap[i]);
	free(doc->heap);
	free(doc->secs);
	free(doc->keys);
	free(doc->open);
	free(doc);
}

/* ------------------------------------------------------------- tables */

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = ruru_fnv1a(s, n);
	return (uint32_t)(h ^ (h >> 32));
}

/* Tables get a hash index only past this many keys: below, a scan over
 * interned keys is as fast and costs no memory. */
#define HASH_MIN 32

long toml_table_find(const struct toml_table *t, const char *key, size_t len)
{
	if (!t->hash) {
		for (uint32_t i = 0; i < t->len; i++) {
			const struct toml_key *k = t->items[i].key;
			if (k->len == len && memcmp(k->s, key, len) == 0)
				return (long)i;
		}
		return -1;
	}
	uint32_t mask = t->hash[-1] - 1;
	for (uint32_t h = hash_bytes(key, len) & mask;; h = (h + 1) & mask) {
		uint32_t ix = t->hash[h];
		if (!ix)
			return -1;
		const struct toml_key *k = t->items[ix - 1].key;
		if (k->len == len && memcmp(k->s, key, len) == 0)
			return (long)ix - 1;
	}
}

static void hash_put(struct toml_table *t, uint32_t i)
{
	uint32_t mask = t->hash[-1] - 1;
	const struct toml_key *k = t->items[i].key;
	uint32_t h = hash_bytes(k->s, k->len) & mask;
	while (t->hash[h])
		h = (h + 1) & mask;
	t->hash[h] = i + 1;
}

static void hash_rebuild(struct ruru_toml *doc, struct toml_table *t, uint32_t hcap)
{
	uint32_t *h = t->hash ? t->hash - 2 : NULL;
	uint32_t slot = h ? h[0] : UINT32_MAX;
	h = realloc(h, (hcap + 2) * sizeof(*h));
	if (!h)
		abort();
	if (slot == UINT32_MAX)
		slot = heap_add(doc, h);
	else
		doc->heap[slot] = h;
	h[0] = slot;
	h[1] = hcap;
	memset(h + 2, 0, hcap * sizeof(*h));
	t->hash = h + 2;
	for (uint32_t i = 0; i < t->len; i++)
		hash_put(t, i);
}

static struct toml_table *table_new(struct ruru_toml *doc, unsigned depth, uint8_t flags,
				    uint32_t sec)
{
	struct toml_table *t = arena_alloc(doc, sizeof(*t), 8);
	memset(t, 0, sizeof(*t));
	t->slot = UINT32_MAX;
	t->depth = (uint16_t)depth;
	t->flags = flags;
	t->sec = sec;
	return t;
}

#define KEYS_MAX (1u << 14) /* interning table slots: bounded, then keys are copied */

static uint32_t key_hash(const char *s, size_t n, size_t wlen)
{
	return hash_bytes(s, n) ^ (uint32_t)wlen * 0x9E3779B1u;
}

static void keys_rehash(struct ruru_toml *doc, uint32_t cap)
{
	const struct toml_key **k = calloc(cap, sizeof(*k));
	if (!k)
		abort();
	for (uint32_t i = 0; i < doc->keycap; i++) {
		const struct toml_key *x = doc->keys[i];
		if (!x)
			continue;
		uint32_t h = key_hash(x->s, x->len, x->wlen) & (cap - 1);
		while (k[h])
			h = (h + 1) & (cap - 1);
		k[h] = x;
	}
	free(doc->keys);
	doc->keys = k;
	doc->keycap = cap;
}

/* The one copy of a key (decoded bytes, length as written). */
static const struct toml_key *key_intern(struct ruru_toml *doc, const char *s, size_t len,
					 size_t wlen)
{
	uint32_t h = 0, mask = doc->keycap - 1;
	if (doc->keycap) {
		for (h = key_hash(s, len, wlen) & mask;; h = (h + 1) & mask) {
			const struct toml_key *k = doc->keys[h];
			if (!k)
				break;
			if (k->len == len && k->wlen == wlen && memcmp(k->s, s, len) == 0)
				return k;
		}
	}
	struct toml_key *k = arena_alloc(doc, sizeof(*k) + len + 1, 4);
	k->len = (uint32_t)len;
	k->wlen = (uint32_t)wlen;
	memcpy(k->s, s, len);
	k->s[len] = '\0';
	if ((doc->nkeys + 1) * 2 > doc->keycap) {
		if (doc->keycap >= KEYS_MAX)
			return k;
		keys_rehash(doc, doc->keycap ? doc->keycap * 2 : 32); /* front matters are small */
		mask = doc->keycap - 1;
		for (h = key_hash(s, len, wlen) & mask; doc->keys[h]; h = (h + 1) & mask)
			;
	}
	doc->keys[h] = k;
	doc->nkeys++;
	return k;
}

/* Append an entry (the caller checked the key is new); returns its value. */
static struct ruru_toml_value *table_add(struct ruru_toml *doc, struct toml_table *t,
					 const char *key, size_t klen, size_t kstart, size_t kend)
{
	if (t->len == t->cap) {
		uint32_t ncap = next_cap(t->cap);
		t->items = vec_grow(doc, t->items, t->len, t->cap, ncap, sizeof(*t->items), &t->slot);
		t->cap = ncap;
		if (!t->listed) {
			if (doc->nopen == doc->opencap) {
				size_t cap = doc->opencap ? doc->opencap * 2 : 64;
				struct toml_table **o = realloc(doc->open, cap * sizeof(*o));
				if (!o)
					abort();
				doc->open = o;
				doc->opencap = cap;
			}
			doc->open[doc->nopen++] = t;
			t->listed = 1;
		}
	}
	struct toml_entry *e = &t->items[t->len++];
	memset(&e->v, 0, sizeof(e->v));
	e->v.kstart = (uint32_t)kstart;
	e->key = key_intern(doc, key, klen, kend - kstart);
	if (t->hash) {
		if (t->len * 2 > t->hash[-1])
			hash_rebuild(doc, t, t->hash[-1] * 2);
		else
			hash_put(t, t->len - 1);
	} else if (t->len > HASH_MIN) {
		hash_rebuild(doc, t, 4 * HASH_MIN);
	}
	return &e->v;
}

/* Shrink the tables grown since the list had `from` entries: they are
 * complete (an inline table closed, or a new section began) or rarely grow
 * again. */
static void tables_fit(struct ruru_toml *doc, size_t from)
{
	for (size_t i = from; i < doc->nopen; i++) {
		struct toml_table *t = doc->open[i];
		t->items = vec_fit(doc, t->items, t->len, t->cap, sizeof(*t->items), t->slot);
		t->cap = t->len;
		t->listed = 0;
	}
	doc->nopen = from;
}

static void array_fit(struct ruru_toml *doc, struct toml_array *a)
{
	a->items = vec_fit(doc, a->items, a->len, a->cap, sizeof(*a->items), a->slot);
	a->cap = a->len;
}

static struct ruru_toml_value *array_push(struct ruru_toml *doc, struct toml_array *a)
{
	if (a->len == a->cap) {
		uint32_t ncap = next_cap(a->cap);
		a->items = vec_grow(doc, a->items, a->len, a->cap, ncap, sizeof(*a->items), &a->slot);
		a->cap = ncap;
	}
	struct ruru_toml_value *v = &a->items[a->len++];
	memset(v, 0, sizeof(*v));
	return v;
}

/* ------------------------------------------------------------- parser */

struct parser {
	const char *s, *p, *end;
	struct ruru_toml *doc;
	struct ruru_error *err;
	jmp_buf jb;
	struct toml_table *cur; /* table of the current section */
	uint32_t cursec;
	struct ruru_buf kbuf; /* decoded bytes of the key being read */
	struct toml_kcomp *comps;
	size_t ncomps, compcap;
	char what[32];
};

static void position(const char *s, const char *at, int *line, int *col)
{
	int l = 1;
	const char *ls = s;
	for (const char *q = s; q < at; q++)
		if (*q == '\n') {
			l++;
			ls = q + 1;
		}
	int c = 1;
	for (const char *q = ls; q < at; q++)
		if (((unsigned char)*q & 0xC0) != 0x80)
			c++;
	*line = l;
	*col = c;
}

static _Noreturn __attribute__((format(printf, 3, 4))) void fail(struct parser *P, const char *at,
								 const char *fmt, ...)
{
	if (P->err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(P->err->msg, sizeof(P->err->msg), fmt, ap);
		va_end(ap);
		P->err->code = RURU_EINVALID;
		position(P->s, at, &P->err->line, &P->err->col);
	}
	longjmp(P->jb, 1);
}

/* What stands at `q`, for messages: end of file, newline, 'x'. */
static const char *what(struct parser *P, const char *q)
{
	if (q >= P->end)
		return "end of file";
	if (*q == '\n' || *q == '\r')
		return "newline";
	unsigned char c = (unsigned char)*q;
	if (c < 0x80)
		snprintf(P->what, sizeof(P->what), "'%c'", c);
	else {
		size_t n = 1;
		while (q + n < P->end && n < 4 && ((unsigned char)q[n] & 0xC0) == 0x80)
			n++;
		snprintf(P->what, sizeof(P->what), "'%.*s'", (int)n, q);
	}
	return P->what;
}

/* A printable short form of the key just read, for messages. */
static const char *keyname(struct parser *P)
{
	static _Thread_local char name[96];
	size_t n = 0;
	for (size_t i = 0; i < P->ncomps && n + 2 < sizeof(name); i++) {
		if (i)
			name[n++] = '.';
		const char *k = P->kbuf.ptr + P->comps[i].off;
		for (size_t j = 0; j < P->comps[i].len && n + 2 < sizeof(name); j++)
			name[n++] = (unsigned char)k[j] < 0x20 || k[j] == '"' ? '?' : k[j];
	}
	name[n] = '\0';
	return name;
}

/* The whole text must be UTF-8 without control characters (tab and CRLF
 * aside); checking it here once keeps the grammar code simple and fast. */
static void check_text(struct parser *P)
{
	const unsigned char *p = (const unsigned char *)P->p, *e = (const unsigned char *)P->end;
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	while (p < e) {
		if (e - p >= 8) {
			uint64_t x;
			memcpy(&x, p, 8);
			if (!((((x - ones * 0x20) & ~x) | (x + ones) | x) & highs)) {
				p += 8;
				continue;
			}
		}
		unsigned c = *p;
		if (c < 0x80) {
			if ((c >= 0x20 && c != 0x7F) || c == '\t' || c == '\n') {
				p++;
				continue;
			}
			if (c == '\r' && p + 1 < e && p[1] == '\n') {
				p += 2;
				continue;
			}
			if (c == '\r')
				fail(P, (const char *)p, "carriage return must be followed by a newline");
			fail(P, (const char *)p, "control character U+%04X is not allowed", c);
		}
		size_t n;
		uint32_t cp, min;
		if (c >= 0xC2 && c <= 0xDF)
			n = 2, cp = c & 0x1F, min = 0x80;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 3, cp = c & 0x0F, min = 0x800;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 4, cp = c & 0x07, min = 0x10000;
		else
			fail(P, (const char *)p, "invalid UTF-8");
		if ((size_t)(e - p) < n)
			fail(P, (const char *)p, "invalid UTF-8");
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				fail(P, (const char *)p, "invalid UTF-8");
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			fail(P, (const char *)p, "invalid UTF-8");
		p += n;
	}
}

static inline void skip_ws(struct parser *P)
{
	while (P->p < P->end && (*P->p == ' ' || *P->p == '\t'))
		P->p++;
}

static void skip_comment(struct parser *P)
{
	if (P->p < P->end && *P->p == '#') {
		const char *nl = memchr(P->p, '\n', (size_t)(P->end - P->p));
		P->p = nl ? nl : P->end;
		if (nl && nl[-1] == '\r')
			P->p--;
	}
}

/* Whitespace, newlines and comments (inside arrays). */
static void skip_space(struct parser *P)
{
	for (;;) {
		skip_ws(P);
		if (P->p >= P->end)
			return;
		char c = *P->p;
		if (c == '#')
			skip_comment(P);
		else if (c == '\n')
			P->p++;
		else if (c == '\r')
			P->p += 2;
		else
			return;
	}
}

/* After a key/value or header: spaces, a comment, then newline or EOF. */
static void end_of_line(struct parser *P, const char *after)
{
	skip_ws(P);
	skip_comment(P);
	if (P->p >= P->end)
		return;
	if (*P->p == '\n') {
		P->p++;
		return;
	}
	if (*P->p == '\r') {
		P->p += 2;
		return;
	}
	fail(P, P->p, "expected newline after %s, found %s", after, what(P, P->p));
}

static size_t put_utf8(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xC0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xE0 | (cp >> 12));
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		d[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | (cp >> 18));
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	d[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decode the escape at q (q[0] == '\\') into d; returns bytes written and
 * advances *qp past it.  Line-ending backslashes are the caller's. */
static size_t escape(struct parser *P, const char **qp, char *d)
{
	const char *q = *qp;
	char c = q + 1 < P->end ? q[1] : 0;
	*qp = q + 2;
	switch (c) {
	case 'b': *d = '\b'; return 1;
	case 't': *d = '\t'; return 1;
	case 'n': *d = '\n'; return 1;
	case 'f': *d = '\f'; return 1;
	case 'r': *d = '\r'; return 1;
	case '"': *d = '"'; return 1;
	case '\\': *d = '\\'; return 1;
	case 'u':
	case 'U': {
		int n = c == 'u' ? 4 : 8;
		uint32_t cp = 0;
		if (P->end - (q + 2) < n)
			fail(P, q, "expected %d hex digits after \\%c", n, c);
		for (int i = 0; i < n; i++) {
			int h = ruru_hex_digit(q[2 + i]);
			if (h < 0)
				fail(P, q, "expected %d hex digits after \\%c", n, c);
			cp = cp << 4 | (uint32_t)h;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			fail(P, q, "escape \\%c%.*s is not a Unicode scalar value", c, n, q + 2);
		*qp = q + 2 + n;
		return put_utf8(d, cp);
	}
	default:
		fail(P, q, "invalid escape sequence \\%s", what(P, q + 1));
	}
}

/* Find the end of a one-line basic string whose body starts at q; returns
 * the closing quote and sets *esc when a backslash was seen. */
static const char *scan_basic(struct parser *P, const char *q, bool *esc)
{
	*esc = false;
	for (;;) {
		if (q >= P->end || *q == '\n' || *q == '\r')
			fail(P, q, "expected '\"' to close the string, found %s", what(P, q));
		if (*q == '"')
			return q;
		if (*q == '\\') {
			*esc = true;
			q++;
			if (q >= P->end)
				continue;
		}
		q++;
	}
}

/* Decode a one-line basic string body [q, close) into d; returns length. */
static size_t decode_basic(struct parser *P, const char *q, const char *close, char *d, bool esc)
{
	if (!esc) {
		memcpy(d, q, (size_t)(close - q));
		return (size_t)(close - q);
	}
	size_t n = 0;
	while (q < close) {
		if (*q == '\\')
			n += escape(P, &q, d + n);
		else
			d[n++] = *q++;
	}
	return n;
}

/* A quoted multi-line string opened by three `quote`s at P->p.  Finds the
 * closing delimiter (up to two extra quotes belong to the content). */
static const char *scan_multi(struct parser *P, char quote, const char **body_end)
{
	const char *q = P->p + 3;
	for (;;) {
		if (q >= P->end)
			fail(P, P->p, "expected %c%c%c to close the multi-line string", quote, quote,
			     quote);
		if (*q == '\\' && quote == '"') {
			q += 2;
			continue;
		}
		if (*q == quote) {
			const char *r = q;
			while (r < P->end && *r == quote)
				r++;
			size_t run = (size_t)(r - q);
			if (run >= 3) {
				if (run > 5)
					fail(P, q + 5, "too many quotes at the end of a multi-line string");
				*body_end = q + (run - 3);
				return r;
			}
			q = r;
			continue;
		}
		q++;
	}
}

static size_t decode_multi(struct parser *P, const char *q, const char *e, char *d, char quote)
{
	size_t n = 0;
	/* A newline right after the opening delimiter is not content. */
	if (q < e && *q == '\n')
		q++;
	else if (q + 1 < e && q[0] == '\r' && q[1] == '\n')
		q += 2;
	while (q < e) {
		char c = *q;
		if (c == '\r') {
			q++;
			continue;
		}
		if (c == '\\' && quote == '"') {
			const char *r = q + 1;
			while (r < e && (*r == ' ' || *r == '\t'))
				r++;
			if (r < e && (*r == '\n' || *r == '\r')) {
				/* line-ending backslash: drop whitespace up to the next text */
				while (r < e && (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r'))
					r++;
				q = r;
				continue;
			}
			n += escape(P, &q, d + n);
			continue;
		}
		d[n++] = c;
		q++;
	}
	return n;
}

/* --------------------------------------------------------------- keys */

static void comp_push(struct parser *P, size_t off, size_t len, const char *start)
{
	if (P->ncomps == P->compcap) {
		size_t cap = P->compcap ? P->compcap * 2 : 8;
		struct toml_kcomp *c = realloc(P->comps, cap * sizeof(*c));
		if (!c)
			abort();
		P->comps = c;
		P->compcap = cap;
	}
	if (P->ncomps >= TOML_MAX_DEPTH)
		fail(P, start, "key has more than %d parts", TOML_MAX_DEPTH);
	P->comps[P->ncomps++] = (struct toml_kcomp){ off, len, (size_t)(start - P->s),
						     (size_t)(P->p - P->s) };
}

static inline bool is_bare(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* A dotted key at P->p into P->comps / P->kbuf. */
static void parse_key(struct parser *P)
{
	P->ncomps = 0;
	ruru_buf_reset(&P->kbuf);
	for (;;) {
		skip_ws(P);
		const char *start = P->p;
		size_t off = P->kbuf.len;
		char c = P->p < P->end ? *P->p : 0;
		if (is_bare(c)) {
			while (P->p < P->end && is_bare(*P->p))
				P->p++;
			ruru_buf_add(&P->kbuf, start, (size_t)(P->p - start));
		} else if (c == '"') {
			bool esc;
			const char *close = scan_basic(P, P->p + 1, &esc);
			ruru_buf_grow(&P->kbuf, (size_t)(close - start));
			P->kbuf.len += decode_basic(P, P->p + 1, close, P->kbuf.ptr + off, esc);
			P->kbuf.ptr[P->kbuf.len] = '\0';
			P->p = close + 1;
		} else if (c == '\'') {
			const char *q = P->p + 1;
			while (q < P->end && *q != '\'' && *q != '\n' && *q != '\r')
				q++;
			if (q >= P->end || *q != '\'')
				fail(P, q, "expected ''' to close the key, found %s", what(P, q));
			ruru_buf_add(&P->kbuf, P->p + 1, (size_t)(q - P->p - 1));
			P->p = q + 1;
		} else {
			fail(P, start, P->ncomps ? "expected a key after '.', found %s"
						 : "expected a key, found %s",
			     what(P, start));
		}
		comp_push(P, off, P->kbuf.len - off, start);
		skip_ws(P);
		if (P->p < P->end && *P->p == '.') {
			P->p++;
			continue;
		}
		return;
	}
}

/* ------------------------------------------------------------- values */

static void parse_value(struct parser *P, struct ruru_toml_value *v, unsigned depth);

/* Room for a string of at most `worst` bytes; a long one has room for its
 * length before it. */
static char *string_space(struct parser *P, size_t worst)
{
	if (worst < TOML_LONGSTR)
		return arena_alloc(P->doc, worst + 1, 1);
	return (char *)arena_alloc(P->doc, 4 + worst + 1, 4) + 4;
}

static void parse_string(struct parser *P, struct ruru_toml_value *v)
{
	const char *p = P->p;
	char quote = *p;
	bool multi = P->end - p >= 3 && p[1] == quote && p[2] == quote;
	char *d;
	size_t n;
	if (multi) {
		const char *body_end;
		const char *after = scan_multi(P, quote, &body_end);
		d = string_space(P, (size_t)(body_end - p));
		n = decode_multi(P, p + 3, body_end, d, quote);
		P->p = after;
	} else if (quote == '"') {
		bool esc;
		const char *close = scan_basic(P, p + 1, &esc);
		d = string_space(P, (size_t)(close - p));
		n = decode_basic(P, p + 1, close, d, esc);
		P->p = close + 1;
	} else {
		const char *q = p + 1;
		const char *nl = q;
		while (nl < P->end && *nl != '\'' && *nl != '\n' && *nl != '\r')
			nl++;
		if (nl >= P->end || *nl != '\'')
			fail(P, nl, "expected ''' to close the string, found %s", what(P, nl));
		n = (size_t)(nl - q);
		d = string_space(P, n);
		memcpy(d, q, n);
		P->p = nl + 1;
	}
	d[n] = '\0';
	arena_trim(P->doc, d, n + 1);
	v->kind = RURU_TOML_STRING;
	v->u.s = d;
	if (n < TOML_LONGSTR) {
		v->n16 = (uint16_t)n;
	} else {
		uint32_t l = (uint32_t)n;
		memcpy(d - 4, &l, 4);
		v->n16 = TOML_LONGSTR;
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int digits(const char *q, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(q[i]))
			return -1;
		v = v * 10 + (q[i] - '0');
	}
	return v;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* HH:MM:SS[.frac] at q; returns the end. */
static const char *parse_time(struct parser *P, const char *q, struct ruru_toml_datetime *dt)
{
	if (P->end - q < 8 || q[2] != ':' || q[5] != ':')
		fail(P, q, "expected a time as HH:MM:SS");
	dt->hour = digits(q, 2);
	dt->minute = digits(q + 3, 2);
	dt->second = digits(q + 6, 2);
	if (dt->hour < 0 || dt->minute < 0 || dt->second < 0)
		fail(P, q, "expected a time as HH:MM:SS");
	if (dt->hour > 23 || dt->minute > 59 || dt->second > 60)
		fail(P, q, "time %.8s is out of range", q);
	q += 8;
	if (q < P->end && *q == '.') {
		q++;
		int nd = 0, ns = 0;
		while (q < P->end && is_digit(*q)) {
			if (nd < 9) {
				ns = ns * 10 + (*q - '0');
				nd++;
			}
			q++;
		}
		if (!nd)
			fail(P, q, "expected digits after '.' in a time");
		dt->frac_digits = nd;
		for (int i = nd; i < 9; i++)
			ns *= 10;
		dt->nanosecond = ns;
	}
	return q;
}

static void parse_datetime(struct parser *P, struct ruru_toml_value *v)
{
	const char *q = P->p;
	struct ruru_toml_datetime *dt = arena_alloc(P->doc, sizeof(*dt), 8);
	memset(dt, 0, sizeof(*dt));
	v->u.dt = dt;
	if (P->end - q >= 3 && q[2] == ':') {
		q = parse_time(P, q, dt);
		v->kind = RURU_TOML_TIME_LOCAL;
		P->p = q;
		return;
	}
	if (P->end - q < 10 || q[4] != '-' || q[7] != '-')
		fail(P, q, "expected a date as YYYY-MM-DD");
	dt->year = digits(q, 4);
	dt->month = digits(q + 5, 2);
	dt->day = digits(q + 8, 2);
	if (dt->year < 0 || dt->month < 0 || dt->day < 0)
		fail(P, q, "expected a date as YYYY-MM-DD");
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (dt->month < 1 || dt->month > 12 || dt->day < 1 ||
	    dt->day > mdays[dt->month - 1] + (dt->month == 2 && leap(dt->year)))
		fail(P, q, "date %.10s does not exist", q);
	q += 10;
	v->kind = RURU_TOML_DATE_LOCAL;
	bool t = q < P->end && (*q == 'T' || *q == 't');
	bool sp = P->end - q >= 3 && *q == ' ' && is_digit(q[1]) && is_digit(q[2]);
	if (!t && !sp) {
		P->p = q;
		return;
	}
	q = parse_time(P, q + 1, dt);
	v->kind = RURU_TOML_DATETIME_LOCAL;
	if (q < P->end && (*q == 'Z' || *q == 'z')) {
		q++;
		v->kind = RURU_TOML_DATETIME;
	} else if (q < P->end && (*q == '+' || *q == '-')) {
		if (P->end - q < 6 || q[3] != ':')
			fail(P, q, "expected a UTC offset as +HH:MM");
		int h = digits(q + 1, 2), m = digits(q + 4, 2);
		if (h < 0 || m < 0)
			fail(P, q, "expected a UTC offset as +HH:MM");
		if (h > 23 || m > 59)
			fail(P, q, "UTC offset %.6s is out of range", q);
		dt->offset_minutes = (*q == '-' ? -1 : 1) * (h * 60 + m);
		q += 6;
		v->kind = RURU_TOML_DATETIME;
	}
	P->p = q;
}

/* Digits with single underscores between them, from q; returns the end. */
static const char *digit_run(struct parser *P, const char *q, int (*ok)(char), char *out,
			     size_t *on, size_t cap)
{
	const char *start = q;
	if (q >= P->end || !ok(*q))
		fail(P, q, "expected a digit, found %s", what(P, q));
	while (q < P->end) {
		if (ok(*q)) {
			if (out && *on < cap)
				out[(*on)++] = *q;
			q++;
		} else if (*q == '_') {
			if (q + 1 >= P->end || !ok(q[1]))
				fail(P, q, "'_' must stand between two digits");
			q++;
		} else {
			break;
		}
	}
	(void)start;
	return q;
}

static int ok_dec(char c) { return c >= '0' && c <= '9'; }
static int ok_hex(char c) { return ruru_hex_digit(c) >= 0; }
static int ok_oct(char c) { return c >= '0' && c <= '7'; }
static int ok_bin(char c) { return c == '0' || c == '1'; }

static bool value_end(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' ||
	       c == '}' || c == '#';
}

static void parse_number(struct parser *P, struct ruru_toml_value *v)
{
	const char *q = P->p, *start = q;
	bool neg = false, sign = false;
	if (*q == '+' || *q == '-') {
		neg = *q == '-';
		sign = true;
		q++;
	}
	if (P->end - q >= 3 && (memcmp(q, RURU_LIT("inf")) == 0 || memcmp(q, RURU_LIT("nan")) == 0)) {
		v->kind = RURU_TOML_FLOAT;
		v->u.f = q[0] == 'i' ? (neg ? -INFINITY : INFINITY) : (neg ? -NAN : NAN);
		P->p = q + 3;
		return;
	}
	if (!sign && P->end - q >= 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'o' || q[1] == 'b')) {
		int (*ok)(char) = q[1] == 'x' ? ok_hex : q[1] == 'o' ? ok_oct : ok_bin;
		unsigned shift = q[1] == 'x' ? 4 : q[1] == 'o' ? 3 : 1;
		const char *e = digit_run(P, q + 2, ok, NULL, NULL, 0);
		uint64_t x = 0;
		for (const char *r = q + 2; r < e; r++) {
			if (*r == '_')
				continue;
			if (x >> (63 - shift))
				fail(P, start, "integer %.*s does not fit in 64 bits", (int)(e - start),
				     start);
			x = x << shift | (uint64_t)ruru_hex_digit(*r);
		}
		v->kind = RURU_TOML_INTEGER;
		v->u.i = (int64_t)x;
		P->p = e;
		return;
	}
	char buf[128];
	size_t bn = 0;
	if (neg)
		buf[bn++] = '-';
	if (q < P->end && *q == '0' && q + 1 < P->end && (is_digit(q[1]) || q[1] == '_'))
		fail(P, q, "leading zeros are not allowed");
	const char *int_start = q;
	q = digit_run(P, q, ok_dec, buf, &bn, sizeof(buf) - 1);
	const char *int_end = q;
	bool isfloat = false;
	if (q < P->end && *q == '.') {
		isfloat = true;
		if (bn < sizeof(buf) - 1)
			buf[bn++] = '.';
		q = digit_run(P, q + 1, ok_dec, buf, &bn, sizeof(buf) - 1);
	}
	if (q < P->end && (*q == 'e' || *q == 'E')) {
		isfloat = true;
		if (bn < sizeof(buf) - 1)
			buf[bn++] = 'e';
		q++;
		if (q < P->end && (*q == '+' || *q == '-')) {
			if (bn < sizeof(buf) - 1)
				buf[bn++] = *q;
			q++;
		}
		q = digit_run(P, q, ok_dec, buf, &bn, sizeof(buf) - 1);
	}
	if (q < P->end && !value_end(*q))
		fail(P, q, "unexpected %s in a number", what(P, q));
	P->p = q;
	if (isfloat) {
		struct ruru_buf big = RURU_BUF_INIT;
		const char *txt = buf;
		if (bn >= sizeof(buf) - 1) {
			/* a very long float: clean it again without a size limit */
			ruru_buf_init(&big);
			for (const char *r = start; r < q; r++)
				if (*r != '_')
					ruru_buf_addch(&big, *r);
			txt = big.ptr;
		} else {
			buf[bn] = '\0';
		}
		v->kind = RURU_TOML_FLOAT;
		v->u.f = strtod(txt, NULL);
		ruru_buf_release(&big);
		return;
	}
	uint64_t x = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (const char *r = int_start; r < int_end; r++) {
		if (*r == '_')
			continue;
		unsigned d = (unsigned)(*r - '0');
		if (x > (lim - d) / 10)
			fail(P, start, "integer %.*s does not fit in 64 bits", (int)(q - start), start);
		x = x * 10 + d;
	}
	v->kind = RURU_TOML_INTEGER;
	v->u.i = neg ? (int64_t)(0 - x) : (int64_t)x;
}

static void parse_array(struct parser *P, struct ruru_toml_value *v, unsigned depth)
{
	if (depth > TOML_MAX_DEPTH)
		fail(P, P->p, "arrays and tables nested more than %d levels deep", TOML_MAX_DEPTH);
	struct toml_array *a = arena_alloc(P->doc, sizeof(*a), 8);
	memset(a, 0, sizeof(*a));
	a->slot = UINT32_MAX;
	v->kind = RURU_TOML_ARRAY;
	v->u.arr = a;
	P->p++;
	for (;;) {
		skip_space(P);
		if (P->p >= P->end)
			fail(P, P->p, "expected ']' to close the array, found end of file");
		if (*P->p == ']') {
			P->p++;
			array_fit(P->doc, a);
			return;
		}
		parse_value(P, array_push(P->doc, a), depth + 1);
		skip_space(P);
		if (P->p < P->end && *P->p == ',') {
			P->p++;
			continue;
		}
		if (P->p < P->end && *P->p == ']') {
			P->p++;
			array_fit(P->doc, a);
			return;
		}
		fail(P, P->p, "expected ',' or ']' after an array element, found %s", what(P, P->p));
	}
}

/* A new table named by key part `c` in `t`: of `t`'s depth + 1 (a
 * failure past TOML_MAX_DEPTH), with `flags` and section `sec`, its value
 * spanning [start, end) of the text.  Returns the new table. */
static struct toml_table *table_child(struct parser *P, struct toml_table *t,
				      const struct toml_kcomp *c, uint8_t flags, uint32_t sec,
				      size_t start, size_t end)
{
	if (t->depth + 1u > TOML_MAX_DEPTH)
		fail(P, P->s + c->start, "tables nested more than %d levels deep", TOML_MAX_DEPTH);
	struct toml_table *n = table_new(P->doc, t->depth + 1u, flags, sec);
	struct ruru_toml_value *nv = table_add(P->doc, t, P->kbuf.ptr + c->off, c->len, c->start, c->end);
	nv->kind = RURU_TOML_TABLE;
	nv->start = (uint32_t)start;
	nv->end = (uint32_t)end;
	nv->u.tab = n;
	return n;
}

/* Find or create the tables of P->comps[0..n-1) below t for a key/value,
 * check the last part is new and add it.  Returns the new value. */
static struct ruru_toml_value *insert_key(struct parser *P, struct toml_table *t, bool inl)
{
	for (size_t i = 0; i + 1 < P->ncomps; i++) {
		const struct toml_kcomp *c = &P->comps[i];
		const char *k = P->kbuf.ptr + c->off;
		long ix = toml_table_find(t, k, c->len);
		if (ix < 0) {
			t = table_child(P, t, c, TF_DOTTED, P->cursec, c->start, c->end);
			continue;
		}
		const struct ruru_toml_value *e = &t->items[ix].v;
		if (e->kind != RURU_TOML_TABLE)
			fail(P, P->s + c->start, "key \"%s\" is already defined as a value", keyname(P));
		if (!(e->u.tab->flags & TF_DOTTED) || (e->u.tab->flags & TF_INLINE))
			fail(P, P->s + c->start,
			     "cannot add keys to table \"%s\" with dotted keys: it is defined elsewhere",
			     keyname(P));
		t = e->u.tab;
	}
	const struct toml_kcomp *c = &P->comps[P->ncomps - 1];
	const char *k = P->kbuf.ptr + c->off;
	if (toml_table_find(t, k, c->len) >= 0)
		fail(P, P->s + c->start, "duplicate key \"%s\"", keyname(P));
	(void)inl;
	return table_add(P->doc, t, k, c->len, c->start, c->end);
}

/* A key and the '=' after it (and the blanks after that). */
static void parse_key_eq(struct parser *P)
{
	parse_key(P);
	if (P->p >= P->end || *P->p != '=')
		fail(P, P->p, "expected '=' after key \"%s\", found %s", keyname(P), what(P, P->p));
	P->p++;
	skip_ws(P);
}

static void parse_inline_table(struct parser *P, struct ruru_toml_value *v, unsigned depth)
{
	if (depth > TOML_MAX_DEPTH)
		fail(P, P->p, "arrays and tables nested more than %d levels deep", TOML_MAX_DEPTH);
	struct toml_table *t = table_new(P->doc, depth, TF_DOTTED, P->cursec);
	size_t mark = P->doc->nopen;
	v->kind = RURU_TOML_TABLE;
	v->u.tab = t;
	P->p++;
	skip_ws(P);
	if (P->p < P->end && *P->p == '}') {
		P->p++;
		t->flags = TF_INLINE | TF_DEFINED;
		return;
	}
	for (;;) {
		parse_key_eq(P);
		/* dotted keys inside may extend tables made earlier in this
		 * same inline table, which TF_DOTTED allows until it closes */
		struct ruru_toml_value *slot = insert_key(P, t, true);
		parse_value(P, slot, depth + (unsigned)P->ncomps);
		skip_ws(P);
		if (P->p < P->end && *P->p == ',') {
			P->p++;
			skip_ws(P);
			if (P->p < P->end && *P->p == '}')
				fail(P, P->p, "trailing comma is not allowed in an inline table");
			continue;
		}
		if (P->p < P->end && *P->p == '}') {
			P->p++;
			break;
		}
		fail(P, P->p, "expected ',' or '}' after a value in an inline table, found %s",
		     what(P, P->p));
	}
	t->flags = TF_INLINE | TF_DEFINED;
	tables_fit(P->doc, mark);
}

static void parse_value(struct parser *P, struct ruru_toml_value *v, unsigned depth)
{
	const char *start = P->p;
	if (P->p >= P->end)
		fail(P, P->p, "expected a value, found end of file");
	char c = *P->p;
	switch (c) {
	case '"':
	case '\'':
		parse_string(P, v);
		break;
	case '[':
		parse_array(P, v, depth);
		break;
	case '{':
		parse_inline_table(P, v, depth);
		break;
	case 't':
	case 'f': {
		size_t n = c == 't' ? 4 : 5;
		if ((size_t)(P->end - P->p) < n || memcmp(P->p, c == 't' ? "true" : "false", n) != 0)
			fail(P, P->p, "expected a value, found %s", what(P, P->p));
		v->kind = RURU_TOML_BOOL;
		v->u.b = c == 't';
		P->p += n;
		break;
	}
	case 'i':
	case 'n':
		if (P->end - P->p < 3 || (memcmp(P->p, RURU_LIT("inf")) != 0 && memcmp(P->p, RURU_LIT("nan")) != 0))
			fail(P, P->p, "expected a value, found %s", what(P, P->p));
		/* fall through */
	case '+':
	case '-':
		parse_number(P, v);
		break;
	default:
		if (!is_digit(c))
			fail(P, P->p, "expected a value, found %s", what(P, P->p));
		if ((P->end - P->p >= 5 && P->p[4] == '-' && is_digit(P->p[1]) && is_digit(P->p[2]) &&
		     is_digit(P->p[3])) ||
		    (P->end - P->p >= 3 && P->p[2] == ':' && is_digit(P->p[1])))
			parse_datetime(P, v);
		else
			parse_number(P, v);
	}
	if (P->p < P->end && !value_end(*P->p))
		fail(P, P->p, "unexpected %s after a value", what(P, P->p));
	v->start = (uint32_t)(start - P->s);
	v->end = (uint32_t)(P->p - P->s);
}

/* ------------------------------------------------------------ headers */

static void section_add(struct parser *P, size_t start, size_t end, struct toml_table *t)
{
	struct ruru_toml *doc = P->doc;
	if (doc->nsecs == doc->seccap) {
		size_t cap = doc->seccap ? doc->seccap * 2 : 16;
		struct toml_section *s = realloc(doc->secs, cap * sizeof(*s));
		if (!s)
			abort();
		doc->secs = s;
		doc->seccap = cap;
	}
	doc->secs[doc->nsecs] = (struct toml_section){ .start = (uint32_t)start,
						       .end = (uint32_t)end, .tab = t };
	P->cursec = (uint32_t)doc->nsecs++;
	P->cur = t;
}

static void parse_header(struct parser *P)
{
	const char *start = P->p;
	tables_fit(P->doc, 0);
	bool aot = P->end - P->p >= 2 && P->p[1] == '[';
	P->p += aot ? 2 : 1;
	parse_key(P);
	if (P->p >= P->end || *P->p != ']' || (aot && (P->end - P->p < 2 || P->p[1] != ']')))
		fail(P, P->p, "expected '%s' after table name \"%s\", found %s", aot ? "]]" : "]",
		     keyname(P), what(P, P->p));
	P->p += aot ? 2 : 1;
	size_t hend = (size_t)(P->p - P->s);
	uint32_t sec = (uint32_t)P->doc->nsecs;

	struct toml_table *t = P->doc->root.u.tab;
	for (size_t i = 0; i + 1 < P->ncomps; i++) {
		const struct toml_kcomp *c = &P->comps[i];
		const char *k = P->kbuf.ptr + c->off;
		long ix = toml_table_find(t, k, c->len);
		if (ix < 0) {
			t = table_child(P, t, c, TF_IMPLICIT, UINT32_MAX, (size_t)(start - P->s), hend);
			continue;
		}
		const struct ruru_toml_value *e = &t->items[ix].v;
		if (e->kind == RURU_TOML_TABLE && !(e->u.tab->flags & TF_INLINE)) {
			t = e->u.tab;
		} else if (e->kind == RURU_TOML_ARRAY && (e->flags & VF_AOT)) {
			const struct toml_array *a = e->u.arr;
			t = a->items[a->len - 1].u.tab;
		} else {
			fail(P, P->s + c->start, "key \"%s\" is already defined as a value", keyname(P));
		}
	}
	const struct toml_kcomp *c = &P->comps[P->ncomps - 1];
	const char *k = P->kbuf.ptr + c->off;
	long ix = toml_table_find(t, k, c->len);
	struct toml_table *target;
	if (t->depth + 1u > TOML_MAX_DEPTH)
		fail(P, start, "tables nested more than %d levels deep", TOML_MAX_DEPTH);
	if (aot) {
		struct ruru_toml_value *av;
		if (ix < 0) {
			av = table_add(P->doc, t, k, c->len, c->start, c->end);
			struct toml_array *a = arena_alloc(P->doc, sizeof(*a), 8);
			memset(a, 0, sizeof(*a));
			a->slot = UINT32_MAX;
			av->kind = RURU_TOML_ARRAY;
			av->flags = VF_AOT;
			av->start = (uint32_t)(start - P->s);
			av->end = (uint32_t)hend;
			av->u.arr = a;
		} else {
			av = &t->items[ix].v;
			if (av->kind != RURU_TOML_ARRAY || !(av->flags & VF_AOT))
				fail(P, P->s + c->start,
				     "key \"%s\" is already defined and is not an array of tables",
				     keyname(P));
		}
		target = table_new(P->doc, t->depth + 2u, TF_DEFINED, sec);
		struct ruru_toml_value *ev = array_push(P->doc, av->u.arr);
		ev->kind = RURU_TOML_TABLE;
		ev->start = (uint32_t)(start - P->s);
		ev->end = (uint32_t)hend;
		ev->u.tab = target;
	} else if (ix < 0) {
		target = table_child(P, t, c, TF_DEFINED, sec, (size_t)(start - P->s), hend);
	} else {
		struct ruru_toml_value *e = &t->items[ix].v;
		if (e->kind != RURU_TOML_TABLE || e->u.tab->flags != TF_IMPLICIT)
			fail(P, P->s + c->start, "table \"%s\" is already defined", keyname(P));
		target = e->u.tab;
		target->flags = TF_DEFINED;
		target->sec = sec;
		e->start = (uint32_t)(start - P->s);
		e->end = (uint32_t)hend;
	}
	section_add(P, (size_t)(start - P->s), hend, target);
	end_of_line(P, aot ? "array of tables header" : "table header");
}

/* ---------------------------------------------------------- the parse */

static void parse_document(struct parser *P)
{
	struct ruru_toml *doc = P->doc;
	doc->root.kind = RURU_TOML_TABLE;
	doc->root.u.tab = table_new(doc, 0, TF_DEFINED, 0);
	section_add(P, 0, 0, doc->root.u.tab);
	if (P->end - P->p >= 3 && memcmp(P->p, "\xEF\xBB\xBF", 3) == 0)
		P->p += 3;
	check_text(P);
	while (P->p < P->end) {
		const char *ls = P->p;
		skip_ws(P);
		if (P->p >= P->end)
			break;
		char c = *P->p;
		if (c == '#' || c == '\n' || c == '\r') {
			end_of_line(P, "comment");
			continue;
		}
		if (c == '[') {
			parse_header(P);
			continue;
		}
		parse_key_eq(P);
		struct ruru_toml_value *slot = insert_key(P, P->cur, false);
		parse_value(P, slot, P->cur->depth + (unsigned)P->ncomps);
		end_of_line(P, "value");
		struct toml_section *s = &doc->secs[P->cursec];
		s->has_kv = true;
		s->kv_start = (uint32_t)(ls - P->s);
		s->kv_end = (uint32_t)(P->p - P->s);
	}
}

/* A parser of s[0..len) whose failures go to `err`. */
static struct parser *parser_new(const char *s, size_t len, struct ruru_error *err)
{
	struct parser *P = calloc(1, sizeof(*P));
	if (!P)
		abort();
	P->s = P->p = s;
	P->end = s + len;
	P->err = err;
	ruru_buf_init(&P->kbuf);
	return P;
}

/* Free the parser; its key parts too unless the caller took them. */
static void parser_free(struct parser *P, bool comps)
{
	ruru_buf_release(&P->kbuf);
	if (comps)
		free(P->comps);
	free(P);
}

struct ruru_toml *ruru_toml_parse(const char *text, size_t len, struct ruru_error *err)
{
	if (len >= UINT32_MAX) {
		ruru_error_set(err, RURU_EINVALID, "document is too large (4 GiB or more)");
		return NULL;
	}
	struct ruru_toml *doc = calloc(1, sizeof(*doc));
	if (!doc)
		abort();
	doc->len = len;
	struct parser *P = parser_new(text ? text : "", len, err);
	P->doc = doc;
	if (setjmp(P->jb)) {
		parser_free(P, true);
		ruru_toml_free(doc);
		return NULL;
	}
	parse_document(P);
	tables_fit(doc, 0);
	free(doc->open);
	doc->open = NULL;
	free(doc->keys);
	doc->keys = NULL;
	doc->nkeys = doc->keycap = 0;
	parser_free(P, true);
	return doc;
}

int toml_keypath(const char *s, size_t len, struct ruru_buf *bytes, struct toml_kcomp **comps,
		 size_t *n, struct ruru_error *err)
{
	struct parser *P = parser_new(s, len, err);
	*comps = NULL;
	*n = 0;
	if (setjmp(P->jb)) {
		parser_free(P, true);
		return -1;
	}
	check_text(P);
	parse_key(P);
	if (P->p != P->end)
		fail(P, P->p, "unexpected %s in key", what(P, P->p));
	ruru_buf_reset(bytes);
	ruru_buf_add(bytes, P->kbuf.ptr, P->kbuf.len);
	*comps = P->comps;
	*n = P->ncomps;
	parser_free(P, false);
	return 0;
}

/* ---------------------------------------------------------- accessors */

const struct ruru_toml_value *ruru_toml_root(const struct ruru_toml *doc)
{
	return &doc->root;
}

enum ruru_toml_kind ruru_toml_kind(const struct ruru_toml_value *v)
{
	return (enum ruru_toml_kind)v->kind;
}

struct ruru_toml_span ruru_toml_value_span(const struct ruru_toml_value *v)
{
	return (struct ruru_toml_span){ v->start, v->end };
}

size_t ruru_toml_table_len(const struct ruru_toml_value *t)
{
	return t && t->kind == RURU_TOML_TABLE ? t->u.tab->len : 0;
}

const char *ruru_toml_table_key(const struct ruru_toml_value *t, size_t i, size_t *keylen)
{
	if (!t || t->kind != RURU_TOML_TABLE || i >= t->u.tab->len)
		return NULL;
	const struct toml_key *k = t->u.tab->items[i].key;
	if (keylen)
		*keylen = k->len;
	return k->s;
}

struct ruru_toml_span ruru_toml_key_span(const struct ruru_toml_value *t, size_t i)
{
	if (!t || t->kind != RURU_TOML_TABLE || i >= t->u.tab->len)
		return (struct ruru_toml_span){ 0, 0 };
	const struct toml_entry *e = &t->u.tab->items[i];
	return (struct ruru_toml_span){ e->v.kstart, (size_t)e->v.kstart + e->key->wlen };
}

const struct ruru_toml_value *ruru_toml_table_at(const struct ruru_toml_value *t, size_t i)
{
	if (!t || t->kind != RURU_TOML_TABLE || i >= t->u.tab->len)
		return NULL;
	return &t->u.tab->items[i].v;
}

const struct ruru_toml_value *ruru_toml_table_get(const struct ruru_toml_value *t, const char *key,
						  size_t keylen)
{
	if (!t || t->kind != RURU_TOML_TABLE)
		return NULL;
	long ix = toml_table_find(t->u.tab, key, keylen);
	return ix < 0 ? NULL : &t->u.tab->items[ix].v;
}

const struct ruru_toml_value *ruru_toml_lookup(const struct ruru_toml_value *t, const char *path)
{
	struct ruru_buf bytes = RURU_BUF_INIT;
	struct toml_kcomp *comps;
	size_t n;
	ruru_buf_init(&bytes);
	if (!t || toml_keypath(path, strlen(path), &bytes, &comps, &n, NULL) < 0) {
		ruru_buf_release(&bytes);
		return NULL;
	}
	for (size_t i = 0; i < n && t; i++)
		t = ruru_toml_table_get(t, bytes.ptr + comps[i].off, comps[i].len);
	free(comps);
	ruru_buf_release(&bytes);
	return t;
}

size_t ruru_toml_array_len(const struct ruru_toml_value *a)
{
	return a && a->kind == RURU_TOML_ARRAY ? a->u.arr->len : 0;
}

const struct ruru_toml_value *ruru_toml_array_at(const struct ruru_toml_value *a, size_t i)
{
	if (!a || a->kind != RURU_TOML_ARRAY || i >= a->u.arr->len)
		return NULL;
	return &a->u.arr->items[i];
}

const char *ruru_toml_string(const struct ruru_toml_value *v, size_t *len)
{
	if (!v || v->kind != RURU_TOML_STRING)
		return NULL;
	size_t n;
	const char *s = toml_str(v, &n);
	if (len)
		*len = n;
	return s;
}

int64_t ruru_toml_integer(const struct ruru_toml_value *v)
{
	return v && v->kind == RURU_TOML_INTEGER ? v->u.i : 0;
}

double ruru_toml_float(const struct ruru_toml_value *v)
{
	return v && v->kind == RURU_TOML_FLOAT ? v->u.f : 0;
}

bool ruru_toml_bool(const struct ruru_toml_value *v)
{
	return v && v->kind == RURU_TOML_BOOL ? v->u.b : false;
}

const struct ruru_toml_datetime *ruru_toml_datetime(const struct ruru_toml_value *v)
{
	if (!v || v->kind < RURU_TOML_DATETIME || v->kind > RURU_TOML_TIME_LOCAL)
		return NULL;
	return v->u.dt;
}

bool toml_value_equal(const struct ruru_toml_value *a, const struct ruru_toml_value *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case RURU_TOML_STRING:
	{
		size_t an, bn;
		const char *as = toml_str(a, &an), *bs = toml_str(b, &bn);
		return an == bn && memcmp(as, bs, an) == 0;
	}
	case RURU_TOML_INTEGER:
		return a->u.i == b->u.i;
	case RURU_TOML_FLOAT:
		return (isnan(a->u.f) && isnan(b->u.f)) ||
		       memcmp(&a->u.f, &b->u.f, sizeof(double)) == 0;
	case RURU_TOML_BOOL:
		return a->u.b == b->u.b;
	case RURU_TOML_ARRAY:
		if (a->u.arr->len != b->u.arr->len)
			return false;
		for (uint32_t i = 0; i < a->u.arr->len; i++)
			if (!toml_value_equal(&a->u.arr->items[i], &b->u.arr->items[i]))
				return false;
		return true;
	case RURU_TOML_TABLE: {
		const struct toml_table *x = a->u.tab, *y = b->u.tab;
		if (x->len != y->len)
			return false;
		for (uint32_t i = 0; i < x->len; i++) {
			long j = toml_table_find(y, x->items[i].key->s, x->items[i].key->len);
			if (j < 0 || !toml_value_equal(&x->items[i].v, &y->items[j].v))
				return false;
		}
		return true;
	}
	default: {
		const struct ruru_toml_datetime *p = a->u.dt, *q = b->u.dt;
		return p->year == q->year && p->month == q->month && p->day == q->day &&
		       p->hour == q->hour && p->minute == q->minute && p->second == q->second &&
		       p->nanosecond == q->nanosecond && p->offset_minutes == q->offset_minutes;
	}
	}
}

/* --------------------------------------------------------- tagged JSON */

/* Byte `c` escaped in a JSON or TOML basic string: \" \\ \n \t \r \b \f,
 * else \u00XX with the digits of `hex` (lower or upper case). */
static void escape_byte(struct ruru_buf *out, unsigned char c, const char hex[16])
{
	switch (c) {
	case '"': ruru_buf_add(out, "\\\"", 2); break;
	case '\\': ruru_buf_add(out, "\\\\", 2); break;
	case '\n': ruru_buf_add(out, "\\n", 2); break;
	case '\t': ruru_buf_add(out, "\\t", 2); break;
	case '\r': ruru_buf_add(out, "\\r", 2); break;
	case '\b': ruru_buf_add(out, "\\b", 2); break;
	case '\f': ruru_buf_add(out, "\\f", 2); break;
	default: {
		char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
		ruru_buf_add(out, e, 6);
	}
	}
}

static void tagged_json_string(struct ruru_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	ruru_buf_grow(out, n + 2);
	ruru_buf_addch(out, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		ruru_buf_add(out, s + run, i - run);
		run = i + 1;
		escape_byte(out, c, hex);
	}
	ruru_buf_add(out, s + run, n - run);
	ruru_buf_addch(out, '"');
}

/* Shortest decimal that reads back as the same double. */
static void format_float(char *b, size_t size, double f)
{
	if (isnan(f)) {
		snprintf(b, size, "nan");
		return;
	}
	if (isinf(f)) {
		snprintf(b, size, f < 0 ? "-inf" : "inf");
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(b, size, "%.*g", prec, f);
		if (strtod(b, NULL) == f)
			break;
	}
}

static void datetime_text(struct ruru_buf *out, int kind, const struct ruru_toml_datetime *d)
{
	if (kind != RURU_TOML_TIME_LOCAL)
		ruru_buf_addf(out, "%04d-%02d-%02d", d->year, d->month, d->day);
	if (kind == RURU_TOML_DATE_LOCAL)
		return;
	if (kind != RURU_TOML_TIME_LOCAL)
		ruru_buf_addch(out, 'T');
	ruru_buf_addf(out, "%02d:%02d:%02d", d->hour, d->minute, d->second);
	if (d->frac_digits) {
		int ns = d->nanosecond;
		for (int i = d->frac_digits; i < 9; i++)
			ns /= 10;
		ruru_buf_addf(out, ".%0*d", d->frac_digits, ns);
	}
	if (kind == RURU_TOML_DATETIME) {
		int off = d->offset_minutes;
		if (off == 0)
			ruru_buf_addch(out, 'Z');
		else
			ruru_buf_addf(out, "%c%02d:%02d", off < 0 ? '-' : '+', abs(off) / 60,
				      abs(off) % 60);
	}
}

static const char *const type_names[] = {
	[RURU_TOML_STRING] = "string",       [RURU_TOML_INTEGER] = "integer",
	[RURU_TOML_FLOAT] = "float",         [RURU_TOML_BOOL] = "bool",
	[RURU_TOML_DATETIME] = "datetime",   [RURU_TOML_DATETIME_LOCAL] = "datetime-local",
	[RURU_TOML_DATE_LOCAL] = "date-local", [RURU_TOML_TIME_LOCAL] = "time-local",
};

/* A scalar's text in TOML syntax, or (`tagged`) the JSON string of
 * toml-test's tagged form ({"type": "float", "value": "1"}: a float keeps
 * no ".0").  An array or table (never tagged here) as tagged JSON. */
static void scalar_text(const struct ruru_toml_value *v, bool tagged, struct ruru_buf *out)
{
	const char *q = tagged ? "\"" : "";
	char b[64];
	switch (v->kind) {
	case RURU_TOML_STRING:
	{
		size_t n;
		const char *str = toml_str(v, &n);
		if (tagged)
			tagged_json_string(out, str, n);
		else
			ruru_toml_encode_string(out, str, n);
	}
		break;
	case RURU_TOML_INTEGER:
		ruru_buf_addf(out, "%s%lld%s", q, (long long)v->u.i, q);
		break;
	case RURU_TOML_FLOAT:
		format_float(b, sizeof(b), v->u.f);
		/* keep it a float in TOML syntax: 1 would read back as an integer */
		ruru_buf_addf(out, "%s%s%s%s", q, b, !tagged && !strpbrk(b, ".eina") ? ".0" : "", q);
		break;
	case RURU_TOML_BOOL:
		ruru_buf_addf(out, "%s%s%s", q, v->u.b ? "true" : "false", q);
		break;
	case RURU_TOML_ARRAY:
	case RURU_TOML_TABLE:
		ruru_toml_to_tagged_json(v, out);
		break;
	default:
		ruru_buf_addstr(out, q);
		datetime_text(out, v->kind, v->u.dt);
		ruru_buf_addstr(out, q);
	}
}

void ruru_toml_to_tagged_json(const struct ruru_toml_value *v, struct ruru_buf *out)
{
	if (v->kind == RURU_TOML_TABLE) {
		const struct toml_table *t = v->u.tab;
		ruru_buf_addch(out, '{');
		for (uint32_t i = 0; i < t->len; i++) {
			if (i)
				ruru_buf_addch(out, ',');
			tagged_json_string(out, t->items[i].key->s, t->items[i].key->len);
			ruru_buf_addch(out, ':');
			ruru_toml_to_tagged_json(&t->items[i].v, out);
		}
		ruru_buf_addch(out, '}');
		return;
	}
	if (v->kind == RURU_TOML_ARRAY) {
		const struct toml_array *a = v->u.arr;
		ruru_buf_addch(out, '[');
		for (uint32_t i = 0; i < a->len; i++) {
			if (i)
				ruru_buf_addch(out, ',');
			ruru_toml_to_tagged_json(&a->items[i], out);
		}
		ruru_buf_addch(out, ']');
		return;
	}
	ruru_buf_addstr(out, "{\"type\":\"");
	ruru_buf_addstr(out, type_names[v->kind]);
	ruru_buf_addstr(out, "\",\"value\":");
	scalar_text(v, true, out);
	ruru_buf_addch(out, '}');
}

/* Exposed for `ruru toml get`: a scalar in TOML syntax. */
void ruru_toml_scalar_text(const struct ruru_toml_value *v, struct ruru_buf *out)
{
	scalar_text(v, false, out);
}

/* ------------------------------------------------------------ encoder */

void ruru_toml_encode_string(struct ruru_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	ruru_buf_grow(out, len + 2);
	ruru_buf_addch(out, '"');
	while (p < e) {
		unsigned c = *p;
		if (c >= 0x80) {
			/* copy a valid UTF-8 sequence; a broken one becomes U+FFFD */
			size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			bool ok = c >= 0xC2 && c <= 0xF4 && (size_t)(e - p) >= n;
			uint32_t cp = c & (0x7F >> n);
			for (size_t i = 1; ok && i < n; i++) {
				if ((p[i] & 0xC0) != 0x80)
					ok = false;
				cp = cp << 6 | (p[i] & 0x3F);
			}
			if (ok && ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
				   (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))))
				ok = false;
			if (ok) {
				ruru_buf_add(out, p, n);
				p += n;
			} else {
				ruru_buf_addstr(out, "\\uFFFD");
				p++;
			}
			continue;
		}
		if (c < 0x20 || c == 0x7F || c == '"' || c == '\\')
			escape_byte(out, (unsigned char)c, hex);
		else
			ruru_buf_addch(out, (int)c);
		p++;
	}
	ruru_buf_addch(out, '"');
}

void ruru_toml_encode_time(struct ruru_buf *out, time_t t)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		ruru_buf_addstr(out, "1970-01-01T00:00:00Z");
		return;
	}
	ruru_buf_addf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void ruru_toml_encode_string_array(struct ruru_buf *out, const char *const *items, size_t n)
{
	ruru_buf_addch(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			ruru_buf_add(out, ", ", 2);
		ruru_toml_encode_string(out, items[i], strlen(items[i]));
	}
	ruru_buf_addch(out, ']');
}
