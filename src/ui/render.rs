//! Composes one frame: layout from the frame size, then each pane, the
//! footer and any overlay. Pure: everything comes from the arguments.

use super::layout::{self, LayoutKind, MIN};
use super::panes::{book, chart, footer, help, logs, prompt, status, ticker, trades};
use super::state::{Pane, UiState};
use crate::engine::View;
use crate::logging::LogBuffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Draws the whole screen into `frame`.
pub fn draw(frame: &mut Frame, ui: &mut UiState, view: &View, logs: &LogBuffer) {
    let area = frame.area();
    let Some(areas) = layout::compute(area, ui) else {
        too_small(frame, area, ui);
        return;
    };
    status::render(frame, areas.status, ui, view);
    ticker::render(
        frame,
        areas.ticker,
        ui,
        view,
        areas.kind == LayoutKind::Full,
    );
    for (pane, r) in &areas.panes {
        match pane {
            Pane::Book => book::render(frame, *r, ui, view),
            Pane::Trades => trades::render(frame, *r, ui, view),
            Pane::Chart => chart::render(frame, *r, ui, view),
            Pane::Logs => logs::render(frame, *r, ui, logs),
        }
    }
    footer::render(frame, areas.footer, ui);
    if ui.help.is_some() {
        help::render(frame, area, ui);
    }
    if ui.prompt.is_some() {
        prompt::render(frame, area, ui, view);
    }
}

/// The message shown instead of a layout that cannot fit.
pub fn too_small_text(area: Rect) -> String {
    format!(
        "terminal too small: need {}x{}, have {}x{}",
        MIN.0, MIN.1, area.width, area.height
    )
}

fn too_small(frame: &mut Frame, area: Rect, ui: &UiState) {
    let top = area.y + area.height.saturating_sub(1) / 2;
    let r = Rect::new(area.x, top, area.width, area.bottom() - top);
    let p = Paragraph::new(Line::from(Span::styled(
        too_small_text(area),
        ui.theme.warn(),
    )))
    .alignment(Alignment::Center)
    .wrap(Wrap { trim: true });
    frame.render_widget(p, r);
}
