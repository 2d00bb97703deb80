#!/usr/bin/env python3
"""Session 20 (helper topics21): measures "the reply" rules for topic recall before building them.

usage: topic_reply_rules.py EXPORT.ndjson JUDGMENTS.tsv…
  EXPORT: `chatlore export --ndjson` of the real archive by the binary under test.
  JUDGMENTS: topic-judgment files (recall rows: topic column = the topic the untagged message
  should carry, or `-`).
For each judged untagged row that the export leaves untagged, each rule variant says which topics
it would add (from the message it answers, read from the log); a tag is right when it is the
judged topic. Prints a table of variants: messages it adds a tag to, right tags / all tags it
adds, misses it catches, and the estimated recall lift.
"""
import json, re, sys, collections

THANKS = re.compile(r'谢谢|感谢|多谢|谢了|谢啦|哈哈|呵呵|嘿嘿|嘻嘻|好的|收到|明白|了解|同意|赞|厉害|牛|是的|对的|对啊|嗯|哦|噢|恩恩|ok|OK')
EMOJI = re.compile(r'\[[^\[\]]{1,4}\]')
MENTION = re.compile(r'@\S+?(?:\?|\u2005|\s|$)')
QUOTE = re.compile(r'「([^:：」]{1,40})[:：](.*?)」', re.S)
QUESTION = re.compile(r'[？?]|吗|么|呢|如何|怎样|怎么|什么|哪些|哪个|是否|有没有|能不能|可不可以|请教|求问|问下|问一下')
# Payments vocabulary of src/tokenize.rs (USER_WORDS) plus common payments words.
PAY = ['网联','断直连','结售汇','外管局','备付金','长短款','收单','聚合支付','代扣','代付','清分','对账','差错','路由',
       '通道费','快捷支付','协议支付','二类户','三类户','虚拟账户','反洗钱','拒付','头寸','轧差','跨境支付','购付汇',
       '条码支付','付款码','收款码','支付牌照','银联','银行卡','清算','结算','商户','分润','进件','冲正','签约','刷卡',
       'oracle','限额']

# The tagger's precision assumed in the recall estimate (samples 4 and 5: 85.0%, 84.3%).
PRECISION = 0.85

def strip(text):
    t = MENTION.sub(' ', text)
    t = QUOTE.sub(' ', t)
    t = t.replace('- - - - - - - - - - - - - - -', ' ')
    return t

def says_something(text, min_len, need_pay, no_chat):
    t = strip(text)
    body = EMOJI.sub('', t).strip()
    if len(body) < min_len:
        return False
    if no_chat and len(body) < 15 and THANKS.search(body):
        return False
    if need_pay and not any(w in body.lower() for w in PAY):
        return False
    return True

BROAD = re.compile(r'支付|银行|账|资金|交易|商户|费|钱|卡|风控|接口|系统|订单|清算|结算|款|渠道|牌照|监管|央行|人行')
STOP = set('的了是在我你他这那有就也都和吧吗呢啊么个们不要会说到能对还')

def bigrams(text):
    t = EMOJI.sub('', strip(text))
    return {a + b for a, b in zip(t, t[1:])
            if '\u4e00' <= a <= '\u9fff' and '\u4e00' <= b <= '\u9fff' and a not in STOP and b not in STOP}

MENTIONED = re.compile(r'@([^\s\u2005?？@]+)')
SEG = re.compile(r'[-—_+\s·|｜]')

def mentions(text, p):
    """Whether `text` @mentions the speaker of message p: the whole nickname, or the same first
    part of a `name-company-role` nickname (a group nickname and a WeChat name often differ
    after it: `@张泽雄-民生金服-研发-北京` for `张泽雄-民生金服 项目总监`)."""
    if '@' + p['speaker'] in text:
        return True
    firsts = {SEG.split(x)[0] for x in (p['speaker'], p['name'])}
    return any(len(f := SEG.split(t)[0]) >= 2 and f in firsts for t in MENTIONED.findall(text))

def back(log, i, n, secs):
    """The up to n messages before message i, latest first, within secs seconds of it."""
    m = log[i]
    for j in range(i - 1, max(-1, i - 1 - n), -1):
        if m['timestamp'] - log[j]['timestamp'] > secs:
            return
        yield log[j]

def answered(log, i, family):
    """The topics message i of `log` takes from the message(s) it answers under `family`."""
    m = log[i]
    out = set()
    if family == 'mention: the mentioned speaker\'s latest message (30 min)':
        for p in back(log, i, 100, 1800):
            if p['speaker'] != m['speaker'] and mentions(m['text'], p):
                return set(p['topics'])
    elif family == 'mention: the mentioned speaker\'s latest message (3 h)':
        for p in back(log, i, 400, 3 * 3600):
            if p['speaker'] != m['speaker'] and mentions(m['text'], p):
                return set(p['topics'])
    elif family == 'mention: any message of the mentioned speaker (30 min)':
        for p in back(log, i, 100, 1800):
            if p['speaker'] != m['speaker'] and mentions(m['text'], p):
                out.update(p['topics'])
    elif family in ('question: the message right before, another speaker, a question, <= 120 s',
                    'question: the message right before, another speaker, a question, <= 300 s'):
        secs = 120 if '120' in family else 300
        for p in back(log, i, 1, secs):
            if p['speaker'] != m['speaker'] and QUESTION.search(strip(p['text'])):
                out.update(p['topics'])
    elif family == 'question: the nearest tagged one with ？ of the 3 before, another speaker, <= 300 s':
        for p in back(log, i, 3, 300):
            if p['speaker'] != m['speaker'] and re.search(r'[？?]', strip(p['text'])) and p['topics']:
                return set(p['topics'])
    elif family == 'the message right before, another speaker, <= 120 s (no question needed)':
        for p in back(log, i, 1, 120):
            if p['speaker'] != m['speaker']:
                out.update(p['topics'])
    elif family == 'quote: the quoted message':
        for q in QUOTE.finditer(m['text']):
            who, said = q.group(1).strip(), q.group(2).strip()[:8]
            for p in back(log, i, 300, 10 ** 9):
                if p['speaker'] == who and said and p['text'].strip().startswith(said):
                    out.update(p['topics'])
                    break
    elif family.startswith('continuation'):
        secs = 60 if '60' in family else 120
        for p in back(log, i, 1, secs):
            if p['speaker'] == m['speaker']:
                out.update(p['topics'])
    elif family.startswith('overlap'):
        k = int(family.split('>= ')[1][0])
        mine = bigrams(m['text'])
        for p in back(log, i, 3, 300):
            if p['speaker'] != m['speaker'] and p['topics'] and len(mine & bigrams(p['text'])) >= k:
                return set(p['topics'])
    elif family == 'any of mention, question (120 s), quote, continuation (120 s)':
        for f in FAMILIES[0:1] + FAMILIES[3:4] + FAMILIES[7:8] + FAMILIES[9:10]:
            out |= answered(log, i, f)
    return out

FAMILIES = [
    'mention: the mentioned speaker\'s latest message (30 min)',
    'mention: the mentioned speaker\'s latest message (3 h)',
    'mention: any message of the mentioned speaker (30 min)',
    'question: the message right before, another speaker, a question, <= 120 s',
    'question: the message right before, another speaker, a question, <= 300 s',
    'question: the nearest tagged one with ？ of the 3 before, another speaker, <= 300 s',
    'the message right before, another speaker, <= 120 s (no question needed)',
    'quote: the quoted message',
    'continuation: the same speaker\'s message right before, <= 60 s',
    'continuation: the same speaker\'s message right before, <= 120 s',
    'overlap: nearest tagged of the 3 before (300 s, another speaker) sharing >= 1 content bigram',
    'overlap: nearest tagged of the 3 before (300 s, another speaker) sharing >= 2 content bigrams',
    'any of mention, question (120 s), quote, continuation (120 s)',
]

