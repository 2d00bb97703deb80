#!/usr/bin/env python3
"""Session 21 (helper topics22): reading by content, measured before building it.

usage: topic_content_model.py TOPICS.yaml EXPORT.ndjson JUDGMENTS.tsv…
  EXPORT: `chatlore export --ndjson` of the real archive by the binary under test (its tags are
  the weak labels and the tags judged); JUDGMENTS: the topic-judgment files.

A per-topic naive Bayes model over a message's content words (CJK characters and character bigrams,
Latin words), trained with weak labels: the messages the keyword tagger tags with a topic are its
positives, all others its negatives, and in every message the topic's own keyword occurrences are
blanked first (the replica tagger of topic_precision_rules.py finds them), so the model learns the
words around the keyword, not the keyword. A message's score for a topic is the sum (or mean) of
its features' log-likelihood ratios; scored leave-one-out (its own counts taken out), so no message
scores itself, or trained on one group and scored on the other.

Precision use: drop a tag whose score is below the q-th percentile of the scores of all the
topic's tags (the cut is read from the weak labels, not from the judged rows). Gate: >= 3 wrong
tags removed per right one and >= 5 wrong in all, on the judged tagged rows.
Recall use: add a topic to an untagged message whose score is in the top p of all untagged
messages' scores for that topic. Gate: added tags >= 80% right and a recall lift >= 4 points, on
the judged untagged rows (lift estimated as in topic_reply_rules.py).
The cut (q or p) is chosen on one half of the judged rows and its effect read on the other half
(two folds), and the model is also trained on one group and scored on the other. Also printed: the
recall use confirmed by the conversation (the topic also on one of the 3 messages before), and a
model of "this tag is wrong" fitted on the judged rows themselves (content score beside the shape
features of session 20), 10-fold cross-validated.

Variants (environment): MIN_DF=N ignores features of fewer than N training messages (default 1);
WORDS=jieba adds jieba's search-mode words (needs the `jieba` package); UNIGRAMS=0 drops CJK
characters; MEAN=1 scores the mean, not the sum; POS=2 takes as weak positives only the tags with
two keyword occurrences; MODEL=lr fits logistic regression (two halves by log, each scored by the
model of the other) instead of naive Bayes; LOO_ONLY=1 skips the group-to-group runs.
Session 21's tables (BENCHMARKS.md), with the export of f7891da's binary:
  MIN_DF=20 python3 benches/topic_content_model.py src/topics.yaml main.ndjson
    tests/data/topic-judgments-2026-12.tsv tests/data/topic-judgments-2026-11.tsv
    ../shared/eval/topic-judgments.tsv
(row A); rows B-F add WORDS=jieba, MIN_DF=100, MEAN=1, POS=2, MODEL=lr (with LOO_ONLY=1).
"""
import bisect, collections, math, os, random, re, sys, zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from topic_precision_rules import Tagger, in_list_item, load_yaml, precision_rows  # noqa: E402
from topic_reply_rules import EMOJI, PRECISION, load_logs, recall_rows  # noqa: E402

CJK = re.compile(r'[\u3400-\u9fff]+')
LATIN = re.compile(r'[a-z][a-z0-9_]*')
URL = re.compile(r'https?://\S+')
ALPHA = 0.5
# The score of a message with no usable content word: no evidence either way (never removed,
# never added, left out of the percentiles).
NONE = -1e9
MIN_DF = int(os.environ.get('MIN_DF', '1'))
WORDS = os.environ.get('WORDS', '')
# POS=2: a topic's weak positives are the tagged messages holding its keywords at least twice
# (those holding them once are left out of its training).
POS = int(os.environ.get('POS', '1'))


JIEBA = None


def jieba_words(x):
    """jieba's search-mode words of x (WORDS=jieba: jieba with src/tokenize.rs's payments words,
    as the index's tokenizer builds it), words of two or more CJK characters."""
    global JIEBA
    if JIEBA is None:
        import jieba
        jieba.setLogLevel(60)
        src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'tokenize.rs'), encoding='utf-8').read()
        block = src[src.index('const USER_WORDS'):]
        for w in re.findall(r'"([^"]+)"', block[:block.index('];')]):
            jieba.add_word(w)
        JIEBA = jieba
    return {'j:' + w for w in JIEBA.cut_for_search(x) if len(w) >= 2 and CJK.fullmatch(w)}


def features(x, spans, unigrams=True):
    """The content features of folded text `x` with the character ranges `spans` blanked."""
    if spans:
        chars = list(x)
        for s, e in spans:
            chars[s:e] = ' ' * (e - s)
        x = ''.join(chars)
    x = EMOJI.sub(' ', URL.sub(' ', x))
    out = jieba_words(x) if WORDS == 'jieba' else set()
    for run in CJK.findall(x):
        if unigrams:
            out.update(run)
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    out.update('w:' + w for w in LATIN.findall(x))
    return out


class Corpus:
    """Every message's base features, and per topic whose keywords occur in it, its features with
    that topic's keywords blanked; the weak labels (the export's tags)."""

    def __init__(self, tagger, ms, unigrams=True):
        self.topics = [t for t, _, _ in tagger.topics]
        self.ms = ms
        self.base, self.masked, self.length, self.occ = [], [], [], []
        for m in ms:
            occ, n, x = tagger.occurrences(m['text'])
            self.occ.append({t: (len(s), in_list_item(x, s)) for t, s in occ.items()})
            self.base.append(features(x, [], unigrams))
            self.masked.append({t: features(x, [s for u in (t,) for s in occ[u]], unigrams) for t in occ})
            self.length.append(n)

    def label(self, i, t):
        if t not in self.ms[i]['topics']:
            return False
        return True if self.occ[i].get(t, (0,))[0] >= POS else None

    def feats(self, i, t):
        return self.masked[i].get(t, self.base[i])


class NaiveBayes:
    """One binary naive Bayes per topic over feature sets (document frequencies)."""

    def __init__(self, corpus, train):
        self.c = corpus
        self.pos = {t: collections.Counter() for t in corpus.topics}
        self.neg = {t: collections.Counter() for t in corpus.topics}
        self.npos = dict.fromkeys(corpus.topics, 0)
        self.nneg = dict.fromkeys(corpus.topics, 0)
        vocab = set()
        for i in train:
            for t in corpus.topics:
                f = corpus.feats(i, t)
                y = corpus.label(i, t)
                if y is None:
                    continue
                if y:
                    self.pos[t].update(f)
                    self.npos[t] += len(f)
                else:
                    self.neg[t].update(f)
                    self.nneg[t] += len(f)
            vocab.update(corpus.base[i])
        self.v = len(vocab)
        # Features seen in fewer than MIN_DF training messages say nothing (a quote posted twice).
        df = collections.Counter()
        for i in train:
            df.update(corpus.base[i])
        self.rare = {w for w, n in df.items() if n < MIN_DF}

    def score(self, i, t, own=None, mean=False):
        """Log-likelihood ratio of message i for topic t; `own`: i is in the training set with
        this label (its own counts are taken out: leave-one-out)."""
        f = self.c.feats(i, t)
        pos, neg = self.pos[t], self.neg[t]
        npos, nneg = self.npos[t], self.nneg[t]
        dp = dn = 0
        if own is True:
            dp, npos = 1, npos - len(f)
        elif own is False:
            dn, nneg = 1, nneg - len(f)
        lp = math.log(npos + ALPHA * self.v)
        ln = math.log(nneg + ALPHA * self.v)
        s, used = 0.0, 0
        for w in f:
            if w in self.rare:
                continue
            used += 1
            s += math.log(pos[w] - dp + ALPHA) - lp - math.log(neg[w] - dn + ALPHA) + ln
        if not used:
            return NONE
        return s / used if mean else s


class Logistic:
    """One logistic regression per topic over feature sets (binary, scaled by 1/sqrt(count)),
    stochastic gradient descent with L2; all of a topic's positives and a random sample of
    negatives (which moves only the intercept: scores are read as percentiles per topic)."""

    def __init__(self, corpus, train, epochs=4, rate=0.2, l2=1e-6, negatives=30000, seed=20261206):
        self.c = corpus
        df = collections.Counter()
        for i in train:
            df.update(corpus.base[i])
        self.rare = {w for w, n in df.items() if n < max(MIN_DF, 2)}
        rng = random.Random(seed)
        train = sorted(train)
        self.w, self.b = {}, {}
        for t in corpus.topics:
            pos = [i for i in train if t in corpus.ms[i]['topics']]
            neg = [i for i in train if t not in corpus.ms[i]['topics']]
            neg = rng.sample(neg, min(len(neg), negatives))
            ex = [(i, 1.0) for i in pos] + [(i, 0.0) for i in neg]
            w, b = collections.defaultdict(float), 0.0
            for e in range(epochs):
                rng.shuffle(ex)
                r = rate / (1 + e)
                for i, y in ex:
                    f = [x for x in corpus.feats(i, t) if x not in self.rare]
                    if not f:
                        continue
                    x = 1 / math.sqrt(len(f))
                    z = b + x * sum(w[v] for v in f)
                    g = (1 / (1 + math.exp(-z)) if z > -30 else 0.0) - y
                    b -= r * g
                    for v in f:
                        w[v] -= r * (g * x + l2 * w[v])
            self.w[t], self.b[t] = dict(w), b

    def score(self, i, t, own=None, mean=False):
        f = [x for x in self.c.feats(i, t) if x not in self.rare]
        if not f:
            return NONE
        w = self.w[t]
        return self.b[t] + sum(w.get(v, 0.0) for v in f) / math.sqrt(len(f))


class CrossFit:
    """Two models, each trained on the logs of one half and scoring the messages of the other."""

    def __init__(self, corpus, make):
        half = lambda i: zlib.crc32(corpus.ms[i]['path'].encode()) % 2
        self.half = [half(i) for i in range(len(corpus.ms))]
        self.models = [make(corpus, {i for i, h in enumerate(self.half) if h != k}) for k in (0, 1)]

    def score(self, i, t, own=None, mean=False):
        return self.models[self.half[i]].score(i, t, None, mean)


def fold_of(path, line):
    """Two folds of the judged rows, by a hash of the message (stable, independent of the files)."""
    return zlib.crc32(f'{path}:{line}'.encode()) % 2


def percentile(sorted_scores, s):
    if s == NONE:
        return float('nan')
    return bisect.bisect_left(sorted_scores, s) / max(1, len(sorted_scores))


def gate_p(w, r):
    return w >= 5 and w >= 3 * r


def run(name, corpus, model, train_set, score_set, prec, rec, n_tagged, n_untagged, base, mean):
    """Tables for one model: `score_set` are the message indices scored (their judged rows count)."""
    own = lambda i, t: corpus.label(i, t) if i in train_set else None
    # Distributions over the scored messages: each topic's tags, and the untagged messages.
    tag_scores = {t: [] for t in corpus.topics}
    untag_scores = {t: [] for t in corpus.topics}
    for i in score_set:
        tags = corpus.ms[i]['topics']
        for t in corpus.topics:
            if t in tags:
                tag_scores[t].append(model.score(i, t, own(i, t), mean))
            elif not tags:
                untag_scores[t].append(model.score(i, t, own(i, t), mean))
    for d in (tag_scores, untag_scores):
        for t in d:
            d[t] = sorted(x for x in d[t] if x != NONE)
    print(f'\n### {name}\n')
    # Precision: judged tagged rows among score_set.
    for t, i, ok in prec:
        if i in score_set:
            for u in corpus.ms[i]['topics']:
                PCT[(i, u)] = percentile(tag_scores[u], model.score(i, u, own(i, u), mean))
    rows = [(t, i, ok) for t, i, ok in prec if i in score_set]
    pr = [(percentile(tag_scores[t], model.score(i, t, own(i, t), mean)), ok, fold_of(corpus.ms[i]['path'], corpus.ms[i]['line']), t, i)
          for t, i, ok in rows]
    wrong = [p for p, ok, *_ in pr if not ok and p == p]
    right = [p for p, ok, *_ in pr if ok and p == p]
    auc = sum((w < r) + 0.5 * (w == r) for w in wrong for r in right) / max(1, len(wrong) * len(right))
    print(f'precision rows scored: {len(pr)} ({len(right)} right, {len(wrong)} wrong with a content word left); AUC of the '
          f'score (percentile among the topic\'s tags) for right over wrong: {auc:.2f}\n')
    print('| drop a tag below this percentile of its topic\'s tags | wrong removed | right removed | fold 0 (w / r) | fold 1 (w / r) | gate (all) |')
    print('| --- | --- | --- | --- | --- | --- |')
    qs = (0.01, 0.02, 0.05, 0.10, 0.15, 0.20, 0.30)
    per_q = {}
    for q in qs:
        w = sum(1 for p, ok, *_ in pr if p < q and not ok)
        r = sum(1 for p, ok, *_ in pr if p < q and ok)
        f = [(sum(1 for p, ok, fo, *_ in pr if p < q and not ok and fo == k),
              sum(1 for p, ok, fo, *_ in pr if p < q and ok and fo == k)) for k in (0, 1)]
        per_q[q] = f
        print(f'| {q:.0%} | {w} | {r} | {f[0][0]} / {f[0][1]} | {f[1][0]} / {f[1][1]} | {"yes" if gate_p(w, r) else "no"} |')
    # Content and conversation together: also the topic on none of the 5 messages either side.
    print('\n| drop a tag below this percentile, its topic on none of the 5 messages either side (10 min) | wrong removed | right removed | fold 0 (w / r) | fold 1 (w / r) | gate (all) |')
    print('| --- | --- | --- | --- | --- | --- |')
    for q in (0.05, 0.10, 0.20, 0.30, 0.50, 1.01):
        hit = [(ok, fo) for p, ok, fo, t, i in pr if p < q and t not in AROUND[i]]
        w, r = sum(1 for ok, _ in hit if not ok), sum(1 for ok, _ in hit if ok)
        f = [(sum(1 for ok, fo in hit if not ok and fo == k), sum(1 for ok, fo in hit if ok and fo == k)) for k in (0, 1)]
        label = 'any' if q > 1 else f'{q:.0%}'
        print(f'| {label} | {w} | {r} | {f[0][0]} / {f[0][1]} | {f[1][0]} / {f[1][1]} | {"yes" if gate_p(w, r) else "no"} |')
    # Cut chosen on one fold (the q passing with most wrong removed, else best ratio), read on the other.
    for k in (0, 1):
        pick = max(qs, key=lambda q: (gate_p(*per_q[q][k]), per_q[q][k][0] - 3 * per_q[q][k][1], -q))
        w, r = per_q[pick][1 - k]
        print(f'\ncut chosen on fold {k}: {pick:.0%}; on fold {1 - k}: {w} wrong, {r} right removed, gate {"yes" if gate_p(w, r) else "no"}')
    # Recall: judged untagged rows among score_set.
    rrows = [(t, i) for t, i in rec if i in score_set and not corpus.ms[i]['topics']]
    misses = [r for r in rrows if r[0] != '-']
    print(f'\nrecall rows scored: {len(rrows)} untagged, {len(misses)} misses')
    top = {}
    ranks = []
    for t, i in rrows:
        pct = {u: percentile(untag_scores[u], model.score(i, u, own(i, u), mean)) for u in corpus.topics}
        top[(t, i)] = pct
        if t != '-':
            ranks.append(1 + sum(1 for u in corpus.topics if pct[u] > pct[t]))
    if ranks:
        print(f'the judged topic of a miss is the model\'s first of 14 for {sum(r == 1 for r in ranks)}/{len(ranks)}, in its top 3 for {sum(r <= 3 for r in ranks)}')
    print('\n| add the best topic when its score is in the top … of untagged messages | min chars | messages added | right / added | misses caught | fold 0 right/added | fold 1 right/added | recall lift (points) | gate |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for p in (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05):
        for minc in (0, 10):
            added = right = 0
            fo = [[0, 0], [0, 0]]
            for (t, i), pct in top.items():
                if corpus.length[i] < minc:
                    continue
                u = max(corpus.topics, key=lambda u: pct[u])
                if pct[u] >= 1 - p:
                    added += 1
                    right += u == t
                    k = fold_of(corpus.ms[i]['path'], corpus.ms[i]['line'])
                    fo[k][0] += u == t
                    fo[k][1] += 1
            lift = n_untagged * right / max(1, len(rrows)) / base * 100
            ok = added and right / added >= 0.8 and lift >= 4
            print(f'| {p:.2%} | {minc} | {added} | {right}/{added} | {right}/{len(misses)} | {fo[0][0]}/{fo[0][1]} | {fo[1][0]}/{fo[1][1]} | {lift:+.1f} | {"yes" if ok else "no"} |')
    # Content confirming the conversation: the topic must also be on one of the 3 messages before
    # (within 300 s), and the message's score for it in the top p.
    print('\n| add a topic of the 3 messages before (300 s) when the message\'s score for it is in the top … | messages added | right / added | misses caught | fold 0 | fold 1 | recall lift (points) | gate |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- |')
    for p in (0.01, 0.02, 0.05, 0.10, 0.20, 0.30, 0.50):
        added = right = tags = 0
        fo = [[0, 0], [0, 0]]
        for (t, i), pct in top.items():
            got = {u for u in NEAR[i] if pct[u] >= 1 - p}
            if got:
                added += 1
                tags += len(got)
                right += t in got
                k = fold_of(corpus.ms[i]['path'], corpus.ms[i]['line'])
                fo[k][0] += t in got
                fo[k][1] += len(got)
        lift = n_untagged * right / max(1, len(rrows)) / base * 100
        ok = tags and right / tags >= 0.8 and lift >= 4
        print(f'| {p:.0%} | {added} | {right}/{tags} | {right}/{len(misses)} | {fo[0][0]}/{fo[0][1]} | {fo[1][0]}/{fo[1][1]} | {lift:+.1f} | {"yes" if ok else "no"} |')
    return pr, top


def logistic_fit(xs, ys, epochs=300, rate=0.1, l2=1e-3):
    """Batch gradient descent on a few dense features (standardised)."""
    n, d = len(xs), len(xs[0])
    mu = [sum(x[j] for x in xs) / n for j in range(d)]
    sd = [math.sqrt(sum((x[j] - mu[j]) ** 2 for x in xs) / n) or 1.0 for j in range(d)]
    zs = [[(x[j] - mu[j]) / sd[j] for j in range(d)] for x in xs]
    w, b = [0.0] * d, 0.0
    for _ in range(epochs):
        gw, gb = [0.0] * d, 0.0
        for z, y in zip(zs, ys):
            p = 1 / (1 + math.exp(-max(-30, min(30, b + sum(a * c for a, c in zip(w, z))))))
            gb += p - y
            for j in range(d):
                gw[j] += (p - y) * z[j]
        b -= rate * gb / n
        w = [w[j] - rate * (gw[j] / n + l2 * w[j]) for j in range(d)]
    return lambda x: b + sum(w[j] * (x[j] - mu[j]) / sd[j] for j in range(d))


def judged_cv(corpus, model, prec, own, folds=10):
    """A model of 'this tag is wrong' learned from the judged rows themselves, cross-validated:
    the content score beside the shape features of session 20. Each fold's rows are scored by a
    model fitted on the other folds, and removed when above the cut that, on those other folds,
    removes most wrong tags at >= 3 per right one."""
    topics = corpus.topics
    def row(t, i):
        occ = corpus.occ[i]
        n, listed = occ.get(t, (0, False))
        others = [u for u in corpus.ms[i]['topics'] if u != t]
        known = lambda x: 0.5 if x != x else x
        pct = known(PCT[(i, t)])
        other = max([known(PCT.get((i, u), 0.0)) for u in others] or [0.0])
        return [pct, math.log(1 + corpus.length[i]), min(n, 3), len(others),
                max([occ.get(u, (0, False))[0] for u in others] or [0]), float(n == 1 and listed), other, other - pct,
                float(t in AROUND[i])]
    data = [(row(t, i), 0.0 if ok else 1.0, zlib.crc32(f'{t}:{i}'.encode()) % folds) for t, i, ok in prec]
    pred = [0.0] * len(data)
    removed = [0, 0]
    for k in range(folds):
        tr = [(x, y) for x, y, f in data if f != k]
        f = logistic_fit([x for x, _ in tr], [y for _, y in tr])
        s = sorted(((f(x), y) for x, y in tr), reverse=True)
        best, cut, w, r = 0, float('inf'), 0, 0
        for z, y in s:
            w, r = w + (y == 1), r + (y == 0)
            if w >= 3 * r and w - 3 * r > best:
                best, cut = w - 3 * r, z
        for j, (x, y, fo) in enumerate(data):
            if fo == k:
                pred[j] = f(x)
                if pred[j] >= cut:
                    removed[int(y)] += 1
    wrong = [p for p, (_, y, _) in zip(pred, data) if y == 1]
    right = [p for p, (_, y, _) in zip(pred, data) if y == 0]
    auc = sum((a > c) + 0.5 * (a == c) for a in wrong for c in right) / max(1, len(wrong) * len(right))
    w, r = removed[1], removed[0]
    print(f'\njudged rows, {folds}-fold cross-validated model of a wrong tag (content score, length, occurrences, '
          f'other topics, list item, topic around): AUC {auc:.2f}; removed with the cut of the other folds: {w} wrong, {r} right, '
          f'gate {"yes" if gate_p(w, r) else "no"}')
    order = sorted(zip(pred, (y for _, y, _ in data)), reverse=True)
    for k in (5, 10, 20, 40):
        print(f'  its {k} most-likely-wrong rows: {sum(y for _, y in order[:k]):.0f} wrong')


PAYMENT = re.compile(r'支付|银行|账|资金|交易|商户|费|卡|清算|结算|款|渠道|牌照|监管|央行|人行|通道|风控|接口|系统|订单')


def recall_judged_cv(corpus, top, n_untagged, base, folds=10):
    """Whether an untagged message should carry a topic, learned from the judged untagged rows
    themselves (10-fold cross-validated): the best topic's content percentile and the second's,
    length, a broad payments word, a question, the best topic on one of the 3 messages before.
    A row is given its best topic when the model's score is above the cut that, on the other
    folds, gives the most right tags at >= 80% right."""
    data = []
    for (t, i), pct in top.items():
        known = sorted((x for x in pct.values() if x == x), reverse=True) or [0.0]
        u = max(corpus.topics, key=lambda u: pct[u] if pct[u] == pct[u] else -1.0)
        text = corpus.ms[i]['text']
        x = [known[0], known[0] - (known[1] if len(known) > 1 else 0.0), math.log(1 + corpus.length[i]),
             float(bool(PAYMENT.search(text))), float('？' in text or '?' in text), float(u in NEAR[i])]
        data.append((x, float(t != '-'), t == u, zlib.crc32(f'{i}'.encode()) % folds))
    added = right = 0
    pred = [0.0] * len(data)
    for k in range(folds):
        tr = [d for d in data if d[3] != k]
        f = logistic_fit([d[0] for d in tr], [d[1] for d in tr])
        best, cut, a, r = 0, float('inf'), 0, 0
        for z, d in sorted(((f(d[0]), d) for d in tr), key=lambda zd: -zd[0]):
            a, r = a + 1, r + d[2]
            if r >= 0.8 * a and r > best:
                best, cut = r, z
        for j, d in enumerate(data):
            if d[3] == k:
                pred[j] = f(d[0])
                if pred[j] >= cut:
                    added += 1
                    right += d[2]
    order = [d for _, d in sorted(zip(pred, data), key=lambda pd: -pd[0])]
    pos = [p for p, d in zip(pred, data) if d[1]]
    neg = [p for p, d in zip(pred, data) if not d[1]]
    auc = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg) / max(1, len(pos) * len(neg))
    lift = n_untagged * right / max(1, len(data)) / base * 100
    ok = added and right / added >= 0.8 and lift >= 4
    print(f'\njudged untagged rows, {folds}-fold cross-validated model of "should carry a topic" (content percentiles, length, '
          f'payments word, question, topic before), its best topic added: {right}/{added} right, lift {lift:+.1f} points, '
          f'gate {"yes" if ok else "no"}; AUC of "should carry a topic" {auc:.2f}')
    for n in (5, 10, 20, 40):
        print(f'  its {n} most likely rows: {sum(d[1] for d in order[:n]):.0f} should carry a topic, '
              f'{sum(d[2] for d in order[:n])} get the judged one')


NEAR = {}
AROUND = {}
PCT = {}


def main(yaml_path, export, *judgments):
    tagger = Tagger(load_yaml(yaml_path))
    ms, at = load_logs(export)
    idx = {(m['path'], m['line']): i for i, m in enumerate(ms)}
    unigrams = os.environ.get('UNIGRAMS', '1') == '1'
    mean = os.environ.get('MEAN', '0') == '1'
    corpus = Corpus(tagger, ms, unigrams)
    for i, m in enumerate(ms):
        log, j = at[(m['path'], m['line'])]
        NEAR[i] = {u for q in log[max(0, j - 3):j] if m['timestamp'] - q['timestamp'] <= 300 for u in q['topics']}
        AROUND[i] = {u for q in log[max(0, j - 5):j] + log[j + 1:j + 6] if abs(m['timestamp'] - q['timestamp']) <= 600
                     for u in q['topics']}
    prec = [(t, idx[(p, l)], ok) for t, p, l, ok in precision_rows(judgments) if t in ms[idx[(p, l)]]['topics']]
    rec = [(t, idx[(p, l)]) for t, p, l in recall_rows(judgments)]
    n_tagged = sum(1 for m in ms if m['topics'])
    n_untagged = len(ms) - n_tagged
    untagged = [i for t, i in rec if not ms[i]['topics']]
    miss_rate = sum(1 for t, i in rec if not ms[i]['topics'] and t != '-') / len(untagged)
    base = n_tagged * PRECISION + n_untagged * miss_rate
    print(f'features: {"jieba words, " if WORDS == "jieba" else ""}CJK {"unigrams and " if unigrams else ""}bigrams, Latin words; weak positives: {POS}+ keyword occurrences; score: {"mean" if mean else "sum"} of log-likelihood ratios; features in fewer than {MIN_DF} messages ignored')
    everything = set(range(len(ms)))
    kind = os.environ.get('MODEL', 'nb')
    make = NaiveBayes if kind == 'nb' else Logistic
    if kind == 'nb':
        _, top = run('naive Bayes, the whole archive, leave-one-out', corpus, NaiveBayes(corpus, everything), everything,
                     everything, prec, rec, n_tagged, n_untagged, base, mean)
        judged_cv(corpus, None, prec, None)
        recall_judged_cv(corpus, top, n_untagged, base)
    else:
        run('logistic regression, the whole archive, two halves by log (each scored by the model of the other)', corpus,
            CrossFit(corpus, make), set(), everything, prec, rec, n_tagged, n_untagged, base, mean)
    groups = collections.defaultdict(set)
    for i, m in enumerate(ms):
        groups[m['path'].split('/')[0]].add(i)
    if os.environ.get('LOO_ONLY') == '1':
        return
    for a, b in ((x, y) for x in groups for y in groups if x != y):
        run(f'{kind}: trained on {a} ({len(groups[a])} messages), scored on {b}', corpus, make(corpus, groups[a]),
            set(), groups[b], prec, rec, n_tagged, n_untagged, base, mean)


if __name__ == '__main__':
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
