//! The trades tape, newest first: time, price, quantity and the aggressor
//! side as text (BUY/SELL) as well as colour, so it reads without colour.

use super::pane_block;
use crate::domain::Side;
use crate::engine::View;
use crate::text::sanitize;
use crate::ui::format::rpad;
use crate::ui::state::{Pane, UiState};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(frame: &mut Frame, area: Rect, ui: &mut UiState, live: &View) {
    let len = ui
        .frozen
        .view(Pane::Trades, live)
        .trades
        .len()
        .min(ui.tape_len);
    let visible = area.height.saturating_sub(3) as usize;
    ui.trades_scroll = ui.trades_scroll.min(len.saturating_sub(visible));
    let ui = &*ui;
    let view = ui.frozen.view(Pane::Trades, live);
    let t = &ui.theme;
    let mut extra = vec![Span::styled(sanitize(&view.symbol), t.accent())];
    if ui.trades_scroll > 0 {
        extra.push(Span::styled(
            format!("-{} older", ui.trades_scroll),
            t.warn(),
        ));
    }
    let block = pane_block(ui, Pane::Trades, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let (pd, qd) = (view.price_decimals, view.qty_decimals);
    let rows: Vec<_> = view
        .trades
        .iter()
        .take(ui.tape_len)
        .skip(ui.trades_scroll)
        .take(visible)
        .map(|tr| {
            (
                ui.clock.hms(tr.time),
                tr.price.fmt_dp(pd),
                tr.qty.fmt_dp(qd),
                tr.aggressor,
            )
        })
        .collect();
    if rows.is_empty() {
        let msg = Span::styled("no trades yet", t.dim());
        frame.render_widget(
            Paragraph::new(vec![Line::default(), Line::from(msg)]),
            inner,
        );
        return;
    }
    let pw = rows.iter().map(|r| r.1.len()).max().unwrap_or(0).max(5);
    let qw = rows.iter().map(|r| r.2.len()).max().unwrap_or(0).max(3);
    // Drop the time column when the pane is too narrow for everything.
    let show_time = (inner.width as usize) >= 8 + 1 + pw + 1 + qw + 1 + 4;
    let mut lines = Vec::with_capacity(rows.len() + 1);
    let mut head = String::new();
    if show_time {
        head.push_str(&format!("{:<8} ", "Time"));
    }
    head.push_str(&format!("{} {} Side", rpad("Price", pw), rpad("Qty", qw)));
    lines.push(Line::from(Span::styled(head, t.dim())));
    for (time, price, qty, side) in rows {
        let (st, label) = match side {
            Side::Buy => (t.up(), "BUY "),
            Side::Sell => (t.down(), "SELL"),
        };
        let mut spans = Vec::with_capacity(6);
        if show_time {
            spans.push(Span::styled(format!("{time} "), t.dim()));
        }
        spans.extend([
            Span::styled(rpad(&price, pw), st),
            Span::raw(" "),
            Span::styled(rpad(&qty, qw), t.text()),
            Span::raw(" "),
            Span::styled(label, st),
        ]);
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
