//! The ticker: symbol, last price, 24h change with sign and arrow text,
//! high, low, volumes, and the top of book with spread and mid.

use super::plain_block;
use crate::engine::View;
use crate::fixed::Fx;
use crate::text::sanitize;
use crate::ui::format::{mid, signed, signed_plain};
use crate::ui::state::UiState;
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn label<'a>(t: &Theme, l: &'a str) -> Span<'a> {
    Span::styled(l, t.dim())
}

fn value<'a>(s: String, st: Style) -> Span<'a> {
    Span::styled(s, st)
}

/// A group of spans that is kept together or dropped together.
type Item<'a> = Vec<Span<'a>>;

fn item_width(i: &Item) -> usize {
    i.iter().map(|s| s.width()).sum()
}

/// Symbol, last, change, high/low, volumes.
fn stats_items<'a>(ui: &UiState, view: &View) -> Vec<Item<'a>> {
    let t = &ui.theme;
    let pd = view.price_decimals;
    let qd = view.qty_decimals;
    let mut items = vec![vec![Span::styled(sanitize(&view.symbol), t.accent())]];
    let Some(tk) = &view.ticker else {
        items.push(vec![label(t, "waiting for 24h statistics")]);
        return items;
    };
    let (dir_style, arrow) = match tk.change.0.signum() {
        1 => (t.up(), "^ up"),
        -1 => (t.down(), "v down"),
        _ => (t.text(), "= flat"),
    };
    let pair = |l: &'static str, v: String, st: Style| vec![label(t, l), value(v, st)];
    items.push(pair("Last ", tk.last.fmt_dp(pd), dir_style));
    items.push(pair(
        "24h ",
        format!(
            "{} ({}%) {}",
            signed(tk.change, pd),
            signed_plain(tk.change_pct),
            arrow
        ),
        dir_style,
    ));
    items.push(pair("H ", tk.high.fmt_dp(pd), t.text()));
    items.push(pair("L ", tk.low.fmt_dp(pd), t.text()));
    items.push(pair(
        "Vol ",
        crate::ui::format::volume(tk.volume, qd),
        t.text(),
    ));
    items.push(pair(
        "QVol ",
        crate::ui::format::volume(tk.quote_volume, pd.min(2)),
        t.text(),
    ));
    items
}

/// Best bid/ask, spread, mid.
fn top_items<'a>(ui: &UiState, view: &View) -> Vec<Item<'a>> {
    let t = &ui.theme;
    let pd = view.price_decimals;
    let Some((bid, ask)) = view.best() else {
        return vec![vec![label(t, "no best bid/ask yet")]];
    };
    let pair = |l: &'static str, v: String, st: Style| vec![label(t, l), value(v, st)];
    vec![
        pair("Bid ", bid.fmt_dp(pd), t.up()),
        pair("Ask ", ask.fmt_dp(pd), t.down()),
        pair("Spread ", Fx(ask.0 - bid.0).fmt_dp(pd), t.text()),
        pair("Mid ", mid(bid, ask, pd), t.text()),
    ]
}

/// Packs items into a line, two spaces apart; returns what did not fit.
fn pack<'a>(items: Vec<Item<'a>>, width: usize, line: &mut Vec<Span<'a>>) -> Vec<Item<'a>> {
    let mut used = line.iter().map(|s| s.width()).sum::<usize>();
    let mut rest = Vec::new();
    for it in items {
        let gap = if line.is_empty() { 0 } else { 2 };
        let w = item_width(&it);
        if rest.is_empty() && used + gap + w <= width {
            if gap > 0 {
                line.push(Span::raw("  "));
            }
            used += gap + w;
            line.extend(it);
        } else {
            rest.push(it);
        }
    }
    rest
}

/// Two lines: statistics, then top of book; statistics that do not fit on
/// the first line move to the end of the second, and the rest is dropped
/// (narrow terminals lose the volumes first).
pub fn lines<'a>(ui: &UiState, view: &View, width: usize) -> Vec<Line<'a>> {
    let mut l1 = Vec::new();
    let overflow = pack(stats_items(ui, view), width, &mut l1);
    let mut l2 = Vec::new();
    let mut second = top_items(ui, view);
    second.extend(overflow);
    let mut rest = pack(second, width, &mut l2);
    // Keep trying the later (smaller) items once one did not fit.
    while !rest.is_empty() {
        rest.remove(0);
        rest = pack(rest, width, &mut l2);
    }
    vec![Line::from(l1), Line::from(l2)]
}

/// Bordered in the full layout; two bare lines in the compact one.
pub fn render(frame: &mut Frame, area: Rect, ui: &UiState, view: &View, bordered: bool) {
    let inner_w = if bordered {
        area.width.saturating_sub(2)
    } else {
        area.width
    } as usize;
    let p = Paragraph::new(lines(ui, view, inner_w));
    if bordered {
        frame.render_widget(
            p.block(plain_block(ui).border_style(ui.theme.border(false))),
            area,
        );
    } else {
        frame.render_widget(p, area);
    }
}
