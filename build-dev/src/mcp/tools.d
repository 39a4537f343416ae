build-dev/src/mcp/tools.o: src/mcp/tools.c src/mcp/tools.h include/ruru.h \
 src/banned.h
src/mcp/tools.h:
include/ruru.h:
src/banned.h:
