build-dev/src/lib/jsonedit.o: src/lib/jsonedit.c src/lib/jsonedit.h \
 include/ruru.h src/lib/logtx.h src/lib/store.h src/lib/workspace.h \
 src/lib/alloc.h src/banned.h
src/lib/jsonedit.h:
include/ruru.h:
src/lib/logtx.h:
src/lib/store.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/banned.h:
