#!/usr/bin/env python3
"""A pasted question's subject searched as a typed query, fused with the question's own run,
cross-validated (BENCHMARKS.md, *Relevance, session 21 (helper `paste23`)*).

usage: benches/fuse_cv.py BIN ARCHIVE INDEX KEYS [--cache FILE] [--subj-cache FILE]
                          [--sets heldout,heldout2,…] [--rules r1,r2,…] [--fused]

`--sets` reads those held-out sets besides dev (rerank_cv.use_sets) and reports each; `--rules`
runs only the rules named; `--fused` says BIN already fuses a question naming a glossary entry
twice (main since paste23), so only the key rules below fuse, and only the other questions.

On rerank_cv.py's harness (which asserts that it lays out the binary's 20 pasted pages exactly).
For each of the 20 judged needs the question's SUBJECT is found the way a program can, from the
glossary (`src/glossary.yaml`: every form of every entry, Chinese as substrings, Latin words
whole, case folded; at each place the longest form):
- first:  the entry named first;
- twice:  the entry named most often if some entry is named at least twice (first of equals),
          else the first;
- twiceonly: the entry named most often if some entry is named at least twice, else none (no
          fusion: what `question::subject` builds);
- guard:  twice, kept only where one of its forms weighs at least half the heaviest key;
- ablated, ablated_guard: twice and guard with each need's own subject entry taken out of the
          glossary (a question whose subject the glossary lacks);
- oracle: the need's own typed query (for reference only: a question does not give it);
- key_half, key_stop, key_quarter, key_both (paste24, benches/paste24-variants.md): where no
          entry is named twice, the question's KEY (KEYS: as the binary weighs it) written most
          often in it, at least twice, ties to the heavier: among keys weighing at least half
          the heaviest (half), not in GENERAL (stop), at least a quarter (quarter), or both
          half and stop (both).
The subject's typed query is the entry's forms as the question writes them, one word each
(forms of one entry join into one term in the binary). That query is run by the binary
(`search --json --limit 0`), and the two ranked lists are fused:
- rrf(k, a):   the question's first DEPTH (500) hits re-sorted by 1/(k + rank in the question's
               run) + a/(k + rank in the subject's run), nothing from the subject's run where a
               hit is not among its first DEPTH (reciprocal-rank fusion, restricted to the
               question's matches: what `rank::fuse` builds); the rest follow in their order;
- subj(b):     the subject's run alone, re-sorted by its key + b * (the question's other keys'
               cover, weighted as KEYS weighs them: a bounded boost);
then laid out as the binary lays out a page (near hits of the question's page after). The
setting is chosen by leave-one-need-out cross-validation over the 20 needs (the setting that
does best on the other 19, scored on the need left out). Typed runs are not touched.
Standard library only.
"""
import collections, json, math, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rerank_cv as rc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEPTH = 500
RULES = ('first', 'twice', 'twiceonly', 'guard', 'ablated', 'ablated_guard', 'oracle')


def glossary():
    out = []
    for l in open(os.path.join(HERE, '..', 'src', 'glossary.yaml'), encoding='utf-8'):
        m = re.match(r'^- \[(.*)\]\s*$', l)
        if m:
            out.append([f.strip() for f in m.group(1).split(',') if f.strip()])
    return out


def fold(s):
    return s.lower().replace('Ⅱ', 'ii').replace('Ⅲ', 'iii').replace('Ⅰ', 'i')


def named(question, entries):
    """[(place, entry index, form as written)] of the glossary forms in `question`, the longest
    at each place, places not overlapping."""
    q = fold(question)
    cands = []
    for e, forms in enumerate(entries):
        for f in forms:
            ff = fold(f)
            for m in re.finditer(re.escape(ff), q):
                s, t = m.start(), m.end()
                if re.match(r'[a-z0-9]', ff[0]) and s > 0 and re.match(r'[a-z0-9]', q[s - 1]):
                    continue
                if re.match(r'[a-z0-9]', ff[-1]) and t < len(q) and re.match(r'[a-z0-9]', q[t]):
                    continue
                cands.append((s, -(t - s), e, question[s:t]))
    cands.sort()
    out, end = [], -1
    for s, negl, e, w in cands:
        if s >= end:
            out.append((s, e, w))
            end = s - negl
    return out


def subject(question, entries, rule):
    found = named(question, entries)
    if not found:
        return None
    count = collections.Counter(e for _, e, _ in found)
    first = found[0][1]
    pick = first
    if rule in ('twice', 'twiceonly'):
        top = max(count.values())
        if top >= 2:
            pick = next(e for _, e, _ in found if count[e] == top)
        elif rule == 'twiceonly':
            return None
    words = []
    for _, e, w in found:
        if e == pick and w.lower() not in [x.lower() for x in words]:
            words.append(w)
    return words


# paste23's general words (benches/general_cv.py), a stop list for a key as the subject.
GENERAL = set('''业务 风险 限制 要求 机构 支付 流程 问题 方式 情况 影响 处理 关系 区别 合作 资质 格式 成本 选择 统计
获取 解析 识别 防控 落地 出现 用途 开立 签约 避免 防止 发起 接口 国内 客户 平台 银行 通道 收入 结算 合规 监管 牌照 手续费'''.split())
# paste24's variants (benches/paste24-variants.md): a key of the question written at least
# twice is its subject where no glossary entry is named twice; which keys may be.
KEY_RULES = {
    'key_half': lambda t, w, top: w >= 0.5 * top,
    'key_stop': lambda t, w, top: t not in GENERAL,
    'key_quarter': lambda t, w, top: w >= 0.25 * top,
    'key_both': lambda t, w, top: w >= 0.5 * top and t not in GENERAL,
    # session 23's variants (benches/subject23-variants.md): the bar, and the extension
    'nobar': lambda t, w, top: t not in GENERAL,
    'half_ext': lambda t, w, top: w >= 0.5 * top and t not in GENERAL,
    'nobar_ext': lambda t, w, top: t not in GENERAL,
    'quarter_ext': lambda t, w, top: w >= 0.25 * top and t not in GENERAL,
}
EXTENDED = {'half_ext', 'nobar_ext', 'quarter_ext'}
NEW_RULES = {'nobar'} | EXTENDED
FUNCTION = set('的了是吗呢吧啊和与及或在怎什为要能会也都就还又把被从对向给到有不算该')


def cjk(c):
    return '\u4e00' <= c <= '\u9fff' or '\u3400' <= c <= '\u4dbf'


def writes(text, term, places):
    """Where `text` writes `term` (non-overlapping), leaving out a write inside a longer named
    glossary form (`places`: [(start, end)], as question::named gives them)."""
    out, at = [], text.find(term)
    while at >= 0:
        if not any(s <= at and at + len(term) <= e and e - s > len(term) for s, e in places):
            out.append(at)
        at = text.find(term, at + len(term))
    return out


def extended(text, term, places):
    """`term` grown by the Chinese character that follows (then precedes) every counted write
    of it, not a FUNCTION character, to at most 8 characters."""
    for side in (1, -1):
        while len(term) < 8:
            at = writes(text, term, places)
            nxt = {text[a + len(term)] if side == 1 and a + len(term) < len(text) else
                   (text[a - 1] if side == -1 and a > 0 else '') for a in at}
            if len(nxt) != 1:
                break
            c = nxt.pop()
            if not c or not cjk(c) or c in FUNCTION:
                break
            term = term + c if side == 1 else c + term
    return term


def key_subject(question, keys, qualifies, extend=False, entries=None):
    """The key (of `keys`, [(term, weight)] as the binary weighs them) written most often in
    `question`, at least twice, among those with Chinese that `qualifies(term, weight, heaviest
    weight)`; ties to the heavier, then the first. With `entries` a write inside a longer named
    glossary form is not counted (as question::key_subject since review23); with `extend` the
    key grows by what surrounds every write (`extended`). As a one-word typed query, or None."""
    text = fold(question)
    places = []
    if entries is not None:
        places = [(s, s + len(w)) for s, _, w in named(question, entries)]
    top = max((w for _, w in keys), default=0.0)
    cands = [(len(writes(text, t, places)), w, -i, t) for i, (t, w) in enumerate(keys)
             if qualifies(t, w, top) and any(cjk(c) for c in t)]
    cands = [c for c in cands if c[0] >= 2]
    if not cands:
        return None
    term = max(cands)[3]
    return [extended(text, term, places) if extend else term]


def main():
    args = sys.argv[1:]
    if len(args) < 4:
        sys.exit(__doc__)
    binp, archive, index, keyfile = args[:4]
    rc.use_sets(args)
    rules = args[args.index('--rules') + 1].split(',') if '--rules' in args else RULES
    # With `--fused` BIN fuses a question naming a glossary entry twice already (main since
    # paste23): the key rules fuse only the other questions, the glossary rules none.
    prefused = '--fused' in args
    data, _ = rc.cached_fetch(binp, archive, index, args)
    scache = args[args.index('--subj-cache') + 1] if '--subj-cache' in args else None
    sruns = json.load(open(scache, encoding='utf-8')) if scache and os.path.exists(scache) else {}
    keys = rc.question_keys(keyfile)
    entries = glossary()
    needs = {q: (n, t) for q, n, t in rc.needs()}
    g = rc.grades()
    pasted = {q: (hits, near) for q, hits, near, _ in rc.pasted_runs(data)}
    qids = sorted(pasted)
    subjects = {}
    def guarded(q, words):
        # the subject kept only where one of its forms weighs, as a key of the question, at
        # least half the heaviest key (its rarity in the archive)
        if not words:
            return words
        top = max(w for _, w in keys[q])
        mine = [w for t, w in keys[q] if any(fold(t) in fold(x) or fold(x) in fold(t) for x in words)]
        return words if mine and max(mine) >= 0.5 * top else None

    def ablated(q):
        words = subject(needs[q][0], entries, 'twice')
        if not words:
            return None
        low = {fold(x) for x in words}
        return subject(needs[q][0], [e for e in entries if not any(fold(x) in low for x in e)], 'twice')

    for rule in rules:
        for q in qids:
            twice = subject(needs[q][0], entries, 'twiceonly')
            if rule in KEY_RULES:
                words = None if twice else key_subject(needs[q][0], keys[q], KEY_RULES[rule],
                                                       rule in EXTENDED, entries if rule in NEW_RULES else None)
                if not prefused:
                    words = twice or words
            elif prefused and twice and rule != 'oracle':
                words = None
            elif rule == 'oracle':
                words = needs[q][1].split()
            elif rule == 'ablated':
                words = ablated(q)
            elif rule == 'guard':
                words = guarded(q, subject(needs[q][0], entries, 'twice'))
            elif rule == 'ablated_guard':
                words = guarded(q, ablated(q))
            else:
                words = subject(needs[q][0], entries, rule)
            subjects[(rule, q)] = words
            if words and ' '.join(words) not in sruns:
                out = rc.run(binp, archive, index, 'search', '--json', '--limit', '0', *words).stdout
                sruns[' '.join(words)] = [json.loads(l) for l in out.splitlines() if l.strip()]
    if scache:
        json.dump(sruns, open(scache, 'w', encoding='utf-8'), ensure_ascii=False)
    for q in qids:
        print(q, needs[q][0], *[f'| {r}: {subjects[(r, q)]}' for r in rules])

    def ident(h):
        return (h['path'], h['line'])

    def page(ranked, near):
        return ([ranked[i] for i in rc.layout(ranked)] + near)[:10]

    memo = {}

    def score(rule, setting, q):
        key = (rule, setting, q)
        if key in memo:
            return memo[key]
        hits, near = pasted[q]
        words = subjects.get((rule, q))
        kind = setting[0]
        if not words or kind == 'base':
            ranked = hits
        else:
            shits = [h for h in sruns[' '.join(words)] if 'path' in h]
            if kind == 'rrf':
                _, k, a = setting
                sc = {ident(h): 1.0 / (k + r + 1) for r, h in enumerate(hits[:DEPTH])}
                for r, h in enumerate(shits[:DEPTH]):
                    if ident(h) in sc:
                        sc[ident(h)] += a / (k + r + 1)
                ranked = sorted(hits[:DEPTH], key=lambda h: -sc[ident(h)]) + hits[DEPTH:]
            else:
                _, b = setting
                sw = {fold(w) for w in words}
                ks = [(fold(t), w) for t, w in keys[q] if not any(t in x or x in t for x in sw)]
                tot = sum(w for _, w in ks) or 1.0
                cov = lambda h: sum(w for t, w in ks if t in fold(h['text'])) / tot
                ranked = sorted(shits, key=lambda h: -(h['score'] + b * cov(h)))
        p = page(ranked, near)
        memo[key] = (rc.ndcg(p, g[q]), [(q, h['path'], h['line']) for h in p if ident(h) not in g[q]])
        return memo[key]

    settings = [('base',)] + [('rrf', k, a) for k in (5, 10, 20, 40, 60, 100)
                              for a in (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)]
    settings += [('subj', b) for b in (0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0)]

    def mean(rule, s, qs):
        return sum(score(rule, s, q)[0] for q in qs) / len(qs)

    def line(label, per):
        rc.per_set_line(label, per, qids, 52)

    unjudged = set()
    line('baseline (the binary\'s order)', {q: score('first', ('base',), q) for q in qids})
    per_need = {}
    for rule in rules:
        for fam in ('rrf', 'subj', 'both'):
            cands = [s for s in settings if s[0] in (fam, 'base') or fam == 'both']
            per, picked = {}, collections.Counter()
            for q in qids:
                train = [o for o in qids if o != q]
                s = max(cands, key=lambda c: round(mean(rule, c, train), 9))
                picked[s] += 1
                per[q] = score(rule, s, q)
                if rule in ('first', 'twice', 'twiceonly', 'guard') or rule in KEY_RULES:
                    unjudged.update(per[q][1])
            per_need[(rule, fam)] = per
            line(f'{rule} {fam} LOO {dict(picked.most_common(2))}', per)
        for s in [('rrf', 60, 1.0), ('rrf', 20, 1.0), ('rrf', 60, 2.0), ('subj', 0.0), ('subj', 2.0)]:
            per = {q: score(rule, s, q) for q in qids}
            line(f'    {rule} fixed {s}', per)
            if rule in KEY_RULES:
                unjudged.update(u for q in qids for u in per[q][1])
    print('need\tbase\t' + '\t'.join(f'{r}/{f}' for r, f in per_need))
    for q in qids:
        print(q + '\t%.2f\t' % score('first', ('base',), q)[0]
              + '\t'.join('%.2f' % per_need[k][q][0] for k in per_need))
    fixed = [r for r in rules if r in KEY_RULES]
    if fixed:
        print('need\tbase\t' + '\t'.join(f'{r}/K60 w2' for r in fixed))
        for q in qids:
            print(q + '\t%.2f\t' % score('first', ('base',), q)[0]
                  + '\t'.join('%.2f' % score(r, ('rrf', 60, 2.0), q)[0] for r in fixed))
    for u in sorted(unjudged):
        print('unjudged in a top ten:', *u)


if __name__ == '__main__':
    main()
