build-dev/src/cli/cmd-search.o: src/cli/cmd-search.c src/cli/cli.h \
 include/ruru.h src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
