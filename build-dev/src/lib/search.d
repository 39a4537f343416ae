build-dev/src/lib/search.o: src/lib/search.c src/lib/entry.h \
 include/ruru.h src/lib/timestamp.h src/lib/index.h src/lib/workspace.h \
 src/lib/alloc.h src/banned.h
src/lib/entry.h:
include/ruru.h:
src/lib/timestamp.h:
src/lib/index.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/banned.h:
