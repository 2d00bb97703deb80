#!/usr/bin/env python3
"""nDCG@3 of `chatlore discussions` on hand-judged discussions (0 off topic or in passing, 1
touches the need, 2 discusses it substantively); an unjudged discussion counts 0 and is counted.

usage: benches/discussion_ndcg.py BIN ARCHIVE INDEX benches/discussion-qrels.tsv ../shared/eval/needs.tsv
"""
import collections, json, math, subprocess, sys
binp, archive, index, qrels, needs = sys.argv[1:6]
g = collections.defaultdict(dict)
for line in list(open(qrels, encoding='utf-8'))[1:]:
    n, p, s, gr = line.rstrip('\n').split('\t')
    g[n][(p, int(s))] = int(gr)
dcg = lambda gs: sum(x / math.log2(i + 2) for i, x in enumerate(gs))
tot, unj = 0.0, 0
for line in list(open(needs, encoding='utf-8'))[1:]:
    qid, _, query = line.rstrip('\n').split('\t')
    out = subprocess.run([binp, '--archive', archive, '--index', index, 'discussions', '--json', '--limit', '3', *query.split()], capture_output=True, text=True).stdout
    ds = [json.loads(l) for l in out.splitlines() if l.strip()]
    gs = [g[qid].get((d['path'], d['start_line'])) for d in ds]
    unj += sum(x is None for x in gs)
    n = dcg([x or 0 for x in gs]) / dcg(sorted(g[qid].values(), reverse=True)[:3])
    tot += n
    print(f'{qid} {query:12} nDCG@3 {n:.2f}')
print(f'mean nDCG@3 {tot / 10:.3f}  unjudged {unj}')
