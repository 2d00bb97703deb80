#!/bin/sh
# nDCG@10 of `chatlore search` on a held-out set (needs.tsv, qrels.tsv in the set's folder: this
# file's folder unless `--set DIR` names another, e.g. `--set benches/heldout2`), scored by
# ../shared/eval/ndcg.py, which reads its needs and judgments from its own folder.
# usage: benches/heldout/ndcg.sh [--set DIR] BIN ARCHIVE INDEX [--pasted] [--unjudged FILE]
set -e
here=$(cd "$(dirname "$0")" && pwd)
set_dir=$here
n=$#
i=0
while [ "$i" -lt "$n" ]; do
  a=$1
  shift
  i=$((i + 1))
  if [ "$a" = --set ] && [ "$i" -lt "$n" ]; then
    set_dir=$1
    shift
    i=$((i + 1))
  else
    set -- "$@" "$a"
  fi
done
scorer=${CHATLORE_NDCG:-$here/../../../shared/eval/ndcg.py}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$scorer" "$tmp/ndcg.py"
cp "$set_dir/needs.tsv" "$set_dir/qrels.tsv" "$tmp/"
python3 "$tmp/ndcg.py" "$@"
