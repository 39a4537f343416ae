build-dev/src/cli/cmd-mcp.o: src/cli/cmd-mcp.c src/cli/cli.h \
 include/ruru.h src/cli/../mcp/mcp.h src/banned.h
src/cli/cli.h:
include/ruru.h:
src/cli/../mcp/mcp.h:
src/banned.h:
