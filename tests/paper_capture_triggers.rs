//! Stops, OCO and determinism of the paper venue on the real BTCUSDT
//! capture.

mod paper_common;

use paper_common::*;
use rust_decimal::Decimal;
use tradeterm::domain::Side;
use tradeterm::trading::account::{AccountEvent, OcoRequest, OrderRequest};
use tradeterm::trading::order::{OrderStatus, OrderType};

/// The first diff after the book went live: bid 61837.63, ask 61837.64.
const FIRST_LIVE: i64 = 1723161255508;
/// Bid 61824, ask 61824.01; the price later rises past 61850.
const LOW_AT: i64 = 1723161258809;

fn stop_loss(cid: &str, side: Side, stop: &str, limit: &str, qty: &str) -> OrderRequest {
    let mut r = order(cid, side, OrderType::StopLossLimit, Some(d(limit)), qty);
    r.stop_price = Some(d(stop));
    r
}

fn oco(side: Side, limit: &str, stop: &str, stop_limit: &str) -> OcoRequest {
    OcoRequest {
        list_client_order_id: "list".into(),
        symbol: "BTCUSDT".into(),
        side,
        qty: d("0.01"),
        limit_client_order_id: "tp".into(),
        limit_price: d(limit),
        stop_client_order_id: "sl".into(),
        stop_price: d(stop),
        stop_limit_price: d(stop_limit),
        tag: "test".into(),
    }
}

/// Replays with `place` run once at the diff with event time `at`.
fn run_with(
    at: i64,
    mut place: impl FnMut(&mut tradeterm::venue::paper::PaperVenue, &tradeterm::market::book::OrderBook),
) -> (
    tradeterm::venue::paper::PaperVenue,
    Vec<(u64, AccountEvent)>,
) {
    let mut v = venue();
    let events = replay(&mut v, |s, v, b| {
        if matches!(s, Step::Depth { event_time } if *event_time == at) {
            place(v, b);
        }
    });
    (v, events)
}

#[test]
fn a_stop_loss_triggers_on_a_real_trade_and_sells_below_the_print() {
    let mut stale_bid = None;
    let (v, events) = run_with(FIRST_LIVE, |v, b| {
        v.place(
            &stop_loss("sl", Side::Sell, "61835", "61830", "0.01"),
            b,
            FIRST_LIVE,
        )
        .unwrap();
        stale_bid = b.best_bid().map(|l| l.0.to_decimal());
    });
    assert_eq!(stale_bid, Some(d("61837.63")));
    // The first trade at or below 61835 is 3735683275, a sell of 0.00021
    // at 61834.63; earlier sells at 61837.63 .. 61836 did not trigger it.
    let first_at_or_below = feed()
        .iter()
        .find_map(|f| match f {
            Feed::Trade(t) if t.time >= FIRST_LIVE && t.price.to_decimal() <= d("61835") => {
                Some(t.id)
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(first_at_or_below, 3735683275);
    let fills: Vec<_> = events
        .iter()
        .filter_map(|(by, e)| match e {
            AccountEvent::Execution(r) if r.exec_type == "TRADE" => {
                Some((*by, r.last_price, r.last_qty, r.is_maker))
            }
            _ => None,
        })
        .collect();
    // As a LIMIT sell at 61830 it takes the bids the print left: the rest
    // of 61834.63 (0.00105 less the print's 0.00021), then 61834.48; never
    // the stale 61837.63 .. 61834.64 the trade shows were already gone.
    assert_eq!(
        fills,
        vec![
            (3735683275, d("61834.63"), d("0.00084"), false),
            (3735683275, d("61834.48"), d("0.00916"), false),
        ]
    );
    let o = v.order("sl").unwrap();
    assert_eq!(
        (o.status, o.cum_quote),
        (OrderStatus::Filled, d("618.344926"))
    );
    // Seller's taker fee in USDT, each rounded up to 8 decimals.
    let fee = d("0.05194109") + d("0.56640384");
    assert_eq!(v.funds("USDT").free, d("100000") + d("618.344926") - fee);
    assert_eq!(
        (v.funds("BTC").free, v.funds("BTC").locked),
        (d("0.99"), Decimal::ZERO)
    );
}

#[test]
fn oco_stop_trigger_expires_the_limit_leg() {
    let (v, events) = run_with(FIRST_LIVE, |v, b| {
        let ev = v
            .place_oco(&oco(Side::Sell, "61850", "61830", "61820"), b, FIRST_LIVE)
            .unwrap();
        assert!(
            matches!(&ev[0], AccountEvent::ListStatus { list_status, .. } if list_status == "EXEC_STARTED")
        );
    });
    let trigger = feed()
        .iter()
        .find_map(|f| match f {
            Feed::Trade(t) if t.time >= FIRST_LIVE && t.price.to_decimal() <= d("61830") => {
                Some(t.id)
            }
            _ => None,
        })
        .unwrap();
    let by_trigger: Vec<&AccountEvent> = events
        .iter()
        .filter(|e| e.0 == trigger)
        .map(|e| &e.1)
        .collect();
    let first = execs_of(&by_trigger);
    assert_eq!(
        (first[0].client_order_id.as_str(), first[0].status),
        ("tp", OrderStatus::Expired)
    );
    assert!(by_trigger.iter().any(
        |e| matches!(e, AccountEvent::ListStatus { list_status, list_order_status, .. }
        if list_status == "ALL_DONE" && list_order_status == "ALL_DONE")
    ));
    let sl = v.order("sl").unwrap();
    assert_eq!(sl.status, OrderStatus::Filled);
    assert!(
        sl.cum_quote >= d("618.2") && sl.cum_quote <= d("618.3"),
        "{}",
        sl.cum_quote
    );
    assert_eq!(v.order("tp").unwrap().status, OrderStatus::Expired);
    assert_eq!(
        (v.funds("BTC").free, v.funds("BTC").locked),
        (d("0.99"), Decimal::ZERO)
    );
    assert!(v.open_orders().is_empty());
}

#[test]
fn oco_limit_fill_expires_the_stop_leg() {
    let (v, events) = run_with(LOW_AT, |v, b| {
        v.place_oco(&oco(Side::Sell, "61830", "61800", "61790"), b, LOW_AT)
            .unwrap();
    });
    let tp_fills = trades_of(events.iter().map(|e| &e.1), "tp");
    assert!(!tp_fills.is_empty());
    assert!(tp_fills
        .iter()
        .all(|r| r.last_price == d("61830") && r.is_maker));
    // The stop leg expired on the trade of the first fill.
    let first_fill_trade = events
        .iter()
        .find(|(_, e)| matches!(e, AccountEvent::Execution(r) if r.client_order_id == "tp" && r.exec_type == "TRADE"))
        .unwrap()
        .0;
    assert!(events.iter().any(|(by, e)| *by == first_fill_trade
        && matches!(e, AccountEvent::Execution(r) if r.client_order_id == "sl" && r.status == OrderStatus::Expired)));
    let tp = v.order("tp").unwrap();
    assert_eq!(
        (tp.status, tp.executed_qty),
        (OrderStatus::Filled, d("0.01"))
    );
    // Maker 0.08 % of 618.3 USDT.
    assert_eq!(
        v.funds("USDT").free,
        d("100000") + d("618.3") - d("0.494640")
    );
    assert_eq!(v.funds("BTC").locked, Decimal::ZERO);
}

fn execs_of<'a>(
    events: &[&'a AccountEvent],
) -> Vec<&'a tradeterm::trading::account::ExecutionReport> {
    events
        .iter()
        .filter_map(|e| match e {
            AccountEvent::Execution(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// A scripted session: several order types placed at fixed points of the
/// capture, one cancel. Returns every event and the final state as JSON.
fn session() -> (Vec<AccountEvent>, String) {
    let mut v = venue();
    let mut log: Vec<AccountEvent> = Vec::new();
    let mut diffs = 0u32;
    replay(&mut v, |step, v, b| {
        let now = match step {
            Step::Trade { trade, events } => {
                log.extend(events.iter().cloned());
                return assert!(trade.time > 0);
            }
            Step::Depth { event_time } => *event_time,
        };
        diffs += 1;
        let mut go = |r: Result<Vec<AccountEvent>, _>| log.extend(r.unwrap());
        let bid = b.best_bid().unwrap().0.to_decimal();
        let ask = b.best_ask().unwrap().0.to_decimal();
        match diffs {
            1 => go(v.place(
                &order("m1", Side::Buy, OrderType::Market, None, "0.05"),
                b,
                now,
            )),
            2 => go(v.place(
                &order("b1", Side::Buy, OrderType::Limit, Some(bid), "0.02"),
                b,
                now,
            )),
            3 => go(v.place(
                &order("s1", Side::Sell, OrderType::Limit, Some(ask), "0.02"),
                b,
                now,
            )),
            5 => go(v.place(
                &stop_loss("st", Side::Sell, "61826", "61820", "0.01"),
                b,
                now,
            )),
            40 => go(v.place_oco(&oco(Side::Sell, "61840", "61810", "61800"), b, now)),
            80 => go(v.place(
                &order(
                    "b2",
                    Side::Buy,
                    OrderType::Limit,
                    Some(bid - d("5")),
                    "0.03",
                ),
                b,
                now,
            )),
            81 => go(v.cancel("BTCUSDT", "b2", now)),
            _ => {}
        }
    });
    (log, serde_json::to_string(&v.snapshot()).unwrap())
}

#[test]
fn replaying_the_same_session_twice_gives_identical_events() {
    let (a, state_a) = session();
    let (b, state_b) = session();
    assert_eq!(a, b);
    assert_eq!(state_a, state_b);
    let reports: Vec<_> = a
        .iter()
        .filter_map(|e| match e {
            AccountEvent::Execution(r) => Some(r),
            _ => None,
        })
        .collect();
    let trade_ids: Vec<i64> = reports
        .iter()
        .filter(|r| r.exec_type == "TRADE")
        .map(|r| r.trade_id)
        .collect();
    assert!(
        trade_ids.len() >= 6,
        "the session trades: {}",
        trade_ids.len()
    );
    assert!(
        trade_ids.windows(2).all(|w| w[0] < w[1]),
        "unique, increasing"
    );
    for kind in ["NEW", "TRADE", "CANCELED", "EXPIRED"] {
        assert!(reports.iter().any(|r| r.exec_type == kind), "{kind} seen");
    }
}
