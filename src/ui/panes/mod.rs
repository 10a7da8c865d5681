//! One file per pane. Each renders straight from the `View` (or the pane's
//! frozen copy) into its rectangle; none of them keeps state of its own.

pub mod account;
pub mod book;
pub mod chart;
pub mod chart_overlay;
pub mod chart_sub;
pub mod confirm;
pub mod footer;
pub mod help;
pub mod history;
pub mod logs;
pub mod orders;
pub mod prompt;
pub mod status;
pub mod strategies;
pub mod strategy_form;
pub mod table;
pub mod ticker;
pub mod tradebar;
pub mod trades;

use super::state::{Pane, UiState};
use crate::config::Glyphs;
use ratatui::style::Modifier;
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

/// Borders in plain ASCII for terminals and fonts without box drawing.
const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// A bordered block in the configured glyph set.
pub fn plain_block<'a>(ui: &UiState) -> Block<'a> {
    let b = Block::bordered();
    match ui.glyphs {
        Glyphs::Ascii => b.border_set(ASCII_BORDER),
        Glyphs::Box => b.border_set(border::PLAIN),
    }
}

/// The frame of a pane: title (bold, reversed when focused so focus reads
/// without colour), a FROZEN flag when frozen, then extra title spans.
pub fn pane_block<'a>(ui: &UiState, pane: Pane, extra: Vec<Span<'a>>) -> Block<'a> {
    let focused = ui.focus == pane;
    let t = &ui.theme;
    let mut title_style = t.title();
    if focused {
        title_style = t.accent().add_modifier(Modifier::REVERSED);
    }
    let mut spans = vec![Span::styled(format!(" {} ", pane.title()), title_style)];
    // The flag goes first so a narrow pane cuts the details, not the flag.
    if ui.is_frozen(pane) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" FROZEN ", t.flag()));
    }
    for s in extra {
        spans.push(Span::raw(" "));
        spans.push(s);
    }
    spans.push(Span::raw(" "));
    plain_block(ui)
        .border_style(t.border(focused))
        .title(Line::from(spans))
}

/// Horizontal rule glyph for separators inside panes.
pub fn hline(ui: &UiState) -> &'static str {
    match ui.glyphs {
        Glyphs::Ascii => "-",
        Glyphs::Box => "─",
    }
}
