/*
 * mcpconfig.c — `ruru init --mcp`: register `ruru mcp` with Roo Code by
 * writing .roo/mcp.json, or merging our entry into the one that is there.
 * Only mcpServers.ruru's "command" and "args" are set; other servers,
 * other keys (alwaysAllow, env, ...) and their order stay.  A file that is
 * not a JSON object is refused rather than overwritten.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "banned.h"

int ruru_ws_init_mcp(const char *dir, char **rel_out, struct ruru_error *err)
{
	static const char rel[] = ".roo/mcp.json";
	struct ruru_buf path = RURU_BUF_INIT, text = RURU_BUF_INIT, safe = RURU_BUF_INIT;
	json_t *doc = NULL;
	char *dump = NULL;
	int rc = -1;
	if (!dir)
		dir = ".";
	/* .roo or the file may be symlinks: never write through one that
	 * leads out of the workspace. */
	if (ruru_path_inside(dir, rel, &safe, err) < 0)
		goto out;
	ruru_buf_addf(&path, "%s/%s", dir, rel);
	struct stat st;
	struct ruru_error serr;
	if (ruru_lstat(path.ptr, &st, &serr) == 0) {
		json_error_t je;
		if (ruru_read_file(path.ptr, &text, err) < 0)
			goto out;
		doc = json_loadb(text.ptr, text.len, JSON_REJECT_DUPLICATES, &je);
		if (!doc) {
			ruru_error_set(err, RURU_EINVALID, "%s", je.text);
			err->line = je.line > 0 ? je.line : 0;
			err->col = je.column > 0 ? je.column : 0;
			ruru_error_set_file(err, rel);
			goto out;
		}
		if (!json_is_object(doc)) {
			ruru_error_set(err, RURU_EINVALID, "expected a JSON object");
			ruru_error_set_file(err, rel);
			goto out;
		}
	} else if (errno != ENOENT) {
		ruru_error_set(err, RURU_EFAIL, "cannot read \"%s\": %s", rel, strerror(errno));
		goto out;
	} else {
		doc = json_object();
	}
	json_t *servers = json_object_get(doc, "mcpServers");
	if (!servers) {
		servers = json_object();
		json_object_set_new(doc, "mcpServers", servers);
	} else if (!json_is_object(servers)) {
		ruru_error_set(err, RURU_EINVALID, "\"mcpServers\" is not a JSON object");
		ruru_error_set_file(err, rel);
		goto out;
	}
	json_t *ours = json_object_get(servers, "ruru");
	if (!json_is_object(ours)) {
		ours = json_object();
		json_object_set_new(servers, "ruru", ours);
	}
	json_object_set_new(ours, "command", json_string("ruru"));
	json_object_set_new(ours, "args", json_pack("[s]", "mcp"));
	dump = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!dump) {
		ruru_error_set(err, RURU_EFAIL, "cannot encode JSON for \"%s\"", rel);
		goto out;
	}
	struct ruru_buf dirpath = RURU_BUF_INIT;
	ruru_buf_addf(&dirpath, "%s/.roo", dir);
	rc = ruru_mkdirs(dirpath.ptr, err);
	ruru_buf_release(&dirpath);
	if (rc == 0) {
		ruru_buf_reset(&text);
		ruru_buf_addf(&text, "%s\n", dump);
		rc = ruru_write_atomic(path.ptr, text.ptr, text.len, 0666, err);
	}
	if (rc == 0 && rel_out)
		*rel_out = ruru_buf_detach(&safe, NULL);
out:
	free(dump);
	json_decref(doc);
	ruru_buf_release(&path);
	ruru_buf_release(&text);
	ruru_buf_release(&safe);
	return rc;
}
