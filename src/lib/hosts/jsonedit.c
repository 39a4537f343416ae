/*
 * jsonedit.c — format-preserving edits of JSON/JSONC configuration files
 * (see jsonedit.h).  The parser is a small recursive descent over the
 * bytes that validates the grammar (RFC 8259; with `comments` also // and
 * block comments and trailing commas, as JSONC files such as VS Code's and
 * Kilo's allow) and records every value's span.  Edits are splices; after
 * each one the text is parsed again, so node indexes never go stale in
 * the middle of an edit and a splice that broke the grammar is caught.
 */
#include <string.h>
#include <stdlib.h>

#include <jansson.h>

#include "jsonedit.h"
#include "text.h"
#include "alloc.h"
#include "banned.h"

#define MAX_DEPTH 256

struct jparser {
	struct ruru_jdoc *d;
	const char *s;
	size_t len, pos;
	int depth;
	struct ruru_error *err;
};

static int jfail(struct jparser *p, const char *what)
{
	int line, col;
	ruru_text_position(p->s, p->pos, &line, &col);
	ruru_error_set(p->err, RURU_EINVALID, "%s", what);
	if (p->err) {
		p->err->line = line;
		p->err->col = col;
	}
	return -1;
}

static int skip_space(struct jparser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			p->pos++;
		} else if (p->d->comments && c == '/' && p->pos + 1 < p->len && p->s[p->pos + 1] == '/') {
			while (p->pos < p->len && p->s[p->pos] != '\n')
				p->pos++;
		} else if (p->d->comments && c == '/' && p->pos + 1 < p->len && p->s[p->pos + 1] == '*') {
			const char *e = memmem(p->s + p->pos + 2, p->len - p->pos - 2, "*/", 2);
			if (!e)
				return jfail(p, "unterminated comment");
			p->pos = (size_t)(e - p->s) + 2;
		} else {
			break;
		}
	}
	return 0;
}

static int new_node(struct jparser *p, enum ruru_jtype type, int parent)
{
	struct ruru_jdoc *d = p->d;
	if (d->nnodes == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 32;
		d->nodes = ruru_xrealloc(d->nodes, d->cap * sizeof(*d->nodes));
	}
	int i = (int)d->nnodes++;
	d->nodes[i] = (struct ruru_jnode){ .type = type, .start = p->pos, .member = p->pos,
					   .parent = parent, .first = -1, .last = -1, .next = -1,
					   .prev = -1 };
	if (parent >= 0) {
		struct ruru_jnode *pn = &d->nodes[parent];
		if (pn->last >= 0) {
			d->nodes[pn->last].next = i;
			d->nodes[i].prev = pn->last;
		} else {
			pn->first = i;
		}
		pn->last = i;
		pn->count++;
	}
	return i;
}

static int parse_string(struct jparser *p)
{
	p->pos++; /* the opening quote */
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			return 0;
		}
		if (c < 0x20)
			return jfail(p, "control character in a string");
		if (c == '\\') {
			p->pos++;
			if (p->pos >= p->len)
				break;
			c = (unsigned char)p->s[p->pos];
			if (c == 'u') {
				for (int k = 1; k <= 4; k++)
					if (p->pos + (size_t)k >= p->len ||
					    !strchr("0123456789abcdefABCDEF", p->s[p->pos + (size_t)k]) ||
					    !p->s[p->pos + (size_t)k])
						return jfail(p, "expected four hex digits after \\u");
				p->pos += 4;
			} else if (!strchr("\"\\/bfnrt", c) || !c) {
				return jfail(p, "invalid escape in a string");
			}
		}
		p->pos++;
	}
	return jfail(p, "unterminated string");
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(struct jparser *p)
{
	const char *s = p->s;
	if (s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len || !is_digit(s[p->pos]))
		return jfail(p, "expected a digit");
	if (s[p->pos] == '0')
		p->pos++;
	else
		while (p->pos < p->len && is_digit(s[p->pos]))
			p->pos++;
	if (p->pos < p->len && s[p->pos] == '.') {
		p->pos++;
		if (p->pos >= p->len || !is_digit(s[p->pos]))
			return jfail(p, "expected a digit after '.'");
		while (p->pos < p->len && is_digit(s[p->pos]))
			p->pos++;
	}
	if (p->pos < p->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (s[p->pos] == '+' || s[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || !is_digit(s[p->pos]))
			return jfail(p, "expected a digit in the exponent");
		while (p->pos < p->len && is_digit(s[p->pos]))
			p->pos++;
	}
	return 0;
}

static int parse_value(struct jparser *p, int parent, size_t member, size_t ks, size_t ke);

/* Members or elements up to `close`; `object` says which. */
static int parse_container(struct jparser *p, int self, bool object, char close)
{
	p->pos++;
	if (++p->depth > MAX_DEPTH)
		return jfail(p, "nested too deeply");
	if (skip_space(p) < 0)
		return -1;
	bool first = true;
	for (;;) {
		if (p->pos >= p->len)
			return jfail(p, object ? "expected '}'" : "expected ']'");
		if (p->s[p->pos] == close)
			break;
		if (!first) {
			if (p->s[p->pos] != ',')
				return jfail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
			p->pos++;
			if (skip_space(p) < 0)
				return -1;
			if (p->pos < p->len && p->s[p->pos] == close) {
				if (!p->d->comments)
					return jfail(p, "trailing comma");
				break;
			}
		}
		first = false;
		size_t member = p->pos, ks = 0, ke = 0;
		if (object) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return jfail(p, "expected a string key");
			ks = p->pos;
			if (parse_string(p) < 0)
				return -1;
			ke = p->pos;
			if (skip_space(p) < 0)
				return -1;
			if (p->pos >= p->len || p->s[p->pos] != ':')
				return jfail(p, "expected ':' after a key");
			p->pos++;
			if (skip_space(p) < 0)
				return -1;
		}
		if (parse_value(p, self, member, ks, ke) < 0)
			return -1;
		if (skip_space(p) < 0)
			return -1;
	}
	p->pos++;
	p->depth--;
	return 0;
}

static int parse_value(struct jparser *p, int parent, size_t member, size_t ks, size_t ke)
{
	if (p->pos >= p->len)
		return jfail(p, "expected a value");
	char c = p->s[p->pos];
	enum ruru_jtype t = c == '{' ? RURU_J_OBJECT : c == '[' ? RURU_J_ARRAY
			  : c == '"' ? RURU_J_STRING : (c == '-' || is_digit(c)) ? RURU_J_NUMBER
			  : RURU_J_LITERAL;
	int self = new_node(p, t, parent);
	p->d->nodes[self].member = member;
	p->d->nodes[self].key_start = ks;
	p->d->nodes[self].key_end = ke;
	int rc;
	switch (t) {
	case RURU_J_OBJECT:
		rc = parse_container(p, self, true, '}');
		break;
	case RURU_J_ARRAY:
		rc = parse_container(p, self, false, ']');
		break;
	case RURU_J_STRING:
		rc = parse_string(p);
		break;
	case RURU_J_NUMBER:
		rc = parse_number(p);
		break;
	default: {
		static const char *const words[] = { "true", "false", "null" };
		rc = -1;
		for (int i = 0; i < 3 && rc < 0; i++) {
			size_t n = strlen(words[i]);
			if (p->len - p->pos >= n && !memcmp(p->s + p->pos, words[i], n)) {
				p->pos += n;
				rc = 0;
			}
		}
		if (rc < 0)
			rc = jfail(p, "expected a value");
	}
	}
	if (rc < 0)
		return -1;
	p->d->nodes[self].end = p->pos;
	return self;
}

/* The white space that starts the line holding byte `at` (up to `at`). */
static size_t line_indent(const char *s, size_t at, size_t *start)
{
	size_t b = at;
	while (b > 0 && s[b - 1] != '\n')
		b--;
	size_t e = b;
	while (e < at && (s[e] == ' ' || s[e] == '\t'))
		e++;
	*start = b;
	return e - b;
}

static int parse_text(struct ruru_jdoc *d, struct ruru_error *err)
{
	d->nnodes = 0;
	struct jparser p = { .d = d, .s = d->text.ptr ? d->text.ptr : "", .len = d->text.len,
			     .err = err };
	size_t bom = p.len >= 3 && !memcmp(p.s, "\xEF\xBB\xBF", 3) ? 3 : 0;
	p.pos = bom;
	if (skip_space(&p) < 0)
		return -1;
	d->root = parse_value(&p, -1, p.pos, 0, 0);
	if (d->root < 0 || skip_space(&p) < 0)
		return -1;
	if (p.pos != p.len)
		return jfail(&p, "unexpected text after the JSON value");
	const char *nl = memchr(p.s, '\n', p.len);
	d->eol = nl && nl > p.s && nl[-1] == '\r' ? "\r\n" : "\n";
	/* One level of indentation: that of the root's first member on a line
	 * of its own. */
	memcpy(d->indent, "  ", 3);
	if (d->nodes[d->root].first >= 0) {
		size_t ls, n = line_indent(p.s, d->nodes[d->nodes[d->root].first].member, &ls);
		if (n > 0 && n < sizeof(d->indent) && ls + n == d->nodes[d->nodes[d->root].first].member) {
			memcpy(d->indent, p.s + ls, n);
			d->indent[n] = '\0';
		}
	}
	return 0;
}

int ruru_jdoc_parse(struct ruru_jdoc *d, const char *text, size_t len, bool comments,
		    struct ruru_error *err)
{
	memset(d, 0, sizeof(*d));
	ruru_buf_init(&d->text);
	ruru_buf_add(&d->text, text, len);
	d->comments = comments;
	if (parse_text(d, err) < 0) {
		ruru_jdoc_release(d);
		return -1;
	}
	return 0;
}

void ruru_jdoc_release(struct ruru_jdoc *d)
{
	ruru_buf_release(&d->text);
	free(d->nodes);
	d->nodes = NULL;
	d->nnodes = d->cap = 0;
}

int ruru_jdoc_get(const struct ruru_jdoc *d, int obj, const char *key)
{
	if (obj < 0 || d->nodes[obj].type != RURU_J_OBJECT)
		return -1;
	int found = -1;
	for (int i = d->nodes[obj].first; i >= 0; i = d->nodes[i].next) {
		const struct ruru_jnode *n = &d->nodes[i];
		json_t *k = json_loadb(d->text.ptr + n->key_start, n->key_end - n->key_start,
				       JSON_DECODE_ANY, NULL);
		if (k && !strcmp(json_string_value(k), key))
			found = i;
		json_decref(k);
	}
	return found;
}

/* Copy [s, s+len) without comments (pass 0) or without trailing commas
 * (pass 1), leaving strings alone. */
static void strip_pass(const char *s, size_t len, int pass, struct ruru_buf *b)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"') {
			size_t j = i + 1;
			while (j < len && s[j] != '"')
				j += s[j] == '\\' ? 2 : 1;
			ruru_buf_add(b, s + i, (j < len ? j + 1 : len) - i);
			i = j;
		} else if (pass == 0 && s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
			while (i + 1 < len && s[i + 1] != '\n')
				i++;
		} else if (pass == 0 && s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			const char *e = memmem(s + i + 2, len - i - 2, "*/", 2);
			i = e ? (size_t)(e - s) + 1 : len;
		} else if (pass == 1 && s[i] == ',') {
			size_t j = i + 1;
			while (j < len && strchr(" \t\r\n", s[j]))
				j++;
			if (j >= len || (s[j] != '}' && s[j] != ']'))
				ruru_buf_addch(b, ',');
		} else {
			ruru_buf_addch(b, s[i]);
		}
	}
}

/* A JSONC span is first freed of comments and trailing commas, so that
 * jansson can read it. */
json_t *ruru_jdoc_value(const struct ruru_jdoc *d, int n)
{
	const struct ruru_jnode *nd = &d->nodes[n];
	const char *s = d->text.ptr + nd->start;
	size_t len = nd->end - nd->start;
	if (!d->comments)
		return json_loadb(s, len, JSON_DECODE_ANY, NULL);
	struct ruru_buf b0, b1;
	ruru_buf_init(&b0);
	ruru_buf_init(&b1);
	strip_pass(s, len, 0, &b0);
	strip_pass(b0.ptr, b0.len, 1, &b1);
	json_t *v = json_loadb(b1.ptr, b1.len, JSON_DECODE_ANY, NULL);
	ruru_buf_release(&b0);
	ruru_buf_release(&b1);
	return v;
}

static bool scalar(json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

void ruru_jdoc_render(struct ruru_buf *out, json_t *v, const char *base, const char *indent,
		      const char *eol)
{
	struct ruru_buf inner = RURU_BUF_INIT;
	ruru_buf_addf(&inner, "%s%s", base, indent);
	if (json_is_object(v) && json_object_size(v)) {
		const char *k;
		json_t *x;
		size_t i = 0, n = json_object_size(v);
		ruru_buf_addch(out, '{');
		json_object_foreach(v, k, x) {
			json_t *ks = json_string(k);
			char *kd = json_dumps(ks, JSON_ENCODE_ANY);
			ruru_buf_addf(out, "%s%s%s: ", eol, inner.ptr, kd);
			free(kd);
			json_decref(ks);
			ruru_jdoc_render(out, x, inner.ptr, indent, eol);
			if (++i < n)
				ruru_buf_addch(out, ',');
		}
		ruru_buf_addf(out, "%s%s}", eol, base);
	} else if (json_is_array(v) && json_array_size(v)) {
		bool flat = true;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) flat = flat && scalar(x);
		ruru_buf_addch(out, '[');
		json_array_foreach(v, i, x) {
			if (flat) {
				ruru_buf_addstr(out, i ? ", " : "");
			} else {
				ruru_buf_addf(out, "%s%s%s", i ? "," : "", eol, inner.ptr);
			}
			ruru_jdoc_render(out, x, inner.ptr, indent, eol);
		}
		if (!flat)
			ruru_buf_addf(out, "%s%s", eol, base);
		ruru_buf_addch(out, ']');
	} else {
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		ruru_buf_addstr(out, s ? s : "null");
		free(s);
	}
	ruru_buf_release(&inner);
}

/* Replace [start, end) by `with` and parse again. */
static int splice(struct ruru_jdoc *d, size_t start, size_t end, const char *with, size_t wlen,
		  struct ruru_error *err)
{
	struct ruru_buf t = RURU_BUF_INIT;
	ruru_buf_add(&t, d->text.ptr, start);
	ruru_buf_add(&t, with, wlen);
	ruru_buf_add(&t, d->text.ptr + end, d->text.len - end);
	ruru_buf_release(&d->text);
	d->text = t;
	if (parse_text(d, err) < 0)
		return ruru_error_set(err, RURU_EFAIL, "internal error: an edit broke the JSON");
	return 0;
}

/* The indentation string of the line holding byte `at`. */
static void indent_of(const struct ruru_jdoc *d, size_t at, struct ruru_buf *out)
{
	size_t ls, n = line_indent(d->text.ptr, at, &ls);
	ruru_buf_reset(out);
	ruru_buf_add(out, d->text.ptr + ls, n);
	if (!out->ptr)
		ruru_buf_addstr(out, "");
}

/* Insert an item (already rendered for indentation `ind`) into container
 * `c`, after its last item. */
/* From `p`, blanks and comments up to the end of that line (before its
 * line break), when a comment is there; else `p`. */
static size_t comment_line_end(const struct ruru_jdoc *d, size_t p, size_t limit)
{
	const char *t = d->text.ptr;
	size_t q = p;
	bool comment = false;
	while (q < limit) {
		if (t[q] == ' ' || t[q] == '\t') {
			q++;
		} else if (d->comments && q + 1 < limit && t[q] == '/' && t[q + 1] == '/') {
			const char *nl = memchr(t + q, '\n', limit - q);
			q = nl ? (size_t)(nl - t) : limit;
			comment = true;
		} else if (d->comments && q + 1 < limit && t[q] == '/' && t[q + 1] == '*') {
			const char *e = memmem(t + q + 2, limit - q - 2, "*/", 2);
			if (!e || memchr(t + q, '\n', (size_t)(e - (t + q))))
				break;
			q = (size_t)(e - t) + 2;
			comment = true;
		} else {
			break;
		}
	}
	if (!comment)
		return p;
	if (q > p && t[q - 1] == '\r')
		q--;
	return q;
}

static int insert_item(struct ruru_jdoc *d, int c, const char *key, json_t *v,
		       struct ruru_error *err)
{
	struct ruru_buf ind = RURU_BUF_INIT, base = RURU_BUF_INIT, ins = RURU_BUF_INIT;
	const struct ruru_jnode *cn = &d->nodes[c];
	size_t at, keep_from = (size_t)-1, at_end = 0;
	bool multiline, trailing = false;
	indent_of(d, cn->member, &base);
	if (cn->last >= 0) {
		const struct ruru_jnode *ln = &d->nodes[cn->last];
		size_t ls;
		size_t n = line_indent(d->text.ptr, ln->member, &ls);
		multiline = ls + n == ln->member && ls > cn->start;
		indent_of(d, ln->member, &ind);
		at = ln->end;
		/* A JSONC trailing comma after the last item stays where it is. */
		size_t q = at;
		while (q < cn->end && strchr(" \t\r\n", d->text.ptr[q]))
			q++;
		bool comma = q < cn->end && d->text.ptr[q] == ',';
		if (comma)
			at = q + 1;
		trailing = comma;
		ruru_buf_addstr(&ins, comma ? "" : ",");
		/* A comment at the end of the last item's line stays on that
		 * line, with that item: the new one goes on the next line. */
		size_t eolc = multiline ? comment_line_end(d, at, cn->end) : at;
		if (eolc > at) {
			ruru_buf_add(&ins, d->text.ptr + at, eolc - at);
			keep_from = at;
			at_end = eolc;
		}
		if (multiline)
			ruru_buf_addf(&ins, "%s%s", d->eol, ind.ptr);
		else
			ruru_buf_addch(&ins, ' ');
	} else {
		ruru_buf_addf(&ind, "%s%s", base.ptr, d->indent);
		multiline = true;
		at = cn->start + 1;
		ruru_buf_addf(&ins, "%s%s", d->eol, ind.ptr);
	}
	if (key) {
		json_t *ks = json_string(key);
		char *kd = json_dumps(ks, JSON_ENCODE_ANY);
		ruru_buf_addf(&ins, "%s: ", kd);
		free(kd);
		json_decref(ks);
	}
	ruru_jdoc_render(&ins, v, multiline ? ind.ptr : "", d->indent, d->eol);
	if (trailing)
		ruru_buf_addch(&ins, ','); /* keep the file's trailing-comma style */
	size_t end = at;
	if (keep_from != (size_t)-1)
		end = at_end;
	if (cn->last < 0) {
		/* An empty container: what stood between the brackets was only
		 * white space (or comments, which stay in front). */
		bool blank = true;
		for (size_t i = cn->start + 1; i + 1 < cn->end; i++)
			blank = blank && strchr(" \t\r\n", d->text.ptr[i]);
		if (blank)
			end = cn->end - 1;
		else
			at = end = cn->end - 1;
		ruru_buf_addf(&ins, "%s%s", d->eol, base.ptr);
	}
	int rc = splice(d, at, end, ins.ptr, ins.len, err);
	ruru_buf_release(&ind);
	ruru_buf_release(&base);
	ruru_buf_release(&ins);
	return rc;
}

int ruru_jdoc_set(struct ruru_jdoc *d, int obj, const char *key, json_t *v,
		  struct ruru_error *err)
{
	int m = ruru_jdoc_get(d, obj, key);
	if (m < 0)
		return insert_item(d, obj, key, v, err);
	struct ruru_buf ind = RURU_BUF_INIT, out = RURU_BUF_INIT;
	indent_of(d, d->nodes[m].member, &ind);
	ruru_jdoc_render(&out, v, ind.ptr, d->indent, d->eol);
	int rc = splice(d, d->nodes[m].start, d->nodes[m].end, out.ptr, out.len, err);
	ruru_buf_release(&ind);
	ruru_buf_release(&out);
	return rc;
}

int ruru_jdoc_append(struct ruru_jdoc *d, int arr, json_t *v, struct ruru_error *err)
{
	return insert_item(d, arr, NULL, v, err);
}

int ruru_jdoc_remove(struct ruru_jdoc *d, int n, struct ruru_error *err)
{
	const struct ruru_jnode *nd = &d->nodes[n];
	const struct ruru_jnode *pn = &d->nodes[nd->parent];
	size_t start, end;
	if (nd->prev >= 0) {
		start = d->nodes[nd->prev].end;
		end = nd->end;
		/* A comment at the end of the line before stays there. */
		size_t c0 = start;
		while (c0 < nd->member && strchr(" \t", d->text.ptr[c0]))
			c0++;
		size_t after = c0 < nd->member && d->text.ptr[c0] == ',' ? c0 + 1 : c0;
		size_t ce = comment_line_end(d, after, nd->member);
		if (nd->next < 0 && ce > after && c0 < nd->member && d->text.ptr[c0] == ',') {
			size_t q = end;
			while (q < pn->end && strchr(" \t\r\n", d->text.ptr[q]))
				q++;
			if (q < pn->end && d->text.ptr[q] == ',') /* JSONC: its own comma goes */
				return splice(d, ce, q + 1, "", 0, err);
			struct ruru_buf keep = RURU_BUF_INIT;
			ruru_buf_add(&keep, d->text.ptr + start, c0 - start);
			ruru_buf_add(&keep, d->text.ptr + after, ce - after);
			int rc = splice(d, start, end, keep.ptr ? keep.ptr : "", keep.len, err);
			ruru_buf_release(&keep);
			return rc;
		}
		/* A last item with a trailing comma (JSONC) goes with it, and the
		 * comma after the item before it stays. */
		size_t q = end;
		while (q < pn->end && strchr(" \t\r\n", d->text.ptr[q]))
			q++;
		if (nd->next < 0 && q < pn->end && d->text.ptr[q] == ',') {
			const char *c = memchr(d->text.ptr + start, ',', nd->member - start);
			if (c) {
				start = (size_t)(c - d->text.ptr) + 1;
				end = q + 1;
			}
		}
		/* Its own trailing comma when it was followed by another item. */
		if (nd->next >= 0) {
			start = nd->member;
			end = d->nodes[nd->next].member;
		}
	} else if (nd->next >= 0) {
		start = nd->member;
		end = d->nodes[nd->next].member;
	} else {
		start = pn->start + 1;
		end = pn->end - 1;
	}
	return splice(d, start, end, "", 0, err);
}
