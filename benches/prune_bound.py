#!/usr/bin/env python3
"""How many matches a search could skip if the ranking pass pruned by substance (issue 7).

A search visits every match: the total is exact, and so is the top. The ranking key is
ln(1 + substance beyond the query's words) plus the text match (0.07 x BM25, plus the typed
form's lift of 2) less penalties. If documents were grouped in tiers of substance (powers of
two), a tier could be skipped once the page's threshold (the 20th key) is above the best key
any of its messages could reach: the tier's largest prior plus the largest text match. This
measures, per query, the share of matches that would still be scored, taking as the text
bound the largest text part actually seen among the query's matches (an analytic bound is
larger, so the real share would be higher still). Substance is computed as in rank.rs
(approximately: CJK characters plus Latin words, without emoji codes, @mentions and URLs; a
mention runs to white space or to the `?` the export writes for U+2005, as in rank.rs).

usage: benches/prune_bound.py BIN ARCHIVE INDEX QUERIES_FILE
"""
import json, math, re, subprocess, sys

binp, archive, index, queries = sys.argv[1:5]


def substance(t):
    t = re.sub(r'\[[^\]]{1,6}\]', '', t)
    t = re.sub(r'@[^\s?]+', '', t)
    t = re.sub(r'https?://\S+', '', t)
    return len(re.findall(r'[\u4e00-\u9fff]', t)) + len(re.findall(r'[A-Za-z0-9]+', t))


print('| query | matches | 20th key | largest text part | share still scored |')
print('| --- | --- | --- | --- | --- |')
seen = visited = 0
for q in open(queries, encoding='utf-8').read().split():
    out = subprocess.run([binp, '--archive', archive, '--index', index, 'search', '--json', '--limit', '0', q],
                         capture_output=True, text=True).stdout
    hits = [h for h in (json.loads(l) for l in out.splitlines() if l.strip()) if not h.get('near')]
    if not hits:
        continue
    qs = substance(q)
    keys = sorted((h['score'] for h in hits), reverse=True)
    theta = keys[19] if len(keys) >= 20 else -math.inf
    rows = [(substance(h['text']), h['score']) for h in hits]
    text = max(k - math.log(1 + max(0, s - qs)) for s, k in rows if k > -50)
    n = 0
    for s, _ in rows:
        top_of_tier = 2 ** (int(math.log2(s + 1)) + 1) - 2
        if math.log(1 + max(0, top_of_tier - qs)) + text >= theta:
            n += 1
    seen += len(rows)
    visited += n
    print(f'| {q} | {len(rows)} | {theta:.2f} | {text:.2f} | {n / len(rows):.2f} |')
print(f'| all | {seen} | | | {visited / seen:.2f} |')
