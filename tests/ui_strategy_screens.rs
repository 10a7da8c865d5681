//! The strategies pane and its form in ratatui's TestBackend: the table and
//! the selected instance's detail in both layouts, status readable without
//! colour, the form with a refused value, read-only, and no panic at any
//! size (snapshots with the clock and zone pinned).

mod ui_fixture;

use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use tradeterm::config::{ColorChoice, Glyphs, LayoutChoice};
use tradeterm::engine::View;
use tradeterm::ui::keymap::{Context, BINDINGS, STRATEGY_BINDINGS};
use tradeterm::ui::{handle_key, ColorDepth, Pane, UiState};
use ui_fixture::*;

fn focused() -> (View, tradeterm::logging::LogBuffer, UiState) {
    let (v, mut u) = (view_strategies(), ui());
    u.focus = Pane::Strategies;
    (v, logs(), u)
}

#[test]
fn pane_full_140x45_takes_the_account_row_while_focused() {
    let (v, l, mut u) = (view_strategies(), logs(), ui());
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(!s.contains("Strategies") && s.contains("Open orders"));
    u.focus = Pane::Strategies;
    let buf = render(&mut u, &v, &l, 140, 45);
    let s = text(&buf);
    has_all(
        &s,
        &[
            "Strategies  3 1 running",
            "ID Strategy Symbol  Int Venue Status  Position Realized Unrealized Orders",
            "#1 swing    BTCUSDT 1m  paper RUNNING  0.01617   +12.50      -0.35      1",
            "#2 grid     ETHUSDT 5m  paper STOPPED        0     +4.2          0      0",
            "#3 dca      BTCUSDT 1h  paper ERROR    0.00081     0.00      +0.11      0",
            "#1 swing BTCUSDT 1m on paper  RUNNING",
            "signal  LONG",
            "values  EMA 12 61810.42   EMA 26 61750.07   RSI 14 55.3",
            "ATR 14 42.18",
            "last    11:58:00 BUY 1000 USDT: EMA 12 crossed above EMA 26,",
            "fills   3, avg entry 61820.10, tag s1",
            "params  atr_period=14 atr_stop=0 fast=12 overbought=70",
            "k/j select  n new  Enter start/stop  e edit  x delete",
        ],
    );
    // The market row stays; the account row makes way.
    has_all(&s, &["Order book", "Chart", "Trades", "Log"]);
    assert!(!s.contains("Open orders") && !s.contains("Balances"));
    // The selected row is reversed, so it shows without colour.
    let (x, y) = find(&buf, "#1 swing    BTCUSDT");
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    let (x, y) = find(&buf, "#2 grid");
    assert!(!buf[(x, y)].modifier.contains(Modifier::REVERSED));
    insta::assert_snapshot!("strategies_140x45", s);
}

#[test]
fn errored_and_stopped_instances_say_why_80x24() {
    let (v, l, mut u) = focused();
    keys(&mut u, &v, "jj");
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(
        &s,
        &[
            "#3 dca BTCUSDT 1h on paper  ERROR",
            "error   insufficient balance: 50 USDT needed, 3.20 free",
            "signal  WAIT: cannot buy: insufficient balance",
            "values  buys 1   spent 50   last buy 61700",
            "last    11:00:00 BUY 50 USDT: scheduled buy 1",
        ],
    );
    // The note only repeats the error here: not shown twice.
    assert!(!s.contains("note "), "\n{s}");
    insta::assert_snapshot!("strategies_dca_80x24", s);
    handle_key(&mut u, ch('k'), &v);
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(
        &s,
        &[
            "#2 grid ETHUSDT 5m on paper  STOPPED",
            "note    stopped by the user",
            "signal  - (no state: not started)",
            "params  auto_pct=10 initial_buy=true levels=10 lower=3500",
        ],
    );
}

#[test]
fn status_reads_without_colour_and_is_coloured_with_it() {
    let (v, l, mut u) = focused();
    let buf = render(&mut u, &v, &l, 140, 45);
    let fg = |needle: &str| {
        let (x, y) = find(&buf, needle);
        buf[(x, y)].fg
    };
    let running = fg("RUNNING  0.01617");
    let error = fg("ERROR    0.00081");
    assert_ne!(running, Color::Reset);
    assert_ne!(error, Color::Reset);
    assert_ne!(running, error);
    assert_eq!(fg("STOPPED        0"), Color::Reset);

    let no_color = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
    let mut u = ui_with(ColorDepth::detect(ColorChoice::Auto, no_color));
    u.focus = Pane::Strategies;
    for (w, h) in [(140, 45), (80, 24)] {
        let buf = render(&mut u, &v, &l, w, h);
        for c in buf.content() {
            assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{c:?}");
        }
        has_all(
            &text(&buf),
            &["RUNNING", "STOPPED", "ERROR", "-0.35", "+12.50"],
        );
    }
}

#[test]
fn form_shows_defaults_ranges_descriptions_and_refusals_inline() {
    let (v, l, mut u) = focused();
    keys(&mut u, &v, "n");
    let s = text(&render(&mut u, &v, &l, 140, 45));
    has_all(
        &s,
        &[
            "New strategy instance  PAPER",
            "Strategy   < swing >",
            "EMA crossover on closed klines",
            "Symbol       BTCUSDT",
            "Interval     1m",
            "Parameter       Value      Default Range            Description",
            "fast            12         12      2..200           fast EMA period (klines)",
            "size_mode       pct        pct     pct|quote",
            "OK: Enter creates swing BTCUSDT 1m (stopped)",
            "Tab field  Space change  Enter ok  Esc cancel",
        ],
    );
    insta::assert_snapshot!("strategy_form_80x24", text(&render(&mut u, &v, &l, 80, 24)));
    // Space cycles the strategy and shows its description.
    keys(&mut u, &v, "  ");
    let s = text(&render(&mut u, &v, &l, 140, 45));
    has_all(&s, &["< grid >", "Resting LIMIT buys and sells", "spacing"]);
    // A refused value: the reason under the field, and Enter sends nothing.
    handle_key(&mut u, key(KeyCode::Esc), &v);
    keys(&mut u, &v, "e500");
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(
        &s,
        &[
            "Edit #1 swing BTCUSDT",
            "fast            500",
            "fast must be an integer between 2 and 200 (got 500)",
            "fix the value marked above; Enter sends nothing",
            "fast: fast EMA period (klines) (default 12, 2..200)",
        ],
    );
    let (_, field_y) = find(&render(&mut u, &v, &l, 80, 24), "fast            500");
    let (_, why_y) = find(&render(&mut u, &v, &l, 80, 24), "fast must be an integer");
    assert_eq!(why_y, field_y + 1, "the reason is under its field");
    assert_eq!(handle_key(&mut u, key(KeyCode::Enter), &v), None);
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(
        s.contains("NOT SENT: fast must be an integer between 2 and 200 (got 500)"),
        "\n{s}"
    );
}

#[test]
fn the_form_scrolls_to_keep_the_focused_field_in_view() {
    let (v, l, mut u) = focused();
    keys(&mut u, &v, "e");
    handle_key(&mut u, key(KeyCode::BackTab), &v);
    let s = text(&render(&mut u, &v, &l, 60, 16));
    assert!(s.contains("trailing_pct"), "\n{s}");
    assert!(s.contains("trailing_pct: exit this % below"), "\n{s}");
}

#[test]
fn delete_confirmation_names_the_instance() {
    let (v, l, mut u) = focused();
    keys(&mut u, &v, "jx");
    let s = text(&render(&mut u, &v, &l, 80, 24));
    has_all(
        &s,
        &[
            "Delete strategy",
            "Delete strategy instance #2 grid ETHUSDT 5m?",
            "y/Enter yes   n/Esc no",
        ],
    );
    // Running: the trading bar says why nothing is asked.
    let (v, l, mut u) = focused();
    keys(&mut u, &v, "x");
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(s.contains("RUNNING: stop it first"), "\n{s}");
}

#[test]
fn read_only_shows_instances_but_no_strategy_keys() {
    let (v, l, mut u) = focused();
    u.read_only = true;
    let s = text(&render(&mut u, &v, &l, 140, 45));
    has_all(&s, &["#1 swing", "signal  LONG", "k/j select"]);
    for hint in ["n new", "start/stop", "e edit", "x delete"] {
        assert!(!s.contains(hint), "{hint}\n{s}");
    }
    let mut empty = v.clone();
    empty.strategies.clear();
    let s = text(&render(&mut u, &empty, &l, 140, 45));
    assert!(s.contains("no strategy instances") && !s.contains("n creates"));
    handle_key(&mut u, ch('?'), &v);
    let mut listed = String::new();
    for _ in 0..6 {
        listed.push_str(&text(&render(&mut u, &v, &l, 140, 45)));
        for _ in 0..30 {
            handle_key(&mut u, ch('j'), &v);
        }
    }
    let shared: Vec<&str> = BINDINGS.iter().map(|b| b.description).collect();
    for b in STRATEGY_BINDINGS
        .iter()
        .filter(|b| !shared.contains(&b.description))
    {
        assert!(!listed.contains(b.description), "{:?}", b.description);
    }
    assert!(!listed.contains(Context::StrategyForm.title()));
    assert!(listed.contains("Select the next strategy instance"));
    // With trading on they are all there.
    u.read_only = false;
    u.help = None;
    handle_key(&mut u, ch('?'), &v);
    let mut listed = String::new();
    for _ in 0..10 {
        listed.push_str(&text(&render(&mut u, &v, &l, 140, 45)));
        for _ in 0..30 {
            handle_key(&mut u, ch('j'), &v);
        }
    }
    for b in STRATEGY_BINDINGS {
        assert!(listed.contains(b.description), "{:?}", b.description);
    }
}

#[test]
fn an_empty_pane_says_how_to_start() {
    let (mut v, l, mut u) = focused();
    v.strategies.clear();
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(s.contains("no strategy instances - n creates one"), "\n{s}");
}

/// Every size from below the minimum up, both layouts and glyph sets, with
/// the pane, the form (long values and an error) and the question open:
/// nothing panics, and the pane or the "too small" message is drawn.
#[test]
fn many_sizes_never_panic() {
    let l = logs();
    let mut long = view_strategies();
    long.strategies[0].state.as_mut().unwrap().last_action = Some("x".repeat(500));
    long.strategies[1].note = Some("\u{1b}[31m".repeat(40));
    long.strategies[2].params = "k=v ".repeat(200);
    // A sweep, plus the edges: the minimum, the side-by-side threshold of
    // the pane's inner width (100), the full layout's threshold.
    let edges = [59, 60, 61, 101, 102, 103, 119, 120, 121];
    let sizes = (1..=200u16)
        .step_by(11)
        .chain(edges)
        .flat_map(|w| [1, 8, 15, 16, 17, 24, 33, 34, 45, 60].map(move |h| (w, h)));
    for (w, h) in sizes {
        for layout in [LayoutChoice::Auto, LayoutChoice::Full] {
            for glyphs in [Glyphs::Box, Glyphs::Ascii] {
                for stage in ["pane", "select", "form", "bad", "confirm"] {
                    let (v, mut u) = (long.clone(), ui());
                    u.focus = Pane::Strategies;
                    u.layout = layout;
                    u.glyphs = glyphs;
                    match stage {
                        "select" => keys(&mut u, &v, "jjjj"),
                        "form" => keys(&mut u, &v, "n"),
                        "bad" => {
                            keys(&mut u, &v, "e");
                            keys(&mut u, &v, &"9".repeat(40));
                        }
                        "confirm" => keys(&mut u, &v, "jx"),
                        _ => {}
                    }
                    let s = text(&render(&mut u, &v, &l, w, h));
                    if w >= 60 && h >= 16 {
                        assert!(s.contains("Strategies") || stage != "pane", "{w}x{h}\n{s}");
                        assert!(!s.contains('\u{1b}'));
                    }
                    if glyphs == Glyphs::Ascii && stage == "pane" {
                        assert!(s.is_ascii(), "{w}x{h}\n{s}");
                    }
                }
            }
        }
    }
}
