/*
 * hosts.h — library-internal: the part of hosts.c that `init --mcp`
 * (mcpconfig.c) shares.
 */
#ifndef RURU_HOSTS_H
#define RURU_HOSTS_H

#include "ruru.h"

/* Merge {"mcpServers": {"ruru": {"command": "ruru", "args": ["mcp"]}}}
 * into `dir`/`rel` (made when missing), format preserving: every other
 * byte stays.  RURU_EINVALID (FILE:LINE:COL) for a file that is not a
 * JSON object; RURU_EREFUSED for a path that leads out of `dir`. */
int ruru_hosts_mcp_file(const char *dir, const char *rel, struct ruru_error *err);

#endif
