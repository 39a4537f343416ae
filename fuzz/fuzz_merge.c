/*
 * fuzz_merge.c — libFuzzer target for ruru_merge_logs(): the input is split
 * into BASE, OURS and THEIRS at the first two separator
 * bytes 0xFF (never valid UTF-8), so seeds stay readable text.  The merge
 * must never crash, leak or read out of bounds, and must return 0 or 1;
 * a clean merge of a side with itself must give that side back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ruru.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	const char *part[3];
	size_t len[3];
	for (int i = 0; i < 3; i++) {
		const char *sep = i < 2 ? memchr(p, 0xFF, (size_t)(end - p)) : NULL;
		const char *stop = sep ? sep : end;
		part[i] = p;
		len[i] = (size_t)(stop - p);
		p = sep ? sep + 1 : end;
	}
	struct ruru_buf out;
	struct ruru_error err = { 0 };
	ruru_buf_init(&out);
	int rc = ruru_merge_logs(part[0], len[0], part[1], len[1], part[2], len[2], &out, &err);
	if (rc != 0 && rc != 1)
		abort();
	rc = ruru_merge_logs(part[0], len[0], part[1], len[1], part[1], len[1], &out, &err);
	if (rc != 0 || out.len != len[1] || (len[1] && memcmp(out.ptr, part[1], len[1])))
		abort();
	ruru_buf_release(&out);
	return 0;
}
