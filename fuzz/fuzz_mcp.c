/*
 * fuzz_mcp.c — libFuzzer target for the request path of `ruru mcp`: the
 * input is split into lines and each is handed to ruru_mcp_handle(), as
 * the server does with what it reads, in a throwaway workspace that is
 * made afresh for every input (tool calls really create sessions, log,
 * add artifacts and propose edits).  Every response must be one line of
 * JSON; ASan/UBSan/LSan catch the rest.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ruru.h"
#include "../src/mcp/mcp.h"

static char ws[] = "/tmp/ruru-fuzz-mcp-XXXXXX";
static int home = -1; /* libFuzzer's cwd: it reads corpus paths relative to it */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	remove(path);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (!mkdtemp(ws) || (home = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruru_error err = { 0 };
	/* A fresh workspace: what one input does never changes the next. */
	nftw(ws, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(ws, 0700) != 0 || ruru_ws_init(ws, &err) < 0)
		abort();
	/* the library reads no environment: a short lock wait as an option */
	static const struct ruru_options opts = { .lock_timeout_ms = "100" };
	struct ruru_mcp *m = ruru_mcp_new(ws, NULL, &opts, &err);
	if (!m || ruru_mcp_toolsets(m, "all", &err) < 0)
		abort();
	struct ruru_buf out = RURU_BUF_INIT;
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		ruru_buf_reset(&out);
		ruru_mcp_handle(m, p, len, &out);
		/* Exactly one line per answer, and it is JSON. */
		if (out.len) {
			if (out.ptr[out.len - 1] != '\n' || memchr(out.ptr, '\n', out.len - 1))
				abort();
			json_error_t je;
			json_t *v = json_loadb(out.ptr, out.len - 1, JSON_ALLOW_NUL, &je);
			if (!v)
				abort();
			json_decref(v);
		}
		p += len + (nl ? 1 : 0);
	}
	ruru_buf_release(&out);
	ruru_mcp_free(m);
	/* The server works in its root; go back for libFuzzer. */
	if (fchdir(home) != 0)
		abort();
	return 0;
}
