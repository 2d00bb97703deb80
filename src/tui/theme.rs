//! The browser's styles, shared by drawing and by the message renderer.

use ratatui::style::{Color, Modifier, Style};

/// Matched text.
pub const MATCH: Style = Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD);
/// Secondary text (URLs, counts, hints).
pub const DIM: Style = Style::new().fg(Color::DarkGray);
/// The selected row.
pub const SELECTED: Style = Style::new().bg(Color::Rgb(40, 52, 70)).add_modifier(Modifier::BOLD);
pub const ACCENT: Style = Style::new().fg(Color::Cyan);
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
