/*
 * fuzz_toml_decode.c — libFuzzer target: any bytes decode or fail cleanly;
 * a document that decodes gives tagged JSON, and every span lies inside
 * the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ruru.h"

static void check_spans(const struct ruru_toml_value *v, size_t len, int depth)
{
	struct ruru_toml_span sp = ruru_toml_value_span(v);
	if (sp.start > sp.end || sp.end > len || depth > 1000)
		abort();
	if (ruru_toml_kind(v) == RURU_TOML_TABLE) {
		for (size_t i = 0; i < ruru_toml_table_len(v); i++) {
			struct ruru_toml_span ks = ruru_toml_key_span(v, i);
			if (ks.start > ks.end || ks.end > len)
				abort();
			check_spans(ruru_toml_table_at(v, i), len, depth + 1);
		}
	} else if (ruru_toml_kind(v) == RURU_TOML_ARRAY) {
		for (size_t i = 0; i < ruru_toml_array_len(v); i++)
			check_spans(ruru_toml_array_at(v, i), len, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruru_error err = { 0 };
	struct ruru_toml *doc = ruru_toml_parse((const char *)data, size, &err);
	if (!doc) {
		if (err.code != RURU_EINVALID || err.line < 1 || err.col < 1 || !err.msg[0])
			abort();
		return 0;
	}
	const struct ruru_toml_value *root = ruru_toml_root(doc);
	struct ruru_buf b = RURU_BUF_INIT;
	ruru_buf_init(&b);
	ruru_toml_to_tagged_json(root, &b);
	for (size_t i = 0; i < ruru_toml_table_len(root); i++)
		check_spans(ruru_toml_table_at(root, i), size, 0);
	ruru_buf_release(&b);
	ruru_toml_free(doc);
	return 0;
}
