#!/usr/bin/env python3
"""The quality model (`src/rank/quality.rs`): cross-validated and trained from the judgments.
Round 14, `benches/quality27-variants.md`; BENCHMARKS.md, *Session 27*.

usage: benches/quality_cv.py BIN ARCHIVE INDEX WORDS --cache FILE [--sets a,b,...]
           [--train-sets c,d,...] [--write MODEL]

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
(default `0.5 1 2 3 4`). A hit's quality, here and in `quality_among`, is the model's
intercept plus the weights of the words it knows over the square root of the number of words it
has (all of them: the index does not know the query), so the function scored is not exactly the
one fitted; the cross-validated figures score it as the index does.

Measured (`rerank_cv.py`'s harness: the typed `--limit 0` lists of BIN, its page layout,
unjudged hits counted 0) **leaving one set out**: the model learns from the other sets' needs
only and scores the left-out set's lists, re-sorted by key + α · quality; α is the one of
ALPHAS that does best on the other sets' out-of-fold lists. Prints each fixed α and the
cross-validated choice, per set; writes the cross-validated pages of each variant to
`quality-pages-V.json` beside the cache (for `benches/contextfree/pool.py --pages`).

`--write MODEL` trains VARIANT (env, default L2) on every need of dev, `--sets` and
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
        grades, allq = R.grades(), [q for q, _, typed in R.needs()]
        typed = {q: t for q, _, t in R.needs()}
        needs_forms = {q: forms.get(q) or R.forms_of(binp, archive, index, typed[q]) for q in allq}
        variant = os.environ.get('VARIANT', 'L2')
        intercept, weights = train(rows_of(needs_forms, grades, words), variant)
        with open(args[args.index('--write') + 1], 'w', encoding='utf-8') as f:
            f.write(f'#intercept\t{intercept:.6g}\n')
            for w in sorted(weights):
                if weights[w] != 0.0:
                    f.write(f'{w}\t{weights[w]:.6g}\n')
        print(f'{variant} trained on {len(allq)} needs, {len(weights)} words written to', args[args.index('--write') + 1])
        return
    for name in os.environ.get('VARIANTS', 'L1 L2').split():
        oof = {}
        for s in sets:
            model = train(rows_of({q: forms[q] for q in qids if where[q] != s}, grades, words), name)
            for q in qids:
                if where[q] == s:
                    oof[q] = [quality(model, words.get((h['path'], h['line']), [])) for h in lists[q][0]]
        table = {a: {q: page(q, oof[q], a) for q in qids} for a in [0] + ALPHAS}
        chosen, picked = {}, collections.Counter()
        for s in sets:
            other = [q for q in qids if where[q] != s]
            a = max([0] + ALPHAS, key=lambda a: (sum(table[a][q][0] for q in other), -a))
            picked[a] += 1
            chosen.update({q: table[a][q] for q in qids if where[q] == s})
        R.per_set_line('main', {q: table[0][q][:2] for q in qids}, qids, 36)
        for a in ALPHAS:
            R.per_set_line(f'{name}, α {a} (every set)', {q: table[a][q][:2] for q in qids}, qids, 36)
        R.per_set_line(f'{name}, α by set left out {dict(picked)}', {q: chosen[q][:2] for q in qids}, qids, 36)
        for u in sorted({u for q in qids for u in chosen[q][1]}):
            print('unjudged in a top ten:', *u)
        pages = {q: {'old': table[0][q][2], 'new': chosen[q][2]} for q in qids}
        out = os.path.join(os.path.dirname(os.path.abspath(args[args.index('--cache') + 1])), f'quality-pages-{name}.json')
        json.dump(pages, open(out, 'w', encoding='utf-8'))


if __name__ == '__main__':
    main()
