build-dev/src/cli/cmd-merge.o: src/cli/cmd-merge.c src/cli/cli.h \
 include/ruru.h src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
