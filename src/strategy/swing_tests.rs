//! Swing's entry and exit rules, one test each. Closes are chosen so the
//! indicator values at the decisive kline are known (EMA 3/6, RSI 4 and
//! ATR 3 computed by hand from TA-Lib's definitions).

use super::*;
use crate::strategy::params::Params;
use crate::strategy::testkit::{d, flat, only_place, trade, World};
use crate::trading::order::OrderType;

/// A down-trend, then a cross up at index 14 (96) with RSI 60.4, then
/// a cross down at index 16 (94).
const CALM: [&str; 20] = [
    "100", "98", "99", "97", "98", "96", "97", "95", "96", "94", "95", "93", "94", "92", "96",
    "95", "94", "93", "92", "91",
];
/// A straight fall, then a cross up at index 15 (95) with RSI 75.7; at
/// index 16 (94) the fast EMA is still above and RSI is 66.1.
const HOT: [&str; 17] = [
    "100", "99", "98", "97", "96", "95", "94", "93", "92", "91", "90", "89", "88", "87", "91",
    "95", "94",
];

fn cfg() -> Config {
    Config {
        fast: 3,
        slow: 6,
        rsi_period: 4,
        overbought: 70.0,
        size_mode: SizeMode::PctOfQuote,
        size: d("10"),
        stop_loss_pct: d("3"),
        take_profit_pct: d("5"),
        atr_period: 3,
        atr_stop: 0.0,
        trailing_pct: Decimal::ZERO,
    }
}

const H: i64 = 3_600_000;

/// Feeds closes `from..to`, asserting nothing happens before the last.
fn feed(s: &mut Swing, w: &mut World, closes: &[&str], to: usize) -> Vec<Intent> {
    let mut out = Vec::new();
    for (i, c) in closes.iter().enumerate().take(to + 1) {
        w.now = i as i64 * H;
        out = s.on_market(&MarketEvent::KlineClosed(flat(w.now, c)), &w.ctx());
        if i < to {
            assert!(out.is_empty(), "kline {i}: {out:?}");
        }
    }
    out
}

/// Enters on CALM's cross and fills 1.04 BTC at 96.
fn entered(c: Config) -> (Swing, World) {
    let mut s = Swing::new("BTCUSDT", c);
    let mut w = World::new("1000");
    let out = feed(&mut s, &mut w, &CALM, 14);
    let p = only_place(&out);
    assert!(w.fill(&mut s, &p.key, Side::Buy, "96", "1.04").is_empty());
    (s, w)
}

fn on_trade(s: &mut Swing, w: &World, price: &str) -> Vec<Intent> {
    s.on_market(&MarketEvent::Trade(trade(w.now, price)), &w.ctx())
}

#[test]
fn a_cross_up_with_rsi_60_enters_with_a_market_buy_of_10_pct() {
    let mut s = Swing::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    let out = feed(&mut s, &mut w, &CALM, 14);
    let p = only_place(&out);
    assert_eq!((p.side, p.kind), (Side::Buy, OrderType::Market));
    assert_eq!((p.quote_qty, p.qty), (Some(d("100")), None));
    assert!(p.reason.contains("RSI 60.4 <= 70"), "{}", p.reason);
    assert!(s.state().last_action.unwrap().starts_with("BUY 100 USDT"));
}

#[test]
fn a_cross_up_with_rsi_75_waits_and_says_why_then_enters_when_rsi_cools() {
    let mut s = Swing::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    assert!(feed(&mut s, &mut w, &HOT, 15).is_empty());
    assert_eq!(s.state().signal, "WAIT: RSI 75.7 > 70 overbought");
    // Next close: still above the slow EMA, RSI 66.1: the armed cross enters.
    w.now = 16 * H;
    let out = s.on_market(&MarketEvent::KlineClosed(flat(w.now, HOT[16])), &w.ctx());
    assert!(only_place(&out).reason.contains("RSI 66.1"));
}

#[test]
fn a_higher_overbought_level_lets_the_same_cross_enter() {
    let mut s = Swing::new(
        "BTCUSDT",
        Config {
            overbought: 80.0,
            ..cfg()
        },
    );
    let mut w = World::new("1000");
    let out = feed(&mut s, &mut w, &HOT, 15);
    assert!(only_place(&out).reason.contains("RSI 75.7 <= 80"));
}

#[test]
fn warmup_and_flat_signals() {
    let mut s = Swing::new("BTCUSDT", cfg());
    let mut w = World::new("1000");
    feed(&mut s, &mut w, &CALM, 2);
    assert_eq!(s.state().signal, "WARMUP: 3/6 klines");
    feed(&mut s, &mut w, &CALM, 10);
    assert_eq!(
        s.state().signal,
        "FLAT: waiting for EMA 3 to cross above EMA 6"
    );
}

#[test]
fn fixed_quote_sizing_is_capped_by_the_balance() {
    let c = Config {
        size_mode: SizeMode::FixedQuote,
        size: d("250"),
        ..cfg()
    };
    let mut s = Swing::new("BTCUSDT", c.clone());
    let mut w = World::new("1000");
    assert_eq!(
        only_place(&feed(&mut s, &mut w, &CALM, 14)).quote_qty,
        Some(d("250"))
    );
    let mut s = Swing::new("BTCUSDT", c);
    let mut w = World::new("120");
    assert_eq!(
        only_place(&feed(&mut s, &mut w, &CALM, 14)).quote_qty,
        Some(d("120"))
    );
    // Below the minimum notional (10 USDT): no order, and the signal says so.
    let mut s = Swing::new("BTCUSDT", cfg());
    let mut w = World::new("50");
    assert!(feed(&mut s, &mut w, &CALM, 14).is_empty());
    assert!(s.state().signal.contains("below the minimum order"));
}

#[test]
fn stop_loss_sells_only_what_it_bought() {
    let (mut s, mut w) = entered(cfg());
    w.base_free += d("5"); // base held outside the strategy: never sold
    assert!(on_trade(&mut s, &w, "93.2").is_empty(), "-2.9 %");
    let out = on_trade(&mut s, &w, "93.1");
    let p = only_place(&out);
    assert_eq!(
        (p.side, p.kind, p.qty),
        (Side::Sell, OrderType::Market, Some(d("1.04")))
    );
    assert!(p.reason.starts_with("stop-loss -3.02%"), "{}", p.reason);
    // No second order while the exit is in flight.
    assert!(on_trade(&mut s, &w, "90").is_empty());
    w.fill(&mut s, &p.key, Side::Sell, "93.1", "1.04");
    assert!(s.state().signal.starts_with("EXITING") || s.state().signal.starts_with("FLAT"));
}

#[test]
fn take_profit_exits_at_the_target() {
    let (mut s, w) = entered(cfg());
    assert!(on_trade(&mut s, &w, "100.79").is_empty());
    let out = on_trade(&mut s, &w, "100.8");
    assert!(only_place(&out).reason.starts_with("take-profit 5.00%"));
}

#[test]
fn trailing_stop_follows_the_high() {
    let c = Config {
        stop_loss_pct: Decimal::ZERO,
        take_profit_pct: Decimal::ZERO,
        trailing_pct: d("2"),
        ..cfg()
    };
    let (mut s, w) = entered(c);
    assert!(
        on_trade(&mut s, &w, "94.5").is_empty(),
        "2 % below 96 is 94.08"
    );
    assert!(on_trade(&mut s, &w, "100").is_empty());
    assert!(on_trade(&mut s, &w, "98.1").is_empty());
    let out = on_trade(&mut s, &w, "98");
    assert!(only_place(&out)
        .reason
        .starts_with("trailing stop 2% below the high 100"));
}

#[test]
fn atr_stop_sits_atr_multiples_below_the_entry() {
    let c = Config {
        stop_loss_pct: Decimal::ZERO,
        take_profit_pct: Decimal::ZERO,
        atr_stop: 1.0,
        ..cfg()
    };
    // ATR 3 at the entry kline is 2.4008: the stop is at 93.5992.
    let (mut s, w) = entered(c);
    assert!(on_trade(&mut s, &w, "93.6").is_empty());
    let out = on_trade(&mut s, &w, "93.59");
    assert!(
        only_place(&out).reason.starts_with("ATR stop 93.599"),
        "{out:?}"
    );
}

#[test]
fn the_opposite_cross_exits() {
    let c = Config {
        stop_loss_pct: Decimal::ZERO,
        take_profit_pct: Decimal::ZERO,
        ..cfg()
    };
    let (mut s, mut w) = entered(c);
    w.now = 15 * H;
    assert!(s
        .on_market(&MarketEvent::KlineClosed(flat(w.now, CALM[15])), &w.ctx())
        .is_empty());
    assert!(s.state().signal.starts_with("LONG 1.04 @ 96"));
    w.now = 16 * H;
    let out = s.on_market(&MarketEvent::KlineClosed(flat(w.now, CALM[16])), &w.ctx());
    let p = only_place(&out);
    assert_eq!((p.side, p.qty), (Side::Sell, Some(d("1.04"))));
    assert_eq!(p.reason, "EMA 3 crossed below EMA 6");
}

#[test]
fn a_refused_exit_is_retried_on_the_next_price() {
    let (mut s, w) = entered(cfg());
    let key = only_place(&on_trade(&mut s, &w, "93")).key.clone();
    assert!(s.on_refused(&key, "NOTIONAL", &w.ctx()).is_empty());
    assert!(only_place(&on_trade(&mut s, &w, "95"))
        .reason
        .starts_with("stop-loss"));
}

#[test]
fn params_build_and_cross_field_rules() {
    let p = Params::parse(SPECS, "").unwrap();
    assert!(build("BTCUSDT", &p).is_ok());
    let p = Params::parse(SPECS, "fast=30 slow=20").unwrap();
    assert_eq!(check(&p).unwrap_err(), "fast (30) must be below slow (20)");
    let p = Params::parse(SPECS, "size=150").unwrap();
    assert!(check(&p).unwrap_err().contains("at most 100"));
    assert!(check(&Params::parse(SPECS, "size=150 size_mode=quote").unwrap()).is_ok());
}
