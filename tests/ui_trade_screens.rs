//! Trading screens in ratatui's TestBackend: the account panes in both
//! layouts, the ticket and its review per mode, confirmations, banners,
//! read-only, and NO_COLOR (snapshots with the clock and zone pinned).

mod ui_fixture;

use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use tradeterm::config::{ColorChoice, Mode};
use tradeterm::engine::{HaltInfo, Notice};
use tradeterm::ui::keymap::{active, keys_label, Context, BINDINGS, TRADING_BINDINGS};
use tradeterm::ui::{handle_key, ColorDepth, Pane};
use ui_fixture::*;

#[test]
fn account_panes_full_140x45() {
    let (v, l, mut u) = (view_trading(), logs(), ui());
    let s = text(&render(&mut u, &v, &l, 140, 45));
    has_all(
        &s,
        &[
            "Trading ready",
            "venue paper",
            "11:59:30 OK: order tt-man-2 accepted",
            "Open orders  3",
            "BTCUSDT BUY  LIMIT 61000.00 0.01000 NEW",
            "BTCUSDT SELL LIMIT 62500.00 0.01000 PARTIAL",
            "ETHUSDT BUY  LIMIT   3800.5     0.5 NEW",
            "Fills 2",
            "SELL 62500.00 0.00400   0.25 USDT maker",
            "BUY  61837.63 0.02000 0.00002 BTC taker",
            "Trips 2",
            "+11.88 +1.98%",
            "-6.95 -0.36%",
            "FILLED",
            "CANCELED",
            "day +4.93 USDT",
            "USDT       10000.00000000 610.00000000",
            "BTCUSDT +0.50600 @ 60000.00 mark 61837.62",
            "unreal +929.83 real +12.34 fees 1.2345",
            "ETHUSDT flat",
            "b buy  S sell  K kill",
        ],
    );
    // The market panes are still all there.
    has_all(&s, &["Order book", "Chart", "Trades", "Log"]);
    insta::assert_snapshot!("trading_140x45", s);
}

#[test]
fn compact_80x24_gives_a_focused_account_pane_the_body() {
    let (v, l, mut u) = (view_trading(), logs(), ui());
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(
        !s.contains("Open orders") && s.contains("Order book"),
        "\n{s}"
    );
    handle_key(&mut u, key(KeyCode::Tab), &v);
    handle_key(&mut u, key(KeyCode::Tab), &v);
    handle_key(&mut u, key(KeyCode::Tab), &v);
    assert_eq!(u.focus, Pane::Orders);
    handle_key(&mut u, ch('j'), &v);
    let buf = render(&mut u, &v, &l, 80, 24);
    let s = text(&buf);
    has_all(
        &s,
        &[
            "Time     Symbol  Side Type     Price     Qty  Filled Status",
            "11:58:00 BTCUSDT SELL LIMIT 62500.00 0.01000 0.00400 PARTIAL",
            "k/j select  c cancel  C cancel all",
        ],
    );
    assert!(!s.contains("Order book"), "\n{s}");
    // The selected row is reversed, so it shows without colour.
    let (x, y) = find(&buf, "11:58:00 BTCUSDT SELL");
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    let (x, y) = find(&buf, "11:59:00 BTCUSDT BUY");
    assert!(!buf[(x, y)].modifier.contains(Modifier::REVERSED));
    insta::assert_snapshot!("trading_orders_80x24", s);

    u.focus = Pane::History;
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(
        &s,
        &[
            "Fills 2",
            "0.00002 BTC taker",
            "Trips 2",
            "+11.88",
            "Orders 2",
        ],
    );
    u.focus = Pane::Account;
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(&s, &["Balances 2", "Positions 2", "day +4.93 USDT"]);
    // Maximise works for the account panes too.
    handle_key(&mut u, ch('e'), &v);
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(
        s.contains("Balances 2") && !s.contains("Order book"),
        "\n{s}"
    );
}

#[test]
fn ticket_shows_fields_and_a_live_preview() {
    let (v, l, mut u) = (view_trading(), logs(), ui());
    keys(&mut u, &v, "b0.01");
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(
        &s,
        &[
            "Order ticket  BUY BTCUSDT  PAPER",
            "Side         BUY",
            "Type         LIMIT",
            "TIF          GTC",
            "Price      61837.62       USDT",
            "Quantity   0.01           BTC",
            "z 25% x 50% c 75% v 100% of 10000 USDT free",
            "Rounded    price 61837.62  qty 0.01000",
            "Notional   618.37 USDT",
            "Fee        ~0.49470096 USDT (maker 0.08%, rests on the book)",
            "Filters    OK",
            "Tab field  Space change  z/x/c/v %  Enter review  Esc close",
        ],
    );
    insta::assert_snapshot!("ticket_80x24", s);
    // A price through the ask takes: the fee turns taker.
    handle_key(&mut u, key(KeyCode::BackTab), &v);
    keys(&mut u, &v, "62000");
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(
        s.contains("~0.62 USDT (taker 0.1%, crosses the spread)"),
        "\n{s}"
    );
}

#[test]
fn a_refused_quantity_shows_the_filter_and_the_nearest_valid_value() {
    let (v, l, mut u) = (view_trading(), logs(), ui());
    keys(&mut u, &v, "b0.00001");
    handle_key(&mut u, key(KeyCode::Enter), &v);
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(
        &s,
        &[
            "Filters    REFUSED NOTIONAL: order value 0.6183762 is below the minimum 5",
            "(nearest valid: 0.00009)",
            "ERROR: NOTIONAL",
        ],
    );
    assert!(!s.contains("Review order"), "\n{s}");
    // A malformed number is marked at its field.
    handle_key(&mut u, ch('.'), &v);
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(s.contains("0.00001.       BTC  not a number"), "\n{s}");
}

#[test]
fn review_names_the_environment_per_mode() {
    for (mode, venue, needles) in [
        (
            Mode::Sim,
            "sim",
            &[
                "Review order",
                "Simulated order: Enter sends it",
                "Enter send  Esc back",
            ][..],
        ),
        (
            Mode::Testnet,
            "Binance testnet",
            &[
                "Confirm order",
                "CONFIRM: this order goes to Binance testnet.",
                "Enter/y send  Esc/n back",
            ][..],
        ),
    ] {
        let (mut v, l, mut u) = (view_trading(), logs(), ui());
        v.mode = Some(mode);
        v.trading.as_mut().unwrap().venue = venue.into();
        keys(&mut u, &v, "b0.01");
        handle_key(&mut u, key(KeyCode::Enter), &v);
        let s = text(&render(&mut u, &v, &l, 80, 24));
        has_all(&s, needles);
        has_all(
            &s,
            &[
                &format!(" {} ", mode.badge()),
                &format!("venue: {venue}"),
                "Side       BUY",
                "Type       LIMIT GTC",
                "Quantity   0.01000 BTC",
                "Price      61837.62 USDT",
                "Notional   618.37 USDT",
                "Fee        ~0.49470096 USDT (maker 0.08%",
            ],
        );
    }
}

#[test]
fn live_review_is_reverse_red_and_asks_for_the_symbol() {
    let (mut v, l, mut u) = (view_trading(), logs(), ui());
    v.mode = Some(Mode::Live);
    v.trading.as_mut().unwrap().venue = "Binance LIVE".into();
    keys(&mut u, &v, "b0.01");
    handle_key(&mut u, key(KeyCode::Enter), &v);
    keys(&mut u, &v, "btc");
    handle_key(&mut u, key(KeyCode::Enter), &v);
    let buf = render(&mut u, &v, &l, 80, 24);
    let s = text(&buf);
    has_all(
        &s,
        &[
            "CONFIRM LIVE ORDER",
            "LIVE ORDER - REAL MONEY - REAL EXCHANGE",
            " LIVE ",
            "venue: Binance LIVE",
            "Type BTCUSDT to confirm: BTC",
            "ERROR: type BTCUSDT exactly to send this LIVE order",
            "type the symbol, Enter send  Esc back",
        ],
    );
    for needle in [
        "LIVE ORDER - REAL MONEY",
        "CONFIRM LIVE ORDER",
        "Type BTCUSDT",
    ] {
        let (x, y) = find(&buf, needle);
        let c = &buf[(x, y)];
        assert!(
            c.modifier.contains(Modifier::REVERSED | Modifier::BOLD),
            "{needle}"
        );
        assert_eq!(c.fg, Color::Indexed(160), "{needle}");
    }
    insta::assert_snapshot!("live_review_80x24", s);
    // Without colour it is still reversed and bold.
    u.theme = tradeterm::ui::Theme::new(ColorDepth::None);
    let buf = render(&mut u, &v, &l, 80, 24);
    let (x, y) = find(&buf, "LIVE ORDER - REAL MONEY");
    assert!(buf[(x, y)]
        .modifier
        .contains(Modifier::REVERSED | Modifier::BOLD));
}

#[test]
fn confirmations_say_what_will_happen() {
    let (v, l, mut u) = (view_trading(), logs(), ui());
    handle_key(&mut u, ch('K'), &v);
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(
        &s,
        &[
            "KILL SWITCH",
            "HALT trading: cancel all open orders, refuse new ones, stop strategies;",
            "stays halted across restarts until resumed (R).",
            "y/Enter yes   n/Esc no",
        ],
    );
    insta::assert_snapshot!("kill_switch_80x24", s);
    handle_key(&mut u, ch('n'), &v);
    u.focus = Pane::Orders;
    handle_key(&mut u, ch('C'), &v);
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(s.contains("Cancel ALL 2 open orders of BTCUSDT?"), "\n{s}");
    handle_key(&mut u, ch('n'), &v);
    handle_key(&mut u, ch('c'), &v);
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(
        &s,
        &[
            "Cancel BUY 0.01000 BTCUSDT @ 61000.00 LIMIT?",
            "id tt-man-1",
        ],
    );
}

#[test]
fn halted_blocked_and_refused_are_spelled_out() {
    let (mut v, l, mut u) = (view_trading(), logs(), ui());
    let tv = v.trading.as_mut().unwrap();
    tv.halted = Some(HaltInfo {
        reason: "kill switch".into(),
        since_ms: T0,
    });
    tv.can_trade = false;
    tv.notice = Some(Notice {
        error: true,
        client_order_id: None,
        text: "insufficient balance".into(),
        time_ms: T0,
    });
    let buf = render(&mut u, &v, &l, 140, 45);
    let s = text(&buf);
    has_all(
        &s,
        &[
            " HALTED since 12:00:00: kill switch  R resume",
            "12:00:00 REFUSED: insufficient balance",
        ],
    );
    let (x, y) = find(&buf, "REFUSED:");
    assert_eq!(buf[(x, y)].fg, Color::Indexed(203), "refusals are red too");
    let (x, y) = find(&buf, "HALTED");
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    let tv = v.trading.as_mut().unwrap();
    tv.halted = None;
    tv.blocked_reason = Some("reconciling the account".into());
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(s.contains("BLOCKED: reconciling the account"), "\n{s}");
}

#[test]
fn read_only_shows_the_account_but_no_order_entry() {
    let (v, l, mut u) = (view_trading(), logs(), ui());
    u.read_only = true;
    let s = text(&render(&mut u, &v, &l, 140, 45));
    has_all(
        &s,
        &["READ-ONLY: order entry off", "Balances 2", "Open orders  3"],
    );
    assert!(
        !s.contains("b buy") && !s.contains("Trading ready"),
        "\n{s}"
    );
    u.focus = Pane::Orders;
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(s.contains("k/j select") && !s.contains("c cancel"), "\n{s}");
    handle_key(&mut u, ch('?'), &v);
    let s = text(&render(&mut u, &v, &l, 140, 45));
    // Descriptions that only order keys have, and their contexts.
    let market: Vec<&str> = BINDINGS.iter().map(|b| b.description).collect();
    for b in TRADING_BINDINGS
        .iter()
        .filter(|b| !market.contains(&b.description))
    {
        assert!(
            !s.contains(b.description),
            "{:?} listed\n{s}",
            b.description
        );
    }
    for ctx in [
        Context::Trade,
        Context::Ticket,
        Context::Review,
        Context::Confirm,
    ] {
        assert!(!s.contains(ctx.title()), "{:?}\n{s}", ctx.title());
    }
    assert!(s.contains("Select the next order"), "\n{s}");
}

#[test]
fn help_lists_every_binding_when_trading() {
    let (v, l, mut u) = (view_trading(), logs(), ui());
    handle_key(&mut u, ch('?'), &v);
    let mut listed = String::new();
    for _ in 0..10 {
        listed.push_str(&text(&render(&mut u, &v, &l, 140, 45)));
        for _ in 0..30 {
            handle_key(&mut u, ch('j'), &v);
        }
    }
    let lines: Vec<&str> = listed.lines().collect();
    for b in active(true) {
        let k = keys_label(b);
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&k) && l.contains(b.description)),
            "help lacks {k:?} / {:?}",
            b.description
        );
    }
}

#[test]
fn no_color_keeps_sides_and_pnl_readable() {
    let (v, l) = (view_trading(), logs());
    let no_color = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
    let mut u = ui_with(ColorDepth::detect(ColorChoice::Auto, no_color));
    let mut screens = Vec::new();
    screens.push(render(&mut u, &v, &l, 140, 45));
    for focus in [Pane::History, Pane::Account] {
        u.focus = focus;
        screens.push(render(&mut u, &v, &l, 80, 24));
    }
    u.focus = Pane::Book;
    keys(&mut u, &v, "S0.01");
    screens.push(render(&mut u, &v, &l, 80, 24));
    let mut all = String::new();
    for buf in &screens {
        for c in buf.content() {
            assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{c:?}");
        }
        all.push_str(&text(buf));
    }
    has_all(
        &all,
        &[
            "BUY",
            "SELL",
            "+11.88",
            "-6.95",
            "+1.98%",
            "-0.36%",
            "+929.83",
            "+4.93",
            "+0.50600",
            "Order ticket  SELL BTCUSDT",
        ],
    );
}

#[test]
fn smallest_terminal_still_draws_the_ticket_and_panes() {
    let (v, l, mut u) = (view_trading(), logs(), ui());
    for focus in [Pane::Orders, Pane::History, Pane::Account, Pane::Strategies] {
        u.focus = focus;
        let s = text(&render(&mut u, &v, &l, 60, 16));
        assert!(s.contains(focus.title()), "\n{s}");
    }
    keys(&mut u, &v, "b0.01");
    let s = text(&render(&mut u, &v, &l, 60, 16));
    assert!(s.contains("Order ticket"), "\n{s}");
}
