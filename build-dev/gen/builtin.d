build-dev/gen/builtin.o: build-dev/gen/builtin.c src/lib/builtin.h
src/lib/builtin.h:
