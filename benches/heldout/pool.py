#!/usr/bin/env python3
"""Pool the messages to judge for one held-out need, blind to where they came from.

usage: benches/heldout/pool.py [--set DIR] BIN ARCHIVE INDEX NEED_ID OUT_FILE

The need comes from the set's needs.tsv (DIR, by default the folder of this script, e.g.
`--set benches/heldout2` for the second set); messages the set's qrels.tsv already grades are
left out, so after a ranking change the same command pools only what is new to judge.

Pool = chatlore's top 20 for the typed query + top 20 for the need pasted whole + the first 10
matches in date order (the grep baseline) + 10 matches drawn at random (seeded by the need id),
minus what qrels already grade. Each pooled message is printed with the messages around it in
its log, in an order shuffled by the need id (no ranks, no scores, no source).
"""
import json, random, re, subprocess, sys, os

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = ARCHIVE = INDEX = None
HEADER = re.compile(r'^> (\d\d:\d\d:\d\d)\s+(.*?)\s*$')


def search(*args):
    out = subprocess.run([BIN, '--archive', ARCHIVE, '--index', INDEX, 'search', '--json', *args],
                         capture_output=True, text=True).stdout
    hits = []
    for l in out.splitlines():
        h = json.loads(l)
        if 'path' in h:
            hits.append((h['path'], h['line']))
    return hits


def messages(path):
    lines = open(os.path.join(ARCHIVE, path), encoding='utf-8', errors='replace').read().split('\n')
    msgs = []
    for i, l in enumerate(lines):
        m = HEADER.match(l)
        if m:
            msgs.append([i + 1, m.group(1), m.group(2), []])
        elif msgs and l.strip():
            msgs[-1][3].append(l.strip())
    return msgs


def context(path, line, before=4, after=4):
    msgs = messages(path)
    k = next((i for i, m in enumerate(msgs) if m[0] == line), None)
    if k is None:
        return f'(no message at {path}:{line})'
    out = []
    for i in range(max(0, k - before), min(len(msgs), k + after + 1)):
        ln, t, who, text = msgs[i]
        mark = '>>>' if i == k else '   '
        body = ' '.join(text)
        if i != k and len(body) > 300:
            body = body[:300] + '…'
        out.append(f'{mark} [{t}] {who}: {body}')
    return '\n'.join(out)


def main():
    global BIN, ARCHIVE, INDEX
    args = sys.argv[1:]
    folder = HERE
    if '--set' in args:
        k = args.index('--set')
        if k + 1 >= len(args):
            sys.exit(__doc__)
        folder = args[k + 1]
        del args[k:k + 2]
    if len(args) != 5:
        sys.exit(__doc__)
    BIN, ARCHIVE, INDEX, need_id, out_file = args
    needs_tsv = os.path.join(folder, 'needs.tsv')
    need = next(l.rstrip('\n').split('\t') for l in open(needs_tsv) if l.startswith(need_id + '\t'))
    _, text, query = need
    pool = []
    for h in search('--limit', '20', query) + search('--limit', '20', text) + \
            search('--sort', 'oldest', '--limit', '10', query):
        if h not in pool:
            pool.append(h)
    everything = search('--limit', '0', query)
    rnd = random.Random(need_id)
    rest = [h for h in everything if h not in pool]
    pool += rnd.sample(rest, min(10, len(rest)))
    judged = set()
    qrels = os.path.join(folder, 'qrels.tsv')
    if os.path.exists(qrels):
        for l in open(qrels):
            p = l.rstrip('\n').split('\t')
            if p[0] == need_id:
                judged.add((p[1], int(p[2])))
    pool = [h for h in pool if h not in judged]
    rnd.shuffle(pool)
    with open(out_file, 'w') as f:
        f.write(f'# {need_id}\tneed: {text}\ttyped: {query}\t{len(everything)} matches\n\n')
        for path, line in pool:
            f.write(f'## {path}\t{line}\n{context(path, line)}\n\n')
    print(f'{need_id}: {len(pool)} to judge -> {out_file}')


if __name__ == '__main__':
    main()
