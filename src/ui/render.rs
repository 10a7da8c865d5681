//! Composes one frame: layout from the frame size, then each pane, the
//! footer and any overlay. Pure: everything comes from the arguments.

use super::layout::{self, LayoutKind, MIN};
use super::panes::{
    account, book, chart, confirm, footer, help, history, logs, orders, prompt, status, strategies,
    strategy_form, ticker, tradebar, trades,
};
use super::state::{Pane, UiState};
use super::ticket;
use crate::engine::View;
use crate::logging::LogBuffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Draws the whole screen into `frame`.
pub fn draw(frame: &mut Frame, ui: &mut UiState, view: &View, logs: &LogBuffer) {
    let area = frame.area();
    let trading = view.trading.is_some();
    if !trading && ui.focus.is_trading() {
        ui.focus = Pane::Book;
    }
    let Some(areas) = layout::compute(area, ui, trading) else {
        too_small(frame, area, ui);
        return;
    };
    status::render(frame, areas.status, ui, view);
    if let Some(r) = areas.trade_bar {
        tradebar::render(frame, r, ui, view);
    }
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
            Pane::Orders => orders::render(frame, *r, ui, view),
            Pane::History => history::render(frame, *r, ui, view),
            Pane::Account => account::render(frame, *r, ui, view),
            Pane::Strategies => strategies::render(frame, *r, ui, view),
        }
    }
    footer::render(frame, areas.footer, ui, view);
    if ui.trading_enabled(view) {
        ticket::render::render(frame, area, ui, view);
        strategy_form::render(frame, area, ui, view);
        confirm::render(frame, area, ui, view);
    }
    if ui.help.is_some() {
        help::render(frame, area, ui, view);
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