def body(text):
    return EMOJI.sub('', strip(text)).strip()

FILTERS = {
    'none': lambda b: True,
    '>= 5 chars, not thanks/laughter/assent': lambda b: len(b) >= 5 and not (len(b) < 15 and THANKS.search(b)),
    '>= 10 chars, not thanks/laughter/assent': lambda b: len(b) >= 10 and not (len(b) < 15 and THANKS.search(b)),
    '>= 20 chars': lambda b: len(b) >= 20,
    'a payments word of src/tokenize.rs': lambda b: any(w in b.lower() for w in PAY),
    'a broad payments word, >= 10 chars': lambda b: len(b) >= 10 and bool(BROAD.search(b)),
}

def load_logs(export):
    """The export's messages, and (path, line) -> (its log in line order, its index there)."""
    ms = [json.loads(l) for l in open(export, encoding='utf-8')]
    logs = collections.defaultdict(list)
    for m in ms:
        logs[m['path']].append(m)
    at = {}
    for path, log in logs.items():
        log.sort(key=lambda m: m['line'])
        for i, m in enumerate(log):
            at[(path, m['line'])] = (log, i)
    return ms, at

def recall_rows(judgments):
    """The judged untagged rows of topic-judgment files: (topic or '-', path, line)."""
    rows = []
    for f in judgments:
        for line in open(f, encoding='utf-8'):
            c = line.rstrip('\n').split('\t')
            if c[0].startswith('recall'):
                rows.append((c[2], c[3], int(c[4])))
    return rows

def main(export, *judgments):
    ms, at = load_logs(export)
    rows = recall_rows(judgments)
    untagged = [(t, p, l) for t, p, l in rows if not at[(p, l)][0][at[(p, l)][1]]['topics']]
    misses = [r for r in untagged if r[0] != '-']
    n_tagged = sum(1 for m in ms if m['topics'])
    n_untagged = len(ms) - n_tagged
    miss_rate = len(misses) / len(untagged)
    base = n_tagged * PRECISION + n_untagged * miss_rate
    print(f'judged untagged rows {len(rows)}; tagged by this export {len(rows) - len(untagged)}; '
          f'untagged {len(untagged)}, of them misses {len(misses)} ({miss_rate:.1%}); archive: tagged '
          f'{n_tagged}, untagged {n_untagged}; recall at precision {PRECISION}: {n_tagged * PRECISION / base:.1%}')
    near = [0, 0, 0, 0]
    for t, p, l in untagged:
        log, i = at[(p, l)]
        tops = set().union(*[q['topics'] for q in back(log, i, 10, 600)])
        if t != '-':
            near[0] += t in tops
            near[1] += 1
        else:
            near[2] += bool(tops)
            near[3] += 1
    print(f'ceiling: {near[0]}/{near[1]} misses have their judged topic on one of the 10 messages before '
          f'(10 min); so do {near[2]}/{near[3]} rows judged to carry no topic (any topic)')
    print('| reply read as | the reply says something | messages added | right tags / tags added | misses caught | recall lift (points) | gate |')
    print('| --- | --- | --- | --- | --- | --- | --- |')
    for family in FAMILIES:
        for fname, ok in FILTERS.items():
            added = right = tags = 0
            for t, p, l in untagged:
                log, i = at[(p, l)]
                if not ok(body(log[i]['text'])):
                    continue
                topics = answered(log, i, family)
                if topics:
                    added += 1
                    tags += len(topics)
                    right += t in topics
            lift = n_untagged * right / len(untagged) / base * 100
            pr = f'{right}/{tags} = {right / tags:.0%}' if tags else '0/0'
            gate = 'yes' if tags and right / tags >= 0.8 and lift >= 4 else 'no'
            print(f'| {family} | {fname} | {added} | {pr} | {right}/{len(misses)} | {lift:+.1f} | {gate} |')

if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
