build-dev/src/lib/toml.o: src/lib/toml.c src/lib/toml_impl.h \
 include/ruru.h src/banned.h
src/lib/toml_impl.h:
include/ruru.h:
src/banned.h:
