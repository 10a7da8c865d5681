//! Each trading fault knob against the real client: an ambiguous submit
//! ends `Unknown` (never `Rejected`), is resolved by querying the client
//! order id with no second POST, and the client's view (REST answers, user
//! stream, reconcile) ends equal to the simulator's ledger.

mod trade_common;

use std::time::Duration;
use trade_common::*;
use tradeterm::domain::Side;
use tradeterm::exchange::signed::{OrderKey, SubmitError};
use tradeterm::trading::account::AccountEvent;
use tradeterm::trading::order::{OrderStatus, OrderType};

const S: &str = "BTCUSDT";

/// Submits, expects `Unknown`, resolves by `origClientOrderId` and checks
/// the order reached the simulator exactly once.
async fn unknown_then_resolved(r: &Rig, id: &str, kind: OrderType, accepted: bool) -> ClientView {
    let (bid, _) = r.top(S);
    let price = (kind == OrderType::Limit).then(|| bid - d("100"));
    let e = within(
        "submit",
        r.client.place(&order(id, kind, Side::Buy, price, "0.01")),
    )
    .await
    .unwrap_err();
    assert!(e.is_unknown(), "{id}: {e:?}");
    assert!(!e.to_string().contains(CANARY));
    let found = r
        .client
        .query_order(S, &OrderKey::Client(id.into()))
        .await
        .unwrap();
    assert_eq!(found.is_some(), accepted, "{id}: {found:?}");
    assert_eq!(r.sim.trading().submissions(id), 1, "{id}: no second POST");
    assert_eq!(
        r.sim
            .trading()
            .orders()
            .iter()
            .filter(|o| o.client_order_id == id)
            .count(),
        usize::from(accepted)
    );
    let mut view = ClientView::default();
    if let Some(s) = found {
        let want = if kind == OrderType::Market {
            OrderStatus::Filled
        } else {
            OrderStatus::New
        };
        assert_eq!(s.status, want);
        view.apply_state(&s);
        let x = if kind == OrderType::Market {
            "TRADE"
        } else {
            "NEW"
        };
        r.events.exec(id, x, want).await;
    }
    view
}

#[tokio::test]
async fn lost_response_is_unknown_and_resolved_by_query() {
    let r = rig("lose-response:2").await;
    unknown_then_resolved(&r, "lost-1", OrderType::Market, true).await;
    unknown_then_resolved(&r, "lost-2", OrderType::Limit, true).await;
    let mut view = ClientView::default();
    view.apply_events(&r.events.all());
    for s in r.client.all_orders(S, None).await.unwrap() {
        view.apply_state(&s);
    }
    merge_fills(
        &mut view.fills,
        r.client.my_trades(S, None, None).await.unwrap(),
    );
    view.assert_matches(&r.sim);
    r.stop().await;
}

#[tokio::test]
async fn a_response_delayed_past_the_timeout_is_unknown_not_failed() {
    let r = rig_with(
        "delay-response:1500ms",
        Duration::from_millis(400),
        Some(rich()),
    )
    .await;
    unknown_then_resolved(&r, "slow-1", OrderType::Limit, true).await;
    r.sim.faults().delay_responses(Duration::ZERO);
    r.stop().await;
}

#[tokio::test]
async fn submit_errors_accepted_or_not_are_both_unknown() {
    let r = rig("").await;
    let f = r.sim.faults();
    f.submit_errors(503, true, 1);
    unknown_then_resolved(&r, "e503-a", OrderType::Market, true).await;
    f.submit_errors(503, false, 1);
    unknown_then_resolved(&r, "e503-d", OrderType::Limit, false).await;
    f.submit_errors(408, true, 1);
    unknown_then_resolved(&r, "e1007-a", OrderType::Limit, true).await;
    f.submit_errors(408, false, 1);
    unknown_then_resolved(&r, "e1007-d", OrderType::Market, false).await;
    // A definite refusal is still Rejected.
    let e = r
        .client
        .place(&order(
            "rej",
            OrderType::Limit,
            Side::Buy,
            Some(d("1")),
            "0.01",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(e, SubmitError::Rejected { code: -1013, .. }),
        "{e:?}"
    );
    r.stop().await;
}

#[tokio::test]
async fn duplicated_and_reordered_reports_count_once() {
    let r = rig("dup-reports,reorder-reports").await;
    let book = r.sim.book(S).unwrap();
    // Enough to take several ask levels: several TRADE reports, reversed.
    let depth: rust_decimal::Decimal = book.asks.top(3).iter().map(|l| l.1.to_decimal()).sum();
    let qty = (depth - d("0.00001")).round_dp(5).to_string();
    let resp = r
        .client
        .place(&order("multi", OrderType::Market, Side::Buy, None, &qty))
        .await
        .unwrap();
    assert!(resp.fills.len() >= 3, "{} fills", resp.fills.len());
    r.events.exec("multi", "TRADE", OrderStatus::Filled).await;
    let n = resp.fills.len();
    r.events
        .wait("every report twice", |ev| {
            ev.iter()
                .filter(|e| matches!(e, AccountEvent::Execution(x) if x.client_order_id == "multi"))
                .count()
                == 2 * (n + 1)
        })
        .await;
    let execs = r.events.execs();
    // Reversed: the FILLED report arrives before the first partial fill.
    let pos = |st: OrderStatus| {
        execs
            .iter()
            .position(|x| x.status == st && x.exec_type == "TRADE")
            .unwrap()
    };
    assert!(pos(OrderStatus::Filled) < pos(OrderStatus::PartiallyFilled));
    let mut view = ClientView::default();
    view.apply_events(&r.events.all());
    merge_fills(&mut view.fills, resp.fills.clone());
    view.assert_matches(&r.sim);
    assert_eq!(view.orders["multi"].status, OrderStatus::Filled);
    r.stop().await;
}

#[tokio::test]
async fn a_terminated_stream_is_resubscribed_and_reconciled() {
    let r = rig("").await;
    let (bid, _) = r.top(S);
    r.client
        .place(&order(
            "before",
            OrderType::Limit,
            Side::Buy,
            Some(bid),
            "0.01",
        ))
        .await
        .unwrap();
    r.events.exec("before", "NEW", OrderStatus::New).await;
    assert_eq!(r.sim.faults().terminate_user_streams(), 1);
    r.events
        .wait("lost then up again", |ev| {
            let lost = ev.iter().position(|e| matches!(e, AccountEvent::StreamLost { reason } if reason == "eventStreamTerminated"));
            lost.is_some_and(|i| ev[i..].contains(&AccountEvent::StreamUp))
        })
        .await;
    // Fills after the resubscribe arrive on the new subscription.
    r.sim.inject_trade(S, Side::Sell, bid - d("1"), d("1"));
    r.events.exec("before", "TRADE", OrderStatus::Filled).await;
    // Reconcile after StreamUp gives the same truth.
    let rec = r.client.reconcile(&[S.to_string()]).await.unwrap();
    assert!(rec.open_orders.is_empty());
    assert_eq!(balances_map(&rec.balances), r.ledger_balances());
    let mut view = ClientView::default();
    view.apply_events(&r.events.all());
    merge_fills(&mut view.fills, rec.recent_trades);
    view.assert_matches(&r.sim);
    r.stop().await;
}

#[tokio::test]
async fn clock_skew_costs_exactly_one_resync() {
    let r = rig("").await;
    let (bid, _) = r.top(S);
    let c = r.client.clock().clone();
    let before = c.syncs();
    // The server's clock jumps 6 s ahead: our timestamps fall outside the
    // window, one -1021, one re-sync, one retry; exactly one order.
    r.sim.faults().clock_skew(6000);
    r.client
        .place(&order(
            "skew-1",
            OrderType::Limit,
            Side::Buy,
            Some(bid - d("100")),
            "0.01",
        ))
        .await
        .unwrap();
    assert_eq!(c.syncs(), before + 1);
    assert_eq!(r.sim.trading().submissions("skew-1"), 1);
    assert!(
        (c.offset_ms() - 6000).abs() < 1000,
        "offset {}",
        c.offset_ms()
    );
    // No further -1021 once synced.
    r.client
        .place(&order(
            "skew-2",
            OrderType::Limit,
            Side::Buy,
            Some(bid - d("101")),
            "0.01",
        ))
        .await
        .unwrap();
    assert_eq!(c.syncs(), before + 1);
    // The server's clock falls 1.5 s behind ours: "ahead of the server".
    r.sim.faults().clock_skew(4500);
    r.client
        .place(&order(
            "skew-3",
            OrderType::Limit,
            Side::Buy,
            Some(bid - d("102")),
            "0.01",
        ))
        .await
        .unwrap();
    assert_eq!(c.syncs(), before + 2);
    assert_eq!(r.sim.trading().orders().len(), 3);
    r.stop().await;
}

#[tokio::test]
async fn a_skew_present_at_start_needs_no_resync() {
    let r = rig("clock-skew:-6000").await;
    let (bid, _) = r.top(S);
    let before = r.client.clock().syncs();
    r.client
        .place(&order(
            "s",
            OrderType::Limit,
            Side::Buy,
            Some(bid - d("100")),
            "0.01",
        ))
        .await
        .unwrap();
    assert_eq!(r.client.clock().syncs(), before);
    r.stop().await;
}

#[tokio::test]
async fn lagging_balances_arrive_after_the_fill_and_agree() {
    let r = rig("balance-lag:200ms").await;
    r.client
        .place(&order("lag", OrderType::Market, Side::Buy, None, "0.01"))
        .await
        .unwrap();
    r.events.exec("lag", "TRADE", OrderStatus::Filled).await;
    r.wait_stream_balances(&["BTC", "USDT"]).await;
    let ev = r.events.all();
    let fill = ev
        .iter()
        .position(|e| matches!(e, AccountEvent::Execution(x) if x.status == OrderStatus::Filled))
        .unwrap();
    let bal = ev
        .iter()
        .position(|e| matches!(e, AccountEvent::Balances { .. }))
        .unwrap();
    assert!(bal > fill, "balances after the fill's report");
    r.stop().await;
}
