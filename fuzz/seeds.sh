#!/bin/sh
# seeds.sh TARGET CORPUSDIR — copy seed inputs for a fuzz target into its
# corpus: for fuzz_transcript_HOST, pieces of that host's transcripts and
# its hook payloads; for fuzz_entry, whole session logs (fuzz/seeds-entry/, the compat
# corpus' logs, fuzz/regressions/fuzz_entry/); for fuzz_mcp, the JSON-RPC sessions of fuzz/seeds/mcp/ (one
# message a line); for fuzz_search_query, the queries of fuzz/seeds-search/; for the TOML targets, the toml-test cases (TOML_TEST_DIR,
# default ../shared/toml-test), and for the edit target each gets a first
# line naming an edit.
set -eu
target=$1
corpus=$2
mkdir -p "$corpus"
if [ "$target" = fuzz_mcp ]; then
	cp "$(dirname "$0")"/seeds/mcp/*.jsonl "$corpus"/
	exit 0
fi
if [ "$target" = fuzz_search_query ]; then
	# queries of ruru search, one per file
	cp "$(dirname "$0")"/seeds-search/* "$corpus"/
	exit 0
fi
if [ "$target" = fuzz_http ]; then
	# request paths, form bodies and text to redact (ruru serve)
	cp "$(dirname "$0")"/seeds-http/* "$corpus"/
	exit 0
fi
case $target in
fuzz_transcript_*)
	# a host's saved transcripts in pieces (fuzz/seeds-transcript/HOST-*,
	# cut from tests/fixtures/transcripts/) and its hook payloads
	host=${target#fuzz_transcript_}
	cp "$(dirname "$0")"/seeds-transcript/"$host"-* "$corpus"/
	for f in "$(dirname "$0")"/../tests/fixtures/hosts/"$host"/hooks/*.json; do
		[ -f "$f" ] && cp "$f" "$corpus/hook-$(basename "$f")"
	done
	exit 0 ;;
esac
if [ "$target" = fuzz_merge ]; then
	# session-log triples BASE 0xFF OURS 0xFF THEIRS
	cp "$(dirname "$0")"/seeds-merge/* "$corpus"/
	exit 0
fi
if [ "$target" = fuzz_entry ]; then
	# whole session logs: ruru-written ones (fuzz/seeds-entry/, where a 0xFF
	# byte starts the message of an entry to append), the session logs of
	# the compat corpus (COMPAT_DIR, default ../shared/compat-corpus), and
	# the inputs of fixed findings (fuzz/regressions/fuzz_entry/)
	cp "$(dirname "$0")"/seeds-entry/* "$corpus"/
	[ -d "$(dirname "$0")/regressions/fuzz_entry" ] &&
		cp "$(dirname "$0")"/regressions/fuzz_entry/* "$corpus"/ 2>/dev/null
	n=0
	find "${COMPAT_DIR:-../shared/compat-corpus}" -name session_log.md -type f 2>/dev/null |
	sort | while IFS= read -r f; do
		n=$((n + 1))
		cp "$f" "$corpus/compat-$n"
	done
	exit 0
fi
dir=${TOML_TEST_DIR:-../shared/toml-test}
[ -d "$dir" ] || exit 0
n=0
for f in "$dir"/valid/*/*.toml "$dir"/valid/*.toml "$dir"/invalid/*/*.toml; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	case $target in
	fuzz_toml_edit)
		case $((n % 5)) in
		0) op='s  42' ;; 1) op='r ' ;; 2) op='a  "x"' ;; 3) op='m  "x"' ;; *) op='d ' ;;
		esac
		{ printf '%s\n' "$op"; cat "$f"; } > "$corpus/seed-$n" ;;
	*)
		cp "$f" "$corpus/seed-$n" ;;
	esac
done
