build-dev/src/cli/cmd-task.o: src/cli/cmd-task.c src/cli/cli.h \
 include/ruru.h src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
