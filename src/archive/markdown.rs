//! A message body's markdown → spans: text, links (`[title](url)`, and bare URLs as the
//! archive mostly has them), images (`![..](url)`). The spans feed both search (their plain
//! text) and display (titles with their URLs).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Bodies longer than this are taken as plain text: real messages stay under 2 KB, and a
/// pathological input must not reach the markdown parser's slow paths.
const MAX_MARKDOWN_BYTES: usize = 32 * 1024;
/// Entities nested deeper than this (`&amp;amp;amp;…`) are left as they are.
const MAX_ENTITY_ROUNDS: usize = 8;

/// One piece of a rendered message body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Text(String),
    Link { title: String, url: String },
    Image { alt: String, url: String },
    LineBreak,
}

/// What a message mainly is, for `kind:` filters and display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Text,
    Link,
    Image,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Text, Kind::Link, Kind::Image];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Link => "link",
            Kind::Image => "image",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

/// Decodes HTML entities until the text stops changing: the archive escaped some messages
/// several times over (`&amp;amp;quot;` is a `"`).
pub fn decode_entities(text: &str) -> String {
    let mut cur = text.to_owned();
    for _ in 0..MAX_ENTITY_ROUNDS {
        if !cur.contains('&') {
            break;
        }
        let next = html_escape::decode_html_entities(&cur).into_owned();
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

/// Renders a body (entities already decoded) into spans.
pub fn spans(body: &str) -> Vec<Span> {
    let mut out = SpanBuilder::default();
    if body.len() > MAX_MARKDOWN_BYTES {
        out.text(body);
        return out.finish();
    }
    let mut in_code = false;
    for (event, at) in Parser::new(body).into_offset_iter() {
        match event {
            // A chat has no markup: what markdown takes for emphasis, a list or a heading is
            // the user's text (`75.83*12=910`, `***银行`, `1. 先对账 2. 再销账`, `# 3`), kept
            // as written.
            Event::Start(Tag::Emphasis | Tag::Strong) => out.text(&body[at.start..at.start + delimiter(&event)]),
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => out.text(&body[at.end - delimiter(&event)..at.end]),
            Event::Start(Tag::Item) => out.text(marker(&body[at])),
            // A heading underlined (`---` under a line) has no marker before it.
            Event::Start(Tag::Heading { .. }) if body[at.clone()].trim_start().starts_with('#') => {
                out.text(marker(&body[at]))
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            // A code block's text ends each of its lines with `\n`: they are line breaks, so that
            // the block's end does not add an empty line the user never typed.
            Event::Text(t) if in_code => {
                for (i, line) in t.split('\n').enumerate() {
                    if i > 0 {
                        out.line_break();
                    }
                    out.text(line);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => out.open(Open::Link(dest_url.into_string())),
            Event::Start(Tag::Image { dest_url, .. }) => out.open(Open::Image(dest_url.into_string())),
            Event::End(TagEnd::Link | TagEnd::Image) => out.close(),
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.line_break();
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            )
            | Event::SoftBreak
            | Event::HardBreak => out.line_break(),
            // The user typed it: inline HTML and code are words to find, not markup to drop.
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t)
            | Event::FootnoteReference(t) => out.text(&t),
            Event::Rule => {
                out.text("---");
                out.line_break();
            }
            Event::TaskListMarker(done) => out.text(if done { "[x] " } else { "[ ] " }),
            Event::Start(_) | Event::End(_) => {}
        }
    }
    out.finish()
}

/// How many characters (ASCII `*` or `_`) delimit an emphasis (1) or a strong emphasis (2).
fn delimiter(event: &Event) -> usize {
    match event {
        Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => 2,
        _ => 1,
    }
}

/// The marker a list item or a heading starts with (`1.`, `-`, `##`) and the space after it,
/// as written: up to the first white space (a heading's `#` alone when nothing follows).
fn marker(source: &str) -> &str {
    let start = source.len() - source.trim_start().len();
    let end = source[start..].find(char::is_whitespace).map_or(source.len(), |i| start + i);
    let space = source[end..].chars().next().filter(|c| *c == ' ').map_or(0, char::len_utf8);
    &source[start..end + space]
}

/// The searchable text of spans: text, link titles and bare URLs; not image alt text (the
/// archive's alt texts are upload timestamps) nor the URLs behind titled links.
pub fn plain_text(spans: &[Span]) -> String {
    let mut s = String::new();
    for span in spans {
        match span {
            Span::Text(t) => s.push_str(t),
            Span::Link { title, .. } => s.push_str(title),
            Span::Image { .. } => {}
            Span::LineBreak => s.push('\n'),
        }
    }
    s
}

/// Image if the body holds an image, link if it holds a link, else text.
pub fn kind(spans: &[Span]) -> Kind {
    let has = |f: fn(&Span) -> bool| spans.iter().any(f);
    if has(|s| matches!(s, Span::Image { .. })) {
        Kind::Image
    } else if has(|s| matches!(s, Span::Link { .. })) {
        Kind::Link
    } else {
        Kind::Text
    }
}

/// Every URL of the spans, in order.
pub fn urls(spans: &[Span]) -> Vec<String> {
    spans
        .iter()
        .filter_map(|s| match s {
            Span::Link { url, .. } | Span::Image { url, .. } => Some(url.clone()),
            _ => None,
        })
        .collect()
}

enum Open {
    Link(String),
    Image(String),
}

#[derive(Default)]
struct SpanBuilder {
    spans: Vec<Span>,
    open: Option<(Open, String)>,
}

impl SpanBuilder {
    fn open(&mut self, what: Open) {
        self.close();
        self.open = Some((what, String::new()));
    }

    fn close(&mut self) {
        if let Some((what, inner)) = self.open.take() {
            self.spans.push(match what {
                Open::Link(url) => Span::Link { title: inner, url },
                Open::Image(url) => Span::Image { alt: inner, url },
            });
        }
    }

    fn text(&mut self, t: &str) {
        if let Some((_, inner)) = &mut self.open {
            inner.push_str(t);
            return;
        }
        split_bare_urls(t, &mut self.spans);
    }

    fn line_break(&mut self) {
        if let Some((_, inner)) = &mut self.open {
            // A link title that spans two lines keeps one space where the break was.
            inner.push(' ');
            return;
        }
        if !self.spans.is_empty() && self.spans.last() != Some(&Span::LineBreak) {
            self.spans.push(Span::LineBreak);
        }
    }

    fn finish(mut self) -> Vec<Span> {
        self.close();
        while self.spans.last() == Some(&Span::LineBreak) {
            self.spans.pop();
        }
        // Adjacent text pieces (pulldown-cmark splits text at brackets and entities) merge.
        let mut merged: Vec<Span> = Vec::with_capacity(self.spans.len());
        for span in self.spans {
            match (merged.last_mut(), span) {
                (Some(Span::Text(prev)), Span::Text(t)) => prev.push_str(&t),
                (_, span) => merged.push(span),
            }
        }
        merged
    }
}

/// Splits text at bare `http(s)://` URLs, which become links titled by themselves.
fn split_bare_urls(text: &str, out: &mut Vec<Span>) {
    let mut rest = text;
    while let Some(start) = find_url_start(rest) {
        let len = url_len(&rest[start..]);
        if start > 0 {
            out.push(Span::Text(rest[..start].to_owned()));
        }
        let url = &rest[start..start + len];
        out.push(Span::Link { title: url.to_owned(), url: url.to_owned() });
        rest = &rest[start + len..];
    }
    if !rest.is_empty() {
        out.push(Span::Text(rest.to_owned()));
    }
}

fn find_url_start(s: &str) -> Option<usize> {
    let lower = s.as_bytes();
    (0..lower.len()).find(|&i| {
        let tail = &lower[i..];
        let scheme = if tail.len() >= 8 && tail[..8].eq_ignore_ascii_case(b"https://") {
            8
        } else if tail.len() >= 7 && tail[..7].eq_ignore_ascii_case(b"http://") {
            7
        } else {
            return false;
        };
        tail.get(scheme).is_some_and(|b| b.is_ascii_graphic())
    })
}

/// Length of the URL at the start of `s`: printable ASCII up to white space, a non-ASCII
/// character (Chinese text often follows a URL without a space) or a closing quote, minus
/// trailing sentence punctuation.
fn url_len(s: &str) -> usize {
    let end =
        s.bytes().position(|b| !b.is_ascii_graphic() || matches!(b, b'"' | b'<' | b'>' | b'`')).unwrap_or(s.len());
    let trimmed = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'']);
    trimmed.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(body: &str) -> String {
        plain_text(&spans(body))
    }

    #[test]
    fn entities_decode_until_stable() {
        assert_eq!(decode_entities("O__O &amp;quot;…"), "O__O \"…");
        assert_eq!(decode_entities("&amp;amp;quot;x&amp;amp;quot;"), "\"x\"");
        assert_eq!(decode_entities("A-&amp;gt;B"), "A->B");
        assert_eq!(decode_entities("&amp;#183;&amp;#183;"), "··");
        assert_eq!(decode_entities("no entities & here"), "no entities & here");
    }

    #[test]
    fn link_with_title_spanning_two_lines() {
        let s = spans("[网联平台上线\n首批机构名单](https://example.com/a?b=1)");
        assert_eq!(
            s,
            vec![Span::Link {
                title: "网联平台上线 首批机构名单".into(), url: "https://example.com/a?b=1".into()
            }]
        );
        assert_eq!(kind(&s), Kind::Link);
        assert_eq!(plain_text(&s), "网联平台上线 首批机构名单");
    }

    #[test]
    fn image_message_keeps_url_not_alt_text() {
        let s = spans("![2017-10-23 10:37:04](http://img.example/20171023_103704.png)");
        assert_eq!(kind(&s), Kind::Image);
        assert_eq!(urls(&s), vec!["http://img.example/20171023_103704.png".to_owned()]);
        assert_eq!(plain_text(&s), "");
    }

    #[test]
    fn bare_urls_are_links_and_stay_searchable() {
        let s = spans("找到了 https://github.com/bcosorg/bcos，看看");
        assert_eq!(kind(&s), Kind::Link);
        assert_eq!(urls(&s), vec!["https://github.com/bcosorg/bcos".to_owned()]);
        assert_eq!(plain_text(&s), "找到了 https://github.com/bcosorg/bcos，看看");
    }

    #[test]
    fn emoji_codes_and_brackets_survive() {
        assert_eq!(text_of("[强][强][鼓掌]"), "[强][强][鼓掌]");
        assert_eq!(text_of("[强]，期待"), "[强]，期待");
    }

    #[test]
    fn dashes_lines_and_html_are_kept() {
        assert_eq!(text_of("上一段\n\n---\n\n下一段"), "上一段\n---\n下一段");
        assert_eq!(text_of("点 <b>这里</b> 看"), "点 <b>这里</b> 看");
        assert_eq!(text_of("第一行\n第二行"), "第一行\n第二行");
    }

    #[test]
    fn an_indented_line_is_one_line_not_a_line_and_a_gap() {
        // Four spaces make a code block: its lines stay lines, and no empty line follows it.
        assert_eq!(text_of("    a\nb"), "a\nb");
        assert_eq!(text_of("    第一行\n    第二行\n下一段"), "第一行\n第二行\n下一段");
        assert_eq!(text_of("```\nx = 1\ny = 2\n```\n后面"), "x = 1\ny = 2\n后面");
    }

    /// A chat has no markup: what markdown reads as emphasis, a list item or a heading keeps
    /// its characters (the archive's `75.83（75.83*12=910）` read `75.8312=910`, `***银行`
    /// read `银行`, and `1. 先对账` lost its number).
    #[test]
    fn stars_underscores_list_numbers_and_hashes_are_kept_as_written() {
        for body in [
            "75.83（75.83*12=910） 11.67（11.67*3=35）",
            "交易外币金额*报价汇率=24.81*6.8124=169.00",
            "待清算充值款项-***银行-***业务充值待清算",
            "**重点**：先对账，_再_ 销账，__两次__",
            "a *b* c **d** e ***f*** g",
            "1. 先对账\n2. 再销账",
            "2. 群中禁止发表政治言论 3. 本群所有人员",
            "- 一条\n- 两条",
            "# 3 号通道\n## 小结",
            "* 星号列表",
        ] {
            assert_eq!(text_of(body), body, "{body}");
        }
        assert_eq!(text_of("1)  两个空格"), "1) 两个空格", "one space kept after a marker");
        assert_eq!(text_of("#"), "#");
    }

    #[test]
    fn kind_parse_round_trips() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("LINK"), Some(Kind::Link));
        assert_eq!(Kind::parse("video"), None);
    }

    #[test]
    fn huge_bodies_skip_markdown() {
        let body = "[".repeat(MAX_MARKDOWN_BYTES + 10);
        assert_eq!(text_of(&body).len(), body.len());
    }
}
