build-dev/src/cli/util.o: src/cli/util.c src/cli/cli.h include/ruru.h \
 src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
