#!/bin/sh
# toml.sh — TOML decode throughput of ruru, toml++ and Python's tomllib on
# the same generated document (>= 5 MB), median of several runs each, the
# ratios, and ruru's peak memory against the input size.
set -eu
BUILD=${BUILD:-build}
out=$BUILD/bench
mkdir -p "$out"
CC=${CC:-cc}
doc=$out/doc.toml
python3 bench/gen_doc.py "$doc" "${BENCH_TOML_MB:-6}"
# libruru.a's own dependencies (libcrypto, jansson, sqlite3...), from the Makefile
libs=$(make -s --no-print-directory print-ldlibs)
$CC -std=c17 -O2 -D_GNU_SOURCE -Iinclude -o "$out/toml_bench" bench/toml_bench.c "$BUILD/libruru.a" $libs -lm
g++ -std=c++17 -O2 -o "$out/tomlpp_bench" bench/tomlpp_bench.cpp
runs=${BENCH_RUNS:-7}
bytes=$(wc -c < "$doc")
mbs() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.1f", b / t / 1e6 }'; }
t_ruru=$("$out/toml_bench" "$doc" "$runs")
t_tpp=$("$out/tomlpp_bench" "$doc" "$runs")
t_py=$(python3 bench/tomllib_bench.py "$doc" "$(( (runs + 1) / 2 ))")
echo "toml decode, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB document, median of $runs runs:"
printf '  %-8s %8s MB/s\n' ruru "$(mbs "$t_ruru")" "toml++" "$(mbs "$t_tpp")" tomllib "$(mbs "$t_py")"
awk -v a="$t_ruru" -v b="$t_tpp" -v c="$t_py" \
	'BEGIN { printf "  ruru/toml++ %.2fx   ruru/tomllib %.1fx\n", b / a, c / a }'
if [ -x /usr/bin/time ]; then
	rss=$(/usr/bin/time -v "$out/toml_bench" "$doc" 1 2>&1 >/dev/null |
		sed -n 's/.*Maximum resident set size (kbytes): //p')
	awk -v r="$rss" -v b="$bytes" \
		'BEGIN { printf "  ruru peak memory %.1f MB = %.2fx the input (input read + document)\n", r * 1024 / 1e6, r * 1024 / b }'
fi
