//! Order entry by keys (the ticket and its review): pure `handle_key` calls
//! against the fixture view with a paper account. Every command that can leave the UI is checked to
//! be exactly the expected one, with exact decimals.

mod ui_fixture;

use crossterm::event::KeyCode;
use tradeterm::config::Mode;
use tradeterm::domain::Side;
use tradeterm::engine::{Command, HaltInfo, OrderTicket, View};
use tradeterm::trading::order::{OrderType, TimeInForce};
use tradeterm::ui::ticket::{preview, Field, Unit};
use tradeterm::ui::{handle_key, Action, UiState};
use ui_fixture::*;

fn press(u: &mut UiState, v: &View, keys: &str) -> Vec<Action> {
    keys.chars()
        .filter_map(|c| handle_key(u, ch(c), v))
        .collect()
}

fn enter(u: &mut UiState, v: &View) -> Option<Action> {
    handle_key(u, key(KeyCode::Enter), v)
}

fn amount(u: &UiState) -> String {
    u.ticket.as_ref().unwrap().amount.clone()
}

fn limit_buy(price: &str, qty: &str) -> Command {
    Command::PlaceOrder(OrderTicket {
        symbol: "BTCUSDT".into(),
        side: Side::Buy,
        kind: OrderType::Limit,
        tif: Some(TimeInForce::Gtc),
        price: Some(d(price)),
        stop_price: None,
        qty: Some(d(qty)),
        quote_qty: None,
        client_order_id: None,
        tag: None,
    })
}

/// `b`, price 61000 (Tab back to the price field), quantity 0.01.
fn fill_limit_buy(u: &mut UiState, v: &View) {
    assert!(press(u, v, "b0.01").is_empty());
    handle_key(u, key(KeyCode::BackTab), v);
    assert_eq!(u.ticket.as_ref().unwrap().focus, Field::Price);
    assert!(press(u, v, "61000").is_empty());
}

#[test]
fn b_and_shift_s_open_the_ticket_at_the_touch() {
    let (v, mut u) = (view_trading(), ui());
    handle_key(&mut u, ch('b'), &v);
    let t = u.ticket.as_ref().expect("ticket open");
    assert_eq!((t.side, t.kind), (Side::Buy, OrderType::Limit));
    assert_eq!(t.price, "61837.62", "buy defaults to the best bid");
    assert_eq!(t.focus, Field::Amount);
    handle_key(&mut u, key(KeyCode::Esc), &v);
    assert!(u.ticket.is_none());
    handle_key(&mut u, ch('S'), &v);
    let t = u.ticket.as_ref().unwrap();
    assert_eq!((t.side, t.price.as_str()), (Side::Sell, "61837.63"));
    // Lower-case s is still the symbol prompt, not a sell.
    handle_key(&mut u, ctrl('g'), &v);
    handle_key(&mut u, ch('s'), &v);
    assert!(u.prompt.is_some() && u.ticket.is_none());
}

#[test]
fn tab_cycles_the_fields_of_the_order_type() {
    let (v, mut u) = (view_trading(), ui());
    handle_key(&mut u, ch('b'), &v);
    let mut seen = Vec::new();
    for _ in 0..5 {
        handle_key(&mut u, key(KeyCode::Tab), &v);
        seen.push(u.ticket.as_ref().unwrap().focus);
    }
    use Field::*;
    assert_eq!(seen, [Side, Type, Tif, Price, Amount]);
    handle_key(&mut u, key(KeyCode::BackTab), &v);
    assert_eq!(u.ticket.as_ref().unwrap().focus, Price);
    // MARKET: no TIF and no price, but a unit choice.
    handle_key(&mut u, key(KeyCode::Up), &v);
    handle_key(&mut u, key(KeyCode::Up), &v);
    assert_eq!(u.ticket.as_ref().unwrap().focus, Type);
    handle_key(&mut u, ch(' '), &v);
    let t = u.ticket.as_ref().unwrap();
    assert_eq!(t.kind, OrderType::Market);
    assert_eq!(t.fields(), [Side, Type, Unit, Amount]);
    // Stop types add a stop price.
    handle_key(&mut u, key(KeyCode::Right), &v);
    handle_key(&mut u, key(KeyCode::Right), &v);
    let t = u.ticket.as_ref().unwrap();
    assert_eq!(t.kind, OrderType::StopLossLimit);
    assert_eq!(t.fields(), [Side, Type, Tif, Stop, Price, Amount]);
    handle_key(&mut u, key(KeyCode::Left), &v);
    assert_eq!(u.ticket.as_ref().unwrap().kind, OrderType::LimitMaker);
}

#[test]
fn typing_edits_only_numbers_and_q_does_not_quit() {
    let (v, mut u) = (view_trading(), ui());
    handle_key(&mut u, ch('b'), &v);
    assert!(press(&mut u, &v, "0.0a1q").is_empty());
    assert_eq!(amount(&u), "0.01");
    handle_key(&mut u, key(KeyCode::Backspace), &v);
    assert_eq!(amount(&u), "0.0");
    // A newly focused field is replaced by the first character typed.
    handle_key(&mut u, key(KeyCode::BackTab), &v);
    press(&mut u, &v, "60000.5");
    assert_eq!(u.ticket.as_ref().unwrap().price, "60000.5");
    handle_key(&mut u, ctrl('u'), &v);
    assert_eq!(u.ticket.as_ref().unwrap().price, "");
    // Malformed numbers are refused inline, not guessed at.
    press(&mut u, &v, "1.2.3");
    let p = preview(u.ticket.as_ref().unwrap(), &v);
    assert_eq!(p.field_errors, [(Field::Price, "not a number".to_string())]);
    assert_eq!(enter(&mut u, &v), None);
    assert!(u.ticket.as_ref().unwrap().review.is_none());
    assert!(u
        .ticket
        .as_ref()
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("not a number"));
}

#[test]
fn percentages_size_from_the_free_balance_and_price() {
    let (v, mut u) = (view_trading(), ui());
    handle_key(&mut u, ch('b'), &v);
    // 10000 USDT free at 61837.62, rounded down to the 0.00001 step.
    for (k, want) in [
        ('z', "0.04042"),
        ('x', "0.08085"),
        ('c', "0.12128"),
        ('v', "0.16171"),
    ] {
        handle_key(&mut u, ch(k), &v);
        assert_eq!(amount(&u), want, "{k}");
        assert!(d(want) * d("61837.62") <= d("10000"));
    }
    // At another price the same share buys a different quantity.
    handle_key(&mut u, key(KeyCode::BackTab), &v);
    press(&mut u, &v, "50000");
    handle_key(&mut u, ch('x'), &v);
    assert_eq!(amount(&u), "0.1");
    // Sells size from the free base: 0.5 BTC.
    handle_key(&mut u, key(KeyCode::Esc), &v);
    handle_key(&mut u, ch('S'), &v);
    handle_key(&mut u, ch('x'), &v);
    assert_eq!(amount(&u), "0.25");
    handle_key(&mut u, ch('v'), &v);
    assert_eq!(amount(&u), "0.5");
}

#[test]
fn a_quantity_the_filters_refuse_shows_why_and_enter_does_not_proceed() {
    let (v, mut u) = (view_trading(), ui());
    press(&mut u, &v, "b0.00001");
    let p = preview(u.ticket.as_ref().unwrap(), &v);
    let e = p.filters.clone().unwrap().unwrap_err();
    assert!(e.starts_with("NOTIONAL"), "{e}");
    assert!(e.contains("nearest valid: 0.00009"), "{e}");
    assert!(p.ready.is_none());
    assert_eq!(enter(&mut u, &v), None);
    assert!(u.ticket.as_ref().unwrap().review.is_none());
    assert!(u
        .ticket
        .as_ref()
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("NOTIONAL"));
    // More Enters never send.
    assert_eq!(enter(&mut u, &v), None);
    assert_eq!(enter(&mut u, &v), None);
}

