#!/usr/bin/env python3
"""Session 20 (helper topics21): candidate precision rules measured on the judged tagged rows.

usage: topic_precision_rules.py TOPICS.yaml EXPORT.ndjson JUDGMENTS.tsv…
A Python replica of the tagger (src/topics.rs: folding approximated by NFKC + lower case, mentions
and quote headers blanked, excludes, whole Latin words, two occurrences above 120 characters)
finds each topic's keyword occurrences; its tags are checked against the export's. For every
judged tagged row whose topic the export still carries, each rule says whether it would remove
that tag; printed: wrong tags removed, right tags removed (the gate: >= 3 wrong per right and
>= 5 wrong in all).
"""
import json, re, sys, unicodedata, collections

def load_yaml(path):
    import yaml
    return yaml.safe_load(open(path, encoding='utf-8'))

MENTION = re.compile(r'@[^\s\u2005?？]*[\u2005?？]?')
QUOTE_HDR = re.compile(r'「[^「」\n:：]{0,40}[:：]')
def fold(t):
    return unicodedata.normalize('NFKC', t).lower()
def wordc(c):
    return c.isascii() and (c.isalnum() or c == '_')

class Tagger:
    def __init__(self, y):
        self.topics = [(t['id'], [fold(k) for k in t['keywords']], [fold(k) for k in t.get('exclude', [])]) for t in y['topics']]
        self.off = [fold(k) for k in y.get('off_topic', [])]
    def occurrences(self, text):
        chars = len(fold(text))
        t = MENTION.sub(' ', text)
        t = fold(t)
        t = QUOTE_HDR.sub(lambda m: ' ' * len(m.group(0)), t)
        if any(o in t for o in self.off):
            return {}, chars, t
        out = {}
        for tid, kws, exc in self.topics:
            skip = [(m.start(), m.end()) for e in exc for m in re.finditer(re.escape(e), t)]
            seen = []
            for k in kws:
                for m in re.finditer('(?=' + re.escape(k) + ')', t):
                    s, e = m.start(), m.start() + len(k)
                    if any(a <= s and e <= b for a, b in skip) or any(a < e and s < b for a, b in seen):
                        continue
                    if wordc(k[0]) and s > 0 and wordc(t[s - 1]):
                        continue
                    if wordc(k[-1]) and e < len(t) and wordc(t[e]):
                        continue
                    seen.append((s, e))
            if seen:
                out[tid] = sorted(seen)
        return out, chars, t
    def tags(self, text):
        occ, chars, _ = self.occurrences(text)
        need = 2 if chars > 120 else 1
        return [tid for tid, _, _ in self.topics if len(occ.get(tid, [])) >= need]

LIST_SEP = re.compile(r'[、；;]')
NUMBERED = re.compile(r'(?:^|[\s。；;：:])(?:\d{1,2}|[一二三四五六七八九十]|[①-⑩])[、.．)）]')
def in_list_item(t, spans):
    """Whether every occurrence sits in an item of a list: >= 2 、/；separators in the sentence,
    or a numbered list of >= 2 items, and the item (between separators) is short."""
    numbered = len(NUMBERED.findall(t)) >= 2
    for s, e in spans:
        # the sentence around the occurrence
        a = max(t.rfind(c, 0, s) for c in '。！？!?\n') + 1
        bs = [t.find(c, e) for c in '。！？!?\n']
        b = min([x for x in bs if x >= 0] or [len(t)])
        sent = t[a:b]
        if len(LIST_SEP.findall(sent)) >= 2 or numbered:
            continue
        return False
    return True

def precision_rows(judgments):
    """The judged tagged rows of topic-judgment files: (topic, path, line, right)."""
    rows = []
    for f in judgments:
        for line in open(f, encoding='utf-8'):
            c = line.rstrip('\n').split('\t')
            if c[0] == 'i':  # ../shared/eval/topic-judgments.tsv: i topic path line correct text
                continue
            if c[0] in ('sample',):
                continue
            if c[0].startswith('recall'):
                continue
            if c[0].startswith('precision'):
                topic, path, ln, ok = c[2], c[3], int(c[4]), c[5] == '1'
            else:
                topic, path, ln, ok = c[1], c[2], int(c[3]), c[4] == '1'
            rows.append((topic, path, ln, ok))
    return rows

def main(yaml_path, export, *judgments):
    tg = Tagger(load_yaml(yaml_path))
    ms = {(m['path'], m['line']): m for m in map(json.loads, open(export, encoding='utf-8'))}
    agree = sum(tg.tags(m['text']) == m['topics'] for m in ms.values())
    print(f'replica agrees with the export on {agree}/{len(ms)} messages')
    rows = precision_rows(judgments)
    kept = [(t, p, l, ok) for t, p, l, ok in rows if t in ms[(p, l)]['topics']]
    right = sum(ok for *_, ok in kept)
    print(f'judged tagged rows {len(rows)}; still carrying the judged topic {len(kept)}, right {right} ({right/len(kept):.1%})')
    rules = collections.OrderedDict()
    def once(occ, t): return len(occ.get(t, [])) == 1
    def others(occ, t): return [u for u in occ if u != t]
    rules['once, another topic >= 2 occurrences'] = lambda occ, t, n, x: once(occ, t) and any(len(occ[u]) >= 2 for u in others(occ, t))
    rules['once, another topic >= 3 occurrences'] = lambda occ, t, n, x: once(occ, t) and any(len(occ[u]) >= 3 for u in others(occ, t))
    rules['once, another topic >= 2 and > 40 chars'] = lambda occ, t, n, x: once(occ, t) and n > 40 and any(len(occ[u]) >= 2 for u in others(occ, t))
    rules['once, two other topics tagged'] = lambda occ, t, n, x: once(occ, t) and len(others(occ, t)) >= 2
    rules['once, three other topics tagged'] = lambda occ, t, n, x: once(occ, t) and len(others(occ, t)) >= 3
    rules['only occurrences in list items'] = lambda occ, t, n, x: in_list_item(x, occ[t])
    rules['only occurrences in list items, > 30 chars'] = lambda occ, t, n, x: n > 30 and in_list_item(x, occ[t])
    rules['once, in list item'] = lambda occ, t, n, x: once(occ, t) and in_list_item(x, occ[t])
    rules['once, in list item, another topic tagged'] = lambda occ, t, n, x: once(occ, t) and in_list_item(x, occ[t]) and others(occ, t)
    for L in (60, 80, 100):
        rules[f'once, > {L} chars'] = (lambda L: lambda occ, t, n, x: once(occ, t) and n > L)(L)
        rules[f'once, > {L} chars, another topic tagged'] = (lambda L: lambda occ, t, n, x: once(occ, t) and n > L and others(occ, t))(L)
    print('| rule | wrong tags removed | right tags removed | wrong per right | passes gate |')
    print('| --- | --- | --- | --- | --- |')
    for name, rule in rules.items():
        w = r = 0
        for t, p, l, ok in kept:
            occ, n, x = tg.occurrences(ms[(p, l)]['text'])
            if t not in occ:
                continue
            if rule(occ, t, n, x):
                if ok: r += 1
                else: w += 1
        ratio = f'{w/r:.1f}' if r else ('-' if not w else 'inf')
        gate = 'yes' if w >= 5 and w >= 3 * r else 'no'
        print(f'| {name} | {w} | {r} | {ratio} | {gate} |')
    # A keyword that is the topic's only word in the message (any count), per keyword.
    per = collections.defaultdict(lambda: [0, 0])
    for t, p, l, ok in kept:
        occ, n, x = tg.occurrences(ms[(p, l)]['text'])
        words = {x[s:e] for s, e in occ.get(t, [])}
        if len(words) == 1:
            per[(t, words.pop())][ok] += 1
    print()
    print('| topic | its only keyword in the message | wrong | right | passes gate |')
    print('| --- | --- | --- | --- | --- |')
    for (t, k), (w, r) in sorted(per.items(), key=lambda kv: (-kv[1][0], kv[1][1])):
        if w >= 2:
            print(f"| {t} | {k} | {w} | {r} | {'yes' if w >= 5 and w >= 3 * r else 'no'} |")

if __name__ == '__main__':
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
