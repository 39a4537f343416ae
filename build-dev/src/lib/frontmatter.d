build-dev/src/lib/frontmatter.o: src/lib/frontmatter.c include/ruru.h \
 src/banned.h
include/ruru.h:
src/banned.h:
