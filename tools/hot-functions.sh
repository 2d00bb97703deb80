#!/usr/bin/env bash
# Writes tools/hot-functions.txt: the functions a `chatlore search` process runs, which
# `tools/linker` gives lld (`--symbol-ordering-file`) to place together at the start of the
# executable's code. A search then maps about 60 fewer pages of code (each page fault costs
# 2-3 µs on the benchmark machine; see BENCHMARKS.md, "Whole-process search, session 8").
#
#   tools/hot-functions.sh BIN ARCHIVE INDEX      (BIN: a release build of chatlore)
#
# The names are the linker's (mangled, without a `.llvm.N` suffix); they keep their hash as long
# as the crate versions, features and the Rust release stay the same, so the list goes stale
# slowly (new functions are missing from it), and a stale or missing name only leaves that
# function where it would have been. Regenerate it after
# upgrading Rust or a dependency. Needs valgrind; perf, if installed, adds the variants of
# glibc's string functions this CPU picks (valgrind's emulated CPU picks others).
set -euo pipefail
bin=$1 archive=$2 index=$3
out=$(dirname "$0")/hot-functions.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
queries=("网联" "網联" "账户" "对账 差错" "--json 网联" "--limit 0 对账" "--sort newest 网联" "topic:对账 差错")
i=0
for q in "${queries[@]}"; do
  i=$((i + 1))
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --demangle=no --compress-strings=no --callgrind-out-file="$tmp/cg.$i" \
    "$bin" --archive "$archive" --index "$index" search $q >/dev/null 2>&1 || true
done
sed -n -E 's/^c?fn=(\([0-9]+\) )?//p' "$tmp"/cg.* >"$tmp/names"
if command -v perf >/dev/null 2>&1; then
  export bin archive index
  # shellcheck disable=SC2016
  perf record -q -e cpu-clock -F 20000 -o "$tmp/perf.data" -- bash -c '
    for q in "$@"; do for _ in 1 2 3 4 5 6 7 8 9 10; do
      "$bin" --archive "$archive" --index "$index" search $q >/dev/null 2>&1
    done; done' - "${queries[@]}" || true
  perf report -i "$tmp/perf.data" --stdio --sort sym --dsos "$(basename "$bin")" 2>/dev/null |
    sed -n -E 's/.*\[\.\] ([^ ]+) *$/\1/p' >>"$tmp/names" || true
fi
# Only names the executable defines (perf's are demangled for Rust; the C ones match), without
# the `.llvm.N` suffix that changes with their codegen unit (tools/linker matches them so).
unsuffixed() { sed -E 's/[.]llvm[.][0-9]+$//' | LC_ALL=C sort -u; }
nm --defined-only "$bin" | awk '$2 ~ /^[tTwW]$/ {print $3}' | unsuffixed >"$tmp/defined"
unsuffixed <"$tmp/names" | LC_ALL=C comm -12 - "$tmp/defined" >"$out"
echo "$(wc -l <"$out") functions in $out"
