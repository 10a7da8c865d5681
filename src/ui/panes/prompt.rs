//! The symbol switch prompt: input line, inline error, and completions
//! (watchlist entries marked with `*`).

use super::plain_block;
use crate::engine::View;
use crate::text::sanitize;
use crate::ui::completion::candidates;
use crate::ui::input::COMPLETION_LIMIT;
use crate::ui::state::UiState;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// Completions listed at once.
const SHOWN: usize = 8;

pub fn render(frame: &mut Frame, screen: Rect, ui: &UiState, view: &View) {
    let Some(p) = &ui.prompt else { return };
    let t = &ui.theme;
    let cands = candidates(view, p.base(), COMPLETION_LIMIT);
    let list_h = cands.len().clamp(1, SHOWN);
    let w = screen.width.saturating_sub(4).min(56);
    let h = (4 + list_h as u16).min(screen.height.saturating_sub(2));
    let area = Rect::new(screen.x + (screen.width - w) / 2, screen.y + 2, w, h);
    let block = plain_block(ui)
        .border_style(t.border(true))
        .title(Line::from(Span::styled(" Switch symbol ", t.accent())))
        .title_bottom(Line::from(Span::styled(
            " Enter switch  Tab complete  Esc cancel ",
            t.dim(),
        )));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);

    let shown_input = sanitize(&p.input);
    let mut lines = vec![Line::from(vec![
        Span::styled("Symbol: ", t.dim()),
        Span::styled(shown_input.clone(), t.title()),
    ])];
    lines.push(match &p.error {
        Some(e) => Line::from(Span::styled(e.clone(), t.error())),
        None => Line::default(),
    });
    if cands.is_empty() {
        lines.push(Line::from(Span::styled("no matching symbol", t.dim())));
    }
    let sel = p.selected();
    let start = sel.map_or(0, |s| (s + 1).saturating_sub(SHOWN));
    for (i, c) in cands.iter().enumerate().skip(start).take(SHOWN) {
        let mark = if view.watchlist.contains(c) { "*" } else { " " };
        let text = format!("{mark} {}", sanitize(c));
        let style = if Some(i) == sel {
            t.selected()
        } else {
            t.text()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let cx = inner.x + 8 + ratatui::text::Span::raw(shown_input).width() as u16;
    if cx < inner.right() {
        frame.set_cursor_position(Position::new(cx, inner.y));
    }
}
