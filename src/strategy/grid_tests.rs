//! Grid rules: the ladder, the start with and without the initial buy,
//! the opposite order after each fill, leaving the range.

use super::*;
use crate::strategy::testkit::{d, trade, World};
use crate::strategy::Place;

fn cfg() -> Config {
    Config {
        lower: d("90"),
        upper: d("110"),
        levels: 5,
        geometric: false,
        order_quote: d("100"),
        initial_buy: true,
        stop_on_exit: false,
        auto_pct: d("10"),
    }
}

fn at(s: &mut Grid, w: &mut World, price: &str) -> Vec<Intent> {
    w.now += 1_000;
    s.on_market(&MarketEvent::Trade(trade(w.now, price)), &w.ctx())
}

fn places(out: &[Intent]) -> Vec<(String, Side, Option<Decimal>, Option<Decimal>)> {
    out.iter()
        .filter_map(|i| match i {
            Intent::Place(Place {
                key,
                side,
                price,
                qty,
                ..
            }) => Some((key.clone(), *side, *price, *qty)),
            _ => None,
        })
        .collect()
}

fn row(
    key: &str,
    side: Side,
    price: &str,
    qty: &str,
) -> (String, Side, Option<Decimal>, Option<Decimal>) {
    (key.into(), side, Some(d(price)), Some(d(qty)))
}

/// Starts at 100 with the initial buy filled: buys at 90 and 95, sells at
/// 105 and 110.
fn running() -> (Grid, World) {
    let mut s = Grid::new("BTCUSDT", cfg());
    let mut w = World::new("10000");
    let out = at(&mut s, &mut w, "100");
    assert_eq!(
        places(&out),
        vec![("init".into(), Side::Buy, None, Some(d("1.95238")))]
    );
    let out = w.fill(&mut s, "init", Side::Buy, "100", "1.95238");
    assert_eq!(
        places(&out),
        vec![
            row("b0", Side::Buy, "90", "1.11111"),
            row("b1", Side::Buy, "95", "1.05263"),
            row("s2", Side::Sell, "105", "1"),
            row("s3", Side::Sell, "110", "0.95238"),
        ]
    );
    assert!(w.accept(&mut s, &out).is_empty());
    (s, w)
}

#[test]
fn arithmetic_and_geometric_ladders() {
    let c = cfg();
    let l = levels(&c, d("90"), d("110"), d("0.01")).unwrap();
    assert_eq!(l, ["90", "95", "100", "105", "110"].map(d));
    let g = Config {
        geometric: true,
        levels: 3,
        ..cfg()
    };
    assert_eq!(
        levels(&g, d("100"), d("400"), d("0.01")).unwrap(),
        ["100", "200", "400"].map(d)
    );
    let tight = Config {
        levels: 200,
        ..cfg()
    };
    assert!(levels(&tight, d("100"), d("100.5"), d("0.01"))
        .unwrap_err()
        .contains("do not fit"));
}

#[test]
fn starts_with_buys_below_and_bought_sells_above() {
    let (mut s, mut w) = running();
    assert!(at(&mut s, &mut w, "100").is_empty());
    assert_eq!(s.state().signal, "RUNNING: 2 buys, 2 sells open");
}

#[test]
fn a_filled_buy_places_the_sell_one_level_up() {
    let (mut s, mut w) = running();
    w.now += 1_000;
    // The fill's price (95) is where the market is: the sell at 100 rests.
    let out = w.fill(&mut s, "b1", Side::Buy, "95", "1.05263");
    assert_eq!(places(&out), vec![row("s1", Side::Sell, "100", "1.05263")]);
}

#[test]
fn a_filled_sell_places_the_buy_one_level_down() {
    let (mut s, mut w) = running();
    // The price rose through 105: the sell filled; the buy at 100 rests
    // below the price.
    at(&mut s, &mut w, "106");
    let out = w.fill(&mut s, "s2", Side::Sell, "105", "1");
    assert_eq!(places(&out), vec![row("b2", Side::Buy, "100", "1")]);
    assert_eq!(s.state().indicators[3].1, "1", "one pair done");
}

