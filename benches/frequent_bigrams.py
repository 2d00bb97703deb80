#!/usr/bin/env python3
"""The bigram table of src/tokenize/frequent_bigrams.rs, drawn once from the real archive.

    chatlore --archive ../shared/archive export | benches/frequent_bigrams.py N > src/tokenize/frequent_bigrams.rs
    chatlore --archive ../shared/archive export | benches/frequent_bigrams.py --stats

Counts, for every bigram of two neighbouring CJK characters (chatlore's `is_cjk`) inside a
CJK run of a message's text, the messages holding it (its document frequency: what the
postings of a phrase cost), and writes the N most frequent as a sorted Rust table (ties broken
by the bigram, so the table is reproducible). `--stats` prints, for several N, the share of
trigram occurrences whose two bigrams are both in the table (what the `tri` field keeps).
The text is not folded as chatlore folds it (traditional forms, variants): the table is only
a choice of bigrams; the index and the query side apply it to folded text alike.
"""
import collections
import json
import sys


def is_cjk(c):
    o = ord(c)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF
            or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF)


def runs(text):
    run = []
    for c in text:
        if is_cjk(c):
            run.append(c)
        else:
            if len(run) > 1:
                yield run
            run = []
    if len(run) > 1:
        yield run


def main():
    docs = collections.Counter()
    trigrams = collections.Counter()
    messages = 0
    for line in sys.stdin:
        text = json.loads(line)["text"]
        messages += 1
        seen = set()
        for run in runs(text):
            for i in range(len(run) - 1):
                seen.add(run[i] + run[i + 1])
            for i in range(len(run) - 2):
                trigrams[run[i] + run[i + 1] + run[i + 2]] += 1
        docs.update(seen)
    ranked = sorted(docs.items(), key=lambda kv: (-kv[1], kv[0]))
    if sys.argv[1] == "--stats":
        total = sum(trigrams.values())
        print(f"{messages} messages, {len(docs)} bigrams, {total} trigram occurrences, {len(trigrams)} trigrams")
        for n in (64, 128, 256, 512, 1024, 2048, 4096):
            top = {b for b, _ in ranked[:n]}
            both = sum(k for t, k in trigrams.items() if t[:2] in top and t[1:] in top)
            first = sum(k for t, k in trigrams.items() if t[:2] in top)
            kinds = sum(1 for t in trigrams if t[:2] in top and t[1:] in top)
            print(f"N={n}: last df {ranked[n - 1][1]}, both {both / total:.1%} ({kinds} trigrams), first {first / total:.1%}")
        return
    n = int(sys.argv[1])
    top = sorted(ranked[:n], key=lambda kv: kv[0])
    print("//! The bigrams a trigram needs for the `tri` field (see `super::holds_trigram`):")
    print(f"//! the {n} bigrams held by most messages of the real archive ({messages} messages,")
    print(f"//! the last held by {ranked[n - 1][1]}), drawn once by `benches/frequent_bigrams.py {n}`. A rule fixed")
    print("//! in the code, never the statistics of the index at hand: an index grows a day at a time,")
    print("//! and every day must be indexed by the same rule. Changing the table changes the index:")
    print("//! bump the schema version.")
    print()
    print("/// The bigrams, each as its two characters' code points (`first << 32 | second`), sorted.")
    print("pub(crate) const FREQUENT_BIGRAMS: [u64; %d] = [" % n)
    for b, k in top:
        print(f"    0x{ord(b[0]):x}_{ord(b[1]):08x}, // {b} {k}")
    print("];")


if __name__ == "__main__":
    main()
