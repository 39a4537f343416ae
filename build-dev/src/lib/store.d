build-dev/src/lib/store.o: src/lib/store.c src/lib/store.h include/ruru.h \
 src/lib/workspace.h src/lib/alloc.h src/banned.h
src/lib/store.h:
include/ruru.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/banned.h:
