#!/usr/bin/env python3
"""How TYPICAL a match is of what the archive says about the query: a relevance model
(pseudo-relevance feedback, RM3-style) as a re-ranking feature (BENCHMARKS.md, *Relevance,
session 22 (helper `prf24`)*), on `benches/rerank_cv.py`'s harness (its page layout, grades,
cache and `--sets`).

usage: benches/prf_cv.py BIN ARCHIVE INDEX [--cache FILE] [--sets DIR,DIR,...] [--sensitivity]
       benches/prf_cv.py BIN ARCHIVE INDEX [--cache FILE] --set DIR --top VARIANT BETA

The model. For a query's list (typed or pasted), the feedback set F is its first N hits in the
binary's order (or all of them). Each message is cut into terms: character bigrams of its CJK
runs and its lower-cased Latin words, after the query's own forms (the typed words and their
glossary forms, as the binary reports them) are blanked out, and after the substance cleaning
of `rerank_cv.substance` (emoticons, @mentions, links). A term's weight is its KL contribution
p_F(w) * ln(p_F(w) / p_A(w)), where p_F is its document frequency in F over the sum of
document frequencies in F and p_A the same over the whole archive (every message); only terms
in at least 3 messages of F count, and only the K of largest weight. A message's typicality:
- raw: the weights of the top-K terms it holds, over the sum of the top-K weights (0..1);
- cos: the same sum over sqrt(its number of distinct terms) * the weights' Euclidean norm (0..1).
Each of the first 600 hits is re-sorted by key + BETA * typicality, the page laid out as the
binary does, nDCG@10 scored as ndcg.py does (unjudged hits count 0 and are listed).

The variants, declared before any was scored (14:35 UTC, Dec 6):
  V1  N = 50,  K = 30,  raw
  V2  N = 50,  K = 100, raw
  V3  N = all, K = 50,  raw
  V4  N = 50,  K = 50,  cos
  V5  N = all, K = 50,  cos
BETA on the grid 0.25, 0.5, 1, 1.5, 2, 3, 4 (0 = the binary's order always a choice). Reported,
typed and pasted, per set (dev, held-out, held-out2, held-out3):
- each variant at each BETA (all 38 needs, not validated: for reading only);
- each variant with BETA chosen by leave-one-need-out over all the needs read (chosen on the
  others, scored on the one left out);
- nested leave-one-need-out: variant AND BETA chosen on the others (the honest figure).
`--top VARIANT BETA` prints instead that rule's top ten (typed) for every need of the sets read
(`--set DIR`: one held-out set alone, e.g. `--set benches/heldout4 --top V3 3`), a line per hit
(need, rank, path, header line, grade or `-` when unjudged), then the set's typed nDCG@10 in the
binary's order and under the rule (unjudged hits count 0), for judging or for scoring on a set
nobody tuned on. A set's qrels.tsv may be missing (every hit is then unjudged).
`--sensitivity` prints instead V3 at beta 2 and 3 beside five settings near it (`SENSITIVITY`),
read after the choice and never chosen among.
Standard library only.
"""
import collections, math, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rerank_cv as rc  # noqa: E402

VARIANTS = {'V1': (50, 30, 'raw'), 'V2': (50, 100, 'raw'), 'V3': (None, 50, 'raw'),
            'V4': (50, 50, 'cos'), 'V5': (None, 50, 'cos')}
# After the choice (benches/prf24-choice.md), read only, never chosen among (`--sensitivity`):
# V3 with its feedback the first 600 hits (what a build re-sorting the first 600 would read),
# with K 30 or 100, with terms in at least 2 or 5 matches.
SENSITIVITY = {'V3-first600': (600, 50, 'raw', 3), 'V3-K30': (None, 30, 'raw', 3), 'V3-K100': (None, 100, 'raw', 3),
               'V3-df2': (None, 50, 'raw', 2), 'V3-df5': (None, 50, 'raw', 5)}
BETAS = [0.25, 0.5, 1, 1.5, 2, 3, 4]
MIN_DF = 3
CJK = re.compile(r'[\u4e00-\u9fff\u3400-\u4dbf]+')
LATIN = re.compile(r'[a-z0-9_]+')


def clean(text, forms=()):
    t = re.sub(r'\[[0-9A-Za-z\u4e00-\u9fff]{1,6}\]', ' ', text)
    t = re.sub(r'@\S*?(\?|\s|$)', ' ', t)
    t = re.sub(r'(https?://|www\.)\S+', ' ', t).lower()
    for f in sorted(forms, key=len, reverse=True):
        if f:
            t = t.replace(f.lower(), ' ')
    return t


def terms(text, forms=()):
    """The distinct terms of `text`: CJK bigrams (a lone CJK character counts as itself) and
    Latin words, the query's `forms` blanked out first."""
    t = clean(text, forms)
    out = set(LATIN.findall(t))
    for run in CJK.findall(t):
        if len(run) == 1:
            out.add(run)
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


def background(archive):
    """({term: messages holding it}, sum of those counts) over every message of the archive."""
    logs, df = rc.Logs(archive), collections.Counter()
    for root, _, files in os.walk(archive):
        for f in files:
            if f.endswith('.markdown'):
                for m in logs(os.path.relpath(os.path.join(root, f), archive)):
                    df.update(terms(m['text']))
    return df, sum(df.values())


def model(hits, forms, n, k, bg, min_df=MIN_DF):
    """The top-`k` {term: weight} of the first `n` hits (all when `n` is None), counting terms
    in at least `min_df` of them."""
    df_a, tot_a = bg
    fb = hits if n is None else hits[:n]
    df = collections.Counter()
    for h in fb:
        df.update(terms(h['text'], forms))
    tot = sum(df.values()) or 1
    w = {}
    for t, c in df.items():
        if c >= min_df and df_a.get(t):
            p = c / tot
            v = p * math.log(p / (df_a[t] / tot_a))
            if v > 0:
                w[t] = v
    return dict(sorted(w.items(), key=lambda x: -x[1])[:k])


def typicality(hits, forms, weights, norm):
    s = sum(weights.values()) or 1.0
    l2 = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    out = []
    for h in hits:
        ts = terms(h['text'], forms)
        got = sum(weights.get(t, 0.0) for t in ts)
        out.append(got / s if norm == 'raw' else got / (l2 * math.sqrt(max(1, len(ts)))))
    return out


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    binp, archive, index = args[:3]
    only = None
    if '--set' in args:
        d = os.path.abspath(args[args.index('--set') + 1])
        only = {q for q, _, _ in rc.tsv(os.path.join(d, 'needs.tsv'))}
        args = args + ['--sets', d]
    rc.use_sets(args)
    data, _ = rc.cached_fetch(binp, archive, index, args)
    g = rc.grades()
    qids = [q for q, _, _ in rc.needs()]
    missing = [q for q in qids if q + '/typed' not in data]
    if missing:
        sys.exit(f'the cache holds no lists for {", ".join(missing)}: run without --cache (or with a new file)')
    bg = background(archive)
    lists = {}
    for k, r in sorted(data.items()):
        q, mode = k.split('/')
        if q not in qids:
            continue
        hits = [h for h in r['0'] if 'path' in h]
        near = [h for h in r['10'] if h.get('near')]
        page = [hits[i] for i in rc.layout(hits)] + near
        assert [(h['path'], h['line']) for h in page[:10]] == [(h['path'], h['line']) for h in r['10'] if 'path' in h], k
        typ = {}
        for v, (n, kk, norm, *mdf) in {**VARIANTS, **(SENSITIVITY if '--sensitivity' in args else {})}.items():
            typ[v] = typicality(hits[:rc.TOP], r['forms'], model(hits, r['forms'], n, kk, bg, *mdf), norm)
        lists[k] = (hits[:rc.TOP], near, typ)

    def page_of(k, v, beta):
        hits, near, typ = lists[k]
        keys = [h['score'] + (beta * typ[v][i] if v else 0.0) for i, h in enumerate(hits)]
        order = sorted(range(len(hits)), key=lambda i: (-keys[i], i))
        ranked = [hits[i] for i in order]
        return ([ranked[i] for i in rc.layout(ranked)] + near)[:10]

    if '--top' in args:
        v, beta = args[args.index('--top') + 1], float(args[args.index('--top') + 2])
        shown = [q for q in qids if only is None or q in only]
        per = {}
        for q in shown:
            p = page_of(q + '/typed', v, beta)
            for i, h in enumerate(p, 1):
                print(q, i, h['path'], h['line'], g[q].get((h['path'], h['line']), '-'), sep='\t')
            per[q] = (rc.ndcg(p, g[q]), [h for h in p if (h['path'], h['line']) not in g[q]])
        base = {}
        for q in shown:
            p = page_of(q + '/typed', None, 0.0)
            base[q] = (rc.ndcg(p, g[q]), [h for h in p if (h['path'], h['line']) not in g[q]])
        print('# per need, the binary\'s order > the rule:', ' '.join(f'{q} {base[q][0]:.2f}>{per[q][0]:.2f}' for q in shown))
        rc.per_set_line('# typed nDCG@10, the binary\'s order', base, shown, 40)
        rc.per_set_line(f'# typed nDCG@10, {v} beta {beta}', per, shown, 40)
        return

    memo = {}

    def scores(v, beta, mode):
        key = (v, beta, mode)
        if key not in memo:
            res = {}
            for q in qids:
                p = page_of(q + '/' + mode, v, beta)
                res[q] = (rc.ndcg(p, g[q]), [(q, h['path'], h['line']) for h in p if (h['path'], h['line']) not in g[q]])
            memo[key] = res
        return memo[key]

    def mean(c, mode, train):
        r = scores(*c, mode)
        return sum(r[q][0] for q in train) / len(train)

    def choose(cands, mode, train):
        return max(cands, key=lambda c: (round(mean(c, mode, train), 9), -c[1]))

    unjudged = set()

    def report(label, per):
        rc.per_set_line(label, per, qids, 34)
        for q in qids:
            unjudged.update(per[q][1])

    base = (None, 0.0)
    if '--sensitivity' in args:
        for mode in ('typed', 'pasted'):
            print(f'== {mode} (read only: after the choice)')
            report('baseline (the binary\'s order)', scores(*base, mode))
            for v in ['V3', *SENSITIVITY]:
                for beta in (2, 3):
                    report(f'{v} beta {beta}', scores(v, beta, mode))
        for u in sorted(unjudged):
            print('unjudged in a top ten:', *u)
        return
    for mode in ('typed', 'pasted'):
        print(f'== {mode}')
        report('baseline (the binary\'s order)', scores(*base, mode))
        for v in VARIANTS:
            for beta in BETAS:
                rc.per_set_line(f'{v} beta {beta}', scores(v, beta, mode), qids, 34)
        for v in VARIANTS:
            per, picked = {}, collections.Counter()
            for q in qids:
                c = choose([base] + [(v, b) for b in BETAS], mode, [o for o in qids if o != q])
                picked[c[1]] += 1
                per[q] = scores(*c, mode)[q]
            report(f'{v}, beta by LOO {dict(picked.most_common(2))}', per)
        per, picked = {}, collections.Counter()
        for q in qids:
            c = choose([base] + [(v, b) for v in VARIANTS for b in BETAS], mode, [o for o in qids if o != q])
            picked[c] += 1
            per[q] = scores(*c, mode)[q]
        report('nested LOO (variant and beta)', per)
        print('    chosen:', '; '.join(f'{n}x {c[0]} {c[1]}' for c, n in picked.most_common(4)))
        print('    per need:', ' '.join(f'{q} {scores(*base, mode)[q][0]:.2f}>{per[q][0]:.2f}' for q in qids))
    for u in sorted(unjudged):
        print('unjudged in a top ten:', *u)


if __name__ == '__main__':
    main()
