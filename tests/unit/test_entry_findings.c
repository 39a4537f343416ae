/* test_entry_findings.c — what fuzz/fuzz_entry.c found in the log reader,
 * kept fixed (the inputs themselves are in fuzz/regressions/fuzz_entry/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ruru.h"
#include "entry.h"

/* A field value holding a NUL was read as ruru's own format, but the value
 * (a C string) stopped at the NUL, so rendering the entry did not give its
 * bytes back (doc/design.md §2 rule 4).  Such an entry is read leniently. */
static void field_with_nul_is_not_strict(void **state)
{
	(void)state;
	static const char one[] = "- [2026-11-24 03:15:20Z] **note** \xC2\xB7 mode `a\0b`: text\n";
	struct ruru_entry e;
	if (ruru_entry_parse_strict(one, sizeof(one) - 1, "\n", &e)) {
		ruru_entry_release(&e);
		fail_msg("a field holding a NUL was read as strict");
	}

	static const char log[] = "+++\nid = \"S\"\n+++\n\n## Log Entries\n\n"
				  "- [2026-11-24 03:15:20Z] **note** \xC2\xB7 mode `a\0b`: text\n";
	struct ruru_frontmatter fm;
	assert_true(ruru_frontmatter_split(log, sizeof(log) - 1, &fm));
	struct ruru_entry *v;
	size_t n = ruru_entries_parse(log, sizeof(log) - 1, fm.body, &v);
	assert_int_equal(n, 1);
	assert_false(v[0].strict);
	ruru_entry_release(&v[0]);
	free(v);

	/* a field without a NUL stays strict and round-trips */
	static const char ok[] = "- [2026-11-24 03:15:20Z] **note** \xC2\xB7 mode `ab`: text\n";
	assert_true(ruru_entry_parse_strict(ok, sizeof(ok) - 1, "\n", &e));
	struct ruru_buf r = RURU_BUF_INIT;
	ruru_entry_render(&r, &e, "\n");
	assert_int_equal(r.len, sizeof(ok) - 1);
	assert_memory_equal(r.ptr, ok, r.len);
	ruru_buf_release(&r);
	ruru_entry_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_with_nul_is_not_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
