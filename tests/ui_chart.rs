//! Chart overlays on the realistic fixture: EMA and Bollinger lines over
//! the candles, the RSI and MACD sub-pane, the keys that toggle them, the
//! legend, and graceful degradation down to the smallest sizes.

mod ui_fixture;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tradeterm::config::{Glyphs, SubPane};
use tradeterm::indicators::{Ema, Macd, Rsi};
use tradeterm::ui::{handle_key, layout, Pane, UiState};
use ui_fixture::*;

/// The chart pane's rectangle for this UI state and size.
fn chart_rect(u: &UiState, w: u16, h: u16) -> Rect {
    layout::compute(Rect::new(0, 0, w, h), u, false)
        .and_then(|a| a.panes.into_iter().find(|p| p.0 == Pane::Chart))
        .map(|p| p.1)
        .expect("the chart is on screen")
}

/// Text of `r` in `buf`, one line per row.
fn region(buf: &Buffer, r: Rect) -> Vec<String> {
    (r.top()..r.bottom())
        .map(|y| {
            (r.left()..r.right())
                .map(|x| buf[(x, y)].symbol())
                .collect()
        })
        .collect()
}

/// The chart pane (border included) as text, and its inner rows.
fn chart(u: &mut UiState, w: u16, h: u16) -> (String, Vec<String>) {
    let (v, l) = (view(), logs());
    let buf = render(u, &v, &l, w, h);
    let r = chart_rect(u, w, h);
    let inner = Rect::new(r.x + 1, r.y + 1, r.width - 2, r.height - 2);
    (region(&buf, r).join("\n"), region(&buf, inner))
}

fn closes() -> Vec<f64> {
    view().candles.iter().map(|k| k.close.to_f64()).collect()
}

fn last_ema(n: usize) -> f64 {
    let mut e = Ema::new(n);
    closes()
        .into_iter()
        .filter_map(|c| e.update(c))
        .last()
        .unwrap()
}

fn has(rows: &[String], glyph: char) -> bool {
    rows.iter().any(|r| r.contains(glyph))
}

/// Columns (inside the chart) where `glyph` appears.
fn columns_with(rows: &[String], glyph: char) -> Vec<usize> {
    let mut cols: Vec<usize> = rows
        .iter()
        .flat_map(|r| {
            r.chars()
                .enumerate()
                .filter(move |(_, c)| *c == glyph)
                .map(|(i, _)| i)
        })
        .collect();
    cols.sort_unstable();
    cols.dedup();
    cols
}

#[test]
fn ema_and_bollinger_lines_are_drawn_over_the_candles() {
    let mut u = ui();
    u.overlays.bb = true;
    let (pane, inner) = chart(&mut u, 140, 45);
    for g in ['─', '═', '┈', '┄'] {
        assert!(has(&inner, g), "no {g} in\n{pane}");
    }
    let legend = format!(
        "─EMA20 {:.2} ═EMA50 {:.2} ┈BB(20,2)",
        last_ema(20),
        last_ema(50)
    );
    assert!(pane.contains(&legend), "{legend:?} not in\n{pane}");
    insta::assert_snapshot!("chart_ema_bb_140x45", pane);
}

#[test]
fn the_default_is_ema_only_and_keys_toggle_each_overlay() {
    let v = view();
    let mut u = ui();
    assert!(u.overlays.ema && !u.overlays.bb && u.overlays.sub == SubPane::Off);
    let (_, inner) = chart(&mut u, 140, 45);
    assert!(has(&inner, '─') && has(&inner, '═') && !has(&inner, '┈'));
    handle_key(&mut u, ch('E'), &v);
    let (pane, inner) = chart(&mut u, 140, 45);
    assert!(!has(&inner, '─') && !has(&inner, '═'), "\n{pane}");
    assert!(!pane.contains("EMA"), "no legend without overlays\n{pane}");
    handle_key(&mut u, ch('B'), &v);
    let (pane, inner) = chart(&mut u, 140, 45);
    assert!(has(&inner, '┈') && has(&inner, '┄') && !has(&inner, '═'));
    assert!(pane.contains("┈BB(20,2) "), "\n{pane}");
    handle_key(&mut u, ch('B'), &v);
    handle_key(&mut u, ch('E'), &v);
    let (_, inner) = chart(&mut u, 140, 45);
    assert!(has(&inner, '═') && !has(&inner, '┈'));
}

#[test]
fn nothing_is_drawn_during_the_warm_up() {
    // Maximised, all 60 candles fit: the first shown is candle 0.
    let mut u = ui();
    u.overlays.bb = true;
    u.focus = Pane::Chart;
    u.maximised = true;
    u.glyphs = Glyphs::Ascii;
    let (pane, inner) = chart(&mut u, 140, 45);
    // Without the O/H/L/C line and the price axis (labels have dots).
    let inner: Vec<String> = inner[1..]
        .iter()
        .map(|r| r.chars().take(r.chars().count() - 10).collect())
        .collect();
    let slow = columns_with(&inner, '=');
    let fast = columns_with(&inner, '-');
    let band = columns_with(&inner, '.');
    let x0 = *fast.first().unwrap() - 19;
    assert_eq!(
        slow.first(),
        Some(&(x0 + 49)),
        "EMA50 from candle 49\n{pane}"
    );
    assert_eq!(
        band.first(),
        Some(&(x0 + 19)),
        "BB20 from candle 19\n{pane}"
    );
    assert!(slow.iter().chain(&fast).chain(&band).all(|c| *c < x0 + 60));
}

#[test]
fn the_rsi_pane_shows_guides_and_the_latest_value() {
    let v = view();
    let mut u = ui();
    handle_key(&mut u, ch('I'), &v);
    assert_eq!(u.overlays.sub, SubPane::Rsi);
    let mut r = Rsi::new(14);
    let rsi = closes()
        .into_iter()
        .filter_map(|c| r.update(c))
        .last()
        .unwrap();
    let title = format!("─ RSI(14) {rsi:.1} ─");
    let (pane, inner) = chart(&mut u, 140, 45);
    assert!(pane.contains(&title), "{title:?} not in\n{pane}");
    let guides: Vec<&String> = inner.iter().filter(|l| l.contains("┈┈┈")).collect();
    assert_eq!(guides.len(), 2, "\n{pane}");
    assert!(guides[0].trim_end().ends_with("70") && guides[1].trim_end().ends_with("30"));
    // About 30% of the 30 inner rows: a title rule and 8 rows of plot.
    let rule = inner.iter().position(|l| l.contains("RSI(14)")).unwrap();
    assert_eq!(inner.len() - rule, 9);
    insta::assert_snapshot!("chart_rsi_140x45", pane);
}

#[test]
fn the_macd_pane_shows_line_signal_histogram_and_the_latest_values() {
    let v = view();
    let mut u = ui();
    handle_key(&mut u, ch('I'), &v);
    handle_key(&mut u, ch('I'), &v);
    assert_eq!(u.overlays.sub, SubPane::Macd);
    let mut m = Macd::new(12, 26, 9);
    let last = closes()
        .into_iter()
        .filter_map(|c| m.update(c))
        .last()
        .unwrap();
    let title = format!(
        "─ MACD {:.2} sig {:.2} hist {:.2} ─",
        last.macd, last.signal, last.hist
    );
    let (pane, inner) = chart(&mut u, 140, 45);
    assert!(pane.contains(&title), "{title:?} not in\n{pane}");
    let rule = inner.iter().position(|l| l.contains("MACD")).unwrap();
    let sub = &inner[rule + 1..];
    assert!(
        has(sub, '█') || has(sub, '▀') || has(sub, '▄'),
        "histogram\n{pane}"
    );
    assert!(
        has(sub, '─') && has(sub, '┄'),
        "MACD and signal lines\n{pane}"
    );
    assert!(
        sub.iter().any(|l| l.trim_end().ends_with(" 0")),
        "zero line\n{pane}"
    );
    insta::assert_snapshot!("chart_macd_140x45", pane);
    // The third press turns it off again.
    handle_key(&mut u, ch('I'), &v);
    let (pane, _) = chart(&mut u, 140, 45);
    assert!(!pane.contains("MACD") && !pane.contains("RSI"), "\n{pane}");
}

#[test]
fn ascii_overlays_stay_ascii() {
    let v = view();
    let mut u = ui();
    u.glyphs = Glyphs::Ascii;
    u.focus = Pane::Chart;
    handle_key(&mut u, ch('B'), &v);
    handle_key(&mut u, ch('I'), &v);
    handle_key(&mut u, ch('I'), &v);
    let (pane, _) = chart(&mut u, 80, 24);
    assert!(pane.is_ascii(), "\n{pane}");
    insta::assert_snapshot!("chart_ascii_macd_80x24", pane);
}

#[test]
fn a_short_chart_hides_the_sub_pane_and_keeps_its_values_in_the_legend() {
    let v = view();
    let mut u = ui();
    u.focus = Pane::Chart;
    u.maximised = true;
    handle_key(&mut u, ch('I'), &v);
    // 140x16 is compact: the maximised chart gets 12 rows, 10 inside.
    let (pane, inner) = chart(&mut u, 140, 16);
    assert_eq!(inner.len(), 10);
    let mut r = Rsi::new(14);
    let rsi = closes()
        .into_iter()
        .filter_map(|c| r.update(c))
        .last()
        .unwrap();
    let bottom = pane.lines().last().unwrap();
    assert!(bottom.contains(&format!(" RSI(14) {rsi:.1} ")), "\n{pane}");
    assert!(!inner.iter().any(|l| l.contains("RSI")), "\n{pane}");
    // 13 rows inside are enough: the pane comes back.
    let (pane, inner) = chart(&mut u, 140, 19);
    assert_eq!(inner.len(), 13);
    assert!(inner.iter().any(|l| l.contains("RSI(14)")), "\n{pane}");
}

#[test]
fn a_narrow_chart_truncates_the_legend() {
    let v = view();
    let mut u = ui();
    u.focus = Pane::Chart;
    handle_key(&mut u, ch('B'), &v);
    // Compact 60x16: the chart is 30 wide, room for names only.
    let (pane, _) = chart(&mut u, 60, 16);
    let bottom = pane.lines().last().unwrap();
    assert!(bottom.contains(" ─EMA20 ═EMA50 ┈BB(20,2) "), "\n{pane}");
    assert!(!bottom.contains("615"), "\n{pane}");
    // Compact 80x24: 40 wide, the fast EMA keeps its value.
    let (pane, _) = chart(&mut u, 80, 24);
    let bottom = pane.lines().last().unwrap();
    let fast = format!(" ─EMA20 {:.2} ═EMA50 ┈BB(20,2) ", last_ema(20));
    assert!(bottom.contains(&fast), "\n{pane}");
}

#[test]
fn every_size_renders_without_panic() {
    let (v, l) = (view(), logs());
    let mut few = view();
    few.candles.truncate(3);
    let mut flat = view();
    for k in &mut flat.candles {
        (k.open, k.high, k.low) = (k.close, k.close, k.close);
    }
    let mut u = ui();
    u.overlays.bb = true;
    u.focus = Pane::Chart;
    for (glyphs, sub, maximised) in [
        (Glyphs::Box, SubPane::Rsi, false),
        (Glyphs::Ascii, SubPane::Macd, true),
        (Glyphs::Box, SubPane::Macd, true),
    ] {
        (u.glyphs, u.overlays.sub, u.maximised) = (glyphs, sub, maximised);
        for w in (0..=150).step_by(3).chain([59, 60, 61, 119, 120, 200]) {
            for h in (0..=50).chain([60]) {
                render(&mut u, &v, &l, w, h);
            }
        }
        for view in [&few, &flat] {
            for (w, h) in [(60, 16), (80, 24), (140, 45), (200, 60), (61, 29)] {
                render(&mut u, view, &l, w, h);
            }
        }
    }
}
