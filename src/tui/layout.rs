//! Sizes shared by drawing and by `update` (which must know how far a pane can scroll).

use super::render::message_lines;
use crate::archive::Day;

/// Rows around the main area: search line, chips line, the main block's two borders, status.
pub const CHROME_ROWS: u16 = 5;
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

/// Inner width of the conversation pane.
pub fn conversation_width(total: u16, split_view: bool) -> usize {
    let outer = if split_view { split(total).1 } else { total };
    usize::from(outer.saturating_sub(2)).max(10)
}

/// The first line of each message in the rendered day, plus the total line count last.
pub fn message_starts(day: &Day, width: usize) -> Vec<usize> {
    let mut starts = Vec::with_capacity(day.messages.len() + 1);
    let mut line = 0;
    for m in &day.messages {
        starts.push(line);
        line += message_lines(m, width, &[], false, false).len();
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
