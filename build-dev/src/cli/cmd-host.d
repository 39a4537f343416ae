build-dev/src/cli/cmd-host.o: src/cli/cmd-host.c src/cli/cli.h \
 include/ruru.h src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
