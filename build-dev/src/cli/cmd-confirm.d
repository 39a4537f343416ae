build-dev/src/cli/cmd-confirm.o: src/cli/cmd-confirm.c src/cli/cli.h \
 include/ruru.h src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
