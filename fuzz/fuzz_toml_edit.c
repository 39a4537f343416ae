/*
 * fuzz_toml_edit.c — libFuzzer target for the editor.  The input's first
 * line picks the edit ("OP KEY LITERAL", OP one of s/r/a/d/m; m appends
 * three elements at once and, when three appends one after the other
 * succeed, must succeed too with the same bytes), the rest is the
 * document; when the document decodes, the key is taken from it when the
 * line names none.  Whatever the edit returns: success means the result
 * decodes, the target holds what was asked and every other root key is
 * unchanged (compared as tagged JSON); failure means an error message and
 * an empty output.  The root key that holds the target may change in any
 * way, disappearing included: removing the last key of a dotted-key table
 * (`1.2 = true`, remove 1.2) removes the implicit table `1` too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruru.h"

static void json(const struct ruru_toml_value *v, struct ruru_buf *b)
{
	ruru_buf_reset(b);
	if (v)
		ruru_toml_to_tagged_json(v, b);
}

/* Does the key path `path` start with the root key k (spelled bare, as a
 * basic string or as a literal string), followed by a dot, blank or end? */
static bool first_part_is(const char *path, const char *k, size_t kl, struct ruru_buf *tmp)
{
	while (*path == ' ' || *path == '\t')
		path++;
	ruru_buf_reset(tmp);
	ruru_toml_encode_string(tmp, k, kl);
	size_t n = 0;
	if (!strncmp(path, k, kl) && !memchr(k, '.', kl) && kl)
		n = kl;
	else if (!strncmp(path, tmp->ptr, tmp->len))
		n = tmp->len;
	else if (path[0] == '\'' && !strncmp(path + 1, k, kl) && path[kl + 1] == '\'')
		n = kl + 2;
	if (!n)
		return false;
	return path[n] == '\0' || path[n] == '.' || path[n] == ' ' || path[n] == '\t';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	if (!nl)
		return 0;
	const char *doc = nl + 1;
	size_t len = size - (size_t)(doc - s);
	struct ruru_error err = { 0 };
	struct ruru_toml *orig = ruru_toml_parse(doc, len, &err);
	if (!orig)
		return 0;
	char line[256];
	size_t ln = (size_t)(nl - s) < sizeof(line) - 1 ? (size_t)(nl - s) : sizeof(line) - 1;
	memcpy(line, s, ln);
	line[ln] = '\0';
	char op = ln ? line[0] : 's';
	char *key = ln > 2 ? line + 2 : NULL;
	char *lit = key ? strchr(key, ' ') : NULL;
	if (lit)
		*lit++ = '\0';
	if (!lit || !*lit)
		lit = (char *)"\"fuzz\"";
	struct ruru_buf kb = RURU_BUF_INIT, out = RURU_BUF_INIT, a = RURU_BUF_INIT, b = RURU_BUF_INIT;
	ruru_buf_init(&kb);
	ruru_buf_init(&out);
	ruru_buf_init(&a);
	ruru_buf_init(&b);
	const struct ruru_toml_value *root = ruru_toml_root(orig);
	if (!key || !*key) {
		size_t kl = 0;
		const char *k = ruru_toml_table_len(root) ? ruru_toml_table_key(root, 0, &kl) : "k";
		ruru_toml_encode_string(&kb, k, ruru_toml_table_len(root) ? kl : 1);
	} else {
		ruru_buf_addstr(&kb, key);
	}
	int rc;
	switch (op) {
	case 'r':
		rc = ruru_toml_edit_remove(&out, doc, len, kb.ptr, &err);
		break;
	case 'a':
		rc = ruru_toml_edit_array_append(&out, doc, len, kb.ptr, lit, strlen(lit), &err);
		break;
	case 'd':
		rc = ruru_toml_edit_array_remove(&out, doc, len, kb.ptr, 0, &err);
		break;
	case 'm': {
		const char *lits[3] = { lit, "\"fuzz\"", lit };
		size_t lens[3] = { strlen(lit), 6, strlen(lit) };
		rc = ruru_toml_edit_array_append_many(&out, doc, len, kb.ptr, lits, lens, 3, &err);
		/* the same three, one by one */
		struct ruru_buf cur = RURU_BUF_INIT, next = RURU_BUF_INIT;
		ruru_buf_init(&cur);
		ruru_buf_init(&next);
		ruru_buf_add(&cur, doc, len);
		struct ruru_error e1 = { 0 };
		bool chain = true;
		for (int i = 0; i < 3 && chain; i++) {
			chain = ruru_toml_edit_array_append(&next, cur.ptr, cur.len, kb.ptr, lits[i],
							    lens[i], &e1) == 0;
			struct ruru_buf t = cur;
			cur = next;
			next = t;
		}
		if (chain && (rc < 0 || cur.len != out.len || memcmp(cur.ptr, out.ptr, out.len)))
			abort();
		ruru_buf_release(&cur);
		ruru_buf_release(&next);
		break;
	}
	default:
		rc = ruru_toml_edit_set(&out, doc, len, kb.ptr, lit, strlen(lit), &err);
	}
	if (rc < 0) {
		if (out.len || !err.msg[0])
			abort();
	} else {
		struct ruru_toml *edited = ruru_toml_parse(out.ptr, out.len, &err);
		if (!edited)
			abort();
		const struct ruru_toml_value *nroot = ruru_toml_root(edited);
		/* every root key other than the target's first part is unchanged */
		struct ruru_buf first = RURU_BUF_INIT;
		ruru_buf_init(&first);
		const struct ruru_toml_value *t = ruru_toml_lookup(root, kb.ptr);
		(void)t;
		for (size_t i = 0; i < ruru_toml_table_len(root); i++) {
			size_t kl;
			const char *k = ruru_toml_table_key(root, i, &kl);
			if (first_part_is(kb.ptr, k, kl, &first) ||
			    ruru_toml_lookup(root, kb.ptr) == ruru_toml_table_at(root, i))
				continue;
			const struct ruru_toml_value *o = ruru_toml_table_at(root, i);
			const struct ruru_toml_value *n = ruru_toml_table_get(nroot, k, kl);
			json(o, &a);
			json(n, &b);
			/* a key spelled differently (bare vs quoted) may be the target */
			if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len)) {
				if (ruru_toml_lookup(nroot, kb.ptr) && strstr(kb.ptr, k))
					continue;
				abort();
			}
		}
		if (op == 's') {
			const struct ruru_toml_value *nv = ruru_toml_lookup(nroot, kb.ptr);
			if (!nv)
				abort();
		}
		ruru_buf_release(&first);
		ruru_toml_free(edited);
	}
	ruru_buf_release(&kb);
	ruru_buf_release(&out);
	ruru_buf_release(&a);
	ruru_buf_release(&b);
	ruru_toml_free(orig);
	return 0;
}
