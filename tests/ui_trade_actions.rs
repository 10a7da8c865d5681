//! Order-pane and account actions by keys: cancel, cancel all, the kill
//! switch and resume (each behind a confirmation), focus over the account
//! panes, and a read-only session that has none of the order keys.

mod ui_fixture;

use crossterm::event::KeyCode;
use tradeterm::config::Mode;
use tradeterm::engine::{Command, HaltInfo, View};
use tradeterm::ui::keymap::{hints, Context};
use tradeterm::ui::{contexts, handle_key, Action, Confirm, Pane, UiState};
use ui_fixture::*;

fn press(u: &mut UiState, v: &View, keys: &str) -> Vec<Action> {
    keys.chars()
        .filter_map(|c| handle_key(u, ch(c), v))
        .collect()
}

fn enter(u: &mut UiState, v: &View) -> Option<Action> {
    handle_key(u, key(KeyCode::Enter), v)
}

#[test]
fn c_cancels_the_selected_order_after_a_confirmation() {
    let (v, mut u) = (view_trading(), ui());
    u.focus = Pane::Orders;
    handle_key(&mut u, ch('j'), &v);
    assert_eq!(handle_key(&mut u, ch('c'), &v), None);
    assert!(
        matches!(&u.confirm, Some(Confirm::Cancel { client_order_id, .. }) if client_order_id == "tt-man-2")
    );
    // n: nothing happens.
    assert_eq!(handle_key(&mut u, ch('n'), &v), None);
    assert!(u.confirm.is_none());
    handle_key(&mut u, ch('c'), &v);
    assert_eq!(
        handle_key(&mut u, ch('y'), &v),
        Some(Action::Send(Command::CancelOrder {
            symbol: "BTCUSDT".into(),
            client_order_id: "tt-man-2".into()
        }))
    );
    // Selection stops at the last order; another symbol's order cancels
    // on its own symbol.
    press(&mut u, &v, "jjjj");
    assert_eq!(u.orders_sel, 2);
    handle_key(&mut u, ch('c'), &v);
    assert_eq!(
        enter(&mut u, &v),
        Some(Action::Send(Command::CancelOrder {
            symbol: "ETHUSDT".into(),
            client_order_id: "tt-man-3".into()
        }))
    );
}

#[test]
fn the_selection_follows_the_order_when_a_new_one_arrives_above() {
    let (mut v, mut u) = (view_trading(), ui());
    u.focus = Pane::Orders;
    handle_key(&mut u, ch('j'), &v);
    assert_eq!(u.orders_sel_id.as_deref(), Some("tt-man-2"));
    // A new order arrives (newest first): tt-man-2 moves down a row.
    let tv = v.trading.as_mut().unwrap();
    let mut newer = tv.open_orders[0].clone();
    newer.client_order_id = "tt-man-9".into();
    tv.open_orders.insert(0, newer);
    handle_key(&mut u, ch('c'), &v);
    assert!(
        matches!(&u.confirm, Some(Confirm::Cancel { client_order_id, .. }) if client_order_id == "tt-man-2")
    );
    // Once the selected order is gone, the row stays and takes the next.
    handle_key(&mut u, ch('n'), &v);
    v.trading.as_mut().unwrap().open_orders.remove(2);
    handle_key(&mut u, ch('c'), &v);
    assert!(
        matches!(&u.confirm, Some(Confirm::Cancel { client_order_id, .. }) if client_order_id == "tt-man-3")
    );
}

#[test]
fn shift_c_cancels_all_of_the_symbol_after_a_confirmation() {
    let (v, mut u) = (view_trading(), ui());
    u.focus = Pane::Orders;
    assert_eq!(handle_key(&mut u, ch('C'), &v), None);
    assert_eq!(
        u.confirm,
        Some(Confirm::CancelAll {
            symbol: "BTCUSDT".into(),
            count: 2
        })
    );
    assert_eq!(
        enter(&mut u, &v),
        Some(Action::Send(Command::CancelAll {
            symbol: "BTCUSDT".into()
        }))
    );
    // Cancel keys belong to the open orders pane.
    u.focus = Pane::Book;
    assert_eq!(handle_key(&mut u, ch('C'), &v), None);
    assert!(u.confirm.is_none());
}

#[test]
fn kill_switch_and_resume_ask_first() {
    let (mut v, mut u) = (view_trading(), ui());
    assert_eq!(handle_key(&mut u, ch('K'), &v), None);
    assert_eq!(u.confirm, Some(Confirm::Halt));
    assert_eq!(handle_key(&mut u, key(KeyCode::Esc), &v), None);
    assert!(u.confirm.is_none());
    handle_key(&mut u, ch('K'), &v);
    assert_eq!(
        handle_key(&mut u, ch('y'), &v),
        Some(Action::Send(Command::Halt {
            reason: "kill switch".into()
        }))
    );
    // R does nothing until halted; then it asks.
    assert_eq!(handle_key(&mut u, ch('R'), &v), None);
    assert!(u.confirm.is_none() && u.trade_msg.is_some());
    v.trading.as_mut().unwrap().halted = Some(HaltInfo {
        reason: "kill switch".into(),
        since_ms: T0,
    });
    handle_key(&mut u, ch('R'), &v);
    assert_eq!(u.confirm, Some(Confirm::Resume));
    assert_eq!(enter(&mut u, &v), Some(Action::Send(Command::Resume)));
}

#[test]
fn read_only_or_no_account_has_no_order_keys_at_all() {
    let mut ro = view_trading();
    ro.mode = Some(Mode::Live);
    let cases = [(ro, true), (view(), false)];
    for (v, read_only) in cases {
        let mut u = ui();
        u.read_only = read_only;
        for focus in [Pane::Book, Pane::Orders] {
            if v.trading.is_none() && focus == Pane::Orders {
                continue;
            }
            u.focus = focus;
            for k in ['b', 'S', 'c', 'C', 'K', 'R'] {
                assert_eq!(handle_key(&mut u, ch(k), &v), None, "{k}");
                assert!(u.ticket.is_none() && u.confirm.is_none(), "{k}");
            }
            let h = hints(&contexts(&u), u.trading_enabled(&v));
            for hint in ["buy", "sell", "kill", "cancel", "cancel all"] {
                assert!(h.iter().all(|(_, x)| *x != hint), "{hint} in {h:?}");
            }
        }
    }
    // With trading on, the same keys are there.
    let (v, u) = (view_trading(), ui());
    let h = hints(&[Context::Trade], u.trading_enabled(&v));
    assert!(h.iter().any(|(k, x)| k == "b" && *x == "buy"), "{h:?}");
}

#[test]
fn tab_reaches_the_account_panes_only_when_there_is_an_account() {
    let (v, mut u) = (view_trading(), ui());
    let mut seen = vec![u.focus];
    for _ in 0..7 {
        handle_key(&mut u, key(KeyCode::Tab), &v);
        seen.push(u.focus);
    }
    use Pane::*;
    assert_eq!(
        seen,
        [Book, Trades, Chart, Orders, History, Account, Strategies, Logs]
    );
    let (v, mut u) = (view(), ui());
    u.focus = Chart;
    handle_key(&mut u, key(KeyCode::Tab), &v);
    assert_eq!(u.focus, Logs);
}
