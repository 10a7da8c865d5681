//! The indicator lines over the candles (EMA fast and slow, Bollinger
//! upper, middle and lower) and the legend on the chart's bottom border.
//!
//! Each line has a glyph of its own as well as a colour, and the legend
//! shows the glyph next to the name, so the lines can be told apart without
//! colour (NO_COLOR) and in ASCII.

use super::chart::PriceLine;
use crate::config::Glyphs;
use crate::ui::overlays::{last, OverlaySettings, Series};
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};

/// Glyphs of the price lines: (box, ascii).
const EMA_FAST: (&str, &str) = ("─", "-");
const EMA_SLOW: (&str, &str) = ("═", "=");
const BB_BAND: (&str, &str) = ("┈", ".");
const BB_MID: (&str, &str) = ("┄", ":");

fn glyph(g: (&'static str, &'static str), glyphs: Glyphs) -> &'static str {
    match glyphs {
        Glyphs::Box => g.0,
        Glyphs::Ascii => g.1,
    }
}

/// The lines to draw over the candles for the overlays that are on.
/// Bollinger goes first so the EMAs, drawn later, stay on top.
pub fn price_lines<'a>(
    s: &OverlaySettings,
    series: &'a Series,
    theme: &Theme,
    glyphs: Glyphs,
) -> Vec<PriceLine<'a>> {
    let mut out = Vec::new();
    let line = |values: &'a [Option<f64>], g, slot| PriceLine {
        values,
        glyph: glyph(g, glyphs),
        style: theme.overlay(slot),
    };
    if s.bb {
        out.push(line(&series.bb_upper, BB_BAND, 2));
        out.push(line(&series.bb_lower, BB_BAND, 2));
        out.push(line(&series.bb_mid, BB_MID, 2));
    }
    if s.ema {
        out.push(line(&series.ema_slow, EMA_SLOW, 1));
        out.push(line(&series.ema_fast, EMA_FAST, 0));
    }
    out
}

/// An indicator value at `dp` decimals; `--` while warming up. Never
/// `-0.00`: a value that rounds to zero is shown unsigned.
pub fn fmt_value(v: Option<f64>, dp: u32) -> String {
    match v {
        Some(v) if v.is_finite() => {
            let s = format!("{:.*}", dp as usize, v);
            match s.strip_prefix('-') {
                Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
                _ => s,
            }
        }
        _ => "--".into(),
    }
}

/// One entry of the legend: `glyph` + `name`, then the latest value(s).
struct Item {
    glyph: &'static str,
    name: String,
    value: String,
    slot: Option<usize>,
}

