//! The status bar: mode badge, endpoint, connection, book state, latency,
//! clock offset, REST weight and back-off, local time. Segments that do not
//! fit are dropped least important first, so the badge and the connection
//! state survive on narrow terminals.

use crate::engine::{ConnState, View};
use crate::market::BookStatus;
use crate::text::sanitize;
use crate::ui::format::{host, signed_ms};
use crate::ui::state::UiState;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

struct Segment {
    /// Higher survives longer.
    prio: u8,
    spans: Vec<(String, Style)>,
}

impl Segment {
    fn width(&self) -> usize {
        self.spans.iter().map(|(s, _)| s.chars().count()).sum()
    }
}

fn seg(prio: u8, text: impl Into<String>, style: Style) -> Segment {
    Segment {
        prio,
        spans: vec![(text.into(), style)],
    }
}

/// The connection text, also used by tests.
pub fn conn_text(view: &View) -> String {
    match &view.conn {
        None => "Starting".into(),
        Some(ConnState::Connecting) => "Connecting".into(),
        Some(ConnState::Connected) => "Connected".into(),
        Some(ConnState::Retrying {
            host,
            reason,
            retry_in_secs,
            attempt,
        }) => format!(
            "cannot reach {}: {}, retrying in {}s (attempt {})",
            sanitize(host),
            sanitize(reason),
            retry_in_secs,
            attempt
        ),
    }
}

fn segments(ui: &UiState, view: &View) -> Vec<Segment> {
    let t = &ui.theme;
    let mut out = Vec::new();
    let badge = view.mode.map_or("----", |m| m.badge());
    out.push(seg(100, format!(" {badge} "), t.badge(view.mode)));
    let url = if view.ws_url.is_empty() {
        &view.rest_url
    } else {
        &view.ws_url
    };
    let h = host(url);
    if !h.is_empty() {
        out.push(seg(60, h, t.text()));
    }
    let conn_style = match &view.conn {
        Some(ConnState::Connected) => t.up(),
        Some(ConnState::Retrying { .. }) => t.error(),
        _ => t.warn(),
    };
    out.push(seg(90, conn_text(view), conn_style));
    let book_style = match view.book.status {
        BookStatus::Live => t.up(),
        _ => t.warn(),
    };
    out.push(Segment {
        prio: 80,
        spans: vec![
            ("Book ".into(), t.dim()),
            (view.book.status.as_str().into(), book_style),
            (format!(" (resyncs {})", view.book.resyncs), t.dim()),
        ],
    });
    if let Some(l) = view.latency_ms {
        out.push(Segment {
            prio: 50,
            spans: vec![("lat ".into(), t.dim()), (format!("{l}ms"), t.text())],
        });
    }
    if let Some(c) = view.clock_offset_ms {
        out.push(Segment {
            prio: 40,
            spans: vec![("clk ".into(), t.dim()), (signed_ms(c), t.text())],
        });
    }
    let r = &view.rest;
    if r.used_weight_1m.is_some() || r.weight_limit_1m.is_some() {
        let used = r.used_weight_1m.map_or("-".into(), |v| v.to_string());
        let limit = r.weight_limit_1m.map_or("-".into(), |v| v.to_string());
        out.push(Segment {
            prio: 45,
            spans: vec![
                ("REST ".into(), t.dim()),
                (format!("{used}/{limit}"), t.text()),
            ],
        });
    }
    if let Some(b) = r.backoff_secs {
        out.push(seg(88, format!("REST back-off {b}s"), t.warn()));
    }
    if let Some(e) = &r.last_error {
        out.push(seg(30, format!("REST: {}", sanitize(e)), t.error()));
    }
    out
}

pub fn render(frame: &mut Frame, area: Rect, ui: &UiState, view: &View) {
    let t = &ui.theme;
    let sep = " | ";
    let time = ui.clock.now_text();
    let width = area.width as usize;
    let segs = segments(ui, view);
    // Greedy by importance: the badge and the connection state always stay
    // (cut at the edge if need be); then the clock; then the rest while
    // they fit, most important first. Shown in their usual order.
    const TIME_PRIO: u8 = 85;
    const KEEP_PRIO: u8 = 90;
    let mut order: Vec<usize> = (0..segs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(segs[i].prio));
    let mut keep = vec![false; segs.len()];
    let mut used = 0usize;
    let mut show_time = false;
    let mut time_considered = false;
    let mut kept = 0;
    for i in order {
        let s = &segs[i];
        if !time_considered && s.prio < TIME_PRIO {
            time_considered = true;
            show_time = used + time.len() < width;
            if show_time {
                used += time.len() + 1;
            }
        }
        let w = s.width() + if kept == 0 { 0 } else { sep.len() };
        if s.prio >= KEEP_PRIO || used + w <= width {
            keep[i] = true;
            kept += 1;
            used += w;
        }
    }
    if !time_considered {
        show_time = used + time.len() < width;
    }
    let segs: Vec<Segment> = segs
        .into_iter()
        .zip(keep)
        .filter_map(|(s, k)| k.then_some(s))
        .collect();
    let mut spans: Vec<Span> = Vec::new();
    for (i, s) in segs.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(sep, t.dim()));
        }
        spans.extend(s.spans.into_iter().map(|(txt, st)| Span::styled(txt, st)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if show_time {
        let w = time.len() as u16;
        let r = Rect::new(area.right().saturating_sub(w), area.y, w.min(area.width), 1);
        frame.render_widget(Paragraph::new(Span::styled(time, t.text())), r);
    }
}
