#!/usr/bin/env bats
# layering.bats — the module graph of doc/HACKING.md, checked on the
# #include lines (with -Werror, a call needs its declaration, so the
# includes are the call graph between modules):
#   - src/lib includes only its own headers, ruru.h and banned.h: nothing
#     of a front end;
#   - the front ends (src/cli, src/mcp, src/web) include ruru.h, banned.h
#     and their own headers; the CLI also the MCP and web front ends it
#     runs (`ruru mcp`, `ruru serve`); none includes a library header;
#   - inside src/lib, no module includes one above it on the spine
#     base < store < workspace, entry < logtx < the verbs.

load helpers

@test "no upward or sideways #include between the library and the front ends, nor up the library's spine" {
	cd "$BATS_TEST_DIRNAME/../.."
	python3 - <<'PY'
import glob, os, re, sys
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
bad = []
lib_headers = {os.path.basename(p) for p in glob.glob('src/lib/*/*.h')}
def includes(path):
    return inc.findall(open(path, encoding='utf-8').read())
# the front ends
allowed = {
    'src/cli': lambda h: h in ('ruru.h', 'banned.h', 'cli.h', 'cli/cli.h', '../mcp/mcp.h',
                               'mcp/mcp.h') or h.startswith('web/'),
    'src/mcp': lambda h: h in ('ruru.h', 'banned.h', 'mcp.h', 'tools.h', 'mcp/mcp.h',
                               'mcp/tools.h'),
    'src/web': lambda h: h in ('ruru.h', 'banned.h') or h.startswith('web/'),
}
for d, ok in allowed.items():
    for p in sorted(glob.glob(d + '/*.[ch]')):
        for h in includes(p):
            if not ok(h) or h in lib_headers or h.startswith('lib/'):
                bad.append(f'{p}: #include "{h}" (a front end uses ruru.h and its own headers)')
# the library
rank = {  # the spine; headers not named are the verbs' (4)
    'alloc.h': 0, 'timestamp.h': 0, 'text.h': 0, 'toml_impl.h': 0, 'builtin.h': 0,
    'fmkeys.h': 0, 'jsonedit.h': 0,
    'store.h': 1, 'workspace.h': 2, 'entry.h': 2, 'entry_impl.h': 2, 'logtx.h': 3,
}
own = {  # .c files without a header of their own name sit here
    'buf.c': 0, 'error.c': 0, 'time.c': 0, 'text.c': 0, 'toml.c': 0, 'toml_edit.c': 0,
    'frontmatter.c': 0, 'redact.c': 0, 'run.c': 0, 'event.c': 0, 'fmkeys.c': 0,
    'jsonedit.c': 0, 'store.c': 1, 'workspace.c': 2, 'entry.c': 2, 'entry_read.c': 2, 'logtx.c': 3,
}
exceptions = {('buf.c', 'store.h')}  # the public ruru_buf_read_file() reads through the store
for p in sorted(glob.glob('src/lib/*/*.[ch]')):
    name = os.path.basename(p)
    me = own.get(name, rank.get(name, 4))
    for h in includes(p):
        if h in ('ruru.h', 'banned.h'):
            continue
        if h not in lib_headers:
            bad.append(f'{p}: #include "{h}" (the library includes only its own headers)')
        elif rank.get(h, 4) > me and (name, h) not in exceptions:
            bad.append(f'{p}: #include "{h}" (up the spine: {name} is below {h})')
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
	run grep -rnE --include='*.c' $'^\t+struct ruru_error [a-z_]+( *, *[a-z_]+)*;' src
	[ "$status" -eq 1 ] || { echo "$output"; false; }
}
