#!/usr/bin/env python3
"""What fusing a pasted question's subject costs where the glossary lacks the subject
(BENCHMARKS.md, *Relevance, session 21 (helper `paste23`)*).

usage: benches/fuse_ablation.py BIN ARCHIVE INDEX [--cache FILE] [--subj-cache FILE]

BIN must be a binary without the fusion (main before `paste23`). On fuse_cv.py's harness, the
20 judged needs' pasted pages fused (K 60) with the typed run of the question's subject, where
the subject is
- twice (built first): the glossary entry named most often if one is named twice, else the
  first named;
- twiceonly (built last): only an entry named at least twice, else no fusion;
- head (measured, merged, then reverted in session 21): twice, else the first entry named in
  the question's head (its text before the first question word or clause mark, without what
  parentheses hold): the tuned sets liked it, the third held-out set (benches/heldout3) did not;
and the same with each need's own subject entry taken out of the glossary ("ablated"): what
the rule does for a question whose subject the glossary lacks (it then takes another entry it
names, or none). Then a grid of the fusion weight for an entry named twice against one named
first only, real and ablated. Unjudged hits count 0 (the ablated runs bring many: a lower
bound there). Standard library only.
"""
import collections, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuse_cv as f  # noqa: E402
import rerank_cv as rc  # noqa: E402
args = sys.argv[1:]
if len(args) < 3:
    sys.exit(__doc__)
B, A, I = args[:3]
data, _ = rc.cached_fetch(B, A, I, args)
scache = args[args.index('--subj-cache') + 1] if '--subj-cache' in args else None
sr = json.load(open(scache, encoding='utf-8')) if scache and os.path.exists(scache) else {}
E=f.glossary(); needs={q:(n,t) for q,n,t in rc.needs()}; g=rc.grades()
idf=lambda h:(h['path'],h['line'])
runs={q:(hits,near) for q,hits,near,r in rc.pasted_runs(data)}
qids=sorted(runs)
def srun(words):
    k=' '.join(words)
    if k not in sr:
        out=rc.run(B,A,I,'search','--json','--limit','0',*words).stdout
        sr[k]=[json.loads(l) for l in out.splitlines() if l.strip()]
    return [h for h in sr[k] if 'path' in h]
def twiceonly(n,ents):
    found=f.named(n,ents); c=collections.Counter(e for _,e,_ in found)
    if not c or max(c.values())<2: return None
    return f.subject(n,ents,'twice')
# question::head's marks: query::QUESTION_WORDS, a word asking both ways (退不退), a clause mark.
HEAD_END = re.compile('|'.join(['怎么', '怎样', '如何', '什么', '为什么', '为何', '哪些', '哪个', '哪里', '哪家', '多少',
                                '是否', '能否', '可否', '有没有', '是不是', '要不要', '吗', '呢', '么', '请问', '请教',
                                '求问', '求助', '啥', '谁', '几点', '几天', '几号', r'(.)不\1', '[，,？?。；;！!]']))
def head(n):
    """The question's head: its text before the first question word or clause mark, without
    what parentheses hold (an elaboration: `支付限额怎么定（银行卡、快捷支付…）`)."""
    n = re.sub(r'（[^）]*）|\([^)]*\)', '', n)
    m = HEAD_END.search(n)
    return n[:m.start()] if m else n
def headrule(n,ents):
    w=twiceonly(n,ents)
    if w: return w
    found=f.named(head(n),ents)
    return f.subject(head(n),ents,'first') if found else None
def ablate(n):
    w=f.subject(n,E,'twice')
    if not w: return E
    low={f.fold(x) for x in w}
    return [e for e in E if not any(f.fold(x) in low for x in e)]
def page_nd(q,words,k=60,a=2.0):
    hits,near=runs[q]
    if not words: ranked=hits
    else:
        sh=srun(words)
        sc={idf(h):1/(k+i+1) for i,h in enumerate(hits[:500])}
        for i,h in enumerate(sh[:500]):
            if idf(h) in sc: sc[idf(h)]+=a/(k+i+1)
        ranked=sorted(hits[:500],key=lambda h:-sc[idf(h)])+hits[500:]
    page=([ranked[i] for i in rc.layout(ranked)]+near)[:10]
    return rc.ndcg(page,g[q]), sum(idf(h) not in g[q] for h in page)
def report(label,fn):
    per={q:page_nd(q,fn(q)) for q in qids}
    out=[]
    for s in 'NH':
        v=[per[q] for q in qids if q[0]==s]
        out.append('%.3f (%d unj)'%(sum(x for x,_ in v)/10,sum(u for _,u in v)))
    print(f'{label:40}',*out, ' '.join(f'{q}:{per[q][0]:.2f}' for q in qids))
report('base',lambda q:None)
report('twice (first build, 371d5fd)',lambda q:f.subject(needs[q][0],E,'twice'))
report('twiceonly (built)',lambda q:twiceonly(needs[q][0],E))
report('head (twice, else first in the head)',lambda q:headrule(needs[q][0],E))
report('ablated head',lambda q:headrule(needs[q][0],ablate(needs[q][0])))
report('ablated twice',lambda q:f.subject(needs[q][0],ablate(needs[q][0]),'twice'))
report('ablated twiceonly',lambda q:twiceonly(needs[q][0],ablate(needs[q][0])))
print('--- grid: a for an entry named twice / a for the first-named only (k 60); real, then ablated')
def mixed(n,ents):
    found=f.named(n,ents); c=collections.Counter(e for _,e,_ in found)
    if not c: return None, False
    return f.subject(n,ents,'twice'), max(c.values())>=2
for at in (1.0,2.0,3.0):
    for af in (0.0,0.25,0.5,1.0,2.0):
        row=[]
        for abl in (False,True):
            per={}
            for q in qids:
                ents=ablate(needs[q][0]) if abl else E
                w,tw=mixed(needs[q][0],ents)
                a=at if tw else af
                per[q]=page_nd(q,w if a>0 else None,60,a)
            row.append('%.3f/%.3f (%d unj)'%(sum(per[q][0] for q in qids if q[0]=='N')/10,sum(per[q][0] for q in qids if q[0]=='H')/10,sum(per[q][1] for q in qids)))
        print(at,af,*row)
if scache:
    json.dump(sr, open(scache, 'w', encoding='utf-8'), ensure_ascii=False)
