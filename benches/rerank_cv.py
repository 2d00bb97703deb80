#!/usr/bin/env python3
"""Cross-validated re-ranking experiments (BENCHMARKS.md, *Relevance, session 14*).

usage: benches/rerank_cv.py BIN ARCHIVE INDEX [--cache FILE] [--sets DIR,DIR,...]

`--sets` names the held-out sets read besides dev, as folders of benches/ or paths (default
heldout; e.g. `--sets heldout,heldout2,heldout3,heldout4` for all 48 needs); `per_set_line`
then reports each set on its own, and all needs together.

For the judged needs (dev: ../shared/eval + benches/qrels-extra.tsv; held-out:
benches/heldout, or the folders of benches/ that `--sets` lists, comma-separated), typed and pasted, it reads every hit of `search --json --limit 0` (ranked by
the binary's key) and the page of `--limit 10`, checks that its own page layout (copies folded,
two hits per conversation and one per text in each ten, near hits after) gives the binary's
pages exactly, then re-sorts each list by key + sum(w * feature) and scores nDCG@10 as
ndcg.py does (unjudged hits count 0; those reaching a top ten are listed). It prints:
- the baseline;
- for each feature alone, its weight chosen by leave-one-need-out cross-validation (the weight
  that does best on the other 19 needs' typed lists, scored on the need left out);
- nested leave-one-need-out: the features AND weights (greedy, up to 3) chosen on the other
  19 needs only, so that choosing among many features is inside the validation.
Only the first 600 hits of each list are re-sorted (a feature moves a key by at most a few
units; deeper hits cannot reach a top ten). Standard library only.

Environment (session 26): `MODES=typed` scores one mode only; `FEATS="a b"` only those features;
`NESTED="1"` the nested steps to run (empty: none); `WGRID="0.1 0.3"` the weights tried. The
pasted figures are not a pasted ranking's since session 21: a question's order is fused with its
subjects' runs, and `score` is its own key, so a re-sort by it undoes the fusion (the baseline
line is the binary's page, the re-sorted ones are not comparable). Features added in session 26
(none moved the 168 read needs' typed mean by more than 0.004 but `dmatch500`; BENCHMARKS.md,
*Session 26*): the discussion's matches among the first 500 as main counts them (`dmatch500`),
its people and others' matches there, the speaker's matches, discussions and long messages
there, the discussion's long messages, and a text's first 24 characters repeated across the
archive (`boiler*`: notices and group rules; `PFX` sets how many characters, 24 by default); with `DRANK=1`, the rank of the hit's discussion in
`discussions --json --limit 300 QUERY` (`drrf`, `drlog`, `drtop10`; it moved nothing).
"""
import collections, json, math, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, '..', '..', 'shared', 'eval')
TOP = 600
WEIGHTS = [float(x) for x in os.environ['WGRID'].split()] if os.environ.get('WGRID') else [round(0.2 * i, 1) for i in range(-8, 9) if i]


def tsv(path, header=True):
    rows = [l.rstrip('\n').split('\t') for l in open(path, encoding='utf-8')]
    return rows[1:] if header else rows


# The held-out sets read besides the dev set (folders holding needs.tsv and qrels.tsv, as
# absolute paths): benches/heldout unless `--sets` names others (see `use_sets`).
SETS = [os.path.join(HERE, 'heldout')]


def use_sets(args):
    """Reads the held-out sets from `--sets a,b,...` in `args`, if given: each a folder of
    benches/ (`heldout2`) or a path."""
    if '--sets' in args:
        SETS[:] = [os.path.abspath(s if os.sep in s else os.path.join(HERE, s))
                   for s in args[args.index('--sets') + 1].split(',') if s]
    return SETS


def label(d):
    """A set's name in reports: `dev`, `held-out`, `heldout2`, ..."""
    name = 'dev' if d == SHARED else os.path.basename(os.path.normpath(d))
    return 'held-out' if name == 'heldout' else name


def needs():
    """(id, need, typed query) of the dev needs (../shared/eval) and of each set of SETS."""
    out = []
    for d in (SHARED, *SETS):
        out += [(q, n, t) for q, n, t in tsv(os.path.join(d, 'needs.tsv'))]
    return out


def set_of():
    """{need: its set's name in reports}."""
    return {q: label(d) for d in (SHARED, *SETS) for q, _, _ in tsv(os.path.join(d, 'needs.tsv'))}


def grades():
    """{need: {(path, line): grade}}: the dev judgments (shared qrels + benches/qrels-extra.tsv)
    and each set's qrels.tsv (a set still being judged may have none)."""
    g = collections.defaultdict(dict)
    files = [(os.path.join(SHARED, 'qrels.tsv'), True), (os.path.join(HERE, 'qrels-extra.tsv'), False)]
    files += [(os.path.join(d, 'qrels.tsv'), True) for d in SETS]
    for p, header in files:
        if not os.path.exists(p) and p != files[0][0] and p != files[1][0]:
            continue
        for r in tsv(p, header):
            g[r[0]][(r[1], int(r[2]))] = int(r[3])
    return g


def run(binp, archive, index, *args):
    out = subprocess.run([binp, '--archive', archive, '--index', index, *args], capture_output=True, text=True)
    return out


def cached_fetch(binp, archive, index, args):
    """`fetch`, read from and written to the file after `--cache` in `args` when given, for the
    sets `--sets` in `args` names (`use_sets`, read here whether or not the cache exists: with a
    cache, a caller that did not call it scored every set's needs but reported dev and held-out
    only, without their judgments). A cache fetched for other sets keeps only the runs of the
    needs read; one missing some of them is an error naming them."""
    use_sets(args)
    cache = args[args.index('--cache') + 1] if '--cache' in args else None
    if cache and os.path.exists(cache):
        data, disc = json.load(open(cache, encoding='utf-8'))
        wanted = {q for q, _, _ in needs()}
        missing = sorted(wanted - {k.split('/')[0] for k in data})
        if missing:
            sys.exit(f'{cache} holds no runs of {", ".join(missing)} (fetched for other sets): '
                     'remove it or name another --cache')
        data = {k: r for k, r in data.items() if k.split('/')[0] in wanted}
    else:
        data, disc = fetch(binp, archive, index)
        if cache:
            json.dump([data, disc], open(cache, 'w', encoding='utf-8'), ensure_ascii=False)
    return data, disc


def pasted_runs(data):
    """Each pasted run of `data` (`fetch`'s): its need id, every hit, the near hits and the run,
    after checking that `layout` gives the binary's page of ten."""
    for k, r in sorted(data.items()):
        q, mode = k.split('/')
        if mode != 'pasted':
            continue
        hits = [h for h in r['0'] if 'path' in h]
        near = [h for h in r['10'] if h.get('near')]
        page = [hits[i] for i in layout(hits)] + near
        assert [(h['path'], h['line']) for h in page[:10]] == [(h['path'], h['line']) for h in r['10'] if 'path' in h], k
        yield q, hits, near, r


def forms_of(binp, archive, index, typed):
    """The forms a typed query searches: each word, then the glossary forms the binary says it
    added (`also …`)."""
    forms = []
    for word in typed.split():
        note = run(binp, archive, index, 'search', '--limit', '1', word).stderr
        m = re.search(r': also (.*?) \(=term', note)
        forms += [word] + (m.group(1).split(', ') if m else [])
    return forms


def fetch(binp, archive, index):
    data = {}
    for qid, need, typed in needs():
        forms = forms_of(binp, archive, index, typed)
        for mode, q in (('typed', typed.split()), ('pasted', [need])):
            lists = {lim: [json.loads(l) for l in run(binp, archive, index, 'search', '--json', '--limit', lim, *q)
                           .stdout.splitlines() if l.strip()] for lim in ('0', '10')}
            data[qid + '/' + mode] = {'forms': forms, 'typed': typed.split(), **lists}
    disc = [json.loads(l) for l in run(binp, archive, index, 'discussions', '--json', '--limit', '0').stdout.splitlines()]
    return data, disc


def layout(hits, want=10, per=2, block=10):
    """rank::layout: the page of ranked `hits` (indices)."""
    slots, waiting, nxt = [], [], 0

    def fits(i):
        b = slots[len(slots) // block * block:]
        c = hits[i]
        return (sum(hits[s[0]]['discussion'] == c['discussion'] for s in b) < per
                and not any(hits[s[0]]['text'] == c['text'] for s in b))
    while len(slots) < want:
        w = next((k for k, s in enumerate(waiting) if fits(s[0])), None)
        if w is not None:
            slots.append(waiting.pop(w))
            continue
        if nxt >= len(hits):
            if not waiting:
                break
            slots.append(waiting.pop(0))
            continue
        i, nxt = nxt, nxt + 1
        c = hits[i]
        orig = next((s for s in slots + waiting if all(hits[s[0]][k] == c[k] for k in ('path', 'time', 'text'))
                     and hits[s[0]]['speaker'] != c['speaker']), None)
        if orig is not None:
            orig.append(i)
        else:
            (slots if fits(i) else waiting).append([i])
    return [s[0] for s in slots]


def ndcg(page, g):
    dcg = lambda gs: sum(x / math.log2(i + 2) for i, x in enumerate(gs))
    ideal = dcg(sorted(g.values(), reverse=True)[:10])
    return dcg([g.get((h['path'], h['line']), 0) for h in page]) / ideal if ideal else 0.0


HDR = re.compile(r'^> (\d\d:\d\d:\d\d)  (.*?)\s*$')
ASK = ('？', '吗', '请问', '请教', '问一下', '问个问题')
EXPLAIN = ('因为', '所以', '一般', '需要', '比如', '例如', '就是', '是指', '主要', '如果', '可以', '通过', '流程', '首先',
           '其次', '然后', '1、', '2、', '1.', '2.', '①')


def substance(t):
    t = re.sub(r'\[[0-9A-Za-z\u4e00-\u9fff]{1,6}\]', '', t)
    t = re.sub(r'@\S*?(\?|\s|$)', ' ', t)
    t = re.sub(r'(https?://|www\.)\S+', ' ', t)
    return sum('\u4e00' <= c <= '\u9fff' or '\u3400' <= c <= '\u4dbf' for c in t) + len(re.findall(r'[A-Za-z0-9_]+', t))


def asks(t):
    return any(m in t for m in ASK) or t.rstrip().endswith('?')


class Logs:
    def __init__(self, archive):
        self.archive, self.logs = archive, {}

    def __call__(self, path):
        if path not in self.logs:
            msgs, cur = [], None
            for i, l in enumerate(open(os.path.join(self.archive, path), encoding='utf-8'), 1):
                m = HDR.match(l)
                if m:
                    cur = {'line': i, 'speaker': m.group(2), 'text': ''}
                    msgs.append(cur)
                elif cur is not None and l.strip():
                    cur['text'] += (' ' if cur['text'] else '') + l.strip()
            self.logs[path] = msgs
        return self.logs[path]


PREFIX = {}
DRANKS = {}


def prefix_key(t, n=int(os.environ.get('PFX', '24'))):
    t = re.sub(r'\[[0-9A-Za-z\u4e00-\u9fff]{1,6}\]', '', t)
    t = re.sub(r'@\S*?(\?|\s|$)', ' ', t)
    k = ''.join(c for c in t if ('\u4e00' <= c <= '\u9fff') or c.isalpha())
    return k[:n] if len(k) >= n else None


def prefix_counts(archive):
    if PREFIX:
        return PREFIX
    seen = collections.defaultdict(set)
    for root, _, files in os.walk(archive):
        for f in files:
            if not f.endswith('.markdown') and not f.endswith('.md'):
                continue
            path = os.path.join(root, f)
            cur = None
            msgs = []
            for l in open(path, encoding='utf-8', errors='replace'):
                m = HDR.match(l)
                if m:
                    cur = [m.group(1), '']
                    msgs.append(cur)
                elif cur is not None and l.strip():
                    cur[1] += l.strip()
            for tm, tx in msgs:
                k = prefix_key(tx)
                if k:
                    seen[k].add((f, tm))
    PREFIX.update({k: len(v) for k, v in seen.items()})
    return PREFIX


def features(hits, forms, typed, discs, logs):
    pc = prefix_counts(logs.archive)
    terms = [x.lower() for x in forms]
    per_disc = collections.Counter(h['discussion'] for h in hits)
    top = hits[:500]
    seen_msgs = set()
    per_disc500 = collections.Counter()
    for h in top:
        k = (h['path'], h['time'], h['text'])
        if k in seen_msgs:
            continue
        seen_msgs.add(k)
        per_disc500[h['discussion']] += 1
    disc_people = collections.defaultdict(collections.Counter)
    for h in top:
        disc_people[h['discussion']][h.get('person') or h['speaker']] += 1
    spk_msgs = collections.Counter(h.get('person') or h['speaker'] for h in top)
    spk_discs = collections.defaultdict(set)
    for h in top:
        spk_discs[h.get('person') or h['speaker']].add(h['discussion'])
    spk_long = collections.Counter(h.get('person') or h['speaker'] for h in top if substance(h['text']) >= 40)
    out = []
    for h in hits[:TOP]:
        t, tl = h['text'], h['text'].lower()
        sub = substance(t)
        pos = [m.start() for x in terms for m in re.finditer(re.escape(x), tl)]
        esc = [re.escape(x) for x in terms]
        f = {
            'lnsub': math.log(1 + sub),
            'short': float(sub < 20),
            'long': float(sub >= 100),
            'mentions': math.log(1 + len(pos)),
            'density': len(pos) / max(1, sub) * 10,
            'first': min(pos) / max(1, len(t)) if pos else 1.0,
            'typedform': float(all(x.lower() in tl for x in typed)),
            'nforms': math.log(1 + sum(x in tl for x in terms)),
            'asks': float(asks(t)),
            'excl': float('！' in t or '!' in t),
            'list': float(any(re.search('(比如|例如|譬如|包括|像)[^，。]{0,6}' + x, tl)
                              or re.search('、' + x + '|' + x + '[^，。]{0,2}、', tl) for x in esc)),
            'quote': float(bool(re.search('「|」|“|”|- - - -', t))),
            'headline': float(bool(re.search('【|】|《|》', t))),
            'defn': float(any(re.search(x + '(是|就是|指|：|:)', tl) for x in esc)),
            'explain': math.log(1 + sum(t.count(m) for m in EXPLAIN)),
            'numbered': float(len(re.findall(r'(^|\s|[。；;])[1-9一二三四五六][、.．)）]', t)) >= 2),
            'at': float(t.startswith('@')),
            'dmatch500': math.log(1 + per_disc500[h['discussion']]),
            'dpeople500': math.log(1 + len(disc_people[h['discussion']])),
            'dothers500': math.log(1 + sum(v for p_, v in disc_people[h['discussion']].items() if p_ != (h.get('person') or h['speaker']))),
            'dmatch500sub': math.log(1 + per_disc500[h['discussion']]) * (sub >= 20),
            'boiler': math.log(max(1, pc.get(prefix_key(t), 1))),
            'boiler3': float(pc.get(prefix_key(t), 1) >= 3),
            'boiler2': float(pc.get(prefix_key(t), 1) >= 2),
            'spkmsgs': math.log(1 + spk_msgs[h.get('person') or h['speaker']]),
            'spkdiscs': math.log(1 + len(spk_discs[h.get('person') or h['speaker']])),
            'spklongtop': math.log(1 + spk_long[h.get('person') or h['speaker']]),
        }
        d = discs.get(h['discussion'])
        msgs = logs(h['path'])
        me = next((i for i, m in enumerate(msgs) if m['line'] == h['line']), None)
        inside = [i for i, m in enumerate(msgs) if d and d['start_line'] <= m['line'] <= d['end_line']]
        if d and me in inside:
            n = d['messages']
            after = [msgs[i] for i in inside if i > me][:6]
            before = [msgs[i] for i in inside if i < me][-6:]
            same = [msgs[i] for i in inside if msgs[i]['speaker'] == h['speaker']]
            f.update({
                'dsize': math.log(n),
                'dpeople': math.log(len(d['participants'])),
                'dshare': per_disc[h['discussion']] / n,
                'dmatch': math.log(1 + per_disc[h['discussion']]),
                'dpos': inside.index(me) / max(1, len(inside) - 1),
                'opens': float(inside[0] == me),
                'replies': math.log(1 + sum(m['speaker'] != h['speaker'] for m in after)),
                'answers': float(any(m['speaker'] != h['speaker'] and asks(m['text'])
                                     and any(x in m['text'].lower() for x in terms) for m in before)),
                'spkshare': len(same) / len(inside),
                'spklong': math.log(1 + sum(substance(m['text']) >= 40 for m in same)),
                'dlong': math.log(1 + sum(substance(msgs[i]['text']) >= 40 for i in inside)),
            })
        out.append(f)
    names = sorted({k for f in out for k in f})
    return [{k: f.get(k, 0.0) for k in names} for f in out]


def question_keys(path):
    """{need: [(key term, weight)]} of a question's keys as `paste-keys.tsv` lists them; an error
    naming the needs read (`needs`) that it lists none of (a set `--sets` names after the file
    was printed: heldout4's needs had none, and their questions were re-sorted by no key or
    stopped the script on an empty max)."""
    keys = collections.defaultdict(list)
    for line in open(path, encoding='utf-8'):
        _, q, term, w = line.rstrip('\n').split('\t')
        keys[q].append((term, float(w)))
    missing = [q for q, _, _ in needs() if q not in keys]
    if missing:
        sys.exit(f'{path} lists no key of {", ".join(missing)}: print them (see paste_cv.py) or leave their set out')
    return keys


def per_set_line(label, per, qids, width):
    """Print `label` (padded to `width`) and, for each set's needs among `qids` (dev, then the
    held-out sets read), the mean nDCG@10 of `per` ({need: (nDCG, unjudged hits)}) and the
    unjudged count; with more than one held-out set, the mean over every need too."""
    out, where = [], set_of()
    names = list(dict.fromkeys(where[q] for q in where))
    for name in names:
        v = [per[q] for q in qids if where.get(q) == name]
        if v:
            out.append('%s %.3f (%d unjudged)' % (name, sum(n for n, _ in v) / len(v), sum(len(u) for _, u in v)))
    if len(names) > 2:
        out.append('all %d %.3f' % (len(qids), sum(per[q][0] for q in qids) / len(qids)))
    print(f'{label:{width}} ' + '   '.join(out), flush=True)


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    binp, archive, index = args[:3]
    use_sets(args)
    data, disc = cached_fetch(binp, archive, index, args)
    g = grades()
    discs = {d['path'] + '#' + str(d['start_line']): d for d in disc}
    logs = Logs(archive)
    lists = {}
    for k, r in sorted(data.items()):
        hits = [h for h in r['0'] if 'path' in h]
        near = [h for h in r['10'] if h.get('near')]
        page = [hits[i] for i in layout(hits)] + near
        real = [(h['path'], h['line']) for h in r['10'] if 'path' in h]
        assert [(h['path'], h['line']) for h in page[:10]] == real, f'layout differs from the binary on {k}'
        fs = features(hits, r['forms'], r['typed'], discs, logs)
        if os.environ.get('DRANK'):
            dr = DRANKS.get(k)
            if dr is None:
                out = run(binp, archive, index, 'discussions', '--json', '--limit', '300', *r['typed']).stdout
                dr = {}
                for i, l in enumerate(out.splitlines()):
                    d = json.loads(l)
                    if 'path' in d:
                        dr.setdefault(d['path'] + '#' + str(d['start_line']), len(dr) + 1)
                DRANKS[k] = dr
            for h, f in zip(hits, fs):
                rk = dr.get(h['discussion'])
                f['drrf'] = 60.0 / (60 + rk) if rk else 0.0
                f['drlog'] = -math.log(rk) if rk else -math.log(400)
                f['drtop10'] = float(bool(rk) and rk <= 10)
        lists[k] = (hits[:TOP], near, fs)
    feats = sorted(next(iter(lists.values()))[2][0])
    if os.environ.get('FEATS'):
        feats = os.environ['FEATS'].split()
    memo = {}

    def scores(w, mode):
        key = (tuple(sorted(w)), mode)
        if key not in memo:
            res = {}
            for k, (hits, near, fs) in lists.items():
                q, m = k.split('/')
                if m != mode:
                    continue
                keys = [h['score'] + sum(x * f[n] for n, x in w) for h, f in zip(hits, fs)]
                order = sorted(range(len(hits)), key=lambda i: (-keys[i], i))
                ranked = [hits[i] for i in order]
                page = ([ranked[i] for i in layout(ranked)] + near)[:10]
                res[q] = (ndcg(page, g[q]), [(q, h['path'], h['line']) for h in page if (h['path'], h['line']) not in g[q]])
            memo[key] = res
        return memo[key]

    qids = sorted({k.split('/')[0] for k in lists})

    def report(label, per_need):
        per_set_line(label, per_need, qids, 44)

    def mean(w, mode, needs_):
        r = scores(w, mode)
        return sum(r[q][0] for q in needs_) / len(needs_)

    def choose(cands, mode, train):
        return max(cands, key=lambda w: (round(mean(w, mode, train), 9), -sum(abs(x) for _, x in w)))

    def greedy(mode, train, steps):
        w = frozenset()
        for _ in range(steps):
            used = {n for n, _ in w}
            best = choose([w | {(n, x)} for n in feats if n not in used for x in WEIGHTS] + [w], mode, train)
            if best == w:
                break
            w = best
        return w

    unjudged = set()
    for mode in os.environ.get('MODES', 'typed pasted').split():
        print(f'== {mode}')
        report('baseline (the binary\'s order)', scores(frozenset(), mode))
        for n in feats:
            per, picked = {}, collections.Counter()
            for q in qids:
                w = choose([frozenset()] + [frozenset({(n, x)}) for x in WEIGHTS], mode, [o for o in qids if o != q])
                picked[tuple(w)[0][1] if w else 0.0] += 1
                per[q] = scores(w, mode)[q]
                unjudged.update(per[q][1])
            report(f'{n}, weight by LOO {dict(picked.most_common(2))}', per)
        for steps in [int(x) for x in os.environ.get('NESTED', '1 2 3').split()]:
            per, picked = {}, collections.Counter()
            for q in qids:
                w = greedy(mode, [o for o in qids if o != q], steps)
                picked[tuple(sorted(w))] += 1
                per[q] = scores(w, mode)[q]
                unjudged.update(per[q][1])
            report(f'nested LOO, up to {steps} feature(s)', per)
            print('    chosen:', '; '.join(f'{n}× ' + ', '.join(f'{a} {b:+}' for a, b in w) for w, n in picked.most_common(3)))
    for u in sorted(unjudged):
        print('unjudged in a top ten:', *u)


if __name__ == '__main__':
    main()
