#!/usr/bin/env python3
"""Draws the topic-judgment samples of BENCHMARKS.md (Topics), reproducibly.

usage: topic-sample.py SEED TAGGED.ndjson UNTAGGED.ndjson EXCLUDE.tsv[:LABEL,LABEL…]…
  TAGGED.ndjson, UNTAGGED.ndjson: `chatlore export --ndjson` of the real archive by the binary whose
    tags are judged (precision) and whose untagged messages are judged (recall); the same file
    twice, or the old binary's export for the recall rows of a before/after measure.
  EXCLUDE.tsv: judgment files whose (path, line) rows are never drawn again; `:LABELS` keeps only
    rows whose first column is one of those sample labels (the samples that existed at the time).
Prints tab-separated rows: sample kind, i, topic, path, line — 10 tagged messages per topic (in
taxonomy order) then 200 untagged ones, all drawn with one random.Random(SEED) in that order.
2026-12: seed 20261205 (old export twice; excluding ../shared/eval/topic-judgments.tsv and
topic-judgments-2026-11.tsv), 20261206 (new tags, old untagged; also -2026-12.tsv:precision1,recall1),
20261207 (final export twice; also -2026-12.tsv:precision1,recall1,precision2,recall2).
Sample 4 (session 11): seed 20261208, the export of d72feb8 twice, excluding
../shared/eval/topic-judgments.tsv, topic-judgments-2026-11.tsv and
-2026-12.tsv:precision1,recall1,precision2,recall2,precision3,recall3.
Sample 5 (session 12): seed 20261213, the export of the session-12 taxonomy (branch topics13) twice,
excluding ../shared/eval/topic-judgments.tsv, topic-judgments-2026-11.tsv and all of -2026-12.tsv
(precision1 to recall4).
"""
import json, random, sys

TOPICS = ["routing", "cross-border", "reconciliation", "netsunion", "clearing", "acquiring", "risk",
          "accounts", "licensing", "refunds", "qr", "collection", "cards", "architecture"]

def main(seed, tagged, untagged, *excludes):
    excl = set()
    for spec in excludes:
        path, _, labels = spec.partition(':')
        keep = set(labels.split(',')) if labels else None
        for line in open(path, encoding='utf-8'):
            c = line.rstrip('\n').split('\t')
            if keep is not None and c[0] not in keep:
                continue
            for i in range(len(c) - 1):
                if c[i].endswith('.markdown') and c[i + 1].isdigit():
                    excl.add((c[i], int(c[i + 1])))
    load = lambda f: [json.loads(l) for l in open(f, encoding='utf-8')]
    tagged, untagged = load(tagged), load(untagged)
    rng = random.Random(int(seed))
    rows = []
    for t in TOPICS:
        pool = [m for m in tagged if t in m['topics'] and (m['path'], m['line']) not in excl]
        rows += [(t, m) for m in rng.sample(pool, 10)]
    for i, (t, m) in enumerate(rows):
        print('precision', i, t, m['path'], m['line'], sep='\t')
    pool = [m for m in untagged if not m['topics'] and (m['path'], m['line']) not in excl]
    for i, m in enumerate(rng.sample(pool, 200)):
        print('recall', i, '-', m['path'], m['line'], sep='\t')

if __name__ == '__main__':
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
