build-dev/src/lib/index.o: src/lib/index.c src/lib/entry.h include/ruru.h \
 src/lib/timestamp.h src/lib/index.h src/lib/logtx.h src/lib/store.h \
 src/lib/workspace.h src/lib/alloc.h src/banned.h
src/lib/entry.h:
include/ruru.h:
src/lib/timestamp.h:
src/lib/index.h:
src/lib/logtx.h:
src/lib/store.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/banned.h:
