//! The candlestick chart: a small widget drawing straight into the buffer,
//! one column per candle (newest at the right), body and wick in half-block
//! and box-drawing glyphs (or `#` and `|` in ASCII), a price axis on the
//! right, and volume bars underneath.
//!
//! Scaling uses integer arithmetic on the exact values, so axis labels are
//! exact prices at the symbol's decimals.
//!
//! Indicator lines (EMA, Bollinger Bands) are drawn over the candles in the
//! same price scale, and the scale takes in their visible values so a band
//! outside the candles' range is not cut off. The overlays are built in
//! [`super::chart_overlay`], the RSI/MACD pane under the chart in
//! [`super::chart_sub`].

use super::{chart_overlay, chart_sub, pane_block};
use crate::config::Glyphs;
use crate::domain::{Interval, Kline};
use crate::engine::View;
use crate::fixed::Fx;
use crate::text::sanitize;
use crate::ui::overlays::OverlayCache;
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

/// One indicator line over the candles, in their price scale.
#[derive(Clone, Copy, Debug)]
pub struct PriceLine<'a> {
    /// A value per candle of the view (same order as the candles); `None`
    /// while the indicator warms up, which draws nothing.
    pub values: &'a [Option<f64>],
    pub glyph: &'static str,
    pub style: Style,
}

/// The chart widget. Renders into whatever area it is given.
pub struct CandleChart<'a> {
    pub candles: &'a [Kline],
    /// Indicator lines drawn over the candles, in order (later on top).
    pub lines: &'a [PriceLine<'a>],
    pub price_decimals: u32,
    pub qty_decimals: u32,
    pub glyphs: Glyphs,
    pub theme: Theme,
}

/// An indicator value as a price, for the integer scale. `None` for values
/// no price can have (NaN, infinities).
fn fx_of(v: f64) -> Option<Fx> {
    v.is_finite()
        .then(|| Fx((v * crate::fixed::ONE as f64).round() as i64))
}

/// Highest and lowest price among the candles from `from` on and the
/// indicator values at the same candles.
fn range(candles: &[Kline], lines: &[PriceLine<'_>], from: usize) -> (Fx, Fx) {
    let candles = candles.get(from..).unwrap_or_default();
    let mut hl = candles
        .iter()
        .fold((Fx(i64::MIN), Fx(i64::MAX)), |(h, l), k| {
            (h.max(k.high), l.min(k.low))
        });
    for line in lines {
        let vals = line.values.get(from..).unwrap_or_default();
        for p in vals.iter().filter_map(|v| v.and_then(fx_of)) {
            hl = (hl.0.max(p), hl.1.min(p));
        }
    }
    hl
}

/// Where the candle columns go. The indicator pane under the chart uses
/// the same columns, so each value sits under its candle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Columns {
    /// Candles shown: the newest `n`, right-aligned in the plot.
    pub n: usize,
    /// Width of the plot, left of the price axis.
    pub plot_w: usize,
    /// Width of the axis (widest label plus a gap).
    pub axis_w: usize,
}

impl Columns {
    /// Lays out `candles` (and the price lines over them) in `width` cells
    /// with labels at `price_decimals`.
    pub fn new(
        candles: &[Kline],
        lines: &[PriceLine<'_>],
        width: u16,
        price_decimals: u32,
    ) -> Self {
        let (hi, lo) = range(candles, lines, 0);
        let label = |p: Fx| p.fmt_dp(price_decimals).len();
        let axis_w = label(hi).max(label(lo)) + 1;
        let plot_w = (width as usize).saturating_sub(axis_w);
        Columns {
            n: candles.len().min(plot_w),
            plot_w,
            axis_w,
        }
    }

    /// Column of the first candle shown.
    pub fn x0(&self, area: Rect) -> u16 {
        area.x + (self.plot_w - self.n) as u16
    }

    /// Column of the price axis labels.
    pub fn axis_x(&self, area: Rect) -> u16 {
        area.x + self.plot_w as u16 + 1
    }
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
        let cols = Columns::new(self.candles, self.lines, area.width, self.price_decimals);
        let n = cols.n;
        if n == 0 {
            return;
        }
        let first = self.candles.len() - n;
        let shown = &self.candles[first..];
        let (mut hi, mut lo) = range(self.candles, self.lines, first);
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
        let x0 = cols.x0(area);

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

        // Indicator lines over the candles; nothing while they warm up.
        for line in self.lines {
            let vals = line.values.get(first..).unwrap_or_default();
            for (i, p) in vals.iter().enumerate().take(n) {
                let Some(p) = p.and_then(fx_of) else { continue };
                let r = scale.row(p) / sub;
                if r < price_h {
                    let cell = &mut buf[(x0 + i as u16, top + r as u16)];
                    cell.reset();
                    cell.set_symbol(line.glyph).set_style(line.style);
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

/// Draws the chart pane. Takes the state mutably only for the overlay
/// cache, which is moved out for the draw so the rest of the state can be
/// read alongside it.
pub fn render(frame: &mut Frame, area: Rect, ui: &mut UiState, live: &View) {
    let mut cache = std::mem::take(&mut ui.overlay_cache);
    draw(frame, area, ui, live, &mut cache);
    ui.overlay_cache = cache;
}

fn draw(frame: &mut Frame, area: Rect, ui: &UiState, live: &View, cache: &mut OverlayCache) {
    let view = ui.frozen.view(Pane::Chart, live);
    let t = &ui.theme;
    let interval = view.interval.unwrap_or(Interval::M1);
    let mut block = pane_block(
        ui,
        Pane::Chart,
        vec![
            Span::styled(sanitize(&view.symbol), t.accent()),
            Span::styled(interval.as_str(), t.title()),
        ],
    );
    let inner = block.inner(area);
    if view.candles.is_empty() {
        frame.render_widget(block, area);
        let msg = Span::styled("no candles yet", t.dim());
        frame.render_widget(
            Paragraph::new(vec![Line::default(), Line::from(msg)]),
            inner,
        );
        return;
    }
    let settings = &ui.overlays;
    let series = cache.get(&view.candles, settings);
    let lines = chart_overlay::price_lines(settings, series, t, ui.glyphs);
    let (main, sub) = chart_sub::split(inner, settings.sub);
    let sub_title = chart_sub::title(settings, series, view.price_decimals);
    // A sub-pane without room keeps its latest values in the legend.
    let hidden_sub = sub_title.as_deref().filter(|_| sub.is_none());
    let legend = chart_overlay::legend(
        settings,
        series,
        hidden_sub,
        view.price_decimals,
        t,
        ui.glyphs,
        area.width.saturating_sub(4) as usize,
    );
    if let Some(l) = legend {
        block = block.title_bottom(l);
    }
    frame.render_widget(block, area);
    frame.render_widget(
        CandleChart {
            candles: &view.candles,
            lines: &lines,
            price_decimals: view.price_decimals,
            qty_decimals: view.qty_decimals,
            glyphs: ui.glyphs,
            theme: ui.theme,
        },
        main,
    );
    if let (Some(r), Some(title)) = (sub, sub_title) {
        frame.render_widget(
            chart_sub::SubChart {
                kind: settings.sub,
                series,
                title,
                cols: Columns::new(&view.candles, &lines, main.width, view.price_decimals),
                total: view.candles.len(),
                price_decimals: view.price_decimals,
                glyphs: ui.glyphs,
                theme: ui.theme,
            },
            r,
        );
    }
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
            lines: &[],
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
    fn the_scale_takes_in_visible_lines_but_not_warm_up() {
        let candles = [k("94", "100", "90", "98"), k("96", "97", "95", "95")];
        let values = [None, Some(120.0)];
        let lines = [PriceLine {
            values: &values,
            glyph: "~",
            style: Style::default(),
        }];
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 6));
        CandleChart {
            candles: &candles,
            lines: &lines,
            price_decimals: 0,
            qty_decimals: 0,
            glyphs: Glyphs::Ascii,
            theme: Theme::new(crate::ui::theme::ColorDepth::None),
        }
        .render(buf.area, &mut buf);
        let rows: Vec<String> = (0..6)
            .map(|y| (0..12).map(|x| buf[(x, y)].symbol()).collect())
            .collect();
        // The line's value is the top of the scale, drawn in the top row at
        // the second candle; nothing at the first (warming up).
        assert_eq!(rows[0], "       ~ 120", "{rows:?}");
        assert_eq!(rows.iter().filter(|r| r.contains('~')).count(), 1);
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