#[test]
fn paper_limit_review_then_enter_sends_exactly_the_order() {
    let (v, mut u) = (view_trading(), ui());
    fill_limit_buy(&mut u, &v);
    assert_eq!(enter(&mut u, &v), None, "Enter on the ticket only reviews");
    let r = u.ticket.as_ref().unwrap().review.as_ref().expect("review");
    assert_eq!(r.notional, Some(d("610")));
    let fee = r.fee.as_ref().unwrap();
    assert_eq!(
        (fee.amount, fee.rate),
        (d("0.488"), d("0.0008")),
        "resting: maker"
    );
    assert_eq!(
        enter(&mut u, &v),
        Some(Action::Send(limit_buy("61000", "0.01")))
    );
    assert!(u.ticket.is_none());
}

#[test]
fn prices_and_quantities_are_rounded_before_review() {
    let (v, mut u) = (view_trading(), ui());
    press(&mut u, &v, "b0.0123456");
    handle_key(&mut u, key(KeyCode::BackTab), &v);
    press(&mut u, &v, "61000.019");
    enter(&mut u, &v);
    // A buy's price rounds down (never pays more), the quantity down.
    assert_eq!(
        enter(&mut u, &v),
        Some(Action::Send(limit_buy("61000.01", "0.01234")))
    );
}

#[test]
fn market_by_quote_amount() {
    let (v, mut u) = (view_trading(), ui());
    handle_key(&mut u, ch('b'), &v);
    press(&mut u, &v, "0.5"); // typed as base, then the unit changes:
    handle_key(&mut u, key(KeyCode::Tab), &v);
    handle_key(&mut u, key(KeyCode::Tab), &v);
    handle_key(&mut u, ch(' '), &v); // LIMIT -> MARKET
    handle_key(&mut u, key(KeyCode::Tab), &v);
    handle_key(&mut u, ch(' '), &v); // BTC quantity -> USDT amount
    let t = u.ticket.as_ref().unwrap();
    assert_eq!((t.unit(), t.amount.as_str()), (Unit::Quote, ""), "cleared");
    handle_key(&mut u, key(KeyCode::Tab), &v);
    press(&mut u, &v, "100");
    enter(&mut u, &v);
    let want = Command::PlaceOrder(OrderTicket {
        symbol: "BTCUSDT".into(),
        side: Side::Buy,
        kind: OrderType::Market,
        tif: None,
        price: None,
        stop_price: None,
        qty: None,
        quote_qty: Some(d("100")),
        client_order_id: None,
        tag: None,
    });
    assert_eq!(enter(&mut u, &v), Some(Action::Send(want)));
}

#[test]
fn testnet_and_demo_need_a_confirmation() {
    for mode in [Mode::Testnet, Mode::Demo] {
        let (mut v, mut u) = (view_trading(), ui());
        v.mode = Some(mode);
        fill_limit_buy(&mut u, &v);
        assert_eq!(enter(&mut u, &v), None);
        assert!(u.ticket.as_ref().unwrap().review.is_some());
        // n goes back to the ticket with everything kept.
        assert_eq!(handle_key(&mut u, ch('n'), &v), None);
        let t = u.ticket.as_ref().unwrap();
        assert!(t.review.is_none());
        assert_eq!((t.price.as_str(), t.amount.as_str()), ("61000", "0.01"));
        enter(&mut u, &v);
        assert_eq!(
            handle_key(&mut u, ch('y'), &v),
            Some(Action::Send(limit_buy("61000", "0.01")))
        );
    }
}

#[test]
fn live_sends_only_after_the_symbol_is_typed() {
    let (mut v, mut u) = (view_trading(), ui());
    v.mode = Some(Mode::Live);
    fill_limit_buy(&mut u, &v);
    enter(&mut u, &v);
    assert!(u.ticket.as_ref().unwrap().review.is_some());
    // Enter alone, y, and a wrong symbol send nothing.
    assert_eq!(enter(&mut u, &v), None);
    assert_eq!(handle_key(&mut u, ch('y'), &v), None);
    let r = u.ticket.as_ref().unwrap().review.as_ref().unwrap();
    assert_eq!(r.typed, "Y", "y is text in LIVE");
    handle_key(&mut u, key(KeyCode::Backspace), &v);
    assert!(press(&mut u, &v, "ethusdt").is_empty());
    assert_eq!(enter(&mut u, &v), None);
    let r = u.ticket.as_ref().unwrap().review.as_ref().unwrap();
    assert!(r.error.as_deref().unwrap().contains("type BTCUSDT exactly"));
    for _ in 0..7 {
        handle_key(&mut u, key(KeyCode::Backspace), &v);
    }
    assert!(press(&mut u, &v, "btcusd").is_empty());
    assert_eq!(enter(&mut u, &v), None);
    press(&mut u, &v, "t");
    assert_eq!(
        enter(&mut u, &v),
        Some(Action::Send(limit_buy("61000", "0.01")))
    );
}

#[test]
fn esc_backs_out_one_level_and_ctrl_g_too() {
    let (mut v, mut u) = (view_trading(), ui());
    v.mode = Some(Mode::Live);
    fill_limit_buy(&mut u, &v);
    enter(&mut u, &v);
    press(&mut u, &v, "n"); // text in LIVE
    handle_key(&mut u, key(KeyCode::Esc), &v);
    assert!(u.ticket.as_ref().unwrap().review.is_none());
    enter(&mut u, &v);
    handle_key(&mut u, ctrl('g'), &v);
    assert!(u.ticket.as_ref().unwrap().review.is_none());
    handle_key(&mut u, ctrl('g'), &v);
    assert!(u.ticket.is_none());
    assert_eq!(handle_key(&mut u, ch('q'), &v), Some(Action::Quit));
}

#[test]
fn nothing_is_sent_while_blocked_or_halted() {
    let (mut v, mut u) = (view_trading(), ui());
    fill_limit_buy(&mut u, &v);
    enter(&mut u, &v);
    // Halted while the review was open: Enter refuses.
    v.trading.as_mut().unwrap().halted = Some(HaltInfo {
        reason: "daily loss limit".into(),
        since_ms: T0,
    });
    assert_eq!(enter(&mut u, &v), None);
    let r = u.ticket.as_ref().unwrap().review.as_ref().unwrap();
    assert!(r.error.as_deref().unwrap().contains("nothing was sent"));
    // And the ticket does not review at all while blocked.
    handle_key(&mut u, key(KeyCode::Esc), &v);
    assert_eq!(enter(&mut u, &v), None);
    assert!(u
        .ticket
        .as_ref()
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("HALTED"));
    let tv = v.trading.as_mut().unwrap();
    tv.halted = None;
    tv.can_trade = false;
    tv.blocked_reason = Some("reconciling the account".into());
    assert_eq!(enter(&mut u, &v), None);
    assert!(u
        .ticket
        .as_ref()
        .unwrap()
        .error
        .as_deref()
        .unwrap()
        .contains("BLOCKED: reconciling"));
}

#[test]
fn post_only_that_would_take_and_stops_that_would_trigger_are_refused() {
    let (v, mut u) = (view_trading(), ui());
    press(&mut u, &v, "b0.01");
    let t = u.ticket.as_mut().unwrap();
    t.kind = OrderType::LimitMaker;
    t.price = "61837.63".into(); // the best ask
    let p = preview(t, &v);
    assert!(
        p.problems[0].contains("LIMIT_MAKER would take"),
        "{:?}",
        p.problems
    );
    t.kind = OrderType::StopLossLimit;
    t.stop = "61000".into(); // a stop-loss buy must be above the market
    let p = preview(t, &v);
    assert!(
        p.problems[0].contains("stop must be above"),
        "{:?}",
        p.problems
    );
    t.stop = "62000".into();
    t.price = "62010".into();
    let p = preview(t, &v);
    assert!(p.ready.is_some(), "{p:?}");
    assert_eq!(p.ready.unwrap().stop_price, Some(d("62000")));
}
