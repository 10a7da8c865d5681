//! Scalping rules: entry thresholds, stale quotes, pausing on a book that
//! is not live, the take-profit, the tick stop and the time stop.

use super::*;
use crate::strategy::testkit::{d, only_place, World};

fn cfg() -> Config {
    Config {
        spread_bps: false,
        max_spread: d("2"),
        depth_levels: 2,
        min_imbalance: 0.6,
        order_quote: d("100"),
        tp_ticks: 5,
        sl_ticks: 10,
        max_hold_ms: 60_000,
        requote_ms: 2_000,
    }
}

/// A two-level book: bid `bid` (sizes 2 and `bid_size`), ask one tick up
/// plus `spread_ticks - 1` (sizes 1 and 1).
fn depth(bid: &str, spread_ticks: i64, bid_size: &str, live: bool) -> MarketEvent {
    let b = d(bid);
    let a = b + d("0.01") * Decimal::from(spread_ticks);
    MarketEvent::Depth {
        bids: vec![(b, d("2")), (b - d("0.01"), d(bid_size))],
        asks: vec![(a, d("1")), (a + d("0.01"), d("1"))],
        live,
    }
}

fn at(s: &mut Scalping, w: &mut World, t: i64, ev: MarketEvent) -> Vec<Intent> {
    w.now = t;
    s.on_market(&ev, &w.ctx())
}

/// Quotes at 60000 and gets filled: holding 0.00166 BTC.
fn holding() -> (Scalping, World) {
    let mut s = Scalping::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    let out = at(&mut s, &mut w, 0, depth("60000", 1, "2", true));
    w.accept(&mut s, &out);
    let out = w.fill(&mut s, "e1", Side::Buy, "60000", "0.00166");
    let p = only_place(&out);
    assert_eq!((p.kind, p.side), (OrderType::LimitMaker, Side::Sell));
    assert_eq!((p.price, p.qty), (Some(d("60000.05")), Some(d("0.00166"))));
    w.accept(&mut s, &out);
    (s, w)
}

#[test]
fn quotes_a_maker_buy_at_the_bid_when_spread_and_imbalance_pass() {
    let mut s = Scalping::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    // Bid share (2 + 2) / (4 + 2) = 0.67.
    let out = at(&mut s, &mut w, 0, depth("60000", 1, "2", true));
    let p = only_place(&out);
    assert_eq!((p.kind, p.side), (OrderType::LimitMaker, Side::Buy));
    assert_eq!((p.price, p.qty), (Some(d("60000")), Some(d("0.00166"))));
    assert!(p.reason.contains("bid share 0.67"));
}

#[test]
fn no_entry_on_a_thin_bid_or_a_wide_spread_and_the_signal_says_why() {
    let mut s = Scalping::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    assert!(at(&mut s, &mut w, 0, depth("60000", 1, "0", true)).is_empty());
    assert_eq!(s.state().signal, "WAIT: imbalance 0.50 < 0.60");
    assert!(at(&mut s, &mut w, 1, depth("60000", 3, "2", true)).is_empty());
    assert_eq!(s.state().signal, "WAIT: spread 3 ticks > 2");
    let mut s = Scalping::new(
        "BTCUSDT",
        Config {
            spread_bps: true,
            max_spread: d("0.01"),
            ..cfg()
        },
    );
    assert!(at(&mut s, &mut w, 2, depth("60000", 10, "2", true)).is_empty());
    assert!(
        s.state().signal.starts_with("WAIT: spread 0.02 bps > 0.01"),
        "{}",
        s.state().signal
    );
}

#[test]
fn pauses_while_the_book_is_not_live() {
    let mut s = Scalping::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    assert!(at(&mut s, &mut w, 0, depth("60000", 1, "2", false)).is_empty());
    assert_eq!(s.state().signal, "PAUSED: the book is not live");
    let out = at(&mut s, &mut w, 1, depth("60000", 1, "2", true));
    w.accept(&mut s, &out);
    // The book drops out of sync: the quote is pulled, nothing new.
    let out = at(&mut s, &mut w, 2, depth("60000", 1, "2", false));
    assert_eq!(out, vec![Intent::cancel("e1")]);
    assert!(w.accept(&mut s, &out).is_empty());
    assert!(at(&mut s, &mut w, 3, depth("60000", 1, "2", false)).is_empty());
}

#[test]
fn stale_or_off_touch_quotes_are_cancelled_and_requoted() {
    let mut s = Scalping::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    let out = at(&mut s, &mut w, 0, depth("60000", 1, "2", true));
    w.accept(&mut s, &out);
    assert!(at(&mut s, &mut w, 1_999, depth("60000", 1, "2", true)).is_empty());
    let out = at(&mut s, &mut w, 2_000, depth("60000", 1, "2", true));
    assert_eq!(out, vec![Intent::cancel("e1")]);
    assert!(
        at(&mut s, &mut w, 2_001, depth("60000", 1, "2", true)).is_empty(),
        "cancel once"
    );
    // The confirmation re-quotes at the touch.
    let again = w.accept(&mut s, &out);
    assert_eq!(only_place(&again).key, "e2");
    w.accept(&mut s, &again);
    // The bid moves up a tick: the quote is no longer at the touch.
    let out = at(&mut s, &mut w, 2_500, depth("60000.01", 1, "2", true));
    assert_eq!(out, vec![Intent::cancel("e2")]);
    let again = w.accept(&mut s, &out);
    assert_eq!(only_place(&again).price, Some(d("60000.01")));
}

#[test]
fn take_profit_rests_ticks_above_the_entry() {
    let (s, _) = holding();
    assert!(s
        .state()
        .signal
        .starts_with("LONG 0.00166 @ 60000, target 60000.05, stop 59999.9"));
}

#[test]
fn the_tick_stop_cancels_the_target_then_sells_at_market() {
    let (mut s, mut w) = holding();
    assert!(at(&mut s, &mut w, 1_000, depth("59999.91", 1, "2", true)).is_empty());
    let out = at(&mut s, &mut w, 1_100, depth("59999.9", 1, "2", true));
    assert_eq!(out, vec![Intent::cancel("tp2")]);
    let out = w.accept(&mut s, &out);
    let p = only_place(&out);
    assert_eq!(
        (p.kind, p.side, p.qty),
        (OrderType::Market, Side::Sell, Some(d("0.00166")))
    );
    assert!(
        p.reason.starts_with("stop: bid 59999.9 <= 59999.9"),
        "{}",
        p.reason
    );
}

#[test]
fn the_time_stop_sells_after_max_hold() {
    let (mut s, mut w) = holding();
    assert!(at(&mut s, &mut w, 59_999, depth("60000", 1, "2", true)).is_empty());
    let out = at(&mut s, &mut w, 60_000, depth("60000", 1, "2", true));
    assert_eq!(out, vec![Intent::cancel("tp2")]);
    let p = w.accept(&mut s, &out);
    assert!(only_place(&p).reason.starts_with("held 60 s"));
}

#[test]
fn a_partly_filled_entry_is_cancelled_before_the_target() {
    let mut s = Scalping::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    let out = at(&mut s, &mut w, 0, depth("60000", 1, "2", true));
    w.accept(&mut s, &out);
    // A partial fill, reported through the position only.
    w.position.qty = d("0.001");
    w.position.avg_entry = d("60000");
    let out = at(&mut s, &mut w, 10, depth("60000", 1, "2", true));
    assert_eq!(out, vec![Intent::cancel("e1")]);
    let out = w.accept(&mut s, &out);
    assert_eq!(only_place(&out).qty, Some(d("0.001")));
}

#[test]
fn a_refusal_pauses_new_orders_briefly() {
    let mut s = Scalping::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    let out = at(&mut s, &mut w, 0, depth("60000", 1, "2", true));
    s.on_refused(&only_place(&out).key, "would take", &w.ctx());
    assert!(at(&mut s, &mut w, 999, depth("60000", 1, "2", true)).is_empty());
    assert_eq!(
        at(&mut s, &mut w, 1_000, depth("60000", 1, "2", true)).len(),
        1
    );
}
