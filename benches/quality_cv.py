#!/usr/bin/env python3
"""The quality model (`src/rank/quality.rs`): cross-validated and trained from the judgments.
Round 14, `benches/quality27-variants.md`; BENCHMARKS.md, *Session 27*.

usage: benches/quality_cv.py BIN ARCHIVE INDEX WORDS --cache FILE [--sets a,b,...]
           [--train-sets c,d,...] [--write MODEL [--leave-out e,f,...]]

WORDS is what `cargo run --release --example quality_words -- ARCHIVE` prints: every message's
words as the index's writer reads them. Needs numpy and scikit-learn (a virtualenv:
`python3 -m venv v && v/bin/pip install numpy scikit-learn`).

A need's judged messages are training rows: their words, less those a form of the need's typed
query holds (a subject's own words must not learn "this subject had many 2s"; the bigrams that
straddle a form's edge stay, unlike the blanking `quality27-variants.md` declared); each need
weighs the same. Variants (env VARIANTS, default `L1 L2`): L1 learns grade 2 against 0 and 1,
L2 (= M) grade 1 or 2 against 0, each a logistic regression (L2-regularised, C = 1) over the
binary bag of words normalised to length 1 (a row by the words it kept); round 15
(`quality28-variants.md`) adds C03 and C3 (L2 with C = 0.3 and 3) and G (the L1 and L2 models'
log-odds summed: one linear model over the same words). Env ALPHAS sets the weights tried
(default `0.5 1 2 3 4`). Round 16 (`quality29-variants.md`) adds P and Q: the same words'
weights learned from pairs of one need's judged hits (`pair_rows`, `train_pairs`), P with
main's key difference as the pair's offset, Q without; env LAMBDAS sets their regularisations
tried (default `0.03 0.1 0.3`), chosen with α on the other sets' pages. A hit's quality, here and in `quality_among`, is the model's
intercept plus the weights of the words it knows over the square root of the number of words it
has (all of them: the index does not know the query), so the function scored is not exactly the
one fitted; the cross-validated figures score it as the index does.

Measured (`rerank_cv.py`'s harness: the typed `--limit 0` lists of BIN, its page layout,
unjudged hits counted 0) **leaving one set out**: the model learns from the other sets' needs
only and scores the left-out set's lists, re-sorted by key + α · quality; α is the one of
ALPHAS that does best on the other sets' out-of-fold lists. Prints each fixed α and the
cross-validated choice, per set; writes the cross-validated pages of each variant to
`quality-pages-V.json` beside the cache (for `benches/contextfree/pool.py --pages`).

`--write MODEL` trains VARIANT (env, default L2; P and Q read env LAMBDA, and SCALE to multiply
their weights by) on every need of dev, `--sets` and
`--train-sets` (sets whose judgments train the model but are not scored) and writes the model
file `quality.rs` reads. The index's fingerprint holds the model: an index built with another
one is rebuilt. α is chosen on the other sets' out-of-fold pages, whose models learned from the
left-out set (not nested); it was the grid's smallest, 0.5, in every fold.
"""
import collections, json, os, sys

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

import rerank_cv as R

TARGETS = {'L1': lambda g: int(g == 2), 'L2': lambda g: int(g >= 1)}
# A variant: the models (target, C) whose log-odds it sums (round 15, `quality28-variants.md`).
VARIANTS = {'L1': [('L1', 1.0)], 'L2': [('L2', 1.0)], 'M': [('L2', 1.0)], 'C03': [('L2', 0.3)],
            'C3': [('L2', 3.0)], 'G': [('L1', 1.0), ('L2', 1.0)]}
ALPHAS = [float(a) for a in os.environ.get('ALPHAS', '0.5 1 2 3 4').split()]


def opt_list(args, name):
    """The comma-separated list after `name` in `args` (empty without it)."""
    return [s for s in args[args.index(name) + 1].split(',') if s] if name in args else []


def read_words(path):
    """{(path, line): [word, ...]} of WORDS."""
    out = {}
    for line in open(path, encoding='utf-8'):
        p, ln, words = line.rstrip('\n').split('\t')
        out[(p, int(ln))] = words.split()
    return out


def rows_of(needs_forms, grades, words):
    """Training rows (need, {word: 1}, grade) of the needs in `needs_forms` ({need: forms}): each
    judged message's words less those one of the need's forms holds."""
    rows = []
    for q, forms in needs_forms.items():
        low = [f.lower() for f in forms]
        for key, g in grades[q].items():
            ws = [w for w in words.get(key, []) if not any(w in f for f in low)]
            if ws:
                rows.append((q, {w: 1 for w in ws}, g))
    return rows


