#!/usr/bin/env python3
"""What a pasted question's key terms weigh and where they stand, cross-validated (BENCHMARKS.md,
*Relevance, session 20 (helper `paste22`)*).

usage: benches/subject_cv.py BIN ARCHIVE INDEX KEYS [--cache FILE] [--sets DIR,DIR,...] [FEATURE ...]

BIN must be a binary without `rank::unsaid` (main before `paste22`), or the re-sorts count it
twice. KEYS is `benches/paste-keys.tsv` (each need's key terms and weights as the binary ranks
them; see `paste_cv.py`). On rerank_cv.py's harness (which asserts that it lays out the
binary's 20 pasted pages exactly), each pasted list is re-sorted by key + w * feature and
scored; w is chosen by leave-one-need-out cross-validation over the 20 needs (the weight that
does best on the other 19), then nested (feature AND weight chosen on the other 19). The
subject is the question's heaviest key (the first of equals); `c` counts are substring counts
of the lowercased text; `rest` is the message's substance; passing(m, NEAR) is what
`rank::passing` takes off: ln(1 + rest) - ln(1 + NEAR * m) when rest > NEAR * m, else 0.
Features (cover features are scaled by COVER_WEIGHT 16, so w 1 replaces the cover):
- passsubj: -passing(c(subject), 80), nothing where the subject is absent (what was built);
  ps_nN: the same with N characters a mention; ps_nN_abs1: an absent subject counted once;
- ps_written: passsubj with the key the question writes most often as its subject (then the
  heaviest);
- passall / passtop / ps_first / ps_top2 / ps_wsum: the same over every key's mentions, the keys
  weighing at least 0.8 of the heaviest, the first key written, the two heaviest, the mentions
  weighted by key weight / heaviest;
- latesubj: -(where the subject first stands, as a share of the text);
- subj / subjlog: the subject present / ln(1 + its mentions, at most 9);
- notop / notop_long: -1 / -ln(1 + rest) where no key of the top weights stands;
- asks: -1 for a message asking (more asking cost);
- powP / strongT / idfdisc: the cover recomputed with weights^P, over the keys weighing at least
  T of the heaviest, with rarity over the archive's discussions instead of its messages;
- dcover / ctxcover: the cover of the message's whole discussion / of it and the six messages
  before it, less its own.
Typed runs are not re-ranked. Standard library only.
"""
import collections, math, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rerank_cv as rc  # noqa: E402

CW = 16.0
GRID = [round(0.1 * i, 1) for i in range(-10, 31)] + [3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0]


def cov(t, ks):
    tot = sum(w for _, w in ks) or 1.0
    return sum(w for k, w in ks if k in t) / tot


def passing(rest, m, near=80, absent=None):
    if m == 0:
        if absent is None:
            return 0.0
        m = absent
    return 0.0 if rest <= m * near else math.log(1 + rest) - math.log(1 + m * near)


def feats(h, ks, df, discs, logs, question):
    t = h['text'].lower()
    c1 = cov(t, ks)
    mx = max(w for _, w in ks)
    subj = max(ks, key=lambda kw: kw[1])[0]
    top = [k for k, w in ks if w >= 0.8 * mx]
    rest = rc.substance(h['text'])
    f = {'passsubj': -passing(rest, t.count(subj))}
    written = max(ks, key=lambda kw: (question.count(kw[0]), kw[1]))[0]
    f['ps_written'] = -passing(rest, t.count(written))
    for near in (40, 120, 160, 240):
        f['ps_n%d' % near] = -passing(rest, t.count(subj), near)
        f['ps_n%d_abs1' % near] = -passing(rest, t.count(subj), near, 1)
    f['ps_n80_abs1'] = -passing(rest, t.count(subj), 80, 1)
    f['passall'] = -passing(rest, sum(t.count(k) for k, _ in ks))
    f['passtop'] = -passing(rest, sum(t.count(k) for k in top))
    f['ps_first'] = -passing(rest, t.count(ks[0][0]))
    f['ps_top2'] = -passing(rest, sum(t.count(k) for k, _ in sorted(ks, key=lambda kw: -kw[1])[:2]))
    f['ps_wsum'] = -passing(rest, sum(w / mx * t.count(k) for k, w in ks))
    f['latesubj'] = -(t.find(subj) / max(1, len(t)) if subj in t else 0.0)
    f['subj'] = float(subj in t)
    f['subjlog'] = math.log(1 + min(9, t.count(subj)))
    f['notop'] = -float(not any(k in t for k in top))
    f['notop_long'] = f['notop'] * math.log(1 + rest)
    f['asks'] = -float(rc.asks(h['text']))
    for p in (1.5, 2.0, 3.0):
        f['pow%s' % p] = CW * (cov(t, [(k, w ** p) for k, w in ks]) - c1)
    for th in (0.3, 0.5):
        f['strong%s' % th] = CW * (cov(t, [(k, w) for k, w in ks if w >= th * mx]) - c1)
    n, d = df['N'], df['D']
    kd = [(k, w / max(0.1, math.log(n / max(1, df['m'][k]))) * max(0.1, math.log(d / max(1, df['d'][k]))))
          for k, w in ks]
    f['idfdisc'] = CW * (cov(t, kd) - c1)
    f['dcover'] = f['ctxcover'] = 0.0
    dd = discs.get(h['discussion'])
    if dd:
        inside = [m for m in logs(h['path']) if dd['start_line'] <= m['line'] <= dd['end_line']]
        me = next((i for i, m in enumerate(inside) if m['line'] == h['line']), None)
        if me is not None:
            f['dcover'] = CW * (cov(' '.join(m['text'].lower() for m in inside), ks) - c1)
            f['ctxcover'] = CW * (cov(' '.join(m['text'].lower() for m in inside[max(0, me - 6):me + 1]), ks) - c1)
    return f


def frequencies(archive, disc, logs, terms):
    msgs, spans = [], []
    for root, _, files in os.walk(archive):
        for name in files:
            if name.endswith('.markdown'):
                msgs += [m['text'].lower() for m in logs(os.path.relpath(os.path.join(root, name), archive))]
    for d in disc:
        spans.append(' '.join(m['text'].lower() for m in logs(d['path']) if d['start_line'] <= m['line'] <= d['end_line']))
    return {'N': len(msgs), 'D': len(spans), 'm': {k: sum(k in t for t in msgs) for k in terms},
            'd': {k: sum(k in t for t in spans) for k in terms}}


def features(rest):
    """The FEATUREs named in `rest` (the arguments after KEYS): the words that are neither an
    option (`--cache`, `--sets`) nor its value (`--sets heldout,heldout2` named two features
    that match none, so nothing but the baseline was scored)."""
    options = ('--cache', '--sets')
    return [a for i, a in enumerate(rest) if a not in options and (i == 0 or rest[i - 1] not in options)]


def main():
    args = sys.argv[1:]
    if len(args) < 4:
        sys.exit(__doc__)
    binp, archive, index, keyfile = args[:4]
    rest = args[4:]
    only = features(rest)
    data, disc = rc.cached_fetch(binp, archive, index, rest)
    keys = collections.defaultdict(list, {q: [(t.lower(), w) for t, w in ks] for q, ks in rc.question_keys(keyfile).items()})
    g = rc.grades()
    discs = {d['path'] + '#' + str(d['start_line']): d for d in disc}
    logs = rc.Logs(archive)
    df = frequencies(archive, disc, logs, sorted({k for ks in keys.values() for k, _ in ks}))
    questions = {q: need.lower() for q, need, _ in rc.needs()}
    lists = {}
    for q, hits, near, r in rc.pasted_runs(data):
        lists[q] = (hits[:rc.TOP], near, [feats(h, keys[q], df, discs, logs, questions[q]) for h in hits[:rc.TOP]])
    qids = sorted(lists)
    names = sorted(next(iter(lists.values()))[2][0])
    if only:
        names = [n for n in names if n in only]
    memo = {}

    def score(ws, q):
        if (ws, q) not in memo:
            hits, near, fs = lists[q]
            kk = [h['score'] + sum(w * f[n] for n, w in ws) for h, f in zip(hits, fs)]
            ranked = [hits[i] for i in sorted(range(len(hits)), key=lambda i: (-kk[i], i))]
            page = ([ranked[i] for i in rc.layout(ranked)] + near)[:10]
            memo[(ws, q)] = (rc.ndcg(page, g[q]), [(q, h['path'], h['line']) for h in page
                                                    if (h['path'], h['line']) not in g[q]])
        return memo[(ws, q)]

    def mean(ws, qs):
        return sum(score(ws, q)[0] for q in qs) / len(qs)

    def line(label, per):
        rc.per_set_line(label, per, qids, 52)

    line('baseline (the binary\'s order)', {q: score((), q) for q in qids})
    unjudged = set()
    for name in names:
        per, picked = {}, collections.Counter()
        for q in qids:
            train = [o for o in qids if o != q]
            w = max(GRID, key=lambda x: (round(mean(((name, x),), train), 9), -abs(x)))
            picked[w] += 1
            per[q] = score(((name, w),), q)
            unjudged.update(per[q][1])
        line(f'{name}, LOO weight {dict(picked.most_common(3))}', per)
        for x in (1.0, 2.0, 3.0, 5.0):
            line(f'    {name} fixed {x}', {q: score(((name, x),), q) for q in qids})
    per, picked = {}, collections.Counter()
    for q in qids:
        train = [o for o in qids if o != q]
        n, w = max(((n, x) for n in names for x in GRID), key=lambda c: (round(mean(((c[0], c[1]),), train), 9), -abs(c[1])))
        picked[(n, w)] += 1
        per[q] = score(((n, w),), q)
        unjudged.update(per[q][1])
    line('nested LOO over the features', per)
    print('    chosen:', dict(picked.most_common(4)))
    print('per need: base, passsubj at 1, 2, 3, 5; the subject')
    for q in qids:
        print(q, ' '.join('%.2f' % score((('passsubj', x),) if x else (), q)[0] for x in (0, 1.0, 2.0, 3.0, 5.0)),
              max(keys[q], key=lambda kw: kw[1])[0])
    for u in sorted(unjudged):
        print('unjudged in a top ten:', *u)


if __name__ == '__main__':
    main()
