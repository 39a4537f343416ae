/*
 * test_store.c — the storage layer's guarantees, tested through the
 * library: atomic rewrites survive injected faults and SIGKILL, appends
 * from many processes under the lock lose nothing, locks time out and die
 * with their holder, safe paths refuse every way out of the base, SHA-256
 * matches known vectors.  Each test works in its own temp folder; forked
 * children report through their exit status only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ruru.h"
#include "store.h"

/* ---------------------------------------------------------------- helpers */

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	return s;
}

static void put_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void put_str(const char *path, const char *s)
{
	put_file(path, s, strlen(s));
}

/* The whole file; the caller frees .ptr with ruru_buf_release. */
static struct ruru_buf slurp(const char *path)
{
	struct ruru_buf b = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	ruru_buf_init(&b);
	assert_int_equal(ruru_buf_read_file(&b, path, &err), 0);
	return b;
}

static void assert_file_is(const char *path, const void *data, size_t len)
{
	struct ruru_buf b = slurp(path);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.ptr, data, len);
	ruru_buf_release(&b);
}

/* Number of names in `dir` (without . and ..). */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Remove leftover temp files ".NAME.XXXXXX" (after SIGKILLed writers). */
static void remove_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			char *p = xasprintf("%s/%s", dir, e->d_name);
			unlink(p);
			free(p);
		}
	}
	closedir(d);
}

static void set_fault(const char *v)
{
	ruru_store_fault_set(v);
}

/* The store every call below goes through: a root and its lock timeout. */
static struct ruru_store *S;

static void use_store(const char *root, const char *lock_timeout_ms)
{
	struct ruru_error err = { 0 };
	ruru_store_close(S);
	S = ruru_store_open(root, lock_timeout_ms, &err);
	assert_non_null(S);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Per-test fixture: a fresh folder, no fault, umask 022, cwd restored. */
struct fx {
	char *dir;
	char *cwd;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *t = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/ruru-store-XXXXXX", t && *t ? t : "/tmp");
	fx->dir = mkdtemp(tmpl);
	assert_non_null(fx->dir);
	/* compare against realpaths: TMPDIR may itself be a symlink */
	char *real = realpath(fx->dir, NULL);
	free(tmpl);
	fx->dir = real;
	fx->cwd = getcwd(NULL, 0);
	umask(022);
	set_fault(NULL);
	use_store(fx->dir, NULL);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	set_fault(NULL);
	ruru_store_close(S);
	S = NULL;
	if (chdir(fx->cwd) != 0)
		return -1;
	nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(fx->dir);
	free(fx->cwd);
	free(fx);
	return 0;
}

static uint64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Wait for a child; its exit status (or 128+signal). */
static int reap(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		assert_int_equal(errno, EINTR);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * fstat(2) made to fail: this test program's own definition comes before
 * the C library's for the library linked into it.  When armed, the next
 * call fails with EIO after scribbling on *st (a failed call promises
 * nothing about it), so code that still looks at it goes visibly wrong.
 */
static int fstat_fail_next;

int fstat(int fd, struct stat *st)
{
	if (fstat_fail_next) {
		fstat_fail_next = 0;
		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFIFO | 0600;
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fstat, fd, st);
}

/* ---------------------------------------------------------------- SHA-256 */

static void sha256_known_vectors(void **state)
{
	(void)state;
	char hex[65];
	ruru_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ruru_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* ----------------------------------------------------------- atomic write */

static void atomic_write_replaces_and_keeps_mode(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	struct stat st;
	char *p = xasprintf("%s/doc.md", fx->dir);
	put_str(p, "old content\n");
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(ruru_store_write(S, p, "new\n", 4, 0600, &err), 0);
	assert_file_is(p, "new\n", 4);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(count_entries(fx->dir), 1);
	/* empty content is a valid document */
	assert_int_equal(ruru_store_write(S, p, "", 0, 0600, &err), 0);
	assert_file_is(p, "", 0);
	free(p);

	/* a new file gets mode & ~umask */
	p = xasprintf("%s/fresh", fx->dir);
	umask(027);
	assert_int_equal(ruru_store_write(S, p, "x", 1, 0666, &err), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	free(p);

	/* a path relative to the cwd, with no folder part */
	assert_int_equal(chdir(fx->dir), 0);
	assert_int_equal(ruru_store_write(S, "rel.txt", "r", 1, 0644, &err), 0);
	assert_file_is("rel.txt", "r", 1);

	/* a missing folder is reported, naming the file */
	p = xasprintf("%s/no/such/file", fx->dir);
	assert_int_equal(ruru_store_write(S, p, "x", 1, 0644, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	assert_string_equal(err.file, p);
	free(p);
}

static void atomic_write_faults_leave_old_file(void **state)
{
	struct fx *fx = *state;
	static const char *const steps[] = { "open", "write", "chmod", "fsync", "rename" };
	const char *old = "+++\nid = \"old\"\n+++\nold body\n";
	char *p = xasprintf("%s/session_log.md", fx->dir);
	/* big enough that a torn write is visibly partial */
	size_t n = 100000;
	char *big = malloc(n);
	memset(big, 'N', n);
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		struct ruru_error err = { 0 };
		put_str(p, old);
		set_fault(steps[i]);
		ruru_error_clear(&err);
		errno = 0;
		assert_int_equal(ruru_store_write(S, p, big, n, 0644, &err), -1);
		assert_int_equal(errno, EIO);
		assert_int_equal(err.code, RURU_EFAIL);
		assert_string_equal(err.file, p);
		assert_non_null(strstr(err.msg, "Input/output error"));
		assert_file_is(p, old, strlen(old));
		assert_int_equal(count_entries(fx->dir), 1); /* no temp file left */
		/* the fault fires once: the same call now succeeds */
		assert_int_equal(ruru_store_write(S, p, big, n, 0644, &err), 0);
		assert_file_is(p, big, n);
	}
	free(big);
	free(p);
}

static void atomic_write_dirsync_fault_is_reported(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	char *p = xasprintf("%s/doc", fx->dir);
	put_str(p, "old");
	set_fault("dirsync");
	assert_int_equal(ruru_store_write(S, p, "new", 3, 0644, &err), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(err.code, RURU_EFAIL);
	/* all or nothing: the old file was kept until the flush and is back */
	assert_file_is(p, "old", 3);
	assert_int_equal(count_entries(fx->dir), 1);
	/* a new name is taken back the same way */
	char *q = xasprintf("%s/fresh", fx->dir);
	set_fault("dirsync");
	assert_int_equal(ruru_store_write_new(S, q, "n", 1, 0644, &err), -1);
	assert_int_equal(access(q, F_OK), -1);
	set_fault("dirsync");
	assert_int_equal(ruru_store_write(S, q, "n", 1, 0644, &err), -1);
	assert_int_equal(access(q, F_OK), -1);
	assert_int_equal(count_entries(fx->dir), 1);
	free(q);
	free(p);
}

static void fault_counts_occurrences(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	char *p = xasprintf("%s/doc", fx->dir);
	set_fault("rename:2");
	assert_int_equal(ruru_store_write(S, p, "one", 3, 0644, &err), 0);
	assert_int_equal(ruru_store_write(S, p, "two", 3, 0644, &err), -1);
	assert_int_equal(ruru_store_write(S, p, "three", 5, 0644, &err), 0);
	assert_file_is(p, "three", 5);
	/* malformed values disable injection */
	static const char *const bad[] = { "rename:0", "rename:x", "rename:", ":1", "rename:1x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		set_fault(bad[i]);
		assert_int_equal(ruru_store_write(S, p, "ok", 2, 0644, &err), 0);
	}
	set_fault("bogus");
	assert_int_equal(ruru_store_fault("write"), 0);
	set_fault("write:3");
	assert_int_equal(ruru_store_fault("write"), 0);
	assert_int_equal(ruru_store_fault("fsync"), 0);
	assert_int_equal(ruru_store_fault("write"), 0);
	assert_int_equal(ruru_store_fault("write"), 1);
	assert_int_equal(ruru_store_fault("write"), 0);
	free(p);
}

/* -------------------------------------------------------------- write_new */

static void write_new_refuses_existing(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	struct stat st;
	char *p = xasprintf("%s/CONFIRM-x.md", fx->dir);
	assert_int_equal(ruru_store_write_new(S, p, "first", 5, 0666, &err), 0);
	assert_file_is(p, "first", 5);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_nlink, 1); /* the temp name is gone */
	ruru_error_clear(&err);
	assert_int_equal(ruru_store_write_new(S, p, "second", 6, 0666, &err), -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	assert_string_equal(err.msg, "already exists");
	assert_string_equal(err.file, p);
	assert_file_is(p, "first", 5);
	assert_int_equal(count_entries(fx->dir), 1);
	/* a dangling symlink is refused, never written through */
	char *l = xasprintf("%s/link", fx->dir);
	assert_int_equal(symlink("nowhere", l), 0);
	assert_int_equal(ruru_store_write_new(S, l, "x", 1, 0666, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_non_null(strstr(err.msg, "is a symbolic link to \"nowhere\""));
	free(l);
	free(p);

	/* faults: nothing appears, no temp file stays */
	static const char *const steps[] = { "open", "write", "fsync", "link" };
	p = xasprintf("%s/new", fx->dir);
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		set_fault(steps[i]);
		assert_int_equal(ruru_store_write_new(S, p, "data", 4, 0644, &err), -1);
		assert_int_equal(errno, EIO);
		assert_int_equal(err.code, RURU_EFAIL);
		assert_int_equal(access(p, F_OK), -1);
		assert_int_equal(count_entries(fx->dir), 2);
	}
	free(p);
}

/* ---------------------------------------------------------------- append */

static void append_adds_and_rolls_back(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	char *p = xasprintf("%s/log.md", fx->dir);
	const char *base = "+++\n+++\n- [2026-01-01 00:00:00Z] first";
	put_str(p, base);
	assert_int_equal(ruru_store_append(S, p, "\n- second\n", 10, &err), 0);
	struct ruru_buf want = RURU_BUF_INIT;
	ruru_buf_addf(&want, "%s\n- second\n", base);
	assert_file_is(p, want.ptr, want.len);

	/* a torn write and a failed fsync are both taken back */
	size_t n = 65536;
	char *rec = malloc(n);
	memset(rec, 'r', n);
	static const char *const steps[] = { "write", "fsync", "open" };
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		set_fault(steps[i]);
		assert_int_equal(ruru_store_append(S, p, rec, n, &err), -1);
		assert_int_equal(errno, EIO);
		assert_int_equal(err.code, RURU_EFAIL);
		assert_string_equal(err.file, p);
		assert_file_is(p, want.ptr, want.len);
	}
	set_fault(NULL);
	assert_int_equal(ruru_store_append(S, p, "", 0, &err), 0);
	assert_file_is(p, want.ptr, want.len);
	free(rec);
	ruru_buf_release(&want);
	free(p);

	p = xasprintf("%s/missing.md", fx->dir);
	assert_int_equal(ruru_store_append(S, p, "x", 1, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	assert_int_equal(access(p, F_OK), -1);
	free(p);
}

#define PROCS 16
#define RECORDS 200
#define RECLEN 32

static int append_child(const char *log, const char *lockfile, int id)
{
	struct ruru_error err = { 0 };
	char rec[RECLEN + 1];
	for (int i = 0; i < RECORDS; i++) {
		struct ruru_lock lock = RURU_LOCK_INIT;
		int n = snprintf(rec, sizeof(rec), "%02d:%03d:", id, i);
		memset(rec + n, 'a' + id, RECLEN - 1 - (size_t)n);
		rec[RECLEN - 1] = '\n';
		if (ruru_store_lock(S, &lock, lockfile, &err) < 0)
			return 10;
		if (ruru_store_append(S, log, rec, RECLEN, &err) < 0)
			return 11;
		ruru_lock_release(&lock);
	}
	return 0;
}

static void append_concurrent_processes_lose_nothing(void **state)
{
	struct fx *fx = *state;
	char *log = xasprintf("%s/session_log.md", fx->dir);
	char *lockfile = xasprintf("%s/.lock", fx->dir);
	pid_t pids[PROCS];
	put_str(log, "");
	use_store(fx->dir, "120000"); /* a busy machine is slow, not wrong */
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0)
			_exit(append_child(log, lockfile, p));
	}
	for (int p = 0; p < PROCS; p++)
		assert_int_equal(reap(pids[p]), 0);

	struct ruru_buf b = slurp(log);
	assert_int_equal(b.len, (size_t)PROCS * RECORDS * RECLEN);
	static bool seen[PROCS][RECORDS];
	memset(seen, 0, sizeof(seen));
	for (size_t off = 0; off < b.len; off += RECLEN) {
		const char *r = b.ptr + off;
		int id, i;
		assert_int_equal(sscanf(r, "%2d:%3d:", &id, &i), 2);
		assert_true(id >= 0 && id < PROCS && i >= 0 && i < RECORDS);
		for (size_t k = 7; k < RECLEN - 1; k++)
			assert_int_equal(r[k], 'a' + id); /* not torn */
		assert_int_equal(r[RECLEN - 1], '\n');
		assert_false(seen[id][i]); /* not doubled */
		seen[id][i] = true;
	}
	/* none lost: 3200 distinct records in 3200 slots */
	for (int p = 0; p < PROCS; p++)
		for (int i = 0; i < RECORDS; i++)
			assert_true(seen[p][i]);
	ruru_buf_release(&b);
	free(log);
	free(lockfile);
}

/* ------------------------------------------------------------------ locks */

/* Child: try the lock with a 100 ms bound; exit 0 when it times out as
 * documented. */
static int contender(const char *lockfile)
{
	struct ruru_lock lock = RURU_LOCK_INIT;
	struct ruru_error err = { 0 };
	char *root = strdup(ruru_store_root(S));
	use_store(root, "100");
	free(root);
	uint64_t t0 = ms_now();
	int rc = ruru_store_lock(S, &lock, lockfile, &err);
	uint64_t took = ms_now() - t0;
	if (rc != -1)
		return 1;
	if (err.code != RURU_ECONFLICT)
		return 2;
	if (!strstr(err.msg, "timed out waiting for lock \"") ||
	    !strstr(err.msg, "(held by another ruru process)") || strcmp(err.file, lockfile))
		return 3;
	if (took < 100 || took > 5000) /* generous: a bound, not a benchmark */
		return 4;
	if (lock.fd != -1)
		return 5;
	return 0;
}

static int taker(const char *lockfile)
{
	struct ruru_lock lock = RURU_LOCK_INIT;
	struct ruru_error err = { 0 };
	if (ruru_store_lock(S, &lock, lockfile, &err) < 0)
		return 1;
	ruru_lock_release(&lock);
	return 0;
}

static void lock_times_out_in_second_process(void **state)
{
	struct fx *fx = *state;
	struct ruru_lock lock = RURU_LOCK_INIT;
	struct ruru_error err = { 0 };
	char *lockfile = xasprintf("%s/.lock", fx->dir);
	assert_int_equal(ruru_store_lock(S, &lock, lockfile, &err), 0);
	assert_true(lock.fd >= 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(contender(lockfile));
	assert_int_equal(reap(pid), 0);
	ruru_lock_release(&lock);
	assert_int_equal(lock.fd, -1);
	ruru_lock_release(&lock); /* harmless twice */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(taker(lockfile));
	assert_int_equal(reap(pid), 0);
	free(lockfile);
}

static void lock_released_when_holder_killed(void **state)
{
	struct fx *fx = *state;
	struct ruru_lock lock = RURU_LOCK_INIT;
	struct ruru_error err = { 0 };
	char *lockfile = xasprintf("%s/sub/.lock", fx->dir);
	char *sub = xasprintf("%s/sub", fx->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (ruru_store_lock(S, &lock, lockfile, &err) < 0)
			_exit(1);
		if (write(fds[1], "x", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(fds[1]);
	char c;
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	use_store(fx->dir, "100");
	int rc = ruru_store_lock(S, &lock, lockfile, &err);
	/* kill before asserting: a failed assertion must not leave the child */
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(reap(pid), 128 + SIGKILL);
	assert_int_equal(rc, -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	ruru_lock_release(&lock);
	use_store(fx->dir, "10000");
	assert_int_equal(ruru_store_lock(S, &lock, lockfile, &err), 0);
	ruru_lock_release(&lock);
	free(lockfile);
	free(sub);
}

static void lock_timeout_is_parsed_strictly(void **state)
{
	struct fx *fx = *state;
	struct ruru_lock lock = RURU_LOCK_INIT;
	struct ruru_error err = { 0 };
	char *lockfile = xasprintf("%s/.lock", fx->dir);
	static const char *const bad[] = { "abc", "-1", "10ms", " 10", "1e3", "86400001",
					   "99999999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_null(ruru_store_open(fx->dir, bad[i], &err));
		assert_int_equal(err.code, RURU_EUSAGE);
		assert_non_null(strstr(err.msg, "RURU_LOCK_TIMEOUT_MS"));
	}
	/* 0: one try, which succeeds when nobody holds it */
	use_store(fx->dir, "0");
	assert_int_equal(ruru_store_lock(S, &lock, lockfile, &err), 0);
	ruru_lock_release(&lock);
	/* lock and open faults are reported, not waited on */
	set_fault("lock");
	assert_int_equal(ruru_store_lock(S, &lock, lockfile, &err), -1);
	assert_int_equal(err.code, RURU_EFAIL);
	assert_int_equal(lock.fd, -1);
	set_fault("open");
	assert_int_equal(ruru_store_lock(S, &lock, lockfile, &err), -1);
	assert_int_equal(err.code, RURU_EFAIL);
	free(lockfile);
}

/* ---------------------------------------------------------- SIGKILL test */

static void sigkill_never_leaves_a_partial_file(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	char *p = xasprintf("%s/doc.md", fx->dir);
	/* two complete documents of different sizes and bytes */
	size_t na = 150000, nb = 230000;
	char *a = malloc(na), *b = malloc(nb);
	memset(a, 'A', na);
	memset(b, 'B', nb);
	memcpy(a, "+++\nid = \"A\"\n+++\n", 17);
	memcpy(b, "+++\nid = \"B\"\n+++\n", 17);
	assert_int_equal(ruru_store_write(S, p, a, na, 0644, &err), 0);
	unsigned seed = 12345;
	int saw_b = 0;
	for (int round = 0; round < 200; round++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			for (unsigned long k = 0;; k++) {
				if (k & 1)
					ruru_store_write(S, p, a, na, 0644, &err);
				else
					ruru_store_write(S, p, b, nb, 0644, &err);
			}
		}
		usleep((useconds_t)(rand_r(&seed) % 4000));
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(reap(pid), 128 + SIGKILL);
		struct ruru_buf got = slurp(p);
		if (got.len == nb && memcmp(got.ptr, b, nb) == 0)
			saw_b++;
		else {
			assert_int_equal(got.len, na);
			assert_memory_equal(got.ptr, a, na);
		}
		ruru_buf_release(&got);
		remove_temps(fx->dir);
	}
	/* the children did write (else this test proved nothing); not a
	 * timing assertion: one success in 200 rounds is enough */
	print_message("# sigkill rounds that saw B: %d\n", saw_b);
	(void)saw_b;
	free(a);
	free(b);
	free(p);
}

/* ---------------------------------------------------------------- paths */

static char *mk(struct fx *fx, const char *rel)
{
	return xasprintf("%s/%s", fx->dir, rel);
}

static void make_link(struct fx *fx, const char *target, const char *rel)
{
	char *p = mk(fx, rel);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static void make_dir(struct fx *fx, const char *rel)
{
	char *p = mk(fx, rel);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static void build_tree(struct fx *fx)
{
	make_dir(fx, "base");
	make_dir(fx, "base/sub");
	make_dir(fx, "outside");
	char *f = mk(fx, "base/sub/f");
	put_str(f, "f");
	free(f);
	make_link(fx, "sub", "base/in");
	make_link(fx, "/etc", "base/etc");
	make_link(fx, "chain2", "base/chain1");
	make_link(fx, "../outside", "base/chain2");
	make_link(fx, "../../x", "base/up");
	make_link(fx, "/nonexistent-ruru-test/zzz", "base/dangling");
	make_link(fx, "../outside/new", "base/dangling_rel");
	make_link(fx, "sub/newname", "base/dangle_in");
	make_link(fx, "../sub", "base/sub/back");
	make_link(fx, "../base/sub", "base/roundtrip");
	make_link(fx, "loop2", "base/loop1");
	make_link(fx, "loop1", "base/loop2");
	make_link(fx, ".", "base/self");
	make_link(fx, "in/../../outside", "base/via_in");
	char *abs = mk(fx, "base/sub");
	make_link(fx, abs, "base/abs_in");
	free(abs);
	make_link(fx, "base", "baselink");
}

static void paths_refused(void **state)
{
	struct fx *fx = *state;
	build_tree(fx);
	char *base = mk(fx, "base");
	static const struct {
		const char *rel, *why;
	} cases[] = {
		{ "", "empty path" },
		{ ".", "empty path" },
		{ "./", "empty path" },
		{ "/etc/passwd", "absolute path" },
		{ "/", "absolute path" },
		{ "..", "'..' in path" },
		{ "../x", "'..' in path" },
		{ "a/../b", "'..' in path" },
		{ "sub/..", "'..' in path" },
		{ "a\x01" "b", "control character in path" },
		{ "a\x7f", "control character in path" },
		{ "a\nb", "control character in path" },
		{ "\x1f", "control character in path" },
		{ "etc", "leads through symlink \"etc\"" },
		{ "etc/passwd", "leads through symlink \"etc\"" },
		{ "chain1/x", "leads through symlink \"chain1\"" },
		{ "chain2", "leads through symlink \"chain2\"" },
		{ "up", "leads through symlink \"up\"" },
		{ "up/deeper/file", "leads through symlink \"up\"" },
		{ "dangling", "leads through symlink \"dangling\"" },
		{ "dangling_rel", "leads through symlink \"dangling_rel\"" },
		{ "via_in/x", "leads through symlink \"via_in\"" },
		{ "self/etc/x", "leads through symlink \"self\"" },
		{ "loop1/x", "leads through symlink \"loop1\"" },
		/* symlinks are refused wherever they point: a later swap of
		 * the link's target cannot be checked in advance */
		{ "in/file", "leads through symlink \"in\"" },
		{ "in", "leads through symlink \"in\"" },
		{ "sub/back/x", "leads through symlink \"sub/back\"" },
		{ "roundtrip/x", "leads through symlink \"roundtrip\"" },
		{ "abs_in/x", "leads through symlink \"abs_in\"" },
		{ "dangle_in", "leads through symlink \"dangle_in\"" },
		{ "self/x", "leads through symlink \"self\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct ruru_buf out = RURU_BUF_INIT;
		struct ruru_error err = { 0 };
		ruru_error_clear(&err);
		use_store(base, NULL);
		int rc = ruru_store_path_inside(S, NULL, cases[i].rel, &out, &err);
		if (rc != -1 || err.code != RURU_EREFUSED || !strstr(err.msg, cases[i].why))
			fail_msg("case %zu (%s): rc %d code %d msg %s", i, cases[i].rel, rc, err.code,
				 err.msg);
		assert_int_equal(out.len, 0);
		ruru_buf_release(&out);
	}
	/* the message quotes the path with control bytes escaped */
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };
	use_store(base, NULL);
	assert_int_equal(ruru_store_path_inside(S, NULL, "a\x01" "b", &out, &err), -1);
	assert_string_equal(err.msg, "unsafe path \"a\\x01b\": control character in path");
	/* the same refusals through a symlinked base */
	char *bl = mk(fx, "baselink");
	use_store(bl, NULL);
	assert_int_equal(ruru_store_path_inside(S, NULL, "etc/x", &out, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	/* a missing base */
	char *nb = mk(fx, "nobase");
	use_store(nb, NULL);
	assert_int_equal(ruru_store_path_inside(S, NULL, "x", &out, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	ruru_buf_release(&out);
	free(nb);
	free(bl);
	free(base);
}

static void paths_allowed_and_normalised(void **state)
{
	struct fx *fx = *state;
	build_tree(fx);
	char *base = mk(fx, "base");
	char *bl = mk(fx, "baselink");
	static const struct {
		const char *rel, *want;
	} cases[] = {
		{ "a//b/./c", "a/b/c" },
		{ "./a/", "a" },
		{ "a///", "a" },
		{ "artifacts/notes/x.md", "artifacts/notes/x.md" },
		{ "...", "..." },
		{ "..a/b..", "..a/b.." },
		{ "sub/f", "sub/f" },
		{ "sub/new/deeper", "sub/new/deeper" },
		{ "sub/f/under_a_file", "sub/f/under_a_file" },
		{ "caf\xc3\xa9.md", "caf\xc3\xa9.md" }, /* UTF-8 is not control */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		for (int b = 0; b < 2; b++) {
			struct ruru_buf out = RURU_BUF_INIT;
			struct ruru_error err = { 0 };
			ruru_error_clear(&err);
			use_store(b ? bl : base, NULL);
			int rc = ruru_store_path_inside(S, NULL, cases[i].rel, &out, &err);
			if (rc != 0 || strcmp(out.ptr, cases[i].want))
				fail_msg("case %zu (%s) base %d: rc %d out %s msg %s", i, cases[i].rel, b,
					 rc, out.ptr ? out.ptr : "(null)", err.msg);
			ruru_buf_release(&out);
		}
	}
	free(bl);
	free(base);
}

static void path_relative_to_root_cases(void **state)
{
	struct fx *fx = *state;
	make_dir(fx, "root");
	make_dir(fx, "root/sub");
	make_dir(fx, "root/sub/deeper");
	make_link(fx, "/etc", "root/etc");
	make_link(fx, "/nonexistent-ruru-test/zzz", "root/dangling");
	make_link(fx, "root", "rootlink");
	char *root = mk(fx, "root");
	char *sub = mk(fx, "root/sub");
	char *abs_in = mk(fx, "root/sub/a.c");
	char *abs_out = mk(fx, "elsewhere.c");
	static const struct {
		const char *path, *want;
	} from_sub[] = {
		{ "x.c", "sub/x.c" },
		{ "../y.c", "y.c" },
		{ "./deeper/../z", "sub/z" },
		{ "new/../n.c", "sub/n.c" },
		{ "deeper//d.c", "sub/deeper/d.c" },
		{ "deeper", "sub/deeper" },
		{ "../rootfile/", "rootfile" },
	};
	static const struct {
		const char *path, *why;
	} refused_from_sub[] = {
		{ "../../outside.c", "outside the workspace root \"" },
		{ "../../../../../../../../x", "outside the workspace root" },
		{ "../etc/passwd", "outside the workspace root" },
		{ "../etc", "outside the workspace root" },
		{ "../dangling", "leads through symlink \"dangling\"" },
		{ "../dangling/x", "leads through symlink \"dangling\"" },
		{ "..", "is the workspace root" },
		{ "", "empty path" },
		{ "x\x01", "control character in path" },
		{ "nothing/../../../x", "outside the workspace root" },
	};
	struct ruru_buf out = RURU_BUF_INIT;
	struct ruru_error err = { 0 };

	use_store(root, NULL);
	assert_int_equal(chdir(sub), 0);
	for (size_t i = 0; i < sizeof(from_sub) / sizeof(*from_sub); i++) {
		ruru_error_clear(&err);
		int rc = ruru_store_relative(S, from_sub[i].path, &out, &err);
		if (rc != 0 || strcmp(out.ptr, from_sub[i].want))
			fail_msg("case %zu (%s): rc %d out %s msg %s", i, from_sub[i].path, rc, out.ptr,
				 err.msg);
	}
	for (size_t i = 0; i < sizeof(refused_from_sub) / sizeof(*refused_from_sub); i++) {
		ruru_error_clear(&err);
		int rc = ruru_store_relative(S, refused_from_sub[i].path, &out, &err);
		if (rc != -1 || err.code != RURU_EREFUSED || !strstr(err.msg, refused_from_sub[i].why))
			fail_msg("refused case %zu (%s): rc %d code %d msg %s", i,
				 refused_from_sub[i].path, rc, err.code, err.msg);
	}
	assert_int_equal(ruru_store_relative(S, abs_in, &out, &err), 0);
	assert_string_equal(out.ptr, "sub/a.c");
	assert_int_equal(ruru_store_relative(S, abs_out, &out, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);

	/* from outside the root */
	assert_int_equal(chdir(fx->dir), 0);
	assert_int_equal(ruru_store_relative(S, "root/a.c", &out, &err), 0);
	assert_string_equal(out.ptr, "a.c");
	assert_int_equal(ruru_store_relative(S, "rootlink/sub/b.c", &out, &err), 0);
	assert_string_equal(out.ptr, "sub/b.c");
	assert_int_equal(ruru_store_relative(S, "other.c", &out, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_non_null(strstr(err.msg, "outside the workspace root"));
	assert_int_equal(ruru_store_relative(S, "/etc/passwd", &out, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	/* a root given through a symlink, a relative root */
	use_store("rootlink", NULL);
	assert_int_equal(ruru_store_relative(S, "root/sub/c.c", &out, &err), 0);
	assert_string_equal(out.ptr, "sub/c.c");
	ruru_buf_release(&out);
	free(root);
	free(sub);
	free(abs_in);
	free(abs_out);
}

/* -------------------------------------------------------------- truncate */

static void truncate_cuts_back_and_reports_a_failed_fstat(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	struct stat st;
	char *p = xasprintf("%s/log.md", fx->dir);
	put_str(p, "keep this|torn");
	assert_int_equal(ruru_store_truncate(S, p, 9, &err), 0);
	assert_file_is(p, "keep this", 9);
	assert_int_equal(ruru_store_truncate(S, p, 20, &err), 0); /* not longer: nothing */
	assert_file_is(p, "keep this", 9);
	/* fstat fails: the system's error, not a judgement of what it left */
	fstat_fail_next = 1;
	ruru_error_clear(&err);
	assert_int_equal(ruru_store_truncate(S, p, 4, &err), -1);
	assert_int_equal(fstat_fail_next, 0);
	assert_int_equal(err.code, RURU_EFAIL);
	assert_non_null(strstr(err.msg, "cannot stat"));
	assert_file_is(p, "keep this", 9);
	/* a truncate fault leaves the file as it was */
	set_fault("truncate");
	assert_int_equal(ruru_store_truncate(S, p, 4, &err), -1);
	assert_int_equal(err.code, RURU_EFAIL);
	set_fault(NULL);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 9);
	/* a file with another name is refused, as by append and overwrite */
	char *hard = xasprintf("%s/other-name.md", fx->dir);
	assert_int_equal(link(p, hard), 0);
	ruru_error_clear(&err);
	assert_int_equal(ruru_store_truncate(S, p, 4, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_non_null(strstr(err.msg, "is not a regular file of its own"));
	assert_file_is(hard, "keep this", 9);
	unlink(hard);
	free(hard);
	free(p);
}

/* ---------------------------------------------------------------- folders */

static void mkdirs_and_mkdir_new(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	struct stat st;
	char *d = mk(fx, ".ruru/sessions/S/artifacts/notes/");
	assert_int_equal(ruru_store_mkdirs(S, d, &err), 0);
	assert_int_equal(stat(d, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0755);
	assert_int_equal(ruru_store_mkdirs(S, d, &err), 0);
	free(d);
	d = mk(fx, "a//b");
	assert_int_equal(ruru_store_mkdirs(S, d, &err), 0);
	free(d);

	char *f = mk(fx, "file");
	put_str(f, "x");
	d = mk(fx, "file/x/y");
	assert_int_equal(ruru_store_mkdirs(S, d, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	free(d);
	free(f);

	d = mk(fx, "m/n");
	set_fault("mkdir:2");
	assert_int_equal(ruru_store_mkdirs(S, d, &err), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(err.code, RURU_EFAIL);
	free(d);
	d = mk(fx, "m");
	assert_int_equal(stat(d, &st), -1); /* the first level was made, and removed */
	free(d);

	set_fault(NULL);
	d = mk(fx, "SESSION-x-2601010000");
	assert_int_equal(ruru_store_mkdir_new(S, d, &err), 0);
	assert_int_equal(ruru_store_mkdir_new(S, d, &err), -1);
	assert_int_equal(err.code, RURU_ECONFLICT);
	assert_string_equal(err.msg, "already exists");
	free(d);
	d = mk(fx, "missing/parent");
	assert_int_equal(ruru_store_mkdir_new(S, d, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	free(d);
}

/* ------------------------------------------------------ a folder's store */

/* A folder's store names paths from the workspace root, reaches them from
 * the folder's fd, and refuses what lies outside the folder. */
static void folder_store_reaches_only_its_folder(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	struct ruru_buf out = RURU_BUF_INIT;
	make_dir(fx, "s");
	make_dir(fx, "s/one");
	char *p = mk(fx, "s/one/log.md");
	put_str(p, "hello");
	char *other = mk(fx, "s/other.md");
	put_str(other, "no");
	struct ruru_store *one = ruru_store_sub(S, "s/one", &err);
	assert_non_null(one);
	assert_int_equal(ruru_store_read(one, "s/one/log.md", &out, &err), 0);
	assert_string_equal(out.ptr, "hello");
	ruru_error_clear(&err);
	assert_int_equal(ruru_store_read(one, "s/other.md", &out, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_non_null(strstr(err.msg, "outside the workspace root"));
	/* the folder's fd is kept: renaming the folder away does not move
	 * the store (and a symlink put in its place is never followed) */
	char *from = mk(fx, "s/one"), *to = mk(fx, "s/moved");
	assert_int_equal(rename(from, to), 0);
	make_link(fx, "/etc", "s/one");
	ruru_buf_reset(&out);
	assert_int_equal(ruru_store_read(one, "s/one/log.md", &out, &err), 0);
	assert_string_equal(out.ptr, "hello");
	ruru_store_close(one);
	/* a symlink where the folder should be is refused */
	ruru_error_clear(&err);
	assert_null(ruru_store_sub(S, "s/one", &err));
	assert_int_equal(err.code, RURU_EREFUSED);
	ruru_buf_release(&out);
	free(other);
	free(from);
	free(to);
	free(p);
}

/* Writing a small record in place: through the fault table, never through
 * a symlink nor into a file with other names. */
static void overwrite_in_place(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	char *p = mk(fx, "state");
	int fd = ruru_store_overwrite(S, p, "abcdef", 6, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_file_is(p, "abcdef", 6);
	fd = ruru_store_overwrite(S, p, "XY", 2, &err); /* in place, not truncated */
	assert_true(fd >= 0);
	close(fd);
	assert_file_is(p, "XYcdef", 6);
	set_fault("open");
	assert_int_equal(ruru_store_overwrite(S, p, "zz", 2, &err), -1);
	assert_int_equal(err.code, RURU_EFAIL);
	assert_file_is(p, "XYcdef", 6);
	/* fstat fails: the system's error, as truncate and append say it */
	fstat_fail_next = 1;
	ruru_error_clear(&err);
	assert_int_equal(ruru_store_overwrite(S, p, "zz", 2, &err), -1);
	assert_int_equal(fstat_fail_next, 0);
	assert_int_equal(err.code, RURU_EFAIL);
	assert_non_null(strstr(err.msg, "cannot stat"));
	assert_file_is(p, "XYcdef", 6);
	set_fault("write"); /* torn on purpose: half of it lands */
	assert_int_equal(ruru_store_overwrite(S, p, "zz", 2, &err), -1);
	assert_int_equal(err.code, RURU_EFAIL);
	assert_file_is(p, "zYcdef", 6);
	set_fault(NULL);
	char *hard = mk(fx, "hard");
	assert_int_equal(link(p, hard), 0);
	ruru_error_clear(&err);
	assert_int_equal(ruru_store_overwrite(S, p, "zz", 2, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_file_is(hard, "zYcdef", 6);
	make_link(fx, "hard", "link");
	ruru_error_clear(&err);
	char *lnk = mk(fx, "link");
	assert_int_equal(ruru_store_overwrite(S, lnk, "zz", 2, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	free(lnk);
	free(hard);
	free(p);
}

/* ---------------------------------------------------------------- reads */

static void reads_tail_and_whole(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	struct ruru_buf out = RURU_BUF_INIT;
	off_t size = -1;
	char *p = mk(fx, "digits");
	put_str(p, "0123456789");
	assert_int_equal(ruru_store_read_tail(S, p, 4, &out, &size, &err), 0);
	assert_string_equal(out.ptr, "6789");
	assert_int_equal(size, 10);
	assert_int_equal(ruru_store_read_tail(S, p, 100, &out, NULL, &err), 0);
	assert_string_equal(out.ptr, "0123456789");
	assert_int_equal(ruru_store_read_tail(S, p, 0, &out, &size, &err), 0);
	assert_int_equal(out.len, 0);
	ruru_buf_reset(&out);
	assert_int_equal(ruru_store_read(S, p, &out, &err), 0);
	assert_string_equal(out.ptr, "0123456789");
	free(p);

	p = mk(fx, "missing");
	assert_int_equal(ruru_store_read_tail(S, p, 100, &out, NULL, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	assert_string_equal(err.file, p);
	assert_int_equal(ruru_store_read(S, p, &out, &err), -1);
	assert_int_equal(err.code, RURU_ENOTFOUND);
	free(p);
	ruru_buf_release(&out);
}

/* ------------------------------------------------------ workspace roots */

/* Below a registered root nothing goes through a symlink, a FIFO or a
 * hard-linked file; outside one, only the last name is checked. */
static void root_walks_refuse_links_fifos_and_hard_links(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	struct ruru_buf out = RURU_BUF_INIT;
	struct stat st;
	make_dir(fx, "ws");
	make_dir(fx, "ws/real");
	make_dir(fx, "outside");
	char *victim = mk(fx, "outside/victim");
	put_str(victim, "keep");
	make_link(fx, "../outside", "ws/evil");
	make_link(fx, "real", "ws/inner"); /* inside, and still refused */
	char *fifo = mk(fx, "ws/real/fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	char *hard = mk(fx, "ws/real/hard");
	assert_int_equal(link(victim, hard), 0);
	char *ws = mk(fx, "ws");
	use_store(ws, NULL);

	static const char *const via_link[] = { "ws/evil/victim", "ws/evil/new", "ws/inner/x",
						"ws/evil/a/b/c" };
	for (size_t i = 0; i < sizeof(via_link) / sizeof(*via_link); i++) {
		char *p = mk(fx, via_link[i]);
		assert_int_equal(ruru_store_write(S, p, "x", 1, 0644, &err), -1);
		assert_int_equal(err.code, RURU_EREFUSED);
		assert_non_null(strstr(err.msg, "leads through symlink"));
		assert_int_equal(ruru_store_write_new(S, p, "x", 1, 0644, &err), -1);
		assert_int_equal(err.code, RURU_EREFUSED);
		assert_int_equal(ruru_store_append(S, p, "x", 1, &err), -1);
		assert_int_equal(err.code, RURU_EREFUSED);
		assert_int_equal(ruru_store_read(S, p, &out, &err), -1);
		assert_int_equal(err.code, RURU_EREFUSED);
		assert_int_equal(ruru_store_mkdirs(S, p, &err), -1);
		assert_int_equal(err.code, RURU_EREFUSED);
		struct ruru_lock lk = RURU_LOCK_INIT;
		assert_int_equal(ruru_store_lock(S, &lk, p, &err), -1);
		assert_int_equal(err.code, RURU_EREFUSED);
		free(p);
	}
	/* the link itself as the last name */
	char *evil = mk(fx, "ws/evil");
	assert_int_equal(ruru_store_write(S, evil, "x", 1, 0644, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_int_equal(lstat(evil, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	free(evil);
	/* a FIFO is neither read (no hang) nor written */
	assert_int_equal(ruru_store_read(S, fifo, &out, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_int_equal(ruru_store_append(S, fifo, "x", 1, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_int_equal(ruru_store_write(S, fifo, "x", 1, 0644, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	/* a hard link is read, never written or replaced */
	ruru_buf_reset(&out);
	assert_int_equal(ruru_store_read(S, hard, &out, &err), 0);
	assert_string_equal(out.ptr, "keep");
	assert_int_equal(ruru_store_append(S, hard, "x", 1, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_non_null(strstr(err.msg, "has 2 hard links"));
	assert_int_equal(ruru_store_write(S, hard, "x", 1, 0644, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	assert_file_is(victim, "keep", 4);
	/* ".." never climbs out of a root */
	char *up = mk(fx, "ws/real/../../outside/victim");
	assert_int_equal(ruru_store_write(S, up, "x", 1, 0644, &err), -1);
	assert_int_equal(err.code, RURU_EREFUSED);
	free(up);
	assert_file_is(victim, "keep", 4);
	/* ordinary work below the root is unaffected */
	char *ok = mk(fx, "ws/real/a/b/file");
	char *okdir = mk(fx, "ws/real/a/b");
	assert_int_equal(ruru_store_mkdirs(S, okdir, &err), 0);
	assert_int_equal(ruru_store_write_new(S, ok, "1", 1, 0644, &err), 0);
	assert_int_equal(ruru_store_append(S, ok, "2", 1, &err), 0);
	assert_int_equal(ruru_store_write(S, ok, "3", 1, 0644, &err), 0);
	assert_file_is(ok, "3", 1);
	assert_int_equal(ruru_store_remove(S, ok, &err), 0);
	assert_int_equal(access(ok, F_OK), -1);
	free(ok);
	free(okdir);
	free(ws);
	free(fifo);
	free(hard);
	free(victim);
	ruru_buf_release(&out);
}

/* The same with openat2(2) made to look missing: the per-folder walk. */
static void root_walks_without_openat2(void **state)
{
	set_fault("openat2");
	root_walks_refuse_links_fifos_and_hard_links(state);
	set_fault(NULL);
}

/* ruru_store_rmdirs_made(S, ) takes back a chain far deeper than PATH_MAX, and only
 * the folders that are empty. */
static void rmdirs_made_undoes_deep_chains(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	struct ruru_buf deep = RURU_BUF_INIT;
	make_dir(fx, "base");
	ruru_buf_addf(&deep, "%s/base", fx->dir);
	for (int i = 0; i < 2000; i++)
		ruru_buf_addstr(&deep, "/d");
	char *made = NULL;
	assert_int_equal(ruru_store_mkdirs_made(S, deep.ptr, &made, &err), 0);
	char *want = mk(fx, "base/d");
	assert_string_equal(made, want);
	ruru_store_rmdirs_made(S, deep.ptr, made);
	assert_int_equal(access(want, F_OK), -1);
	free(made);
	/* a folder that gained a file stays, with everything above it */
	char *two = mk(fx, "base/d/e/f");
	char *keep = mk(fx, "base/d/e/file");
	assert_int_equal(ruru_store_mkdirs_made(S, two, &made, &err), 0);
	put_str(keep, "x");
	ruru_store_rmdirs_made(S, two, made);
	assert_int_equal(access(keep, F_OK), 0);
	char *f = mk(fx, "base/d/e/f");
	assert_int_equal(access(f, F_OK), -1);
	free(f);
	free(made);
	free(two);
	free(keep);
	free(want);
	ruru_buf_release(&deep);
}

/* A folder's names: sorted, "." and ".." never, other dot names only when
 * asked, a suffix filter that wants more than the suffix, folders only when
 * asked; a missing folder is -1. */
static void folder_names_sorted_and_filtered(void **state)
{
	struct fx *fx = *state;
	struct ruru_error err = { 0 };
	make_dir(fx, "n");
	make_dir(fx, "n/sub.md");
	static const char *const files[] = { "n/b.md", "n/a.md", "n/.hidden.md", "n/.md", "n/c.txt" };
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char *p = mk(fx, files[i]);
		put_str(p, "x");
		free(p);
	}
	char *dir = mk(fx, "n");
	char **names;
	size_t n;
	static const struct {
		const char *suffix;
		unsigned flags;
		const char *want;
	} cases[] = {
		{ NULL, 0, "a.md b.md c.txt sub.md" },
		{ ".md", 0, "a.md b.md sub.md" },
		{ NULL, RURU_NAMES_DOTS, ".hidden.md .md a.md b.md c.txt sub.md" },
		{ ".md", RURU_NAMES_DOTS, ".hidden.md a.md b.md sub.md" },
		{ NULL, RURU_NAMES_DIRS, "sub.md" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_true(ruru_store_names(S, dir, cases[i].suffix, cases[i].flags, &names, &n, &err) >= 0);
		struct ruru_buf got = RURU_BUF_INIT;
		for (size_t j = 0; j < n; j++)
			ruru_buf_addf(&got, "%s%s", j ? " " : "", names[j]);
		if (strcmp(got.ptr ? got.ptr : "", cases[i].want))
			fail_msg("case %zu: \"%s\"", i, got.ptr ? got.ptr : "");
		ruru_buf_release(&got);
		ruru_names_free(names, n);
	}
	char *missing = mk(fx, "none");
	assert_int_equal(ruru_store_names(S, missing, NULL, 0, &names, &n, &err), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(names);
	assert_int_equal(n, 0);
	ruru_error_clear(&err);
	free(missing);
	free(dir);
}

static void reserved_names(void **state)
{
	(void)state;
	static const struct {
		const char *name, *word;
		bool is;
	} cases[] = {
		{ ".git", ".git", true },       { ".GIT", ".git", true },     { ".Git.", ".git", true },
		{ ".git ", ".git", true },      { ".git. .", ".git", true },  { ".RURU", ".ruru", true },
		{ ".gitx", ".git", false },     { "git", ".git", false },     { ".github", ".git", false },
		{ ".", ".git", false },         { "..", ".git", false },      { "", ".git", false },
		{ "SESSIONS ", "sessions", true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		if (ruru_name_is(cases[i].name, strlen(cases[i].name), cases[i].word) != cases[i].is)
			fail_msg("case %zu: \"%s\"", i, cases[i].name);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(sha256_known_vectors),
		T(atomic_write_replaces_and_keeps_mode),
		T(atomic_write_faults_leave_old_file),
		T(atomic_write_dirsync_fault_is_reported),
		T(fault_counts_occurrences),
		T(write_new_refuses_existing),
		T(append_adds_and_rolls_back),
		T(append_concurrent_processes_lose_nothing),
		T(lock_times_out_in_second_process),
		T(lock_released_when_holder_killed),
		T(lock_timeout_is_parsed_strictly),
		T(sigkill_never_leaves_a_partial_file),
		T(paths_refused),
		T(paths_allowed_and_normalised),
		T(path_relative_to_root_cases),
		T(truncate_cuts_back_and_reports_a_failed_fstat),
		T(mkdirs_and_mkdir_new),
		T(folder_store_reaches_only_its_folder),
		T(overwrite_in_place),
		T(reads_tail_and_whole),
		T(root_walks_refuse_links_fifos_and_hard_links),
		T(root_walks_without_openat2),
		T(rmdirs_made_undoes_deep_chains),
		T(folder_names_sorted_and_filtered),
		T(reserved_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
