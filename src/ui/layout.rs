//! Screen layout, recomputed from the frame size on every draw so a resize
//! needs nothing but a redraw.
//!
//! - full (>= 120x34, or `layout = "full"`): status, ticker, book | chart |
//!   trades, log, footer;
//! - compact (>= 60x16, e.g. 80x24): status, two-line ticker, book | trades
//!   (the chart takes the trades' place while it has focus), a short log,
//!   footer;
//! - below 60x16: only "terminal too small".

use super::state::{Pane, UiState};
use crate::config::LayoutChoice;
use ratatui::layout::Rect;

/// Smallest size that gets the full layout under `layout = "auto"`.
pub const FULL_MIN: (u16, u16) = (120, 34);
/// Smallest size anything but the "too small" message is drawn at.
pub const MIN: (u16, u16) = (60, 16);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutKind {
    TooSmall,
    Compact,
    Full,
}

pub fn kind(area: Rect, choice: LayoutChoice) -> LayoutKind {
    if area.width < MIN.0 || area.height < MIN.1 {
        return LayoutKind::TooSmall;
    }
    match choice {
        LayoutChoice::Full => LayoutKind::Full,
        LayoutChoice::Compact => LayoutKind::Compact,
        LayoutChoice::Auto if area.width >= FULL_MIN.0 && area.height >= FULL_MIN.1 => {
            LayoutKind::Full
        }
        LayoutChoice::Auto => LayoutKind::Compact,
    }
}

/// Where everything goes this frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Areas {
    pub kind: LayoutKind,
    pub status: Rect,
    pub ticker: Rect,
    pub footer: Rect,
    pub panes: Vec<(Pane, Rect)>,
}

fn row(area: Rect, y: u16, h: u16) -> Rect {
    Rect::new(area.x, y, area.width, h)
}

/// Splits the screen. `None` when it is too small.
pub fn compute(area: Rect, ui: &UiState) -> Option<Areas> {
    let kind = kind(area, ui.layout);
    if kind == LayoutKind::TooSmall {
        return None;
    }
    let full = kind == LayoutKind::Full;
    let ticker_h = if full { 4 } else { 2 };
    let status = row(area, area.y, 1);
    let ticker = row(area, area.y + 1, ticker_h);
    let footer = row(area, area.bottom() - 1, 1);
    let top = area.y + 1 + ticker_h;
    let rest_h = area.height - 2 - ticker_h;
    let rest = Rect::new(area.x, top, area.width, rest_h);
    if ui.maximised {
        return Some(Areas {
            kind,
            status,
            ticker,
            footer,
            panes: vec![(ui.focus, rest)],
        });
    }
    let logs_h = if full {
        ((area.height.saturating_sub(6)) / 5).clamp(5, 10)
    } else if area.height >= 22 {
        5
    } else if area.height >= 18 {
        4
    } else {
        3
    };
    let body = Rect::new(area.x, top, area.width, rest_h - logs_h);
    let logs = Rect::new(area.x, body.bottom(), area.width, logs_h);
    let w = area.width;
    let panes = if full {
        let book_w = (w * 30 / 100).clamp(36, 48);
        let trades_w = (w * 26 / 100).clamp(34, 42);
        let chart_w = w.saturating_sub(book_w + trades_w);
        vec![
            (Pane::Book, Rect::new(body.x, body.y, book_w, body.height)),
            (
                Pane::Chart,
                Rect::new(body.x + book_w, body.y, chart_w, body.height),
            ),
            (
                Pane::Trades,
                Rect::new(body.x + book_w + chart_w, body.y, trades_w, body.height),
            ),
            (Pane::Logs, logs),
        ]
    } else {
        let book_w = w / 2;
        let right = Rect::new(body.x + book_w, body.y, w - book_w, body.height);
        let right_pane = if ui.focus == Pane::Chart {
            Pane::Chart
        } else {
            Pane::Trades
        };
        vec![
            (Pane::Book, Rect::new(body.x, body.y, book_w, body.height)),
            (right_pane, right),
            (Pane::Logs, logs),
        ]
    };
    Some(Areas {
        kind,
        status,
        ticker,
        footer,
        panes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::ui::UiOptions;

    fn ui() -> UiState {
        UiState::new(&UiOptions {
            cfg: Config::defaults().ui,
            read_only: false,
        })
    }

    #[test]
    fn thresholds() {
        let a = |w, h| kind(Rect::new(0, 0, w, h), LayoutChoice::Auto);
        assert_eq!(a(140, 45), LayoutKind::Full);
        assert_eq!(a(120, 34), LayoutKind::Full);
        assert_eq!(a(119, 45), LayoutKind::Compact);
        assert_eq!(a(80, 24), LayoutKind::Compact);
        assert_eq!(a(60, 16), LayoutKind::Compact);
        assert_eq!(a(59, 40), LayoutKind::TooSmall);
        assert_eq!(a(100, 15), LayoutKind::TooSmall);
        assert_eq!(
            kind(Rect::new(0, 0, 80, 24), LayoutChoice::Full),
            LayoutKind::Full
        );
    }

    #[test]
    fn panes_tile_the_screen_without_overlap() {
        let mut u = ui();
        for (w, h) in [(140, 45), (80, 24), (60, 16), (200, 60), (120, 34)] {
            for focus in Pane::ALL {
                u.focus = focus;
                let area = Rect::new(0, 0, w, h);
                let a = compute(area, &u).unwrap();
                let rects: Vec<Rect> = a.panes.iter().map(|p| p.1).collect();
                for (i, r) in rects.iter().enumerate() {
                    assert!(area.contains(r.as_position()) && r.right() <= w && r.bottom() <= h);
                    for o in &rects[i + 1..] {
                        assert!(!r.intersects(*o), "{w}x{h}: {r:?} overlaps {o:?}");
                    }
                }
                let cells: u32 = rects.iter().map(|r| r.area()).sum();
                let ticker_h = a.ticker.height as u32;
                assert_eq!(cells, w as u32 * (h as u32 - 2 - ticker_h));
            }
        }
    }
}
