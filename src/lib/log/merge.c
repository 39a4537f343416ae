/*
 * merge.c — three-way merge of session logs, the engine behind
 * `ruru merge-driver` (doc/design.md §9).  A session log is an append-mostly list
 * of entries under a small front matter, so a line-based merge conflicts
 * every time two branches log to one session; this one merges it as data:
 *
 *  - each side is split into front matter, the body text before the first
 *    entry (headings, goal), the entries with the text between them, and the
 *    text after the last entry;
 *  - entries are a multiset keyed by their normalised bytes: the result keeps
 *    what either side added and drops what either side removed from BASE,
 *    OURS's entries in OURS's order and byte for byte, THEIRS's new ones
 *    inserted by timestamp;
 *  - front matter keys are merged value by value and written back into
 *    OURS's text with the format-preserving TOML editor, so comments and
 *    layout stay.
 *
 * Whatever cannot be merged safely is marked the way git marks conflicts and
 * reported as a conflict; nothing is ever guessed.  Pure: no I/O.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "store.h"
#include "text.h"
#include "workspace.h"
#include "fmkeys.h"
#include "banned.h"

enum { BASE, OURS, THEIRS, NSIDES };
static const char *const side_name[NSIDES] = { "base", "ours", "theirs" };

struct side {
	const char *text;
	size_t len;
	bool empty; /* BASE only: the file did not exist (add/add) */
	struct ruru_frontmatter fm;
	struct ruru_toml *doc;
	const struct ruru_toml_value *root;
	struct ruru_entry *e;
	size_t n;
	size_t *kid;        /* per entry: index of its key in the key table */
	time_t *t;          /* per entry: effective time (invalid stamps inherit) */
	size_t pre_end;     /* body text before the first entry: [fm.body, pre_end) */
	size_t suf_start;   /* body text after the last entry: [suf_start, len) */
	bool has_session;   /* has a `session` event */
	time_t last_session;
};

/* ------------------------------------------------------------- helpers */

static bool bytes_eq(const char *a, size_t al, const char *b, size_t bl)
{
	return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

/* CRLF -> LF, then drop trailing blank space: the identity of a piece of
 * text regardless of line endings and a missing final newline. */
static void normalise(struct ruru_buf *out, const char *s, size_t len)
{
	ruru_buf_reset(out);
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			ruru_buf_addch(out, s[i]);
	while (out->len && (out->ptr[out->len - 1] == '\n' || out->ptr[out->len - 1] == '\r' ||
			    out->ptr[out->len - 1] == ' ' || out->ptr[out->len - 1] == '\t'))
		out->ptr[--out->len] = '\0';
}

static bool text_eq(const char *a, size_t al, const char *b, size_t bl)
{
	struct ruru_buf x, y;
	ruru_buf_init(&x);
	ruru_buf_init(&y);
	normalise(&x, a, al);
	normalise(&y, b, bl);
	bool eq = bytes_eq(x.ptr, x.len, y.ptr, y.len);
	ruru_buf_release(&x);
	ruru_buf_release(&y);
	return eq;
}

/* Append a piece of THEIRS.  THEIRS is converted to OURS's line endings
 * once, up front (convert_eol), so its pieces are copied as they are. */
static void add_eol(struct ruru_buf *out, const char *s, size_t len, bool crlf)
{
	(void)crlf;
	ruru_buf_add(out, s, len);
}

/* A file's line-ending style is that of its first line break: a CR before
 * an LF in an LF file is part of a message, not a line ending. */
static bool first_eol_crlf(const char *s, size_t len)
{
	const char *nl = memchr(s, '\n', len);
	return nl && nl > s && nl[-1] == '\r';
}

/* Convert a whole side from one style to the other: CRLF -> LF drops the
 * CR of every CRLF; LF -> CRLF puts a CR before every LF (a message's own
 * CR before a line break then stays a message byte: "\r\r\n"). */
static void convert_eol(struct ruru_buf *out, const char *s, size_t len, bool to_crlf)
{
	ruru_buf_reset(out);
	ruru_buf_grow(out, len + len / 16 + 16);
	for (size_t i = 0; i < len; i++) {
		if (!to_crlf && s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (to_crlf && s[i] == '\n')
			ruru_buf_addch(out, '\r');
		ruru_buf_addch(out, s[i]);
	}
}

static void complete_line(struct ruru_buf *out, bool crlf)
{
	if (out->len && out->ptr[out->len - 1] != '\n')
		ruru_buf_addstr(out, crlf ? "\r\n" : "\n");
}

static bool is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* ----------------------------------------------------- entry key table */

struct key {
	char *ptr;
	size_t len;
	uint64_t hash;
	size_t count[NSIDES];
	size_t keep; /* occurrences in the result */
};

struct keytab {
	struct key *keys;
	size_t n, cap;
	size_t *slot; /* open addressing: index + 1, 0 empty */
	size_t nslot;
};

static size_t key_intern(struct keytab *kt, struct ruru_buf *norm)
{
	uint64_t h = ruru_fnv1a(norm->ptr, norm->len);
	size_t mask = kt->nslot - 1, i = (size_t)h & mask;
	for (; kt->slot[i]; i = (i + 1) & mask) {
		struct key *k = &kt->keys[kt->slot[i] - 1];
		if (k->hash == h && bytes_eq(k->ptr, k->len, norm->ptr, norm->len))
			return kt->slot[i] - 1;
	}
	if (kt->n == kt->cap) {
		kt->cap = kt->cap ? 2 * kt->cap : 64;
		kt->keys = ruru_xrealloc(kt->keys, kt->cap * sizeof(*kt->keys));
	}
	struct key *k = &kt->keys[kt->n];
	memset(k, 0, sizeof(*k));
	k->ptr = ruru_strndup(norm->ptr, norm->len);
	k->len = norm->len;
	k->hash = h;
	kt->slot[i] = ++kt->n;
	return kt->n - 1;
}

static void keytab_release(struct keytab *kt)
{
	for (size_t i = 0; i < kt->n; i++)
		free(kt->keys[i].ptr);
	free(kt->keys);
	free(kt->slot);
}

/* ------------------------------------------------------------- sides */

static void side_release(struct side *s)
{
	ruru_toml_free(s->doc);
	for (size_t i = 0; i < s->n; i++)
		ruru_entry_release(&s->e[i]);
	free(s->e);
	free(s->kid);
	free(s->t);
}

/* Split and parse one side.  Returns false (err says why) when it is not a
 * session log ruru can merge. */
static bool side_load(struct side *s, int which, struct ruru_error *err)
{
	if (which == BASE && s->len == 0) {
		s->empty = true;
		s->fm.body = s->pre_end = s->suf_start = 0;
		return true;
	}
	if (!ruru_frontmatter_split(s->text, s->len, &s->fm)) {
		ruru_error_set(err, RURU_EINVALID, "%s is not a session log (no \"+++\" front matter)",
			       side_name[which]);
		return false;
	}
	struct ruru_error e = { 0 };
	ruru_error_clear(&e);
	s->doc = ruru_toml_parse(s->text + s->fm.toml, s->fm.toml_end - s->fm.toml, &e);
	if (!s->doc) {
		int l = 1;
		for (size_t i = 0; i < s->fm.toml; i++)
			l += s->text[i] == '\n';
		ruru_error_set(err, RURU_EINVALID, "%s has invalid TOML front matter at %d:%d: %s",
			       side_name[which], e.line + l - 1, e.col, e.msg);
		return false;
	}
	s->root = ruru_toml_root(s->doc);
	s->n = ruru_entries_parse(s->text, s->len, s->fm.body, &s->e);
	if (s->n) {
		s->pre_end = s->e[0].start;
		s->suf_start = s->e[s->n - 1].end;
	} else {
		size_t at;
		bool nl;
		const char *eol;
		if (!ruru_entries_append_point(s->text, s->len, s->fm.body, &at, &nl, &eol))
			at = s->len;
		s->pre_end = s->suf_start = at;
	}
	/* Effective times: an entry without a usable stamp stays after the
	 * entry before it. */
	s->t = ruru_xmalloc((s->n + 1) * sizeof(*s->t));
	time_t prev = 0;
	bool have_prev = false;
	for (size_t i = 0; i < s->n; i++) {
		s->t[i] = s->e[i].when_valid ? s->e[i].when : (have_prev ? prev : (time_t)0);
		if (s->e[i].when_valid) {
			prev = s->e[i].when;
			have_prev = true;
		}
		if (s->e[i].type == RURU_EV_SESSION && s->e[i].when_valid &&
		    (!s->has_session || s->e[i].when > s->last_session)) {
			s->has_session = true;
			s->last_session = s->e[i].when;
		}
	}
	return true;
}

/* A zone-less stamp has no instant: among stamps with zones it cannot be
 * placed by time, so there it stays after the entry before it (like an
 * unreadable stamp).  Only when no entry of any side names a zone are the
 * wall times compared with each other. */
static void honest_times(struct side *sd)
{
	bool zoned = false, naive = false;
	for (int s = 0; s < NSIDES; s++)
		for (size_t i = 0; i < sd[s].n; i++) {
			if (!sd[s].e[i].when_valid)
				continue;
			if (sd[s].e[i].has_zone)
				zoned = true;
			else
				naive = true;
		}
	if (!zoned || !naive)
		return;
	for (int s = 0; s < NSIDES; s++) {
		time_t prev = 0;
		for (size_t i = 0; i < sd[s].n; i++) {
			if (sd[s].e[i].when_valid && sd[s].e[i].has_zone)
				prev = sd[s].e[i].when;
			sd[s].t[i] = sd[s].e[i].when_valid && sd[s].e[i].has_zone ? sd[s].e[i].when : prev;
		}
	}
}

/* ---------------------------------------------------- conflict output */

/* Lines [a, b) of text. */
static size_t line_end(const char *s, size_t len, size_t at)
{
	const char *nl = memchr(s + at, '\n', len - at);
	return nl ? (size_t)(nl - s) + 1 : len;
}

static void markers(struct ruru_buf *out, const char *o, size_t ol, const char *t, size_t tl,
		    bool crlf)
{
	const char *eol = crlf ? "\r\n" : "\n";
	complete_line(out, crlf);
	ruru_buf_addf(out, "<<<<<<< ours%s", eol);
	ruru_buf_add(out, o, ol);
	complete_line(out, crlf);
	ruru_buf_addf(out, "=======%s", eol);
	add_eol(out, t, tl, crlf);
	complete_line(out, crlf);
	ruru_buf_addf(out, ">>>>>>> theirs%s", eol);
}

/* The whole-file fallback: lines common to the start and the end of both
 * sides stay, the differing middle is marked. */
static void whole_conflict(struct ruru_buf *out, const char *o, size_t ol, const char *t,
			   size_t tl)
{
	size_t a = 0;
	for (;;) {
		size_t oe = a < ol ? line_end(o, ol, a) : a, te = a < tl ? line_end(t, tl, a) : a;
		if (a >= ol || a >= tl || oe != te || memcmp(o + a, t + a, oe - a) ||
		    o[oe - 1] != '\n')
			break;
		a = oe;
	}
	size_t zo = ol, zt = tl;
	/* common trailing whole lines (both sides ending with a newline) */
	if (ol && tl && o[ol - 1] == '\n' && t[tl - 1] == '\n') {
		while (zo > a && zt > a) {
			size_t so = zo - 1, st = zt - 1;
			while (so > a && o[so - 1] != '\n')
				so--;
			while (st > a && t[st - 1] != '\n')
				st--;
			if (zo - so != zt - st || memcmp(o + so, t + st, zo - so))
				break;
			zo = so;
			zt = st;
		}
	}
	bool crlf = first_eol_crlf(o, ol);
	ruru_buf_reset(out);
	ruru_buf_add(out, o, a);
	markers(out, o + a, zo - a, t + a, zt - a, crlf);
	ruru_buf_add(out, o + zo, ol - zo);
}

/* ------------------------------------------------------- front matter */

static bool value_eq(const struct ruru_toml_value *a, const struct ruru_toml_value *b)
{
	if (!a || !b)
		return a == b;
	if (ruru_toml_kind(a) != ruru_toml_kind(b))
		return false;
	struct ruru_buf x, y;
	ruru_buf_init(&x);
	ruru_buf_init(&y);
	ruru_toml_to_tagged_json(a, &x);
	ruru_toml_to_tagged_json(b, &y);
	bool eq = bytes_eq(x.ptr, x.len, y.ptr, y.len);
	ruru_buf_release(&x);
	ruru_buf_release(&y);
	return eq;
}

static const struct ruru_toml_value *get(const struct side *s, const char *key, size_t len)
{
	return s->root ? ruru_toml_table_get(s->root, key, len) : NULL;
}

static bool string_array(const struct ruru_toml_value *v)
{
	if (!v)
		return true;
	if (ruru_toml_kind(v) != RURU_TOML_ARRAY)
		return false;
	for (size_t i = 0; i < ruru_toml_array_len(v); i++)
		if (ruru_toml_kind(ruru_toml_array_at(v, i)) != RURU_TOML_STRING)
			return false;
	return true;
}

static bool array_has(const struct ruru_toml_value *v, const char *s, size_t len)
{
	for (size_t i = 0; v && i < ruru_toml_array_len(v); i++) {
		size_t n;
		const char *x = ruru_toml_string(ruru_toml_array_at(v, i), &n);
		if (x && bytes_eq(x, n, s, len))
			return true;
	}
	return false;
}

/* A key as a TOML key path: bare when it can be, else a quoted string. */
static void key_path(struct ruru_buf *out, const char *key, size_t len)
{
	bool bare = len > 0;
	for (size_t i = 0; i < len; i++) {
		char c = key[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			bare = false;
	}
	ruru_buf_reset(out);
	if (bare)
		ruru_buf_add(out, key, len);
	else
		ruru_toml_encode_string(out, key, len);
}

struct fmstate {
	struct ruru_buf cur, tmp, path, lit;
	bool crlf;
	const char *why; /* first failure, for the error message */
	char **conflicts; /* keys (NUL-terminated copies) that conflict */
	size_t *conflict_len;
	size_t nconflicts;
};

static bool apply(struct fmstate *st, int rc)
{
	if (rc < 0)
		return false;
	struct ruru_buf t = st->cur;
	st->cur = st->tmp;
	st->tmp = t;
	return true;
}

/* Make the key hold theirs' value (bytes of theirs' literal), or remove it. */
static bool take_value(struct fmstate *st, const struct side *th, const char *key, size_t klen,
		       const struct ruru_toml_value *vt, bool ours_has)
{
	struct ruru_error e = { 0 };
	key_path(&st->path, key, klen);
	if (!vt) {
		if (!ours_has)
			return true;
		return apply(st, ruru_toml_edit_remove(&st->tmp, st->cur.ptr, st->cur.len, st->path.ptr,
						       &e));
	}
	struct ruru_toml_span sp = ruru_toml_value_span(vt);
	const char *src = th->text + th->fm.toml;
	if (ruru_toml_kind(vt) == RURU_TOML_TABLE && (sp.end <= sp.start || src[sp.start] != '{'))
		return false; /* a table made of headers: not a value we can move */
	ruru_buf_reset(&st->lit);
	add_eol(&st->lit, src + sp.start, sp.end - sp.start, st->crlf);
	return apply(st, ruru_toml_edit_set(&st->tmp, st->cur.ptr, st->cur.len, st->path.ptr,
					    st->lit.ptr, st->lit.len, &e));
}

static void add_conflict(struct fmstate *st, const char *key, size_t klen)
{
	st->conflicts = ruru_xrealloc(st->conflicts, (st->nconflicts + 1) * sizeof(*st->conflicts));
	st->conflict_len = ruru_xrealloc(st->conflict_len,
					 (st->nconflicts + 1) * sizeof(*st->conflict_len));
	st->conflicts[st->nconflicts] = ruru_strndup(key, klen);
	st->conflict_len[st->nconflicts++] = klen;
}

/* Whether a list of strings holds s. */
static bool in_list(const char *const *list, const size_t *lens, size_t n, const char *s,
		    size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (bytes_eq(list[i], lens[i], s, len))
			return true;
	return false;
}

/* Three-way set merge of an array of strings into ours' array: an element
 * stays unless one side removed it relative to BASE, either side's
 * additions are kept, in order of first appearance (ours, then theirs). */
static bool merge_array(struct fmstate *st, const char *key, size_t klen,
			const struct ruru_toml_value *vb, const struct ruru_toml_value *vo,
			const struct ruru_toml_value *vt)
{
	struct ruru_error e = { 0 };
	size_t no = vo ? ruru_toml_array_len(vo) : 0, nt = vt ? ruru_toml_array_len(vt) : 0;
	const char **m = ruru_xmalloc((no + nt + 1) * sizeof(*m));
	size_t *ml = ruru_xmalloc((no + nt + 1) * sizeof(*ml));
	size_t nm = 0;
	bool ok = true;
	key_path(&st->path, key, klen);
	/* Remove, last first, what theirs removed and repeated elements. */
	for (size_t i = no; i-- > 0 && ok;) {
		size_t n;
		const char *s = ruru_toml_string(ruru_toml_array_at(vo, i), &n);
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++) {
			size_t q;
			const char *x = ruru_toml_string(ruru_toml_array_at(vo, j), &q);
			dup = bytes_eq(x, q, s, n);
		}
		if (dup || (array_has(vb, s, n) && !array_has(vt, s, n)))
			ok = apply(st, ruru_toml_edit_array_remove(&st->tmp, st->cur.ptr, st->cur.len,
								   st->path.ptr, i, &e));
		else
			m[nm] = s, ml[nm++] = n;
	}
	/* m holds ours' kept elements in reverse; theirs' additions follow. */
	size_t nkept = nm;
	for (size_t i = 0; i < nt && ok; i++) {
		size_t n;
		const char *s = ruru_toml_string(ruru_toml_array_at(vt, i), &n);
		if (array_has(vo, s, n) || array_has(vb, s, n) || in_list(m, ml, nm, s, n))
			continue;
		m[nm] = s, ml[nm++] = n;
		if (vo) {
			ruru_buf_reset(&st->lit);
			ruru_toml_encode_string(&st->lit, s, n);
			ok = apply(st, ruru_toml_edit_array_append(&st->tmp, st->cur.ptr, st->cur.len,
								   st->path.ptr, st->lit.ptr,
								   st->lit.len, &e));
		}
	}
	if (ok && !vo && nm > nkept) {
		/* ours has no such key: create it with theirs' additions */
		ruru_buf_reset(&st->lit);
		ruru_toml_encode_string_array(&st->lit, m + nkept, nm - nkept);
		ok = apply(st, ruru_toml_edit_set(&st->tmp, st->cur.ptr, st->cur.len, st->path.ptr,
						  st->lit.ptr, st->lit.len, &e));
	}
	free(m);
	free(ml);
	return ok;
}

/* Line range [a, b) holding the root key's value in a TOML text. */
static bool key_lines(const char *text, size_t len, const char *key, size_t klen, size_t *a,
		      size_t *b)
{
	struct ruru_error e = { 0 };
	struct ruru_toml *d = ruru_toml_parse(text, len, &e);
	if (!d)
		return false;
	const struct ruru_toml_value *v = ruru_toml_table_get(ruru_toml_root(d), key, klen);
	bool ok = v != NULL;
	if (ok) {
		struct ruru_toml_span sp = ruru_toml_value_span(v);
		size_t s = sp.start;
		while (s > 0 && text[s - 1] != '\n')
			s--;
		*a = s;
		*b = sp.end > sp.start ? line_end(text, len, sp.end - 1) : line_end(text, len, s);
	}
	ruru_toml_free(d);
	return ok;
}

/* Merge the front matters into st->cur.  Returns false when a side could
 * not be merged mechanically (st->why set); conflicts are collected. */
static bool merge_front(struct fmstate *st, struct side *sd)
{
	struct side *b = &sd[BASE], *o = &sd[OURS], *t = &sd[THEIRS];
	ruru_buf_add(&st->cur, o->text + o->fm.toml, o->fm.toml_end - o->fm.toml);

	/* Which side's status and end_time: the newer session event. */
	int status_from = -1;
	if (o->has_session && t->has_session && o->last_session != t->last_session)
		status_from = t->last_session > o->last_session ? THEIRS : OURS;
	else if (t->has_session && !o->has_session)
		status_from = THEIRS;
	else if (o->has_session && !t->has_session)
		status_from = OURS;

	/* Keys: ours' in order, then those only theirs has. */
	size_t no = ruru_toml_table_len(o->root), nt = ruru_toml_table_len(t->root);
	for (size_t pass = 0; pass < 2; pass++) {
		const struct side *from = pass ? t : o;
		size_t n = pass ? nt : no;
		for (size_t i = 0; i < n; i++) {
			size_t klen;
			const char *key = ruru_toml_table_key(from->root, i, &klen);
			if (pass && get(o, key, klen))
				continue;
			const struct ruru_toml_value *vb = get(b, key, klen), *vo = get(o, key, klen),
						     *vt = get(t, key, klen);
			if (value_eq(vo, vt))
				continue;
			bool ok = true;
			const struct fm_key *fk = fm_key_find(key, klen);
			enum fm_merge policy = fk ? fk->merge : FM_MERGE_3WAY;
			if (policy == FM_MERGE_UNION && string_array(vb) && string_array(vo) &&
			    string_array(vt)) {
				ok = merge_array(st, key, klen, vb, vo, vt);
			} else if (policy == FM_MERGE_SESSION && status_from >= 0) {
				if (status_from == THEIRS)
					ok = take_value(st, t, key, klen, vt, vo != NULL);
			} else if (value_eq(vo, vb)) {
				ok = take_value(st, t, key, klen, vt, vo != NULL);
			} else if (value_eq(vt, vb)) {
				/* only ours changed it: keep */
			} else {
				add_conflict(st, key, klen);
			}
			if (!ok) {
				st->why = "a front matter value could not be merged with the TOML editor";
				return false;
			}
		}
	}
	return true;
}

/* Wrap each conflicting key's lines in markers (ours' line(s), theirs'). */
static bool mark_front(struct fmstate *st, struct side *sd)
{
	struct side *t = &sd[THEIRS];
	const char *ttext = t->text + t->fm.toml;
	size_t tlen = t->fm.toml_end - t->fm.toml;
	/* Last in the text first, so earlier offsets stay valid. */
	while (st->nconflicts) {
		size_t best = 0, best_a = 0, best_b = 0;
		bool found = false;
		for (size_t i = 0; i < st->nconflicts; i++) {
			size_t a, b;
			if (!key_lines(st->cur.ptr, st->cur.len, st->conflicts[i], st->conflict_len[i],
				       &a, &b)) {
				a = b = st->cur.len;
			}
			if (!found || a > best_a) {
				best = i;
				best_a = a;
				best_b = b;
				found = true;
			}
		}
		size_t ta = 0, tb = 0;
		if (!key_lines(ttext, tlen, st->conflicts[best], st->conflict_len[best], &ta, &tb))
			ta = tb = 0;
		ruru_buf_reset(&st->tmp);
		ruru_buf_add(&st->tmp, st->cur.ptr, best_a);
		markers(&st->tmp, st->cur.ptr + best_a, best_b - best_a, ttext + ta, tb - ta,
			st->crlf);
		ruru_buf_add(&st->tmp, st->cur.ptr + best_b, st->cur.len - best_b);
		apply(st, 0);
		free(st->conflicts[best]);
		st->conflicts[best] = st->conflicts[st->nconflicts - 1];
		st->conflict_len[best] = st->conflict_len[st->nconflicts - 1];
		st->nconflicts--;
	}
	return true;
}

/* ---------------------------------------------------------------- body */

/* Three-way choice of a piece of non-entry text.  Returns 0 ours, 1
 * theirs, -1 conflict. */
static int choose(const struct side *sd, size_t ba, size_t bb, size_t oa, size_t ob, size_t ta,
		  size_t tb)
{
	const struct side *b = &sd[BASE], *o = &sd[OURS], *t = &sd[THEIRS];
	if (text_eq(o->text + oa, ob - oa, t->text + ta, tb - ta))
		return 0;
	if (!b->empty && text_eq(o->text + oa, ob - oa, b->text + ba, bb - ba))
		return 1;
	if (!b->empty && text_eq(t->text + ta, tb - ta, b->text + ba, bb - ba))
		return 0;
	return -1;
}

static void emit_piece(struct ruru_buf *out, const struct side *sd, int c, size_t oa, size_t ob,
		       size_t ta, size_t tb, bool crlf)
{
	const struct side *o = &sd[OURS], *t = &sd[THEIRS];
	if (c == 0)
		ruru_buf_add(out, o->text + oa, ob - oa);
	else if (c == 1)
		add_eol(out, t->text + ta, tb - ta, crlf);
	else
		markers(out, o->text + oa, ob - oa, t->text + ta, tb - ta, crlf);
}

struct pick {
	int side;
	size_t i;
};

/* Merge the bodies onto out.  Returns the number of conflicting pieces. */
static int merge_body(struct ruru_buf *out, struct side *sd, bool crlf)
{
	struct side *b = &sd[BASE], *o = &sd[OURS], *t = &sd[THEIRS];
	struct keytab kt = { 0 };
	size_t total = b->n + o->n + t->n;
	kt.nslot = 16;
	while (kt.nslot < 2 * total + 2)
		kt.nslot *= 2;
	kt.slot = calloc(kt.nslot, sizeof(*kt.slot));
	if (!kt.slot)
		abort();
	struct ruru_buf norm;
	ruru_buf_init(&norm);
	for (int s = 0; s < NSIDES; s++) {
		sd[s].kid = ruru_xmalloc((sd[s].n + 1) * sizeof(size_t));
		for (size_t i = 0; i < sd[s].n; i++) {
			normalise(&norm, sd[s].text + sd[s].e[i].start, sd[s].e[i].end - sd[s].e[i].start);
			sd[s].kid[i] = key_intern(&kt, &norm);
			kt.keys[sd[s].kid[i]].count[s]++;
		}
	}
	ruru_buf_release(&norm);
	/* How many of each entry the result holds: a removal on either side
	 * wins; otherwise an entry both sides hold (or added) appears once. */
	for (size_t k = 0; k < kt.n; k++) {
		struct key *e = &kt.keys[k];
		size_t cb = e->count[BASE], co = e->count[OURS], ct = e->count[THEIRS];
		e->keep = (co < cb || ct < cb) ? (co < ct ? co : ct) : (co > ct ? co : ct);
	}
	/* Ours' entries that stay, theirs' that are new. */
	size_t *seen = calloc(kt.n + 1, sizeof(size_t));
	struct pick *os = ruru_xmalloc((o->n + 1) * sizeof(*os));
	struct pick *ns = ruru_xmalloc((t->n + 1) * sizeof(*ns));
	size_t nos = 0, nns = 0;
	if (!seen)
		abort();
	for (size_t i = 0; i < o->n; i++)
		if (seen[o->kid[i]]++ < kt.keys[o->kid[i]].keep)
			os[nos++] = (struct pick){ OURS, i };
	memset(seen, 0, (kt.n + 1) * sizeof(size_t));
	for (size_t i = 0; i < t->n; i++) {
		struct key *e = &kt.keys[t->kid[i]];
		if (seen[t->kid[i]]++ >= e->count[OURS] && e->keep > e->count[OURS])
			ns[nns++] = (struct pick){ THEIRS, i };
	}

	/* Text between entries (headings, paragraphs, rules that are not part
	 * of an entry) is never dropped (doc/design.md §9).  A gap belongs to the entry
	 * above it.  For each of THEIRS's gaps that THEIRS added or changed
	 * (it differs from BASE's gap after the same entry and from OURS's):
	 * after a new entry of THEIRS it comes along; after an entry OURS
	 * holds it replaces OURS's gap when OURS left that gap as in BASE,
	 * else both are kept between conflict markers; after an entry that is
	 * not in the result it goes in after the entry before it. */
	size_t *first_at[NSIDES];
	for (int sx = 0; sx < NSIDES; sx++) {
		first_at[sx] = ruru_xmalloc((kt.n + 1) * sizeof(size_t));
		for (size_t k = 0; k < kt.n; k++)
			first_at[sx][k] = SIZE_MAX;
		for (size_t x = sd[sx].n; x-- > 0;)
			first_at[sx][sd[sx].kid[x]] = x;
	}
	/* per OURS entry: THEIRS entry whose gap replaces (mode 1), conflicts
	 * with (mode 2) or follows (mode 3) OURS's gap; per THEIRS entry:
	 * emit its gap after it (new entries) */
	int *omode = calloc(o->n + 1, sizeof(int));
	size_t *otheirs = calloc(o->n + 1, sizeof(size_t));
	bool *tgap = calloc(t->n + 1, sizeof(bool));
	if (!omode || !otheirs || !tgap)
		abort();
	for (size_t x = 0; x + 1 < t->n; x++) {
		size_t ga = t->e[x].end, gb = t->e[x + 1].start;
		if (ga >= gb || is_blank(t->text + ga, gb - ga))
			continue;
		size_t k = t->kid[x], bx = first_at[BASE][k], ox = first_at[OURS][k];
		if (bx != SIZE_MAX && bx + 1 < b->n &&
		    text_eq(t->text + ga, gb - ga, b->text + b->e[bx].end, b->e[bx + 1].start - b->e[bx].end))
			continue; /* THEIRS left it as it was */
		if (ox == SIZE_MAX || kt.keys[k].keep == 0) {
			tgap[x] = true; /* after THEIRS's new entry (or the one before) */
			continue;
		}
		size_t oa = o->e[ox].end, ob = ox + 1 < o->n ? o->e[ox + 1].start : o->len;
		if (text_eq(t->text + ga, gb - ga, o->text + oa, ob - oa))
			continue; /* OURS has it too */
		if (ox + 1 >= o->n) {
			omode[ox] = 3; /* OURS's last entry: add it after */
			otheirs[ox] = x;
			continue;
		}
		bool ours_as_base = bx != SIZE_MAX && bx + 1 < b->n
					    ? text_eq(o->text + oa, ob - oa, b->text + b->e[bx].end,
						      b->e[bx + 1].start - b->e[bx].end)
					    : is_blank(o->text + oa, ob - oa);
		omode[ox] = ours_as_base ? 1 : 2;
		otheirs[ox] = x;
	}

	/* Text before the entries. */
	int conflicts = 0;
	int c = choose(sd, b->fm.body, b->pre_end, o->fm.body, o->pre_end, t->fm.body, t->pre_end);
	conflicts += c < 0;
	emit_piece(out, sd, c, o->fm.body, o->pre_end, t->fm.body, t->pre_end, crlf);

	/* Entries: a stable merge by time, ours first on a tie. */
	size_t i = 0, j = 0;
	while (i < nos || j < nns) {
		bool take_ours = j >= nns || (i < nos && o->t[os[i].i] <= t->t[ns[j].i]);
		complete_line(out, crlf);
		if (take_ours) {
			size_t x = os[i].i;
			const struct ruru_entry *e = &o->e[x];
			ruru_buf_add(out, o->text + e->start, e->end - e->start);
			/* the text up to ours' next entry (blank lines, or a heading
			 * that must not be lost), and that after ours' entries the
			 * result leaves out */
			size_t last = i + 1 < nos ? os[i + 1].i : o->n;
			for (size_t y = x; y < last && y + 1 < o->n; y++) {
				size_t ga = o->e[y].end, gb = o->e[y + 1].start;
				size_t tx = otheirs[y], ta = 0, tb = 0;
				if (omode[y] == 1 || omode[y] == 2) {
					ta = t->e[tx].end;
					tb = t->e[tx + 1].start;
				}
				if (y > x) {
					if (ga < gb && !is_blank(o->text + ga, gb - ga)) {
						complete_line(out, crlf);
						ruru_buf_add(out, o->text + ga, gb - ga);
					}
					continue;
				}
				bool next_kept = y + 1 == last;
				if (omode[y] == 1) {
					complete_line(out, crlf);
					add_eol(out, t->text + ta, tb - ta, crlf);
				} else if (omode[y] == 2) {
					markers(out, o->text + ga, gb - ga, t->text + ta, tb - ta, crlf);
					conflicts++;
				} else if (ga < gb && (next_kept || !is_blank(o->text + ga, gb - ga))) {
					ruru_buf_add(out, o->text + ga, gb - ga);
				}
			}
			if (omode[x] == 3) {
				size_t tx = otheirs[x];
				complete_line(out, crlf);
				add_eol(out, t->text + t->e[tx].end, t->e[tx + 1].start - t->e[tx].end, crlf);
			}
			i++;
		} else {
			size_t x = ns[j].i;
			const struct ruru_entry *e = &t->e[x];
			add_eol(out, t->text + e->start, e->end - e->start, crlf);
			complete_line(out, crlf);
			/* its gap, and those of THEIRS's entries up to its next new one
			 * that are not in the result */
			size_t last = j + 1 < nns ? ns[j + 1].i : t->n;
			for (size_t y = x; y < last && y + 1 < t->n; y++) {
				bool gone = y == x || first_at[OURS][t->kid[y]] == SIZE_MAX ||
					    kt.keys[t->kid[y]].keep == 0;
				if (tgap[y] && gone) {
					add_eol(out, t->text + t->e[y].end, t->e[y + 1].start - t->e[y].end,
						crlf);
					complete_line(out, crlf);
				}
			}
			j++;
		}
	}

	/* Text after the entries. */
	c = choose(sd, b->suf_start, b->len, o->suf_start, o->len, t->suf_start, t->len);
	conflicts += c < 0;
	if ((c == 0 && o->suf_start < o->len) || (c == 1 && t->suf_start < t->len) || c < 0) {
		if (c != 0)
			complete_line(out, crlf);
		emit_piece(out, sd, c, o->suf_start, o->len, t->suf_start, t->len, crlf);
	}
	free(seen);
	free(os);
	free(ns);
	free(omode);
	free(otheirs);
	free(tgap);
	for (int sx = 0; sx < NSIDES; sx++)
		free(first_at[sx]);
	keytab_release(&kt);
	return conflicts;
}

/* --------------------------------------------------------------- entry */

int ruru_merge_logs(const char *base, size_t base_len, const char *ours, size_t ours_len,
		    const char *theirs, size_t theirs_len, struct ruru_buf *out,
		    struct ruru_error *err)
{
	if (!out || (!base && base_len) || (!ours && ours_len) || (!theirs && theirs_len))
		return ruru_error_set(err, RURU_EUSAGE, "missing merge input");
	if (!base)
		base = "";
	if (!ours)
		ours = "";
	if (!theirs)
		theirs = "";
	ruru_error_clear(err);
	ruru_buf_reset(out);
	/* Trivial merges hold for any text. */
	if (bytes_eq(ours, ours_len, theirs, theirs_len) ||
	    bytes_eq(base, base_len, theirs, theirs_len)) {
		ruru_buf_add(out, ours, ours_len);
		return 0;
	}
	if (bytes_eq(base, base_len, ours, ours_len)) {
		ruru_buf_add(out, theirs, theirs_len);
		return 0;
	}

	/* The result follows OURS's line endings; THEIRS is brought to them
	 * first, so each of its entries reads back as THEIRS wrote it. */
	bool ours_crlf = first_eol_crlf(ours, ours_len);
	struct ruru_buf theirs_conv = RURU_BUF_INIT;
	if (theirs_len && memchr(theirs, '\n', theirs_len) &&
	    first_eol_crlf(theirs, theirs_len) != ours_crlf) {
		convert_eol(&theirs_conv, theirs, theirs_len, ours_crlf);
		theirs = theirs_conv.ptr;
		theirs_len = theirs_conv.len;
	}

	struct side sd[NSIDES];
	memset(sd, 0, sizeof(sd));
	sd[BASE].text = base;
	sd[BASE].len = base_len;
	sd[OURS].text = ours;
	sd[OURS].len = ours_len;
	sd[THEIRS].text = theirs;
	sd[THEIRS].len = theirs_len;
	struct fmstate st = { .crlf = ours_crlf };
	ruru_buf_init(&st.cur);
	ruru_buf_init(&st.tmp);
	ruru_buf_init(&st.path);
	ruru_buf_init(&st.lit);
	int rc = 0;
	bool ok = side_load(&sd[OURS], OURS, err) && side_load(&sd[THEIRS], THEIRS, err) &&
		  side_load(&sd[BASE], BASE, err);
	if (ok)
		honest_times(sd);
	if (ok && !merge_front(&st, sd)) {
		ruru_error_set(err, RURU_EINVALID, "%s", st.why);
		ok = false;
	}
	if (!ok) {
		whole_conflict(out, ours, ours_len, theirs, theirs_len);
		rc = 1;
		goto done;
	}
	size_t key_conflicts = st.nconflicts;
	struct ruru_buf names;
	ruru_buf_init(&names);
	for (size_t i = 0; i < st.nconflicts; i++)
		ruru_buf_addf(&names, "%s\"%s\"", i ? ", " : "", st.conflicts[i]);
	mark_front(&st, sd);
	const struct side *o = &sd[OURS];
	ruru_buf_add(out, ours, o->fm.toml);
	ruru_buf_add(out, st.cur.ptr, st.cur.len);
	ruru_buf_add(out, ours + o->fm.toml_end, o->fm.body - o->fm.toml_end);
	int body_conflicts = merge_body(out, sd, st.crlf);
	if (key_conflicts || body_conflicts) {
		rc = 1;
		if (key_conflicts)
			ruru_error_set(err, RURU_ECONFLICT, "%s changed differently on both sides",
				       names.ptr);
		else
			ruru_error_set(err, RURU_ECONFLICT,
				       "the text around the log entries changed differently on both "
				       "sides");
	} else {
		/* Belt and braces: the merged front matter must still be TOML. */
		struct ruru_frontmatter fm;
		struct ruru_error e = { 0 };
		struct ruru_toml *d = NULL;
		if (!ruru_frontmatter_split(out->ptr, out->len, &fm) ||
		    !(d = ruru_toml_parse(out->ptr + fm.toml, fm.toml_end - fm.toml, &e))) {
			ruru_error_set(err, RURU_EINVALID, "the merged front matter is not valid TOML");
			whole_conflict(out, ours, ours_len, theirs, theirs_len);
			rc = 1;
		}
		ruru_toml_free(d);
	}
	ruru_buf_release(&names);
done:
	for (int s = 0; s < NSIDES; s++)
		side_release(&sd[s]);
	for (size_t i = 0; i < st.nconflicts; i++)
		free(st.conflicts[i]);
	free(st.conflicts);
	free(st.conflict_len);
	ruru_buf_release(&st.cur);
	ruru_buf_release(&st.tmp);
	ruru_buf_release(&st.path);
	ruru_buf_release(&st.lit);
	ruru_buf_release(&theirs_conv);
	return rc;
}

int ruru_merge_files(const char *base, const char *ours, const char *theirs,
		     struct ruru_error *err)
{
	struct ruru_buf b, o, t, out;
	ruru_buf_init(&b);
	ruru_buf_init(&o);
	ruru_buf_init(&t);
	ruru_buf_init(&out);
	int rc = -1;
	if (ruru_file_read(base, &b, err) == 0 && ruru_file_read(ours, &o, err) == 0 &&
	    ruru_file_read(theirs, &t, err) == 0) {
		struct ruru_error why = { 0 };
		ruru_error_clear(&why);
		rc = ruru_merge_logs(b.ptr, b.len, o.ptr, o.len, t.ptr, t.len, &out, &why);
		if (rc >= 0 && ruru_write_atomic(ours, out.ptr, out.len, 0666, err) < 0)
			rc = -1;
		else if (rc != 0 && err)
			*err = why;
	}
	ruru_buf_release(&b);
	ruru_buf_release(&o);
	ruru_buf_release(&t);
	ruru_buf_release(&out);
	return rc;
}
