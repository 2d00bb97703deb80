#!/usr/bin/env python3
"""A pasted question's own key terms counted in a message, cross-validated (BENCHMARKS.md,
*Relevance, session 20*).

usage: benches/paste_cv.py BIN ARCHIVE INDEX KEYS [--cache FILE] [--sets DIR,DIR,...]

BIN must be a binary without the feature (main before session 20's `paste21`), or the
re-sorts count it twice. KEYS is a TSV of `KEY<TAB>need<TAB>term<TAB>weight` rows: each need's
pasted question's key terms and weights as the binary ranks them (`State::question_keys`: the
key's own weight times its rarity); `benches/paste-keys.tsv` holds them for the real archive,
printed by a throwaway test calling `question_keys` on main's index of 2026-12-06. For each of the 20 judged needs' pasted runs it re-sorts the binary's ranking
(rerank_cv.py's harness, which reproduces the binary's pages exactly) by
key + w * feature, where the feature counts the question's key terms in the message:
- kcount:  ln(1 + sum of counts) over the keys (unweighted);
- kwcount: ln(1 + sum of weight * count / total weight) (rarity-weighted, as cover is);
- kwlog:   sum of weight / total * ln(1 + count);
- kwextra: ln(1 + sum of weight * (count - 1) / total) over the keys present (mentions beyond cover);
- kwraw:   ln(1 + sum of weight * count) (not normalised);
- kwlog_capN: kwlog with each count at most N (what the binary computes, N = 9, so that the
  key stays bounded and a search still prunes);
- typedforms: session 14's feature (the typed query's words and glossary forms), for reference.
w is chosen by leave-one-need-out cross-validation over the 20 needs (each need scored with
the weight that does best on the other 19), then nested: the feature AND its weight chosen on
the other 19 (session 14's typed-forms feature left out: a pasted question does not give it).
Typed runs are not re-ranked (the feature is for questions only).
"""
import collections, math, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rerank_cv as rc  # noqa: E402

GRID = [round(0.2 * i, 1) for i in range(0, 21)]


def counts(text, keys):
    t = text.lower()
    return [(w, t.count(k.lower())) for k, w in keys]


def feats(h, keys, forms):
    cs = counts(h['text'], keys)
    tot = sum(w for w, _ in cs) or 1.0
    tl = h['text'].lower()
    return {
        'kcount': math.log(1 + sum(c for _, c in cs)),
        'kwcount': math.log(1 + sum(w * c for w, c in cs) / tot),
        'kwlog': sum(w / tot * math.log(1 + c) for w, c in cs),
        'kwextra': math.log(1 + sum(w * (c - 1) for w, c in cs if c) / tot),
        'kwraw': math.log(1 + sum(w * c for w, c in cs)),
        'kwlog_cap5': sum(w / tot * math.log(1 + min(c, 5)) for w, c in cs),
        'kwlog_cap9': sum(w / tot * math.log(1 + min(c, 9)) for w, c in cs),
        'kwlog_cap3': sum(w / tot * math.log(1 + min(c, 3)) for w, c in cs),
        'typedforms': math.log(1 + sum(len(re.findall(re.escape(x.lower()), tl)) for x in forms)),
    }


def main():
    args = sys.argv[1:]
    if len(args) < 4:
        sys.exit(__doc__)
    binp, archive, index, keyfile = args[:4]
    data, _ = rc.cached_fetch(binp, archive, index, args)
    keys = rc.question_keys(keyfile)
    g = rc.grades()
    lists = {}
    for q, hits, near, r in rc.pasted_runs(data):
        lists[q] = (hits[:rc.TOP], near, [feats(h, keys[q], r['forms']) for h in hits[:rc.TOP]])
    qids = sorted(lists)
    names = sorted(next(iter(lists.values()))[2][0])
    memo = {}

    def score(name, w, q):
        if (name, w, q) not in memo:
            hits, near, fs = lists[q]
            key = [h['score'] + w * f[name] for h, f in zip(hits, fs)]
            ranked = [hits[i] for i in sorted(range(len(hits)), key=lambda i: (-key[i], i))]
            page = ([ranked[i] for i in rc.layout(ranked)] + near)[:10]
            memo[(name, w, q)] = (rc.ndcg(page, g[q]), [(q, h['path'], h['line']) for h in page
                                                         if (h['path'], h['line']) not in g[q]])
        return memo[(name, w, q)]

    def mean(name, w, qs):
        return sum(score(name, w, q)[0] for q in qs) / len(qs)

    def line(label, per):
        rc.per_set_line(label, per, qids, 46)

    unjudged = set()
    line('baseline (the binary\'s order)', {q: score(names[0], 0.0, q) for q in qids})
    per_need = {}
    for name in names:
        per, picked = {}, collections.Counter()
        for q in qids:
            train = [o for o in qids if o != q]
            w = max(GRID, key=lambda x: (round(mean(name, x, train), 9), -x))
            picked[w] += 1
            per[q] = score(name, w, q)
            unjudged.update(per[q][1])
        per_need[name] = per
        line(f'{name}, LOO weight {dict(picked.most_common(3))}', per)
        for x in (0.4, 0.8, 1.2, 1.6, 2.0):
            fixed = {q: score(name, x, q) for q in qids}
            line(f'    {name} fixed +{x}', fixed)
    per, picked = {}, collections.Counter()
    for q in qids:
        train = [o for o in qids if o != q]
        n, w = max(((n, x) for n in names if n != 'typedforms' for x in GRID),
                   key=lambda c: (round(mean(c[0], c[1], train), 9), -c[1]))
        picked[(n, w)] += 1
        per[q] = score(n, w, q)
    line('nested LOO over the own-key features', per)
    print('    chosen:', dict(picked.most_common(4)))
    print('per need (baseline, then each feature at its LOO weight):')
    print('need\tbase\t' + '\t'.join(names))
    for q in qids:
        print(q + '\t%.2f\t' % score(names[0], 0.0, q)[0] + '\t'.join('%.2f' % per_need[n][q][0] for n in names))
    for u in sorted(unjudged):
        print('unjudged in a top ten:', *u)


if __name__ == '__main__':
    main()