/// The legend for the chart's bottom border: which overlays are on and
/// their latest values, plus the values of a sub-pane that had no room
/// (`hidden_sub`). Fits in `width` cells: values are dropped first (from
/// the last entry back), then trailing entries. `None` when nothing is on or nothing fits.
pub fn legend(
    s: &OverlaySettings,
    series: &Series,
    hidden_sub: Option<&str>,
    dp: u32,
    theme: &Theme,
    glyphs: Glyphs,
    width: usize,
) -> Option<Line<'static>> {
    let mut items = Vec::new();
    if s.ema {
        items.push(Item {
            glyph: glyph(EMA_FAST, glyphs),
            name: format!("EMA{}", s.ema_fast),
            value: fmt_value(last(&series.ema_fast), dp),
            slot: Some(0),
        });
        items.push(Item {
            glyph: glyph(EMA_SLOW, glyphs),
            name: format!("EMA{}", s.ema_slow),
            value: fmt_value(last(&series.ema_slow), dp),
            slot: Some(1),
        });
    }
    if s.bb {
        let band = |v: &[Option<f64>]| fmt_value(last(v), dp);
        items.push(Item {
            glyph: glyph(BB_BAND, glyphs),
            name: format!("BB({},{})", s.bb_period, s.bb_stddev),
            value: format!(
                "{}/{}/{}",
                band(&series.bb_upper),
                band(&series.bb_mid),
                band(&series.bb_lower)
            ),
            slot: Some(2),
        });
    }
    if let Some(t) = hidden_sub {
        // Already "NAME value ..."; shown whole or not at all.
        items.push(Item {
            glyph: "",
            name: t.to_string(),
            value: String::new(),
            slot: None,
        });
    }
    let full = |it: &Item| {
        if it.value.is_empty() {
            format!("{}{}", it.glyph, it.name)
        } else {
            format!("{}{} {}", it.glyph, it.name, it.value)
        }
    };
    let short = |it: &Item| format!("{}{}", it.glyph, it.name);
    let width_of =
        |texts: &[String]| texts.iter().map(|t| t.chars().count() + 1).sum::<usize>() + 1;
    // Values for as many leading entries as fit, names only for the rest;
    // then entries dropped from the end.
    let with_values = |k: usize| -> Vec<String> {
        let (a, b) = items.split_at(k);
        a.iter().map(full).chain(b.iter().map(short)).collect()
    };
    let mut texts = (0..=items.len())
        .rev()
        .map(with_values)
        .find(|t| width_of(t) <= width)
        .unwrap_or_else(|| with_values(0));
    while !texts.is_empty() && width_of(&texts) > width {
        texts.pop();
    }
    if texts.is_empty() {
        return None;
    }
    let mut spans = vec![Span::raw(" ")];
    for (it, text) in items.iter().zip(texts) {
        let style = it.slot.map_or_else(|| theme.text(), |s| theme.overlay(s));
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    Some(Line::from(spans))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SubPane;
    use crate::ui::theme::ColorDepth;

    fn settings() -> OverlaySettings {
        OverlaySettings {
            ema: true,
            bb: true,
            sub: SubPane::Off,
            ema_fast: 20,
            ema_slow: 50,
            bb_period: 20,
            bb_stddev: 2.0,
            rsi_period: 14,
        }
    }

    fn series() -> Series {
        Series {
            ema_fast: vec![None, Some(101.234)],
            ema_slow: vec![None, None],
            bb_upper: vec![None, Some(110.0)],
            bb_mid: vec![None, Some(100.0)],
            bb_lower: vec![None, Some(90.0)],
            ..Series::default()
        }
    }

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn values_round_without_negative_zero() {
        assert_eq!(fmt_value(Some(-0.001), 2), "0.00");
        assert_eq!(fmt_value(Some(-0.006), 2), "-0.01");
        assert_eq!(fmt_value(Some(63.25), 1), "63.2");
        assert_eq!(fmt_value(None, 2), "--");
        assert_eq!(fmt_value(Some(f64::NAN), 2), "--");
    }

    #[test]
    fn legend_shows_values_then_drops_them_then_entries() {
        let t = Theme::new(ColorDepth::None);
        let (s, se) = (settings(), series());
        let l = legend(&s, &se, None, 2, &t, Glyphs::Box, 200).unwrap();
        assert_eq!(
            text(&l),
            " ─EMA20 101.23 ═EMA50 -- ┈BB(20,2) 110.00/100.00/90.00 "
        );
        let l = legend(&s, &se, None, 2, &t, Glyphs::Box, 40).unwrap();
        assert_eq!(text(&l), " ─EMA20 101.23 ═EMA50 -- ┈BB(20,2) ");
        let l = legend(&s, &se, Some("RSI(14) 55.0"), 2, &t, Glyphs::Ascii, 40).unwrap();
        assert_eq!(text(&l), " -EMA20 =EMA50 .BB(20,2) RSI(14) 55.0 ");
        let l = legend(&s, &se, None, 2, &t, Glyphs::Box, 16).unwrap();
        assert_eq!(text(&l), " ─EMA20 ═EMA50 ");
        assert!(legend(&s, &se, None, 2, &t, Glyphs::Box, 5).is_none());
        let off = OverlaySettings {
            ema: false,
            bb: false,
            ..s
        };
        assert!(legend(&off, &se, None, 2, &t, Glyphs::Box, 200).is_none());
    }
}
