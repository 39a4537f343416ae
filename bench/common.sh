# common.sh — what the bench scripts share, sourced from the repository's
# top (`. bench/common.sh`): RURU, the binary under test in $BUILD
# (default build); out, a scratch folder removed on exit (a script that
# starts more replaces the trap); and peak_kb.
BUILD=${BUILD:-build}
RURU="$PWD/$BUILD/ruru"
out=$(mktemp -d "${TMPDIR:-/tmp}/ruru-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT

# The peak memory in kB (/usr/bin/time -v, "Maximum resident set size") of
# each of $1 runs of the command that follows, one a line; the command's
# output is dropped.
peak_kb() {
	peak_n=$1
	shift
	peak_i=0
	while [ "$peak_i" -lt "$peak_n" ]; do
		/usr/bin/time -v "$@" 2>&1 >/dev/null |
			sed -n 's/.*Maximum resident set size (kbytes): //p'
		peak_i=$((peak_i + 1))
	done
}
