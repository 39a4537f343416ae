build-dev/src/lib/hosts.o: src/lib/hosts.c src/lib/hosts.h include/ruru.h \
 src/lib/jsonedit.h src/lib/logtx.h src/lib/store.h src/lib/workspace.h \
 src/lib/alloc.h src/banned.h
src/lib/hosts.h:
include/ruru.h:
src/lib/jsonedit.h:
src/lib/logtx.h:
src/lib/store.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/banned.h:
