//! The yes/no overlay before a cancel, a cancel-all, the kill switch, a
//! resume or deleting a strategy instance. The question names exactly what will happen and where.

use super::plain_block;
use crate::engine::View;
use crate::text::sanitize;
use crate::ui::format::wrap;
use crate::ui::state::{Confirm, UiState};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

pub fn render(frame: &mut Frame, screen: Rect, ui: &UiState, view: &View) {
    let Some(c) = &ui.confirm else { return };
    let t = &ui.theme;
    let badge = view.mode.map_or("----", |m| m.badge());
    let venue = view
        .trading
        .as_ref()
        .map(|tv| sanitize(&tv.venue))
        .unwrap_or_default();
    let (title, style, body): (&str, Style, Vec<String>) = match c {
        Confirm::Cancel {
            client_order_id,
            summary,
            ..
        } => (
            " Cancel order ",
            t.warn(),
            vec![
                format!("Cancel {}?", sanitize(summary)),
                format!("id {}", sanitize(client_order_id)),
            ],
        ),
        Confirm::CancelAll { symbol, count } => (
            " Cancel all ",
            t.warn(),
            vec![format!(
                "Cancel ALL {count} open order{} of {}?",
                if *count == 1 { "" } else { "s" },
                sanitize(symbol)
            )],
        ),
        Confirm::Halt => (
            " KILL SWITCH ",
            t.error(),
            vec![
                "HALT trading: cancel all open orders, refuse new ones, stop strategies;".into(),
                "stays halted across restarts until resumed (R).".into(),
            ],
        ),
        Confirm::StrategyStart { summary, .. } => (
            " Start strategy ",
            if view.mode == Some(crate::config::Mode::Live) {
                t.error()
            } else {
                t.warn()
            },
            vec![
                format!("Start {} on {badge} ({venue})?", sanitize(summary)),
                "It places and cancels orders by itself until stopped (Enter) or halted (K)."
                    .into(),
            ],
        ),
        Confirm::StrategyDelete { summary, .. } => (
            " Delete strategy ",
            t.warn(),
            vec![
                format!("Delete strategy instance {}?", sanitize(summary)),
                "This cannot be undone.".into(),
            ],
        ),
        Confirm::Resume => {
            let since = view
                .trading
                .as_ref()
                .and_then(|tv| tv.halted.as_ref())
                .map(|h| {
                    format!(
                        "Halted since {}: {}.",
                        ui.clock.hms(h.since_ms),
                        sanitize(&h.reason)
                    )
                })
                .unwrap_or_default();
            (
                " Resume trading ",
                t.warn(),
                vec![since, "Resume: new orders will be accepted again.".into()],
            )
        }
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("Environment ", t.dim()),
        Span::styled(format!(" {badge} "), t.badge(view.mode)),
        Span::raw(format!("  venue: {venue}")),
    ])];
    let w = screen.width.saturating_sub(4).min(78);
    lines.push(Line::default());
    for l in body.iter().filter(|l| !l.is_empty()) {
        for part in wrap(l, w.saturating_sub(2) as usize) {
            lines.push(Line::from(Span::styled(part, t.title())));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("y", t.accent()),
        Span::styled("/Enter yes   ", t.dim()),
        Span::styled("n", t.accent()),
        Span::styled("/Esc no", t.dim()),
    ]));
    let h = (lines.len() as u16 + 2).min(screen.height);
    let area = Rect::new(
        screen.x + (screen.width - w) / 2,
        screen.y + (screen.height - h) / 2,
        w,
        h,
    );
    let block = plain_block(ui)
        .border_style(style)
        .title(Line::from(Span::styled(title, style)));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines), inner);
}
