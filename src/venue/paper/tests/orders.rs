//! Taker orders, parameter and filter rejects, balances, cancels.

use super::*;
use crate::domain::Side::{Buy, Sell};
use OrderStatus::{Canceled, Expired, Filled, New, PartiallyFilled};

#[test]
fn market_buy_walks_the_book_at_each_level_price() {
    let mut v = venue();
    let ev = v.place(&market("m1", Buy, "1.2"), &book(), 5).unwrap();
    assert_eq!(
        summary(&ev),
        vec![
            row("NEW", New, "0", "0"),
            row("TRADE", PartiallyFilled, "0.5", "30000"),
            row("TRADE", Filled, "0.7", "30000.01"),
        ]
    );
    let r = execs(&ev);
    assert_eq!((r[1].trade_id, r[2].trade_id), (1, 2));
    assert_eq!(r[2].order_id, 1);
    // Taker fee 0.2 % of the base received.
    assert_eq!(r[1].commission, d("0.001"));
    assert_eq!(r[2].commission, d("0.0014"));
    assert_eq!(r[2].commission_asset.as_deref(), Some("BTC"));
    assert!(!r[1].is_maker);
    assert_eq!(r[2].cum_quote, d("36000.007"));
    assert_eq!(r[2].last_quote, d("21000.007"));
    assert_eq!(funds(&v, "USDT"), (d("63999.993"), d("0")));
    assert_eq!(funds(&v, "BTC"), (d("3.1976"), d("0")));
    let AccountEvent::Balances { time, balances } = ev.last().unwrap() else {
        panic!("balances last")
    };
    assert_eq!(*time, 5);
    assert_eq!(balances.len(), 2);
    assert!(v.open_orders().is_empty());
    assert_eq!(v.order("m1").unwrap().status, Filled);
    check_locks(&v);
}

#[test]
fn market_order_beyond_the_book_expires_the_rest() {
    let mut v = venue();
    let thin = book_of(&[("29999", "1")], &[("30000", "0.5"), ("30000.01", "1")], 1);
    let ev = v.place(&market("m1", Buy, "2"), &thin, 5).unwrap();
    assert_eq!(
        summary(&ev),
        vec![
            row("NEW", New, "0", "0"),
            row("TRADE", PartiallyFilled, "0.5", "30000"),
            row("TRADE", PartiallyFilled, "1", "30000.01"),
            row("EXPIRED", Expired, "0", "0"),
        ]
    );
    assert_eq!(execs(&ev)[3].cum_qty, d("1.5"));
    assert_eq!(funds(&v, "USDT"), (d("54999.99"), d("0")));
    check_locks(&v);
}

#[test]
fn market_by_quote_amount_buys_whole_steps() {
    let mut v = venue();
    let mut req = market("q1", Buy, "1");
    (req.qty, req.quote_qty) = (None, Some(d("20000")));
    let ev = v.place(&req, &book(), 5).unwrap();
    // 0.5 @ 30000 = 15000; floor(5000 / 30000.01, 0.00001) = 0.16666.
    assert_eq!(
        summary(&ev),
        vec![
            row("NEW", New, "0", "0"),
            row("TRADE", PartiallyFilled, "0.5", "30000"),
            row("TRADE", Filled, "0.16666", "30000.01"),
        ]
    );
    assert_eq!(execs(&ev)[0].quote_qty, d("20000"));
    assert_eq!(
        funds(&v, "USDT"),
        (d("100000") - d("19999.8016666"), d("0"))
    );
    // Selling for a quote amount: 29999.99 + floor(10000.01 / 29999.98).
    let mut req = market("q2", Sell, "1");
    (req.qty, req.quote_qty) = (None, Some(d("40000")));
    let before = v.funds("USDT").free;
    let ev = v.place(&req, &book(), 6).unwrap();
    let r = execs(&ev);
    assert_eq!(
        (r[2].last_qty, r[2].last_price),
        (d("0.33333"), d("29999.98"))
    );
    assert_eq!(r[2].status, Filled);
    assert_eq!(r[2].commission, d("19.99978667"), "0.2 % rounded up");
    let got = d("29999.99") - d("59.99998") + d("9999.8933334") - d("19.99978667");
    assert_eq!(v.funds("USDT").free - before, got);
    check_locks(&v);
}

#[test]
fn insufficient_balance_rejects_and_changes_nothing() {
    let mut v = venue();
    let e = v.place(&market("m1", Buy, "4.5"), &book(), 5).unwrap_err();
    assert_eq!(e, PaperReject::insufficient_balance());
    assert_eq!(e.code, -2010);
    let e = v
        .place(&limit("l1", Sell, "31000", "2.5"), &book(), 5)
        .unwrap_err();
    assert_eq!(
        e.msg,
        "Account has insufficient balance for requested action."
    );
    assert_eq!(funds(&v, "USDT"), (d("100000"), d("0")));
    assert_eq!(funds(&v, "BTC"), (d("2"), d("0")));
    // Rejected orders got no id.
    let ev = v
        .place(&limit("l2", Buy, "29000", "1"), &book(), 5)
        .unwrap();
    assert_eq!(execs(&ev)[0].order_id, 1);
    assert_eq!(funds(&v, "USDT"), (d("71000"), d("29000")));
    check_locks(&v);
}

#[test]
fn crossing_gtc_limit_takes_then_rests_and_gets_its_price_improvement_back() {
    let mut v = venue();
    let ev = v
        .place(&limit("l1", Buy, "30000.01", "2"), &book(), 5)
        .unwrap();
    assert_eq!(
        summary(&ev),
        vec![
            row("NEW", New, "0", "0"),
            row("TRADE", PartiallyFilled, "0.5", "30000"),
            row("TRADE", PartiallyFilled, "1", "30000.01"),
        ]
    );
    // Locked: the resting 0.5 at its limit; the 0.005 saved on the first
    // level went back to free.
    assert_eq!(funds(&v, "USDT"), (d("39999.985"), d("15000.005")));
    let o = v.order("l1").unwrap();
    assert!(o.working);
    assert_eq!(o.queue_ahead, d("0"), "nothing else bids 30000.01");
    check_locks(&v);
    // It now rests as a maker.
    let ev = v.on_trade(&trade("30000.01", "0.3", Sell), &book(), 6);
    let r = execs(&ev);
    assert_eq!(r.len(), 1);
    assert!(r[0].is_maker);
    assert_eq!(r[0].commission, d("0.0003"), "maker 0.1 %");
    assert_eq!(r[0].trade_id, 3);
    check_locks(&v);
}

#[test]
fn ioc_expires_what_does_not_cross() {
    let mut v = venue();
    let mut req = limit("i1", Buy, "30000.01", "2");
    req.tif = Some(TimeInForce::Ioc);
    let ev = v.place(&req, &book(), 5).unwrap();
    assert_eq!(
        summary(&ev).last().unwrap(),
        &row("EXPIRED", Expired, "0", "0")
    );
    assert_eq!(execs(&ev)[3].cum_qty, d("1.5"));
    assert_eq!(funds(&v, "USDT"), (d("54999.99"), d("0")));
    check_locks(&v);
}

#[test]
fn fok_is_all_or_nothing() {
    let mut v = venue();
    let mut req = limit("f1", Buy, "30000.01", "2");
    req.tif = Some(TimeInForce::Fok);
    let ev = v.place(&req, &book(), 5).unwrap();
    assert_eq!(
        summary(&ev),
        vec![row("NEW", New, "0", "0"), row("EXPIRED", Expired, "0", "0")]
    );
    assert_eq!(funds(&v, "USDT"), (d("100000"), d("0")));
    req.client_order_id = "f2".into();
    req.qty = Some(d("1.5"));
    let ev = v.place(&req, &book(), 5).unwrap();
    assert_eq!(summary(&ev).last().unwrap().1, Filled);
    assert_eq!(funds(&v, "USDT"), (d("54999.99"), d("0")));
    check_locks(&v);
}

#[test]
fn limit_maker_that_would_take_is_rejected() {
    let mut v = venue();
    let mut req = limit("lm", Buy, "30000", "0.1");
    (req.kind, req.tif) = (OrderType::LimitMaker, None);
    let e = v.place(&req, &book(), 5).unwrap_err();
    assert_eq!(
        (e.code, e.msg.as_str()),
        (-2010, "Order would immediately match and take.")
    );
    req.price = Some(d("29999.99"));
    let ev = v.place(&req, &book(), 5).unwrap();
    assert_eq!(summary(&ev), vec![row("NEW", New, "0", "0")]);
    assert_eq!(v.order("lm").unwrap().queue_ahead, d("1"));
}

#[test]
fn filters_reject_with_binance_codes_and_round_what_they_can() {
    let mut v = venue();
    let e = v
        .place(&limit("a", Buy, "30000", "0.000001"), &book(), 5)
        .unwrap_err();
    assert_eq!(
        (e.code, e.msg.as_str()),
        (-1013, "Filter failure: LOT_SIZE")
    );
    let e = v
        .place(&limit("a", Buy, "30000", "0.0002"), &book(), 5)
        .unwrap_err();
    assert_eq!(e.msg, "Filter failure: NOTIONAL");
    let e = v
        .place(&limit("a", Buy, "200000", "0.001"), &book(), 5)
        .unwrap_err();
    assert_eq!(e.msg, "Filter failure: PERCENT_PRICE_BY_SIDE");
    let ev = v
        .place(&limit("a", Buy, "29000.019", "0.0012345"), &book(), 5)
        .unwrap();
    let r = execs(&ev)[0];
    assert_eq!((r.price, r.qty), (d("29000.01"), d("0.00123")));
    assert_eq!(funds(&v, "USDT").1, d("29000.01") * d("0.00123"));
}

#[test]
fn parameters_follow_binance_rules() {
    let mut v = venue();
    let mut req = limit("a", Buy, "30000", "0.001");
    req.tif = None;
    let e = v.place(&req, &book(), 5).unwrap_err();
    assert_eq!(e.code, -1102);
    assert!(e.msg.contains("'timeInForce'"), "{e}");
    let mut req = market("a", Buy, "0.001");
    req.tif = Some(TimeInForce::Gtc);
    assert_eq!(v.place(&req, &book(), 5).unwrap_err().code, -1106);
    let mut req = market("a", Buy, "0.001");
    req.quote_qty = Some(d("10"));
    assert_eq!(v.place(&req, &book(), 5).unwrap_err().code, -1106);
    req.symbol = "NOPE".into();
    assert_eq!(
        v.place(&req, &book(), 5).unwrap_err(),
        PaperReject::new(-1121, "Invalid symbol.")
    );
    let bad = limit("has space", Buy, "30000", "0.001");
    assert_eq!(v.place(&bad, &book(), 5).unwrap_err().code, -1100);
    let empty = OrderBook::new();
    assert_eq!(
        v.place(&market("m", Buy, "0.001"), &empty, 5)
            .unwrap_err()
            .code,
        -1112
    );
}

#[test]
fn a_client_id_is_unique_only_among_open_orders() {
    let mut v = venue();
    v.place(&limit("dup", Buy, "29000", "0.001"), &book(), 5)
        .unwrap();
    let e = v
        .place(&limit("dup", Buy, "29001", "0.001"), &book(), 5)
        .unwrap_err();
    assert_eq!((e.code, e.msg.as_str()), (-2010, "Duplicate order sent."));
    v.cancel("BTCUSDT", "dup", 6).unwrap();
    v.place(&limit("dup", Buy, "29001", "0.001"), &book(), 7)
        .unwrap();
    assert_eq!(v.order("dup").unwrap().price, d("29001"));
}

#[test]
fn our_own_takes_are_not_taken_twice_from_one_book_state() {
    let mut v = venue();
    let b = book();
    let ev = v.place(&market("m1", Buy, "0.5"), &b, 5).unwrap();
    assert_eq!(execs(&ev)[1].last_price, d("30000"));
    let ev = v.place(&market("m2", Buy, "0.5"), &b, 5).unwrap();
    assert_eq!(execs(&ev)[1].last_price, d("30000.01"));
    // A LIMIT_MAKER at the emptied level no longer takes.
    let mut lm = limit("lm", Buy, "30000", "0.01");
    (lm.kind, lm.tif) = (OrderType::LimitMaker, None);
    assert!(v.place(&lm, &b, 5).is_ok());
    v.on_depth("BTCUSDT", &b);
    let ev = v.place(&market("m3", Buy, "0.5"), &b, 5).unwrap();
    assert_eq!(execs(&ev)[1].last_price, d("30000"));
}

#[test]
fn cancels_unlock_and_unknown_orders_are_refused() {
    let mut v = venue();
    v.place(&limit("a", Buy, "29000", "1"), &book(), 5).unwrap();
    v.place(&limit("b", Sell, "31000", "0.5"), &book(), 5)
        .unwrap();
    assert_eq!(funds(&v, "BTC"), (d("1.5"), d("0.5")));
    let ev = v.cancel("BTCUSDT", "a", 6).unwrap();
    let r = execs(&ev)[0];
    assert_eq!((r.exec_type.as_str(), r.status), ("CANCELED", Canceled));
    assert_eq!(r.orig_client_order_id.as_deref(), Some("a"));
    assert_eq!(funds(&v, "USDT"), (d("100000"), d("0")));
    let e = v.cancel("BTCUSDT", "a", 7).unwrap_err();
    assert_eq!((e.code, e.msg.as_str()), (-2011, "Unknown order sent."));
    v.place(&limit("c", Buy, "29000", "1"), &book(), 8).unwrap();
    let ev = v.cancel_all("BTCUSDT", 9);
    assert_eq!(execs(&ev).len(), 2);
    assert!(v.cancel_all("BTCUSDT", 10).is_empty());
    assert_eq!(funds(&v, "BTC"), (d("2"), d("0")));
    assert_eq!(v.orders().len(), 3);
    check_locks(&v);
}
