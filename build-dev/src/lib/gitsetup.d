build-dev/src/lib/gitsetup.o: src/lib/gitsetup.c src/lib/store.h \
 include/ruru.h src/lib/workspace.h src/lib/alloc.h src/banned.h
src/lib/store.h:
include/ruru.h:
src/lib/workspace.h:
src/lib/alloc.h:
src/banned.h:
