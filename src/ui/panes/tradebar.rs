//! The trading bar under the status bar: halted banner (reason, since),
//! why trading is blocked, the venue, the last UI message and the engine's
//! last order notice. Errors are red AND prefixed (REFUSED:/ERROR:), and
//! successes prefixed OK:, so the outcome reads without colour.

use crate::config::Mode;
use crate::engine::{Notice, View};
use crate::text::sanitize;
use crate::ui::format::rate_pct;
use crate::ui::state::UiState;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The notice as shown: `OK: ...`, `REFUSED: ...` or `ERROR: ...`. An
/// engine text that already names its outcome keeps it (upper-cased).
pub fn notice_text(n: &Notice) -> String {
    let text = sanitize(n.text.trim());
    let lower = text.to_ascii_lowercase();
    for word in ["refused", "rejected", "error", "ok"] {
        if let Some(rest) = lower.strip_prefix(word) {
            if rest.starts_with([':', ' ']) && (n.error != (word == "ok")) {
                let rest = text[word.len()..].trim_start_matches([':', ' ']);
                let word = if word == "rejected" { "REFUSED" } else { word };
                return format!("{}: {rest}", word.to_ascii_uppercase());
            }
        }
    }
    if n.error {
        format!("REFUSED: {text}")
    } else {
        format!("OK: {text}")
    }
}

pub fn render(frame: &mut Frame, area: Rect, ui: &UiState, view: &View) {
    let Some(tv) = &view.trading else { return };
    let t = &ui.theme;
    let mut segs: Vec<Vec<Span>> = Vec::new();
    if let Some(h) = &tv.halted {
        let banner = t.error().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        let mut s = vec![Span::styled(
            format!(
                " HALTED since {}: {} ",
                ui.clock.hms(h.since_ms),
                sanitize(&h.reason)
            ),
            banner,
        )];
        if ui.trading_enabled(view) {
            s.push(Span::styled(" R resume", t.dim()));
        }
        segs.push(s);
    } else if !tv.can_trade {
        let why = tv.blocked_reason.as_deref().unwrap_or("account not ready");
        segs.push(vec![Span::styled(
            format!("BLOCKED: {}", sanitize(why)),
            t.warn(),
        )]);
    } else if !ui.read_only {
        segs.push(vec![Span::styled("Trading ready", t.up())]);
    }
    if ui.read_only {
        segs.push(vec![Span::styled("READ-ONLY: order entry off", t.warn())]);
    }
    let venue_style = if view.mode == Some(Mode::Live) {
        t.badge(Some(Mode::Live))
    } else {
        t.text()
    };
    segs.push(vec![
        Span::styled("venue ", t.dim()),
        Span::styled(sanitize(&tv.venue), venue_style),
    ]);
    if let Some(m) = &ui.trade_msg {
        segs.push(vec![Span::styled(sanitize(m), t.accent())]);
    }
    if let Some(n) = &tv.notice {
        let st = if n.error { t.error() } else { t.up() };
        segs.push(vec![
            Span::styled(format!("{} ", ui.clock.hms(n.time_ms)), t.dim()),
            Span::styled(notice_text(n), st),
        ]);
    }
    segs.push(vec![Span::styled(
        format!(
            "fees maker {} taker {}",
            rate_pct(tv.maker_fee),
            rate_pct(tv.taker_fee)
        ),
        t.dim(),
    )]);
    let mut spans = Vec::new();
    for (i, s) in segs.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" | ", t.dim()));
        }
        spans.extend(s);
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(Style::default()),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(error: bool, text: &str) -> Notice {
        Notice {
            error,
            client_order_id: None,
            text: text.into(),
            time_ms: 0,
        }
    }

    #[test]
    fn notices_are_prefixed_once() {
        assert_eq!(
            notice_text(&n(false, "order accepted")),
            "OK: order accepted"
        );
        assert_eq!(
            notice_text(&n(true, "insufficient balance")),
            "REFUSED: insufficient balance"
        );
        assert_eq!(
            notice_text(&n(true, "Rejected: LOT_SIZE")),
            "REFUSED: LOT_SIZE"
        );
        assert_eq!(
            notice_text(&n(true, "error: timeout, outcome unknown")),
            "ERROR: timeout, outcome unknown"
        );
        assert_eq!(notice_text(&n(false, "OK: sent")), "OK: sent");
        assert_eq!(notice_text(&n(true, "ok then")), "REFUSED: ok then");
    }
}
