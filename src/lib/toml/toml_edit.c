/*
 * toml_edit.c — format-preserving edits of a TOML document: set, add or
 * remove a key, append to or remove from an array.  An edit is a splice of
 * the source text, planned from the spans the decoder records: only the
 * edited value's bytes (or the one added or removed line) change.  Every
 * result is decoded again and compared with the original, key by key, so an
 * edit that would change anything but its target is refused instead of
 * written (RURU_ECONFLICT), whatever layout trick the file plays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml_impl.h"
#include "alloc.h"
#include "banned.h"

enum edit_op { OP_SET, OP_REMOVE, OP_APPEND, OP_AREMOVE };

struct edit {
	const char *src;
	size_t len;
	struct ruru_toml *doc;
	struct ruru_buf kb; /* key path bytes */
	struct toml_kcomp *comps;
	size_t n;
	const char *eol;
	size_t bom;
	struct ruru_toml *litdoc; /* the literal, parsed as "v = LITERAL" */
	const struct ruru_toml_value *lit;
	const struct ruru_toml_value *const *lits; /* what an append adds, in order */
	size_t nlits;
	const char *littext;
	size_t litlen;
	/* what the walk found */
	struct toml_table *parent; /* table holding the last part, if reached */
	long ix;                   /* its index there, or -1 */
	size_t reached;            /* parts resolved to existing tables */
	struct toml_table *anchor; /* deepest table on the path with its own section */
	size_t anchor_i;
	bool in_inline;
	const struct ruru_toml_value *deep_v; /* the value of the deepest table walked */
};

static const char *comp_name(const struct edit *E, size_t i)
{
	return E->kb.ptr + E->comps[i].off;
}

static size_t line_start(const struct edit *E, size_t pos)
{
	while (pos > 0 && E->src[pos - 1] != '\n')
		pos--;
	return pos;
}

/* Position just after the newline ending the line that holds `pos`. */
static size_t line_after(const struct edit *E, size_t pos)
{
	const char *nl = memchr(E->src + pos, '\n', E->len - pos);
	return nl ? (size_t)(nl - E->src) + 1 : E->len;
}

static bool blank(const char *s, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

static size_t indent_len(const struct edit *E, size_t ls)
{
	size_t i = ls;
	while (i < E->len && (E->src[i] == ' ' || E->src[i] == '\t'))
		i++;
	return i - ls;
}

static void add_key_text(struct ruru_buf *out, const struct edit *E, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const char *k = comp_name(E, i);
		size_t n = E->comps[i].len;
		bool bare = n > 0;
		for (size_t j = 0; j < n && bare; j++) {
			char c = k[j];
			bare = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			       (c >= '0' && c <= '9') || c == '_' || c == '-';
		}
		if (i > from)
			ruru_buf_addch(out, '.');
		if (bare)
			ruru_buf_add(out, k, n);
		else
			ruru_toml_encode_string(out, k, n);
	}
}

static void edit_release(struct edit *E)
{
	ruru_toml_free(E->doc);
	ruru_toml_free(E->litdoc);
	free(E->comps);
	ruru_buf_release(&E->kb);
}

static int edit_begin(struct edit *E, const char *src, size_t len, const char *path,
		      struct ruru_error *err)
{
	memset(E, 0, sizeof(*E));
	ruru_buf_init(&E->kb);
	E->src = src;
	E->len = len;
	E->ix = -1;
	E->doc = ruru_toml_parse(src, len, err);
	if (!E->doc)
		return -1;
	if (toml_keypath(path, strlen(path), &E->kb, &E->comps, &E->n, err) < 0) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
		return ruru_error_set(err, RURU_EUSAGE, "invalid key \"%s\": %s", path, msg);
	}
	const char *nl = memchr(src, '\n', len);
	E->eol = nl && nl > src && nl[-1] == '\r' ? "\r\n" : "\n";
	E->bom = len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

	/* Walk the path through existing tables. */
	struct toml_table *t = E->doc->root.u.tab;
	E->anchor = t;
	for (size_t i = 0;; i++) {
		long ix = toml_table_find(t, comp_name(E, i), E->comps[i].len);
		if (i + 1 == E->n) {
			E->parent = t;
			E->ix = ix;
			E->reached = i;
			return 0;
		}
		if (ix < 0) {
			E->reached = i;
			return 0;
		}
		const struct ruru_toml_value *v = &t->items[ix].v;
		/* Through an array of tables, keys go where TOML puts the keys
		 * under a [[header]]: into its last table. */
		if (v->kind == RURU_TOML_ARRAY && (v->flags & VF_AOT)) {
			if (!v->u.arr->len)
				return ruru_error_set(err, RURU_ECONFLICT,
						      "key \"%s\" goes through an empty array of tables",
						      path);
			v = &v->u.arr->items[v->u.arr->len - 1];
		}
		if (v->kind != RURU_TOML_TABLE)
			return ruru_error_set(err, RURU_ECONFLICT,
					      "key \"%s\": \"%s\" is a value, not a table", path,
					      comp_name(E, i));
		t = v->u.tab;
		E->deep_v = v;
		if (t->flags & TF_INLINE)
			E->in_inline = true;
		if (!E->in_inline && (t->flags & TF_DEFINED)) {
			E->anchor = t;
			E->anchor_i = i + 1;
		}
	}
}

static int parse_literal(struct edit *E, const char *lit, size_t litlen, struct ruru_error *err)
{
	while (litlen && (lit[0] == ' ' || lit[0] == '\t'))
		lit++, litlen--;
	while (litlen && (lit[litlen - 1] == ' ' || lit[litlen - 1] == '\t'))
		litlen--;
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_init(&b);
	ruru_buf_add(&b, "v = ", 4);
	ruru_buf_add(&b, lit, litlen);
	struct ruru_error e2;
	ruru_error_clear(&e2);
	E->litdoc = ruru_toml_parse(b.ptr, b.len, &e2);
	ruru_buf_release(&b);
	const struct ruru_toml_value *root = E->litdoc ? &E->litdoc->root : NULL;
	if (!root || root->u.tab->len != 1 || root->u.tab->items[0].v.end != 4 + litlen ||
	    root->u.tab->items[0].key->len != 1 || !litlen)
		return ruru_error_set(err, RURU_EINVALID, "invalid TOML value %.*s%s%s",
				      (int)(litlen > 60 ? 60 : litlen), lit,
				      e2.msg[0] ? ": " : "", e2.msg);
	E->lit = &root->u.tab->items[0].v;
	E->littext = lit;
	E->litlen = litlen;
	return 0;
}

/* ------------------------------------------------------- verification */

static bool key_is(const struct toml_key *k, const struct edit *E, size_t i)
{
	return k->len == E->comps[i].len && memcmp(k->s, comp_name(E, i), k->len) == 0;
}

/* Is `nv` what the operation should have made of `ov`? */
static bool target_ok(const struct edit *E, enum edit_op op, size_t index,
		      const struct ruru_toml_value *ov, const struct ruru_toml_value *nv)
{
	switch (op) {
	case OP_SET:
		return nv && toml_value_equal(nv, E->lit);
	case OP_REMOVE:
		return !nv;
	case OP_APPEND:
	case OP_AREMOVE: {
		if (!ov || !nv || nv->kind != RURU_TOML_ARRAY || ov->kind != RURU_TOML_ARRAY)
			return false;
		const struct toml_array *a = ov->u.arr, *b = nv->u.arr;
		if (op == OP_APPEND) {
			if (b->len != a->len + E->nlits)
				return false;
			for (size_t i = 0; i < E->nlits; i++)
				if (!toml_value_equal(&b->items[a->len + i], E->lits[i]))
					return false;
			for (uint32_t i = 0; i < a->len; i++)
				if (!toml_value_equal(&a->items[i], &b->items[i]))
					return false;
			return true;
		}
		if (b->len + 1 != a->len)
			return false;
		for (uint32_t i = 0, j = 0; i < a->len; i++) {
			if (i == index)
				continue;
			if (!toml_value_equal(&a->items[i], &b->items[j++]))
				return false;
		}
		return true;
	}
	}
	return false;
}

/* Compare tables (NULL: absent, taken as empty) key by key, except along
 * the edited path, where target_ok judges the last part. */
static bool same_except(const struct edit *E, enum edit_op op, size_t index,
			const struct toml_table *o, const struct toml_table *n, size_t i)
{
	uint32_t olen = o ? o->len : 0, nlen = n ? n->len : 0;
	const struct ruru_toml_value *ov = NULL, *nv = NULL;
	for (uint32_t k = 0; k < olen; k++) {
		if (key_is(o->items[k].key, E, i)) {
			ov = &o->items[k].v;
			continue;
		}
		long j = n ? toml_table_find(n, o->items[k].key->s, o->items[k].key->len) : -1;
		if (j < 0 || !toml_value_equal(&o->items[k].v, &n->items[j].v))
			return false;
	}
	long j = n ? toml_table_find(n, comp_name(E, i), E->comps[i].len) : -1;
	if (j >= 0)
		nv = &n->items[j].v;
	if (nlen - (nv != NULL) != olen - (ov != NULL))
		return false;
	if (i + 1 == E->n)
		return target_ok(E, op, index, ov, nv);
	/* An array of tables on the path: every table but the last as it was,
	 * the last compared further down. */
	if (ov && nv && ov->kind == RURU_TOML_ARRAY && (ov->flags & VF_AOT) &&
	    nv->kind == RURU_TOML_ARRAY && (nv->flags & VF_AOT)) {
		const struct toml_array *a = ov->u.arr, *b = nv->u.arr;
		if (a->len != b->len || !a->len)
			return false;
		for (uint32_t k = 0; k + 1 < a->len; k++)
			if (!toml_value_equal(&a->items[k], &b->items[k]))
				return false;
		ov = &a->items[a->len - 1];
		nv = &b->items[b->len - 1];
	}
	if ((ov && ov->kind != RURU_TOML_TABLE) || (nv && nv->kind != RURU_TOML_TABLE))
		return false;
	if (!nv && op != OP_REMOVE)
		return false;
	return same_except(E, op, index, ov ? ov->u.tab : NULL, nv ? nv->u.tab : NULL, i + 1);
}

static int finish(struct edit *E, enum edit_op op, size_t index, struct ruru_buf *out,
		  struct ruru_error *err)
{
	struct ruru_error e2;
	ruru_error_clear(&e2);
	struct ruru_toml *nd = ruru_toml_parse(out->ptr, out->len, &e2);
	bool ok = nd && same_except(E, op, index, E->doc->root.u.tab, nd->root.u.tab, 0);
	ruru_toml_free(nd);
	if (!ok) {
		ruru_buf_reset(out);
		return ruru_error_set(err, RURU_ECONFLICT,
				      "cannot make this edit without changing the rest of the document%s%s",
				      e2.msg[0] ? ": " : "", e2.msg);
	}
	return 0;
}

/* -------------------------------------------------------------- splices */

static void splice(struct ruru_buf *out, const struct edit *E, size_t a, size_t b, const char *ins,
		   size_t inslen)
{
	ruru_buf_reset(out);
	ruru_buf_grow(out, E->len + inslen);
	ruru_buf_add(out, E->src, a);
	ruru_buf_add(out, ins, inslen);
	ruru_buf_add(out, E->src + b, E->len - b);
}

/* Insert a whole line at `pos` (a line start, or the end of the text). */
static void insert_line(struct ruru_buf *out, const struct edit *E, size_t pos, const char *line,
			size_t n)
{
	struct ruru_buf ins = RURU_BUF_INIT;
	ruru_buf_init(&ins);
	if (pos == E->len && pos > E->bom && E->src[pos - 1] != '\n') {
		/* no final newline: end the last line first, and keep the style */
		ruru_buf_addstr(&ins, E->eol);
		ruru_buf_add(&ins, line, n);
	} else {
		ruru_buf_add(&ins, line, n);
		ruru_buf_addstr(&ins, E->eol);
	}
	splice(out, E, pos, pos, ins.ptr, ins.len);
	ruru_buf_release(&ins);
}

/* Where a new key/value line goes in section `s`, and its indentation. */
static size_t section_insert_pos(const struct edit *E, size_t s, size_t *ind_from, size_t *ind_len)
{
	const struct ruru_toml *doc = E->doc;
	const struct toml_section *sec = &doc->secs[s];
	*ind_len = 0;
	*ind_from = 0;
	if (sec->has_kv) {
		*ind_from = sec->kv_start;
		*ind_len = indent_len(E, sec->kv_start);
		return sec->kv_end;
	}
	if (s > 0)
		return line_after(E, sec->end);
	if (doc->nsecs < 2)
		return E->len;
	/* Root without keys: before the first header and the comment lines
	 * right above it, which describe that header. */
	size_t pos = line_start(E, doc->secs[1].start);
	while (pos > E->bom) {
		size_t prev = line_start(E, pos - 1);
		size_t k = prev + indent_len(E, prev);
		if (k < E->len && E->src[k] == '#')
			pos = prev;
		else
			break;
	}
	return pos < E->bom ? E->bom : pos;
}

static int add_key(struct edit *E, struct ruru_buf *out)
{
	struct ruru_buf line = RURU_BUF_INIT;
	ruru_buf_init(&line);
	const struct toml_table *deepest = E->parent;
	bool parent_exists = E->parent != NULL;
	if (E->in_inline) {
		/* One more member of the inline table: after its last one, or
		 * alone between its braces; the key dotted from the table. */
		const struct ruru_toml_value *tv = E->deep_v;
		size_t close = tv->end - 1, p = close;
		while (p > tv->start + 1 && strchr(" \t\r\n", E->src[p - 1]))
			p--;
		char before = E->src[p - 1];
		ruru_buf_addstr(&line, before == '{' ? " " : before == ',' ? " " : ", ");
		add_key_text(&line, E, parent_exists ? E->n - 1 : E->reached, E->n);
		ruru_buf_add(&line, " = ", 3);
		ruru_buf_add(&line, E->littext, E->litlen);
		if (before == '{') {
			ruru_buf_addch(&line, ' ');
			splice(out, E, p, close, line.ptr, line.len);
		} else {
			splice(out, E, p, p, line.ptr, line.len);
		}
		ruru_buf_release(&line);
		return 0;
	}
	if (!deepest) {
		/* find the deepest existing table again */
		const struct toml_table *t = E->doc->root.u.tab;
		for (size_t i = 0; i < E->reached; i++)
			t = t->items[toml_table_find(t, comp_name(E, i), E->comps[i].len)].v.u.tab;
		deepest = t;
	}
	if (parent_exists && (deepest->flags & (TF_DEFINED | TF_DOTTED)) &&
	    !(deepest->flags & TF_INLINE)) {
		size_t from = (deepest->flags & TF_DEFINED) ? E->n - 1 : E->anchor_i;
		size_t s = deepest->sec, ifrom, ilen;
		size_t pos = section_insert_pos(E, s, &ifrom, &ilen);
		ruru_buf_add(&line, E->src + ifrom, ilen);
		add_key_text(&line, E, from, E->n);
		ruru_buf_add(&line, " = ", 3);
		ruru_buf_add(&line, E->littext, E->litlen);
		insert_line(out, E, pos, line.ptr, line.len);
	} else {
		/* a new [table] section at the end */
		if (E->len > E->bom && E->src[E->len - 1] != '\n')
			ruru_buf_addstr(&line, E->eol);
		if (E->len > E->bom)
			ruru_buf_addstr(&line, E->eol);
		ruru_buf_addch(&line, '[');
		add_key_text(&line, E, 0, E->n - 1);
		ruru_buf_addch(&line, ']');
		ruru_buf_addstr(&line, E->eol);
		add_key_text(&line, E, E->n - 1, E->n);
		ruru_buf_add(&line, " = ", 3);
		ruru_buf_add(&line, E->littext, E->litlen);
		ruru_buf_addstr(&line, E->eol);
		splice(out, E, E->len, E->len, line.ptr, line.len);
	}
	ruru_buf_release(&line);
	return 0;
}

static const struct ruru_toml_value *target(const struct edit *E)
{
	return E->ix >= 0 ? &E->parent->items[E->ix].v : NULL;
}

static int refuse_table(const struct ruru_toml_value *v, const char *path, struct ruru_error *err)
{
	if (v->kind == RURU_TOML_TABLE && !(v->u.tab->flags & TF_INLINE))
		return ruru_error_set(err, RURU_ECONFLICT, "key \"%s\" names a table", path);
	if (v->kind == RURU_TOML_ARRAY && (v->flags & VF_AOT))
		return ruru_error_set(err, RURU_ECONFLICT, "key \"%s\" names an array of tables",
				      path);
	return 0;
}

int ruru_toml_edit_set(struct ruru_buf *out, const char *src, size_t len, const char *path,
		       const char *literal, size_t litlen, struct ruru_error *err)
{
	struct edit E;
	int rc = edit_begin(&E, src, len, path, err);
	const struct ruru_toml_value *v = rc == 0 ? target(&E) : NULL;
	if (v)
		rc = refuse_table(v, path, err);
	if (rc == 0)
		rc = parse_literal(&E, literal, litlen, err);
	if (rc == 0) {
		if (v) {
			splice(out, &E, v->start, v->end, E.littext, E.litlen);
		} else {
			rc = add_key(&E, out);
		}
	}
	if (rc == 0)
		rc = finish(&E, OP_SET, 0, out, err);
	else
		ruru_buf_reset(out);
	edit_release(&E);
	return rc;
}

int ruru_toml_edit_remove(struct ruru_buf *out, const char *src, size_t len, const char *path,
			  struct ruru_error *err)
{
	struct edit E;
	int rc = edit_begin(&E, src, len, path, err);
	const struct ruru_toml_value *v = rc == 0 ? target(&E) : NULL;
	if (rc == 0 && !v)
		rc = ruru_error_set(err, RURU_ENOTFOUND, "key \"%s\" not found", path);
	if (rc == 0)
		rc = refuse_table(v, path, err);
	if (rc == 0 && E.in_inline) {
		/* A member of an inline table goes with the comma that joins it
		 * to the one before (or, first, to the one after). */
		size_t ks = E.parent->items[E.ix].v.kstart, ve = v->end, a = ks, b = ve;
		size_t q = ks;
		while (q > E.deep_v->start + 1 && strchr(" \t", E.src[q - 1]))
			q--;
		if (E.src[q - 1] == ',') {
			a = q - 1;
		} else {
			size_t r = ve;
			while (r < E.deep_v->end - 1 && strchr(" \t", E.src[r]))
				r++;
			if (E.src[r] == ',') {
				r++;
				while (r < E.deep_v->end - 1 && strchr(" \t", E.src[r]))
					r++;
				b = r;
			} else {
				/* The only member: back to "{}" as it was written. */
				a = q;
				b = r;
			}
		}
		splice(out, &E, a, b, "", 0);
		rc = finish(&E, OP_REMOVE, 0, out, err);
	} else if (rc == 0) {
		size_t ls = line_start(&E, E.parent->items[E.ix].v.kstart);
		size_t le = line_after(&E, v->end);
		if (ls < E.bom)
			ls = E.bom;
		splice(out, &E, ls, le, "", 0);
		rc = finish(&E, OP_REMOVE, 0, out, err);
	} else {
		ruru_buf_reset(out);
	}
	edit_release(&E);
	return rc;
}

static const struct ruru_toml_value *array_target(struct edit *E, const char *path,
						  struct ruru_error *err)
{
	const struct ruru_toml_value *v = target(E);
	if (!v) {
		ruru_error_set(err, RURU_ENOTFOUND, "key \"%s\" not found", path);
		return NULL;
	}
	if (v->kind != RURU_TOML_ARRAY || (v->flags & VF_AOT)) {
		ruru_error_set(err, RURU_ECONFLICT, "key \"%s\" is not an array value", path);
		return NULL;
	}
	return v;
}

/* Skip spaces, newlines and comments from `p`; returns the next byte's position. */
static size_t skip_fill(const struct edit *E, size_t p, size_t limit)
{
	while (p < limit) {
		char c = E->src[p];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			p++;
		else if (c == '#')
			p = line_after(E, p);
		else
			break;
	}
	return p;
}

static bool has_nl(const struct edit *E, size_t a, size_t b)
{
	return b > a && memchr(E->src + a, '\n', b - a) != NULL;
}

/* An array being appended to, as positions in the text being built: that
 * text holds the document up to the array's ']' (`close`), so every append
 * lands near its end and costs the size of the new element, not of the
 * document. */
struct aview {
	size_t open, close; /* '[' and ']' */
	size_t n;           /* elements */
	size_t f_start;     /* first element */
	size_t p_end;       /* end of the element before the last (n >= 2) */
	size_t l_start, l_end; /* last element */
	bool multi;         /* a newline between '[' and ']' */
};

/* Insert `s` at `pos` of `w`. */
static void buf_insert(struct ruru_buf *w, size_t pos, const char *s, size_t n)
{
	ruru_buf_grow(w, n);
	memmove(w->ptr + pos + n, w->ptr + pos, w->len - pos);
	memcpy(w->ptr + pos, s, n);
	w->len += n;
	w->ptr[w->len] = '\0';
}

/* Append one element (E->littext) to the array `av` of the text `w` (which
 * E->src and E->len show); updates `av`, E->src and E->len. */
static void append_step(struct edit *E, struct aview *av, struct ruru_buf *w)
{
	struct ruru_buf ins = RURU_BUF_INIT;
	ruru_buf_init(&ins);
	size_t open = av->open, close = av->close;
	size_t ls_key = line_start(E, open);
	size_t at, lit_at, comma_at = (size_t)-1;
	if (av->n == 0) {
		if (!av->multi) {
			/* replace what lies between the brackets */
			w->len = open + 1;
			ruru_buf_add(w, E->littext, E->litlen);
			av->l_start = open + 1;
			av->close = w->len;
			goto done;
		}
		/* after the last line holding a comment, else after '[' */
		size_t pos = line_after(E, open), ind_from = ls_key;
		size_t ind = indent_len(E, ls_key);
		bool found = false;
		size_t close_ls = line_start(E, close);
		for (size_t l = pos; l < close_ls; l = line_after(E, l)) {
			size_t k = l + indent_len(E, l);
			if (k < E->len && E->src[k] == '#') {
				pos = line_after(E, l);
				ind_from = l;
				ind = k - l;
				found = true;
			}
		}
		ruru_buf_add(&ins, E->src + ind_from, ind);
		if (!found)
			ruru_buf_add(&ins, "    ", 4);
		lit_at = ins.len;
		ruru_buf_add(&ins, E->littext, E->litlen);
		ruru_buf_addstr(&ins, E->eol);
		at = pos;
	} else {
		size_t c = skip_fill(E, av->l_end, close);
		bool comma = c < close && E->src[c] == ',';
		if (!av->multi || !has_nl(E, av->l_end, close)) {
			/* one line, or the last element shares its line with ']' */
			const char *sep = ", ";
			size_t seplen = 2;
			if (av->n >= 2 && !av->multi &&
			    memchr(E->src + av->p_end, ',', av->l_start - av->p_end)) {
				sep = E->src + av->p_end;
				seplen = av->l_start - av->p_end;
			}
			ruru_buf_add(&ins, sep, seplen);
			lit_at = ins.len;
			ruru_buf_add(&ins, E->littext, E->litlen);
			at = av->l_end;
		} else {
			size_t lsL = line_start(E, av->l_start);
			size_t ind_from = lsL, ind = indent_len(E, lsL);
			if (!blank(E->src, lsL, av->l_start)) {
				size_t lsF = line_start(E, av->f_start);
				if (blank(E->src, lsF, av->f_start)) {
					ind_from = lsF;
					ind = av->f_start - lsF;
				} else {
					ind_from = ls_key;
					ind = indent_len(E, ls_key);
				}
			}
			ruru_buf_add(&ins, E->src + ind_from, ind);
			if (ind_from == ls_key && !blank(E->src, lsL, av->l_start))
				ruru_buf_add(&ins, "    ", 4);
			lit_at = ins.len;
			ruru_buf_add(&ins, E->littext, E->litlen);
			if (comma) {
				ruru_buf_addch(&ins, ',');
				at = line_after(E, c);
			} else {
				/* a comma right after the last element, before its comment */
				at = line_after(E, av->l_end);
				comma_at = av->l_end;
			}
			ruru_buf_addstr(&ins, E->eol);
		}
	}
	if (memchr(ins.ptr, '\n', ins.len))
		av->multi = true;
	if (comma_at != (size_t)-1) {
		buf_insert(w, comma_at, ",", 1);
		at++;
	}
	buf_insert(w, at, ins.ptr, ins.len);
	av->l_start = at + lit_at;
	av->close = w->len;
done:
	if (av->n == 0)
		av->f_start = av->l_start;
	else
		av->p_end = av->l_end;
	av->l_end = av->l_start + E->litlen;
	av->n++;
	E->src = w->ptr;
	E->len = w->len;
	ruru_buf_release(&ins);
}

int ruru_toml_edit_array_append_many(struct ruru_buf *out, const char *src, size_t len,
				     const char *path, const char *const *literals,
				     const size_t *litlens, size_t n, struct ruru_error *err)
{
	struct edit E;
	int rc = edit_begin(&E, src, len, path, err);
	size_t cnt = n ? n : 1;
	struct ruru_toml **docs = ruru_xrealloc(NULL, cnt * sizeof(*docs));
	const struct ruru_toml_value **lits = ruru_xrealloc(NULL, cnt * sizeof(*lits));
	const char **texts = ruru_xrealloc(NULL, cnt * sizeof(*texts));
	size_t *tlens = ruru_xrealloc(NULL, cnt * sizeof(*tlens));
	size_t parsed = 0;
	for (; parsed < n && rc == 0; parsed++) {
		rc = parse_literal(&E, literals[parsed], litlens[parsed], err);
		docs[parsed] = E.litdoc;
		lits[parsed] = E.lit;
		texts[parsed] = E.littext;
		tlens[parsed] = E.litlen;
		E.litdoc = NULL;
	}
	const struct ruru_toml_value *v = rc == 0 ? array_target(&E, path, err) : NULL;
	ruru_buf_reset(out);
	if (!v)
		rc = -1;
	if (rc == 0) {
		const struct toml_array *a = v->u.arr;
		struct aview av = { .open = v->start, .close = v->end - 1, .n = a->len };
		av.multi = has_nl(&E, av.open, av.close);
		if (a->len) {
			av.f_start = a->items[0].start;
			av.l_start = a->items[a->len - 1].start;
			av.l_end = a->items[a->len - 1].end;
		}
		if (a->len >= 2)
			av.p_end = a->items[a->len - 2].end;
		struct ruru_buf w = RURU_BUF_INIT;
		ruru_buf_init(&w);
		ruru_buf_grow(&w, len);
		ruru_buf_add(&w, src, av.close);
		E.src = w.ptr;
		E.len = w.len;
		for (size_t i = 0; i < n; i++) {
			E.littext = texts[i];
			E.litlen = tlens[i];
			append_step(&E, &av, &w);
		}
		size_t close = v->end - 1;
		ruru_buf_add(&w, src + close, len - close);
		E.src = src;
		E.len = len;
		ruru_buf_release(out);
		*out = w;
		E.lits = lits;
		E.nlits = n;
		rc = finish(&E, OP_APPEND, 0, out, err);
	}
	for (size_t i = 0; i < parsed; i++)
		ruru_toml_free(docs[i]);
	free(docs);
	free(lits);
	free(texts);
	free(tlens);
	edit_release(&E);
	return rc;
}

int ruru_toml_edit_array_append(struct ruru_buf *out, const char *src, size_t len, const char *path,
				const char *literal, size_t litlen, struct ruru_error *err)
{
	return ruru_toml_edit_array_append_many(out, src, len, path, &literal, &litlen, 1, err);
}

int ruru_toml_edit_array_remove(struct ruru_buf *out, const char *src, size_t len, const char *path,
				size_t index, struct ruru_error *err)
{
	struct edit E;
	int rc = edit_begin(&E, src, len, path, err);
	const struct ruru_toml_value *v = rc == 0 ? array_target(&E, path, err) : NULL;
	if (!v) {
		ruru_buf_reset(out);
		edit_release(&E);
		return -1;
	}
	const struct toml_array *a = v->u.arr;
	if (index >= a->len) {
		uint32_t n = a->len;
		ruru_buf_reset(out);
		edit_release(&E);
		return ruru_error_set(err, RURU_ENOTFOUND, "array \"%s\" has no element %zu (it has %u)",
				      path, index, n);
	}
	const struct ruru_toml_value *el = &a->items[index];
	size_t close = v->end - 1;
	/* the end of the element with its comma, if the comma is on its line */
	size_t q = el->end;
	while (q < close && (E.src[q] == ' ' || E.src[q] == '\t'))
		q++;
	bool comma_here = q < close && E.src[q] == ',';
	size_t after = comma_here ? q + 1 : q;
	size_t r = after;
	while (r < close && (E.src[r] == ' ' || E.src[r] == '\t'))
		r++;
	size_t ls = line_start(&E, el->start);
	bool own_line = ls > v->start && blank(E.src, ls, el->start) && r < E.len &&
			(E.src[r] == '\n' || E.src[r] == '\r' || E.src[r] == '#');
	if (own_line) {
		splice(out, &E, ls, line_after(&E, r), "", 0);
	} else if (index > 0 && index + 1 == a->len &&
		   !memchr(E.src + a->items[index - 1].end, '#', el->start - a->items[index - 1].end)) {
		splice(out, &E, a->items[index - 1].end, el->end, "", 0);
	} else if (comma_here && index + 1 < a->len) {
		splice(out, &E, el->start, r < close && E.src[r] != '\n' && E.src[r] != '\r' ? r : after,
		       "", 0);
	} else if (a->len == 1) {
		splice(out, &E, el->start, after, "", 0);
	} else if (index > 0 && !has_nl(&E, a->items[index - 1].end, el->start)) {
		splice(out, &E, a->items[index - 1].end, el->end, "", 0);
	} else {
		ruru_buf_reset(out);
		edit_release(&E);
		return ruru_error_set(err, RURU_ECONFLICT,
				      "cannot remove element %zu of \"%s\" without touching its comments",
				      index, path);
	}
	rc = finish(&E, OP_AREMOVE, index, out, err);
	edit_release(&E);
	return rc;
}
