build-dev/src/cli/main.o: src/cli/main.c src/cli/cli.h include/ruru.h \
 src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
