build-dev/src/cli/cmd-toml.o: src/cli/cmd-toml.c src/cli/cli.h \
 include/ruru.h src/banned.h
src/cli/cli.h:
include/ruru.h:
src/banned.h:
