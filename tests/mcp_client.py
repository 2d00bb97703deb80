"""Drives `chatlore mcp` through the reference Python MCP client (`pip install mcp`).

    python tests/mcp_client.py CHATLORE ARCHIVE INDEX check [--real]
    python tests/mcp_client.py CHATLORE ARCHIVE INDEX rebuild
    python tests/mcp_client.py CHATLORE ARCHIVE INDEX follow
    python tests/mcp_client.py CHATLORE ARCHIVE INDEX bench N QUERY [BY]

`check` runs the protocol conversation tests/mcp.rs expects and prints `ok: …` lines; any failed
expectation raises (exit status 1). `--real` adds the checks that need the real archive.
`rebuild` deletes the index folder under the running server (and then moves the archive away for a
while: ARCHIVE must be a copy) and checks what the server answers. `bench` times N search calls through the client after a warm-up and prints median and p99; BY is
`messages` (the default here, as BENCHMARKS.md measured it) or `discussions`.
"""

import asyncio
import glob
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

CITE = re.compile(r"^\[\d+\] (\S+:\d+)$", re.M)
# A quoted line of a discussion: `    - path:line · date time · group · speaker`.
LINE = re.compile(r"^    - (\S+:\d+) · (.+)$", re.M)


# The server's standard error, where its notes go: read by the checks, and copied to ours at the end.
SERVER_LOG = tempfile.TemporaryFile(mode="w+", encoding="utf-8")


def server_log():
    """What the server has written to its standard error so far."""
    SERVER_LOG.flush()
    SERVER_LOG.seek(0)
    text = SERVER_LOG.read()
    SERVER_LOG.seek(0, os.SEEK_END)
    return text


async def logged_times(needle, n, wait=10.0):
    """The server's standard error once it holds `needle` `n` times, or as it is after `wait` seconds."""
    deadline = time.monotonic() + wait
    while server_log().count(needle) < n and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return server_log()


def text_of(result):
    return "".join(c.text for c in result.content if getattr(c, "type", "") == "text")


def expect(cond, what, detail=""):
    if not cond:
        raise AssertionError(f"{what}: {detail}"[:4000])
    print(f"ok: {what}", flush=True)


async def refused(session, tool, args, needle, what):
    """The call must come back as an error result (isError) whose text contains `needle`."""
    try:
        result = await session.call_tool(tool, args)
    except MCPError as e:
        raise AssertionError(f"{what}: a protocol error instead of a tool error: {e.message}")
    text = text_of(result)
    expect(result.is_error and needle in text, what, text[:500])


async def check(session, real):
    tools = await session.list_tools()
    names = {t.name for t in tools.tools}
    expect(names == {"search", "read", "people", "topics", "stats"}, "five tools listed", names)
    # The bounds the server enforces, stated by the schemas (they said "minimum": 0 for both).
    props = {t.name: t.input_schema.get("properties", {}) for t in tools.tools}
    bounds = {(tool, arg): (p.get("minimum"), p.get("maximum"))
              for tool, ps in props.items() for arg, p in ps.items() if arg in ("limit", "max_chars", "before", "after")}
    expect(bounds == {("search", "limit"): (1, 100), ("search", "max_chars"): (1000, 100000),
                      ("people", "limit"): (1, 50), ("people", "max_chars"): (1000, 100000),
                      ("read", "before"): (0, 100), ("read", "after"): (0, 100), ("read", "max_chars"): (1000, 100000)},
           "the input schemas state the bounds the server enforces", bounds)
    search_tool = next(t for t in tools.tools if t.name == "search")
    expect("path:line" in search_tool.description and "date:" in search_tool.description
           and "from:=NICKNAME" in search_tool.description and "runs to the next space" in search_tool.description,
           "search's description teaches the query language and citations", search_tool.description)

    result = await session.call_tool("search", {"query": "结售汇", "by": "messages", "limit": 20, "max_chars": 20000})
    text, data = text_of(result), result.structured_content
    hits = data["hits"]
    expect(not result.is_error and data["total"] > 0 and hits, "search 结售汇 finds hits", text[:500])
    cited = CITE.findall(text)
    expect(cited == [h["cite"] for h in hits], "every hit is cited as path:line in the text", cited)
    # (The glossary widens 结售汇 to its synonyms, so a hit need not hold the typed form.)
    expect(all(h["citation"] in text and h["text"] for h in hits),
           "every hit carries its human citation and its text", text[:1000])
    if data["remaining"] > 0:
        expect(data["next_cursor"] in text and str(data["remaining"]) in text,
               "the text says how many more and gives the cursor", text[-400:])

    # Small pages cover the same hits as one big page, in order, within max_chars.
    seen, cursor = [], None
    while len(seen) < min(len(hits), 12):
        args = {"query": "结售汇", "by": "messages", "limit": 3, "max_chars": 1500}
        if cursor:
            args["cursor"] = cursor
        page = await session.call_tool("search", args)
        expect(len(text_of(page)) <= 1500, f"page {len(seen) // 3 + 1} stays within max_chars")
        seen += [h["cite"] for h in page.structured_content["hits"]]
        cursor = page.structured_content["next_cursor"]
        if not cursor:
            break
    expect(seen == [h["cite"] for h in hits][: len(seen)], "cursor pages continue where the last stopped", seen)

    first = hits[0]
    read = await session.call_tool("read", {"path": first["path"], "line": first["line"], "before": 2, "after": 2})
    rtext, rdata = text_of(read), read.structured_content
    target = [m for m in rdata["messages"] if m["target"]]
    expect(len(target) == 1 and target[0]["line"] == first["line"] and f"▶ {first['cite']}" in rtext,
           "read shows the hit marked among its neighbours", rtext[:800])
    expect(all(m["cite"] in rtext and m["time"] in rtext and m["speaker"] in rtext for m in rdata["messages"]),
           "read gives every message's citation, time and speaker", rtext[:800])

    # Discussions, the default: every quoted line cited, and each readable whole by its id.
    disc = await session.call_tool("search", {"query": "结售汇", "limit": 10, "max_chars": 20000})
    dtext, ddata = text_of(disc), disc.structured_content
    found = ddata["discussions"]
    expect(not disc.is_error and ddata["by"] == "discussions" and found, "search 结售汇 finds discussions by default",
           dtext[:500])
    quoted = [l for d in found for l in d["summary"] + d["matches"]]
    expect(quoted and LINE.findall(dtext) == [(l["cite"], l["citation"]) for l in quoted]
           and all(f"id: {d['id']}" in dtext and f"{d['messages']} msg{'' if d['messages'] == 1 else 's'}" in dtext for d in found),
           "every line of every discussion is cited as path:line with date, time, group and speaker", dtext[:1500])
    whole = await session.call_tool("read", {"id": found[0]["id"], "max_chars": 100000})
    wtext, wdata = text_of(whole), whole.structured_content
    expect(not whole.is_error and len(wdata["messages"]) == found[0]["messages"]
           and wdata["messages"][0]["line"] == found[0]["start_line"]
           and all(m["cite"] in wtext and m["speaker"] in wtext for m in wdata["messages"]),
           "read by discussion id gives its messages, cited", wtext[:800])
    await refused(session, "read", {"id": "../../etc/passwd#1"}, "outside the archive",
                  "a discussion id outside the archive is refused")
    await refused(session, "read", {"id": "no-such-id"}, "not a discussion id", "a bad discussion id is refused")

    await refused(session, "read", {"path": "../../etc/passwd", "line": 1}, "outside the archive",
                  "a ../ path is refused")
    await refused(session, "read", {"path": "/etc/passwd", "line": 1}, "not a path inside the archive",
                  "an absolute path is refused")
    await refused(session, "search", {"query": 42}, "", "a query of the wrong type is an error")
    await refused(session, "search", {"limit": 5}, "query", "a call without its query is an error")
    await refused(session, "search", {"query": "结售汇", "by": "threads"}, "", "an unknown `by` is an error")
    await refused(session, "search", {"query": "\"unclosed"}, "unclosed quote", "a bad query is an error")
    await refused(session, "search", {"query": "结售汇", "cursor": "bogus"}, "cursor", "a bad cursor is an error")

    people = await session.call_tool("people", {"query": "结售汇", "limit": 3})
    ptext, pdata = text_of(people), people.structured_content
    expect(pdata["people"] and all(e["cite"] in ptext for p in pdata["people"] for e in p["evidence"]),
           "people names speakers with cited evidence", ptext[:800])
    # people takes max_chars as search and read do: within it, naming who did not fit.
    wide = await session.call_tool("people", {"query": "kind:text", "limit": 50, "max_chars": 100000})
    narrow = await session.call_tool("people", {"query": "kind:text", "limit": 50, "max_chars": 1000})
    nt, nd = text_of(narrow), narrow.structured_content
    left = len(wide.structured_content["people"]) - len(nd["people"])
    expect(not narrow.is_error and len(nt) <= 1000 and nd["people"] and left > 0
           and f"{left} more people did not fit in max_chars" in nt
           and nd["more_people"] == wide.structured_content["more_people"] + left,
           "people stays within max_chars and says how many did not fit", nt)
    await refused(session, "people", {"query": "结售汇", "max_chars": 999}, "max_chars must be between",
                  "people refuses a max_chars out of range")
    # Without a query, as `chatlore people`: everyone, most messages first.
    for args in ({"limit": 5}, {"query": "", "limit": 5}):
        everyone = await session.call_tool("people", args)
        et, ed = text_of(everyone), everyone.structured_content
        counts = [p["messages"] for p in ed["people"]]
        expect(not everyone.is_error and len(counts) == 5 and counts == sorted(counts, reverse=True)
               and ed["total"] > 5 and all(p["person"] in et for p in ed["people"]),
               f"people without a query lists everyone by messages ({sorted(args)})", et[:800])
    # An empty query by discussions lists them all, oldest first, as `chatlore discussions`;
    # by messages it is refused, as `chatlore search` refuses it.
    every = await session.call_tool("search", {"query": "", "limit": 2})
    vd = every.structured_content
    dates = [d["date"] for d in vd["discussions"]] if not every.is_error else []
    expect(not every.is_error and vd["total"] > 2 and vd["sort"] == "oldest first" and len(dates) == 2
           and dates == sorted(dates) and vd["next_cursor"],
           "search by discussions with an empty query lists every discussion, oldest first", text_of(every)[:500])
    await refused(session, "search", {"query": "", "by": "messages"}, "query is empty",
                  "search by messages refuses an empty query")
    # A query that holds text but no term or filter is refused, by discussions and by people
    # too, as `chatlore discussions ""` is; it listed everything.
    for tool, args, needle in (("search", {"query": '""'}, "holds no term or filter"),
                               ("search", {"query": '""', "by": "messages"}, "query is empty"),
                               ("people", {"query": '""'}, "holds no term or filter")):
        await refused(session, tool, args, needle, f"{tool} {sorted(args.items())} refuses a query that holds nothing")

    # highlights, as `search --json` gives them: [start, end) character offsets of each hit's
    # text where the query matched (an exact term: its very characters; a glossary term: the
    # forms it matched, on the original characters, full-width or case as written). The forms
    # are the demo archive's (the real one writes 对账 as 对帐 too).
    for query, forms in () if real else (("=对账", {"对账"}), ("POS", {"pos"}), ("结售汇", {"结售汇", "结汇", "购汇", "购付汇"})):
        found = await session.call_tool("search", {"query": query, "by": "messages", "limit": 50, "max_chars": 100000})
        fh = found.structured_content["hits"] + found.structured_content.get("near", [])
        slices = [h["text"][a:b] for h in fh if not h.get("near") for a, b in h["highlights"]]
        expect(not found.is_error and fh and all(h["highlights"] for h in fh if not h.get("near"))
               and slices and {s.lower() for s in slices} <= forms,
               f"search {query} gives highlights on the matched characters of each hit's text",
               [(h["text"], h.get("highlights")) for h in fh][:5])

    # Discussions carry highlights as message hits do: `title_highlights` on the title, and
    # `highlights` on each quoted line's text, as shown (the core's offsets, on the glossary's
    # forms too); no term, no highlights.
    for query, forms in () if real else (("=对账", {"对账"}), ("结售汇", {"结售汇", "结汇", "购汇", "购付汇"})):
        found = await session.call_tool("search", {"query": query, "limit": 20, "max_chars": 100000})
        ds = found.structured_content["discussions"]
        lines = [l for d in ds for l in d["summary"] + d["matches"]]
        slices = [d["title"][a:b] for d in ds for a, b in d["title_highlights"]]
        slices += [l["text"][a:b] for l in lines for a, b in l["highlights"]]
        expect(not found.is_error and ds and all("highlights" in l for l in lines)
               and slices and {s.lower() for s in slices} <= forms,
               f"search {query} by discussions gives highlights on the matched characters of titles and lines",
               [(d["title"], d["title_highlights"], [(l["text"], l["highlights"]) for l in d["summary"]]) for d in ds][:3])
    if not real:
        listed = await session.call_tool("search", {"query": "", "limit": 5})
        ds = listed.structured_content["discussions"]
        expect(ds and all(not d["title_highlights"] and not any(l["highlights"] for l in d["summary"]) for d in ds),
               "discussions listed without a term carry no highlights", ds[:1])

    # A nickname holding `，` is one from: value; a from: nobody holds is refused, saying why.
    await refused(session, "search", {"query": "from:张，对账"}, "no speaker's nickname or name holds",
                  "a from: that no speaker holds is refused")
    if real:
        # At the most limit takes, the answer does not ask for a larger one.
        for args in ({"limit": 50, "max_chars": 100000}, {"query": "kind:text", "limit": 50, "max_chars": 100000}):
            most = text_of(await session.call_tool("people", args))
            expect("50 is the most limit takes" in most and "raise limit" not in most,
                   f"people at limit 50 says how else to see the rest ({sorted(args)})", most[-400:])
        whole = await session.call_tool("search", {"query": "from:李通，社区半径产品专家", "by": "messages"})
        quoted = await session.call_tool("search", {"query": "from:\"李通，社区半径产品专家\"", "by": "messages"})
        expect(not whole.is_error and whole.structured_content["total"] == quoted.structured_content["total"] > 0,
               "a nickname with `，` after from: is found whole", text_of(whole)[:500])
    topics = await session.call_tool("topics", {})
    expect(len(topics.structured_content["topics"]) == 14, "topics lists the taxonomy")
    bare = await session.call_tool("stats")
    expect(not bare.is_error and bare.structured_content["messages"] > 0, "stats answers a call without arguments")
    for tool in ("topics", "stats"):
        await refused(session, tool, {"query": "跨境"}, "unknown field", f"{tool} refuses an argument it does not take")
    stats = await session.call_tool("stats", {})
    expect(stats.structured_content["messages"] > 0 and "messages" in text_of(stats), "stats answers")
    if real:
        expect(stats.structured_content["messages"] == 92240, "the real archive's 92,240 messages",
               stats.structured_content["messages"])
        expect(data["total"] >= 10, "结售汇 is discussed in the real archive", data["total"])
    # The server is still alive after every refusal.
    again = await session.call_tool("search", {"query": "结售汇", "limit": 1})
    expect(again.structured_content["discussions"], "the server still answers after the errors")


async def call(session, tool, args, what):
    """The call's result; a protocol error instead of a result fails the check."""
    try:
        return await session.call_tool(tool, args)
    except MCPError as e:
        raise AssertionError(f"{what}: a protocol error instead of a result: {e.message}")


async def rebuild(session, archive, index):
    args = {"query": "结售汇", "by": "messages"}
    before = await call(session, "search", args, "a search")
    # Its generation folder deleted (the meta file stays): rebuilt, and said in words, not in
    # Rust's debug form (`IoError(Os { code: 2, kind: NotFound, … }). None`).
    for generation in glob.glob(os.path.join(index, "gen-*")):
        shutil.rmtree(generation)
    again = await call(session, "search", args, "a search after the generation folder was deleted")
    said = [line for line in server_log().splitlines() if "could not be read" in line]
    expect(not again.is_error and again.structured_content["total"] == before.structured_content["total"]
           and len(said) == 1 and "its files are missing" in said[0]
           and not any(debug in said[0] for debug in ["Os {", "IoError(", "None)", "kind:"]),
           "a generation deleted under the server is rebuilt, and said plainly", said)
    shutil.rmtree(index)
    after = await call(session, "search", args, "a search after the index folder was deleted")
    expect(not after.is_error and after.structured_content["total"] == before.structured_content["total"] > 0,
           "a search after the index folder was deleted is answered from the index rebuilt", text_of(after)[:500])
    # A rebuild that cannot be done (the archive moved away too): a tool error saying what happened
    # and the command that repairs the index, and the server goes on.
    shutil.rmtree(index)
    os.rename(archive, archive + ".moved")
    try:
        failed = await call(session, "search", args, "a search the index cannot be rebuilt for")
    finally:
        os.rename(archive + ".moved", archive)
    text = text_of(failed)
    expect(failed.is_error and "could not be read" in text and "rebuilding it from the archive failed" in text
           and f"run `chatlore --archive {archive} --index {index} index`" in text,
           "a failed rebuild is a tool error naming the command that repairs the index", text)
    stats = await call(session, "stats", {}, "stats once the archive is back")
    expect(not stats.is_error and stats.structured_content["messages"] == 146,
           "the next call rebuilds the index once the archive is back", text_of(stats)[:500])


NEW_LOG = """---
title: "2019-03-04-WeChat"
date: 2019-03-04 12:00:00
---
> 10:00:00  林知远-某支付-产品-杭州

我们把备付金的对账切到了晨曦对账平台，差错处理快了很多。
"""


async def found(session, query, want, what, wait=10.0):
    """Searches `query` by messages until its total is `want`, for at most `wait` seconds: a change
    to the archive is indexed once it has been quiet a moment. The last answer."""
    deadline = time.monotonic() + wait
    while True:
        result = await call(session, "search", {"query": query, "by": "messages"}, what)
        total = None if result.is_error else result.structured_content["total"]
        if total == want or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.2)


async def follow(session, archive):
    query = "晨曦对账平台"
    before = await call(session, "search", {"query": query, "by": "messages"}, "a search before the log arrives")
    expect(not before.is_error and before.structured_content["total"] == 0,
           "a word of no log yet finds nothing", text_of(before)[:300])
    path = os.path.join(archive, "payprod", "_posts", "2019-03-04-chat.markdown")
    with open(path, "w", encoding="utf-8") as f:
        f.write(NEW_LOG)
    # At a person's pace: past the quiet time and the update, with no call in between.
    await asyncio.sleep(3)
    after = await found(session, query, 1, "a search after the log arrived")
    text = text_of(after)
    expect(not after.is_error and after.structured_content["total"] == 1
           and "payprod/_posts/2019-03-04-chat.markdown:" in text,
           "a log written while the server runs is found, cited by its path", text[:500])
    with open(path, "w", encoding="utf-8") as f:
        f.write(NEW_LOG.replace("晨曦对账平台", "暮色对账平台"))
    await asyncio.sleep(3)
    changed = await found(session, "暮色对账平台", 1, "a search after the log changed")
    gone = await found(session, query, 0, "the old word after the log changed")
    expect(changed.structured_content["total"] == 1 and gone.structured_content["total"] == 0,
           "a log changed while the server runs is searched as it is now", text_of(changed)[:300])
    os.remove(path)
    await asyncio.sleep(3)
    removed = await found(session, "暮色对账平台", 0, "a search after the log was removed")
    expect(removed.structured_content["total"] == 0,
           "a log removed while the server runs is found no more", text_of(removed)[:300])

    # Bad files that arrive are named with why, as `index --watch` names them, and a file refused
    # is no log: the note counted files as logs (`indexed 2 new … logs` for one log) and named none.
    changes = server_log().count("the archive changed")
    posts = os.path.join(archive, "payprod", "_posts")
    with open(os.path.join(posts, "2019-03-05-chat.markdown"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes((i * 2654435761 >> 13) & 0xFF for i in range(5000)))
    with open(os.path.join(posts, "2019-03-06-chat.markdown"), "wb") as f:
        f.write(b"---\ntitle: x\n---\n> 10:00:00  a  \n\nok\xff\xfe bad\n")
    log = await logged_times("the archive changed", changes + 1)
    binary = "chatlore: warning: payprod/_posts/2019-03-05-chat.markdown: binary data"
    replaced = "chatlore: warning: payprod/_posts/2019-03-06-chat.markdown: line 6: invalid UTF-8 replaced with U+FFFD"
    update = [line for line in log.splitlines() if "the archive changed" in line][-1]
    expect(binary in log and replaced in log, "bad logs that arrive while the server runs are named, with why", log)
    expect("files: 2 added, 0 changed, 0 removed" in update and "; 13 logs," in update,
           "an update counts files added, and only the logs among them as logs", update)
    # Said once: a later change counts them as before, as the demo's GB18030 log's warning,
    # said once at the start, was all along.
    with open(os.path.join(posts, "2019-03-07-chat.markdown"), "w", encoding="utf-8") as f:
        f.write(NEW_LOG.replace("2019-03-04", "2019-03-07"))
    log = await logged_times("the archive changed", changes + 2)
    update = [line for line in log.splitlines() if "the archive changed" in line][-1]
    expect(log.count(binary) == 1 and log.count(replaced) == 1 and log.count("read as GB18030") == 1
           and "3 warnings (3 as before)" in update and "; 14 logs," in update,
           "a warning that stands is said once, and counted as before by later updates", log)


async def bench(session, n, query, by):
    await session.call_tool("search", {"query": query, "by": by})
    times = []
    for _ in range(n):
        start = time.perf_counter()
        await session.call_tool("search", {"query": query, "by": by})
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))]
    print(json.dumps({"calls": n, "query": query, "by": by, "median_ms": round(statistics.median(times), 2),
                      "p99_ms": round(p99, 2), "max_ms": round(times[-1], 2)}))


async def main():
    binary, archive, index, mode, *rest = sys.argv[1:]
    params = StdioServerParameters(command=binary, args=["--archive", archive, "--index", index, "mcp"])
    try:
        await serve(params, archive, index, mode, rest)
    finally:
        sys.stderr.write(server_log())


async def serve(params, archive, index, mode, rest):
    async with stdio_client(params, errlog=SERVER_LOG) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            expect(init.server_info.name == "chatlore", "initialize names the server", init.server_info)
            if mode == "check":
                await check(session, "--real" in rest)
            elif mode == "rebuild":
                await rebuild(session, archive, index)
            elif mode == "follow":
                await follow(session, archive)
            elif mode == "bench":
                await bench(session, int(rest[0]), rest[1], rest[2] if len(rest) > 2 else "messages")
            else:
                raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    asyncio.run(main())
