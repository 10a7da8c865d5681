//! The paper venue against the real BTCUSDT capture: queue-aware resting
//! fills, market orders walking real levels, LIMIT_MAKER, IOC and FOK.
//! Expected values were derived from the capture and are cross-checked
//! against the book and the trade tape inside each test.

mod paper_common;

use paper_common::*;
use rust_decimal::Decimal;
use tradeterm::domain::Side;
use tradeterm::fixed::Fx;
use tradeterm::trading::order::{OrderStatus, OrderType, TimeInForce};

/// A diff after which the best bid, 61837.88, holds 0.19471 BTC; the next
/// ten sell trades at that price total less than that.
const QUEUE_AT: i64 = 1723161314035;
/// A diff after which the top ask holds only 0.01753 BTC.
const THIN_TOP_AT: i64 = 1723161258809;

fn px(s: &str) -> Option<Decimal> {
    Some(d(s))
}

#[test]
fn a_resting_buy_at_the_best_bid_waits_for_the_queue_ahead_to_trade() {
    let mut v = venue();
    let price = d("61837.88");
    let mut placed = false;
    // Sell-aggressor trades at our price seen while resting, and the one
    // that filled us.
    let mut at_price: Vec<(u64, Decimal)> = Vec::new();
    let mut filled_by: Option<u64> = None;
    let events = replay(&mut v, |step, v, book| match step {
        Step::Depth { event_time } if *event_time == QUEUE_AT => {
            assert_eq!(book.best_bid().unwrap().0.to_decimal(), price);
            let ev = v
                .place(
                    &order("q", Side::Buy, OrderType::Limit, Some(price), "0.01"),
                    book,
                    QUEUE_AT,
                )
                .unwrap();
            assert_eq!(execs(&ev).len(), 1, "NEW only: it does not cross");
            assert_eq!(v.order("q").unwrap().queue_ahead, d("0.19471"));
            placed = true;
        }
        Step::Trade { trade, events } if placed && filled_by.is_none() => {
            let p = trade.price.to_decimal();
            assert!(p >= price, "no trade through our price before the fill");
            if !trades_of(events.iter(), "q").is_empty() {
                filled_by = Some(trade.id);
            } else if p == price && trade.aggressor == Side::Sell {
                at_price.push((trade.id, trade.qty.to_decimal()));
            }
        }
        _ => {}
    });
    // Ten trades at our price did not fill us: they ate the queue ahead
    // (a fill-on-touch model would have filled on the first).
    assert_eq!(at_price.len(), 10);
    let eaten: Decimal = at_price.iter().map(|t| t.1).sum();
    assert!(eaten < d("0.19471"), "{eaten}");
    assert_eq!(filled_by, Some(3735684651));
    let fill = trades_of(events.iter().map(|e| &e.1), "q");
    assert_eq!(fill.len(), 1);
    let f = fill[0];
    assert_eq!(
        (f.last_qty, f.last_price, f.status),
        (d("0.01"), price, OrderStatus::Filled)
    );
    assert!(f.is_maker);
    assert_eq!(f.commission, d("0.000008"), "maker 0.08 % of 0.01 BTC");
    assert_eq!(v.funds("USDT").free, d("100000") - d("618.3788"));
    assert_eq!(v.funds("BTC").free, d("1.009992"));
    assert_eq!(v.funds("USDT").locked, Decimal::ZERO);
}

#[test]
fn a_market_buy_larger_than_the_top_level_walks_the_real_book() {
    let book = book_at(THIN_TOP_AT);
    let asks = book.asks.top(4);
    let mut v = venue();
    let ev = v
        .place(
            &order("m", Side::Buy, OrderType::Market, None, "0.1"),
            &book,
            THIN_TOP_AT,
        )
        .unwrap();
    let fills: Vec<(Decimal, Decimal)> = trades_of(&ev, "m")
        .iter()
        .map(|r| (r.last_price, r.last_qty))
        .collect();
    let expected = [
        ("61824.01", "0.01753"),
        ("61826.73", "0.00009"),
        ("61827.45", "0.0455"),
        ("61827.5", "0.03688"),
    ];
    assert_eq!(fills, expected.map(|(p, q)| (d(p), d(q))));
    // Each level at its own price, whole levels until the last.
    for (i, (p, q)) in asks.iter().enumerate() {
        assert_eq!(p.to_decimal(), fills[i].0);
        if i < 3 {
            assert_eq!(q.to_decimal(), fills[i].1);
        }
    }
    let last = *trades_of(&ev, "m").last().unwrap();
    assert_eq!(last.status, OrderStatus::Filled);
    assert_eq!(last.cum_quote, d("6182.686476"));
    assert_eq!(last.cum_quote / last.cum_qty, d("61826.86476"), "VWAP");
    let fees: Decimal = trades_of(&ev, "m").iter().map(|r| r.commission).sum();
    assert_eq!(fees, d("0.0001"), "taker 0.1 % of 0.1 BTC, in BTC");
    assert_eq!(v.funds("USDT").free, d("93817.313524"));
    assert_eq!(v.funds("BTC").free, d("1.0999"));
    assert_eq!(
        (v.funds("USDT").locked, v.funds("BTC").locked),
        (Decimal::ZERO, Decimal::ZERO)
    );
}

#[test]
fn limit_maker_that_would_take_is_rejected_with_binances_message() {
    let book = book_at(THIN_TOP_AT);
    let (ask, bid) = (book.best_ask().unwrap().0, book.best_bid().unwrap().0);
    let mut v = venue();
    let lm = |cid: &str, p: Fx| {
        order(
            cid,
            Side::Buy,
            OrderType::LimitMaker,
            Some(p.to_decimal()),
            "0.01",
        )
    };
    let e = v.place(&lm("a", ask), &book, THIN_TOP_AT).unwrap_err();
    assert_eq!(
        (e.code, e.msg.as_str()),
        (-2010, "Order would immediately match and take.")
    );
    assert_eq!(v.funds("USDT").free, d("100000"));
    v.place(&lm("b", bid), &book, THIN_TOP_AT).unwrap();
    assert_eq!(v.order("b").unwrap().queue_ahead, d("4.34626"));
}

#[test]
fn ioc_takes_what_crosses_and_fok_is_all_or_nothing() {
    let book = book_at(THIN_TOP_AT);
    let with_tif = |cid: &str, tif, qty: &str| {
        let mut v = venue();
        let mut r = order(cid, Side::Buy, OrderType::Limit, px("61826.73"), qty);
        r.tif = Some(tif);
        let ev = v.place(&r, &book, THIN_TOP_AT).unwrap();
        (v, ev)
    };
    // Up to 61826.73 the book has 0.01753 + 0.00009.
    let (v, ev) = with_tif("i", TimeInForce::Ioc, "0.05");
    let r = execs(&ev);
    let kinds: Vec<&str> = r.iter().map(|r| r.exec_type.as_str()).collect();
    assert_eq!(kinds, ["NEW", "TRADE", "TRADE", "EXPIRED"]);
    assert_eq!(r[3].cum_qty, d("0.01762"));
    assert_eq!(r[3].status, OrderStatus::Expired);
    assert_eq!(v.funds("USDT").locked, Decimal::ZERO);
    let spent = d("0.01753") * d("61824.01") + d("0.00009") * d("61826.73");
    assert_eq!(v.funds("USDT").free, d("100000") - spent);
    let (v, ev) = with_tif("f", TimeInForce::Fok, "0.05");
    let kinds: Vec<&str> = execs(&ev).iter().map(|r| r.exec_type.as_str()).collect();
    assert_eq!(kinds, ["NEW", "EXPIRED"]);
    assert_eq!(v.funds("USDT").free, d("100000"));
    assert_eq!(v.funds("BTC").free, d("1"));
    let (_, ev) = with_tif("f2", TimeInForce::Fok, "0.01762");
    let r = execs(&ev);
    assert_eq!(r.last().unwrap().status, OrderStatus::Filled);
    assert_eq!(r.last().unwrap().cum_qty, d("0.01762"));
}