#[test]
fn without_the_initial_buy_it_sells_only_what_it_bought() {
    let mut s = Grid::new(
        "BTCUSDT",
        Config {
            initial_buy: false,
            ..cfg()
        },
    );
    let mut w = World::new("10000");
    w.base_free = d("10"); // not the grid's
    let out = at(&mut s, &mut w, "100");
    assert_eq!(
        places(&out),
        vec![
            row("b0", Side::Buy, "90", "1.11111"),
            row("b1", Side::Buy, "95", "1.05263")
        ]
    );
    w.accept(&mut s, &out);
    assert!(
        at(&mut s, &mut w, "100").is_empty(),
        "nothing rests above the price"
    );
    // Once the price is above 100, that level's buy can rest.
    let out = at(&mut s, &mut w, "100.5");
    assert_eq!(places(&out), vec![row("b2", Side::Buy, "100", "1")]);
}

#[test]
fn buys_wait_for_free_quote() {
    let mut s = Grid::new(
        "BTCUSDT",
        Config {
            initial_buy: false,
            ..cfg()
        },
    );
    let mut w = World::new("150");
    let out = at(&mut s, &mut w, "100");
    assert_eq!(places(&out), vec![row("b0", Side::Buy, "90", "1.11111")]);
}

#[test]
fn leaving_the_range_keeps_or_stops() {
    let (mut s, mut w) = running();
    assert!(at(&mut s, &mut w, "89").is_empty());
    assert!(s.state().signal.starts_with("OUT OF RANGE"));
    let mut s = Grid::new(
        "BTCUSDT",
        Config {
            stop_on_exit: true,
            ..cfg()
        },
    );
    let mut w = World::new("10000");
    let out = at(&mut s, &mut w, "100");
    w.fill(&mut s, "init", Side::Buy, "100", "1.95238");
    let _ = out;
    let out = at(&mut s, &mut w, "110.01");
    assert_eq!(out, vec![Intent::CancelAll]);
    assert_eq!(
        s.state().signal,
        "STOPPED: price 110.01 left the range 90..110"
    );
    assert!(at(&mut s, &mut w, "100").is_empty(), "stays stopped");
}

#[test]
fn auto_range_centres_on_the_first_price() {
    let c = Config {
        lower: Decimal::ZERO,
        upper: Decimal::ZERO,
        initial_buy: false,
        ..cfg()
    };
    let mut s = Grid::new("BTCUSDT", c);
    let mut w = World::new("10000");
    at(&mut s, &mut w, "100");
    assert_eq!(s.state().indicators[0].1, "90..110");
}

#[test]
fn params_cross_check() {
    assert!(build("BTCUSDT", &Params::parse(SPECS, "").unwrap()).is_ok());
    let p = Params::parse(SPECS, "lower=120 upper=100").unwrap();
    assert!(check(&p)
        .unwrap_err()
        .starts_with("lower (120) must be above 0 and below upper (100)"));
    let p = Params::parse(SPECS, "lower=0 upper=100").unwrap();
    assert!(check(&p).is_err());
}

#[test]
fn base_too_small_to_sell_turns_the_slot_back_to_buying() {
    let mut s = Grid::new("BTCUSDT", cfg());
    let mut w = World::new("10000");
    at(&mut s, &mut w, "100");
    // The initial buy came back short: the top slot gets 0.00005 BTC
    // (5.5 USDT at 110, below the 10 USDT minimum).
    let out = w.fill(&mut s, "init", Side::Buy, "100", "1.00005");
    let keys: Vec<String> = places(&out).into_iter().map(|p| p.0).collect();
    assert_eq!(keys, ["b0", "b1", "s2"]);
    w.accept(&mut s, &out);
    // Above its level, the slot buys; its dust is sold with that lot.
    let out = at(&mut s, &mut w, "106");
    assert_eq!(places(&out), vec![row("b3", Side::Buy, "105", "0.95238")]);
}
