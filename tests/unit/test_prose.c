/* test_prose.c — the mode, task and type that the entry reader takes from
 * the prose of real logs (the templates' "Delegated task `TASK-...` to
 * `mode`", MDTM task files named by file name or path, "Completed TASK-..."
 * reports, "**Mode:**" and YAML blocks under an entry), over the log
 * tests/fixtures/prose/session_log.md, written for this test in those
 * forms.  Entries that name no task keep none.
 *
 * It also prints one line of figures: how many delegation and result
 * entries the fixture has, and how many were read with a task and with a
 * mode; and the same line for the compat corpus ($COMPAT_DIR, default
 * ../shared/compat-corpus) when it is beside the repository, as
 * "# figure: ..." (tests/run.sh shows such lines). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <jansson.h>

#include "ruru.h"
#include "entry.h"
#include "logfile.h"
#include "open.h"

#define FIXTURE "tests/fixtures/prose/session_log.md"

/* What each entry must read as: the start of its message, its type, its
 * mode and task (NULL: none), whether the type was guessed. */
static const struct want {
	const char *start;
	enum ruru_event type;
	const char *mode, *task;
} want[] = {
	{ "Delegated task `TASK-ARCH", RURU_EV_DELEGATION, "core-architect", "TASK-ARCH-20250601-100000" },
	{ "Received result from `core", RURU_EV_RESULT, "core-architect", "TASK-ARCH-20250601-100000" },
	{ "Delegated task to prime-txt", RURU_EV_DELEGATION, "prime-txt", NULL },
	{ "Received result from prime-txt", RURU_EV_RESULT, "prime-txt", NULL },
	{ "Delegated task TASK-DEV", RURU_EV_DELEGATION, "dev-react", "TASK-DEV-20250601-101000" },
	{ "Received result from dev-react/", RURU_EV_RESULT, "dev-react", "TASK-DEV-20250601-101000" },
	{ "project-manager: Delegated", RURU_EV_DELEGATION, "task-planner", NULL },
	{ "Created MDTM task `TASK-DB", RURU_EV_DELEGATION, "data-specialist", "TASK-DB-20250601-102000-Schema" },
	{ "qa-lead: Created new MDTM", RURU_EV_DELEGATION, "test-e2e", "TASK-QA-250601-1030" },
	{ "Coordinator: Created MDTM task file", RURU_EV_DELEGATION, NULL, "TASK-DOC-20250601-1040-Guide" },
	{ "Assigned TASK-UI", RURU_EV_DELEGATION, "dev-react", "TASK-UI-20250601-1042" },
	{ "Handed off TASK-OPS", RURU_EV_DELEGATION, "infra-specialist", "TASK-OPS-20250601-1043" },
	{ "\xF0\x9F\x93\x8B Created MDTM review task", RURU_EV_DELEGATION, NULL, "TASK-REV-20250601-104500" },
	{ "data-specialist: Completed", RURU_EV_RESULT, "data-specialist", "TASK-DB-20250601-102000-Schema" },
	{ "`test-e2e` completed", RURU_EV_RESULT, "test-e2e", "TASK-QA-250601-1030" },
	{ "**util-writer**: Completed", RURU_EV_RESULT, "util-writer", "TASK-DOC-20250601-1040-Guide" },
	{ "[design-diagramer] Completed", RURU_EV_RESULT, "design-diagramer", "TASK-DIAG-20250601-110200" },
	{ "Task TASK-PTXT", RURU_EV_RESULT, "prime-txt", "TASK-PTXT-250601110500" },
	{ "(ux-designer): Finished", RURU_EV_RESULT, "ux-designer", "TASK-UX-20250601-110700" },
	{ "Verified completion of step 2", RURU_EV_RESULT, NULL, "TASK-DOC-20250601-1040-Guide" },
	{ "Delegating the parser fix", RURU_EV_DELEGATION, "dev-python", "TASK-PY-20250601-111500" },
	{ "Delegation sent:", RURU_EV_DELEGATION, "dev-golang", "TASK-GO-20250601-112000" },
	{ "Delegated the cache work.", RURU_EV_DELEGATION, "dev-rust", "TASK-RS-20250601-112500" },
	{ "Received result for the cache", RURU_EV_RESULT, "dev-rust", "TASK-RS-20250601-112500" },
	{ "Delegation of the API client", RURU_EV_DELEGATION, "dev-go", "TASK-API-20250601-1132-Client" },
	/* a "---" YAML block under the entry is the entry's */
	{ "Received the result of the API", RURU_EV_RESULT, "dev-go", "TASK-API-20250601-1132-Client" },
	{ "Delegated to the frontend lead", RURU_EV_DELEGATION, NULL, NULL },
	{ "Used the `search` tool", RURU_EV_RESULT, NULL, NULL },
	/* "result" inside other words or sentences does not make a result */
	{ "Wrote notes on the test result", RURU_EV_UNKNOWN, NULL, NULL },
	/* a note on one task names it; one naming two names neither */
	{ "`dev-fixer`: Updated the checklist", RURU_EV_UNKNOWN, NULL, "TASK-FIX-20250601-1150" },
	{ "Compared TASK-A", RURU_EV_UNKNOWN, NULL, NULL },
	{ "Created MDTM task `TASK-DASH", RURU_EV_DELEGATION, "dev-python", "TASK-DASH-20250601-1205" },
	/* the task by its file's name, with a description after the ID */
	{ "Received `attempt_completion`", RURU_EV_RESULT, "dev-python", "TASK-DASH-20250601-1205-FixDashboard" },
	/* a "---" block: what happened is in its details */
	{ "actor: roo-commander", RURU_EV_RESULT, "dev-rust", "TASK-RS-20250601-112500" },
	{ "ux-designer: Updated MDTM task", RURU_EV_RESULT, NULL, "TASK-UX-20250601-110700" },
	{ "Task status of `TASK-WAIT", RURU_EV_UNKNOWN, NULL, "TASK-WAIT-20250601-1214" },
	{ "Preparing to update MDTM task", RURU_EV_UNKNOWN, NULL, "TASK-DOC-20250601-1040-Guide" },
};
#define NWANT (sizeof(want) / sizeof(want[0]))

struct figures {
	size_t entries, with_task, with_mode;
	size_t naming; /* of the entries, those whose text names a task ID */
};

/* Does the text hold "TASK-" and then letters and digits with a digit
 * among them (an MDTM task ID, by name, file name or path)? */
static bool names_task(const char *m)
{
	for (const char *p = m ? strstr(m, "TASK-") : NULL; p; p = strstr(p + 5, "TASK-"))
		for (const char *q = p + 5; (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
					    (*q >= '0' && *q <= '9') || *q == '-' || *q == '_';
		     q++)
			if (*q >= '0' && *q <= '9')
				return true;
	return false;
}

static void count(const struct ruru_entry *e, struct figures *f)
{
	if (e->type != RURU_EV_DELEGATION && e->type != RURU_EV_RESULT)
		return;
	f->entries++;
	f->with_task += e->task != NULL;
	f->with_mode += e->mode != NULL;
	f->naming += names_task(e->message);
}

static void print_figures(const char *what, const struct figures *f)
{
	printf("# %s: %zu delegation/result entries, %zu read with a task (%zu name one), %zu with a mode\n",
	       what, f->entries, f->with_task, f->naming, f->with_mode);
}

/* Read one log; count its entries into *f; hand them to the caller when
 * v is not NULL. */
static size_t read_log(const char *path, struct figures *f, struct ruru_entry **v)
{
	struct ruru_buf b;
	size_t body;
	struct ruru_entry *e;
	size_t n = log_file_entries(path, &b, &body, &e);
	for (size_t i = 0; i < n; i++)
		count(&e[i], f);
	ruru_buf_release(&b);
	if (v) {
		*v = e;
		return n;
	}
	for (size_t i = 0; i < n; i++)
		ruru_entry_release(&e[i]);
	free(e);
	return n;
}

static const char *name_of(const char *s)
{
	return s ? s : "(none)";
}

static void fixture_forms(void **state)
{
	(void)state;
	struct figures f = { 0 };
	struct ruru_entry *v;
	size_t n = read_log(FIXTURE, &f, &v);
	assert_int_equal(n, NWANT);
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		const struct want *w = &want[i];
		const struct ruru_entry *e = &v[i];
		bool ok = e->message && !strncmp(e->message, w->start, strlen(w->start)) &&
			  e->type == w->type && !strcmp(name_of(e->mode), name_of(w->mode)) &&
			  !strcmp(name_of(e->task), name_of(w->task));
		/* every field taken from prose says so */
		ok = ok && !!(e->fields_inferred & (1u << RURU_FIELD_MODE)) == (e->mode != NULL) &&
		     !!(e->fields_inferred & (1u << RURU_FIELD_TASK)) == (e->task != NULL);
		if (!ok) {
			print_message("line %zu: %s mode=%s task=%s inferred=%#x; want \"%s\" %s mode=%s task=%s\n",
				      e->line, name_of(ruru_event_name(e->type)), name_of(e->mode),
				      name_of(e->task), e->fields_inferred, w->start,
				      name_of(ruru_event_name(w->type)), name_of(w->mode), name_of(w->task));
			bad++;
		}
	}
	for (size_t i = 0; i < n; i++)
		ruru_entry_release(&v[i]);
	free(v);
	assert_int_equal(bad, 0);
	/* every delegation or result that names a task is read with it */
	assert_int_equal(f.with_task, f.naming);
	print_figures("prose fixture", &f);
}

/* The open items of the fixture: a delegation whose result names the task
 * by its file's name (ID and a description) is answered; one nothing
 * answers stays open. */
static void open_items_match_task_stems(void **state)
{
	(void)state;
	struct figures f = { 0 };
	struct ruru_entry *v;
	size_t n = read_log(FIXTURE, &f, &v);
	struct ruru_open *o = ruru_open_new();
	for (size_t i = 0; i < n; i++)
		ruru_open_feed(o, &v[i]);
	struct ruru_open_items *items = ruru_open_finish(o, NULL, "S", NULL, NULL);
	bool dash = false, rev = false;
	size_t i;
	for (i = 0; i < items->n; i++) {
		const char *task = items->v[i].task;
		dash |= task && !strncmp(task, "TASK-DASH-", 10);
		rev |= task && !strcmp(task, "TASK-REV-20250601-104500");
	}
	assert_false(dash);
	assert_true(rev);
	ruru_open_items_free(items);
	for (i = 0; i < n; i++)
		ruru_entry_release(&v[i]);
	free(v);
}

/* ------------------------------------------------ the corpus, when beside */

static struct figures corpus;
static size_t corpus_logs;

static int visit(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	if (flag == FTW_F && strcmp(path + ftw->base, "session_log.md") == 0) {
		read_log(path, &corpus, NULL);
		corpus_logs++;
	}
	return 0;
}

static void corpus_figures(void **state)
{
	(void)state;
	const char *d = getenv("COMPAT_DIR");
	struct stat st;
	if (!d || !*d)
		d = "../shared/compat-corpus";
	if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
		/* nothing to count (cmocka's TAP would report a skip as "not ok") */
		printf("# compat corpus: not beside the repository (%s), no figure\n", d);
		return;
	}
	assert_int_equal(nftw(d, visit, 16, FTW_PHYS), 0);
	assert_true(corpus_logs > 0);
	char what[64];
	snprintf(what, sizeof(what), "figure: compat corpus (%zu logs)", corpus_logs);
	print_figures(what, &corpus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixture_forms),
		cmocka_unit_test(open_items_match_task_stems),
		cmocka_unit_test(corpus_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
