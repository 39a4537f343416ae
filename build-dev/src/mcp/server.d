build-dev/src/mcp/server.o: src/mcp/server.c src/mcp/mcp.h include/ruru.h \
 src/mcp/tools.h src/banned.h
src/mcp/mcp.h:
include/ruru.h:
src/mcp/tools.h:
src/banned.h:
