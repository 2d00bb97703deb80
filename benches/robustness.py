#!/usr/bin/env python3
"""The robustness table of issue 11 over the 20 judged needs: every other way of writing a need's
query finds at least what the plain Chinese query (as typed, glossary on) finds.

usage: benches/robustness.py BIN ARCHIVE INDEX [--markdown]

For each need of ../shared/eval/needs.tsv and benches/heldout/needs.tsv it writes the query:
- English: each term replaced by an English (Latin-letter) form of its glossary entry, every
  one the glossary has (src/glossary.yaml, or ARCHIVE/glossary.yaml where present), typed bare;
  one of several words (`anti money laundering`) also hyphenated and glued; "-" where no term
  of the query has one;
- traditional: each character that has a traditional form written so (TRADITIONAL below; each
  checked to be one fast2s converts, src/traditional.txt), and with 帳 for 账;
- full-width: ASCII letters, digits and signs of the query, and of each form of its terms'
  glossary entries written with them (English names, 2类户, T+0), as U+FF01-U+FF5E, spaces as
  U+3000; case: the same forms with their case swapped;
- punctuated: terms joined by a Chinese comma, by an ideographic space and by 、; a single term
  followed by a Chinese comma (，T) and by a question mark is left out (it reads as a question);
- `A OR B` and `A|B`: a query of two terms, its terms ORed; of one term, the term ORed with
  the first other form of its glossary entry, else with 支付;
- variants: 帐 for 账, and every other form of the term's glossary entry (synonyms, spellings
  such as Ⅱ类户), each alone in the term's place; a form holding Chinese punctuation (the
  account classes written coordinated, II、III类户) is quoted, the one way to type it as one
  term (the punctuation separates terms, as a space does).
Each is run as `search --json --limit 0` and its set of (path, line) compared with the plain
query's: it must hold every one. Exit 1 if any form misses a hit. Standard library only.
"""
import json, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, '..', '..', 'shared', 'eval')

# Traditional forms of the characters of the needs' queries and their glossary forms (each
# must be in src/traditional.txt, the characters fast2s converts; checked below).
TRADITIONAL = dict(zip(
    '备幂协议长结汇聚垫类户预冲对账单据洗钱现单权认证风险头寸银联网进购资费续务书报后级际',
    '備冪協議長結匯聚墊類戶預衝對賬單據洗錢現單權認證風險頭寸銀聯網進購資費續務書報後級際'))


def tsv(path):
    return [l.rstrip('\n').split('\t') for l in open(path, encoding='utf-8')][1:]


def needs():
    return tsv(os.path.join(SHARED, 'needs.tsv')) + tsv(os.path.join(HERE, 'heldout', 'needs.tsv'))


def glossary(archive):
    """The glossary's entries (lists of forms), parsed from its flow lists (`- [a, b, c]`)."""
    path = os.path.join(archive, 'glossary.yaml')
    if not os.path.isfile(path):
        path = os.path.join(HERE, '..', 'src', 'glossary.yaml')
    entries = []
    for line in open(path, encoding='utf-8'):
        m = re.match(r'^- \[(.*)\]\s*$', line)
        if m:
            entries.append([f.strip() for f in m.group(1).split(',')])
    return entries


def entry_of(entries, term):
    """The forms of every entry holding `term` (compared in lower case), term first, no repeats."""
    out = [term]
    for e in entries:
        if term.lower() in (f.lower() for f in e):
            out += [f for f in e if f.lower() not in (o.lower() for o in out)]
    return out


def latin(form):
    return re.fullmatch(r'[A-Za-z][A-Za-z _-]*', form) is not None


def one_term(form):
    """A glossary form as typed for one term: quoted where it holds Chinese punctuation."""
    return f'"{form}"' if re.search('[、，。；：？！\u3000]', form) else form


def full_width(s):
    """`s` full-width (a quote of `one_term` stays a quote)."""
    return ''.join('\u3000' if c == ' ' else chr(ord(c) + 0xFEE0) if '!' <= c <= '~' and c != '"' else c for c in s)


def traditional(s):
    return ''.join(TRADITIONAL.get(c, c) for c in s)


def forms(query, entries):
    """(kind, form) pairs for a need's query."""
    terms = query.split()
    out = []
    english = [[f for f in entry_of(entries, t)[1:] if latin(f)] for t in terms]
    for k, t in enumerate(terms):
        for e in english[k]:
            # An English name of several words typed bare (one glossary term), and hyphenated
            # and glued.
            spellings = [e, e.replace(' ', '-'), e.replace(' ', '')] if ' ' in e else [e]
            for f in spellings:
                out.append(('English', ' '.join(f if j == k else o for j, o in enumerate(terms))))
    if not any(english):
        out.append(('English', None))
    trad = traditional(query)
    out.append(('traditional', trad if trad != query else None))
    if '账' in query:
        out.append(('traditional', traditional(query.replace('账', '帳'))))
    # Full-width and case: of the query where it holds ASCII, else of each English form and
    # each form of the glossary entry written with ASCII letters or digits (2类户, II类户).
    ascii_forms = [query] if re.search(r'[!-~]', query) else []
    for k, t in enumerate(terms):
        ascii_forms += [' '.join(one_term(f) if j == k else o for j, o in enumerate(terms))
                        for f in entry_of(entries, t)[1:] if re.search(r'[!-~]', f)]
    out += [('full-width', full_width(f)) for f in ascii_forms]
    if not ascii_forms:
        out.append(('full-width', None))
    out += [('case', f.swapcase()) for f in ascii_forms if re.search('[A-Za-z]', f)]
    if len(terms) > 1:
        out += [('punctuated', sep.join(terms)) for sep in ('，', '\u3000', '、')]
        out += [('OR', ' OR '.join(terms)), ('|', '|'.join(terms))]
    else:
        out += [('punctuated', f'，{query}'), ('punctuated', f'{query}\u3000')]
        other = next(iter(entry_of(entries, query)[1:]), '支付')
        # A name of several words is quoted: `OR` joins the words beside it.
        other = f'"{other}"' if ' ' in other else other
        out += [('OR', f'{query} OR {other}'), ('|', f'{query}|{other}')]
    for k, t in enumerate(terms):
        swap = lambda f: ' '.join(f if j == k else o for j, o in enumerate(terms))
        if '账' in t:
            out.append(('variant', swap(t.replace('账', '帐'))))
        for f in entry_of(entries, t)[1:]:
            if not latin(f):
                out.append(('variant', swap(one_term(f))))
    return out


def hits(binp, archive, index, query):
    r = subprocess.run([binp, '--archive', archive, '--index', index, 'search', '--json', '--limit', '0', '--', query],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f'{query}: exit {r.returncode}: {r.stderr}')
    return {(h['path'], h['line']) for h in map(json.loads, r.stdout.splitlines())}


def main():
    binp, archive, index = sys.argv[1:4]
    markdown = '--markdown' in sys.argv[4:]
    listed = open(os.path.join(HERE, '..', 'src', 'traditional.txt'), encoding='utf-8').read()
    wrong = [t for t in TRADITIONAL.values() if t not in listed and t not in TRADITIONAL]
    if wrong:
        sys.exit(f'not traditional characters fast2s converts: {wrong}')
    entries = glossary(archive)
    failures, rows = 0, []
    for qid, _, query in needs():
        plain = hits(binp, archive, index, query)
        cells = {}
        for kind, form in forms(query, entries):
            if form is None:
                cells.setdefault(kind, []).append('—')
                continue
            got = hits(binp, archive, index, form)
            missing = plain - got
            ok = not missing
            failures += not ok
            mark = '⊇' if ok else f'MISSES {len(missing)}'
            cells.setdefault(kind, []).append(f'`{form}` {len(got)} {mark}')
            if not ok:
                print(f'{qid} {form!r} misses {len(missing)} of the {len(plain)} hits of {query!r}, e.g. '
                      f'{sorted(missing)[:2]}', file=sys.stderr)
        rows.append((qid, query, len(plain), cells))
    kinds = ['English', 'traditional', 'full-width', 'case', 'punctuated', 'OR', '|', 'variant']
    if markdown:
        cell = lambda text: text.replace('|', '\\|')
        print('| need | plain query | hits | ' + ' | '.join(map(cell, kinds)) + ' |')
        print('|' + ' --- |' * (3 + len(kinds)))
        for qid, query, n, cells in rows:
            print(f'| {qid} | `{query}` | {n} | ' + ' | '.join(cell('<br>'.join(cells.get(k, ['—']))) for k in kinds) + ' |')
    else:
        for qid, query, n, cells in rows:
            print(f'{qid} {query} ({n} hits)')
            for k in kinds:
                for c in cells.get(k, []):
                    print(f'    {k:12} {c}')
    checked = sum(1 for _, _, _, cells in rows for k in kinds for c in cells.get(k, []) if c != '—')
    print(f'{checked} forms of {len(rows)} needs checked, {failures} miss hits of the plain query', file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
