build-dev/src/lib/run.o: src/lib/run.c include/ruru.h src/banned.h
include/ruru.h:
src/banned.h:
