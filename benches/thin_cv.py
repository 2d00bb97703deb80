#!/usr/bin/env python3
"""Where the typed top tens lose, and the rules of session 20 (BENCHMARKS.md, *Relevance,
session 20*), on `benches/rerank_cv.py`'s harness (its page layout, its grades, its cache).

usage: benches/thin_cv.py BIN ARCHIVE INDEX [--cache FILE]

Run it with the binary and index of main BEFORE the thin rule (the rule is then simulated on
the binary's keys); on a binary that has the rule, the grid measures a second cost on top.
It prints:
- the loss classes of the typed top tens, as oracles on the judgments: every grade-0 hit taken
  out; the same ten ordered by grade; a grade-2 hit allowed a third place of its conversation;
  every grade-2 hit of the first 60 put first;
- the quote rules: a message quoting another in WeChat's reply format
  (`「name：quoted」 - - - - reply`) counted by its own words only, always or only where the
  query's forms are not in its own words;
- the thin rule, key - W * (1 - min(rest, L) / L) for a typed query (rest: substance beyond
  the query's words), over a grid of W and L: each alone, and W and L chosen by
  leave-one-need-out cross-validation over the 20 needs (chosen on 19, scored on the 20th).
Standard library only.
"""
import collections, contextlib, io, math, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rerank_cv as R  # noqa: E402

QUOTE = re.compile(r'^\s*「[^「」]{1,40}?[:：].*?」\s*(- )+-?\s*', re.S)


def own(text):
    m = QUOTE.match(text)
    return text[m.end():] if m else None


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    binp, archive, index = args[:3]
    data, _ = R.cached_fetch(binp, archive, index, args)
    g = R.grades()

    def lists():
        for k, r in sorted(data.items()):
            q, mode = k.split('/')
            hits = [h for h in r['0'] if 'path' in h]
            near = [h for h in r['10'] if h.get('near')]
            yield k, q, mode, r, hits, near

    def page(hits, near):
        return ([hits[i] for i in R.layout(hits)] + near)[:10]

    def evaluate(delta, label):
        res = {}
        for k, q, mode, r, hits, near in lists():
            hits = hits[:R.TOP]
            keys = [h['score'] + delta(h, r, mode) for h in hits]
            order = sorted(range(len(hits)), key=lambda i: (-keys[i], i))
            p = page([hits[i] for i in order], near)
            res[k] = (R.ndcg(p, g[q]), sum((h['path'], h['line']) not in g[q] for h in p))
        cells = []
        for mode in ('typed', 'pasted'):
            for s, name in (('N', 'dev'), ('H', 'held-out')):
                v = [x for kk, x in res.items() if kk.endswith('/' + mode) and kk.startswith(s)]
                cells.append('%s %s %.3f (%d unjudged)' % (name, mode, sum(a for a, _ in v) / len(v), sum(u for _, u in v)))
        if label:
            print('%-44s %s' % (label, ' | '.join(cells)))
        return res

    def moved(base, res):
        return ' '.join('%s %.2f→%.2f' % (k, base[k][0], res[k][0]) for k in sorted(base) if abs(base[k][0] - res[k][0]) > 0.005)

    qsub = lambda r, mode: sum(R.substance(w) for w in r['typed']) if mode == 'typed' else 0

    print('== loss classes of the typed top tens (oracles on the judgments)')
    cls = collections.defaultdict(lambda: collections.defaultdict(list))
    for k, q, mode, r, hits, near in lists():
        if mode != 'typed':
            continue
        G, s = g[q], ('dev' if q.startswith('N') else 'held-out')
        grade = lambda h: G.get((h['path'], h['line']), 0)
        real = [h for h in r['10'] if 'path' in h]
        cls[s]['the binary'].append(R.ndcg(real, G))
        cls[s]['every grade-0 hit taken out'].append(R.ndcg(page([h for h in hits if grade(h) > 0], near), G))
        cls[s]['the same ten ordered by grade'].append(R.ndcg(sorted(real, key=lambda h: -grade(h)), G))
        out, per, texts = [], collections.Counter(), set()
        for h in hits:
            if h['text'] not in texts and (per[h['discussion']] < 2 or grade(h) == 2):
                out.append(h)
                per[h['discussion']] += 1
                texts.add(h['text'])
            if len(out) == 10:
                break
        cls[s]['a grade-2 hit may take a third place of its conversation'].append(R.ndcg(out, G))
        top = hits[:60]
        cls[s]['the grade-2 hits of the first 60 first'].append(
            R.ndcg(page([h for h in top if grade(h) == 2] + [h for h in top if grade(h) != 2] + hits[60:], near), G))
    for s in cls:
        for name, v in cls[s].items():
            print('  %-9s %-58s %.3f' % (s, name, sum(v) / len(v)))

    print('== rules')
    base = evaluate(lambda h, r, m: 0, 'the binary\'s keys')

    def quote(only_without_term):
        def d(h, r, mode):
            o = own(h['text'])
            if o is None or (only_without_term and any(f.lower() in o.lower() for f in r['forms'])):
                return 0
            qs = qsub(r, mode)
            return math.log(1 + max(0, R.substance(o) - qs)) - math.log(1 + max(0, R.substance(h['text']) - qs))
        return d
    for only, label in ((False, 'a quote counts the reply\'s own words'), (True, '… where they do not name the term')):
        res = evaluate(quote(only), label)
        print('    moved:', moved(base, res) or 'none')

    def thin(W, L):
        def d(h, r, mode):
            if mode != 'typed':
                return 0
            rest = max(0, R.substance(h['text']) - qsub(r, mode))
            return -W * (1 - min(rest, L) / L)
        return d
    grid = [(W, L) for W in (0, 0.5, 1, 1.5, 2) for L in (20, 30, 40, 50, 60, 80)]
    with contextlib.redirect_stdout(io.StringIO()):
        tab = {p: evaluate(thin(*p), '') for p in grid}
    for p in grid:
        if p[0]:
            res = evaluate(thin(*p), 'thin: cost %.1f below %d characters' % p)
    res = evaluate(thin(1, 50), 'thin: cost 1 below 50 (the rule)')
    print('    moved:', moved(base, res))
    typed = [k for k in base if k.endswith('/typed')]
    chosen = {}
    for k in typed:
        best = max(grid, key=lambda p: (sum(tab[p][j][0] for j in typed if j != k), p == (0, 20)))
        chosen[k] = (best, tab[best][k][0])
    for s, name in (('N', 'dev'), ('H', 'held-out')):
        v = [chosen[k][1] for k in typed if k.startswith(s)]
        picks = collections.Counter(chosen[k][0] for k in typed if k.startswith(s))
        print('  leave-one-need-out, typed %-9s %.3f   (cost, characters) chosen: %s' % (name, sum(v) / len(v), dict(picks)))


if __name__ == '__main__':
    main()