def train(rows, variant):
    """(intercept, {word: weight}) of `variant` (a key of VARIANTS): the sum of its logistic
    regressions over `rows`, each need weighing the same."""
    intercept, weights = 0.0, collections.Counter()
    for target, c in VARIANTS[variant]:
        i, w = train_one(rows, TARGETS[target], c)
        intercept += i
        weights.update(w)
    return intercept, dict(weights)


def train_one(rows, target, c):
    """(intercept, {word: weight}) of a logistic regression over `rows` (regularisation `c`),
    each need weighing the same."""
    per = collections.Counter(q for q, _, _ in rows)
    dv = DictVectorizer()
    X = dv.fit_transform([r for _, r, _ in rows]).astype(float)
    norms = np.sqrt(np.asarray(X.sum(axis=1)).ravel())
    X = X.multiply(1 / norms[:, None]).tocsr()
    y = np.array([target(g) for _, _, g in rows])
    sw = np.array([len(rows) / len(per) / per[q] for q, _, _ in rows])
    m = LogisticRegression(C=c, solver='liblinear').fit(X, y, sample_weight=sw)
    return float(m.intercept_[0]), dict(zip(dv.feature_names_, map(float, m.coef_[0])))


def pair_rows(qids, lists, grades, words, forms):
    """Round 16 (`quality29-variants.md`): the pairs of judged hits of each need's list (its
    first TOP), as (X, I, J, weight, key difference, need of each pair): X holds every judged
    hit's words (less those a form of its need's query holds) over √(all its words), as the
    index reads a message; a pair (i, j) has grade i > grade j, weighs the grade difference,
    and each need's pairs weigh 1 in all."""
    feats, I, J, v, dk, need = [], [], [], [], [], []
    for q in qids:
        low = [f.lower() for f in forms[q]]
        judged = []
        for h in lists[q][0]:
            g = grades[q].get((h['path'], h['line']))
            ws = words.get((h['path'], h['line']), [])
            if g is None or not ws:
                continue
            judged.append((len(feats), g, h['score']))
            feats.append({w: 1 / np.sqrt(len(ws)) for w in ws if not any(w in f for f in low)})
        pairs = [(a, b) for a in judged for b in judged if a[1] > b[1]]
        total = sum(a[1] - b[1] for a, b in pairs)
        for a, b in pairs:
            I.append(a[0]); J.append(b[0]); v.append((a[1] - b[1]) / total)
            dk.append(a[2] - b[2]); need.append(q)
    dv = DictVectorizer()
    X = dv.fit_transform(feats).tocsr()
    return dv.feature_names_, X, np.array(I), np.array(J), np.array(v), np.array(dk), np.array(need)


def train_pairs(pr, keep, lam, offset):
    """(0, {word: weight}) minimising Σ v·log(1 + e^−(offset·Δkey + Δq)) + λ/2·|w|² over the
    pairs of `pr` (`pair_rows`) whose need is in `keep`."""
    from scipy.optimize import minimize
    names, X, I, J, v, dk, need = pr
    m = np.isin(need, list(keep))
    D = (X[I[m]] - X[J[m]]).tocsr()
    vm, off = v[m], dk[m] * (1.0 if offset else 0.0)

    def f(w):
        z = off + D @ w
        loss = np.sum(vm * np.logaddexp(0, -z)) + lam / 2 * w @ w
        grad = -(D.T @ (vm * (1 / (1 + np.exp(z))))) + lam * w
        return loss, grad
    w = minimize(f, np.zeros(X.shape[1]), jac=True, method='L-BFGS-B', options={'maxiter': 500}).x
    return 0.0, {n: float(x) for n, x in zip(names, w) if x != 0.0}


def quality(model, ws):
    """As `quality_among`: the intercept plus the known words' weights over √(words)."""
    intercept, weights = model
    return intercept + sum(weights.get(w, 0.0) for w in ws) / np.sqrt(len(ws)) if ws else intercept


def main():
    args = sys.argv[1:]
    if len(args) < 4 or '--cache' not in args:
        sys.exit(__doc__)
    binp, archive, index, words_path = args[:4]
    data, _ = R.cached_fetch(binp, archive, index, args)
    grades, where, words = R.grades(), R.set_of(), read_words(words_path)
    qids = sorted({k.split('/')[0] for k in data})
    forms = {q: data[q + '/typed']['forms'] for q in qids}
    lists = {}
    for q in qids:
        r = data[q + '/typed']
        lists[q] = ([h for h in r['0'] if 'path' in h][:R.TOP], [h for h in r['10'] if h.get('near')])

    def page(q, qs, a):
        hits, near = lists[q]
        keys = [h['score'] + a * x for h, x in zip(hits, qs)]
        ranked = [hits[i] for i in sorted(range(len(hits)), key=lambda i: (-keys[i], i))]
        top = ([ranked[i] for i in R.layout(ranked)] + near)[:10]
        unjudged = [(q, h['path'], h['line']) for h in top if (h['path'], h['line']) not in grades[q]]
        return R.ndcg(top, grades[q]), unjudged, [(h['path'], h['line']) for h in top]

    sets = sorted(set(where[q] for q in qids))
    if '--write' in args:
        R.use_sets(['--sets', ','.join(opt_list(args, '--sets') or ['heldout']) + ',' + ','.join(opt_list(args, '--train-sets'))])
        # `--leave-out a,b`: sets (dev, heldout2, ...) whose needs do not train the model (a
        # fold's model, round 17: `quality30-variants.md`).
        leave = set(opt_list(args, '--leave-out'))
        where = R.set_of()
        grades, allq = R.grades(), [q for q, _, typed in R.needs() if where[q] not in leave]
        typed = {q: t for q, _, t in R.needs()}
        needs_forms = {q: forms.get(q) or R.forms_of(binp, archive, index, typed[q]) for q in allq}
        variant = os.environ.get('VARIANT', 'L2')
        if variant in ('P', 'Q'):
            # Round 16: λ from env LAMBDA; the weights times env SCALE (α / QUALITY_WEIGHT).
            pr = pair_rows(allq, lists, grades, words, needs_forms)
            intercept, weights = train_pairs(pr, set(allq), float(os.environ['LAMBDA']), variant == 'P')
            weights = {w: x * float(os.environ.get('SCALE', '1')) for w, x in weights.items()}
        else:
            intercept, weights = train(rows_of(needs_forms, grades, words), variant)
        with open(args[args.index('--write') + 1], 'w', encoding='utf-8') as f:
            f.write(f'#intercept\t{intercept:.6g}\n')
            for w in sorted(weights):
                if weights[w] != 0.0:
                    f.write(f'{w}\t{weights[w]:.6g}\n')
        print(f'{variant} trained on {len(allq)} needs, {len(weights)} words written to', args[args.index('--write') + 1])
        return
    pairwise = {'P': True, 'Q': False}
    pr = pair_rows(qids, lists, grades, words, forms) if set(os.environ.get('VARIANTS', '').split()) & set(pairwise) else None
    for name in os.environ.get('VARIANTS', 'L1 L2').split():
        # A fit is a model's hyper-parameter: none for the pointwise variants, λ for P and Q.
        fits = [float(x) for x in os.environ.get('LAMBDAS', '0.03 0.1 0.3').split()] if name in pairwise else [None]
        oof = {f: {} for f in fits}
        for s in sets:
            for f in fits:
                if name in pairwise:
                    model = train_pairs(pr, {q for q in qids if where[q] != s}, f, pairwise[name])
                else:
                    model = train(rows_of({q: forms[q] for q in qids if where[q] != s}, grades, words), name)
                for q in qids:
                    if where[q] == s:
                        oof[f][q] = [quality(model, words.get((h['path'], h['line']), [])) for h in lists[q][0]]
        params = [(fits[0], 0)] + [(f, a) for f in fits for a in ALPHAS]
        table = {(f, a): {q: page(q, oof[f][q], a) for q in qids} for f, a in params}
        chosen, picked = {}, collections.Counter()
        for s in sets:
            other = [q for q in qids if where[q] != s]
            p = max(params, key=lambda p: (sum(table[p][q][0] for q in other), -p[1], -(p[0] or 0)))
            picked[p if name in pairwise else p[1]] += 1
            chosen.update({q: table[p][q] for q in qids if where[q] == s})
        R.per_set_line('main', {q: table[params[0]][q][:2] for q in qids}, qids, 36)
        for f, a in params[1:]:
            what = f'α {a}' + (f', λ {f}' if name in pairwise else '')
            R.per_set_line(f'{name}, {what} (every set)', {q: table[(f, a)][q][:2] for q in qids}, qids, 36)
        R.per_set_line(f'{name}, by set left out {dict(picked)}', {q: chosen[q][:2] for q in qids}, qids, 36)
        for u in sorted({u for q in qids for u in chosen[q][1]}):
            print('unjudged in a top ten:', *u)
        pages = {q: {'old': table[params[0]][q][2], 'new': chosen[q][2]} for q in qids}
        out = os.path.join(os.path.dirname(os.path.abspath(args[args.index('--cache') + 1])), f'quality-pages-{name}.json')
        json.dump(pages, open(out, 'w', encoding='utf-8'))

if __name__ == '__main__':
    main()
