//! Open orders, newest first, one selectable row each: time, symbol, side,
//! type, price, quantity, filled, status. `c` cancels the selected row and
//! `C` all of the symbol's (both ask first; see `trade_input`).

use super::pane_block;
use super::table::{col, fit, Cell, Col};
use crate::domain::Side;
use crate::engine::View;
use crate::text::sanitize;
use crate::trading::order::{Order, OrderStatus, OrderType};
use crate::ui::format::{dec, trim};
use crate::ui::state::{Pane, UiState};
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Order types in at most 8 columns.
pub fn type_short(k: OrderType) -> &'static str {
    match k {
        OrderType::Market => "MARKET",
        OrderType::Limit => "LIMIT",
        OrderType::LimitMaker => "L_MAKER",
        OrderType::StopLossLimit => "SL_LIMIT",
        OrderType::TakeProfitLimit => "TP_LIMIT",
    }
}

pub fn status_short(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Intent => "INTENT",
        OrderStatus::Unknown => "UNKNOWN",
        OrderStatus::New => "NEW",
        OrderStatus::PartiallyFilled => "PARTIAL",
        OrderStatus::PendingCancel => "CANCELING",
        OrderStatus::Filled => "FILLED",
        OrderStatus::Canceled => "CANCELED",
        OrderStatus::Rejected => "REJECTED",
        OrderStatus::Expired => "EXPIRED",
        OrderStatus::ExpiredInMatch => "EXP_MATCH",
    }
}

pub fn side_cell(t: &Theme, s: Side) -> Cell {
    match s {
        Side::Buy => ("BUY".into(), t.up()),
        Side::Sell => ("SELL".into(), t.down()),
    }
}

/// A price of `symbol`: the view's decimals for the current symbol, else
/// exact with trailing zeros dropped.
pub fn price(view: &View, symbol: &str, v: rust_decimal::Decimal) -> String {
    if symbol == view.symbol {
        dec(v, view.price_decimals)
    } else {
        trim(v, 8)
    }
}

pub fn qty(view: &View, symbol: &str, v: rust_decimal::Decimal) -> String {
    if symbol == view.symbol {
        dec(v, view.qty_decimals)
    } else {
        trim(v, 8)
    }
}

/// Columns shared with the history pane's order list.
pub fn order_cols() -> Vec<Col> {
    vec![
        col("Time", false, 2),
        col("Symbol", false, 6),
        col("Side", false, 9),
        col("Type", false, 5),
        col("Price", true, 8),
        col("Qty", true, 7),
        col("Filled", true, 4),
        col("Status", false, 6),
    ]
}

pub fn order_cells(ui: &UiState, view: &View, o: &Order) -> Vec<Cell> {
    let t = &ui.theme;
    let status_style = match o.status {
        OrderStatus::Rejected | OrderStatus::Unknown => t.error(),
        OrderStatus::Filled => t.up(),
        OrderStatus::PartiallyFilled | OrderStatus::PendingCancel => t.warn(),
        _ => t.text(),
    };
    let px = match (o.kind, o.price) {
        (_, Some(p)) => price(view, &o.symbol, p),
        (OrderType::Market, None) => "market".into(),
        _ => "-".into(),
    };
    vec![
        (ui.clock.hms(o.updated_ms), t.dim()),
        (sanitize(&o.symbol), t.text()),
        side_cell(t, o.side),
        (type_short(o.kind).into(), t.text()),
        (px, t.text()),
        (
            o.qty.map_or("-".into(), |q| qty(view, &o.symbol, q)),
            t.text(),
        ),
        (qty(view, &o.symbol, o.executed_qty), t.text()),
        (status_short(o.status).into(), status_style),
    ]
}

pub fn render(frame: &mut Frame, area: Rect, ui: &mut UiState, view: &View) {
    let orders: &[Order] = view
        .trading
        .as_ref()
        .map_or(&[], |tv| tv.open_orders.as_slice());
    ui.sync_order_selection(orders);
    let ui = &*ui;
    let t = &ui.theme;
    let extra = vec![Span::styled(format!("{}", orders.len()), t.accent())];
    let block = pane_block(ui, Pane::Orders, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if orders.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled("no open orders", t.dim()))),
            inner,
        );
        return;
    }
    let cols = order_cols();
    let rows: Vec<Vec<Cell>> = orders.iter().map(|o| order_cells(ui, view, o)).collect();
    let f = fit(&cols, &rows, inner.width as usize);
    let visible = (inner.height as usize).saturating_sub(1).max(1);
    let start = (ui.orders_sel + 1).saturating_sub(visible);
    let focused = ui.focus == Pane::Orders;
    let mut lines = vec![f.header(&cols, t.dim(), None)];
    for (i, cells) in rows.into_iter().enumerate().skip(start).take(visible) {
        let base = if focused && i == ui.orders_sel {
            t.selected()
        } else {
            Style::default()
        };
        lines.push(f.row(&cols, cells, base));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
