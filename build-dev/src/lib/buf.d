build-dev/src/lib/buf.o: src/lib/buf.c include/ruru.h src/lib/alloc.h \
 src/lib/store.h src/banned.h
include/ruru.h:
src/lib/alloc.h:
src/lib/store.h:
src/banned.h:
