//! Where panes go, shared by drawing and by `update` (which must know how far a pane can
//! scroll): [`Panes::new`] is the one computation; `ui::draw` places the panes with it and
//! returns what it used, and the app keeps that.

use super::render::message_lines;
use crate::archive::Day;
use ratatui::layout::{Constraint, Layout, Rect};
/// From this width on, the conversation is shown beside the results.
pub const SPLIT_MIN_WIDTH: u16 = 120;
/// Share of the width the results take in the split view, in percent.
pub const RESULTS_PERCENT: u16 = 55;

/// Widths of the results and the conversation in the split view. Drawing uses these very
/// widths, so scrolling and drawing agree on every terminal width.
pub fn split(total: u16) -> (u16, u16) {
    let results = (u32::from(total) * u32::from(RESULTS_PERCENT)).div_ceil(100) as u16;
    (results, total - results)
}

/// The day list's window (at most; smaller terminals clip it).
pub const DAYS_POPUP: (u16, u16) = (80, 30);

/// A centred window of at most `w`×`h` cells in `area`.
pub fn popup_rect(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// Rows a bordered popup of at most `h` rows shows inside, on a screen `height` rows high.
pub fn popup_rows(height: u16, h: u16) -> usize {
    usize::from(h.min(height).saturating_sub(2)).max(1)
}

/// Rows under the day list for the selected day's discussions, when the popup is tall enough.
pub const DAY_TITLES: usize = 9;

/// Rows of the day list in a terminal `height` rows high (the rest lists the selected day's
/// discussions).
pub fn day_list_rows(height: u16) -> usize {
    let inner = popup_rows(height, DAYS_POPUP.1);
    if inner >= 2 * DAY_TITLES {
        inner - DAY_TITLES
    } else {
        inner
    }
}

/// What the main area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Main {
    /// The results alone.
    Results,
    /// The conversation alone (a narrow terminal, or `z`).
    Conversation,
    /// Results and conversation side by side.
    Both,
}

/// The screen cut into panes (outer rectangles, borders included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub area: Rect,
    pub main: Main,
    pub search: Rect,
    pub chips: Rect,
    pub results: Option<Rect>,
    pub conversation: Option<Rect>,
    pub status: Rect,
}

impl Panes {
    pub fn new(area: Rect, main: Main) -> Panes {
        let [search, chips, middle, status] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)])
                .areas(area);
        let (results, conversation) = match main {
            Main::Results => (Some(middle), None),
            Main::Conversation => (None, Some(middle)),
            Main::Both => {
                let (left, right) = split(middle.width);
                let [l, r] = Layout::horizontal([Constraint::Length(left), Constraint::Length(right)]).areas(middle);
                (Some(l), Some(r))
            }
        };
        Panes { area, main, search, chips, results, conversation, status }
    }

    /// Inner (width, height) of the conversation pane; of the main area when it is not shown.
    pub fn conversation_inner(&self) -> (usize, usize) {
        let r = self.conversation.or(self.results).unwrap_or(self.area);
        (usize::from(r.width.saturating_sub(2)).max(10), usize::from(r.height.saturating_sub(2)).max(1))
    }

    /// Rows of hits the results pane shows (a page).
    pub fn results_rows(&self) -> usize {
        let r = self.results.or(self.conversation).unwrap_or(self.area);
        usize::from(r.height.saturating_sub(2)).max(1)
    }
}

/// The first line of each message in the rendered day, plus the total line count last.
pub fn message_starts(day: &Day, width: usize) -> Vec<usize> {
    let mut starts = Vec::with_capacity(day.messages.len() + 1);
    let mut line = 0;
    for m in &day.messages {
        starts.push(line);
        line += message_lines(m, width, &[], &[], false, false).len();
    }
    starts.push(line);
    starts
}

/// The top line that shows the focused message a third of the way down, before scrolling.
pub fn anchor(starts: &[usize], focus: usize, height: usize) -> isize {
    let start = starts.get(focus).copied().unwrap_or(0);
    start as isize - (height / 3) as isize
}

/// The top line to draw: the anchor moved by `scroll`, kept within the day.
pub fn conversation_top(starts: &[usize], focus: usize, scroll: isize, height: usize) -> usize {
    let total = starts.last().copied().unwrap_or(0);
    let max_top = total.saturating_sub(height) as isize;
    (anchor(starts, focus, height) + scroll).clamp(0, max_top.max(0)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_at_least_55_percent_and_the_panes_fill_the_width() {
        for width in 120..=300u16 {
            let p = Panes::new(Rect::new(0, 0, width, 40), Main::Both);
            let (r, c) = (p.results.unwrap(), p.conversation.unwrap());
            assert!(u32::from(r.width) * 100 >= u32::from(width) * 55, "{width}");
            assert_eq!((r.width + c.width, c.x), (width, r.width), "{width}");
            assert_eq!(p.conversation_inner().0, usize::from(c.width - 2));
        }
    }
}
