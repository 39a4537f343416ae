#!/usr/bin/env bats
# layering.bats — the module graph of doc/HACKING.md:
#   - inside src/lib, the symbol graph of the object files (scripts/layers.py
#     over `nm`): no file calls a layer above its own, and no two files call
#     each other, directly or round a circle; no object calls getenv or
#     hands `environ` to a child (the front ends read the environment into
#     struct ruru_options);
#   - the front ends (src/cli, src/mcp, src/web) include ruru.h, banned.h
#     and their own headers; the CLI also the MCP and web front ends it
#     runs (`ruru mcp`, `ruru serve`); none includes a library header, and
#     they are compiled without the library's internal headers;
#   - src/lib includes only its own headers, ruru.h and banned.h.

load helpers

@test "the library's symbol graph: no call to a higher layer, no circle between files" {
	cd "$BATS_TEST_DIRNAME/../.."
	run scripts/layers.py "${BUILD:-build}"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "0 circles, 0 upward calls" ]
}

@test "the library reads no environment variable (no object of src/lib uses getenv or environ)" {
	cd "$BATS_TEST_DIRNAME/../.."
	objs=$(find "${BUILD:-build}/src/lib" -name '*.o')
	[ -n "$objs" ]
	# environ: a child gets the environment struct ruru_options gives
	run sh -c 'for o in "$@"; do nm -u "$o" | grep -qwE "(secure_)?getenv|_?_?environ" && echo "$o"; done; true' sh $objs
	echo "$output"
	[ -z "$output" ]
}

@test "layers.py sees an upward call and a circle (a fixture of three objects)" {
	cd "$BATS_TEST_DIRNAME/../.."
	d=$(mktemp -d)
	mkdir -p "$d/src/lib/base" "$d/src/lib/log"
	# base/a.c calls log/b.c (upward); log/b.c and log/c.c call each other
	printf 'int b(void);\nint a(void) { return b(); }\n' >"$d/a.c"
	printf 'int a(void); int c(void);\nint b(void) { return a() + c(); }\n' >"$d/b.c"
	printf 'int b(void);\nint c(void) { return b(); }\n' >"$d/c.c"
	cc -c -o "$d/src/lib/base/a.o" "$d/a.c"
	cc -c -o "$d/src/lib/log/b.o" "$d/b.c"
	cc -c -o "$d/src/lib/log/c.o" "$d/c.c"
	run scripts/layers.py "$d"
	rm -rf "$d"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"up: base/a.c calls log/b.c: b"* ]]
	[[ "$output" == *"circle of 3 files"* ]]
	[ "${lines[-1]}" = "1 circles, 1 upward calls" ]
}

@test "no library header in a front end, nothing of a front end in the library" {
	cd "$BATS_TEST_DIRNAME/../.."
	python3 - <<'PY'
import glob, os, re, sys
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
bad = []
lib_headers = {os.path.basename(p) for p in glob.glob('src/lib/*/*.h')}
def includes(path):
    return inc.findall(open(path, encoding='utf-8').read())
allowed = {
    'src/cli': lambda h: h in ('ruru.h', 'banned.h', 'cli.h', 'cli/cli.h', '../mcp/mcp.h',
                               'mcp/mcp.h') or h.startswith('web/'),
    'src/mcp': lambda h: h in ('ruru.h', 'banned.h', 'mcp.h', 'tools.h', 'tools_int.h',
                               'mcp/mcp.h', 'mcp/tools.h'),
    'src/web': lambda h: h in ('ruru.h', 'banned.h') or h.startswith('web/'),
}
for d, ok in allowed.items():
    for p in sorted(glob.glob(d + '/*.[ch]')):
        for h in includes(p):
            if not ok(h) or h in lib_headers or h.startswith('lib/'):
                bad.append(f'{p}: #include "{h}" (a front end uses ruru.h and its own headers)')
for p in sorted(glob.glob('src/lib/*/*.[ch]')):
    for h in includes(p):
        if h not in ('ruru.h', 'banned.h') and h not in lib_headers:
            bad.append(f'{p}: #include "{h}" (the library includes only its own headers)')
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
}

@test "the front ends are compiled without the library's internal headers (-Isrc/lib)" {
	cd "$BATS_TEST_DIRNAME/../.."
	# every object (library and front ends) is made by one pattern rule;
	# only the unit tests and the fuzz targets add $(INTERNAL)
	rule=$(sed -n '/^\$(BUILD)\/%\.o: %\.c/,/^$/p' Makefile)
	[ -n "$rule" ]
	! grep -q 'INTERNAL\|src/lib' <<<"$rule"
	! grep -q '^CPPFLAGS.*src/lib' Makefile
}

@test "every error record in a function starts cleared (its file name is kept across ruru_error_set)" {
	cd "$BATS_TEST_DIRNAME/../.."
	# A record declared without "= { 0 }" carried an uninitialised file
	# name into a refusal once (valgrind.sh's symlinked .gitignore case).
	# The library, the front ends, the unit tests and the fuzz targets;
	# a member of a struct definition is not a record of a function.
	run python3 - <<'PY'
import glob, re
decl = re.compile(r'^\s+struct ruru_error [a-z_]+( *, *[a-z_]+)*;')
for p in sorted(glob.glob('src/**/*.c', recursive=True) + glob.glob('tests/**/*.c', recursive=True) +
                glob.glob('fuzz/*.c')):
    member = False
    for n, line in enumerate(open(p, encoding='utf-8'), 1):
        if re.match(r'(typedef )?struct [a-z_]+ \{', line):
            member = True
        elif member and line.startswith('}'):
            member = False
        elif not member and decl.match(line):
            print(f'{p}:{n}: {line.rstrip()}')
PY
	[ "$status" -eq 0 ]
	[ -z "$output" ] || { echo "$output"; false; }
}

@test "every C file of src/ includes banned.h (the unsafe libc calls are compile errors)" {
	cd "$BATS_TEST_DIRNAME/../.."
	run grep -L '^#include "banned.h"' $(find src -name '*.c')
	[ -z "$output" ] || { echo "$output"; false; }
}

@test "ruru.h stands alone: no <jansson.h>, results named struct json_t, a program with only ruru.h compiles" {
	cd "$BATS_TEST_DIRNAME/../.."
	run grep -n 'jansson' include/ruru.h
	[[ "$output" != *'#include'* ]] || { echo "$output"; return 1; }
	# every JSON value is a struct json_t: the typedef json_t is jansson's, not ruru.h's
	run sh -c "grep -nE '(^|[^_[:alnum:]])json_t[[:space:]]*\\*' include/ruru.h | grep -v 'struct json_t'"
	[ -z "$output" ] || { echo "$output"; return 1; }
	printf '#include "ruru.h"\nint main(void)\n{\n\tstruct ruru_confirm_list *l = 0;\n\tstruct json_t *j = 0;\n\treturn l || j || ruru_version_number() < 0;\n}\n' > "$BATS_TEST_TMPDIR/alone.c"
	cc -std=c17 -Wall -Wextra -Werror -Iinclude -fsyntax-only "$BATS_TEST_TMPDIR/alone.c"
}
