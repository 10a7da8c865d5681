//! Strategy keys (the strategies pane and its form): pure `handle_key`
//! calls against the fixture with a paper account and three instances.
//! Every command that can leave the UI is checked to be exactly the
//! expected one; everything else must send nothing.

mod ui_fixture;

use crossterm::event::KeyCode;
use tradeterm::domain::Interval;
use tradeterm::engine::{Command, StrategyStatus, View};
use tradeterm::ui::strategy_form::{FormField, FormKind};
use tradeterm::ui::{handle_key, Action, Confirm, Pane, UiState};
use ui_fixture::*;

const SWING_DEFAULTS: &str = "fast=12 slow=26 rsi_period=14 overbought=70 size_mode=pct size=10 \
     stop_loss_pct=3 take_profit_pct=6 atr_period=14 atr_stop=0 trailing_pct=0";

fn press(u: &mut UiState, v: &View, keys: &str) -> Vec<Action> {
    keys.chars()
        .filter_map(|c| handle_key(u, ch(c), v))
        .collect()
}

fn k(u: &mut UiState, v: &View, code: KeyCode) -> Option<Action> {
    handle_key(u, key(code), v)
}

/// The fixture with the strategies pane focused.
fn focused() -> (View, UiState) {
    let (v, mut u) = (view_strategies(), ui());
    u.focus = Pane::Strategies;
    (v, u)
}

fn send(c: Command) -> Option<Action> {
    Some(Action::Send(c))
}

#[test]
fn n_then_enter_creates_the_default_instance_stopped() {
    let (v, mut u) = focused();
    assert!(press(&mut u, &v, "n").is_empty());
    let f = u.strategy_form.as_ref().expect("form open");
    assert_eq!(f.kind, FormKind::Create);
    assert_eq!(f.focus, FormField::Strategy);
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyCreate {
            name: "swing".into(),
            symbol: "BTCUSDT".into(),
            interval: Some(Interval::M1),
            params: SWING_DEFAULTS.into(),
            start: false,
        })
    );
    assert!(u.strategy_form.is_none());
    assert!(u.trade_msg.as_deref().unwrap().contains("creating swing"));
}

#[test]
fn the_form_sends_exactly_what_was_chosen_and_typed() {
    let (v, mut u) = focused();
    press(&mut u, &v, "n");
    // Strategy: swing -> scalping -> grid (Space, Right), and back and forth.
    handle_key(&mut u, ch(' '), &v);
    k(&mut u, &v, KeyCode::Right);
    k(&mut u, &v, KeyCode::Left);
    k(&mut u, &v, KeyCode::Right);
    assert_eq!(u.strategy_form.as_ref().unwrap().info().name, "grid");
    // Symbol: the first character replaces the default; typed upper-case.
    k(&mut u, &v, KeyCode::Tab);
    assert!(press(&mut u, &v, "ethusdt").is_empty());
    // Interval: from the chart's 1m one step longer.
    k(&mut u, &v, KeyCode::Tab);
    k(&mut u, &v, KeyCode::Right);
    // Parameters in catalog order: lower, upper, levels, spacing, ...
    k(&mut u, &v, KeyCode::Down);
    press(&mut u, &v, "3500");
    k(&mut u, &v, KeyCode::Tab);
    press(&mut u, &v, "4200");
    k(&mut u, &v, KeyCode::Tab);
    k(&mut u, &v, KeyCode::Tab);
    assert_eq!(u.strategy_form.as_ref().unwrap().focus, FormField::Param(3));
    handle_key(&mut u, ch(' '), &v);
    let f = u.strategy_form.as_ref().unwrap();
    assert_eq!(f.values[3], "geometric");
    assert_eq!(f.check(&v), Ok(()));
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyCreate {
            name: "grid".into(),
            symbol: "ETHUSDT".into(),
            interval: Some(Interval::M3),
            params: "lower=3500 upper=4200 levels=10 spacing=geometric order_quote=100 \
                     initial_buy=true on_exit=keep auto_pct=4"
                .into(),
            start: false,
        })
    );
}

#[test]
fn the_form_refuses_what_the_catalog_refuses_and_esc_sends_nothing() {
    let (v, mut u) = focused();
    press(&mut u, &v, "n");
    // An unknown symbol.
    k(&mut u, &v, KeyCode::Tab);
    press(&mut u, &v, "NOPE");
    assert_eq!(k(&mut u, &v, KeyCode::Enter), None);
    let f = u.strategy_form.as_ref().expect("still open");
    assert_eq!(f.error.as_deref(), Some("unknown symbol: NOPE"));
    // Fixed; now a cross-field rule: fast must stay below slow.
    handle_key(&mut u, ctrl('u'), &v);
    press(&mut u, &v, "BTCUSDT");
    for _ in 0..3 {
        k(&mut u, &v, KeyCode::Tab);
    }
    assert_eq!(u.strategy_form.as_ref().unwrap().focus, FormField::Param(1));
    press(&mut u, &v, "5");
    assert_eq!(k(&mut u, &v, KeyCode::Enter), None);
    assert_eq!(
        u.strategy_form.as_ref().unwrap().error.as_deref(),
        Some("fast (12) must be below slow (5)")
    );
    // q, e, x and n are text here, not keys: nothing quits or sends.
    assert!(press(&mut u, &v, "qexn").is_empty());
    assert!(u.strategy_form.is_some());
    assert_eq!(k(&mut u, &v, KeyCode::Esc), None);
    assert!(u.strategy_form.is_none());
}

#[test]
fn enter_starts_a_stopped_or_failed_instance_and_stops_a_running_one() {
    let (v, mut u) = focused();
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyStop(1))
    );
    assert_eq!(u.trade_msg.as_deref(), Some("stopping #1 swing BTCUSDT 1m"));
    handle_key(&mut u, ch('j'), &v);
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyStart(2))
    );
    k(&mut u, &v, KeyCode::Down);
    assert!(matches!(v.strategies[2].status, StrategyStatus::Error(_)));
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyStart(3))
    );
    // The selection stops at the last row.
    handle_key(&mut u, ch('j'), &v);
    assert_eq!(u.strategies_sel, 2);
    handle_key(&mut u, ch('k'), &v);
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyStart(2))
    );
}

#[test]
fn the_selection_follows_the_instance_when_rows_move() {
    let (mut v, mut u) = focused();
    handle_key(&mut u, ch('j'), &v);
    assert_eq!(u.strategies_sel_id, Some(2));
    // A new instance listed first: Enter still means the grid.
    let mut extra = v.strategies[0].clone();
    extra.id = 9;
    v.strategies.insert(0, extra);
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyStart(2))
    );
    // The grid deleted: the row under the cursor is taken, by position.
    v.strategies.retain(|r| r.id != 2);
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyStart(3))
    );
}

#[test]
fn e_edits_parameters_validated_as_typed() {
    let (v, mut u) = focused();
    assert!(press(&mut u, &v, "e").is_empty());
    let f = u.strategy_form.as_ref().expect("edit form");
    assert_eq!(f.kind, FormKind::Edit { id: 1 });
    assert_eq!(f.focus, FormField::Param(0), "params only");
    assert_eq!(f.params_text(), SWING_DEFAULTS, "from the row's params");
    // The strategy cannot be changed in an edit.
    k(&mut u, &v, KeyCode::BackTab);
    assert_eq!(
        u.strategy_form.as_ref().unwrap().focus,
        FormField::Param(10)
    );
    k(&mut u, &v, KeyCode::Tab);
    handle_key(&mut u, ch(' '), &v);
    assert_eq!(u.strategy_form.as_ref().unwrap().info().name, "swing");
    // A bad value: the reason is there while typing, Enter sends nothing.
    press(&mut u, &v, "500");
    let f = u.strategy_form.as_ref().unwrap();
    assert_eq!(
        f.check(&v),
        Err((
            FormField::Param(0),
            "fast must be an integer between 2 and 200 (got 500)".into()
        ))
    );
    assert_eq!(k(&mut u, &v, KeyCode::Enter), None);
    assert!(u.strategy_form.is_some());
    // A good one: exactly the new parameter set.
    for _ in 0..3 {
        k(&mut u, &v, KeyCode::Backspace);
    }
    press(&mut u, &v, "9");
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyEdit {
            id: 1,
            params: SWING_DEFAULTS.replace("fast=12", "fast=9"),
        })
    );
    assert!(u.strategy_form.is_none());
}

#[test]
fn x_asks_before_deleting_and_only_a_stopped_instance() {
    let (v, mut u) = focused();
    // Running: refused with the way out, and no question.
    assert_eq!(handle_key(&mut u, ch('x'), &v), None);
    assert!(u.confirm.is_none());
    assert!(
        u.trade_msg.as_deref().unwrap().contains("stop it first"),
        "{:?}",
        u.trade_msg
    );
    handle_key(&mut u, ch('j'), &v);
    assert_eq!(handle_key(&mut u, ch('x'), &v), None);
    assert_eq!(
        u.confirm,
        Some(Confirm::StrategyDelete {
            id: 2,
            summary: "#2 grid ETHUSDT 5m".into()
        })
    );
    // No: nothing sent.
    assert_eq!(handle_key(&mut u, ch('n'), &v), None);
    assert!(u.confirm.is_none());
    handle_key(&mut u, ch('x'), &v);
    assert_eq!(
        handle_key(&mut u, ch('y'), &v),
        send(Command::StrategyDelete(2))
    );
    // The errored one may be deleted too.
    handle_key(&mut u, ch('j'), &v);
    handle_key(&mut u, ch('x'), &v);
    assert_eq!(
        k(&mut u, &v, KeyCode::Enter),
        send(Command::StrategyDelete(3))
    );
}

#[test]
fn pane_keys_win_only_while_the_pane_has_focus() {
    let (v, mut u) = (view_strategies(), ui());
    // Elsewhere, e maximises and n, x, Enter do nothing.
    handle_key(&mut u, ch('e'), &v);
    assert!(u.maximised && u.strategy_form.is_none());
    handle_key(&mut u, key(KeyCode::Esc), &v);
    for c in ['n', 'x'] {
        assert_eq!(handle_key(&mut u, ch(c), &v), None);
    }
    assert_eq!(k(&mut u, &v, KeyCode::Enter), None);
    assert!(u.strategy_form.is_none() && u.confirm.is_none());
    // Focused: e edits.
    u.focus = Pane::Strategies;
    handle_key(&mut u, ch('e'), &v);
    assert!(!u.maximised && u.strategy_form.is_some());
}

#[test]
fn read_only_has_no_strategy_actions() {
    let (v, mut u) = focused();
    u.read_only = true;
    for c in ['n', 'x'] {
        assert_eq!(handle_key(&mut u, ch(c), &v), None);
    }
    assert_eq!(k(&mut u, &v, KeyCode::Enter), None);
    assert!(u.strategy_form.is_none() && u.confirm.is_none());
    // e falls through to the global maximise; selecting still works.
    handle_key(&mut u, ch('e'), &v);
    assert!(u.maximised && u.strategy_form.is_none());
    handle_key(&mut u, ch('j'), &v);
    assert_eq!(u.strategies_sel, 1);
    // A form left open when trading goes away is dropped, unsent.
    let (v, mut u) = focused();
    press(&mut u, &v, "n");
    u.read_only = true;
    assert_eq!(k(&mut u, &v, KeyCode::Enter), None);
    assert!(u.strategy_form.is_none());
}

#[test]
fn tab_reaches_the_pane_after_account_only_with_an_account() {
    let (v, mut u) = (view_strategies(), ui());
    u.focus = Pane::Account;
    k(&mut u, &v, KeyCode::Tab);
    assert_eq!(u.focus, Pane::Strategies);
    k(&mut u, &v, KeyCode::Tab);
    assert_eq!(u.focus, Pane::Logs);
    k(&mut u, &v, KeyCode::BackTab);
    assert_eq!(u.focus, Pane::Strategies);
    // No account: no strategies pane (focus falls back to the book).
    let v = view();
    k(&mut u, &v, KeyCode::Tab);
    assert_ne!(u.focus, Pane::Strategies);
}

#[test]
fn an_empty_list_still_offers_new() {
    let (mut v, mut u) = focused();
    v.strategies.clear();
    assert_eq!(k(&mut u, &v, KeyCode::Enter), None);
    assert_eq!(
        u.trade_msg.as_deref(),
        Some("no strategy instance: n creates one")
    );
    assert_eq!(handle_key(&mut u, ch('x'), &v), None);
    assert!(u.confirm.is_none());
    press(&mut u, &v, "n");
    assert!(u.strategy_form.is_some());
}

#[test]
fn starting_where_orders_reach_an_exchange_is_confirmed_first() {
    for mode in [
        tradeterm::config::Mode::Testnet,
        tradeterm::config::Mode::Demo,
        tradeterm::config::Mode::Live,
    ] {
        let (mut v, mut u) = focused();
        v.mode = Some(mode);
        handle_key(&mut u, ch('j'), &v);
        // Enter asks; nothing is sent yet.
        assert_eq!(k(&mut u, &v, KeyCode::Enter), None, "{mode:?}");
        assert_eq!(
            u.confirm,
            Some(Confirm::StrategyStart {
                id: 2,
                summary: "#2 grid ETHUSDT 5m".into()
            })
        );
        let s = text(&render(&mut u, &v, &logs(), 140, 45));
        assert!(s.contains("Start #2 grid ETHUSDT 5m on"), "{s}");
        assert!(s.contains(mode.badge()), "{s}");
        // No: nothing; yes: the start.
        assert_eq!(handle_key(&mut u, ch('n'), &v), None);
        assert!(u.confirm.is_none());
        k(&mut u, &v, KeyCode::Enter);
        assert_eq!(
            handle_key(&mut u, ch('y'), &v),
            send(Command::StrategyStart(2))
        );
        // Stopping is never asked about.
        handle_key(&mut u, ch('k'), &v);
        assert_eq!(
            k(&mut u, &v, KeyCode::Enter),
            send(Command::StrategyStop(1))
        );
    }
}
