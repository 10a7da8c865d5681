//! Portfolio: positions, P&L with fees in every asset, round trips, daily
//! P&L, duplicates, balances. Every expectation is an exact decimal.

use rust_decimal::Decimal;
use tradeterm::domain::Side;
use tradeterm::portfolio::{no_rates, utc_day, Pair, Portfolio};
use tradeterm::trading::account::{Balance, Fill};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const DAY: i64 = 86_400_000;

/// A BTCUSDT fill; `fee` like "0.1 USDT".
fn fill(id: i64, side: Side, qty: &str, price: &str, fee: &str, time: i64) -> Fill {
    let (amount, asset) = fee.split_once(' ').unwrap_or(("0", ""));
    Fill {
        symbol: "BTCUSDT".into(),
        trade_id: id,
        order_id: id,
        client_order_id: format!("o{id}"),
        side,
        price: d(price),
        qty: d(qty),
        quote_qty: d(qty) * d(price),
        commission: d(amount),
        commission_asset: asset.into(),
        is_maker: false,
        time,
    }
}

use Side::{Buy, Sell};

#[test]
fn buy_then_sell_with_quote_fees_is_one_round_trip() {
    let mut p = Portfolio::new();
    let e = p
        .apply_fill(&fill(1, Buy, "1", "100", "0.1 USDT", 1_000), &no_rates)
        .unwrap();
    assert_eq!((e.realized_gross, e.fee_quote), (d("0"), d("0.1")));
    let pos = p.position("BTCUSDT").unwrap();
    assert_eq!((pos.qty, pos.avg_entry), (d("1"), d("100")));
    assert_eq!(pos.unrealized_pnl(d("104.5")), d("4.5"));
    assert_eq!(pos.opened_ms(), Some(1_000));

    let e = p
        .apply_fill(&fill(2, Sell, "1", "110", "0.11 USDT", 61_000), &no_rates)
        .unwrap();
    assert_eq!(e.realized_gross, d("10"));
    assert_eq!(e.realized_net(), d("9.89"));
    let t = e.closed.expect("flat again: the trip closes");
    assert_eq!((t.entry_avg, t.exit_avg), (d("100"), d("110")));
    assert_eq!((t.bought_qty, t.sold_qty), (d("1"), d("1")));
    assert_eq!(
        (t.gross_pnl, t.fees, t.net_pnl),
        (d("10"), d("0.21"), d("9.79"))
    );
    assert_eq!(t.return_pct, d("9.79"));
    assert_eq!(t.holding_ms(), 60_000);
    assert_eq!(t.fills, 2);
    assert_eq!(p.round_trips(), [t]);
    let pos = p.position("BTCUSDT").unwrap();
    assert_eq!((pos.qty, pos.realized_pnl()), (d("0"), d("9.79")));
    assert_eq!(pos.opened_ms(), None);
    assert_eq!(p.realized_pnl("USDT"), d("9.79"));
}

#[test]
fn partial_closes_realize_against_the_running_average() {
    let mut p = Portfolio::new();
    let f = [
        fill(1, Buy, "2", "100", "", 0),
        fill(2, Sell, "0.5", "120", "", 10),
        fill(3, Buy, "1", "130", "", 20),
        fill(4, Sell, "2.5", "110", "", 30),
    ];
    p.apply_fill(&f[0], &no_rates);
    let e = p.apply_fill(&f[1], &no_rates).unwrap();
    assert_eq!(e.realized_gross, d("10"));
    assert!(e.closed.is_none());
    p.apply_fill(&f[2], &no_rates);
    let pos = p.position("BTCUSDT").unwrap();
    assert_eq!((pos.qty, pos.avg_entry), (d("2.5"), d("112")));
    assert_eq!(pos.unrealized_pnl(d("100")), d("-30"));
    let e = p.apply_fill(&f[3], &no_rates).unwrap();
    assert_eq!(e.realized_gross, d("-5"));
    let t = e.closed.unwrap();
    assert_eq!(t.gross_pnl, d("5"));
    assert_eq!(t.entry_avg, d("110"));
    assert_eq!(t.exit_avg, d("335") / d("3"));
    assert_eq!((t.bought_qty, t.sold_qty), (d("3"), d("3")));
    // 5 on 330 of buys.
    assert_eq!(t.return_pct, d("1.5152"));
    assert_eq!(t.holding_ms(), 30);
}

#[test]
fn base_asset_fees_shrink_the_position_and_count_at_the_fill_price() {
    let mut p = Portfolio::new();
    // Buy 1 BTC, pay 0.001 BTC: 0.999 held, fee worth 0.1 USDT.
    let e = p
        .apply_fill(&fill(1, Buy, "1", "100", "0.001 BTC", 0), &no_rates)
        .unwrap();
    assert_eq!((e.realized_gross, e.fee_quote), (d("0"), d("0.100")));
    let pos = p.position("BTCUSDT").unwrap();
    assert_eq!((pos.qty, pos.avg_entry), (d("0.999"), d("100")));
    p.apply_fill(&fill(2, Sell, "0.5", "110", "0.055 USDT", 5), &no_rates);
    let e = p
        .apply_fill(&fill(3, Sell, "0.499", "110", "0.05489 USDT", 9), &no_rates)
        .unwrap();
    let t = e.closed.expect("0.999 sold: flat");
    // Cash: -100 + (55 - 0.055) + (54.89 - 0.05489) = 9.78011.
    assert_eq!(t.net_pnl, d("9.78011"));
    assert_eq!((t.gross_pnl, t.fees), (d("9.990"), d("0.20989")));
    assert_eq!((t.bought_qty, t.sold_qty), (d("1"), d("0.999")));
}

#[test]
fn a_base_fee_on_a_sale_is_disposed_of_at_the_fill_price() {
    let mut p = Portfolio::new();
    p.apply_fill(&fill(1, Buy, "1", "100", "", 0), &no_rates);
    let e = p
        .apply_fill(&fill(2, Sell, "0.5", "110", "0.001 BTC", 1), &no_rates)
        .unwrap();
    // 0.5 sold plus 0.001 given as fee, both at 110 against a 100 cost.
    assert_eq!(e.realized_gross, d("5.010"));
    assert_eq!(e.fee_quote, d("0.110"));
    assert_eq!(p.position("BTCUSDT").unwrap().qty, d("0.499"));
    let e = p
        .apply_fill(&fill(3, Sell, "0.499", "110", "", 2), &no_rates)
        .unwrap();
    // Cash: -100 + 55 + 54.89 = 9.89.
    assert_eq!(e.closed.unwrap().net_pnl, d("9.89"));
}

#[test]
fn third_asset_fees_convert_with_a_price_or_are_reported_apart() {
    let bnb = |asset: &str, quote: &str| (asset == "BNB" && quote == "USDT").then(|| d("600"));
    let mut p = Portfolio::new();
    let e = p
        .apply_fill(&fill(1, Buy, "1", "100", "0.0001 BNB", 0), &bnb)
        .unwrap();
    assert_eq!(e.fee_quote, d("0.06"));
    let e = p
        .apply_fill(&fill(2, Sell, "1", "100", "0.0002 BNB", 1), &no_rates)
        .unwrap();
    assert_eq!(e.fee_quote, d("0"));
    let t = e.closed.unwrap();
    assert_eq!(t.fees, d("0.06"));
    assert_eq!(t.other_fees["BNB"], d("0.0002"));
    assert_eq!(t.net_pnl, d("-0.06"));
    assert_eq!(t.return_pct, d("-0.06"));
    let pos = p.position("BTCUSDT").unwrap();
    assert_eq!(pos.other_fees["BNB"], d("0.0002"));
}

#[test]
fn duplicate_fills_count_once() {
    let mut p = Portfolio::new();
    let f = fill(7, Buy, "0.3", "100", "0.03 USDT", 0);
    assert!(p.apply_fill(&f, &no_rates).is_some());
    assert!(p.apply_fill(&f, &no_rates).is_none());
    let pos = p.position("BTCUSDT").unwrap();
    assert_eq!((pos.qty, pos.fees_quote), (d("0.3"), d("0.03")));
    // Same trade id on another symbol is another trade.
    let mut g = f.clone();
    g.symbol = "ETHUSDT".into();
    assert!(p.apply_fill(&g, &no_rates).is_some());
}

