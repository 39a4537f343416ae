build-dev/src/lib/error.o: src/lib/error.c include/ruru.h src/banned.h
include/ruru.h:
src/banned.h:
