#!/bin/sh
# nDCG@10 of `chatlore search` on the held-out needs (needs.tsv, qrels.tsv beside this file),
# scored by ../shared/eval/ndcg.py, which reads its needs and judgments from its own folder.
# usage: benches/heldout/ndcg.sh BIN ARCHIVE INDEX [--pasted] [--unjudged FILE]
set -e
here=$(cd "$(dirname "$0")" && pwd)
scorer=${CHATLORE_NDCG:-$here/../../../shared/eval/ndcg.py}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$scorer" "$tmp/ndcg.py"
cp "$here/needs.tsv" "$here/qrels.tsv" "$tmp/"
python3 "$tmp/ndcg.py" "$@"
