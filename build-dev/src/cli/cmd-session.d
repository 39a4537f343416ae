build-dev/src/cli/cmd-session.o: src/cli/cmd-session.c src/cli/cli.h \
 include/ruru.h src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
