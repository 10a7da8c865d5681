//! Journal: intents, forward-only orders, unique fills, queries, reopen.

use rust_decimal::Decimal;
use tradeterm::domain::Side;
use tradeterm::journal::{FillFilter, Journal, OrderFilter};
use tradeterm::trading::account::{ExecutionReport, OrderRequest};
use tradeterm::trading::order::{OrderStatus, OrderType, TimeInForce};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn req(cid: &str) -> OrderRequest {
    OrderRequest {
        client_order_id: cid.into(),
        symbol: "BTCUSDT".into(),
        side: Side::Buy,
        kind: OrderType::Limit,
        tif: Some(TimeInForce::Gtc),
        price: Some(d("60000.10")),
        stop_price: None,
        qty: Some(d("0.00100000")),
        quote_qty: None,
        tag: "man".into(),
    }
}

/// An executionReport for `cid` (order id 7) with cumulative `cum`.
fn exec(cid: &str, status: OrderStatus, trade_id: i64, last: &str, cum: &str) -> ExecutionReport {
    let trade = trade_id >= 0;
    ExecutionReport {
        symbol: "BTCUSDT".into(),
        client_order_id: cid.into(),
        orig_client_order_id: None,
        order_id: 7,
        order_list_id: -1,
        side: Side::Buy,
        kind: OrderType::Limit,
        tif: Some(TimeInForce::Gtc),
        qty: d("0.001"),
        price: d("60000.10"),
        stop_price: Decimal::ZERO,
        quote_qty: Decimal::ZERO,
        exec_type: if trade { "TRADE" } else { "NEW" }.into(),
        status,
        reject_reason: "NONE".into(),
        last_qty: d(last),
        last_price: d("60000.10"),
        last_quote: d(last) * d("60000.10"),
        cum_qty: d(cum),
        cum_quote: d(cum) * d("60000.10"),
        commission: d("0.00000050"),
        commission_asset: Some("BTC".into()),
        trade_id,
        is_maker: true,
        transact_time: 1_000 + trade_id.max(0),
        event_time: 1_000 + trade_id.max(0),
    }
}

#[test]
fn an_intent_is_journaled_once_and_resolved_by_the_exchange() {
    let mut j = Journal::open_in_memory().unwrap();
    assert!(j.record_intent(&req("a"), 100).unwrap());
    assert!(!j.record_intent(&req("a"), 200).unwrap(), "idempotent");
    let u = j.unresolved_intents().unwrap();
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].request, req("a"));
    assert_eq!(u[0].status, OrderStatus::Intent);
    assert_eq!((u[0].created_ms, u[0].sent_ms), (100, None));

    assert!(j.mark_sent("a", 150).unwrap());
    assert!(!j.mark_sent("a", 160).unwrap());
    let u = j.unresolved_intents().unwrap();
    assert_eq!(
        (u[0].status, u[0].sent_ms),
        (OrderStatus::Unknown, Some(150))
    );
    assert!(j.mark_sent("nope", 1).is_err());

    let r = j
        .record_execution(&exec("a", OrderStatus::New, -1, "0", "0"))
        .unwrap();
    assert!(r.order_changed && !r.adopted && !r.new_fill);
    assert!(j.unresolved_intents().unwrap().is_empty());
    let open = j.open_orders().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].exchange_id, Some(7));
    // Exact decimals, scale included.
    assert_eq!(open[0].price.unwrap().to_string(), "60000.10");
    assert_eq!(open[0].qty.unwrap().to_string(), "0.00100000");
}

#[test]
fn reports_out_of_order_and_duplicates_change_nothing_twice() {
    let mut j = Journal::open_in_memory().unwrap();
    j.record_intent(&req("a"), 1).unwrap();
    j.mark_sent("a", 2).unwrap();
    let fill2 = exec("a", OrderStatus::Filled, 2, "0.0006", "0.001");
    let fill1 = exec("a", OrderStatus::PartiallyFilled, 1, "0.0004", "0.0004");
    let new = exec("a", OrderStatus::New, -1, "0", "0");
    let r = j.record_execution(&fill2).unwrap();
    assert!(r.order_changed && r.new_fill);
    let r = j.record_execution(&fill1).unwrap();
    assert!(
        !r.order_changed && r.new_fill,
        "late fill counts, status stays"
    );
    assert_eq!(j.record_execution(&new).unwrap(), Default::default());
    assert_eq!(j.record_execution(&fill2).unwrap(), Default::default());
    let o = j.order("a").unwrap().unwrap();
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(o.executed_qty, d("0.001"));
    let fills = j.fills(&FillFilter::default()).unwrap();
    assert_eq!(
        fills.iter().map(|f| f.trade_id).collect::<Vec<_>>(),
        vec![1, 2],
        "oldest first"
    );
    assert_eq!(fills[0].commission, d("0.00000050"));
    assert_eq!(fills[0].commission_asset, "BTC");
    // The same trade over REST is a duplicate.
    assert!(!j.insert_fill(&fill1.fill().unwrap()).unwrap());
    // upsert_order with a stale picture changes nothing either.
    let mut stale = o.clone();
    stale.status = OrderStatus::New;
    stale.executed_qty = Decimal::ZERO;
    assert!(!j.upsert_order(&stale).unwrap());
    assert_eq!(j.order("a").unwrap().unwrap(), o);
}

#[test]
fn cancels_rejects_and_adoption() {
    let mut j = Journal::open_in_memory().unwrap();
    j.record_intent(&req("a"), 1).unwrap();
    j.record_intent(&req("b"), 1).unwrap();
    // A definite reject keeps the reason.
    assert!(j
        .mark_rejected("b", "-2010 insufficient balance", 3)
        .unwrap());
    assert_eq!(j.order("b").unwrap().unwrap().status, OrderStatus::Rejected);
    assert_eq!(
        j.order_note("b").unwrap().as_deref(),
        Some("-2010 insufficient balance")
    );
    assert_eq!(j.order_note("a").unwrap(), None);
    assert!(j.mark_rejected("zz", "x", 3).is_err());
    // A cancel report names the order in `C`.
    j.record_execution(&exec("a", OrderStatus::New, -1, "0", "0"))
        .unwrap();
    let mut cancel = exec("cancel-1", OrderStatus::Canceled, -1, "0", "0");
    cancel.exec_type = "CANCELED".into();
    cancel.orig_client_order_id = Some("a".into());
    let r = j.record_execution(&cancel).unwrap();
    assert!(r.order_changed && !r.adopted);
    assert!(j.order("cancel-1").unwrap().is_none());
    assert_eq!(j.order("a").unwrap().unwrap().status, OrderStatus::Canceled);
    assert!(j.open_orders().unwrap().is_empty());

    // An order placed elsewhere is adopted, not invented.
    let r = j
        .record_execution(&exec("web-1", OrderStatus::New, -1, "0", "0"))
        .unwrap();
    assert!(r.adopted);
    assert_eq!(j.open_orders().unwrap().len(), 1);
    assert!(j.unresolved_intents().unwrap().is_empty());
    // But a client-side status for an unknown order is refused.
    let mut ghost = j.order("web-1").unwrap().unwrap();
    ghost.client_order_id = "ghost".into();
    ghost.status = OrderStatus::Unknown;
    assert!(j.upsert_order(&ghost).is_err());
}

#[test]
fn filters_select_and_limit() {
    let mut j = Journal::open_in_memory().unwrap();
    for (i, cid) in ["a", "b", "c"].iter().enumerate() {
        let mut r = req(cid);
        if i == 2 {
            r.symbol = "ETHUSDT".into();
        }
        j.record_intent(&r, 10 * i as i64).unwrap();
    }
    j.mark_sent("b", 15).unwrap();
    let eth = j
        .orders(&OrderFilter {
            symbol: Some("ETHUSDT".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(eth.len(), 1);
    let unknown = j
        .orders(&OrderFilter {
            statuses: vec![OrderStatus::Unknown],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(unknown[0].client_order_id, "b");
    let newest = j
        .orders(&OrderFilter {
            limit: Some(2),
            ..Default::default()
        })
        .unwrap();
    let ids: Vec<&str> = newest.iter().map(|o| o.client_order_id.as_str()).collect();
    assert_eq!(ids, ["c", "b"]);
    let since = j
        .orders(&OrderFilter {
            since_ms: Some(15),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(since.len(), 2);

    j.record_intent(&req("f"), 1).unwrap();
    for t in 1..=3 {
        j.record_execution(&exec(
            "f",
            OrderStatus::PartiallyFilled,
            t,
            "0.0001",
            "0.0001",
        ))
        .unwrap();
    }
    let last2 = j
        .fills(&FillFilter {
            client_order_id: Some("f".into()),
            limit: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        last2.iter().map(|f| f.trade_id).collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert!(j
        .fills(&FillFilter {
            symbol: Some("ETHUSDT".into()),
            ..Default::default()
        })
        .unwrap()
        .is_empty());
}

#[test]
fn restart_resolves_intents_and_adopts_working_orders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal-testnet.sqlite");
    {
        let mut j = Journal::open(&path).unwrap();
        for cid in ["a", "b", "c"] {
            j.record_intent(&req(cid), 1).unwrap();
        }
        j.mark_sent("a", 2).unwrap();
        j.mark_sent("b", 2).unwrap();
        // kill -9 here: no answer for a or b was journaled.
    }
    let mut j = Journal::open(&path).unwrap();
    let u = j.unresolved_intents().unwrap();
    let state: Vec<(&str, OrderStatus, Option<i64>)> = u
        .iter()
        .map(|u| (u.request.client_order_id.as_str(), u.status, u.sent_ms))
        .collect();
    assert_eq!(
        state,
        [
            ("a", OrderStatus::Unknown, Some(2)),
            ("b", OrderStatus::Unknown, Some(2)),
            ("c", OrderStatus::Intent, None),
        ]
    );
    // c never left; the exchange filled a and never saw b.
    j.mark_rejected("c", "never sent", 10).unwrap();
    let mut a = j.order("a").unwrap().unwrap();
    a.exchange_id = Some(99);
    a.status = OrderStatus::Filled;
    a.executed_qty = d("0.001");
    a.cum_quote = d("60.0001");
    a.updated_ms = 5;
    assert!(j.upsert_order(&a).unwrap());
    let trade = exec("a", OrderStatus::Filled, 1, "0.001", "0.001");
    assert!(j.insert_fill(&trade.fill().unwrap()).unwrap());
    j.mark_rejected("b", "not found after recvWindow", 10)
        .unwrap();
    // The exchange also lists an order placed on its website.
    let mut web = a.clone();
    web.client_order_id = "web_abc".into();
    web.status = OrderStatus::New;
    web.executed_qty = Decimal::ZERO;
    web.cum_quote = Decimal::ZERO;
    assert!(j.upsert_order(&web).unwrap());

    assert!(j.unresolved_intents().unwrap().is_empty());
    let open: Vec<String> = j
        .open_orders()
        .unwrap()
        .into_iter()
        .map(|o| o.client_order_id)
        .collect();
    assert_eq!(open, ["web_abc"]);
    assert_eq!(j.order("a").unwrap().unwrap().status, OrderStatus::Filled);
    assert_eq!(j.order("b").unwrap().unwrap().status, OrderStatus::Rejected);
    assert_eq!(j.order_note("c").unwrap().as_deref(), Some("never sent"));
    assert_eq!(j.order_note("a").unwrap(), None);
    // Nothing invented: one fill, the one the exchange reported.
    assert_eq!(j.fills(&FillFilter::default()).unwrap().len(), 1);
}
