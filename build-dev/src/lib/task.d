build-dev/src/lib/task.o: src/lib/task.c src/lib/entry.h include/ruru.h \
 src/lib/timestamp.h src/lib/logtx.h src/lib/store.h src/lib/workspace.h \
 src/lib/alloc.h src/lib/task.h src/lib/v7.h src/banned.h
src/lib/entry.h:
include/ruru.h:
src/lib/timestamp.h:
src/lib/logtx.h:
src/lib/store.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/lib/task.h:
src/lib/v7.h:
src/banned.h:
