//! Reconciliation through the real signed client: myTrades carries only
//! `orderId`, so `reconcile` names every recovered fill with its order's
//! client order id (open orders, then allOrders) and returns the finished
//! orders it looked up, plus the account's own commission rates.

mod trade_common;

use trade_common::*;
use tradeterm::domain::Side;
use tradeterm::sim::trading::AccountProfile;
use tradeterm::trading::order::{OrderStatus, OrderType};

const S: &str = "BTCUSDT";

#[tokio::test]
async fn recovered_fills_carry_their_client_order_ids_and_the_accounts_fees() {
    let r = rig("").await;
    let (maker, taker) = (d("0.0002"), d("0.0004"));
    r.sim.trading().set_profile(
        r.account,
        AccountProfile {
            maker_rate: maker,
            taker_rate: taker,
            ..AccountProfile::default()
        },
    );
    let (bid, _) = r.top(S);
    // One order stays open untouched, one fills at once (taker), one is
    // filled by a public trade through its price (maker), and one is
    // partly filled by a trade at its price: it is still open.
    let place = |id: &str, kind, price, qty: &str| {
        let o = order(id, kind, Side::Buy, price, qty);
        let c = r.client.clone();
        async move { c.place(&o).await }
    };
    place("rc-open", OrderType::Limit, Some(bid - d("500")), "0.01")
        .await
        .unwrap();
    place("rc-mkt", OrderType::Market, None, "0.01")
        .await
        .unwrap();
    place("rc-done", OrderType::Limit, Some(bid - d("2")), "0.01")
        .await
        .unwrap();
    r.sim.inject_trade(S, Side::Sell, bid - d("3"), d("1"));
    r.events.exec("rc-done", "TRADE", OrderStatus::Filled).await;
    place("rc-part", OrderType::Limit, Some(bid - d("2")), "0.02")
        .await
        .unwrap();
    let ahead = r.sim.trading().order("rc-part").unwrap().queue_ahead;
    r.sim
        .inject_trade(S, Side::Sell, bid - d("2"), ahead + d("0.01"));
    r.events
        .exec("rc-part", "TRADE", OrderStatus::PartiallyFilled)
        .await;

    let rec = r.client.reconcile(&[S.to_string()]).await.unwrap();
    assert_eq!(rec.fees, Some((maker, taker)));
    let ledger = r.sim.trading().trades();
    assert!(ledger.len() >= 3, "{ledger:?}");
    assert!(ledger.iter().any(|t| t.client_order_id == "rc-part"));
    assert_eq!(rec.recent_trades.len(), ledger.len());
    for f in &rec.recent_trades {
        let t = ledger.iter().find(|t| t.trade_id == f.trade_id).unwrap();
        assert_eq!(
            (f.client_order_id.as_str(), f.order_id),
            (t.client_order_id.as_str(), t.order_id),
            "trade {}",
            f.trade_id
        );
        // The sim charged the account's rates, as the account reports them.
        let rate = if f.is_maker { maker } else { taker };
        assert_eq!(f.commission, (f.qty * rate).round_dp(8), "{f:?}");
    }
    let mut open: Vec<&str> = rec
        .open_orders
        .iter()
        .map(|o| o.order_client_id())
        .collect();
    open.sort();
    assert_eq!(open, ["rc-open", "rc-part"]);
    let mut closed: Vec<(&str, OrderStatus)> = rec
        .closed_orders
        .iter()
        .map(|o| (o.order_client_id(), o.status))
        .collect();
    closed.sort_by_key(|c| c.0);
    assert_eq!(
        closed,
        [
            ("rc-done", OrderStatus::Filled),
            ("rc-mkt", OrderStatus::Filled)
        ]
    );
    r.stop().await;
}
