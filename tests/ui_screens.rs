//! Screen tests: the whole UI rendered into ratatui's TestBackend, checked
//! for key content and snapshotted (clock and time zone pinned).

mod ui_fixture;

use ratatui::style::Color;
use tradeterm::config::{ColorChoice, Glyphs, Mode};
use tradeterm::engine::ConnState;
use tradeterm::market::BookStatus;
use tradeterm::ui::keymap::{keys_label, Context, BINDINGS};
use tradeterm::ui::{handle_key, ColorDepth, Pane};
use ui_fixture::*;

/// Rows of the screen that show a book level: `price size total` with the
/// symbol's decimals.
fn level_rows(screen: &str, view: &tradeterm::engine::View, n: usize) -> (usize, usize) {
    let found = |levels: &[(tradeterm::fixed::Fx, tradeterm::fixed::Fx)]| {
        levels[..n]
            .iter()
            .filter(|(p, q)| {
                let row = format!("{} {}", p.fmt_dp(2), q.fmt_dp(5));
                screen.contains(&row)
            })
            .count()
    };
    (found(&view.book.asks), found(&view.book.bids))
}

#[test]
fn main_screen_full_140x45() {
    let (v, l, mut u) = (view(), logs(), ui());
    let s = text(&render(&mut u, &v, &l, 140, 45));
    for needle in [
        " PAPER ",
        "127.0.0.1:9000",
        "Connected",
        "Book LIVE (resyncs 1)",
        "lat 12ms",
        "clk -3ms",
        "REST 57/6000",
        "12:34:56",
        "BTCUSDT",
        "Last 61837.63",
        "24h +1234.50 (+2.036%) ^ up",
        "H 62100.00",
        "L 60250.50",
        "Vol 21345.12345",
        "Bid 61837.62",
        "Ask 61837.63",
        "Spread 0.01",
        "Mid 61837.625",
        "spread 0.01  mid 61837.625",
        "Chart",
        " 1m ",
        "BUY",
        "SELL",
        "ERROR exchange::rest: HTTP 429",
        "WARN  market",
        "? help",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in\n{s}");
    }
    // 12 levels a side (the configured default), best ask above best bid.
    assert_eq!(level_rows(&s, &v, 12), (12, 12), "\n{s}");
    let ask = s.find("61837.63 0.57617").unwrap();
    let bid = s.find("61837.62 1.65279").unwrap();
    assert!(ask < bid);
    insta::assert_snapshot!("main_140x45", s);
}

#[test]
fn main_screen_compact_80x24() {
    let (v, l, mut u) = (view(), logs(), ui());
    let s = text(&render(&mut u, &v, &l, 80, 24));
    for needle in [
        " PAPER ",
        "Connected",
        "LIVE",
        "BTCUSDT",
        "Last 61837.63",
        "Bid 61837.62",
        "BUY",
        "SELL",
        "engine: interval 1m, 60 candles",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in\n{s}");
    }
    assert!(
        !s.contains("Chart"),
        "compact layout drops the chart first\n{s}"
    );
    let (asks, bids) = level_rows(&s, &v, 5);
    assert_eq!((asks, bids), (5, 5), "\n{s}");
    insta::assert_snapshot!("main_80x24", s);
}

#[test]
fn compact_layout_shows_the_chart_while_it_has_focus() {
    let (v, l, mut u) = (view(), logs(), ui());
    u.focus = Pane::Chart;
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(s.contains("Chart") && s.contains("1m"), "\n{s}");
    assert!(!s.contains("Trades"), "\n{s}");
}

#[test]
fn help_overlay_lists_every_binding() {
    let (v, l, mut u) = (view(), logs(), ui());
    handle_key(&mut u, ch('?'), &v);
    let s = text(&render(&mut u, &v, &l, 140, 45));
    let lines: Vec<&str> = s.lines().collect();
    // Without an account there is no open orders or strategies pane, and
    // no order keys.
    for b in BINDINGS
        .iter()
        .filter(|b| !matches!(b.context, Context::Orders | Context::Strategies))
    {
        let keys = keys_label(b);
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&keys) && l.contains(b.description)),
            "help lacks {keys:?} / {:?}\n{s}",
            b.description
        );
    }
    assert!(!s.contains("Open orders pane") && !s.contains("order ticket"));
    insta::assert_snapshot!("help_140x45", s);
}

#[test]
fn help_filter_narrows_the_list() {
    let (v, l, mut u) = (view(), logs(), ui());
    for k in "?/levels".chars() {
        handle_key(&mut u, ch(k), &v);
    }
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(s.contains("Filter: levels"), "\n{s}");
    assert!(s.contains("more levels per side") && s.contains("fewer levels per side"));
    assert!(!s.contains("Switch symbol"), "\n{s}");
}

#[test]
fn help_scrolls_on_a_small_terminal() {
    let (v, l, mut u) = (view(), logs(), ui());
    handle_key(&mut u, ch('?'), &v);
    let first = text(&render(&mut u, &v, &l, 80, 24));
    assert!(first.contains("Quit tradeterm"));
    for _ in 0..100 {
        handle_key(&mut u, ch('j'), &v);
    }
    let last = text(&render(&mut u, &v, &l, 80, 24));
    assert!(last.contains("Clear the input"), "\n{last}");
}

#[test]
fn too_small_terminal_says_what_it_needs() {
    let (v, l, mut u) = (view(), logs(), ui());
    let s = text(&render(&mut u, &v, &l, 50, 12));
    assert!(
        s.contains("terminal too small: need 60x16, have 50x12"),
        "\n{s}"
    );
    assert!(!s.contains("BTCUSDT"));
    let s = text(&render(&mut u, &v, &l, 59, 30));
    assert!(s.contains("have 59x30"), "\n{s}");
    let s = text(&render(&mut u, &v, &l, 60, 16));
    assert!(!s.contains("too small") && s.contains("PAPER"), "\n{s}");
}

#[test]
fn retrying_connection_is_spelled_out() {
    let (mut v, l, mut u) = (view(), logs(), ui());
    v.conn = Some(ConnState::Retrying {
        host: "127.0.0.1:9000".into(),
        reason: "connection refused".into(),
        retry_in_secs: 8,
        attempt: 3,
    });
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(
        s.contains("cannot reach 127.0.0.1:9000: connection refused, retrying in 8s"),
        "\n{s}"
    );
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(
        s.lines()
            .next()
            .unwrap()
            .contains(" PAPER  | cannot reach 127.0.0.1"),
        "\n{s}"
    );
}

#[test]
fn rest_backoff_and_live_badge() {
    let (mut v, l, mut u) = (view(), logs(), ui());
    v.mode = Some(Mode::Live);
    v.rest.backoff_secs = Some(30);
    v.rest.used_weight_1m = Some(5990);
    let buf = render(&mut u, &v, &l, 140, 45);
    let s = text(&buf);
    assert!(
        s.contains(" LIVE ") && s.contains("REST back-off 30s") && s.contains("REST 5990/6000")
    );
    // LIVE: reversed, bold, red.
    let cell = &buf[(1, 0)];
    assert_eq!(cell.symbol(), "L");
    assert!(cell
        .modifier
        .contains(ratatui::style::Modifier::REVERSED | ratatui::style::Modifier::BOLD));
    assert_eq!(cell.fg, Color::Indexed(160));
}

#[test]
fn book_not_live_shows_its_state_instead_of_levels() {
    let (mut v, l, mut u) = (view(), logs(), ui());
    let deep_ask = v.book.asks[5].0.fmt_dp(2);
    v.book.status = BookStatus::Resyncing;
    v.book.resyncs = 4;
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(s.contains("RESYNCING") && s.contains("resyncs 4"), "\n{s}");
    assert!(!s.contains(&deep_ask), "stale level shown\n{s}");
    v.book.status = BookStatus::Syncing;
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(
        s.contains("SYNCING") && s.contains("waiting for the depth snapshot"),
        "\n{s}"
    );
}

#[test]
fn no_color_leaves_every_cell_uncoloured_but_sides_readable() {
    let (v, l) = (view(), logs());
    let no_color = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
    for depth in [
        ColorDepth::detect(ColorChoice::Auto, no_color),
        ColorDepth::detect(ColorChoice::Never, |_| None),
    ] {
        assert_eq!(depth, ColorDepth::None);
        let mut u = ui_with(depth);
        for (w, h) in [(140, 45), (80, 24)] {
            let buf = render(&mut u, &v, &l, w, h);
            for c in buf.content() {
                assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{c:?}");
            }
            let s = text(&buf);
            assert!(s.contains("BUY") && s.contains("SELL") && s.contains("+1234.50"));
        }
    }
    // With colour, buys and sells differ in colour too.
    let buf = render(&mut ui(), &v, &l, 140, 45);
    let s = text(&buf);
    let fg_at = |needle: &str| {
        let (y, line) = s
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .unwrap();
        let x = line[..line.find(needle).unwrap()].chars().count() as u16;
        buf[(x, y as u16)].fg
    };
    assert_ne!(fg_at("BUY "), fg_at("SELL"));
}

#[test]
fn ascii_glyphs_draw_only_ascii() {
    let (v, l, mut u) = (view(), logs(), ui());
    u.glyphs = Glyphs::Ascii;
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(s.is_ascii(), "\n{s}");
    assert!(s.contains('#') && s.contains('|'));
}

#[test]
fn control_characters_from_the_exchange_are_stripped() {
    let (mut v, l, mut u) = (view(), logs(), ui());
    v.symbol = "BTC\u{1b}[31mUSDT\u{7}".into();
    v.conn = Some(ConnState::Retrying {
        host: "evil\rhost".into(),
        reason: "bad\u{1b}]0;title\u{7}".into(),
        retry_in_secs: 1,
        attempt: 1,
    });
    let buf = render(&mut u, &v, &l, 140, 45);
    assert!(buf
        .content()
        .iter()
        .all(|c| !c.symbol().chars().any(char::is_control)));
    assert!(text(&buf).contains("BTC[31mUSDT"));
}

#[test]
fn freeze_keeps_the_frozen_copy_while_the_view_moves() {
    let (mut v, l, mut u) = (view(), logs(), ui());
    assert_eq!(u.focus, Pane::Book);
    handle_key(&mut u, ch('f'), &v);
    let before_ask = v.book.asks[0];
    v.book.asks[0].0 = fx("61900.01");
    v.book.bids[0].0 = fx("61800.01");
    v.trades[0].price = fx("61999.99");
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(s.contains("FROZEN"), "\n{s}");
    let old = format!("{} {}", before_ask.0.fmt_dp(2), before_ask.1.fmt_dp(5));
    let new = format!("61900.01 {}", before_ask.1.fmt_dp(5));
    assert!(s.contains(&old) && !s.contains(&new), "\n{s}");
    // The tape is not frozen and moves on.
    assert!(s.contains("61999.99"), "\n{s}");
    // Unfreeze: the book shows the live data again.
    handle_key(&mut u, ch('f'), &v);
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(!s.contains("FROZEN") && s.contains(&new), "\n{s}");
}

#[test]
fn frozen_log_pane_ignores_new_lines() {
    let (v, l, mut u) = (view(), logs(), ui());
    u.focus = Pane::Logs;
    handle_key(&mut u, ch('f'), &v);
    render(&mut u, &v, &l, 140, 45);
    l.push(tradeterm::logging::LogLine {
        time: "12:00:09.000".into(),
        level: tracing::Level::INFO,
        target: "t".into(),
        message: "arrived later".into(),
    });
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(
        s.contains("FROZEN") && !s.contains("arrived later"),
        "\n{s}"
    );
}

#[test]
fn maximise_gives_the_focused_pane_the_body() {
    let (v, l, mut u) = (view(), logs(), ui());
    handle_key(&mut u, ch('\t'), &v); // not Tab: a plain char does nothing
    u.focus = Pane::Chart;
    handle_key(&mut u, ch('e'), &v);
    assert!(u.maximised);
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(
        s.contains("Chart") && !s.contains("Order book") && !s.contains("Trades"),
        "\n{s}"
    );
    handle_key(&mut u, key(crossterm::event::KeyCode::Esc), &v);
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(s.contains("Order book") && s.contains("Trades"));
}

#[test]
fn depth_keys_change_the_ladder() {
    let (v, l, mut u) = (view(), logs(), ui());
    for _ in 0..9 {
        handle_key(&mut u, ch('-'), &v);
    }
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(s.contains("3/side"));
    assert_eq!(level_rows(&s, &v, 4), (3, 3), "\n{s}");
}

#[test]
fn symbol_prompt_shows_completions_and_errors() {
    let (v, l, mut u) = (view(), logs(), ui());
    for k in ['s', 'e', 't', 'h'] {
        handle_key(&mut u, ch(k), &v);
    }
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(
        s.contains("Switch symbol") && s.contains("Symbol: ETH"),
        "\n{s}"
    );
    assert!(s.contains("* ETHUSDT") && s.contains("  ETHBTC"), "\n{s}");
    for k in ['x', 'x'] {
        handle_key(&mut u, ch(k), &v);
    }
    handle_key(&mut u, key(crossterm::event::KeyCode::Enter), &v);
    let s = text(&render(&mut u, &v, &l, 80, 24));
    assert!(s.contains("unknown symbol: ETHXX"), "\n{s}");
    insta::assert_snapshot!("prompt_error_80x24", s);
}

#[test]
fn trades_scroll_and_report_the_offset() {
    let (v, l, mut u) = (view(), logs(), ui());
    u.focus = Pane::Trades;
    for _ in 0..5 {
        handle_key(&mut u, ch('j'), &v);
    }
    let s = text(&render(&mut u, &v, &l, 140, 45));
    assert!(s.contains("-5 older"), "\n{s}");
    let newest = v.trades[0].price.fmt_dp(2) + " " + &v.trades[0].qty.fmt_dp(5);
    assert!(!s.contains(&newest), "\n{s}");
    for _ in 0..1000 {
        handle_key(&mut u, ch('j'), &v);
    }
    render(&mut u, &v, &l, 140, 45);
    assert!(
        u.trades_scroll < v.trades.len(),
        "clamped: {}",
        u.trades_scroll
    );
}
