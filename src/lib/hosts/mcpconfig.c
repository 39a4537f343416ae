/*
 * mcpconfig.c — `ruru init --mcp`: register `ruru mcp` with Roo Code by
 * writing .roo/mcp.json, or merging our entry into the one that is there.
 * Only mcpServers.ruru's "command" and "args" are set; other servers,
 * other keys (alwaysAllow, env, ...), their order and their bytes stay
 * (the edit is the one `init --host zoo` makes, hosts.c).  A file that is
 * not a JSON object is refused rather than overwritten.
 */
#include "hosts.h"
#include "workspace.h"
#include "banned.h"

int ruru_ws_init_mcp(const char *dir, char **rel_out, struct ruru_error *err)
{
	static const char rel[] = ".roo/mcp.json";
	if (ruru_hosts_mcp_file(dir, rel, err) < 0)
		return -1;
	if (rel_out)
		*rel_out = ruru_strdup(rel);
	return 0;
}
