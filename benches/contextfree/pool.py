#!/usr/bin/env python3
"""Pool the hits two rankings disagree on, to be graded blind from the text alone.

usage: benches/contextfree/pool.py OLD_BIN OLD_INDEX NEW_BIN NEW_INDEX ARCHIVE OUT_DIR
           [--sets heldout,heldout2,...] [--parts K] [--seed S] [--decoys N]
       benches/contextfree/pool.py --pages PAGES.json ARCHIVE OUT_DIR [the same options]

With `--pages`, the two top tens of each need are read from a file instead of two binaries:
{need: {"old": [[path, line], ...], "new": [...]}} (a ranking simulated by a script, e.g. the
cross-validated pages of benches/quality_cv.py); needs it does not list are left out.

For every need of ../shared/eval and of the named sets (folders of benches/), the typed query's
top ten by each binary; a hit in one top ten and not the other is an item (its side kept in
OUT_DIR/key.json, not in the items). N of the owners' dev judgments (../shared/eval/qrels.tsv,
judged without context, a third of each grade) are mixed in as decoys. The items are shuffled and
split into K files OUT_DIR/items1.md … for helpers following prompt.md (the need, the typed query,
the message; nothing else). Grades come back as OUT_DIR/grades*.tsv (id, grade, reason);
`score.py OUT_DIR` reports them.
"""
import json, os, random, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, '..', '..', '..', 'shared', 'eval')
HDR = re.compile(r'^> (\d\d:\d\d:\d\d)\s+(.*?)\s*$')


def opt(args, name, default):
    return args[args.index(name) + 1] if name in args else default


def top(binp, index, archive, words):
    out = subprocess.run([binp, '--archive', archive, '--index', index, 'search', '--json', '--limit', '10', *words],
                         capture_output=True, text=True).stdout
    return {(h['path'], h['line']): h['text'] for h in map(json.loads, out.splitlines()) if 'path' in h}


def text_at(archive, path, line):
    lines = open(os.path.join(archive, path), encoding='utf-8', errors='replace').read().split('\n')
    body = []
    for l in lines[line:]:
        if HDR.match(l):
            break
        if l.strip():
            body.append(l.strip())
    return ' '.join(body)


def main():
    args = sys.argv[1:]
    if len(args) < (4 if '--pages' in args else 6):
        sys.exit(__doc__)
    given = json.load(open(opt(args, '--pages', ''), encoding='utf-8')) if '--pages' in args else None
    if given is not None:
        args = [a for i, a in enumerate(args) if a != '--pages' and (i == 0 or args[i - 1] != '--pages')]
        archive, out = args[:2]
    else:
        old_bin, old_index, new_bin, new_index, archive, out = args[:6]
    sets = [s for s in opt(args, '--sets', 'heldout').split(',') if s]
    parts, rng, n_decoys = int(opt(args, '--parts', '4')), random.Random(opt(args, '--seed', '0')), int(opt(args, '--decoys', '42'))
    dirs = [SHARED] + [os.path.join(HERE, '..', s) for s in sets]
    needs = {}
    items = []
    for d in dirs:
        for line in list(open(os.path.join(d, 'needs.tsv'), encoding='utf-8'))[1:]:
            q, need, typed = line.rstrip('\n').split('\t')
            needs[q] = (need, typed)
            if given is not None:
                if q not in given:
                    continue
                pages = {side: {(p, ln): text_at(archive, p, ln) for p, ln in given[q][side]} for side in ('old', 'new')}
            else:
                pages = {side: top(b, i, archive, typed.split()) for side, b, i in
                         (('old', old_bin, old_index), ('new', new_bin, new_index))}
            for side, other in (('old', 'new'), ('new', 'old')):
                for (path, ln), text in pages[side].items():
                    if (path, ln) not in pages[other]:
                        items.append(dict(q=q, src=side, path=path, line=ln, text=text))
    owners = [l.rstrip('\n').split('\t') for l in list(open(os.path.join(SHARED, 'qrels.tsv'), encoding='utf-8'))[1:]]
    for g in '012':
        for q, path, ln, _ in rng.sample([r for r in owners if r[3] == g], n_decoys // 3):
            items.append(dict(q=q, src='decoy' + g, path=path, line=int(ln), text=text_at(archive, path, int(ln))))
    rng.shuffle(items)
    os.makedirs(out, exist_ok=True)
    for k in range(parts):
        with open(os.path.join(out, f'items{k + 1}.md'), 'w', encoding='utf-8') as f:
            for i, it in enumerate(items[k::parts]):
                it['id'] = f'{k + 1}-{i + 1:03d}'
                need, typed = needs[it['q']]
                f.write(f"### {it['id']}\nNeed: {need}\nTyped query: {typed}\nMessage: {it['text'][:1500]}\n\n")
    json.dump(items, open(os.path.join(out, 'key.json'), 'w', encoding='utf-8'), ensure_ascii=False)
    print(len(items), 'items in', parts, 'files')


if __name__ == '__main__':
    main()
