build-dev/src/lib/time.o: src/lib/time.c include/ruru.h \
 src/lib/timestamp.h src/banned.h
include/ruru.h:
src/lib/timestamp.h:
src/banned.h:
