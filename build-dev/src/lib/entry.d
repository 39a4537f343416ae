build-dev/src/lib/entry.o: src/lib/entry.c src/lib/entry.h include/ruru.h \
 src/lib/timestamp.h src/banned.h
src/lib/entry.h:
include/ruru.h:
src/lib/timestamp.h:
src/banned.h:
