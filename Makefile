# ruru — build, test, demo, benchmark, fuzz, install.
#
#   make            build/ruru and build/libruru.a
#   make check      every test (installs missing Debian packages first)
#   make demo       a complete session workflow in a throwaway workspace
#   make bench      benchmarks, figures and ratios
#   make fuzz       explore: every libFuzzer target for FUZZ_SECONDS each
#                   (make check only replays seeds and regressions, fixed -seed)
#   make install    PREFIX=/usr/local DESTDIR=
#   SANITIZE=1      build with AddressSanitizer + UndefinedBehaviorSanitizer

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
FUZZ_SECONDS ?= 60
SANITIZE ?=

ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT      = -O1 -g
else
BUILD   ?= build
SANFLAGS =
OPT      = -O2 -g
endif

WARN = -Wall -Wextra -Werror -Wvla -Wstrict-prototypes -Wwrite-strings -Wshadow \
       -Wformat=2 -Wpointer-arith -Wmissing-prototypes -Wold-style-definition \
       -Wno-format-nonliteral
# What the library links with, in one place: the link line below and the
# installed ruru.pc are made from these lists.  The _json() converters of
# ruru.h return jansson values, so jansson is a public requirement; the
# rest are private.
LIB_REQUIRES         = jansson
LIB_REQUIRES_PRIVATE = nettle sqlite3
LIB_LIBS_PRIVATE     = -pthread -lm
# the human view's own (export --html, serve): linked into the ruru-web
# helper only, so that no other command loads them (src/cli/webexec.c)
FRONT_DEPLIBS = libcmark-gfm libmicrohttpd zlib
DEPLIBS = $(LIB_REQUIRES) $(LIB_REQUIRES_PRIVATE) $(FRONT_DEPLIBS)
PKG_CFLAGS := $(shell pkg-config --cflags $(DEPLIBS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(DEPLIBS) 2>/dev/null || echo -ljansson -lnettle -lsqlite3 -lcmark-gfm -lcmark-gfm-extensions -lmicrohttpd -lz)
# ruru itself is linked statically (STATIC=0: against the shared
# libraries): a command then starts without the dynamic loader's work
# (README, "Start-up").  The sanitizers need the shared C library.  The
# linker's two warnings are silenced: getpwuid (the login name, when git
# knows no identity) and SQLite's dlopen (extension loading, never used)
# would need this glibc's own shared modules at run time.
ifeq ($(SANITIZE),1)
STATIC ?= 0
else
STATIC ?= 1
endif
ifeq ($(STATIC),1)
CORE_LINK := -static $(shell pkg-config --static --libs $(LIB_REQUIRES) $(LIB_REQUIRES_PRIVATE) 2>/dev/null || echo -ljansson -lnettle -lsqlite3 -lm -lz)
else
CORE_LINK := $(shell pkg-config --libs $(LIB_REQUIRES) $(LIB_REQUIRES_PRIVATE) 2>/dev/null || echo -ljansson -lnettle -lsqlite3)
endif
LIBEXECDIR ?= $(PREFIX)/libexec/ruru
comma := ,
# Front ends see the public header and src/banned.h only; the library's
# internal headers (src/lib/LAYER/*.h) are for the library and its tests.
# The library is a folder per layer (doc/HACKING.md): base, store, toml, log,
# flow, confirm, index, hosts, export.
LIB_LAYERS := base store toml log flow confirm index hosts export
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE
INTERNAL = $(addprefix -Isrc/lib/,$(LIB_LAYERS))
CFLAGS   += -std=c17 $(OPT) $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) $(LIB_LIBS_PRIVATE)

LIB_SRC := $(sort $(wildcard $(addsuffix /*.c,$(addprefix src/lib/,$(LIB_LAYERS)))))
CLI_SRC := $(sort $(wildcard src/cli/*.c src/mcp/*.c))
# the human view: the ruru-web helper has web.c and src/web/, ruru has
# webexec.c (which runs the helper) instead
WEB_SRC := src/cli/web.c $(sort $(wildcard src/web/*.c))
CLI_SRC := $(filter-out src/cli/web.c,$(CLI_SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
# --- built-in V7 templates (templates/v7/, compiled in by scripts/embed.sh)
TEMPLATE_FILES := $(sort $(wildcard templates/v7/*.md))
LIB_OBJ += $(BUILD)/gen/builtin.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
WEB_OBJ := $(WEB_SRC:%.c=$(BUILD)/%.o)
HELPER_CLI_OBJ := $(filter-out $(BUILD)/src/cli/webexec.o,$(CLI_OBJ)) $(WEB_OBJ)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BUILD)/ruru $(BUILD)/ruru-web $(BUILD)/libruru.a

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The library's own files see its internal headers; the front ends do not.
$(BUILD)/src/lib/%.o: src/lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INTERNAL) $(CFLAGS) -c -o $@ $<

$(BUILD)/gen/builtin.c: scripts/embed.sh $(TEMPLATE_FILES)
	@mkdir -p $(dir $@)
	scripts/embed.sh $@ $(TEMPLATE_FILES)

$(BUILD)/gen/builtin.o: $(BUILD)/gen/builtin.c
	$(CC) $(CPPFLAGS) $(INTERNAL) $(CFLAGS) -c -o $@ $<

$(BUILD)/libruru.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/src/cli/webexec.o: CPPFLAGS += -DRURU_LIBEXECDIR='"$(LIBEXECDIR)"'

$(BUILD)/ruru: $(CLI_OBJ) $(BUILD)/libruru.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libruru.a $(CORE_LINK) $(LIB_LIBS_PRIVATE) \
		$(if $(filter 1,$(STATIC)),-Wl$(comma)--no-warnings)

# The same CLI with the web front end: `ruru serve` and `ruru export --html`
# run it (src/cli/webexec.c); installed in $(LIBEXECDIR).
$(BUILD)/ruru-web: $(HELPER_CLI_OBJ) $(BUILD)/libruru.a
	$(CC) $(LDFLAGS) -o $@ $(HELPER_CLI_OBJ) $(BUILD)/libruru.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libruru.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INTERNAL) $(CFLAGS) -Wno-missing-prototypes -o $@ $< $(BUILD)/libruru.a \
		$(LDFLAGS) $(LDLIBS) -lcmocka

# Unit tests of the MCP server (tests/unit/test_mcp*.c) link its objects too.
MCP_OBJ := $(filter $(BUILD)/src/mcp/%,$(CLI_OBJ))
$(BUILD)/tests/test_mcp%: tests/unit/test_mcp%.c $(BUILD)/libruru.a $(MCP_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INTERNAL) $(CFLAGS) -Wno-missing-prototypes -o $@ $< $(MCP_OBJ) \
		$(BUILD)/libruru.a $(LDFLAGS) $(LDLIBS) -lcmocka

# Race test helper: swaps two names with RENAME_EXCHANGE.
HELPER_BIN := $(BUILD)/tests/race_swap
$(BUILD)/tests/race_swap: tests/helpers/race_swap.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)

tests: $(UNIT_BIN) $(HELPER_BIN)

deps:
	@scripts/deps.sh check

# CHECK_SUITES: which suites of tests/run.sh (default: all but sanitize).
# The build runs one job per core unless make was given its own -j.
NPROC := $(shell nproc 2>/dev/null || echo 2)
JOBS_FLAG = $(if $(filter -j%,$(MAKEFLAGS) $(filter -j%,$(MFLAGS))),,-j$(NPROC))
check: deps
	$(MAKE) $(JOBS_FLAG) all tests
	BUILD=$(BUILD) tests/run.sh $(CHECK_SUITES)

demo: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/demo.sh

bench: deps
	@scripts/deps.sh bench
	$(MAKE) all
	BUILD=$(BUILD) bench/run.sh

# What a program linked against $(BUILD)/libruru.a needs (bench/toml.sh).
print-ldlibs:
	@echo $(PKG_LIBS) $(LIB_LIBS_PRIVATE)

FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_WARN = -Werror=incompatible-pointer-types -Werror=int-conversion \
	-Werror=implicit-function-declaration
FUZZ_SAN = address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS = -std=c17 -g -O1 -fsanitize=fuzzer,$(FUZZ_SAN) $(FUZZ_WARN) \
	$(CPPFLAGS) $(INTERNAL) $(PKG_CFLAGS)
MCP_SRC := $(sort $(wildcard src/mcp/*.c))
# The library and the MCP server are compiled once, instrumented for the
# fuzzer but without its main (fuzzer-no-link), into one archive that every
# target links: ten targets used to compile the whole library ten times.
FUZZ_OBJ := $(LIB_SRC:%.c=build-fuzz/obj/%.o) $(MCP_SRC:%.c=build-fuzz/obj/%.o) \
	build-fuzz/obj/gen/builtin.o
build-fuzz/gen/builtin.c: scripts/embed.sh $(TEMPLATE_FILES)
	@mkdir -p $(dir $@)
	scripts/embed.sh $@ $(TEMPLATE_FILES)
FUZZ_LIB_FLAGS = $(subst fuzzer$(comma),fuzzer-no-link$(comma),$(FUZZ_FLAGS))
build-fuzz/obj/gen/builtin.o: build-fuzz/gen/builtin.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_LIB_FLAGS) -c -o $@ $<
build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_LIB_FLAGS) -MMD -MP -c -o $@ $<
build-fuzz/libruru-fuzz.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^
build-fuzz/%: fuzz/%.c build-fuzz/libruru-fuzz.a
	@mkdir -p build-fuzz
	clang $(FUZZ_FLAGS) -MMD -MP -o $@ $< build-fuzz/libruru-fuzz.a $(PKG_LIBS) -pthread
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)

fuzz-build: $(FUZZ_BIN)
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_BIN)

# MAJOR.MINOR.PATCH from the macros of include/ruru.h
RURU_VERSION = $(shell sed -n 's/^\#define RURU_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$$/\2/p' include/ruru.h | paste -sd.)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(LIBEXECDIR)
	install -m 755 $(BUILD)/ruru $(DESTDIR)$(PREFIX)/bin/ruru
	install -m 755 $(BUILD)/ruru-web $(DESTDIR)$(LIBEXECDIR)/ruru-web
	install -m 644 include/ruru.h $(DESTDIR)$(PREFIX)/include/ruru.h
	install -m 644 $(BUILD)/libruru.a $(DESTDIR)$(PREFIX)/lib/libruru.a
	install -m 644 doc/ruru.1 $(DESTDIR)$(PREFIX)/share/man/man1/ruru.1
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(RURU_VERSION)|g' \
		-e 's|@REQUIRES@|$(LIB_REQUIRES)|g' -e 's|@REQUIRES_PRIVATE@|$(LIB_REQUIRES_PRIVATE)|g' \
		-e 's|@LIBS_PRIVATE@|$(LIB_LIBS_PRIVATE)|g' \
		doc/ruru.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ruru.pc

clean:
	rm -rf build build-san build-fuzz

.PHONY: all tests deps check demo bench fuzz fuzz-build install clean print-ldlibs
.SECONDARY:

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(WEB_OBJ:.o=.d)
