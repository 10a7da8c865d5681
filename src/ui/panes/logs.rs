//! The log pane: the newest lines of the in-memory log ring, each with its
//! level as a coloured label (ERROR/WARN/INFO/DEBUG) so it reads without
//! colour.

use super::pane_block;
use crate::logging::{LogBuffer, LogLine, LOG_RING};
use crate::text::sanitize;
use crate::ui::state::{Pane, UiState};
use crate::ui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tracing::Level;

fn level(t: &Theme, l: Level) -> (&'static str, Style) {
    match l {
        Level::ERROR => ("ERROR", t.error()),
        Level::WARN => ("WARN ", t.warn()),
        Level::INFO => ("INFO ", t.text()),
        Level::DEBUG => ("DEBUG", t.dim()),
        Level::TRACE => ("TRACE", t.dim()),
    }
}

fn line<'a>(t: &Theme, l: &LogLine) -> Line<'a> {
    let (label, st) = level(t, l.level);
    let target = l.target.strip_prefix("tradeterm::").unwrap_or(&l.target);
    Line::from(vec![
        Span::styled(format!("{} ", sanitize(&l.time)), t.dim()),
        Span::styled(label, st),
        Span::styled(format!(" {}: ", sanitize(target)), t.dim()),
        Span::styled(sanitize(&l.message), t.text()),
    ])
}

pub fn render(frame: &mut Frame, area: Rect, ui: &mut UiState, logs: &LogBuffer) {
    // A freeze asked for by a key is completed here, where the ring is known.
    if let Some(slot @ None) = &mut ui.frozen.logs {
        *slot = Some(logs.tail(LOG_RING));
    }
    let visible = area.height.saturating_sub(2) as usize;
    let want = visible + ui.logs_scroll;
    let source: Vec<LogLine> = match &ui.frozen.logs {
        Some(Some(frozen)) => frozen[frozen.len().saturating_sub(want)..].to_vec(),
        _ => logs.tail(want),
    };
    ui.logs_scroll = ui.logs_scroll.min(source.len().saturating_sub(visible));
    let ui = &*ui;
    let t = &ui.theme;
    let mut extra = Vec::new();
    if ui.logs_scroll > 0 {
        extra.push(Span::styled(format!("-{} older", ui.logs_scroll), t.warn()));
    }
    let block = pane_block(ui, Pane::Logs, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let end = source.len() - ui.logs_scroll.min(source.len());
    let start = end.saturating_sub(visible);
    let lines: Vec<Line> = source[start..end].iter().map(|l| line(t, l)).collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
