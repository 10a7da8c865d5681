//! Screen layout, recomputed from the frame size on every draw so a resize
//! needs nothing but a redraw.
//!
//! - full (>= 120x34, or `layout = "full"`): status, ticker, book | chart |
//!   trades, log, footer;
//! - compact (>= 60x16, e.g. 80x24): status, two-line ticker, book | trades
//!   (the chart takes the trades' place while it has focus), a short log,
//!   footer;
//! - below 60x16: only "terminal too small".
//!
//! With an account in the view, a one-line trading bar sits under the status
//! bar; full adds a row of open orders | history | account above a shorter
//! log, and compact gives a focused trading pane the whole body (book and
//! tape make way), so every pane is reachable with Tab at 80x24.
//!
//! The strategies pane is reached the same way in both layouts: Tab (after
//! Account). In full it takes the whole account row while it has focus
//! (its table and the selected instance's detail need the width), and the
//! row grows to 2/5 of the space under the ticker, as the compact chart
//! takes the tape's place; in compact it takes the body like the other
//! trading panes.

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
    /// Halted / blocked / notice line; only with an account.
    pub trade_bar: Option<Rect>,
    pub ticker: Rect,
    pub footer: Rect,
    pub panes: Vec<(Pane, Rect)>,
}

fn row(area: Rect, y: u16, h: u16) -> Rect {
    Rect::new(area.x, y, area.width, h)
}

/// Splits the screen; `trading` is whether the view carries an account.
/// `None` when it is too small.
pub fn compute(area: Rect, ui: &UiState, trading: bool) -> Option<Areas> {
    let kind = kind(area, ui.layout);
    if kind == LayoutKind::TooSmall {
        return None;
    }
    let full = kind == LayoutKind::Full;
    let ticker_h = if full { 4 } else { 2 };
    let bar_h = u16::from(trading);
    let status = row(area, area.y, 1);
    let trade_bar = trading.then(|| row(area, area.y + 1, 1));
    let ticker = row(area, area.y + 1 + bar_h, ticker_h);
    let footer = row(area, area.bottom() - 1, 1);
    let top = area.y + 1 + bar_h + ticker_h;
    let rest_h = area.height - 2 - bar_h - ticker_h;
    let rest = Rect::new(area.x, top, area.width, rest_h);
    if ui.maximised {
        return Some(Areas {
            kind,
            status,
            trade_bar,
            ticker,
            footer,
            panes: vec![(ui.focus, rest)],
        });
    }
    let logs_h = if full && trading {
        ((area.height.saturating_sub(6)) / 8).clamp(3, 6)
    } else if full {
        ((area.height.saturating_sub(6)) / 5).clamp(5, 10)
    } else if area.height >= 22 {
        5
    } else if area.height >= 18 {
        4
    } else {
        3
    };
    let account_h = if full && trading && ui.focus == Pane::Strategies {
        // The table and the selected instance's detail (signal, values,
        // last action, params) want more lines than the account panes.
        (rest_h * 2 / 5)
            .clamp(9, 16)
            .min(rest_h.saturating_sub(logs_h + 3))
    } else if full && trading {
        (rest_h / 3)
            .clamp(7, 14)
            .min(rest_h.saturating_sub(logs_h + 3))
    } else {
        0
    };
    let body = Rect::new(area.x, top, area.width, rest_h - logs_h - account_h);
    let logs = Rect::new(area.x, body.bottom() + account_h, area.width, logs_h);
    let w = area.width;
    let panes = if full {
        let mut panes = market_row(body);
        let row = Rect::new(area.x, body.bottom(), w, account_h);
        if trading && ui.focus == Pane::Strategies {
            panes.push((Pane::Strategies, row));
        } else if trading {
            panes.extend(account_row(row));
        }
        panes.push((Pane::Logs, logs));
        panes
    } else if ui.focus.is_trading() && trading {
        vec![(ui.focus, body), (Pane::Logs, logs)]
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
        trade_bar,
        ticker,
        footer,
        panes,
    })
}

/// Full layout: book | chart | trades.
fn market_row(body: Rect) -> Vec<(Pane, Rect)> {
    let w = body.width;
    // The minimums only hold where they fit (a forced full layout on a
    // narrow terminal shrinks everything rather than overflow).
    let book_w = (w * 30 / 100).clamp(36, 48).min(w / 2);
    let trades_w = (w * 26 / 100).clamp(34, 42).min(w - book_w);
    let chart_w = w - book_w - trades_w;
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
    ]
}

/// Full layout: open orders | history | account. History is the widest
/// (fills carry fee and maker/taker); open orders drop time and filled
/// (the status says PARTIAL) before symbol, side, price and quantity.
fn account_row(r: Rect) -> Vec<(Pane, Rect)> {
    let orders_w = r.width * 34 / 100;
    let history_w = r.width * 36 / 100;
    let account_w = r.width - orders_w - history_w;
    vec![
        (Pane::Orders, Rect::new(r.x, r.y, orders_w, r.height)),
        (
            Pane::History,
            Rect::new(r.x + orders_w, r.y, history_w, r.height),
        ),
        (
            Pane::Account,
            Rect::new(r.x + orders_w + history_w, r.y, account_w, r.height),
        ),
    ]
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
        for choice in [LayoutChoice::Auto, LayoutChoice::Full] {
            u.layout = choice;
            for trading in [false, true] {
                for (w, h) in [(140, 45), (80, 24), (60, 16), (200, 60), (120, 34)] {
                    for focus in Pane::ALL {
                        if focus.is_trading() && !trading {
                            continue;
                        }
                        u.focus = focus;
                        tile(&u, w, h, trading);
                    }
                }
            }
        }
    }

    fn tile(u: &UiState, w: u16, h: u16, trading: bool) {
        let area = Rect::new(0, 0, w, h);
        let a = compute(area, u, trading).unwrap();
        let rects: Vec<Rect> = a.panes.iter().map(|p| p.1).collect();
        assert!(a.panes.iter().any(|p| p.0 == u.focus), "focus shown");
        for (i, r) in rects.iter().enumerate() {
            assert!(area.contains(r.as_position()) && r.right() <= w && r.bottom() <= h);
            for o in &rects[i + 1..] {
                assert!(!r.intersects(*o), "{w}x{h}: {r:?} overlaps {o:?}");
            }
        }
        let cells: u32 = rects.iter().map(|r| r.area()).sum();
        let fixed = 2 + a.ticker.height as u32 + u32::from(trading);
        assert_eq!(cells, w as u32 * (h as u32 - fixed), "{w}x{h} {trading}");
        assert_eq!(a.trade_bar.is_some(), trading);
        let account_row = a.kind == LayoutKind::Full && trading && u.focus != Pane::Strategies;
        for p in [Pane::Orders, Pane::History, Pane::Account] {
            assert_eq!(
                a.panes.iter().any(|x| x.0 == p),
                account_row || u.focus == p,
                "{p:?} at {w}x{h}"
            );
        }
        assert_eq!(
            a.panes.iter().any(|x| x.0 == Pane::Strategies),
            u.focus == Pane::Strategies
        );
    }
}
