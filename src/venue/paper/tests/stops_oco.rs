//! Stop-limit triggers, OCO lists, and persistence.

use super::*;
use crate::domain::Side::{Buy, Sell};
use crate::trading::account::OcoRequest;
use OrderStatus::{Canceled, Expired, Filled, New, PartiallyFilled};

fn stop(
    cid: &str,
    kind: OrderType,
    side: Side,
    stop: &str,
    price: &str,
    qty: &str,
) -> OrderRequest {
    OrderRequest {
        kind,
        stop_price: Some(d(stop)),
        ..limit(cid, side, price, qty)
    }
}

/// A venue whose last trade was at 30000.
fn traded() -> PaperVenue {
    let mut v = venue();
    assert!(v
        .on_trade(&trade("30000", "0.01", Buy), &book(), 1)
        .is_empty());
    v
}

fn oco(side: Side, limit: &str, stop: &str, stop_limit: &str, qty: &str) -> OcoRequest {
    OcoRequest {
        list_client_order_id: "list".into(),
        symbol: "BTCUSDT".into(),
        side,
        qty: d(qty),
        limit_client_order_id: "tp".into(),
        limit_price: d(limit),
        stop_client_order_id: "sl".into(),
        stop_price: d(stop),
        stop_limit_price: d(stop_limit),
        tag: "man".into(),
    }
}

fn list_statuses(ev: &[AccountEvent]) -> Vec<(String, String)> {
    ev.iter()
        .filter_map(|e| match e {
            AccountEvent::ListStatus {
                list_status,
                list_order_status,
                ..
            } => Some((list_status.clone(), list_order_status.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn stop_loss_sell_triggers_on_the_last_price_then_takes_as_limit() {
    let mut v = traded();
    let req = stop(
        "sl",
        OrderType::StopLossLimit,
        Sell,
        "29999.5",
        "29999",
        "0.5",
    );
    let ev = v.place(&req, &book(), 2).unwrap();
    assert_eq!(summary(&ev), vec![row("NEW", New, "0", "0")]);
    assert!(!v.order("sl").unwrap().working);
    assert_eq!(
        funds(&v, "BTC"),
        (d("1.5"), d("0.5")),
        "locked at placement"
    );
    assert!(v
        .on_trade(&trade("29999.6", "1", Sell), &book(), 3)
        .is_empty());
    // The book still shows bids at 29999.99 and .98, but the sell trade at
    // 29999.5 that triggers the stop proves they are gone: it takes 29999.
    let ev = v.on_trade(&trade("29999.5", "1", Sell), &book(), 4);
    assert_eq!(summary(&ev), vec![row("TRADE", Filled, "0.5", "29999")]);
    let r = execs(&ev)[0];
    assert!(!r.is_maker);
    assert_eq!(r.commission, d("29.999"), "taker 0.2 % of 14999.5");
    assert_eq!(funds(&v, "BTC"), (d("1.5"), d("0")));
    check_locks(&v);
}

#[test]
fn a_stop_that_would_trigger_now_is_rejected() {
    let mut v = traded();
    let req = stop(
        "sl",
        OrderType::StopLossLimit,
        Sell,
        "30000.5",
        "30000",
        "0.1",
    );
    let e = v.place(&req, &book(), 2).unwrap_err();
    assert_eq!(
        (e.code, e.msg.as_str()),
        (-2010, "Order would trigger immediately.")
    );
    let req = stop(
        "tp",
        OrderType::TakeProfitLimit,
        Buy,
        "30000",
        "30000",
        "0.1",
    );
    assert_eq!(
        v.place(&req, &book(), 2).unwrap_err(),
        PaperReject::would_trigger()
    );
    assert_eq!(funds(&v, "USDT"), (d("100000"), d("0")));
}

#[test]
fn a_stop_triggered_beyond_the_book_rests_at_its_limit() {
    let mut v = traded();
    let req = stop("sl", OrderType::StopLossLimit, Buy, "30100", "30110", "0.1");
    v.place(&req, &book(), 2).unwrap();
    // The buy at 30100 shows every ask of the stale book gone.
    assert!(v.on_trade(&trade("30100", "1", Buy), &book(), 3).is_empty());
    let o = v.order("sl").unwrap();
    assert!(o.working && o.executed_qty.is_zero());
    assert_eq!(funds(&v, "USDT").1, d("3011"));
    // The next diff brings the book back, but a resting order only fills
    // from trades: a buy print at its price is a touch, a sell print fills.
    v.on_depth("BTCUSDT", &book());
    assert!(v
        .on_trade(&trade("30110", "0.05", Buy), &book(), 4)
        .is_empty());
    let ev = v.on_trade(&trade("30109", "0.05", Sell), &book(), 5);
    assert_eq!(
        summary(&ev),
        vec![row("TRADE", PartiallyFilled, "0.05", "30110")]
    );
    check_locks(&v);
}

#[test]
fn take_profit_buy_rests_after_its_trigger() {
    let mut v = traded();
    let req = stop(
        "tp",
        OrderType::TakeProfitLimit,
        Buy,
        "29999.5",
        "29999.5",
        "0.2",
    );
    v.place(&req, &book(), 2).unwrap();
    // The triggering trade starts it; it does not also fill it.
    assert!(v
        .on_trade(&trade("29999.5", "1", Sell), &book(), 3)
        .is_empty());
    let o = v.order("tp").unwrap();
    assert!(o.working);
    assert_eq!(o.queue_ahead, d("0"));
    let ev = v.on_trade(&trade("29999.5", "1", Sell), &book(), 4);
    assert_eq!(summary(&ev), vec![row("TRADE", Filled, "0.2", "29999.5")]);
    assert!(execs(&ev)[0].is_maker);
    check_locks(&v);
}

#[test]
fn oco_limit_fill_expires_the_stop_leg() {
    let mut v = traded();
    let ev = v
        .place_oco(&oco(Sell, "30100", "29900", "29890", "0.5"), &book(), 2)
        .unwrap();
    assert_eq!(
        list_statuses(&ev),
        vec![("EXEC_STARTED".into(), "EXECUTING".into())]
    );
    let r = execs(&ev);
    assert_eq!(r.len(), 2);
    assert_eq!(
        (r[0].kind, r[1].kind),
        (OrderType::LimitMaker, OrderType::StopLossLimit)
    );
    assert_eq!(r[0].order_list_id, r[1].order_list_id);
    assert_eq!(
        funds(&v, "BTC"),
        (d("1.5"), d("0.5")),
        "one lock for both legs"
    );
    check_locks(&v);
    let ev = v.on_trade(&trade("30100", "1", Buy), &book(), 3);
    assert_eq!(
        summary(&ev),
        vec![
            row("TRADE", Filled, "0.5", "30100"),
            row("EXPIRED", Expired, "0", "0")
        ]
    );
    assert_eq!(execs(&ev)[1].client_order_id, "sl");
    assert_eq!(
        list_statuses(&ev),
        vec![("ALL_DONE".into(), "ALL_DONE".into())]
    );
    assert_eq!(funds(&v, "BTC"), (d("1.5"), d("0")));
    assert_eq!(
        funds(&v, "USDT"),
        (d("100000") + d("15050") - d("15.05"), d("0"))
    );
    assert!(v.open_orders().is_empty());
    // Nothing left to trigger.
    assert!(v
        .on_trade(&trade("29000", "1", Sell), &book(), 4)
        .is_empty());
}

#[test]
fn oco_stop_trigger_expires_the_limit_leg_and_inherits_the_lock() {
    let mut v = traded();
    v.place_oco(&oco(Buy, "29900", "30100", "30110", "0.1"), &book(), 2)
        .unwrap();
    assert_eq!(
        funds(&v, "USDT"),
        (d("96989"), d("3011")),
        "the higher leg's price"
    );
    let moved = book_of(&[("30099", "1")], &[("30105", "1")], 101);
    v.on_depth("BTCUSDT", &moved);
    let ev = v.on_trade(&trade("30100", "1", Buy), &moved, 3);
    assert_eq!(
        summary(&ev),
        vec![
            row("EXPIRED", Expired, "0", "0"),
            row("TRADE", Filled, "0.1", "30105")
        ]
    );
    assert_eq!(execs(&ev)[0].client_order_id, "tp");
    assert_eq!(funds(&v, "USDT"), (d("96989.5"), d("0")));
    check_locks(&v);
}

#[test]
fn oco_partial_fill_ends_the_list_and_keeps_the_rest_working() {
    let mut v = traded();
    v.place_oco(&oco(Buy, "29900", "30100", "30110", "0.1"), &book(), 2)
        .unwrap();
    let ev = v.on_trade(&trade("29900", "0.04", Sell), &book(), 3);
    assert_eq!(
        summary(&ev),
        vec![
            row("TRADE", PartiallyFilled, "0.04", "29900"),
            row("EXPIRED", Expired, "0", "0")
        ]
    );
    // The rest of the limit leg holds only its own price now.
    assert_eq!(funds(&v, "USDT").1, d("0.06") * d("29900"));
    check_locks(&v);
    assert!(
        v.on_trade(&trade("30200", "1", Buy), &book(), 4).is_empty(),
        "stop leg gone"
    );
}

#[test]
fn oco_prices_must_straddle_the_last_price_and_a_leg_cancel_cancels_the_list() {
    let mut v = traded();
    let e = v
        .place_oco(&oco(Sell, "29950", "29900", "29890", "0.5"), &book(), 2)
        .unwrap_err();
    assert_eq!(
        e.msg,
        "The relationship of the prices for the orders is not correct."
    );
    v.place_oco(&oco(Sell, "30100", "29900", "29890", "0.5"), &book(), 2)
        .unwrap();
    let ev = v.cancel("BTCUSDT", "sl", 3).unwrap();
    assert_eq!(
        summary(&ev),
        vec![
            row("CANCELED", Canceled, "0", "0"),
            row("CANCELED", Canceled, "0", "0")
        ]
    );
    assert_eq!(
        list_statuses(&ev),
        vec![("ALL_DONE".into(), "ALL_DONE".into())]
    );
    assert_eq!(funds(&v, "BTC"), (d("2"), d("0")));
}

#[test]
fn restored_state_continues_identically() {
    let mut a = traded();
    a.place(&limit("b", Buy, "29999.99", "0.3"), &book(), 2)
        .unwrap();
    a.place(
        &stop("s", OrderType::StopLossLimit, Sell, "29990", "29980", "0.2"),
        &book(),
        2,
    )
    .unwrap();
    a.place_oco(&oco(Sell, "30100", "29995", "29990", "0.4"), &book(), 2)
        .unwrap();
    a.on_trade(&trade("29999.99", "0.5", Sell), &book(), 3);
    let json = serde_json::to_string(&a.snapshot()).unwrap();
    let mut b = venue();
    b.restore(serde_json::from_str(&json).unwrap());
    assert_eq!(a.snapshot(), b.snapshot());
    assert_eq!(a.balances(), b.balances());
    let tape = [
        trade("29999.99", "0.6", Sell),
        trade("29995", "0.1", Sell),
        trade("29989", "1", Sell),
        trade("30100", "1", Buy),
    ];
    let mut reports = 0;
    for (i, t) in tape.iter().enumerate() {
        let now = 10 + i as i64;
        let ev = a.on_trade(t, &book(), now);
        reports += execs(&ev).len();
        assert_eq!(ev, b.on_trade(t, &book(), now));
    }
    assert!(
        reports >= 4,
        "the tape exercises fills and triggers: {reports}"
    );
    assert_eq!(a.snapshot(), b.snapshot());
    check_locks(&b);
}

#[test]
fn algo_order_and_order_count_limits_and_closed_markets() {
    let mut v = traded();
    for i in 0..5 {
        let req = stop(
            &format!("s{i}"),
            OrderType::StopLossLimit,
            Sell,
            "29000",
            "28990",
            "0.01",
        );
        v.place(&req, &book(), 2).unwrap();
    }
    let req = stop(
        "s5",
        OrderType::StopLossLimit,
        Sell,
        "29000",
        "28990",
        "0.01",
    );
    let e = v.place(&req, &book(), 2).unwrap_err();
    assert_eq!(
        (e.code, e.msg.as_str()),
        (-1013, "Filter failure: MAX_NUM_ALGO_ORDERS")
    );
    // An OCO needs room for two orders.
    let mut s = v.symbol("BTCUSDT").unwrap().clone();
    s.filters.max_num_orders = Some(5);
    v.add_paper_symbol(s.clone());
    v.cancel("BTCUSDT", "s0", 3).unwrap();
    let e = v
        .place_oco(&oco(Sell, "30100", "29900", "29890", "0.1"), &book(), 4)
        .unwrap_err();
    assert_eq!(e.msg, "Filter failure: MAX_NUM_ORDERS");
    s.trading = false;
    v.add_paper_symbol(s);
    let e = v
        .place(&limit("x", Buy, "29000", "0.01"), &book(), 5)
        .unwrap_err();
    assert_eq!((e.code, e.msg.as_str()), (-2010, "Market is closed."));
    check_locks(&v);
}
