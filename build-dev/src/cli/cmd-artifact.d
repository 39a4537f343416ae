build-dev/src/cli/cmd-artifact.o: src/cli/cmd-artifact.c src/cli/cli.h \
 include/ruru.h src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
