//! The indicator pane under the candles: RSI with its 30/70 guides, or
//! MACD (line, signal and histogram around zero). It has a scale of its
//! own but the candles' columns, so each value sits under its candle. Its
//! top row is a rule titled with the latest values.

use super::chart::Columns;
use super::chart_overlay::fmt_value;
use crate::config::{Glyphs, SubPane};
use crate::ui::overlays::{last, OverlaySettings, Series};
use crate::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

/// Below this many rows inside the chart the sub-pane is not drawn: the
/// candles would be left too few rows to read.
pub const MIN_CHART_ROWS: u16 = 12;
/// Share of the chart's rows the sub-pane takes, in percent.
const SHARE_PCT: u16 = 30;
/// Fewest rows of a sub-pane: the title rule and three rows of plot (so
/// RSI's 70 and 30 guides get rows of their own).
const MIN_ROWS: u16 = 4;

/// The RSI guides.
const RSI_HIGH: f64 = 70.0;
const RSI_LOW: f64 = 30.0;

/// Splits the chart's inner area into the candles and, when a sub-pane
/// is on and there is room, the sub-pane under them.
pub fn split(inner: Rect, sub: SubPane) -> (Rect, Option<Rect>) {
    if sub == SubPane::Off || inner.height < MIN_CHART_ROWS {
        return (inner, None);
    }
    let h = ((inner.height * SHARE_PCT + 50) / 100).max(MIN_ROWS);
    let main = Rect {
        height: inner.height - h,
        ..inner
    };
    let rest = Rect {
        y: main.bottom(),
        height: h,
        ..inner
    };
    (main, Some(rest))
}

/// The sub-pane's title with the latest values, e.g. `RSI(14) 63.2` or
/// `MACD 12.34 sig 10.12 hist 2.22` (MACD is in price units, at the
/// symbol's decimals). `None` when the sub-pane is off.
pub fn title(s: &OverlaySettings, series: &Series, price_decimals: u32) -> Option<String> {
    match s.sub {
        SubPane::Off => None,
        SubPane::Rsi => Some(format!(
            "RSI({}) {}",
            s.rsi_period,
            fmt_value(last(&series.rsi), 1)
        )),
        SubPane::Macd => {
            let v = |x: &[Option<f64>]| fmt_value(last(x), price_decimals);
            Some(format!(
                "MACD {} sig {} hist {}",
                v(&series.macd),
                v(&series.macd_signal),
                v(&series.macd_hist)
            ))
        }
    }
}

/// Glyphs: (box, ascii).
const GUIDE: (&str, &str) = ("┈", ".");
const MAIN_LINE: (&str, &str) = ("─", "-");
const SIGNAL_LINE: (&str, &str) = ("┄", ":");

/// Rows of a value range, top row the highest: row `r` of `rows` holds the
/// values in its `1/rows` band, so a guide lands in a row of its own even
/// when there are only three rows.
#[derive(Clone, Copy)]
struct Bands {
    hi: f64,
    lo: f64,
    rows: usize,
}

impl Bands {
    fn row(&self, v: f64) -> usize {
        let span = self.hi - self.lo;
        let r = ((self.hi - v) / span * self.rows as f64).floor();
        (r.max(0.0) as usize).min(self.rows - 1)
    }
}

/// The sub-pane widget.
pub struct SubChart<'a> {
    pub kind: SubPane,
    pub series: &'a Series,
    pub title: String,
    /// The candles' columns.
    pub cols: Columns,
    /// Candles in the view (the series are as long).
    pub total: usize,
    pub price_decimals: u32,
    pub glyphs: Glyphs,
    pub theme: Theme,
}

impl SubChart<'_> {
    fn g(&self, g: (&'static str, &'static str)) -> &'static str {
        match self.glyphs {
            Glyphs::Box => g.0,
            Glyphs::Ascii => g.1,
        }
    }

    /// The values of `s` at the candles shown.
    fn shown<'s>(&self, s: &'s [Option<f64>]) -> &'s [Option<f64>] {
        let first = self.total.saturating_sub(self.cols.n);
        s.get(first..).unwrap_or_default()
    }

    fn put(buf: &mut Buffer, x: u16, y: u16, g: &str, st: Style) {
        let cell = &mut buf[(x, y)];
        cell.reset();
        cell.set_symbol(g).set_style(st);
    }

    /// A line of `values`, one cell per candle.
    fn line(
        &self,
        buf: &mut Buffer,
        plot: Rect,
        b: Bands,
        values: &[Option<f64>],
        g: &str,
        st: Style,
    ) {
        for (i, v) in self.shown(values).iter().enumerate() {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                Self::put(buf, plot.x + i as u16, plot.y + b.row(v) as u16, g, st);
            }
        }
    }

    /// A dim guide across the plot at `v`, labelled on the axis.
    fn guide(&self, buf: &mut Buffer, plot: Rect, b: Bands, v: f64, label: &str, ax: (u16, usize)) {
        let y = plot.y + b.row(v) as u16;
        let dim = self.theme.dim();
        for x in plot.x..plot.right() {
            Self::put(buf, x, y, self.g(GUIDE), dim);
        }
        buf.set_stringn(ax.0, y, label, ax.1, dim);
    }

    fn rsi(&self, buf: &mut Buffer, plot: Rect, ax: (u16, usize)) {
        let b = Bands {
            hi: 100.0,
            lo: 0.0,
            rows: plot.height as usize,
        };
        self.guide(buf, plot, b, RSI_HIGH, "70", ax);
        self.guide(buf, plot, b, RSI_LOW, "30", ax);
        let st = self.theme.overlay(2);
        self.line(buf, plot, b, &self.series.rsi, self.g(MAIN_LINE), st);
    }

    fn macd(&self, buf: &mut Buffer, plot: Rect, ax: (u16, usize)) {
        let s = self.series;
        let (hi, lo) = [&s.macd, &s.macd_signal, &s.macd_hist]
            .iter()
            .flat_map(|v| self.shown(v).iter().flatten())
            .filter(|v| v.is_finite())
            .fold((0.0f64, 0.0f64), |(h, l), v| (h.max(*v), l.min(*v)));
        let (hi, lo) = if hi > lo { (hi, lo) } else { (1.0, -1.0) };
        let rows = plot.height as usize;
        let b = Bands { hi, lo, rows };
        self.guide(buf, plot, b, 0.0, "0", ax);
        let dp = self.price_decimals;
        let dim = self.theme.dim();
        if b.row(0.0) != 0 {
            buf.set_stringn(ax.0, plot.y, fmt_value(Some(hi), dp), ax.1, dim);
        }
        if b.row(0.0) != rows - 1 {
            let y = plot.bottom() - 1;
            buf.set_stringn(ax.0, y, fmt_value(Some(lo), dp), ax.1, dim);
        }
        // Histogram from zero, in half cells where the glyphs allow.
        let halves = self.glyphs == Glyphs::Box;
        let sub = if halves { 2 } else { 1 };
        let hb = Bands {
            rows: rows * sub,
            ..b
        };
        let z = hb.row(0.0);
        for (i, h) in self.shown(&s.macd_hist).iter().enumerate() {
            let Some(h) = h.filter(|h| h.is_finite() && *h != 0.0) else {
                continue;
            };
            let v = hb.row(h);
            let (a, e) = (v.min(z), v.max(z));
            let st = if h > 0.0 {
                self.theme.up()
            } else {
                self.theme.down_candle()
            };
            for r in (a / sub)..=(e / sub) {
                let filled = |k: usize| (a..=e).contains(&k);
                let g = if !halves {
                    "#"
                } else {
                    match (filled(2 * r), filled(2 * r + 1)) {
                        (true, true) => "█",
                        (true, false) => "▀",
                        _ => "▄",
                    }
                };
                Self::put(buf, plot.x + i as u16, plot.y + r as u16, g, st);
            }
        }
        let main = self.g(MAIN_LINE);
        self.line(buf, plot, b, &s.macd, main, self.theme.overlay(2));
        let signal = self.g(SIGNAL_LINE);
        self.line(buf, plot, b, &s.macd_signal, signal, self.theme.overlay(0));
    }
}

impl Widget for SubChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 10 || area.height < 2 || self.cols.n == 0 {
            return;
        }
        // Title rule.
        let rule = self.g(MAIN_LINE);
        let dim = self.theme.dim();
        for x in area.x..area.right() {
            buf[(x, area.y)].set_symbol(rule).set_style(dim);
        }
        let title = format!(" {} ", self.title);
        buf.set_stringn(
            area.x + 1,
            area.y,
            title,
            area.width as usize - 2,
            self.theme.title(),
        );
        let x0 = self.cols.x0(area);
        let plot = Rect::new(x0, area.y + 1, self.cols.n as u16, area.height - 1);
        let ax = self.cols.axis_x(area);
        let aw = (area.right() - ax.min(area.right())) as usize;
        match self.kind {
            SubPane::Off => {}
            SubPane::Rsi => self.rsi(buf, plot, (ax, aw)),
            SubPane::Macd => self.macd(buf, plot, (ax, aw)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_takes_about_30_percent_and_needs_12_rows() {
        let r = |h| Rect::new(0, 0, 60, h);
        assert_eq!(
            split(r(30), SubPane::Rsi),
            (r(21), Some(Rect::new(0, 21, 60, 9)))
        );
        assert_eq!(split(r(12), SubPane::Macd).1.unwrap().height, 4);
        assert_eq!(split(r(11), SubPane::Rsi), (r(11), None));
        assert_eq!(split(r(40), SubPane::Off), (r(40), None));
    }

    #[test]
    fn chart_and_sub_pane_draw_inside_any_area() {
        use super::super::chart::{CandleChart, PriceLine};
        use crate::domain::Kline;
        use crate::fixed::Fx;
        use crate::ui::overlays::Series;
        use crate::ui::theme::{ColorDepth, Theme};
        let k = |i: i64, c: i64| Kline {
            open_time: i,
            close_time: i,
            open: Fx(c),
            high: Fx(c + 5),
            low: Fx(c - 5),
            close: Fx(c + 1),
            volume: rust_decimal::Decimal::ONE,
            quote_volume: rust_decimal::Decimal::ONE,
            trades: 1,
            closed: true,
        };
        let candles: Vec<Kline> = (0..30).map(|i| k(i, 1000 + (i % 5) * 3)).collect();
        let v: Vec<Option<f64>> = (0..30)
            .map(|i| (i > 3).then_some(1e-5 * i as f64))
            .collect();
        let series = Series {
            rsi: v.iter().map(|x| x.map(|x| x * 1e7)).collect(),
            macd: v.iter().map(|x| x.map(|x| x - 1e-4)).collect(),
            macd_signal: v.clone(),
            macd_hist: v.iter().map(|x| x.map(|x| 2e-4 - x)).collect(),
            ..Series::default()
        };
        let theme = Theme::new(ColorDepth::Ansi256);
        let lines = [PriceLine {
            values: &v,
            glyph: "─",
            style: theme.overlay(0),
        }];
        for glyphs in [Glyphs::Box, Glyphs::Ascii] {
            for w in 0..40u16 {
                for h in 0..20u16 {
                    let area = Rect::new(3, 2, w, h);
                    let mut buf = Buffer::empty(Rect::new(0, 0, 45, 24));
                    let (main, sub) = split(area, SubPane::Macd);
                    CandleChart {
                        candles: &candles,
                        lines: &lines,
                        price_decimals: 8,
                        qty_decimals: 0,
                        glyphs,
                        theme,
                    }
                    .render(main, &mut buf);
                    for kind in [SubPane::Rsi, SubPane::Macd] {
                        let cols = Columns::new(&candles, &lines, main.width, 8);
                        SubChart {
                            kind,
                            series: &series,
                            title: "T".into(),
                            cols,
                            total: candles.len(),
                            price_decimals: 8,
                            glyphs,
                            theme,
                        }
                        .render(sub.unwrap_or(main), &mut buf);
                    }
                    // Nothing outside the area.
                    for y in 0..24 {
                        for x in 0..45 {
                            if !area.contains((x, y).into()) {
                                assert_eq!(buf[(x, y)].symbol(), " ", "{w}x{h} at {x},{y}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rsi_guides_get_rows_of_their_own_at_three_rows() {
        let b = Bands {
            hi: 100.0,
            lo: 0.0,
            rows: 3,
        };
        assert_eq!((b.row(70.0), b.row(50.0), b.row(30.0)), (0, 1, 2));
        assert_eq!((b.row(100.0), b.row(0.0)), (0, 2));
    }
}
