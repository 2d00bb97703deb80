#!/usr/bin/env python3
"""General words' weight in a pasted question's cover, cross-validated, alone and under the
subject fusion (BENCHMARKS.md, *Relevance, session 21 (helper `paste23`)*).

usage: benches/general_cv.py BIN ARCHIVE INDEX KEYS --cache FILE --subj-cache FILE

BIN must be a binary without the fusion (main before `paste23`); KEYS is
`benches/paste-keys.tsv`; the subject runs are read from fuse_cv.py's `--subj-cache` (run it
first). A question's keys in GENERAL (a stop list of general words, written from the 20 questions' keys before any figure of
the figures) weigh (1 - x) of their weight in the cover: each hit's key loses
16 x (their share of the weight it covers). x chosen by leave-one-need-out over the 20 needs,
on main's ranking and on the fused one (twice only, K 60, weight 2). Standard library only.
"""
import collections, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuse_cv as f  # noqa: E402
import rerank_cv as rc  # noqa: E402

args = sys.argv[1:]
if len(args) < 4 or '--subj-cache' not in args:
    sys.exit(__doc__)
data, _ = rc.cached_fetch(args[0], args[1], args[2], args)
sr = json.load(open(args[args.index('--subj-cache') + 1], encoding='utf-8'))
E=f.glossary(); needs={q:(n,t) for q,n,t in rc.needs()}; g=rc.grades()
idf=lambda h:(h['path'],h['line'])
runs={q:(hits,near) for q,hits,near,r in rc.pasted_runs(data)}
qids=sorted(runs)
keys=collections.defaultdict(list)
for line in open(args[3], encoding='utf-8'):
    _,q,t,w=line.rstrip('\n').split('\t'); keys[q].append((t,float(w)))
GENERAL=set('业务 风险 限制 要求 机构 支付 流程 问题 方式 情况 影响 处理 关系 区别 合作 资质 格式 成本 选择 统计 获取 解析 识别 防控 落地 出现 用途 开立 签约 避免 防止 发起 接口 国内 客户 平台 银行 通道 收入 结算 合规 监管 牌照 手续费'.split())
memo={}
def nd(q,x,fuse):
    k=(q,x,fuse)
    if k in memo: return memo[k]
    hits,near=runs[q]
    ks=keys[q]; tot=sum(w for _,w in ks)
    gen=[(t,w) for t,w in ks if t in GENERAL]
    def key(h):
        t=h['text'].lower()
        return h['score']-16*x*sum(w for k2,w in gen if k2 in t)/tot
    top=sorted(hits[:600],key=lambda h:-key(h))+hits[600:]
    if fuse:
        w=f.subject(needs[q][0],E,'twiceonly')
        if w:
            sh=[h for h in sr[' '.join(w)] if 'path' in h]
            sc={idf(h):1/(60+i+1) for i,h in enumerate(top[:500])}
            for i,h in enumerate(sh[:500]):
                if idf(h) in sc: sc[idf(h)]+=2/(60+i+1)
            top=sorted(top[:500],key=lambda h:-sc[idf(h)])+top[500:]
    page=([top[i] for i in rc.layout(top)]+near)[:10]
    memo[k]=(rc.ndcg(page,g[q]),sum(idf(h) not in g[q] for h in page)); return memo[k]
GRID=[0,0.1,0.2,0.3,0.5,0.75,1.0]
for fuse in (False,True):
    per={};picked=collections.Counter()
    for q in qids:
        tr=[o for o in qids if o!=q]
        x=max(GRID,key=lambda x:(round(sum(nd(o,x,fuse)[0] for o in tr),9),-x))
        picked[x]+=1; per[q]=nd(q,x,fuse)
    m=lambda s:sum(per[q][0] for q in qids if q[0]==s)/10
    u=sum(per[q][1] for q in qids)
    print('fused' if fuse else 'main ', 'general keys weigh (1-x) in the cover, LOO', dict(picked), 'dev %.3f held-out %.3f (%d unjudged)'%(m('N'),m('H'),u))
    for x in GRID:
        print('   fixed x=%.2f dev %.3f held-out %.3f (%d unj)'%(x,sum(nd(q,x,fuse)[0] for q in qids if q[0]=='N')/10,sum(nd(q,x,fuse)[0] for q in qids if q[0]=='H')/10,sum(nd(q,x,fuse)[1] for q in qids)))
print('general keys present per need:',{q:[t for t,_ in keys[q] if t in GENERAL] for q in qids})
