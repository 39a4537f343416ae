/*
 * mcpconfig.c — `ruru init --mcp`: register `ruru mcp` with Zoo Code (and
 * Roo Code) by writing .roo/mcp.json, or .zoo/mcp.json when .zoo/ exists
 * (Zoo Code reads it first), or adding ruru's entry to the one that is
 * there; other servers, their order and their bytes stay (the edit is the
 * one `init --host zoo` makes, servers.c: an entry named ruru that is not
 * ruru's own is refused).  A file that is not a JSON object is refused
 * rather than overwritten.
 */
#include <sys/stat.h>

#include "hosts.h"
#include "workspace.h"
#include "banned.h"

int ruru_ws_init_mcp(const char *dir, char **rel_out, struct ruru_error *err)
{
	struct ruru_buf zoo = RURU_BUF_INIT;
	ruru_buf_addf(&zoo, "%s/.zoo", dir ? dir : ".");
	struct stat st;
	const char *rel = lstat(zoo.ptr, &st) == 0 && S_ISDIR(st.st_mode)
				  ? ".zoo/mcp.json"
				  : ".roo/mcp.json";
	ruru_buf_release(&zoo);
	if (ruru_hosts_mcp_file(dir, rel, err) < 0)
		return -1;
	if (rel_out)
		*rel_out = ruru_strdup(rel);
	return 0;
}
