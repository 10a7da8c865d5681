//! The footer: the main keys of the current context, generated from the
//! keymap tables (order keys only while trading is enabled).

use crate::engine::View;
use crate::ui::input::contexts;
use crate::ui::keymap::hints;
use crate::ui::state::UiState;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, ui: &UiState, view: &View) {
    let t = &ui.theme;
    let mut spans = Vec::new();
    for (i, (keys, hint)) in hints(&contexts(ui), ui.trading_enabled(view))
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(keys, t.accent()));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(hint, t.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
