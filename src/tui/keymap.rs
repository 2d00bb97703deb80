//! Keys → actions, from one table: [`BINDINGS`] is both what dispatch looks keys up in and
//! what the help overlay lists (in Chinese and English), so the two cannot drift. Vim keys and
//! arrows both work. Keymap knows nothing of the app: the app describes where the keyboard is
//! with a [`Context`].

use super::action::{Action, FilterTab};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere, the search box and overlays included.
    Global,
    /// While an input has the keyboard (the search box, the help and filter panes' filters).
    Input,
    /// Outside inputs: results, conversation, chips, the day list, insights.
    Lists,
    /// The filter chips row.
    Chips,
    /// The filter pane's list (its filter input aside).
    Pick,
    /// The list of saved searches.
    Saved,
}

impl Scope {
    /// How the help names the scope.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Global => "",
            Scope::Input => "输入 input",
            Scope::Lists => "",
            Scope::Chips => "筛选条 chips",
            Scope::Pick => "筛选面板 filter pane",
            Scope::Saved => "收藏 saved",
        }
    }
}

/// A key with or without Ctrl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

impl Key {
    /// How the help writes the key.
    pub fn label(self) -> String {
        let name = match self.code {
            // A blank is no name: the help's key column was empty for it.
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Delete".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{}", name.to_uppercase())
        } else {
            name
        }
    }
}

/// One row of the table: keys, where, what they do (as an action and in words).
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    pub scope: Scope,
    pub action: Action,
    pub zh: &'static str,
    pub en: &'static str,
}

impl Binding {
    /// The keys as the help shows them: `j / ↓`.
    pub fn keys_label(&self) -> String {
        self.keys.iter().map(|k| k.label()).collect::<Vec<_>>().join(" / ")
    }
}

const fn b(keys: &'static [Key], scope: Scope, action: Action, zh: &'static str, en: &'static str) -> Binding {
    Binding { keys, scope, action, zh, en }
}

use Scope::{Chips, Global, Input, Lists, Pick, Saved};

/// Every key the browser knows. Looked up top to bottom within the scopes that apply (the
/// narrower scope first); typed characters that no row binds go to the search box.
pub static BINDINGS: &[Binding] = &[
    b(&[ctrl('c')], Global, Action::Quit, "退出", "quit anywhere"),
    b(&[code(KeyCode::F(1))], Global, Action::OpenHelp, "帮助（任何地方）", "this help, from anywhere"),
    b(
        &[k('?')],
        Lists,
        Action::OpenHelp,
        "帮助；输入筛选，回车执行",
        "this help; type to filter it, Enter runs the key",
    ),
    b(
        &[code(KeyCode::Esc)],
        Global,
        Action::Back,
        "返回上一级，停在搜索框",
        "back one level: overlay, conversation, results; stops at the search box",
    ),
    b(
        &[code(KeyCode::Enter)],
        Global,
        Action::Enter,
        "打开命中所在对话；应用筛选；打开某天",
        "open the hit in its day's conversation; apply a filter; open a day",
    ),
    b(
        &[code(KeyCode::Tab)],
        Global,
        Action::NextPane,
        "下一个窗格（筛选面板里切换标签）",
        "next pane: search, results, conversation, chips (tabs in the filter pane)",
    ),
    b(&[code(KeyCode::BackTab)], Global, Action::PrevPane, "上一个窗格", "previous pane"),
    b(
        &[k('j'), code(KeyCode::Down), ctrl('n')],
        Lists,
        Action::Down,
        "下移（筛选面板里 j 是输入，用 ↓）",
        "down: the selection, the cursor (filter pane: j is typed, ↓)",
    ),
    b(
        &[k('k'), code(KeyCode::Up), ctrl('p')],
        Lists,
        Action::Up,
        "上移（筛选面板里 k 是输入，用 ↑）",
        "up (filter pane: k is typed, ↑)",
    ),
    b(
        &[code(KeyCode::Down), ctrl('n')],
        Input,
        Action::Down,
        "到结果；翻看最近的搜索时往新翻",
        "to the results; while walking recent searches, a newer one (lists in overlays: down)",
    ),
    b(
        &[code(KeyCode::Up), ctrl('p')],
        Input,
        Action::Up,
        "搜索框：最近的搜索（往旧翻）",
        "search box: an older recent search (lists in overlays: up)",
    ),
    b(&[code(KeyCode::PageDown), ctrl('d')], Global, Action::PageDown, "下一页", "page down"),
    b(&[code(KeyCode::PageUp), ctrl('u')], Global, Action::PageUp, "上一页", "page up"),
    b(&[k('g'), code(KeyCode::Home)], Lists, Action::First, "第一条", "first"),
    b(&[k('G'), code(KeyCode::End)], Lists, Action::Last, "最后一条", "last"),
    b(&[k('n')], Lists, Action::NextMatch, "对话中下一个匹配", "next match of the query in the conversation"),
    b(&[k('N')], Lists, Action::PrevMatch, "对话中上一个匹配", "previous match of the query in the conversation"),
    b(&[k('/')], Lists, Action::FocusSearch, "搜索框", "focus the search box (typing there works too)"),
    b(
        &[k('f')],
        Lists,
        Action::OpenFilters(None),
        "筛选：日期、发言人、话题、群，带计数",
        "filters: dates, speakers, topics, groups with live counts",
    ),
    b(
        &[k('s')],
        Lists,
        Action::OpenFilters(Some(FilterTab::Speakers)),
        "按发言人筛选（模糊搜索）",
        "filter by speaker (fuzzy search)",
    ),
    b(&[k('t')], Lists, Action::OpenFilters(Some(FilterTab::Topics)), "按话题筛选", "filter by topic"),
    b(
        &[k('d')],
        Lists,
        Action::OpenFilters(Some(FilterTab::Dates)),
        "按日期筛选（输入 2017-08 或范围）",
        "filter by date (type 2017-08 or a range, or pick a month)",
    ),
    b(
        &[k('D')],
        Lists,
        Action::OpenDays,
        "按天浏览：每个群的每一天",
        "day view: every day of every group, to read start to end",
    ),
    b(
        &[k('i')],
        Lists,
        Action::OpenInsights,
        "洞察：每月命中、谁懂、公司、话题",
        "insights: hits per month, who knows, companies, topic mix",
    ),
    b(
        &[k('%')],
        Lists,
        Action::ToggleShare,
        "洞察：按每月消息的占比显示",
        "insights: hits as a share of each month's messages",
    ),
    b(
        &[k('o')],
        Lists,
        Action::CycleSort,
        "排序：相关度 / 最新 / 最早",
        "order: relevance, newest first, oldest first",
    ),
    b(&[k('z')], Lists, Action::Maximise, "对话全宽 / 恢复", "maximise the conversation / back to the split view"),
    b(
        &[k('y')],
        Lists,
        Action::Copy,
        "复制引用：光标处消息或标记范围",
        "copy a citation of the message under the cursor (or the marked range)",
    ),
    b(&[k('v')], Lists, Action::Mark, "标记一段消息一起引用", "mark a range of messages to cite together"),
    b(
        &[k('m')],
        Lists,
        Action::ToggleDiscussions,
        "结果：按讨论 / 按消息",
        "results: one row per message, or per discussion",
    ),
    b(&[k(']')], Lists, Action::NextDiscussion, "对话中下一段讨论", "next discussion of the day in the conversation"),
    b(
        &[k('[')],
        Lists,
        Action::PrevDiscussion,
        "对话中上一段讨论",
        "previous discussion of the day in the conversation",
    ),
    b(
        &[k('r')],
        Lists,
        Action::Reindex,
        "重新索引新增、修改、删除的日志",
        "reindex: pick up new, changed and removed logs",
    ),
    b(
        &[k('b')],
        Lists,
        Action::SaveSearch,
        "收藏当前搜索（查询和筛选条件）",
        "save the search (query and filters) under a name",
    ),
    b(
        &[k('B')],
        Lists,
        Action::OpenSaved,
        "收藏的搜索：回车运行，x 删除",
        "saved searches: Enter runs one, x deletes it",
    ),
    b(
        &[k('x'), code(KeyCode::Delete)],
        Saved,
        Action::RemoveChip,
        "删除选中的收藏",
        "delete the selected saved search",
    ),
    // The filter pane filters as letters are typed (a name may hold a j): only these move.
    b(
        &[code(KeyCode::Down), ctrl('n')],
        Pick,
        Action::Down,
        "筛选面板：下移（字母是输入）",
        "down (letters, j too, are typed)",
    ),
    b(&[code(KeyCode::Up), ctrl('p')], Pick, Action::Up, "筛选面板：上移", "up"),
    b(
        &[k(' ')],
        Pick,
        Action::MarkValue,
        "筛选面板：标记多个值，回车一起应用（或）",
        "filter pane: mark several values, Enter applies them together (any of them)",
    ),
    b(&[k('q')], Lists, Action::CloseOrQuit, "关闭浮层；否则退出", "close an overlay, else quit"),
    b(&[k('h'), code(KeyCode::Left)], Chips, Action::Up, "前一个筛选条件", "previous chip"),
    b(&[k('l'), code(KeyCode::Right)], Chips, Action::Down, "后一个筛选条件", "next chip"),
    b(&[k('x'), code(KeyCode::Delete)], Chips, Action::RemoveChip, "删除选中的筛选条件", "remove the selected chip"),
    b(
        &[code(KeyCode::Backspace)],
        Input,
        Action::Backspace,
        "删除字符；搜索框为空时删除最后一个筛选条件",
        "delete a character; on an empty search box, the last chip",
    ),
    b(&[code(KeyCode::Backspace)], Chips, Action::RemoveChip, "删除选中的筛选条件", "remove the selected chip"),
    b(
        &[code(KeyCode::Backspace)],
        Lists,
        Action::Backspace,
        "列表中：删除搜索框的最后一个字符或筛选条件（日历里：输入的日期的）",
        "in a list: delete the search box's last character, or its last chip (day list: the typed date's)",
    ),
    b(&[ctrl('w')], Input, Action::DeleteWord, "删除一个词", "delete a word"),
    b(&[ctrl('k')], Input, Action::ClearInput, "清空输入", "clear the input"),
    b(&[code(KeyCode::Left)], Input, Action::CursorLeft, "光标左移", "cursor left"),
    b(&[code(KeyCode::Right)], Input, Action::CursorRight, "光标右移", "cursor right"),
    b(&[code(KeyCode::Home), ctrl('a')], Input, Action::CursorHome, "行首", "start of the input"),
    b(&[code(KeyCode::End), ctrl('e')], Input, Action::CursorEnd, "行尾", "end of the input"),
];

/// Where the keyboard is, as far as keys care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// An input takes typed characters.
    pub typing: bool,
    /// The chips row has the keyboard.
    pub chips: bool,
    /// The filter pane is open.
    pub picking: bool,
    /// The list of saved searches is open.
    pub saved: bool,
}

/// The help rows whose keys, Chinese or English text contain `filter` (case-insensitive), or
/// its singular: the hints' words (`D days`, `s speakers`) find the keys they name.
pub fn help_rows(filter: &str) -> Vec<&'static Binding> {
    let f = filter.to_lowercase();
    let singular = [f.strip_suffix("es"), f.strip_suffix('s')];
    let forms: Vec<&str> =
        std::iter::once(f.as_str()).chain(singular.into_iter().flatten().filter(|s| s.len() > 2)).collect();
    BINDINGS
        .iter()
        .filter(|b| {
            let (keys, en) = (b.keys_label().to_lowercase(), b.en.to_lowercase());
            forms.iter().any(|f| keys.contains(f) || b.zh.contains(f) || en.contains(f))
        })
        .collect()
}

/// The action for a key where the keyboard is. Characters no binding takes are typed: into
/// the input that has the keyboard, else into the search box (nothing typed is dropped).
pub fn action(ctx: Context, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let pressed = Key { code: key.code, ctrl: key.modifiers.contains(KeyModifiers::CONTROL) };
    let scopes: &[Scope] = match ctx {
        Context { picking: true, .. } => &[Pick, Input, Global],
        Context { typing: true, .. } => &[Input, Global],
        Context { chips: true, .. } => &[Chips, Lists, Global],
        Context { saved: true, .. } => &[Saved, Lists, Global],
        _ => &[Lists, Global],
    };
    let found = scopes
        .iter()
        .find_map(|s| BINDINGS.iter().find(|b| b.scope == *s && b.keys.contains(&pressed)).map(|b| b.action.clone()));
    if found.is_some() {
        return found;
    }
    match key.code {
        KeyCode::Char(c) if !pressed.ctrl && !c.is_control() => {
            Some(if ctx.typing { Action::Input(c) } else { Action::TypeSearch(c) })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of the table has a name the help and the README can show: the space bar was
    /// written as itself, a blank in the help's key column and in the README's key table.
    #[test]
    fn every_key_has_a_visible_name() {
        for b in BINDINGS {
            for key in b.keys {
                let label = key.label();
                assert!(!label.trim().is_empty() && label.trim() == label, "{:?} is shown as {label:?}", key.code);
            }
        }
        assert_eq!(k(' ').label(), "Space");
        let space = BINDINGS.iter().find(|b| matches!(b.action, Action::MarkValue));
        assert_eq!(space.map(Binding::keys_label).as_deref(), Some("Space"));
    }
}
