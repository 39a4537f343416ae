build-dev/src/lib/event.o: src/lib/event.c include/ruru.h src/banned.h
include/ruru.h:
src/banned.h:
