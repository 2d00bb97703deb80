#!/usr/bin/env python3
"""Report the context-free grades of a pool made by pool.py.

usage: benches/contextfree/score.py OUT_DIR
The decoys' agreement with the owners' grades, then each side's mean grade: the hits the new
ranking brings into the top tens and those it takes out.
"""
import collections, glob, json, os, sys

out = sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__)
grades = {}
for f in glob.glob(os.path.join(out, 'grades*.tsv')):
    for line in open(f, encoding='utf-8'):
        p = line.rstrip('\n').split('\t')
        if len(p) >= 2 and p[1].strip() in ('0', '1', '2'):
            grades[p[0].strip()] = int(p[1])
items = json.load(open(os.path.join(out, 'key.json'), encoding='utf-8'))
missing = [it['id'] for it in items if it['id'] not in grades]
if missing:
    sys.exit(f'{len(missing)} items have no grade, e.g. {missing[:5]}')
pairs = collections.Counter((int(it['src'][-1]), grades[it['id']]) for it in items if it['src'].startswith('decoy'))
print('decoys (owners, helper):', sorted(pairs.items()), '; agree', sum(v for (a, b), v in pairs.items() if a == b),
      'of', sum(pairs.values()), '; two apart', sum(v for (a, b), v in pairs.items() if abs(a - b) == 2))
for side, name in (('new', 'brought in'), ('old', 'taken out')):
    g = [grades[it['id']] for it in items if it['src'] == side]
    print(f'{name}: {len(g)} hits, mean grade {sum(g) / max(1, len(g)):.3f}', dict(sorted(collections.Counter(g).items())))
