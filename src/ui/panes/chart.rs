//! The candlestick chart: a small widget drawing straight into the buffer,
//! one column per candle (newest at the right), body and wick in half-block
//! and box-drawing glyphs (or `#` and `|` in ASCII), a price axis on the
//! right, and volume bars underneath.
//!
//! Scaling uses integer arithmetic on the exact values, so axis labels are
//! exact prices at the symbol's decimals.

use super::pane_block;
use crate::config::Glyphs;
use crate::domain::{Interval, Kline};
use crate::engine::View;
use crate::fixed::Fx;
use crate::text::sanitize;
use crate::ui::state::{Pane, UiState};
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use ratatui::Frame;
use rust_decimal::prelude::ToPrimitive;

/// What a half (box) or whole (ASCII) cell of a candle column shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Empty,
    Wick,
    Body,
}

/// Glyph for a cell from its upper and lower half.
fn cell_glyph(top: Part, bottom: Part) -> &'static str {
    use Part::*;
    match (top, bottom) {
        (Body, Body) => "█",
        (Body, _) => "▀",
        (_, Body) => "▄",
        (Wick, Wick) => "│",
        (Wick, Empty) => "╵",
        (Empty, Wick) => "╷",
        (Empty, Empty) => " ",
    }
}

/// The chart widget. Renders into whatever area it is given.
pub struct CandleChart<'a> {
    pub candles: &'a [Kline],
    pub price_decimals: u32,
    pub qty_decimals: u32,
    pub glyphs: Glyphs,
    pub theme: Theme,
}

/// Maps prices to rows of `res` sub-rows from the top, exactly.
struct Scale {
    hi: i128,
    lo: i128,
    res: i128,
}

impl Scale {
    fn row(&self, p: Fx) -> usize {
        let span = (self.hi - self.lo).max(1);
        let v = (self.hi - p.0 as i128).clamp(0, span);
        // Round to nearest sub-row.
        ((v * (self.res - 1) * 2 + span) / (span * 2)) as usize
    }

    /// Price labelling cell row `r` of `rows`: the top row is the high,
    /// the bottom row the low.
    fn price_at(&self, r: usize, rows: usize) -> Fx {
        let span = self.hi - self.lo;
        let d = (rows as i128 - 1).max(1);
        Fx((self.hi - span * r as i128 / d) as i64)
    }
}

impl CandleChart<'_> {
    fn style(&self, k: &Kline) -> Style {
        if k.close >= k.open {
            self.theme.up()
        } else {
            self.theme.down_candle()
        }
    }

    fn label(&self, p: Fx) -> String {
        p.fmt_dp(self.price_decimals)
    }
}

impl Widget for CandleChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 10 || area.height < 4 || self.candles.is_empty() {
            return;
        }
        let h = area.height as usize;
        let info_h = usize::from(h >= 10);
        let vol_h = match h {
            0..=7 => 0,
            8..=14 => 2,
            _ => (h / 5).min(6),
        };
        let price_h = h - info_h - vol_h;
        // Axis width from the widest label the data can produce.
        let (hi, lo) = self
            .candles
            .iter()
            .fold((Fx(i64::MIN), Fx(i64::MAX)), |(h, l), k| {
                (h.max(k.high), l.min(k.low))
            });
        let axis_w = self.label(hi).len().max(self.label(lo).len()) + 1;
        let plot_w = (area.width as usize).saturating_sub(axis_w);
        let n = self.candles.len().min(plot_w);
        let shown = &self.candles[self.candles.len() - n..];
        let (mut hi, mut lo) = shown
            .iter()
            .fold((Fx(i64::MIN), Fx(i64::MAX)), |(h, l), k| {
                (h.max(k.high), l.min(k.low))
            });
        if hi == lo {
            // A flat market: one tick either side puts it mid-chart.
            let tick = 10i64.pow(8 - self.price_decimals.min(8));
            (hi, lo) = (Fx(hi.0.saturating_add(tick)), Fx(lo.0.saturating_sub(tick)));
        }
        let halves = self.glyphs == Glyphs::Box;
        let sub = if halves { 2 } else { 1 };
        let scale = Scale {
            hi: hi.0 as i128,
            lo: lo.0 as i128,
            res: (price_h * sub) as i128,
        };
        let top = area.y + info_h as u16;
        let x0 = area.x + (plot_w - n) as u16;

        if info_h == 1 {
            let last = &shown[n - 1];
            let st = self.style(last);
            let t = &self.theme;
            let pd = self.price_decimals;
            let mut spans = Vec::new();
            for (l, v) in [
                ("O ", last.open),
                ("H ", last.high),
                ("L ", last.low),
                ("C ", last.close),
            ] {
                spans.push(Span::styled(l, t.dim()));
                spans.push(Span::styled(format!("{}  ", v.fmt_dp(pd)), st));
            }
            spans.push(Span::styled("V ", t.dim()));
            spans.push(Span::styled(
                crate::ui::format::volume(last.volume, self.qty_decimals),
                t.text(),
            ));
            buf.set_line(area.x, area.y, &Line::from(spans), area.width);
        }

        for (i, k) in shown.iter().enumerate() {
            let x = x0 + i as u16;
            let st = self.style(k);
            let (wt, wb) = (scale.row(k.high), scale.row(k.low));
            let (bt, bb) = (
                scale.row(k.open.max(k.close)),
                scale.row(k.open.min(k.close)),
            );
            let part = |s: usize| {
                if (bt..=bb).contains(&s) {
                    Part::Body
                } else if (wt..=wb).contains(&s) {
                    Part::Wick
                } else {
                    Part::Empty
                }
            };
            for r in 0..price_h {
                let g = if halves {
                    cell_glyph(part(2 * r), part(2 * r + 1))
                } else {
                    match part(r) {
                        Part::Body => "#",
                        Part::Wick => "|",
                        Part::Empty => " ",
                    }
                };
                if g != " " {
                    buf[(x, top + r as u16)].set_symbol(g).set_style(st);
                }
            }
        }

        // Price axis: a few evenly spaced labels plus the last close, marked.
        let ax = x0 + n as u16 + 1;
        let aw = (area.right() - ax.min(area.right())) as usize;
        let labels = (price_h / 4).clamp(2, 6);
        let last = shown[n - 1].close;
        let last_row = scale.row(last) / sub;
        for j in 0..labels {
            let r = j * (price_h - 1) / (labels - 1);
            if r == last_row {
                continue;
            }
            let l = self.label(scale.price_at(r, price_h));
            buf.set_stringn(ax, top + r as u16, &l, aw, self.theme.dim());
        }
        let mark = self.style(&shown[n - 1]).add_modifier(Modifier::REVERSED);
        buf.set_stringn(ax, top + last_row as u16, self.label(last), aw, mark);

        if vol_h > 0 {
            let vtop = top + price_h as u16;
            let vmax = shown.iter().map(|k| k.volume).max().unwrap_or_default();
            let res = rust_decimal::Decimal::from((vol_h * sub) as u64);
            for (i, k) in shown.iter().enumerate() {
                if vmax <= rust_decimal::Decimal::ZERO || k.volume <= rust_decimal::Decimal::ZERO {
                    continue;
                }
                let units = (k.volume * res / vmax)
                    .floor()
                    .to_usize()
                    .unwrap_or(0)
                    .max(1);
                let st = self.style(k);
                for u in 0..vol_h {
                    // Cell u counted from the bottom holds sub-rows [u*sub, (u+1)*sub).
                    let filled = units.saturating_sub(u * sub).min(sub);
                    let g = match (filled, halves) {
                        (0, _) => continue,
                        (1, true) => "▄",
                        (_, true) => "█",
                        (_, false) => "#",
                    };
                    let y = vtop + (vol_h - 1 - u) as u16;
                    buf[(x0 + i as u16, y)].set_symbol(g).set_style(st);
                }
            }
            let vl = format!(
                "V {}",
                crate::ui::format::volume(vmax, self.qty_decimals.min(2))
            );
            buf.set_stringn(ax, vtop, vl, aw, self.theme.dim());
        }
    }
}

pub fn render(frame: &mut Frame, area: Rect, ui: &UiState, live: &View) {
    let view = ui.frozen.view(Pane::Chart, live);
    let t = &ui.theme;
    let interval = view.interval.unwrap_or(Interval::M1);
    let block = pane_block(
        ui,
        Pane::Chart,
        vec![
            Span::styled(sanitize(&view.symbol), t.accent()),
            Span::styled(interval.as_str(), t.title()),
        ],
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if view.candles.is_empty() {
        let msg = Span::styled("no candles yet", t.dim());
        frame.render_widget(
            Paragraph::new(vec![Line::default(), Line::from(msg)]),
            inner,
        );
        return;
    }
    frame.render_widget(
        CandleChart {
            candles: &view.candles,
            price_decimals: view.price_decimals,
            qty_decimals: view.qty_decimals,
            glyphs: ui.glyphs,
            theme: ui.theme,
        },
        inner,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(o: &str, h: &str, l: &str, c: &str) -> Kline {
        let f = |s: &str| Fx::parse(s).unwrap();
        Kline {
            open_time: 0,
            close_time: 0,
            open: f(o),
            high: f(h),
            low: f(l),
            close: f(c),
            volume: rust_decimal::Decimal::ONE,
            quote_volume: rust_decimal::Decimal::ONE,
            trades: 1,
            closed: true,
        }
    }

    fn render(candles: &[Kline], glyphs: Glyphs, w: u16, h: u16) -> Vec<String> {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        CandleChart {
            candles,
            price_decimals: 0,
            qty_decimals: 0,
            glyphs,
            theme: Theme::new(crate::ui::theme::ColorDepth::None),
        }
        .render(buf.area, &mut buf);
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect()
    }

    #[test]
    fn ascii_candle_has_wick_and_body_in_the_right_rows() {
        // One candle spanning the whole range: wick 100..90, body 98..94.
        let rows = render(&[k("94", "100", "90", "98")], Glyphs::Ascii, 10, 6);
        // Axis "100 " is 4 wide, so the only candle sits in column 5.
        let col: String = rows.iter().map(|r| r.chars().nth(5).unwrap()).collect();
        assert_eq!(col, "|###||");
        assert!(rows[5].contains("90"), "{rows:?}");
        assert!(rows[0].contains("100"), "{rows:?}");
    }

    #[test]
    fn a_flat_market_is_drawn_mid_chart() {
        let rows = render(&[k("100", "100", "100", "100")], Glyphs::Ascii, 10, 5);
        let col: String = rows.iter().map(|r| r.chars().nth(5).unwrap()).collect();
        assert_eq!(col, "  #  ", "{rows:?}");
    }

    #[test]
    fn box_glyphs_use_half_blocks() {
        let rows = render(
            &[k("94", "100", "90", "98"), k("96", "97", "95", "95")],
            Glyphs::Box,
            10,
            6,
        );
        let col: String = rows.iter().map(|r| r.chars().nth(4).unwrap()).collect();
        assert!(col.contains('█') && col.contains('│'), "{col:?}");
    }
}
