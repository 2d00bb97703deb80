#!/usr/bin/env bash
# Whether two chatlore binaries print the same search results, byte for byte: `search --json`
# and the coloured human output (stdout, and stderr with its timing figure masked) for the
# terms of ../shared/queries.txt and for OR, traditional, full-width, pasted-question,
# filtered, `--limit 0` and `--sort newest` queries.
#
#   benches/same_output.sh OLD_BIN NEW_BIN ARCHIVE INDEX [NEW_INDEX]
#
# NEW_INDEX (default INDEX) is the index NEW_BIN reads: binaries of two schema versions each
# rebuild an index of the other's, so they need one each.
# Prints each query that differs and exits 1 if any does; 0 when all are identical.
set -u
old=$1 new=$2 archive=$3 index=$4 new_index=${5:-$4}
queries=$(dirname "$0")/../../shared/queries.txt
list=()
while IFS= read -r q; do [ -n "$q" ] && list+=("$q"); done < "$queries"
list+=(
  "網联" "結售匯" "對帳單" "ＰＯＳ" "Ｔ＋１" "网联，对账" "拒付 OR 调单" "网联|银联" "routing" "NetsUnion"
  "chargeback" "对账 差错" "账户" "=网联" "长款短款差错怎么处理" "二清是什么意思？" "对账 -跨境"
  "from:龚晓冬 对账" "date:2018 网联" "topic:对账 差错" "\"快捷 支付\"" "T+1" "乾"
)
flags=("" "--limit 0" "--sort newest" "--limit 5 --sort oldest")
run() { # BIN INDEX FORMAT-FLAGS QUERY EXTRA-FLAGS
  local bin=$1 index=$2 fmt=$3 q=$4 extra=$5
  # shellcheck disable=SC2086
  "$bin" --archive "$archive" --index "$index" search $fmt $extra -- $q 2>&1 >/dev/null |
    sed -E 's/, [0-9.]+ ms$/, N ms/'
  # shellcheck disable=SC2086
  "$bin" --archive "$archive" --index "$index" search $fmt $extra -- $q 2>/dev/null
  echo "exit $?"
}
diffs=0 n=0
for q in "${list[@]}"; do
  for extra in "${flags[@]}"; do
    for fmt in "--json" "--color always"; do
      n=$((n + 1))
      if ! cmp -s <(run "$old" "$index" "$fmt" "$q" "$extra") <(run "$new" "$new_index" "$fmt" "$q" "$extra"); then
        echo "DIFFERS: search $fmt $extra -- $q"
        diffs=$((diffs + 1))
      fi
    done
  done
done
echo "$n runs, $((${#list[@]})) queries: $diffs differ"
[ "$diffs" -eq 0 ]
