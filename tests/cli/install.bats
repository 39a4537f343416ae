#!/usr/bin/env bats
# install.bats — the library as a third party gets it: `make install` into a
# throwaway DESTDIR, then a small C program built against the installed
# header and library with `pkg-config --static` only (no path of this tree).
# It calls ruru_reindex (SQLite) and ruru_session_new, and compares the
# version macros with the library it runs with.

load helpers

setup() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	D=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ruru-install.XXXXXX")
}

teardown() {
	rm -rf "$D"
}

@test "a program builds and runs against the installed library with pkg-config --static" {
	# under the sanitizer suite the installed library is the sanitized one
	san=() cflags=()
	if [ "${BUILD:-build}" = build-san ]; then
		san=(SANITIZE=1)
		cflags=(-fsanitize=address,undefined)
	fi
	make -s -C "$TOP" install "${san[@]}" BUILD="${BUILD:-build}" DESTDIR="$D/dest" PREFIX=/opt/ruru >/dev/null
	pc="$D/dest/opt/ruru/lib/pkgconfig"
	[ -f "$pc/ruru.pc" ]
	grep -q '^Requires: jansson$' "$pc/ruru.pc"
	grep -q '^Requires.private: .*sqlite3' "$pc/ruru.pc"
	cat >"$D/prog.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <ruru.h>

#if RURU_VERSION_NUMBER != RURU_VERSION_MAJOR * 10000 + RURU_VERSION_MINOR * 100 + RURU_VERSION_PATCH
#error "RURU_VERSION_NUMBER"
#endif

int main(int argc, char **argv)
{
	struct ruru_error err = { 0 };
	if (argc != 2 || ruru_version_number() != RURU_VERSION_NUMBER)
		return 2;
	if (ruru_ws_init(argv[1], &err) < 0)
		return 3;
	struct ruru_ws *ws = ruru_ws_open(argv[1], &err);
	if (!ws)
		return 3;
	struct ruru_new o = { .goal = "from a program" };
	char *id = ruru_session_new(ws, &o, &err);
	struct ruru_index_stats st;
	if (!id || ruru_reindex(ws, &st, &err) < 0 || st.sessions != 1) {
		fprintf(stderr, "%s\n", err.msg);
		return 4;
	}
	printf("%s %s\n", ruru_version(), id);
	free(id);
	ruru_ws_free(ws);
	return 0;
}
C
	export PKG_CONFIG_PATH="$pc"
	flags=$(pkg-config --define-variable=prefix="$D/dest/opt/ruru" --static --cflags --libs ruru)
	cc -std=c17 -Wall -Werror "${cflags[@]}" -o "$D/prog" "$D/prog.c" $flags
	mkdir "$D/ws"
	RURU_NOW=2026-11-24T03:15:20Z run "$D/prog" "$D/ws"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "$("$TOP/${BUILD:-build}/ruru" --version | cut -d' ' -f2) SESSION-"* ]]
}
