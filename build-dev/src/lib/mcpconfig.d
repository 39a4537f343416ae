build-dev/src/lib/mcpconfig.o: src/lib/mcpconfig.c src/lib/hosts.h \
 include/ruru.h src/lib/workspace.h src/lib/alloc.h src/banned.h
src/lib/hosts.h:
include/ruru.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/banned.h:
