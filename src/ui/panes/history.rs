//! Fills, round trips and finished orders, newest first, in three sections
//! that share the pane's height. P&L carries its sign as well as its colour
//! so it reads without colour; `e` maximises the pane to see more rows.

use super::orders::{order_cells, order_cols, price, qty, side_cell};
use super::pane_block;
use super::table::{col, fit, share, Cell, Col};
use crate::engine::{RoundTripRow, View};
use crate::text::sanitize;
use crate::trading::account::Fill;
use crate::ui::format::{signed_dec, trim};
use crate::ui::state::{Pane, UiState};
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use rust_decimal::Decimal;

/// Profit up, loss down: colour follows the sign.
pub fn pnl_style(t: &Theme, v: Decimal) -> Style {
    if v > Decimal::ZERO {
        t.up()
    } else if v < Decimal::ZERO {
        t.down()
    } else {
        t.text()
    }
}

/// A P&L amount of `symbol`'s quote asset, signed.
pub fn money(view: &View, symbol: &str, v: Decimal) -> String {
    if symbol == view.symbol {
        signed_dec(v, view.price_decimals)
    } else {
        signed_dec(v, 8)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .into()
    }
}

fn fill_cols() -> Vec<Col> {
    vec![
        col("Fills", false, 10),
        col("Symbol", false, 1),
        col("Side", false, 9),
        col("Price", true, 8),
        col("Qty", true, 7),
        col("Fee", true, 6),
        col("Liq", false, 5),
    ]
}

fn fill_cells(ui: &UiState, view: &View, f: &Fill) -> Vec<Cell> {
    let t = &ui.theme;
    let liq = if f.is_maker { "maker" } else { "taker" };
    vec![
        (ui.clock.hms(f.time), t.dim()),
        (sanitize(&f.symbol), t.text()),
        side_cell(t, f.side),
        (price(view, &f.symbol, f.price), t.text()),
        (qty(view, &f.symbol, f.qty), t.text()),
        (
            format!(
                "{} {}",
                trim(f.commission, 8),
                sanitize(&f.commission_asset)
            ),
            t.text(),
        ),
        (liq.into(), t.dim()),
    ]
}

fn trip_cols() -> Vec<Col> {
    vec![
        col("Trips", false, 10),
        col("Symbol", false, 6),
        col("Qty", true, 3),
        col("Entry", true, 6),
        col("Exit", true, 6),
        col("P&L", true, 9),
        col("Return", true, 8),
    ]
}

fn trip_cells(ui: &UiState, view: &View, r: &RoundTripRow) -> Vec<Cell> {
    let t = &ui.theme;
    let st = pnl_style(t, r.pnl);
    vec![
        (ui.clock.hms(r.closed_ms), t.dim()),
        (sanitize(&r.symbol), t.text()),
        (qty(view, &r.symbol, r.qty), t.text()),
        (price(view, &r.symbol, r.entry_avg), t.text()),
        (price(view, &r.symbol, r.exit_avg), t.text()),
        (money(view, &r.symbol, r.pnl), st),
        (
            format!("{}%", signed_dec(r.return_pct, 2)),
            pnl_style(t, r.return_pct),
        ),
    ]
}

/// One section: header (section name and count in the time column, which
/// is always kept) and as many rows as `take` leaves room for.
fn section<'a>(
    t: &Theme,
    mut cols: Vec<Col>,
    rows: Vec<Vec<Cell>>,
    width: usize,
    take: usize,
) -> Vec<Line<'a>> {
    if take == 0 {
        return Vec::new();
    }
    cols[0].title = format!("{} {}", cols[0].title, rows.len());
    let f = fit(&cols, &rows, width);
    let label = (cols[0].title.clone(), t.accent());
    let cols = &cols;
    let mut out = vec![f.header(cols, t.dim(), Some(label))];
    if rows.is_empty() && take > 1 {
        out.push(Line::from(Span::styled("  none yet", t.dim())));
    }
    for r in rows.into_iter().take(take - 1) {
        out.push(f.row(cols, r, Style::default()));
    }
    out
}

pub fn render(frame: &mut Frame, area: Rect, ui: &UiState, view: &View) {
    let t = &ui.theme;
    let block = pane_block(ui, Pane::History, Vec::new());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(tv) = &view.trading else { return };
    if inner.height == 0 {
        return;
    }
    let w = inner.width as usize;
    let fills: Vec<_> = tv.fills.iter().map(|f| fill_cells(ui, view, f)).collect();
    let trips: Vec<_> = tv
        .round_trips
        .iter()
        .map(|r| trip_cells(ui, view, r))
        .collect();
    let orders: Vec<_> = tv
        .recent_orders
        .iter()
        .map(|o| order_cells(ui, view, o))
        .collect();
    // Each section wants its header plus its rows (or one "none yet").
    let want = |n: usize| 1 + n.max(1);
    let got = share(
        &[want(fills.len()), want(trips.len()), want(orders.len())],
        inner.height as usize,
    );
    let mut ocols = order_cols();
    ocols[0] = col("Orders", false, 10);
    let mut lines = section(t, fill_cols(), fills, w, got[0]);
    lines.extend(section(t, trip_cols(), trips, w, got[1]));
    lines.extend(section(t, ocols, orders, w, got[2]));
    frame.render_widget(Paragraph::new(lines), inner);
}