#[test]
fn daily_pnl_is_per_utc_day_and_counts_every_fee() {
    let mut p = Portfolio::new();
    let day1 = 20_000 * DAY;
    p.apply_fill(&fill(1, Buy, "1", "100", "0.1 USDT", day1 + 10), &no_rates);
    assert_eq!(p.daily_realized_pnl("USDT", day1 + 20), d("-0.1"));
    p.apply_fill(
        &fill(2, Sell, "0.5", "80", "0.04 USDT", day1 + DAY - 1),
        &no_rates,
    );
    assert_eq!(p.daily_realized_pnl("USDT", day1), d("-10.14"));
    p.apply_fill(
        &fill(3, Sell, "0.5", "90", "0.045 USDT", day1 + DAY),
        &no_rates,
    );
    assert_eq!(p.daily_realized_pnl("USDT", day1 + DAY), d("-5.045"));
    assert_eq!(p.daily_realized_pnl("USDT", day1), d("-10.14"));
    assert_eq!(p.daily_realized_pnl("BTC", day1), d("0"));
    assert_eq!(utc_day(day1 + DAY - 1), 20_000);
    assert_eq!(utc_day(-1), -1);
}

#[test]
fn sales_of_untracked_holdings_claim_no_pnl() {
    let mut p = Portfolio::new();
    let e = p
        .apply_fill(&fill(1, Sell, "0.2", "100", "0.02 USDT", 0), &no_rates)
        .unwrap();
    assert_eq!(e.realized_gross, d("0"));
    assert!(e.closed.is_none());
    let pos = p.position("BTCUSDT").unwrap();
    assert_eq!((pos.qty, pos.untracked_sold), (d("0"), d("0.2")));
    assert_eq!(pos.realized_pnl(), d("-0.02"));
    assert!(p.round_trips().is_empty());
}

#[test]
fn dust_below_the_lot_step_closes_the_trip() {
    let mut p = Portfolio::new();
    p.set_dust("BTCUSDT", d("0.00001"));
    p.apply_fill(&fill(1, Buy, "0.001", "100", "0.000001 BTC", 0), &no_rates);
    let e = p
        .apply_fill(&fill(2, Sell, "0.00099", "100", "", 1), &no_rates)
        .unwrap();
    assert!(e.closed.is_some());
    let pos = p.position("BTCUSDT").unwrap();
    assert_eq!(pos.qty, d("0.000009"), "the dust stays held");
    assert!(pos.is_flat());
}

#[test]
fn declared_pairs_and_rebuild_from_fills() {
    let mut p = Portfolio::new();
    p.set_pair("BTCUSDT", Pair::new("BTC", "USDT"));
    let fills = [
        fill(1, Buy, "1", "100", "0.1 USDT", 0),
        fill(2, Sell, "1", "101", "0.101 USDT", 1),
        fill(1, Buy, "1", "100", "0.1 USDT", 0),
    ];
    for f in &fills {
        p.apply_fill(f, &no_rates);
    }
    let q = Portfolio::from_fills(&fills, &no_rates);
    assert_eq!(p.round_trips(), q.round_trips());
    assert_eq!(p.position("BTCUSDT"), q.position("BTCUSDT"));
    assert_eq!(q.round_trips()[0].net_pnl, d("0.799"));
}

#[test]
fn balances_follow_the_venue() {
    let mut p = Portfolio::new();
    let b = |a: &str, free: &str, locked: &str| Balance {
        asset: a.into(),
        free: d(free),
        locked: d(locked),
    };
    p.apply_balances(&[b("USDT", "1000", "0"), b("BTC", "0.5", "0.1")]);
    p.apply_balances(&[b("USDT", "900", "100")]);
    p.apply_balance_delta("USDT", d("50.5"));
    p.apply_balance_delta("ETH", d("2"));
    assert_eq!(p.balance("USDT"), Some(&b("USDT", "950.5", "100")));
    assert_eq!(p.balance("BTC"), Some(&b("BTC", "0.5", "0.1")));
    let assets: Vec<&str> = p.balances().map(|b| b.asset.as_str()).collect();
    assert_eq!(assets, ["BTC", "ETH", "USDT"]);
}
