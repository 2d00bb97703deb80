//! `chatlore mcp`: the archive as Model Context Protocol tools for an AI assistant, served over
//! stdio with the official Rust SDK (`rmcp`). Read-only. This module is the only place tokio and
//! rmcp appear; the tools' answers are computed synchronously in `tools`, on one engine shared
//! by every call (it is `Sync`) and moved to the newest commit before each.

mod cursor;
mod paths;
mod tools;

use crate::index::{self, IndexError, Options, Progress, SaidWarnings, Summary};
use crate::search::Engine;
use crate::watch::ArchiveWatcher;
use anyhow::{Context, Result};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{tool, tool_handler, tool_router, ErrorData, ServerHandler, ServiceExt};
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tools::{Answer, NoArgs, PeopleArgs, ReadArgs, SearchArgs, ToolError, Tools};

// The descriptions are assembled from these at compile time (`#[tool]` takes literals).
macro_rules! query_language {
    () => {
        "Query language: terms are ANDed (`网联 断直连`); \"quoted phrase\"; -term excludes (also \
-from:…); filters from:NICKNAME (part of one; from:=NICKNAME that person exactly) org:COMPANY (org:=COMPANY that one exactly) \
group:GROUP (group:=GROUP that one exactly) topic:ID|中文 kind:text|link|image date:2017-08 | date:2017-08-01..2017-09-30 | \
date:2017..2018 | date:2018-03.. ; values of one filter are ORed, different filters ANDed; a \
filter's value runs to the next space (nicknames hold `，`). Chinese matches as a substring (结售汇 \
finds 银行结售汇业务), Latin words match whole words in any case (pos finds POS机, not position). "
    };
}

macro_rules! cite {
    () => {
        "Quote only what the messages say, and cite every message you use as its `path:line` with \
its date, time, group and speaker (e.g. `payprod/_posts/2017-08-15-chat.markdown:42, 2017-08-15 \
09:21:48 · 支付产品交流群 · 陈默`)."
    };
}

/// Serves MCP on stdin/stdout until the client closes it. The index is brought up to date
/// first; nothing but protocol messages goes to stdout (notes go to stderr).
pub fn run(archive: &Path, index_dir: &Path) -> Result<()> {
    // Watched before the first update, as `index --watch` does: a log that arrives while that
    // update runs is a change the watch has seen.
    let watcher = ArchiveWatcher::new(archive, Some(index_dir));
    let engine = prepare(archive, index_dir)?;
    let tools = Arc::new(Tools::new(engine, archive.to_owned(), index_dir.to_owned()));
    // Logs that arrive while the server runs are indexed as they come; each call reads the
    // newest commit.
    let (followed, into) = (archive.to_owned(), index_dir.to_owned());
    std::thread::spawn(move || follow(watcher, &followed, &into));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting tokio")?;
    runtime.block_on(async move {
        let service = Server::new(tools).serve(rmcp::transport::stdio()).await.context("starting the MCP session")?;
        service.waiting().await.context("serving MCP")?;
        Ok(())
    })
}

/// Updates the index (only what changed) and opens it. Another indexer at work is no reason
/// to refuse: its index is served as it stands, and picked up when it commits.
fn prepare(archive: &Path, index_dir: &Path) -> Result<Engine> {
    match index::update(archive, index_dir, &Options::default(), &Notes) {
        Ok(summary) => {
            note_warnings(&summary);
        }
        Err(IndexError::Busy(_)) => note("another process is indexing; serving the index as it is"),
        Err(e) => {
            return Err(e).with_context(|| format!("indexing {} into {}", archive.display(), index_dir.display()))
        }
    }
    let engine = Engine::open(index_dir).with_context(|| format!("opening the index in {}", index_dir.display()))?;
    // An index another process is building may be of another archive: never served as this one.
    engine.handle().check_archive(archive)?;
    Ok(engine)
}

/// Follows the archive for as long as the server runs: a change (a log new, changed or gone),
/// once the archive has been quiet for [`crate::watch::QUIET`], is indexed (only what
/// changed), as `index --watch` and the browser do, and noted as `index` sums an update up,
/// after the warnings not said yet (a file that is no log, or was read only in part, named with
/// why). Another indexer at work is waited for; a failure is a note, and the next change tries
/// again.
fn follow(watcher: Result<ArchiveWatcher, crate::watch::WatchError>, archive: &Path, index_dir: &Path) {
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => return note(&format!("{e}: logs that arrive are indexed when the server starts again")),
    };
    let mut retry_at: Option<Instant> = None;
    loop {
        let due = watcher.wait(Duration::from_secs(1)) || retry_at.is_some_and(|t| Instant::now() >= t);
        if !due {
            continue;
        }
        retry_at = None;
        match index::update(archive, index_dir, &Options::default(), &index::writer::Silent) {
            Ok(s) => {
                let standing = note_warnings(&s);
                if s.added + s.changed + s.removed > 0 {
                    note(&format!("the archive changed; {}", s.counts(standing)));
                }
            }
            Err(IndexError::Busy(_)) => retry_at = Some(Instant::now() + Duration::from_secs(1)),
            Err(e) => note(&format!("indexing the archive's changes failed ({e}); the next change tries again")),
        }
    }
}

/// The warnings the server has said (one server a process): its first update, the updates of
/// [`follow`] and a rebuild at a call each say a warning that still stands once, as
/// `index --watch` does.
static SAID: LazyLock<Mutex<SaidWarnings>> = LazyLock::new(Mutex::default);

/// Notes the warnings of an update that were not said yet, each naming its file and why;
/// returns how many were.
fn note_warnings(summary: &Summary) -> usize {
    let mut said = SAID.lock().unwrap_or_else(PoisonError::into_inner);
    let (new, standing) = said.news(&summary.warnings);
    for w in new {
        note(&format!("warning: {w}"));
    }
    standing
}

/// Indexing notes on stderr: stdout belongs to the protocol.
struct Notes;

impl Progress for Notes {
    fn note(&self, message: &str) {
        note(message);
    }
}

/// A line on stderr, dropped when it cannot be written: a client that closed the server's
/// stderr still gets its answers (`eprintln!` panics on a closed pipe).
fn note(message: &str) {
    use std::io::Write;
    // Made safe for a terminal: a file name in a warning is the archive's text.
    let _ = writeln!(std::io::stderr(), "chatlore: {}", crate::text::terminal_safe(message, true));
}

#[derive(Clone)]
struct Server {
    tools: Arc<Tools>,
    tool_router: ToolRouter<Server>,
}

#[tool_router]
impl Server {
    fn new(tools: Arc<Tools>) -> Server {
        Server { tools, tool_router: Self::tool_router() }
    }

    #[tool(description = concat!(
        "Search the WeChat archive of China's payments-industry groups (routing, cross-border/结售汇, \
reconciliation/对账, 网联, clearing, risk, licensing…). by: \"discussions\" (default) returns \
conversations: title, date, group, time span, message and people counts, an id, its summary lines and \
its best matching messages, every line cited as path:line with date, time, group and speaker; read \
a discussion whole by passing its id to read. by: \"messages\" returns single messages, each cited \
the same way, with its whole text. The answer stays within max_chars; when more results remain it \
says how many and gives next_cursor: call again with the same query, by and sort and that cursor. \
sort: relevance | newest | oldest. By discussions, an empty query lists every discussion, oldest first. ",
        query_language!(),
        cite!()
    ))]
    async fn search(&self, Parameters(args): Parameters<SearchArgs>) -> Result<CallToolResult, ErrorData> {
        answer(&self.tools, || self.tools.search(&args))
    }

    #[tool(description = concat!(
        "Read the conversation: either a whole discussion by its id (`path#start_line`, as \
search by discussions returns it), or the messages before and after a line a search hit cites \
(path and line from its path:line), the target marked ▶. Every message comes with its path:line, \
time and speaker; what does not fit in max_chars is named, with where to continue. Only paths \
inside the archive are accepted, relative as search cites them. ",
        cite!()
    ))]
    async fn read(&self, Parameters(args): Parameters<ReadArgs>) -> Result<CallToolResult, ErrorData> {
        answer(&self.tools, || self.tools.read(&args))
    }

    #[tool(description = concat!(
        "Who knows about a subject: the people (a member's nicknames joined) who wrote the best \
hits for the query, ranked by the sum of the scores of each one's best 5 hits (what they wrote, \
not how much), each with their nicknames, company and best 3 messages cited as path:line. Without \
a query: everyone who wrote, most messages first, with their nicknames and company. The \
answer stays within max_chars and says how many people did not fit. ",
        query_language!(),
        cite!()
    ))]
    async fn people(&self, Parameters(args): Parameters<PeopleArgs>) -> Result<CallToolResult, ErrorData> {
        answer(&self.tools, || self.tools.people(&args))
    }

    #[tool(description = "The topic taxonomy: each topic's id, Chinese and English names, keywords and \
message count. Filter a search with topic:ID or topic:中文名.")]
    async fn topics(&self, Parameters(NoArgs {}): Parameters<NoArgs>) -> Result<CallToolResult, ErrorData> {
        answer(&self.tools, || self.tools.topics())
    }

    #[tool(description = "An overview of the archive: logs, messages, groups, years, top speakers and \
companies, the span of dates. Use it to see what the archive covers before searching.")]
    async fn stats(&self, Parameters(NoArgs {}): Parameters<NoArgs>) -> Result<CallToolResult, ErrorData> {
        answer(&self.tools, || self.tools.stats())
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("chatlore", env!("CARGO_PKG_VERSION")))
            .with_instructions(format!(
                "chatlore: read-only search over an archive of payments-industry WeChat group chats. \
Start with search (discussions by default; or people, to find who knows a subject), then read the \
discussions or the messages around the hits you use. {}{}",
                query_language!(),
                cite!()
            ))
    }
}

/// Runs a tool of `tools`: its answer as text plus structured JSON; bad arguments and failures
/// of the index or the archive as a tool error saying what is wrong (and for the index, the
/// command that repairs it); a panic as an internal error, never a dead server.
fn answer(tools: &Tools, f: impl FnOnce() -> Result<Answer, ToolError>) -> Result<CallToolResult, ErrorData> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(Answer { text, json })) => {
            let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
            result.structured_content = Some(json);
            Ok(result)
        }
        // As the SDK does for arguments that do not deserialize, and as the MCP spec asks for
        // errors of a tool's execution: a tool error the assistant can read and act on, not a
        // protocol error.
        Ok(Err(e)) => Ok(CallToolResult::error(vec![ContentBlock::text(tools.explain(&e))])),
        Err(_) => Err(ErrorData::internal_error("chatlore failed on this call; see its standard error", None)),
    }
}
