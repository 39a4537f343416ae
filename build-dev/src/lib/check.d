build-dev/src/lib/check.o: src/lib/check.c src/lib/entry.h include/ruru.h \
 src/lib/timestamp.h src/lib/logtx.h src/lib/store.h src/lib/workspace.h \
 src/lib/alloc.h src/banned.h
src/lib/entry.h:
include/ruru.h:
src/lib/timestamp.h:
src/lib/logtx.h:
src/lib/store.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/banned.h:
