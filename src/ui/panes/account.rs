//! Balances (free / locked per asset) and positions (quantity, average
//! entry, mark, unrealized and realized P&L, fees), with the day's realized
//! P&L in the title. Shown in read-only sessions too: watching an account
//! needs no trade permission.

use super::history::{money, pnl_style};
use super::orders::price;
use super::pane_block;
use super::table::{col, fit, share, Cell};
use crate::engine::{PositionRow, View};
use crate::text::sanitize;
use crate::ui::format::{signed_dec, trim};
use crate::ui::state::{Pane, UiState};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Balances are shown to the satoshi: Binance's 8 decimals.
const BALANCE_DP: u32 = 8;

fn position_lines<'a>(ui: &UiState, view: &View, p: &PositionRow) -> [Line<'a>; 2] {
    let t = &ui.theme;
    let sym = sanitize(&p.symbol);
    let q = if p.symbol == view.symbol {
        signed_dec(p.qty, view.qty_decimals)
    } else {
        trim(p.qty, 8)
    };
    let mark = p.mark.map_or("-".into(), |m| price(view, &p.symbol, m));
    let mut first = vec![Span::styled(format!("{sym} "), t.title())];
    if p.qty.is_zero() {
        first.push(Span::styled("flat", t.dim()));
    } else {
        first.extend([
            Span::raw(format!("{q} @ {}", price(view, &p.symbol, p.avg_entry))),
            Span::styled(" mark ", t.dim()),
            Span::raw(mark),
        ]);
    }
    let second = Line::from(vec![
        Span::styled("  unreal ", t.dim()),
        Span::styled(
            money(view, &p.symbol, p.unrealized_pnl),
            pnl_style(t, p.unrealized_pnl),
        ),
        Span::styled(" real ", t.dim()),
        Span::styled(
            money(view, &p.symbol, p.realized_pnl),
            pnl_style(t, p.realized_pnl),
        ),
        Span::styled(" fees ", t.dim()),
        Span::raw(trim(p.fees, 8)),
    ]);
    let first = Line::from(first);
    [first, second]
}

pub fn render(frame: &mut Frame, area: Rect, ui: &UiState, view: &View) {
    let t = &ui.theme;
    let mut extra = Vec::new();
    if let Some(tv) = &view.trading {
        let d = tv.daily_realized_pnl;
        extra.push(Span::styled("day", t.dim()));
        extra.push(Span::styled(
            format!(
                "{} {}",
                signed_dec(d, view.price_decimals),
                sanitize(&tv.quote_asset)
            ),
            pnl_style(t, d),
        ));
    }
    let block = pane_block(ui, Pane::Account, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(tv) = &view.trading else { return };
    if inner.height == 0 {
        return;
    }
    let cols = vec![
        col(format!("Balances {}", tv.balances.len()), false, 9),
        col("Free", true, 8),
        col("Locked", true, 7),
    ];
    let rows: Vec<Vec<Cell>> = tv
        .balances
        .iter()
        .map(|b| {
            let locked_style = if b.locked.is_zero() {
                t.dim()
            } else {
                t.text()
            };
            vec![
                (sanitize(&b.asset), t.title()),
                (crate::ui::format::dec(b.free, BALANCE_DP), t.text()),
                (crate::ui::format::dec(b.locked, BALANCE_DP), locked_style),
            ]
        })
        .collect();
    let got = share(
        &[1 + rows.len().max(1), 1 + 2 * tv.positions.len().max(1)],
        inner.height as usize,
    );
    let f = fit(&cols, &rows, inner.width as usize);
    let mut lines = Vec::new();
    if got[0] > 0 {
        let label = (cols[0].title.clone(), t.accent());
        lines.push(f.header(&cols, t.dim(), Some(label)));
        if rows.is_empty() && got[0] > 1 {
            lines.push(Line::from(Span::styled("  none reported", t.dim())));
        }
        for r in rows.into_iter().take(got[0] - 1) {
            lines.push(f.row(&cols, r, Style::default()));
        }
    }
    if got[1] > 0 {
        lines.push(Line::from(Span::styled(
            format!("Positions {}", tv.positions.len()),
            t.accent(),
        )));
        if tv.positions.is_empty() && got[1] > 1 {
            lines.push(Line::from(Span::styled("  flat", t.dim())));
        }
        let pos = tv
            .positions
            .iter()
            .flat_map(|p| position_lines(ui, view, p));
        lines.extend(pos.take(got[1] - 1));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
