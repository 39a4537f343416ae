build-dev/src/lib/toml_edit.o: src/lib/toml_edit.c src/lib/toml_impl.h \
 include/ruru.h src/banned.h
src/lib/toml_impl.h:
include/ruru.h:
src/banned.h:
