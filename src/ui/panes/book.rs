//! The order book ladder: asks above (best ask nearest the middle), a spread
//! line, bids below; price / size / cumulative size right-aligned with the
//! symbol's decimals, and a bar proportional to each level's size. When the
//! book is not LIVE its state is shown instead of levels that may be stale.

use super::{hline, pane_block};
use crate::config::Glyphs;
use crate::engine::View;
use crate::fixed::Fx;
use crate::market::BookStatus;
use crate::text::sanitize;
use crate::ui::format::{mid, rpad};
use crate::ui::state::{Pane, UiState};
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Formatted levels of one side with running totals, best first.
struct Side {
    rows: Vec<(String, String, String, Fx)>,
}

fn side(levels: &[(Fx, Fx)], n: usize, pd: u32, qd: u32) -> Side {
    let mut cum = Fx::ZERO;
    let rows = levels
        .iter()
        .take(n)
        .map(|(p, q)| {
            cum = Fx(cum.0.saturating_add(q.0));
            (p.fmt_dp(pd), q.fmt_dp(qd), cum.fmt_dp(qd), *q)
        })
        .collect();
    Side { rows }
}

/// A bar of `qty / max` of `width` cells; half cells in box glyphs. Never
/// empty for a non-zero size so thin levels stay visible.
pub fn bar(qty: Fx, max: Fx, width: usize, glyphs: Glyphs) -> String {
    if width == 0 || max.0 <= 0 || qty.0 <= 0 {
        return String::new();
    }
    let halves = ((qty.0 as i128 * width as i128 * 2) / max.0 as i128).max(1) as usize;
    match glyphs {
        Glyphs::Box => {
            let mut s = "█".repeat(halves / 2);
            if halves % 2 == 1 {
                s.push('▌');
            }
            s
        }
        Glyphs::Ascii => "#".repeat(halves.div_ceil(2)),
    }
}

fn state_message<'a>(ui: &UiState, view: &View) -> Vec<Line<'a>> {
    let t = &ui.theme;
    let (head, detail) = match view.book.status {
        BookStatus::Syncing => ("SYNCING", "waiting for the depth snapshot".to_string()),
        BookStatus::Resyncing => (
            "RESYNCING",
            format!("lost sync, rebuilding (resyncs {})", view.book.resyncs),
        ),
        BookStatus::Live => ("LIVE", "no levels yet".to_string()),
    };
    vec![
        Line::default(),
        Line::from(Span::styled(head, t.warn())),
        Line::from(Span::styled(detail, t.dim())),
    ]
}

pub fn render(frame: &mut Frame, area: Rect, ui: &UiState, live: &View) {
    let view = ui.frozen.view(Pane::Book, live);
    let t = &ui.theme;
    let status_style = if view.book.status == BookStatus::Live {
        t.up()
    } else {
        t.warn()
    };
    let block = pane_block(
        ui,
        Pane::Book,
        vec![
            Span::styled(sanitize(&view.symbol), t.accent()),
            Span::styled(view.book.status.as_str(), status_style),
            Span::styled(format!("{}/side", ui.book_depth), t.dim()),
        ],
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let book = &view.book;
    if book.status != BookStatus::Live || (book.bids.is_empty() && book.asks.is_empty()) {
        let p = Paragraph::new(state_message(ui, view)).alignment(Alignment::Center);
        frame.render_widget(p, inner);
        return;
    }
    let h = inner.height as usize;
    let w = inner.width as usize;
    if h < 3 || w < 8 {
        return;
    }
    let per_side = ui.book_depth.min((h - 2) / 2);
    let (pd, qd) = (view.price_decimals, view.qty_decimals);
    let asks = side(&book.asks, per_side, pd, qd);
    let bids = side(&book.bids, per_side, pd, qd);
    let all = || asks.rows.iter().chain(bids.rows.iter());
    let width_of = |f: fn(&(String, String, String, Fx)) -> &String, head: &str| {
        all().map(|r| f(r).len()).max().unwrap_or(0).max(head.len())
    };
    let pw = width_of(|r| &r.0, "Price");
    let sw = width_of(|r| &r.1, "Size");
    let mut cw = width_of(|r| &r.2, "Total");
    if pw + 1 + sw + 1 + cw > w {
        cw = 0; // too narrow: drop the cumulative column
    }
    let used = pw + 1 + sw + if cw > 0 { 1 + cw } else { 0 };
    let bar_w = w.saturating_sub(used + 1);
    let bar_w = if bar_w >= 3 { bar_w } else { 0 };
    let max_qty = all().map(|r| r.3).max().unwrap_or(Fx::ZERO);

    let row = |r: &(String, String, String, Fx), price_style: Style| -> Line {
        let mut spans = vec![
            Span::styled(rpad(&r.0, pw), price_style),
            Span::raw(" "),
            Span::styled(rpad(&r.1, sw), t.text()),
        ];
        if cw > 0 {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(rpad(&r.2, cw), t.dim()));
        }
        if bar_w > 0 {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                bar(r.3, max_qty, bar_w, ui.glyphs),
                price_style,
            ));
        }
        Line::from(spans)
    };

    let mut lines = Vec::with_capacity(h);
    let mut head = format!("{} {}", rpad("Price", pw), rpad("Size", sw));
    if cw > 0 {
        head.push(' ');
        head.push_str(&rpad("Total", cw));
    }
    lines.push(Line::from(Span::styled(head, t.dim())));
    // Asks: worst at the top, best just above the spread line.
    for _ in asks.rows.len()..per_side {
        lines.push(Line::default());
    }
    for r in asks.rows.iter().rev() {
        lines.push(row(r, t.down()));
    }
    lines.push(spread_line(ui, view, w));
    for r in &bids.rows {
        lines.push(row(r, t.up()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn spread_line<'a>(ui: &UiState, view: &View, w: usize) -> Line<'a> {
    let t = &ui.theme;
    let (Some(b), Some(a)) = (view.book.bids.first(), view.book.asks.first()) else {
        return Line::default();
    };
    let pd = view.price_decimals;
    let text = format!(
        " spread {}  mid {} ",
        Fx(a.0 .0 - b.0 .0).fmt_dp(pd),
        mid(b.0, a.0, pd)
    );
    let n = text.chars().count();
    if n >= w {
        return Line::from(Span::styled(text, t.dim()));
    }
    let left = (w - n) / 2;
    let right = w - n - left;
    let g = hline(ui);
    Line::from(vec![
        Span::styled(g.repeat(left), t.dim()),
        Span::styled(text, t.text()),
        Span::styled(g.repeat(right), t.dim()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_and_never_vanish() {
        let f = |s: &str| Fx::parse(s).unwrap();
        assert_eq!(bar(f("1"), f("1"), 4, Glyphs::Box), "████");
        assert_eq!(bar(f("0.5"), f("1"), 3, Glyphs::Box), "█▌");
        assert_eq!(bar(f("0.0001"), f("1"), 4, Glyphs::Box), "▌");
        assert_eq!(bar(f("0.5"), f("1"), 4, Glyphs::Ascii), "##");
        assert_eq!(bar(Fx::ZERO, f("1"), 4, Glyphs::Ascii), "");
    }
}
