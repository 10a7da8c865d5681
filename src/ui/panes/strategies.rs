//! Strategy instances, one selectable row each (id, strategy, symbol,
//! interval, venue, status, position, realized and unrealized P&L, open
//! orders), and the selected instance's detail: signal, indicators, last
//! action and why, the note (why it stopped, the error) and its parameters.
//!
//! Status is always written out (RUNNING / STOPPED / ERROR) and only
//! coloured on top, so it reads without colour. Wide panes put the detail
//! beside the table, narrow ones under it. Keys: `strategy_input`.

use super::history::{money, pnl_style};
use super::orders::{price, qty};
use super::table::{col, fit, Cell, Col};
use super::{hline, pane_block};
use crate::config::Glyphs;
use crate::engine::{StrategyRow, StrategyStatus, View};
use crate::text::sanitize;
use crate::ui::format::wrap;
use crate::ui::state::{Pane, UiState};
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Width from which the detail goes beside the table rather than under it.
const SIDE_BY_SIDE: u16 = 100;
/// Label column of the detail block.
const LABEL: usize = 8;

pub fn status_cell(t: &Theme, s: &StrategyStatus) -> Cell {
    let style = match s {
        StrategyStatus::Running => t.up(),
        StrategyStatus::Stopped => t.text(),
        StrategyStatus::Error(_) => t.error(),
    };
    (s.as_str().into(), style)
}

fn cols() -> Vec<Col> {
    vec![
        col("ID", false, 9),
        col("Strategy", false, 8),
        col("Symbol", false, 7),
        col("Int", false, 4),
        col("Venue", false, 1),
        col("Status", false, 10),
        col("Position", true, 5),
        col("Realized", true, 6),
        col("Unrealized", true, 3),
        col("Orders", true, 2),
    ]
}

fn cells(ui: &UiState, view: &View, r: &StrategyRow) -> Vec<Cell> {
    let t = &ui.theme;
    let sym = &r.symbol;
    vec![
        (format!("#{}", r.id), t.dim()),
        (sanitize(&r.name), t.title()),
        (sanitize(sym), t.text()),
        (r.interval.as_str().into(), t.text()),
        (sanitize(&r.venue), t.dim()),
        status_cell(t, &r.status),
        (qty(view, sym, r.position), t.text()),
        (
            money(view, sym, r.realized_pnl),
            pnl_style(t, r.realized_pnl),
        ),
        (
            money(view, sym, r.unrealized_pnl),
            pnl_style(t, r.unrealized_pnl),
        ),
        (r.open_orders.to_string(), t.text()),
    ]
}

/// `label  text`, the text wrapped under itself.
fn labelled<'a>(t: &Theme, label: &str, text: &str, style: Style, width: usize) -> Vec<Line<'a>> {
    let w = width.saturating_sub(LABEL).max(8);
    wrap(text, w)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let l = if i == 0 { label } else { "" };
            Line::from(vec![
                Span::styled(format!("{l:<LABEL$}"), t.dim()),
                Span::styled(part, style),
            ])
        })
        .collect()
}

/// Indicators as `name value` cells, three spaces apart, a cell never
/// split across lines (values must not be read against the wrong name).
fn indicator_lines<'a>(t: &Theme, ind: &[(String, String)], width: usize) -> Vec<Line<'a>> {
    let w = width.saturating_sub(LABEL).max(8);
    let mut out = Vec::new();
    let mut cur: Vec<Span> = Vec::new();
    let mut used = 0;
    for (k, v) in ind {
        let (k, v) = (sanitize(k), sanitize(v));
        let n = k.chars().count() + 1 + v.chars().count();
        if used > 0 && used + 3 + n > w {
            out.push(std::mem::take(&mut cur));
            used = 0;
        }
        if used > 0 {
            cur.push(Span::raw("   "));
            used += 3;
        }
        cur.push(Span::styled(format!("{k} "), t.dim()));
        cur.push(Span::styled(v, t.title()));
        used += n;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .enumerate()
        .map(|(i, spans)| {
            let l = if i == 0 { "values" } else { "" };
            let mut line = vec![Span::styled(format!("{l:<LABEL$}"), t.dim())];
            line.extend(spans);
            Line::from(line)
        })
        .collect()
}

/// The selected instance's detail, `width` columns wide, most telling
/// first (a short pane cuts the bottom): what it is, why it stopped, its
/// signal, indicators and last action, then bookkeeping and parameters.
pub fn detail_lines<'a>(ui: &UiState, view: &View, r: &StrategyRow, width: usize) -> Vec<Line<'a>> {
    let t = &ui.theme;
    let mut out = vec![Line::from(vec![
        Span::styled(
            format!(
                "#{} {} {} {}",
                r.id,
                sanitize(&r.name),
                sanitize(&r.symbol),
                r.interval.as_str()
            ),
            t.title(),
        ),
        Span::styled(" on ", t.dim()),
        Span::raw(sanitize(&r.venue)),
        Span::raw("  "),
        Span::styled(r.status.as_str(), status_cell(t, &r.status).1),
    ])];
    let error = match &r.status {
        StrategyStatus::Error(why) => Some(sanitize(why)),
        _ => None,
    };
    if let Some(why) = &error {
        out.extend(labelled(t, "error", why, t.error(), width));
    }
    if let Some(n) = r.note.as_deref().map(sanitize).filter(|n| !n.is_empty()) {
        // The engine's note often repeats the error ("stopped: <error>").
        if !error.as_ref().is_some_and(|e| n.contains(e.as_str())) {
            out.extend(labelled(t, "note", &n, t.warn(), width));
        }
    }
    match &r.state {
        Some(s) => {
            out.extend(labelled(
                t,
                "signal",
                &sanitize(&s.signal),
                t.accent(),
                width,
            ));
            out.extend(indicator_lines(t, &s.indicators, width));
            let last = match (&s.last_action, s.last_action_ms) {
                (Some(a), Some(ms)) => format!("{} {}", ui.clock.hms(ms), sanitize(a)),
                (Some(a), None) => sanitize(a),
                (None, _) => "none yet".into(),
            };
            out.extend(labelled(t, "last", &last, t.text(), width));
        }
        None => out.extend(labelled(
            t,
            "signal",
            "- (no state: not started)",
            t.dim(),
            width,
        )),
    }
    let mut facts = r.fills.to_string();
    if !r.position.is_zero() {
        facts.push_str(&format!(
            ", avg entry {}",
            price(view, &r.symbol, r.avg_entry)
        ));
    }
    facts.push_str(&format!(", tag {}", sanitize(&r.tag)));
    out.extend(labelled(t, "fills", &facts, t.text(), width));
    out.extend(labelled(t, "params", &sanitize(&r.params), t.text(), width));
    out
}

fn table_lines<'a>(ui: &UiState, view: &View, width: usize, height: usize) -> Vec<Line<'a>> {
    let t = &ui.theme;
    let cols = cols();
    let rows: Vec<Vec<Cell>> = view.strategies.iter().map(|r| cells(ui, view, r)).collect();
    let f = fit(&cols, &rows, width);
    let visible = height.saturating_sub(1).max(1);
    let start = (ui.strategies_sel + 1).saturating_sub(visible);
    let focused = ui.focus == Pane::Strategies;
    let mut lines = vec![f.header(&cols, t.dim(), None)];
    for (i, cells) in rows.into_iter().enumerate().skip(start).take(visible) {
        let base = if focused && i == ui.strategies_sel {
            t.selected()
        } else {
            Style::default()
        };
        lines.push(f.row(&cols, cells, base));
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, ui: &mut UiState, view: &View) {
    let sel = ui.sync_strategy_selection(&view.strategies);
    let ui = &*ui;
    let t = &ui.theme;
    let running = view
        .strategies
        .iter()
        .filter(|r| r.status == StrategyStatus::Running)
        .count();
    let mut extra = vec![Span::styled(view.strategies.len().to_string(), t.accent())];
    if running > 0 {
        extra.push(Span::styled(format!("{running} running"), t.up()));
    }
    let block = pane_block(ui, Pane::Strategies, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let Some(r) = view.strategies.get(sel) else {
        let mut l = vec![Span::styled("no strategy instances", t.dim())];
        if ui.trading_enabled(view) {
            l.push(Span::styled(" - n creates one", t.dim()));
        }
        frame.render_widget(Paragraph::new(Line::from(l)), inner);
        return;
    };
    if inner.width >= SIDE_BY_SIDE {
        let table_w = inner.width * 55 / 100;
        let table = Rect {
            width: table_w,
            ..inner
        };
        let bar = Rect::new(inner.x + table_w, inner.y, 1, inner.height);
        let detail = Rect::new(bar.x + 2, inner.y, inner.width - table_w - 2, inner.height);
        let h = inner.height as usize;
        frame.render_widget(
            Paragraph::new(table_lines(ui, view, table_w as usize, h)),
            table,
        );
        let glyph = match ui.glyphs {
            Glyphs::Ascii => "|",
            Glyphs::Box => "│",
        };
        let bars: Vec<Line> = (0..h).map(|_| Line::styled(glyph, t.dim())).collect();
        frame.render_widget(Paragraph::new(bars), bar);
        let lines = detail_lines(ui, view, r, detail.width as usize);
        frame.render_widget(Paragraph::new(lines), detail);
        return;
    }
    // Under each other: the table gets what its rows need, at most half,
    // so the selected instance's detail always has room.
    let h = inner.height as usize;
    let table_h = (view.strategies.len() + 1).min(h.div_ceil(2)).max(2).min(h);
    let w = inner.width as usize;
    let mut lines = table_lines(ui, view, w, table_h);
    if h > table_h {
        lines.push(Line::styled(hline(ui).repeat(w), t.dim()));
        lines.extend(detail_lines(ui, view, r, w));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
