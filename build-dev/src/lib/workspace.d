build-dev/src/lib/workspace.o: src/lib/workspace.c src/lib/entry.h \
 include/ruru.h src/lib/timestamp.h src/lib/store.h src/lib/workspace.h \
 src/lib/alloc.h src/banned.h
src/lib/entry.h:
include/ruru.h:
src/lib/timestamp.h:
src/lib/store.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/banned.h:
